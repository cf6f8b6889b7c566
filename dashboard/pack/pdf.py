"""The meeting pack as PDF: a cover, then one landscape A4 page per agenda item.

Text is set in DejaVu Sans, taken from matplotlib's own data folder (a dependency already),
so Vietnamese glyphs are embedded with no system font needed.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
import math
from pathlib import Path

import matplotlib
from fpdf import FPDF
from PIL import Image

from dashboard import fmt, i18n
from dashboard.headlines import Card
from dashboard.i18n import t
from dashboard.pack import images
from dashboard.pack.content import TOP_ROWS, PackInput, Slide, filter_lines, info_line, slides

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 10.0  # landscape A4, mm
INK, MUTED, LINE = (0, 0, 0), (70, 70, 70), (20, 33, 61)
UP, DOWN = (0, 110, 50), (170, 30, 20)


class _Pack(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(False)  # one page per agenda item: content is sized to fit
        self.set_margins(MARGIN, MARGIN, MARGIN)

    def footer(self) -> None:
        self.set_y(-8)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.footer_text} · {t('pack.page', n=self.page_no(), total='{nb}')}", align="R")


def build_pdf(inp: PackInput, language: str = "vi", today: dt.date | None = None) -> bytes:
    """The pack as PDF bytes, in ``language`` (callable from any thread: the language is set locally)."""
    return contextvars.copy_context().run(_build, inp, language, today or dt.date.today())


def _build(inp: PackInput, language: str, today: dt.date) -> bytes:
    i18n.set_language(language)
    pdf = _Pack(" · ".join(p for p in (inp.province, inp.area_name) if p))
    _cover(pdf, inp, today)
    line = info_line(inp)
    for slide in slides(inp):
        _slide(pdf, inp, slide, line)
    return bytes(pdf.output())


def _cover(pdf: _Pack, inp: PackInput, today: dt.date) -> None:
    pdf.add_page()
    pdf.set_text_color(*INK)
    if inp.is_sample:
        pdf.set_font(FONT, "B", 11)
        pdf.set_fill_color(255, 244, 214)
        pdf.multi_cell(0, 7, t("sample.banner"), fill=True, border=1)
    pdf.set_y(45)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, inp.province.upper() or " ", align="C")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 24)
    pdf.multi_cell(0, 12, inp.scope.cfg.meeting_title, align="C")
    pdf.ln(4)
    pdf.set_font(FONT, "", 14)
    pdf.multi_cell(0, 8, t("pack.date", date=fmt.date(today)), align="C")
    pdf.ln(10)
    pdf.set_font(FONT, "", 13)
    for label, value in filter_lines(inp):
        pdf.set_x(70)
        pdf.set_font(FONT, "", 13)
        pdf.cell(60, 8, f"{label}:")
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 8, value)


def _slide(pdf: _Pack, inp: PackInput, slide: Slide, line: str) -> None:
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 20)
    pdf.cell(0, 9, slide.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 5, line)
    pdf.ln(1)
    for section in slide.sections:
        if section.title:
            pdf.set_font(FONT, "B", 11)
            pdf.set_text_color(*INK)
            pdf.cell(0, 6, section.title, new_x="LMARGIN", new_y="NEXT")
        _cards(pdf, section.cards)
    top = pdf.get_y() + 2
    bottom = PAGE_H - 12
    if slide.map_frame is not None:
        png = images.map_png(slide.map_frame, inp.districts_shapes, inp.scope.cfg.rating_colours)
        _image(pdf, png, MARGIN, top, PAGE_W - 2 * MARGIN, bottom - top)
        return
    tables = [tb for tb in slide.tables if tb.pdf_columns]
    blocks = len(slide.charts) + len(tables)
    if not blocks:
        return
    # Up to three blocks side by side; more go on two rows, so charts stay legible.
    cols = blocks if blocks <= 3 else math.ceil(blocks / 2)
    rows = math.ceil(blocks / cols)
    width = (PAGE_W - 2 * MARGIN - 4 * (cols - 1)) / cols
    height = (bottom - top - 3 * (rows - 1)) / rows
    cells = [(MARGIN + (i % cols) * (width + 4), top + (i // cols) * (height + 3)) for i in range(blocks)]
    for (title, chart), (x, y) in zip(slide.charts, cells, strict=False):
        _block_title(pdf, title, x, y, width)
        _image(pdf, images.chart_png(chart), x, y + 7, width, height - 7)
    for table, (x, y) in zip(tables, cells[len(slide.charts) :], strict=True):
        _block_title(pdf, table.title, x, y, width)
        _table(pdf, table.frame[list(table.pdf_columns)], x, y + 7, width, height - 7)


def _cards(pdf: _Pack, cards: list[Card]) -> None:
    gap = 3.0
    width = (PAGE_W - 2 * MARGIN - gap * (len(cards) - 1)) / max(1, len(cards))
    y, x, height = pdf.get_y(), MARGIN, 21.0
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.4)
    for card in cards:
        pdf.rect(x, y, width, height)
        pdf.set_xy(x + 2, y + 1.5)
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "", 8)
        pdf.cell(width - 4, 4, _fit(pdf, card.label, width - 4))
        pdf.set_xy(x + 2, y + 5.5)
        pdf.set_font(FONT, "B", 17)
        pdf.cell(width - 4, 8, _fit(pdf, card.value, width - 4))
        if card.delta:
            worse = _worse(card)
            pdf.set_text_color(*(MUTED if worse is None else DOWN if worse else UP))
            pdf.set_xy(x + 2, y + 14.5)
            pdf.set_font(FONT, "", 8)
            pdf.cell(width - 4, 4, _fit(pdf, card.delta, width - 4))
        x += width + gap
    pdf.set_xy(MARGIN, y + height + 2)


def _worse(card: Card) -> bool | None:
    """Whether the change is bad news (None: neutral), the colour rule of the screen's cards."""
    if card.change is None or card.change.delta == 0 or card.good == "neutral":
        return None
    return (card.change.delta < 0) == (card.good == "up")


def _fit(pdf: _Pack, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _block_title(pdf: _Pack, title: str, x: float, y: float, width: float) -> None:
    pdf.set_xy(x, y)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 6, _fit(pdf, title, width))


def _image(pdf: _Pack, png: bytes, x: float, y: float, width: float, height: float) -> None:
    """Place ``png`` inside the box, keeping its proportions."""
    with Image.open(io.BytesIO(png)) as img:
        ratio = img.height / img.width
    w = min(width, height / ratio)
    pdf.image(io.BytesIO(png), x=x + (width - w) / 2, y=y, w=w, h=w * ratio)


def _table(pdf, frame, x: float, y: float, width: float, height: float) -> None:
    row_h = 6.0
    rows = min(len(frame), TOP_ROWS, int(height // row_h) - 2)
    col_w = width / max(1, len(frame.columns))
    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.2)
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(*INK)
    pdf.set_xy(x, y)
    for name in frame.columns:
        pdf.cell(col_w, row_h, _fit(pdf, str(name), col_w - 1), border="B")
    pdf.set_font(FONT, "", 9)
    for i in range(rows):
        pdf.set_xy(x, y + row_h * (i + 1))
        for value in frame.iloc[i]:
            pdf.cell(col_w, row_h, _fit(pdf, "" if value is None else str(value), col_w - 1), border="B")
    if len(frame) > rows:
        pdf.set_xy(x, y + row_h * (rows + 1) + 1)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, row_h, t("pack.more_rows", n=fmt.num(len(frame) - rows)))
