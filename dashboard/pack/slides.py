"""The meeting pack as a PowerPoint deck (many provinces present from PowerPoint): same pages as the PDF.

16:9 slides: a cover, then per agenda item the title, the info line, the headline cards as text
boxes (so figures stay editable and searchable), and the charts or the map as pictures.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from dashboard import fmt, i18n
from dashboard.headlines import Card
from dashboard.i18n import t
from dashboard.pack import images
from dashboard.pack.content import PackInput, Slide, filter_lines, info_line, slides

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
INK, MUTED = RGBColor(0, 0, 0), RGBColor(70, 70, 70)


def build_pptx(inp: PackInput, language: str = "vi", today: dt.date | None = None) -> bytes:
    """The deck as bytes, in ``language`` (callable from any thread: the language is set locally)."""
    return contextvars.copy_context().run(_build, inp, language, today or dt.date.today())


def _build(inp: PackInput, language: str, today: dt.date) -> bytes:
    i18n.set_language(language)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    blank = deck.slide_layouts[6]
    cover = deck.slides.add_slide(blank)
    lines = [inp.province.upper(), inp.scope.cfg.meeting_title, t("pack.date", date=fmt.date(today)), ""]
    lines += [f"{label}: {value}" for label, value in filter_lines(inp)]
    if inp.is_sample:
        lines.append(t("sample.banner"))
    _text(cover, lines, MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(5), size=24, first_size=32)
    line = info_line(inp)
    for item in slides(inp):
        _slide(deck.slides.add_slide(blank), inp, item, line)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _text(
    slide, lines: list[str], left, top, width, height, *, size: int, first_size: int | None = None
) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, text in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(first_size if i == 0 and first_size else size)
        run.font.bold = i == 0 and first_size is not None
        run.font.color.rgb = INK


def _slide(slide, inp: PackInput, item: Slide, line: str) -> None:
    _text(slide, [item.title], MARGIN, Inches(0.2), WIDTH - 2 * MARGIN, Inches(0.6), size=30, first_size=30)
    _text(slide, [line], MARGIN, Inches(0.8), WIDTH - 2 * MARGIN, Inches(0.4), size=14)
    top = Inches(1.3)
    for section in item.sections:
        _cards(slide, section.cards, top)
        top += Inches(1.05)
    pictures: list[bytes] = []
    if item.map_frame is not None:
        pictures.append(images.map_png(item.map_frame, inp.districts_shapes, inp.scope.cfg.rating_colours))
    pictures += [images.chart_png(chart) for _title, chart in item.charts]
    if not pictures:
        return
    # Pictures side by side in the space left, at most three in a row.
    row = pictures[:3]
    room_w = (WIDTH - 2 * MARGIN) // len(row)
    room_h = HEIGHT - top - Inches(0.2)
    for i, png in enumerate(row):
        pic = slide.shapes.add_picture(io.BytesIO(png), MARGIN + room_w * i, top)
        scale = min(room_w / pic.width, room_h / pic.height)
        pic.width, pic.height = Emu(int(pic.width * scale)), Emu(int(pic.height * scale))


def _cards(slide, cards: list[Card], top) -> None:
    width = (WIDTH - 2 * MARGIN) // max(1, len(cards))
    for i, card in enumerate(cards):
        box = slide.shapes.add_textbox(MARGIN + width * i, top, width - Inches(0.1), Inches(1.0))
        box.line.color.rgb = RGBColor(20, 33, 61)
        frame = box.text_frame
        frame.word_wrap = True
        for j, (text, size, bold) in enumerate(
            ((card.label, 12, False), (card.value, 28, True), (card.delta or "", 12, False))
        ):
            para = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = text
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = INK if j < 2 else MUTED
