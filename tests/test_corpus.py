"""The bad-input corpus: what a secretariat's spreadsheet can produce, and what the dashboard makes of it.

Every file here either loads to exactly the frame the clean mini data set gives (its intent is
unambiguous: Vietnamese headers, title lines, Excel day numbers, UTF-16) or is refused with the
exact Problem the user reads. One test runs the whole corpus (these cases and tests/test_bad_inputs)
over a valid data set and checks that no bad file ever loses the last good data. Files are built in
code from the mini data set; nothing here is third-party data.
"""

from __future__ import annotations

import copy
import time

import pandas as pd
import pytest

from dashboard import loaders, parsing
from dashboard.config import config_from_mapping
from dashboard.schema import TABLES, Problem
from tests.conftest import MINI, csv_text, write_mini
from tests.test_bad_inputs import CASES, P, cell, column, raw, text, write_case
from tests.test_loaders import to_cp1258


@pytest.fixture(autouse=True)
def _no_settle(monkeypatch):
    """Files written by a test are complete: read them at once."""
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", 0.0)


def headers(*names: str):
    """Replace the header row with ``names`` (same order as MINI's columns)."""

    def edit(header, rows):
        assert len(names) == len(header)
        return list(names), rows

    return edit


def encoded(encoding: str, delimiter: str = ","):
    def edit(header, rows):
        content = csv_text(header, rows, delimiter)
        return to_cp1258(content) if encoding == "cp1258" else content.encode(encoding)

    return edit


def then(*edits):
    """Apply edits in turn (the last may return bytes)."""

    def edit(header, rows):
        result = (header, rows)
        for step in edits:
            result = step(*result)
        return result

    return edit


def titled(*lines: str):
    """Title lines above the header, as an Excel report exported to CSV has them (";;;" padding)."""

    def edit(header, rows):
        width = len(header)
        above = "".join(line + ";" * (width - 1) + "\r\n" for line in lines)
        return (above + csv_text(header, rows, ";")).encode("utf-8")

    return edit


def total_row(*cells: str):
    def edit(header, rows):
        return header, [*rows, list(cells) + [""] * (len(header) - len(cells))]

    return edit


def merged(column_name: str, *rows_blank: int):
    """Blank the cells Excel leaves empty below a merged cell (spreadsheet rows)."""

    def edit(header, rows):
        for row in rows_blank:
            rows[row - 2][header.index(column_name)] = ""
        return header, rows

    return edit


R, T, M, C = "ratings.csv", "tipoffs.csv", "models.csv", "communes.csv"
TIPOFF_VI = ("Mã tin", "Ngày tiếp nhận", "Mã xã", "Loại nguồn tin", "Nhóm tội danh", "Tình trạng",
             "Ngày giải quyết", "Kết quả")  # fmt: skip

# (id, table, edit): each file loads to exactly the frame the clean mini data set gives.
LOADS = [
    ("vietnamese headers with diacritics", "ratings",
        headers("Năm", "Mã xã", "Điểm", "Xếp loại", "Đạt chuẩn An toàn về ANTT", "Khu dân cư đạt chuẩn",
                "Tổng số khu dân cư")),
    ("vietnamese headers without diacritics", "tipoffs",
        headers("Ma tin", "Ngay tiep nhan", "Ma xa", "Loai nguon tin", "Nhom toi danh", "Tinh trang",
                "Ngay giai quyet", "Ket qua")),
    ("vietnamese headers in capitals with underscores", "tipoffs",
        headers("MÃ_TIN", "NGÀY TIẾP NHẬN", "MÃ XÃ", "LOẠI  NGUỒN TIN", "NHÓM TỘI DANH", "TÌNH TRẠNG",
                "NGÀY GIẢI QUYẾT", "KẾT QUẢ")),
    ("headers with footnote marks and units", "communes",
        headers("Mã xã (*)", "Tên xã", "Loại đơn vị", "Mã huyện", "Tên huyện", "Dân số (người)")),
    ("vietnamese headers in cp1258 with semicolons", "tipoffs",
        then(headers(*TIPOFF_VI), encoded("cp1258", ";"))),
    ("utf-8 BOM with semicolons", "models", encoded("utf-8-sig", ";")),
    ("utf-16 unicode text export", "communes", encoded("utf-16", "\t")),
    ("title lines above the header", "tipoffs",
        then(headers(*TIPOFF_VI),
             titled("BÁO CÁO TIN BÁO, TỐ GIÁC TỘI PHẠM NĂM 2025", "Ngày 30/06/2025", ""))),
    ("excel serial dates", "models",
        then(cell(2, "launch_date", "45000"), cell(3, "launch_date", "44792"),
             cell(4, "launch_date", "45444.0"))),
    ("merged district name", "communes", merged("district_name", 3)),
    ("merged district code", "communes", merged("district_code", 3)),
    ("extra columns STT and notes", "models",
        lambda h, r: (["STT", *h, "Ghi chú"], [[str(i + 1), *row, "x"] for i, row in enumerate(r)])),
    ("blank lines and trailing empty cells", "ratings",
        text(lambda t: t.replace("Có,5,5\r\n", "Có,5,5,,\r\n,,,,,,\r\n\r\n"))),
]  # fmt: skip

