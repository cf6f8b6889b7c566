"""The vectorised column checks agree with the per-cell parser: same values, same messages, same cells."""

from __future__ import annotations

import io
import random
import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dashboard import parsing
from dashboard.schema import TABLES, Column

TODAY = date(2025, 6, 30)
CHOICES = ["Tố giác", "Tin báo", "Kiến nghị khởi tố", "Khá", "Xuất sắc", "A b"]

# One column of each kind, with the ranges and digits the contract uses.
COLUMNS = {
    "code5": Column("c", "code", "Mã xã", "c", digits=5),
    "code_any": Column("c", "code", "Mã", "c"),
    "int_min1": TABLES["tipoffs"].column("count"),
    "int_free": Column("i", "int", "Số", "i"),
    "year": TABLES["ratings"].column("year"),
    "float_0_100": TABLES["ratings"].column("score"),
    "float_free": Column("f", "float", "Giá trị", "f"),
    "date": TABLES["tipoffs"].column("received_date"),
    "bool": TABLES["ratings"].column("meets_standard"),
    "bool_default": TABLES["models"].column("exemplary"),
    "choice": Column("k", "choice", "Loại nguồn tin", "k", choices="tipoff_kinds"),
}

NFD = unicodedata.normalize("NFD", "Tố giác")
TRICKY = [
    # codes: leading zeros, Excel's "2701.0", too long, letters, signs
    "2701", "02701", "2701.0", "2701.00", "2701.5", "123456", "00000", "0", "1e3", "+2701", "-1", "27 01",
    "٢٧٠١", "２７０１", "2701\n", "02701.",
    # numbers: thousands separators, decimal commas, exponents, signs, huge
    "1.234", "1,234", "1.000", "12.000", "1234.0", "1234,0", "-0", "+5", "85,5", "85.5", ".5", ",5", "5.",
    "1e5", "1E+05", "1e999", "-1e999", "nan", "inf", "100", "100.0", "100,0001", "0.0", "-0.0",
    "123456789012345", "1234567890123456", "1234567890123456789", "1.234.567", "1,234,567", "1.234,5",
    "2000", "1999", "2100", "2101", "2024.0",
    # dates: ISO, d/m/Y, ambiguous day/month, impossible, future, Excel day numbers, odd years
    "2024-08-19", "2024-8-19", "19/08/2024", "1/2/2024", "01/02/2024", "13/01/2024", "01/13/2024",
    "31/04/2024", "2024-02-29", "2023-02-29", "2025-06-30", "2025-07-01", "30/06/2025", "01/07/2025",
    "45292", "45292.0", "45292,00", "32874", "32873", "45838", "45839", "99999", "0000-01-01",
    "1500-01-01", "1677-09-22", "1678-01-01", "2261-12-31", "2262-04-12", "9999-12-31", "2024/08/19",
    "19-08-2024", "2024-08-19 10:00",
    # yes/no in many spellings
    "Có", "có", "CÓ", "co", "Không", "không đạt", "Không  đạt", "x", "X", "1", "0", "true", "TRUE", "yes",
    "Y", "n", "Đúng", "đạt", "İ", "K", "\u212a",
    # choices: case, inner spaces, NFD, trailing spaces inside, unknown
    "Tố giác", "tố giác", "TỐ GIÁC", "Tố  giác", "Tố\tgiác", "Tố\xa0giác", NFD, "kiến nghị KHỞI TỐ", "a b",
    "A  B", "a\x1cb", "a\xa0b", "khá", "KHÁ", "Khá ", "xuất sắc", "Xuất Sắc", "bất kỳ",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fast_rules_always(monkeypatch):
    """The fast rules run on every column here, however few its rows and distinct values."""
    monkeypatch.setattr(parsing, "FAST_FROM", 0)
    monkeypatch.setattr(parsing, "SMALL_ROWS", 0)


def _reference(cells: list[str], col: Column, allowed: list[str], today: date):
    """What the per-cell parser says of each cell: (value or None, message or None)."""
    parse = parsing.cell_parser(col, allowed, today)
    out = []
    for text in cells:
        if text == "":
            out.append((None, None))
            continue
        try:
            out.append((parse(text), None))
        except parsing.CellError as exc:
            out.append((None, str(exc)))
    return out


def _same(a, b) -> bool:
    if a is None or b is None or a is pd.NA or b is pd.NA or a is pd.NaT or b is pd.NaT:
        return (a is None or a is pd.NA or a is pd.NaT) and (b is None or b is pd.NA or b is pd.NaT)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    return a == b and type(pd.Series([a]).iat[0]) is type(pd.Series([b]).iat[0])


def _holdable(value, col: Column) -> bool:
    try:
        pd.Series([value], dtype=object).astype(parsing.CHECK_DTYPES[col.kind])
    except (OverflowError, ValueError):
        return False
    return True


def _check(cells: list[str], col: Column) -> None:
    allowed = CHOICES if col.kind == "choice" else []
    # The per-cell parser accepts some values the column's dtype cannot hold (the year 1500, an
    # integer beyond 2^63); the file is then refused as an unexpected error, as it always was.
    unholdable = [c for c, (v, _m) in zip(cells, _reference(cells, col, allowed, TODAY), strict=True)
                  if v is not None and not _holdable(v, col)]  # fmt: skip
    if unholdable:
        with pytest.raises((OverflowError, ValueError)):
            parsing.parse_cells(pd.Series(cells, dtype="str"), col, allowed, TODAY)
        cells = [c for c in cells if c not in unholdable]
    parsed = parsing.parse_cells(pd.Series(cells, dtype="str"), col, allowed, TODAY)
    expected = _reference(cells, col, allowed, TODAY)
    messages = dict(parsed.errors)
    for pos, (text, (value, message)) in enumerate(zip(cells, expected, strict=True)):
        got = parsed.values.iat[pos]
        if text == "" and col.kind == "bool" and col.default is not None:
            assert got == col.default, text
            continue
        if message is None and text != "":
            assert pos not in messages, (text, messages.get(pos))
            assert not pd.isna(got) and got == value, (text, got, value)
        else:
            assert pd.isna(got), (text, got)
        if message is not None:
            assert messages.get(pos) == message, text
    assert parsed.blank.tolist() == [c == "" for c in cells]
    assert str(parsed.values.dtype) == str(pd.Series(dtype=parsing.CHECK_DTYPES[col.kind]).dtype)


@pytest.mark.parametrize("name", list(COLUMNS))
def test_tricky_values_agree_with_the_per_cell_parser(name):
    _check(TRICKY, COLUMNS[name])


@pytest.mark.parametrize("name", list(COLUMNS))
def test_random_texts_agree_with_the_per_cell_parser(name):
    rng = random.Random(7)
    alphabet = "0123456789" * 4 + "+-.,/eE x:Tt" + "ốáảĐđ" + "\t\xa0"
    cells = []
    for _ in range(3000):
        n = rng.choice([1, 2, 4, 5, 7, 8, 10])
        cells.append("".join(rng.choice(alphabet) for _ in range(n)).strip())
    cells += [rng.choice(TRICKY) for _ in range(200)] + [""] * 5
    _check(cells, COLUMNS[name])


def _both_ways(cells: pd.Series, col: Column, coded: bool, monkeypatch) -> tuple:
    allowed = CHOICES if col.kind == "choice" else []
    column_wide = parsing.parse_cells(cells, col, allowed, TODAY, coded=coded)
    with monkeypatch.context() as m:
        m.setattr(parsing, "SMALL_ROWS", 10**9)
        short = parsing.parse_cells(cells, col, allowed, TODAY, coded=coded)
    return short, column_wide


def _assert_same_parse(short, column_wide) -> None:
    pd.testing.assert_series_equal(short.values, column_wide.values)
    assert short.blank.tolist() == column_wide.blank.tolist()
    assert short.errors == column_wide.errors


@pytest.mark.parametrize("coded", [False, True])
@pytest.mark.parametrize("name", list(COLUMNS))
def test_short_columns_are_checked_as_long_ones(name, coded, monkeypatch):
    """A short column (a registry, a year of ratings) goes cell by cell in Python: same values,
    dtypes, categories, blanks and messages, in the same order, as the column-wide way."""
    col = COLUMNS[name]
    rng = random.Random(11)
    cells = [c for c in TRICKY if _holdable_everywhere(c, col)] * 2 + ["", "", "x", ""]
    rng.shuffle(cells)
    _assert_same_parse(*_both_ways(pd.Series(cells, dtype="str"), col, coded, monkeypatch))


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("choice", CHOICES * 3),
        ("code5", ["02701", "02702", "02703"] * 3),
        ("choice", ["Tố giác", "", "Tin báo"]),
    ],
)
def test_clean_coded_columns_keep_their_codes_and_agree(name, cells, monkeypatch):
    """Every text its own valid value: the column-wide way keeps the codes it was given."""
    _assert_same_parse(*_both_ways(pd.Series(cells, dtype="str"), COLUMNS[name], True, monkeypatch))
    coded = pd.Series(cells, dtype="category")
    column_wide = parsing.parse_cells(coded, COLUMNS[name], CHOICES, TODAY, coded=True).values
    assert column_wide.astype("str").where(column_wide.notna(), "").tolist() == cells


