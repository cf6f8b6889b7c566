"""Loading the data tables: contract round trip, encodings, formats, caching, the last valid version."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pa_parquet
import pytest

from dashboard import loaders, parsing
from dashboard.config import PROJECT_ROOT, config_from_mapping
from dashboard.schema import TABLES, TOTAL_WORDS, Column, Problem
from tests.conftest import MINI, csv_text, write_mini

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Excel does: letters with ^ ˘ ơ ư precomposed, tone marks as combining characters.

    Python's cp1258 codec cannot encode most precomposed Vietnamese letters (e.g. "ấ"), and NFD
    splits too far ("â" is one byte in cp1258), so split off only the five tone marks.
    """
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = "".join(c for c in parts if c not in _TONE_MARKS)
            out.append(unicodedata.normalize("NFC", base) + "".join(c for c in parts if c in _TONE_MARKS))
    return "".join(out).encode("cp1258")


@pytest.fixture(autouse=True)
def _no_settle(monkeypatch):
    """Files written by a test are complete: read them at once (the settle delay has its own test)."""
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", 0.0)


def load(cfg, today):
    dataset = loaders.load_dataset(cfg, today)
    assert dataset.problems == [], [p.describe() for p in dataset.problems]
    return dataset


def assert_same_frames(a: loaders.Dataset, b: loaders.Dataset) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a.frame(name), b.frame(name), check_exact=True)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------------------- the contract round trip


