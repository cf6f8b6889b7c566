"""The meeting pack: the PDF has a cover and one page per agenda item, with the figures on screen."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard import boundaries, pack
from dashboard.pack.excel import is_risky
from dashboard.registry import agenda

ROOT = Path(__file__).resolve().parent.parent
FILTERS = {"district": "081", "period": "q:2026-2", "compare": "prev"}


@pytest.fixture(scope="module")
def screen() -> AppTest:
    """The overview as the app draws it for FILTERS, with its page context."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in FILTERS.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def inputs(screen) -> pack.PackInput:
    ctx = screen.session_state["_page_context"]
    bounds = boundaries.load_boundaries(ctx.cfg, ctx.data.frame("communes"))
    return pack.PackInput(
        ctx.scope,
        ctx.province,
        ctx.area_name,
        ctx.data.as_of,
        ctx.data.is_sample,
        bounds.communes,
        bounds.districts,
    )


@pytest.fixture(scope="module")
def pdf(inputs) -> PdfReader:
    started = time.perf_counter()
    data = pack.build_pdf(inputs)
    assert time.perf_counter() - started < 30, "the pack is made within a meeting's patience"
    return PdfReader(io.BytesIO(data))


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def test_the_pack_has_a_cover_and_one_page_per_agenda_item(pdf, inputs):
    items = agenda(inputs.scope.cfg.agenda)
    assert len(pdf.pages) == 1 + len(items)
    cover = _text(pdf.pages[0])
    for part in (
        "TỈNH AN HÒA",
        inputs.scope.cfg.meeting_title,
        "Thành phố An Hòa",
        "Quý 2/2026",
        "Quý 1/2026",
    ):
        assert part in cover, part
    assert "DỮ LIỆU MẪU" in cover
    titles = {
        "overview": "Tổng quan",
        "map": "Bản đồ xếp loại",
        "models": "Mô hình",
        "tipoffs": "Tin báo, tố giác",
    }
    for page, spec in zip(pdf.pages[1:], items, strict=True):
        assert _text(page).startswith(titles[spec.name])


def test_the_overview_page_prints_every_figure_shown_on_screen(pdf, screen):
    text = _text(pdf.pages[1])
    shown = [(m.label, m.value, m.delta) for m in screen.metric]
    assert len(shown) >= 10
    for label, value, delta in shown:
        assert f"{label} {value}" in text, (label, value)
        if delta:
            assert delta in text, (label, delta)


def test_the_excel_file_has_a_sheet_per_item_and_no_formula(inputs):
    data = pack.build_excel(inputs)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        sheets = [n for n in names if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(agenda(inputs.scope.cfg.agenda))
        assert not any("<f>" in book.read(n).decode("utf-8") for n in sheets)
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "Tin báo, tố giác tiếp nhận" in strings


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("=1+1", True),
        ("+84 912", True),
        ("-3 (2,6%)", True),
        ("@SUM(A1)", True),
        ("Xã An Bình", False),
        ("", False),
    ],
)
def test_text_excel_would_read_as_a_formula_is_quoted(text, risky):
    assert is_risky(text) is risky


def test_the_powerpoint_deck_has_the_same_pages_and_figures(inputs, screen):
    from pptx import Presentation

    deck = Presentation(io.BytesIO(pack.build_pptx(inputs)))
    assert len(deck.slides) == 1 + len(agenda(inputs.scope.cfg.agenda))
    texts = [
        " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in deck.slides
    ]
    assert inputs.scope.cfg.meeting_title in texts[0]
    overview = " ".join(texts[1].split())
    for m in screen.metric:
        assert m.label in overview and m.value in overview, (m.label, m.value)
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert pictures, "charts and the map are pictures"