def _holdable_everywhere(text: str, col: Column) -> bool:
    ((value, _message),) = _reference([text], col, CHOICES if col.kind == "choice" else [], TODAY)
    return value is None or _holdable(value, col)


def test_short_typed_parquet_columns_are_checked_as_long_ones(monkeypatch):
    stamps = pd.Series([datetime(2024, 3, 5, 14, 30), None, datetime(2030, 1, 1), datetime(2024, 3, 5)])
    columns = {
        "date": (stamps.astype("datetime64[ns]"), "date"),
        "int": (pd.Series([1, 0, None, 5], dtype="Int64"), "int_min1"),
        "float": (pd.Series([85.5, 150.0, np.nan, -1.0]), "float_0_100"),
        "bool": (pd.Series([True, False, None, True], dtype="boolean"), "bool_default"),
    }
    raw = _parquet(pd.DataFrame({name: values for name, (values, _kind) in columns.items()}))
    for pos, (_values, kind) in enumerate(columns.values()):
        _assert_same_parse(*_both_ways(raw.cells[pos], COLUMNS[kind], False, monkeypatch))


@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_left_out_column_is_its_default_or_missing(name):
    col = COLUMNS[name]
    missing = None if col.kind in ("code", "text", "choice") else pd.NA
    value = missing if col.default is None else col.default
    expected = pd.Series([value] * 4, dtype=parsing.CHECK_DTYPES[col.kind])
    pd.testing.assert_series_equal(parsing.default_column(col, 4), expected)