def test_contract_round_trip(cfg, today):
    dataset = load(cfg, today)
    for name, table in TABLES.items():
        frame = dataset.frame(name)
        assert list(frame.columns) == [c.name for c in table.columns], name
        for col in table.columns:
            assert str(frame[col.name].dtype) == str(
                pd.Series(dtype=parsing.final_dtype(col, table.coded)).dtype
            )
        assert dataset.tables[name].ok and not dataset.tables[name].stale
    communes = dataset.frame("communes")
    assert communes["commune_code"].tolist() == ["02701", "02702", "03101"]
    assert communes["district_code"].tolist() == ["027", "027", "031"]
    assert communes["population"].isna().tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("ratings", "score", [92.5, 75.0, None, 45.5]),  # decimal comma and point
        ("ratings", "rating", ["Xuất sắc", "Khá", "Trung bình", "Yếu"]),  # blank rating derived from score
        ("ratings", "meets_standard", [True, False, True, True]),
        ("ratings", "agencies_met", [None, None, None, None]),  # optional column absent → missing
        ("models", "launch_date", ["2023-03-15", "2022-08-19", "2024-06-01"]),  # ISO, dd/mm/yyyy, d/m/yyyy
        ("models", "district_code", ["027", None, "031"]),  # from the commune's district
        ("models", "teams", [0, 0, 0]),  # Column.default
        ("models", "exemplary", [False, False, False]),
        ("tipoffs", "count", [1, 1, 1]),
        ("tipoffs", "resolved_date", ["2025-01-25", None, "2025-03-20"]),
        ("indicators", "value", [12.0, 1500.0]),
    ],
)
def test_values_and_derived_columns(cfg, today, table, column, expected):
    values = load(cfg, today).frame(table)[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    assert [None if pd.isna(v) else v for v in values] == expected


def test_dataset_meta(cfg, today):
    dataset = load(cfg, today)
    assert dataset.is_sample
    assert dataset.meta["province"] == "Tỉnh Mẫu"
    assert dataset.as_of is not None and dataset.as_of.date() == date(2025, 6, 30)
    assert set(dataset.tables) == {"communes", "ratings", "models", "tipoffs", "indicators"}


def test_as_of_falls_back_to_newest_file(cfg, today, data_dir):
    (data_dir / "dataset.json").unlink()
    dataset = load(cfg, today)
    assert dataset.meta == {} and not dataset.is_sample
    assert dataset.as_of == max(t.good_mtime for t in dataset.tables.values() if t.good_mtime)


def test_broken_dataset_json_is_a_problem(cfg, today, data_dir):
    (data_dir / "dataset.json").write_text('{"sample": true,', encoding="utf-8")
    dataset = loaders.load_dataset(cfg, today)
    assert dataset.problems == [Problem("dataset.json", "Tệp không phải JSON hợp lệ: lỗi ở dòng 1, cột 17.")]
    assert dataset.meta == {}


def test_indicators_are_optional(cfg, today, data_dir):
    (data_dir / "indicators.csv").unlink()
    dataset = load(cfg, today)
    state = dataset.tables["indicators"]
    assert state.ok and state.path is None and state.frame.empty
    assert list(state.frame.columns) == [c.name for c in TABLES["indicators"].columns]


def test_headers_renamed_by_config_and_matched_loosely(tmp_path, today):
    folder = write_mini(tmp_path / "data")
    rows = MINI["communes"][1]
    loose = ["\ufeffMã xã", " Commune Name ", "COMMUNE_TYPE", "district code", "District_Name", "population"]
    (folder / "communes.csv").write_text(csv_text(loose, rows), encoding="utf-8")
    cfg = config_from_mapping({"data_dir": str(folder), "columns": {"communes": {"commune_code": "Mã xã"}}})
    plain = config_from_mapping({"data_dir": str(write_mini(tmp_path / "plain"))})
    assert_same_frames(load(cfg, today), load(plain, today))


# ---------------------------------------------------------------------------- encodings, delimiters, Parquet


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_encodings_give_identical_frames(tmp_path, today, encoding):
    folder = write_mini(tmp_path / "data")
    if encoding == "cp1258":
        for name, (header, rows) in MINI.items():
            (folder / f"{name}.csv").write_bytes(to_cp1258(csv_text(header, rows)))
        assert to_cp1258("Xuất sắc") != "Xuất sắc".encode()  # really the Windows code page
    else:
        write_mini(folder, encoding=encoding)
    reference = load(config_from_mapping({"data_dir": str(write_mini(tmp_path / "ref"))}), today)
    assert_same_frames(load(config_from_mapping({"data_dir": str(folder)}), today), reference)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_give_identical_frames(tmp_path, today, delimiter):
    folder = write_mini(tmp_path / "data", delimiter=delimiter)
    reference = load(config_from_mapping({"data_dir": str(write_mini(tmp_path / "ref"))}), today)
    assert_same_frames(load(config_from_mapping({"data_dir": str(folder)}), today), reference)


def as_parquet(dataset: loaders.Dataset, folder: Path, edit=lambda name, frame: frame) -> Path:
    """Every table of ``dataset`` written to ``folder`` as Parquet, after ``edit(name, frame)``."""
    folder.mkdir()
    for name in TABLES:
        edit(name, dataset.frame(name).copy()).to_parquet(folder / f"{name}.parquet")
    return folder


def test_parquet_equals_csv(tmp_path, cfg, today):
    from_csv = load(cfg, today)

    def lost_zeros(name: str, frame: pd.DataFrame) -> pd.DataFrame:  # as such a tool writes codes
        return frame.assign(commune_code=frame["commune_code"].astype(int)) if name == "communes" else frame

    folder = as_parquet(from_csv, tmp_path / "parquet", lost_zeros)
    from_parquet = load(config_from_mapping({"data_dir": str(folder)}), today)
    assert_same_frames(from_parquet, from_csv)
    assert all(t.path.suffix == ".parquet" for t in from_parquet.tables.values())


def test_parquet_with_calendar_dates_equals_csv(tmp_path, cfg, today):
    """Dates stored as Parquet dates (date32: DuckDB, Spark, Excel exports) read as the CSV's."""
    from_csv = load(cfg, today)

    def calendar_dates(name: str, frame: pd.DataFrame) -> pd.DataFrame:  # written as date32
        dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        return frame.assign(**{c: frame[c].dt.date for c in dates})

    folder = as_parquet(from_csv, tmp_path / "parquet", calendar_dates)
    assert (
        str(pa_parquet.read_schema(folder / "tipoffs.parquet").field("received_date").type) == "date32[day]"
    )
    raw = parsing.read_parquet_bytes((folder / "tipoffs.parquet").read_bytes())
    received = raw.cells[raw.headers.index("received_date")]
    assert pd.api.types.is_datetime64_any_dtype(received)  # typed, not a Python object per cell
    assert_same_frames(load(config_from_mapping({"data_dir": str(folder)}), today), from_csv)
    # A date after "today" gets the same message as in a CSV.
    late = from_csv.frame("tipoffs").copy()
    late["received_date"] = late["received_date"].dt.date
    late.loc[0, "received_date"] = today + timedelta(days=3)
    late.to_parquet(folder / "tipoffs.parquet")
    problems = (
        loaders.load_dataset(config_from_mapping({"data_dir": str(folder)}), today).tables["tipoffs"].problems
    )
    assert [(p.row, p.column) for p in problems] == [(2, "received_date")]
    assert "là ngày trong tương lai" in problems[0].message


def test_parquet_of_strings_equals_csv(tmp_path, cfg, today):
    folder = tmp_path / "parquet"
    folder.mkdir()
    for name, (header, rows) in MINI.items():
        pd.DataFrame(rows, columns=header, dtype="str").to_parquet(folder / f"{name}.parquet")
    assert_same_frames(load(config_from_mapping({"data_dir": str(folder)}), today), load(cfg, today))


def test_parquet_wins_over_csv(cfg, today, data_dir):
    header, rows = MINI["communes"]
    pd.DataFrame(rows[:2], columns=header, dtype="str").to_parquet(data_dir / "communes.parquet")
    (data_dir / "tipoffs.csv").unlink()  # its commune 03101 is not in the Parquet registry
    (data_dir / "models.csv").unlink()
    ratings_header, ratings_rows = MINI["ratings"]
    (data_dir / "ratings.csv").write_text(csv_text(ratings_header, ratings_rows[:2]), encoding="utf-8")
    state = loaders.load_dataset(cfg, today).tables["communes"]
    assert state.ok and state.path == data_dir / "communes.parquet"
    assert state.frame["commune_code"].tolist() == ["02701", "02702"]


# ---------------------------------------------------------------------------- cell parsers, table-driven

_COL = {
    "code": Column("c", "code", "Mã xã", "Code", digits=5),
    "int": Column("n", "int", "Số", "Number", minimum=0),
    "float": Column("f", "float", "Điểm", "Score", minimum=0, maximum=100),
    "year": Column("y", "year", "Năm", "Year", minimum=2000, maximum=2100),
}


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("code", "02701", "02701"),
        ("code", "2701", "02701"),  # Excel dropped the zero
        ("code", "2701.0", "02701"),
        ("int", "1234", 1234),
        ("int", "1234.0", 1234),
        ("int", "+7", 7),
        ("float", "85,5", 85.5),
        ("float", "85.5", 85.5),
        ("float", "100", 100.0),
        ("year", "2024", 2024),
    ],
)
def test_cell_parsers_accept(kind, raw, expected):
    assert parsing.cell_parser(_COL[kind], [], date(2025, 12, 31))(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2024-08-19", "2024-08-19"), ("19/08/2024", "2024-08-19"), ("1/8/2024", "2024-08-01")],
)
def test_date_formats(raw, expected):
    assert parsing.parse_date(raw, date(2025, 1, 1)) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Có", True),
        ("x", True),
        ("ĐẠT", True),
        ("TRUE", True),
        ("Không đạt", False),
        ("0", False),
        ("no", False),
    ],
)
def test_bool_words(raw, expected):
    assert parsing.parse_bool(raw) is expected


