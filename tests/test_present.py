"""Presentation mode through AppTest, and the agenda order as a table of cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.config import Config
from dashboard.registry import PAGES, agenda
from dashboard.ui.present import KEY_EXIT, neighbours

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
BY_NAME = {spec.name: spec for spec in PAGES}


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["overview", "map", "models", "tipoffs"], ["overview", "map", "models", "tipoffs"]),
        (["tipoffs", "overview"], ["tipoffs", "overview"]),
        (["overview", "nowhere", "data"], ["overview", "data"]),
        ([], []),
    ],
)
def test_agenda_keeps_the_settings_order_and_skips_unknown_pages(names, expected):
    assert [spec.name for spec in agenda(names)] == expected


def test_default_agenda_names_real_pages():
    assert [spec.name for spec in agenda(Config().agenda)] == list(Config().agenda)


@pytest.mark.parametrize(
    ("current", "prev", "nxt", "pos"),
    [
        ("overview", "tipoffs", "map", 1),
        ("map", "overview", "models", 2),
        ("tipoffs", "models", "overview", 4),
        ("data", "tipoffs", "overview", 0),  # off the agenda: next is its first page
    ],
)
def test_neighbours_wrap_around_the_agenda(current, prev, nxt, pos):
    order = agenda(["overview", "map", "models", "tipoffs"])
    p, n, i = neighbours(order, BY_NAME[current])
    assert (p.name, n.name, i) == (prev, nxt, pos)


def test_the_toggle_switches_presentation_on_and_writes_it_in_the_url():
    at = _app()
    assert not at.exception
    assert "present" not in at.query_params
    assert KEY_EXIT not in {b.key for b in at.button}
    at.sidebar.toggle(key="w_present").set_value(True).run()
    assert not at.exception
    assert at.query_params["present"] in ("1", ["1"])
    assert KEY_EXIT in {b.key for b in at.button}
    at.sidebar.toggle(key="w_present").set_value(False).run()
    assert "present" not in at.query_params


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_presents_the_same_figures_as_at_a_desk(spec):
    desk = _app(district="081", period="q:2026-2")
    desk.switch_page(spec.file).run()
    shown = _app(district="081", period="q:2026-2", present="1")
    shown.switch_page(spec.file).run()
    assert not shown.exception, [e.value for e in shown.exception]
    assert shown.sidebar.toggle(key="w_present").value is True
    assert {m.label: m.value for m in shown.metric} == {m.label: m.value for m in desk.metric}
    assert shown.title[0].value == desk.title[0].value
    line = next(h.value for h in shown.get("html") if '<p class="bcd-present-line' in h.value)
    for part in ("Tỉnh An Hòa", "Thành phố An Hòa", "Quý 2/2026", "Số liệu tính đến", "DỮ LIỆU MẪU"):
        assert part in line


def test_the_exit_button_leaves_presentation_and_keeps_the_filters():
    at = _app(present="1", district="081", period="q:2026-2")
    before = {m.label: m.value for m in at.metric}
    at.button(key=KEY_EXIT).click().run()
    assert not at.exception
    assert "present" not in at.query_params
    assert at.query_params["district"] in ("081", ["081"])
    assert KEY_EXIT not in {b.key for b in at.button}
    assert {m.label: m.value for m in at.metric} == before