def test_each_bad_cell_is_reported_once_in_row_order_with_blanks_after():
    col = COLUMNS["code5"]
    cells = ["02701", "abc", "", "", "abc", "123456", "", "2701"]
    parsed = parsing.parse_cells(pd.Series(cells, dtype="str"), col, [], TODAY)
    assert [pos for pos, _ in parsed.errors] == [1, 4, 5, 2, 3, 6]
    merged = [m for pos, m in parsed.errors if pos in (2, 3)]
    assert all("gộp ô" in m for m in merged) and "gộp ô" not in dict(parsed.errors)[6]
    assert parsed.values.tolist()[:1] == ["02701"] and parsed.values.iat[7] == "02701"


@pytest.mark.parametrize(
    ("blank", "expected"),
    [
        ([], []),
        ([True], [False]),
        ([True, True], [False, False]),  # at the top: nothing above to have been merged
        ([False, True], [False, False]),
        ([False, True, True], [False, True, True]),
        ([False, True, True, False, True, False, True, True], [False, True, True] + [False] * 3 + [True] * 2),
    ],
)  # fmt: skip
def test_merged_runs(blank, expected):
    assert parsing.merged_runs(np.array(blank, dtype=bool)).tolist() == expected


# ---------------------------------------------------------------------------- Parquet columns


def _parquet(frame: pd.DataFrame) -> parsing.RawTable:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return parsing.read_parquet_bytes(buffer.getvalue())


def test_parquet_text_is_what_a_csv_cell_holds():
    values = ["  02701 ", None, "", NFD, f" {NFD}\t", "a\x1c", "\xa0b\xa0", "plain", "x" * 3, "\u3000y"]
    raw = _parquet(pd.DataFrame({"t": pd.Series(values * 50, dtype="object")}))
    expected = [parsing.nfc("" if v is None else v).strip() for v in values * 50]
    assert parsing.row_texts(raw.cells, 0) == [expected[0]]
    assert [raw.cells[0].iat[i] for i in range(len(expected))] == expected


def test_dictionary_coded_parquet_text_is_what_a_csv_cell_holds():
    """A repetitive column is stored with a dictionary, read as codes; "a" and " a" become one value."""
    values = ["Tố giác", NFD, " Tố giác ", None, "Tin báo"] * 20_000
    raw = _parquet(pd.DataFrame({"k": values}))
    cells = raw.cells[0]
    assert isinstance(cells.dtype, pd.CategoricalDtype)
    assert cells.astype("str").tolist() == [parsing.nfc(v or "").strip() for v in values]
    codes, uniques = parsing.factorize(cells)
    assert sorted(uniques) == ["", "Tin báo", "Tố giác"] and codes.min() >= 0