def test_choice_keeps_configured_spelling():
    col = Column("rating", "choice", "Xếp loại", "Rating")
    assert parsing.parse_choice("xuất  SẮC", col, ["Xuất sắc", "Khá"]) == "Xuất sắc"
    assert parsing.parse_choice("bất kỳ", col, []) == "bất kỳ"  # empty list: anything goes


@pytest.mark.parametrize(
    ("score", "expected"),
    [(100.0, "Xuất sắc"), (90.0, "Xuất sắc"), (89.9, "Khá"), (50.0, "Trung bình"), (0.0, "Yếu")],
)
def test_rating_from_score(score, expected):
    assert loaders.rating_for(score, config_from_mapping({})) == expected


# ---------------------------------------------------------------------------- last valid version, caching


def test_last_good_version_is_kept_until_a_valid_file_arrives(cfg, today, data_dir):
    before = load(cfg, today)
    path = data_dir / "ratings.csv"
    header, rows = MINI["ratings"]
    broken = [list(r) for r in rows]
    broken[0][2] = "chín mươi"
    path.write_text(csv_text(header, broken), encoding="utf-8")
    stale = loaders.load_dataset(cfg, today).tables["ratings"]
    assert stale.stale and not stale.ok
    assert stale.problems == (
        Problem("ratings.csv", "“chín mươi” không phải là số; hãy ghi số dạng 85,5 hoặc 85.5.", 2, "score"),
    )
    pd.testing.assert_frame_equal(stale.frame, before.frame("ratings"))
    assert stale.good_mtime == before.tables["ratings"].good_mtime

    fixed = [list(r) for r in rows] + [["2025", "02702", "81", "", "Có", "4", "4"]]
    path.write_text(csv_text(header, fixed), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2_000_000_000))
    fresh = loaders.load_dataset(cfg, today).tables["ratings"]
    assert fresh.ok and not fresh.stale and len(fresh.frame) == 5
    assert fresh.frame["rating"].iloc[-1] == "Khá"
    assert fresh.good_mtime > stale.good_mtime


