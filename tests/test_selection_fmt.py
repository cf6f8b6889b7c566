"""Periods, their URL codes and comparisons; Vietnamese and English formatting."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import fmt, i18n
from dashboard.selection import Period, clip_to, comparison_period, make_period, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("m:2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("m:2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("q:2026-3", D(2026, 7, 1), D(2026, 9, 30)),
        ("h:2026-2", D(2026, 7, 1), D(2026, 12, 31)),
        ("y:2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("r:2026-01-15..2026-03-01", D(2026, 1, 15), D(2026, 3, 1)),
    ],
)
def test_parse_period_round_trip(code, start, end):
    period = parse_period(code)
    assert (period.start, period.end) == (start, end)
    assert period.code() == code


@pytest.mark.parametrize(
    "code", ["", "m:2026-13", "q:2026-0", "x:2026", "r:2026-03-01..2026-01-01", "y:abc", "m:2026"]
)
def test_parse_period_rejects_garbage(code):
    assert parse_period(code) is None


@pytest.mark.parametrize(
    ("code", "compare", "start", "end"),
    [
        ("m:2026-01", "prev", D(2025, 12, 1), D(2025, 12, 31)),
        ("m:2026-03", "prev", D(2026, 2, 1), D(2026, 2, 28)),
        ("q:2026-1", "prev", D(2025, 10, 1), D(2025, 12, 31)),
        ("h:2026-2", "prev", D(2026, 1, 1), D(2026, 6, 30)),
        ("y:2026", "prev", D(2025, 1, 1), D(2025, 12, 31)),
        ("q:2026-3", "yoy", D(2025, 7, 1), D(2025, 9, 30)),
        ("m:2024-02", "yoy", D(2023, 2, 1), D(2023, 2, 28)),
        ("r:2026-01-11..2026-01-20", "prev", D(2026, 1, 1), D(2026, 1, 10)),
    ],
)
def test_comparison_period(code, compare, start, end):
    other = comparison_period(parse_period(code), compare)
    assert (other.start, other.end) == (start, end)


@pytest.mark.parametrize(
    ("code", "last_day", "compare", "clipped_end", "start", "end"),
    [
        # January–October 2026 against January–October 2025, whichever comparison.
        ("y:2026", D(2026, 10, 31), "yoy", D(2026, 10, 31), D(2025, 1, 1), D(2025, 10, 31)),
        ("y:2026", D(2026, 10, 31), "prev", D(2026, 10, 31), D(2025, 1, 1), D(2025, 10, 31)),
        ("q:2026-4", D(2026, 10, 31), "prev", D(2026, 10, 31), D(2026, 7, 1), D(2026, 7, 31)),
        # A whole period is not clipped, and keeps its natural predecessor.
        ("q:2026-3", D(2026, 10, 31), "prev", D(2026, 9, 30), D(2026, 4, 1), D(2026, 6, 30)),
        ("m:2026-03", D(2026, 10, 31), "prev", D(2026, 3, 31), D(2026, 2, 1), D(2026, 2, 28)),
    ],
)
def test_period_cut_at_the_data_day_compares_like_with_like(code, last_day, compare, clipped_end, start, end):
    clipped = clip_to(parse_period(code), last_day)
    assert clipped.end == clipped_end
    other = comparison_period(clipped, compare)
    assert (other.start, other.end) == (start, end)


def test_clipped_period_says_so():
    clipped = clip_to(parse_period("y:2026"), D(2026, 10, 31))
    assert fmt.period(clipped) == "Năm 2026 (đến 31/10/2026)"
    assert clipped.code() == "y:2026"


def test_make_period_days():
    assert make_period("y", 2024).days == 366
    assert Period("r", D(2026, 1, 1), D(2026, 1, 1)).days == 1


@pytest.mark.parametrize(
    ("call", "vi", "en"),
    [
        (lambda: fmt.num(1234), "1.234", "1,234"),
        (lambda: fmt.num(1234567.25, 1), "1.234.567,2", "1,234,567.2"),
        (lambda: fmt.pct(0.125), "12,5%", "12.5%"),
        (lambda: fmt.pct(None), "—", "—"),
        (lambda: fmt.signed(-3), "−3", "−3"),
        (lambda: fmt.signed(1500), "+1.500", "+1,500"),
        (lambda: fmt.ratio(677, 686), "677/686", "677/686"),
        (lambda: fmt.ratio(1200, 1234), "1.200/1.234", "1,200/1,234"),
        (lambda: fmt.date(D(2024, 8, 20)), "20/08/2024", "20/08/2024"),
        (lambda: fmt.date(pd.NaT), "—", "—"),
        (lambda: fmt.month(pd.Timestamp("2024-08-01")), "T8/2024", "Aug 2024"),
        (lambda: fmt.month_short(pd.Timestamp("2024-08-01")), "T8", "Aug"),
        (lambda: fmt.period(parse_period("q:2026-3")), "Quý 3/2026", "Q3 2026"),
        (lambda: fmt.period(parse_period("h:2026-1")), "6 tháng đầu năm 2026", "First half of 2026"),
        (lambda: fmt.num(float("nan")), "—", "—"),
        (lambda: fmt.moment(dt.datetime(2026, 10, 31)), "31/10/2026", "31/10/2026"),
        (lambda: fmt.moment(dt.datetime(2026, 10, 31, 14, 5)), "31/10/2026 14:05", "31/10/2026 14:05"),
    ],
)
def test_formatting_in_both_languages(call, vi, en):
    try:
        i18n.set_language("vi")
        assert call() == vi
        i18n.set_language("en")
        assert call() == en
    finally:
        i18n.set_language("vi")


def test_every_text_has_both_languages_and_same_fields():
    import string

    for key, (vi, en) in i18n.TEXT.items():
        assert vi and en, key
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields_vi == fields_en, key


def test_every_text_key_used_in_the_code_exists():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")
    used = set()
    for path in [*root.glob("dashboard/**/*.py"), *root.glob("pages/*.py"), root / "app.py"]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found the keys"
    assert sorted(used - set(i18n.TEXT)) == []


COLLATION = [
    # Đ follows D; â, ă follow a; ô, ơ follow o; ư follows u (Python's order puts them all after z).
    (["Huyện Yên Sơn", "Huyện Đông Hưng", "Huyện Dương Kinh", "Huyện Em"],
     ["Huyện Dương Kinh", "Huyện Đông Hưng", "Huyện Em", "Huyện Yên Sơn"]),
    (["Thanh Hà", "Tân Lạc", "Thái Minh", "Thạch Đồng"], ["Tân Lạc", "Thạch Đồng", "Thái Minh", "Thanh Hà"]),
    (["Ân Thi", "Ảnh", "Ăn", "An"], ["An", "Ảnh", "Ăn", "Ân Thi"]),
    (["Ư", "Uông", "Ơn", "Ô", "Óc"], ["Óc", "Ô", "Ơn", "Uông", "Ư"]),
    # Tones only between words spelled alike, in the order không dấu, huyền, hỏi, ngã, sắc, nặng.
    (["Thạnh", "Thanh Đồng", "thánh", "Thành", "thanh"], ["thanh", "Thành", "thánh", "Thạnh", "Thanh Đồng"]),
    (["An Hòa", "An", "An 2", "An-B"], ["An", "An 2", "An Hòa", "An-B"]),
]  # fmt: skip


@pytest.mark.parametrize(("names", "expected"), COLLATION)
def test_names_sort_in_vietnamese_alphabetical_order(names: list[str], expected: list[str]) -> None:
    assert sorted(names, key=fmt.collate) == expected
    assert sorted(expected, key=fmt.collate) == expected


def test_sortable_numbers_read_the_vietnamese_way_and_sort_as_numbers() -> None:
    values = pd.Series([833, 2437, None, 12, 12345, 0, 10999])
    text = fmt.sortable(values)
    assert text.str.strip().tolist() == ["833", "2.437", "—", "12", "12.345", "0", "10.999"]
    by_text = [values[i] for i in sorted(range(len(text)), key=text.__getitem__)]
    assert by_text[:-1] == sorted(v for v in values if pd.notna(v)) and pd.isna(by_text[-1])
    assert fmt.sortable(pd.Series([], dtype=float)).empty


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đông Hưng", "dong hung"),
        ("ĐOÀN THANH NIÊN", "doan thanh nien"),
        ("Phòng, chống ma túy", "phong, chong ma tuy"),
    ],
)
def test_fold_drops_accents_and_case(text: str, folded: str) -> None:
    assert fmt.fold(text) == folded