@pytest.mark.parametrize(
    "values",
    [["a", "b"], ["a", "", "b"], ["a", None, "b"], ["a", "", None, "b"], ["", None], [None, "a"]],
)
def test_clean_dictionary_coded_text_with_blanks_has_one_blank_value(values):
    """A blank cell written as '' or left missing is one value '', already clean or not."""
    raw = _parquet(pd.DataFrame({"k": values * 50_000}))
    cells = raw.cells[0]
    assert isinstance(cells.dtype, pd.CategoricalDtype)
    assert cells.astype("str").tolist() == [v or "" for v in values * 50_000]
    categories = list(cells.cat.categories)
    assert len(categories) == len(set(categories)) and cells.cat.codes.min() >= 0


def test_typed_parquet_columns_read_as_their_text_would_be():
    """Timestamps (with a time of day, or a time zone), numbers and booleans give the values and
    the messages their ISO/plain text gives."""
    stamps = pd.Series(
        [datetime(2024, 3, 5, 14, 30), datetime(2025, 7, 1), None, datetime(2024, 12, 31, 23, 59)]
    )
    frames = {
        "date": stamps,
        "date_tz": stamps.dt.tz_localize("Asia/Ho_Chi_Minh"),
        "int": pd.Series([1, 0, None, 5], dtype="Int64"),
        "float_int": pd.Series([1.0, 2.5, np.nan, 1e17]),
        "float": pd.Series([85.5, 150.0, np.nan, -1.0]),
        "bool": pd.Series([True, False, None, True], dtype="boolean"),
        "bool_np": pd.Series([True, False, True, False]),
    }
    raw = _parquet(pd.DataFrame(frames))
    kinds = {
        "date": "date", "date_tz": "date", "int": "int_min1", "float_int": "int_min1",
        "float": "float_0_100", "bool": "bool", "bool_np": "int_free",
    }  # fmt: skip
    for pos, name in enumerate(frames):
        col = COLUMNS[kinds[name]]
        cells = raw.cells[pos]
        assert parsing.is_typed(cells), name
        texts = [parsing.row_texts(raw.cells, i)[pos] for i in range(len(cells))]
        parsed = parsing.parse_cells(cells, col, [], TODAY)
        expected = parsing.parse_cells(pd.Series(texts, dtype="str"), col, [], TODAY)
        pd.testing.assert_series_equal(parsed.values, expected.values, check_names=False)
        assert parsed.errors == expected.errors, name
        assert parsed.blank.tolist() == expected.blank.tolist(), name


def test_typed_and_text_parquet_dates_give_the_same_day():
    stamps = [pd.Timestamp("2024-03-05 14:30"), pd.Timestamp("2024-03-06")]
    raw = _parquet(pd.DataFrame({"d": pd.Series(stamps, dtype="datetime64[ns]")}))
    parsed = parsing.parse_cells(raw.cells[0], COLUMNS["date"], [], TODAY)
    assert parsed.values.tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06")]
    assert str(parsed.values.dtype) == "datetime64[ns]"


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        (["TB-0001", "TB-0002"], False),
        (["Total", "x"], True),
        (["xx", "tOnG"], True),
        (["TB-0001", "GO", "NT"], False),  # every letter of "tong" is there, the word is not
        (["Cộng", "TOTAL"], True),
        (["Tổng cộng"], False),  # ASCII words only: the caller looks closely at every other text
        (["to", "ng"], True),  # across two cells: a false alarm, never a miss
    ],
)
def test_may_contain_never_misses(cells, found):
    assert parsing.may_contain(pd.Series(cells, dtype="str"), ("tong", "cong", "total")) is found


@pytest.mark.parametrize(
    ("cells", "plain"),
    [
        (["TB-0001", "", "x y"], True),
        (["TB-0001", " x"], False),
        (["x\t", "y"], False),
        (["x\x1c"], False),  # str.strip() removes the separators \x1c-\x1f too
        (["\x01x"], False),  # a control character: looked at the long way, and kept
        (["Tổng"], False),
        (["a", None], False),
        ([""], True),
    ],
)
def test_plain_ascii_text_is_kept_as_it_is(cells, plain):
    column = pa.chunked_array([pa.array(["  z  ", *cells], pa.large_string()).slice(1)])  # an offset
    assert parsing._plain_ascii(column) is plain
    cleaned = parsing._clean_text(column).tolist()
    assert cleaned == [parsing.nfc(c or "").strip() for c in cells]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["TB-0001", "", "x y"], True),
        (["TB-0001", "Tổng"], False),
        ([], True),
        (["\x7f"], True),
        (["\x80"], False),
    ],
)
def test_is_ascii(cells, expected):
    assert parsing.is_ascii(pd.Series(cells, dtype="str")) is expected
    assert parsing.is_ascii(pd.Series(cells, dtype="str").iloc[1:]) is all(c.isascii() for c in cells[1:])
    assert parsing.is_ascii(pd.Series([1, 2])) is False  # not text