def test_other_tables_are_rechecked_when_the_registry_changes(cfg, today, data_dir):
    load(cfg, today)
    header, rows = MINI["communes"]
    (data_dir / "communes.csv").write_text(csv_text(header, rows[:2]), encoding="utf-8")
    dataset = loaders.load_dataset(cfg, today)
    assert dataset.tables["communes"].ok
    unknown = Problem(
        "tipoffs.csv", "Mã xã “03101” không có trong danh mục xã (communes.csv).", 4, "commune_code"
    )
    assert dataset.tables["tipoffs"].problems == (unknown,)
    assert dataset.tables["tipoffs"].stale and len(dataset.frame("tipoffs")) == 3


@pytest.mark.parametrize("ahead", [False, True])
def read_ahead(monkeypatch, on: bool) -> None:
    """Every table but the registry read on the second thread (on), or none (off)."""
    monkeypatch.setattr(loaders, "READ_AHEAD_BYTES", 0 if on else 10**12)


def test_files_read_ahead_give_the_same_data_set_and_problems(cfg, today, data_dir, monkeypatch):
    (data_dir / "indicators.csv").write_bytes(b"")  # refused when read, on either thread
    header, rows = MINI["tipoffs"]
    rows = [list(r) for r in rows]
    rows[1][header.index("commune_code")] = "99999"  # checked against the registry, after reading
    rows[2][header.index("received_date")] = "ngày 5"  # checked with the cells, on the reading thread
    (data_dir / "tipoffs.csv").write_text(csv_text(header, rows), encoding="utf-8")
    read_ahead(monkeypatch, False)
    plain = loaders.load_dataset(cfg, today)
    loaders.clear_cache()
    read_ahead(monkeypatch, True)
    threads: list[str] = []
    real = loaders._read_bytes
    monkeypatch.setattr(
        loaders, "_read_bytes", lambda p: threads.append(threading.current_thread().name) or real(p)
    )
    ahead = loaders.load_dataset(cfg, today)
    assert sum(name.startswith("dashboard-read") for name in threads) == len(TABLES) - 1  # all but communes
    assert ahead.problems == plain.problems
    assert {p.file for p in ahead.problems} == {"indicators.csv", "tipoffs.csv"}
    assert any("99999" in p.message for p in ahead.problems)
    assert any(p.column == "received_date" for p in ahead.problems)
    assert_same_frames(ahead, plain)


@pytest.mark.parametrize("ahead", [False, True])
def test_unchanged_files_are_not_read_again(cfg, today, data_dir, monkeypatch, ahead):
    read_ahead(monkeypatch, ahead)
    load(cfg, today)
    reads: list[str] = []
    real = loaders._read_bytes
    monkeypatch.setattr(loaders, "_read_bytes", lambda path: reads.append(path.name) or real(path))
    load(cfg, today)
    assert reads == []
    header, rows = MINI["models"]
    (data_dir / "models.csv").write_text(csv_text(header, rows[:2]), encoding="utf-8")
    assert len(load(cfg, today).frame("models")) == 2
    assert reads == ["models.csv"]


def test_signature_changes_with_any_file(cfg, data_dir):
    first = loaders.data_signature(cfg)
    assert first == loaders.data_signature(cfg)
    path = data_dir / "indicators.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "2025-Q2,02701,Số cuộc họp dân,3,cuộc\r\n", encoding="utf-8"
    )
    assert loaders.data_signature(cfg) != first


def _growing(path: Path):
    """A _read_bytes under which ``path`` grows on every read, as while a writer is still appending."""

    def read(p: Path) -> bytes:
        data = p.read_bytes()
        if p == path:
            p.write_bytes(data + b"T9,2025-04-01,02701,T")
        return data

    return read