AMBIGUOUS = (
    "Không rõ cột nào là “Điểm” (score): các cột “Điểm”, “Tổng điểm” đều có thể là cột này; hãy xóa hoặc "
    "đổi tên bớt một cột, hoặc ghi tên cột cần dùng vào thiết lập columns.ratings.score."
)
MERGED = (
    "Ô bị bỏ trống nhưng cột này bắt buộc phải có giá trị (Năm đánh giá); ô này nằm dưới một ô có giá trị, "
    "có thể do gộp ô (Merge) trong Excel — hãy bỏ gộp ô và ghi giá trị vào từng dòng."
)


def _total(row: int, label: str) -> str:
    return (
        f"Dòng {row} là dòng tổng cộng (“{label}”), không phải số liệu của một đơn vị; hãy xóa dòng này "
        "(bảng điều hành tự cộng các dòng)."
    )


# (id, table, edit, problems): each file is refused with exactly these problems.
REFUSED = [
    ("ambiguous vietnamese header", "ratings",
        lambda h, r: (["Năm", "Mã xã", "Điểm", "Xếp loại", "Đạt chuẩn", *h[5:], "Tổng điểm"],
                      [[*row, "90"] for row in r]),
        [P(R, AMBIGUOUS, None, "Điểm")]),
    ("same header with and without diacritics", "communes",
        lambda h, r: (["Mã xã", "Ma xa", *h[1:]], [[row[0], *row] for row in r]),
        [P(C, "Không rõ cột nào là “Mã xã” (commune_code): các cột “Mã xã”, “Ma xa” đều có thể là cột này; "
              "hãy xóa hoặc đổi tên bớt một cột, hoặc ghi tên cột cần dùng vào thiết lập "
              "columns.communes.commune_code.", None, "Mã xã")]),
    ("totals row at the bottom", "tipoffs", total_row("", "", "", "Tổng cộng", "", "", "", ""),
        [P(T, _total(5, "Tổng cộng"), 5)]),
    ("totals row without diacritics in the first column", "communes",
        total_row("TONG CONG", "", "", "", "", "20000"), [P(C, _total(5, "TONG CONG"), 5)]),
    ("subtotal row 'Cộng'", "ratings", total_row("", "Cộng", "", "", "", "10", "12"),
        [P(R, _total(6, "Cộng"), 6)]),
    ("merged cells in a required column", "ratings", merged("year", 3, 4),
        [P(R, MERGED, 3, "year"), P(R, MERGED, 4, "year")]),
    ("excel serial before 1990", "tipoffs", cell(3, "received_date", "12345"),
        [P(T, "“12345” không phải là ngày: nếu là số ngày kiểu Excel thì đó là 18/10/1933, trước năm 1990; "
              "hãy định dạng ô là ngày (19/08/2024).", 3, "received_date")]),
    ("excel serial in the future", "tipoffs", cell(2, "received_date", "46082"),
        [P(T, "Số “46082” là ngày 01/03/2026 theo cách Excel đếm ngày, là ngày trong tương lai "
              "(hôm nay là 31/12/2025).", 2, "received_date")]),
    ("title lines and no recognisable header", "tipoffs",
        then(headers(*"abcdefgh"), titled("BÁO CÁO TIN BÁO", "")),
        [P(T, "Dòng 1 (“BÁO CÁO TIN BÁO”) là dòng tên báo cáo, không phải dòng tên cột, và trong 10 dòng "
              "đầu không có dòng tên cột nào đủ các cột bắt buộc; hãy để dòng tên cột ngay trên các dòng số "
              "liệu.",
           1)]),
    ("fractional tip-off count", "tipoffs", column("count", ["1", "1,5", "2"]),
        [P(T, "Số “1,5” phải là số nguyên, không có phần lẻ.", 3, "count")]),
    ("negative population", "communes", cell(3, "population", "-8000"),
        [P(C, "Giá trị “-8000” nhỏ hơn mức tối thiểu cho phép là 0.", 3, "population")]),
    ("zero tip-off count", "tipoffs", column("count", ["1", "0", "1"]),
        [P(T, "Giá trị “0” nhỏ hơn mức tối thiểu cho phép là 1.", 3, "count")]),
    ("whole row repeated", "models", lambda h, r: (h, [*r, list(r[0])]),
        [P(M, "Trùng khóa (model_id = M01) với dòng 2; mỗi khóa chỉ được có một dòng.", 5, "model_id")]),
    ("unknown commune in ratings", "ratings", cell(4, "commune_code", "3102"),
        [P(R, "Mã xã “03102” không có trong danh mục xã (communes.csv).", 4, "commune_code")]),
    ("personal data under a vietnamese header", "tipoffs", column("HỌ VÀ TÊN", ["Nguyễn Văn A"]),
        [P(T, "Tệp tin báo có cột chứa thông tin cá nhân: “HỌ VÀ TÊN”. Danh tính người tố giác được pháp "
              "luật bảo vệ nên tệp bị từ chối; hãy xóa các cột này rồi lưu lại tệp.")]),
    ("picture renamed .csv", "communes", raw(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
        [P(C, "Tệp có ký tự nhị phân, không phải tệp CSV dạng văn bản; hãy xuất lại tệp dạng CSV UTF-8.")]),
    ("truncated utf-16", "communes", lambda h, r: csv_text(h, r).encode("utf-16")[:-1],
        [P(C, "Tệp ghi mã UTF-16 nhưng bị hỏng hoặc bị cắt cụt; hãy lưu lại tệp dạng CSV UTF-8.")]),
    ("file cut in the middle of a line", "ratings", text(lambda t: t[: t.rindex("45.5") + 2]),
        [P(R, "Dòng có 3 ô nhưng dòng tiêu đề có 7 cột: dòng bị thiếu ô hoặc bị cắt cụt.", 5)]),
    ("dates with dots", "models", cell(2, "launch_date", "15.03.2023"),
        [P(M, "Ngày “15.03.2023” không đúng dạng; hãy ghi năm-tháng-ngày (2024-08-19) hoặc ngày/tháng/năm "
              "(19/08/2024).", 2, "launch_date")]),
]  # fmt: skip


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> loaders.Dataset:
    folder = write_mini(tmp_path_factory.mktemp("reference"))
    cfg = config_from_mapping({"data_dir": str(folder)})
    return loaders.load_dataset(cfg, pd.Timestamp("2025-12-31").date())


@pytest.mark.parametrize(("table", "edit"), [c[1:] for c in LOADS], ids=[c[0] for c in LOADS])
def test_loads_as_intended(cfg, today, data_dir, reference, table, edit):
    write_case(data_dir, table, edit)
    dataset = loaders.load_dataset(cfg, today)
    assert [p.describe() for p in dataset.problems] == []
    pd.testing.assert_frame_equal(dataset.frame(table), reference.frame(table), check_exact=True)


@pytest.mark.parametrize(("table", "edit", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_with_a_clear_message(cfg, today, data_dir, table, edit, expected):
    write_case(data_dir, table, edit)
    dataset = loaders.load_dataset(cfg, today)
    assert list(dataset.tables[table].problems) == expected
    assert dataset.tables[table].frame.empty
    assert dataset.problems == expected  # no other table disturbed


# Every bad file of the corpus, as (id, table, edit): the old cases, the refused and the loading ones.
CORPUS = [(c[0], c[1], c[2]) for c in CASES] + [(c[0], c[1], c[2]) for c in REFUSED] + LOADS


@pytest.mark.parametrize(("table", "edit"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_no_bad_file_loses_the_last_good_data(cfg, today, data_dir, table, edit):
    before = loaders.load_dataset(cfg, today)
    assert before.problems == []
    write_case(data_dir, table, edit)
    after = loaders.load_dataset(cfg, today)
    state = after.tables[table]
    if state.ok:
        pd.testing.assert_frame_equal(state.frame, before.frame(table), check_exact=True)
    else:
        assert state.stale and state.good_mtime == before.tables[table].good_mtime
        pd.testing.assert_frame_equal(state.frame, before.frame(table), check_exact=True)
        assert all(p.file.startswith(table) for p in state.problems)
    for name in TABLES:  # the other tables keep their data too
        if name != table:
            pd.testing.assert_frame_equal(after.frame(name), before.frame(name), check_exact=True)


def test_corpus_size():
    assert len({c[0] for c in CORPUS}) == len(CORPUS) >= 40


def test_configured_header_wins_over_the_vietnamese_alias(today, data_dir):
    # "Điểm" is score's built-in alias, but this province says its score is "Điểm số" and "Điểm" is another
    # column (ignored as extra).
    header, rows = copy.deepcopy(MINI["ratings"])
    header[header.index("score")] = "Điểm số"
    header.append("Điểm")
    rows = [[*r, "1"] for r in rows]
    (data_dir / "ratings.csv").write_text(csv_text(header, rows), encoding="utf-8")
    cfg = config_from_mapping({"data_dir": str(data_dir), "columns": {"ratings": {"score": "Điểm số"}}})
    frame = loaders.load_dataset(cfg, today).frame("ratings")
    assert frame["score"].tolist()[:2] == [92.5, 75.0]


def test_header_aliases_do_not_collide():
    for table in TABLES.values():
        keys = [(parsing.header_key(h), c.name) for c in table.columns for h in c.headers]
        owners: dict[str, str] = {}
        for key, name in keys:
            assert owners.setdefault(key, name) == name, (table.name, key)


SERIALS = [
    ("45292", "2024-01-01"),
    ("45292.0", "2024-01-01"),
    ("32874", "1990-01-01"),
    ("19/08/2024", "2024-08-19"),
]


@pytest.mark.parametrize(("raw_text", "expected"), SERIALS)
def test_excel_serial_dates(raw_text, expected):
    assert parsing.parse_date(raw_text, pd.Timestamp("2025-01-01").date()) == pd.Timestamp(expected)


def test_huge_file_loads(cfg, today, data_dir):
    header = ["received_date", "commune_code", "kind", "category", "status", "resolved_date", "count"]
    kinds, cats = ["Tố giác", "Tin báo"], ["Ma túy", "Trộm cắp tài sản", "Đánh bạc"]
    codes = ["02701", "02702", "03101"]
    lines = [",".join(header)]
    lines += [
        f"{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/2024,{codes[i % 3]},{kinds[i % 2]},{cats[i % 3]},"
        f"Đang xử lý,,{1 + i % 4}"
        for i in range(200_000)
    ]
    (data_dir / "tipoffs.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    started = time.monotonic()
    state = loaders.load_dataset(cfg, today).tables["tipoffs"]
    elapsed = time.monotonic() - started
    assert state.ok, [p.describe() for p in state.problems[:3]]
    assert len(state.frame) == 200_000
    assert int(state.frame["count"].sum()) == sum(1 + i % 4 for i in range(200_000))
    assert elapsed < 15


def test_huge_file_with_one_bad_row_names_it(cfg, today, data_dir):
    header = "received_date,commune_code,kind,category,status,resolved_date"
    body = ["2024-05-01,02701,Tố giác,Ma túy,Đang xử lý,"] * 100_000
    body[76_543] = "2024-05-01,02701,Tố giác,Ma túy,Xong,"
    (data_dir / "tipoffs.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    state = loaders.load_dataset(cfg, today).tables["tipoffs"]
    assert state.problems == (
        Problem(T, "Giá trị “Xong” không có trong danh sách tình trạng (Đã tiếp nhận, Đang xử lý, "
                   "Đã giải quyết, Đã chuyển).", 76_545, "status"),
    )  # fmt: skip