# ---------------------------------------------------------------------------- CSV without quotes


def test_py_spaces_are_what_str_isspace_says():
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == parsing.PY_SPACES


def _csv_both_ways(text: str, monkeypatch) -> tuple[parsing.RawTable, parsing.RawTable]:
    fast = parsing.read_csv_text(text)
    with monkeypatch.context() as m:
        m.setattr(parsing, "_plain_records", lambda *args: None)
        slow = parsing.read_csv_text(text)
    return fast, slow


def _same_tables(fast: parsing.RawTable, slow: parsing.RawTable) -> None:
    assert fast.headers == slow.headers
    assert list(fast.rows) == list(slow.rows)
    assert fast.row_problems == slow.row_problems
    assert fast.cells.shape == slow.cells.shape
    for j in slow.cells.columns:
        assert fast.cells[j].astype("str").tolist() == slow.cells[j].tolist(), j


ROWS = [
    "TB-1,2024-01-05,02701,Tố giác",
    " TB-2 , 19/08/2024 ,2701, " + NFD + " ",
    ",,,",  # a row of empty cells Excel leaves behind
    "",
    "TB-3,45292,02701.0,tố  giác",
    "TB-4,2024-01-05,\xa002701\xa0,Tin báo",
    "\t,\x1c, ,\u3000",
    "TB-5,2024-01-05,02701,Kiến nghị khởi tố",
]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("repeat", [1, 3000])  # 3000 × 9 lines: repetitive columns are read coded
def test_plain_csv_reads_as_the_csv_module_does(monkeypatch, newline, repeat):
    header = "Mã tin,Ngày tiếp nhận,Mã xã,Loại nguồn tin"
    text = newline.join([header, *(ROWS * repeat)]) + newline
    fast, slow = _csv_both_ways(text, monkeypatch)
    _same_tables(fast, slow)
    if repeat > 1:  # read by pyarrow, not by the csv module
        assert isinstance(fast.cells[3].dtype, pd.CategoricalDtype)
    # A line of spaces is one cell, not four, and trailing empty cells make five: pyarrow cannot say
    # where such a line was, so the csv module reads the file
    odd = text.replace(f"{newline}{newline}", f"{newline}   {newline}").replace("tố  giác", "tố  giác,,")
    _same_tables(*_csv_both_ways(odd, monkeypatch))


@pytest.mark.parametrize(
    "text",
    [
        "a;b\n1;2\n3;4;5\n6\n",  # rows of the wrong width: the csv module's loop, with its messages
        "BÁO CÁO\n\nma_xa,ten\n02701,Xã A\n\n",  # a title above the header
        "a,b\n1,2",  # no line break at the end
        "a,b\n\n\n",  # a header alone
    ],
)
def test_irregular_csv_reads_as_before(monkeypatch, text):
    try:
        fast = parsing.read_csv_text(text, lambda cells: "ma_xa" in cells or "a" in cells)
    except parsing.FileError as exc:
        with pytest.raises(parsing.FileError, match=str(exc)), monkeypatch.context() as m:
            m.setattr(parsing, "_plain_records", lambda *args: None)
            parsing.read_csv_text(text, lambda cells: "ma_xa" in cells or "a" in cells)
        return
    with monkeypatch.context() as m:
        m.setattr(parsing, "_plain_records", lambda *args: None)
        slow = parsing.read_csv_text(text, lambda cells: "ma_xa" in cells or "a" in cells)
    _same_tables(fast, slow)


def test_sniffing_reads_the_rest_of_the_file_as_its_last_line():
    """The delimiter count of the eleventh piece covers the whole rest of the file, as before."""
    lines = ["a,b"] * 10 + ["x;y;z"] * 5
    assert parsing.sniff_delimiter("\n".join(lines)) == ";"
    assert parsing.sniff_delimiter("a;b\n" * 3 + "c,d,e,f") == ","