@pytest.mark.parametrize("ahead", [False, True])
def test_file_being_written_keeps_the_whole_previous_state(cfg, today, data_dir, monkeypatch, ahead):
    read_ahead(monkeypatch, ahead)
    before = load(cfg, today)
    path = data_dir / "tipoffs.csv"
    full = path.read_bytes()
    monkeypatch.setattr(loaders, "_read_bytes", _growing(path))
    path.write_bytes(full[: len(full) // 2])
    during = loaders.load_dataset(cfg, today)
    assert during.problems == [] and during.signature == before.signature  # the previous state, whole
    assert_same_frames(during, before)
    monkeypatch.undo()
    path.write_bytes(full[: full.index(b"T3,")])  # the writer stopped half-way, at a line end
    after = loaders.load_dataset(cfg, today)
    assert after.tables["tipoffs"].ok and len(after.frame("tipoffs")) == 2  # a file that is still is read


@pytest.mark.parametrize("ahead", [False, True])
def test_file_still_growing_on_first_load_is_reported(cfg, today, data_dir, monkeypatch, ahead):
    read_ahead(monkeypatch, ahead)
    path = data_dir / "tipoffs.csv"
    monkeypatch.setattr(loaders, "_read_bytes", _growing(path))
    state = loaders.load_dataset(cfg, today).tables["tipoffs"]
    assert state.problems == (
        Problem("tipoffs.csv", "Tệp đang được ghi (thay đổi trong lúc đọc); sẽ đọc lại ở lần làm mới sau."),
    )
    assert state.frame.empty and not state.stale


def test_recent_files_are_read_once_they_are_still(cfg, today, data_dir, monkeypatch):
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", 0.3)
    before = load(cfg, today)
    header, rows = MINI["models"]
    (data_dir / "models.csv").write_text(csv_text(header, rows[:2]), encoding="utf-8")
    started = time.monotonic()
    after = load(cfg, today)  # waits until the new file has been still for 0.3 s, then reads it
    assert 0.2 <= time.monotonic() - started < 2
    assert len(after.frame("models")) == 2 and len(before.frame("models")) == 3


def test_a_file_written_during_the_read_waits_until_it_is_still(cfg, today, data_dir, monkeypatch):
    """A writer between two files: the first is new and still, the second changes during the read.

    Reading again at once would take the first file's new version beside the second file's newest
    one, still only for the few milliseconds of that read: a state no writer ever meant to leave."""
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", 0.3)
    before = load(cfg, today)
    models, ratings = data_dir / "models.csv", data_dir / "ratings.csv"
    header, rows = MINI["models"]
    models.write_text(csv_text(header, rows[:2]), encoding="utf-8")
    past = time.time() - 10
    os.utime(models, (past, past))  # as if written long ago: read at once
    written = []

    def next_file_written_meanwhile(p: Path) -> bytes:
        data = p.read_bytes()
        if p == models and not written:
            written.append(time.monotonic())
            ratings.write_text(csv_text(MINI["ratings"][0], MINI["ratings"][1][:1]), encoding="utf-8")
        return data

    monkeypatch.setattr(loaders, "_read_bytes", next_file_written_meanwhile)
    shown = loaders.load_dataset(cfg, today)
    returned = time.monotonic()
    assert written
    if len(shown.frame("ratings")) == 1:  # the newest state, taken once it had been still
        assert returned - written[0] >= 0.29 and len(shown.frame("models")) == 2
    else:  # or the whole previous state
        assert_same_frames(shown, before)


@pytest.mark.parametrize("ahead", [False, True])
def test_file_replaced_once_is_read_again(cfg, today, data_dir, monkeypatch, ahead):
    read_ahead(monkeypatch, ahead)
    path = data_dir / "tipoffs.csv"
    header, rows = MINI["tipoffs"]
    calls = []

    def replaced_on_first_read(p: Path) -> bytes:
        data = p.read_bytes()
        if p == path and not calls:
            calls.append(p)
            p.write_text(csv_text(header, rows[:1]), encoding="utf-8")
        return data

    monkeypatch.setattr(loaders, "_read_bytes", replaced_on_first_read)
    assert len(load(cfg, today).frame("tipoffs")) == 1


def test_source_files_are_untouched(cfg, today, data_dir):
    header, rows = MINI["ratings"]
    (data_dir / "ratings.csv").write_text(csv_text(header, rows).replace("Khá", "Kha"), encoding="utf-8")
    before = digest(data_dir)
    loaders.load_dataset(cfg, today)
    loaders.load_dataset(cfg, today)
    assert digest(data_dir) == before


def test_concurrent_sessions_get_the_same_data(cfg, today):
    results: list[loaders.Dataset] = []
    threads = [
        threading.Thread(target=lambda: results.append(loaders.load_dataset(cfg, today))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r.problems == [] for r in results)
    for other in results[1:]:
        assert_same_frames(results[0], other)


def test_callers_cannot_change_the_shared_frames(cfg, today):
    frame = load(cfg, today).frame("communes")
    frame["extra"] = 1
    frame.loc[0, "commune_name"] = "Đã sửa"
    again = load(cfg, today).frame("communes")
    assert "extra" not in again.columns and again.loc[0, "commune_name"] == "Xã An Bình"


def test_problems_are_capped(cfg, today, data_dir):
    header = MINI["indicators"][0]
    many = [["2025-Q1", f"u{i}", "Chỉ tiêu", "nhiều", ""] for i in range(60)]
    (data_dir / "indicators.csv").write_text(csv_text(header, many), encoding="utf-8")
    problems = loaders.load_dataset(cfg, today).tables["indicators"].problems
    assert len(problems) == 51
    assert problems[0] == Problem(
        "indicators.csv", "“nhiều” không phải là số; hãy ghi số dạng 85,5 hoặc 85.5.", 2, "value"
    )
    assert problems[-1] == Problem("indicators.csv", "… và 10 lỗi khác.")


# ---------------------------------------------------------------------------- docs and the demo data


def test_every_contract_column_is_documented():
    readme = (PROJECT_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", readme))
    missing = [f"{t.name}.{c.name}" for t in TABLES.values() for c in t.columns if c.name not in documented]
    assert missing == []
    assert all(f"{name}.csv" in readme for name in TABLES)


def test_demo_data_loads_clean():
    demo = PROJECT_ROOT / "data"
    if not (demo / "communes.csv").exists():
        pytest.skip("the demo data has not been generated yet")
    dataset = loaders.load_dataset(config_from_mapping({"data_dir": str(demo)}))
    assert [p.describe() for p in dataset.problems] == []
    assert not dataset.frame("communes").empty
    json.dumps(dict(dataset.meta))  # plain JSON values only


def test_signature_follows_the_boundaries_and_groups_files(tmp_path):
    (tmp_path / "geo.geojson").write_text("{}", encoding="utf-8")
    (tmp_path / "groups.csv").write_text("commune_code,group_code,group_name\n", encoding="utf-8")
    cfg = config_from_mapping(
        {"data_dir": "data", "boundaries_file": "geo.geojson", "groups_file": "groups.csv"}, base_dir=tmp_path
    )
    before = loaders.data_signature(cfg)
    (tmp_path / "groups.csv").write_text(
        "commune_code,group_code,group_name\n02701,1,Cụm 1\n", encoding="utf-8"
    )
    after_groups = loaders.data_signature(cfg)
    assert after_groups != before
    (tmp_path / "geo.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert loaders.data_signature(cfg) != after_groups


# ---------------------------------------------------------------------------- big files, whole columns


def _big_tipoffs(n: int) -> tuple[list[str], list[list[str]]]:
    """``n`` tip-offs cycling through MINI's, with distinct ids, in order, and a few of every mistake."""
    header, base = MINI["tipoffs"]
    rows = [[f"T{i:06d}", *base[i % len(base)][1:]] for i in range(n)]
    for i, row in enumerate(rows):  # many distinct dates, in both accepted forms
        received = date(2023, 1, 1) + timedelta(days=i % 700)
        row[1] = f"{received:%Y-%m-%d}" if i % 2 else f"{received:%d/%m/%Y}"
        row[6] = f"{received + timedelta(days=i % 30):%d/%m/%Y}" if row[6] else ""
    rows[5][1] = "31/02/2025"  # not on the calendar
    rows[6][2] = "99999"  # not in the registry
    rows[7][2] = "2701"  # leading zero restored
    rows[8][0] = rows[3][0]  # a repeated id
    rows[9][1] = "45678"  # an Excel day number in the future
    rows[10][3] = "tố  GIÁC"  # a choice matched loosely
    rows[11][3] = "Tố giác khác"  # not in the list
    rows[12][6], rows[12][1] = "2025-01-01", "2025-02-01"  # resolved before received
    rows[13][0] = "Tổng cộng"  # a totals row
    rows[14][2] = rows[15][2] = rows[16][2] = ""  # blank, as Excel leaves merged cells
    rows[17][1] = unicodedata.normalize("NFD", "ngày 5")  # not a date, tone marks combining
    return header, rows


def _same_as_cell_by_cell(monkeypatch, cfg, today) -> tuple[loaders.Dataset, loaders.Dataset]:
    with monkeypatch.context() as m:  # the fast rules on every column, however few its values
        m.setattr(parsing, "FAST_FROM", 0)
        fast = loaders.load_dataset(cfg, today)
    loaders.clear_cache()
    with monkeypatch.context() as m:  # every cell by the per-cell parser, every line by the csv module
        m.setattr(parsing, "FAST_FROM", 10**9)
        m.setattr(parsing, "_plain_records", lambda *args: None)
        m.setattr(loaders, "_SMALL", 10**9)
        slow = loaders.load_dataset(cfg, today)
    return fast, slow


@pytest.mark.parametrize("fmt", ["csv", "parquet", "parquet-typed"])
def test_big_file_problems_are_those_of_the_cell_by_cell_checks(monkeypatch, cfg, today, data_dir, fmt):
    header, rows = _big_tipoffs(30_000)
    (data_dir / "tipoffs.csv").unlink()
    if fmt == "csv":
        (data_dir / "tipoffs.csv").write_text(csv_text(header, rows), encoding="utf-8")
    else:
        frame = pd.DataFrame(rows, columns=header, dtype="str")
        if fmt == "parquet-typed":  # dates as timestamps, as a database export writes them
            frame = frame.drop(index=[5, 9, 17]).reset_index(drop=True)
            for name in ("received_date", "resolved_date"):
                frame[name] = pd.to_datetime(frame[name], format="mixed", dayfirst=True)
        frame.to_parquet(data_dir / "tipoffs.parquet", index=False)
    fast, slow = _same_as_cell_by_cell(monkeypatch, cfg, today)
    problems = fast.tables["tipoffs"].problems
    assert problems == slow.tables["tipoffs"].problems
    assert len(problems) >= 9 and fast.frame("tipoffs").empty


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_big_valid_file_loads_as_cell_by_cell(monkeypatch, cfg, today, data_dir, fmt):
    header, rows = _big_tipoffs(30_000)
    rows = [r for i, r in enumerate(rows) if i not in range(5, 18)]
    (data_dir / "tipoffs.csv").unlink()
    if fmt == "csv":
        (data_dir / "tipoffs.csv").write_text(csv_text(header, rows), encoding="utf-8")
    else:
        pd.DataFrame(rows, columns=header, dtype="str").to_parquet(data_dir / "tipoffs.parquet", index=False)
    fast, slow = _same_as_cell_by_cell(monkeypatch, cfg, today)
    assert fast.problems == slow.problems == []
    pd.testing.assert_frame_equal(fast.frame("tipoffs"), slow.frame("tipoffs"), check_exact=True)
    assert len(fast.frame("tipoffs")) == len(rows)


@pytest.mark.parametrize(
    ("cell", "total"),
    [("Tổng cộng", True), ("TỔNG CỘNG", True), ("tong cong", True), ("Tong  Cong:", True), ("Cộng", True),
     ("(*) Tổng", True), ("Total", True), ("GRAND TOTAL", True), ("Tổng số", True), ("TOTAL (*)", True),
     ("tong cong toan tinh", True), ("Tổng_cộng", True), ("TB-0001", False), ("2024-01-01", False),
     ("Tổng hợp", False), ("Cong an xa", False), ("totally", False), ("Phường Long Tân", False),
     ("ng", False), ("tal", False), ("", False), ("T-o-n-g", False)],
)  # fmt: skip
def test_a_totals_word_is_what_its_key_says(cell, total):
    """The quick ASCII pre-check never hides a totals word that the header key finds."""
    key = parsing.header_key(cell)
    assert (key in TOTAL_WORDS or key.startswith("tong cong")) is total
    assert loaders._is_total(cell) is total
