"""Bad input files: each case states exactly the problem (file, row, column, message) the user is shown."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dashboard import loaders
from dashboard.schema import Problem
from tests.conftest import MINI, csv_text

Rows = tuple[list[str], list[list[str]]]
Edit = Callable[[list[str], list[list[str]]], "Rows | bytes | None"]


def cell(row: int, column: str, value: str) -> Edit:
    """Set one cell; ``row`` is the spreadsheet row (header = 1)."""

    def edit(header, rows):
        rows[row - 2][header.index(column)] = value
        return header, rows

    return edit


def column(name: str, values: list[str], rename: str | None = None) -> Edit:
    """Add a column (or rename one, when ``rename`` names it)."""

    def edit(header, rows):
        if rename:
            header[header.index(rename)] = name
            return header, rows
        return [*header, name], [[*r, values[i % len(values)]] for i, r in enumerate(rows)]

    return edit


def drop(name: str) -> Edit:
    def edit(header, rows):
        i = header.index(name)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return edit


def text(transform: Callable[[str], str]) -> Edit:
    """Edit the CSV text itself."""
    return lambda header, rows: transform(csv_text(header, rows)).encode("utf-8")


def raw(data: bytes | None) -> Edit:
    return lambda header, rows: data


def P(file: str, message: str, row: int | None = None, col: str | None = None) -> Problem:
    return Problem(file, message, row, col)


R, T, M, C = "ratings.csv", "tipoffs.csv", "models.csv", "communes.csv"
CASES = [
    ("missing column", "ratings", drop("score"), [P(R,
        "Thiếu cột bắt buộc “score” (Điểm). Các cột có trong tệp: year, commune_code, rating, "
        "meets_standard, residential_met, residential_total.")]),
    ("unknown commune code", "tipoffs", cell(3, "commune_code", "09999"), [P(T,
        "Mã xã “09999” không có trong danh mục xã (communes.csv).", 3, "commune_code")]),
    ("duplicate key", "communes", cell(4, "commune_code", "2701"), [P(C,
        "Trùng khóa (commune_code = 02701) với dòng 2; mỗi khóa chỉ được có một dòng.", 4, "commune_code")]),
    ("duplicate two-column key", "ratings", cell(3, "commune_code", "02701"), [P(R,
        "Trùng khóa (year = 2024, commune_code = 02701) với dòng 2; mỗi khóa chỉ được có một dòng.", 3)]),
    ("negative count", "tipoffs", column("count", ["1", "-2", "3"]), [P(T,
        "Giá trị “-2” nhỏ hơn mức tối thiểu cho phép là 1.", 3, "count")]),
    ("unknown rating", "ratings", cell(2, "rating", "Xuat sac"), [P(R,
        "Giá trị “Xuat sac” không có trong danh sách xếp loại (Xuất sắc, Khá, Trung bình, Yếu).", 2,
        "rating")]),
    ("date in the future", "tipoffs", cell(4, "received_date", "05/01/2026"), [P(T,
        "Ngày “05/01/2026” là ngày trong tương lai (hôm nay là 31/12/2025).", 4, "received_date")]),
    ("empty file", "models", raw(b""), [P(M,
        "Tệp rỗng (0 byte): không có dòng tiêu đề và dòng số liệu nào.")]),
    ("only blank lines", "models", raw(b"\r\n \r\n"), [P(M,
        "Tệp rỗng: không có dòng tiêu đề và không có dòng số liệu nào.")]),
    ("header only", "ratings", lambda header, rows: (header, []), [P(R,
        "Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")]),
    ("truncated last row", "tipoffs", text(lambda t: t[: t.rindex("Kiến") + 4]), [P(T,
        "Dòng có 4 ô nhưng dòng tiêu đề có 8 cột: dòng bị thiếu ô hoặc bị cắt cụt.", 4)]),
    ("unterminated quote", "models", text(lambda t: t.replace("Zalo cộng đồng", '"Zalo cộng đồng')), [P(M,
        "Dấu ngoặc kép mở ở dòng này không được đóng, nên phần còn lại của tệp bị dồn vào một ô; "
        "hãy thêm dấu ngoặc kép đóng.", 4)]),
    ("text after a closing quote", "models", text(lambda t: t.replace("Zalo cộng", '"Zalo" cộng')), [P(M,
        "Dòng bị lỗi dấu ngoặc kép: sau dấu ngoặc kép đóng phải là dấu phân cách hoặc hết dòng.", 4)]),
    ("too many cells", "communes", text(lambda t: t.replace("Xã An Bình", "Xã An Bình, Bình Lục")), [P(C,
        "Dòng có 7 ô nhưng dòng tiêu đề có 6 cột: thừa dấu phẩy (một ô có chứa dấu phẩy thì phải đặt trong "
        "dấu ngoặc kép).", 2)]),
    ("blank standard cell", "ratings", cell(3, "meets_standard", ""), [P(R,
        "Ô bị bỏ trống nhưng cột này bắt buộc phải có giá trị (Đạt chuẩn An toàn về ANTT).", 3,
        "meets_standard")]),
    ("text in score", "ratings", cell(3, "score", "bảy lăm"), [P(R,
        "“bảy lăm” không phải là số; hãy ghi số dạng 85,5 hoặc 85.5.", 3, "score")]),
    ("score above 100", "ratings", cell(2, "score", "120"), [P(R,
        "Giá trị “120” lớn hơn mức tối đa cho phép là 100.", 2, "score")]),
    ("met above total", "ratings", cell(4, "residential_met", "6"), [P(R,
        "Khu dân cư đạt chuẩn (6) nhiều hơn tổng số khu dân cư (3).", 4, "residential_met")]),
    ("score and rating blank", "ratings", cell(4, "rating", ""), [P(R,
        "Phải có điểm hoặc xếp loại: cả hai ô đều bỏ trống.", 4, "score")]),
    ("resolved before received", "tipoffs", cell(2, "resolved_date", "2025-01-05"), [P(T,
        "Ngày giải quyết (05/01/2025) trước ngày tiếp nhận (10/01/2025).", 2, "resolved_date")]),
    ("handled without resolved date", "tipoffs", cell(4, "resolved_date", ""), [P(T,
        "Tình trạng “Đã chuyển” là đã xử lý xong nên phải có ngày giải quyết.", 4, "resolved_date")]),
    ("bad date format", "tipoffs", cell(2, "received_date", "2025/01/10"), [P(T,
        "Ngày “2025/01/10” không đúng dạng; hãy ghi năm-tháng-ngày (2024-08-19) hoặc ngày/tháng/năm "
        "(19/08/2024).", 2, "received_date")]),
    ("date not on the calendar", "models", cell(3, "launch_date", "31/02/2022"), [P(M,
        "Ngày “31/02/2022” không có thật trên lịch.", 3, "launch_date")]),
    ("code with letters", "communes", cell(3, "commune_code", "027O2"), [P(C,
        "Mã “027O2” chỉ được gồm chữ số (ví dụ 00001).", 3, "commune_code")]),
    ("code too long", "communes", cell(3, "district_code", "0270"), [P(C,
        "Mã “0270” có 4 chữ số, nhiều hơn 3 chữ số quy định.", 3, "district_code")]),
    ("personal data in tip-offs", "tipoffs", column("Họ tên", ["A"]),
        [P(T, "Tệp tin báo có cột chứa thông tin cá nhân: “Họ tên”. Danh tính người tố giác được pháp luật "
              "bảo vệ nên tệp bị từ chối; hãy xóa các cột này rồi lưu lại tệp.")]),
    ("personal data, several columns", "tipoffs", lambda h, r: column("so_dien_thoai", ["0912"])(
        *column("CCCD", ["0011"])(h, r)), [P(T,
        "Tệp tin báo có cột chứa thông tin cá nhân: “CCCD”, “so_dien_thoai”. Danh tính người tố giác được "
        "pháp luật bảo vệ nên tệp bị từ chối; hãy xóa các cột này rồi lưu lại tệp.")]),
    ("district code with two names", "communes", cell(3, "district_name", "Bình Lục"), [P(C,
        "Mã huyện “027” mang hai tên khác nhau: “Huyện Bình Lục” ở dòng 2 và “Bình Lục” ở dòng này.", 3,
        "district_name")]),
    ("binary junk", "ratings", raw(bytes(range(256)) * 4), [P(R,
        "Tệp có ký tự nhị phân, không phải tệp CSV dạng văn bản; hãy xuất lại tệp dạng CSV UTF-8.")]),
    ("neither UTF-8 nor cp1258", "ratings", raw(b"year,commune_code\r\n2024,\x81\x8d\r\n"), [P(R,
        "Không đọc được tệp dưới dạng văn bản: không phải mã UTF-8 cũng không phải Windows-1258; hãy lưu lại "
        "tệp dạng CSV UTF-8.")]),
    ("Excel workbook renamed .csv", "models", raw(b"PK\x03\x04\x14\x00\x06\x00"), [P(M,
        "Tệp là bảng tính Excel (.xlsx) bị đặt đuôi .csv; hãy mở trong Excel và lưu lại dạng “CSV UTF-8 "
        "(Comma delimited)”.")]),
    ("missing required file", "models", raw(None), [P(M,
        "Không tìm thấy tệp models.csv hoặc models.parquet trong thư mục dữ liệu {dir} (Mô hình tự quản, tự "
        "phòng, tự bảo vệ).")]),
    ("commune-level model without commune", "models", cell(4, "commune_code", ""), [P(M,
        "Mô hình cấp “Xã” phải có mã xã, nhưng ô mã xã đang bỏ trống.", 4, "commune_code")]),
    ("blank required cell", "communes", cell(2, "commune_name", " "), [P(C,
        "Ô bị bỏ trống nhưng cột này bắt buộc phải có giá trị (Tên xã).", 2, "commune_name")]),
    ("thousands separator", "communes", cell(2, "population", "12.000"), [P(C,
        "Số “12.000” không rõ nghĩa: dấu chấm hay dấu phẩy có thể là phân cách hàng nghìn hoặc phần thập "
        "phân; hãy ghi số nguyên không có dấu phân cách (ví dụ 1234).", 2, "population")]),
    ("fraction in a count", "models", cell(2, "sites", "2,5"), [P(M,
        "Số “2,5” phải là số nguyên, không có phần lẻ.", 2, "sites")]),
    ("text in a count", "models", cell(2, "sites", "ba"), [P(M,
        "“ba” không phải là số; cột này cần một số nguyên (ví dụ 12).", 2, "sites")]),
    ("not a yes/no", "ratings", cell(2, "meets_standard", "có lẽ"), [P(R,
        "“có lẽ” không phải giá trị có/không; hãy ghi Có hoặc Không (cũng nhận Đạt/Không đạt, x, 1/0).", 2,
        "meets_standard")]),
    ("year out of range", "ratings", cell(5, "year", "1999"), [P(R,
        "Năm “1999” nằm ngoài khoảng cho phép 2000–2100.", 5, "year")]),
    ("unknown tip-off kind", "tipoffs", cell(2, "kind", "Đơn thư"), [P(T,
        "Giá trị “Đơn thư” không có trong danh sách loại nguồn tin (Tố giác, Tin báo, Kiến nghị khởi tố).", 2,
        "kind")]),
    ("column given twice", "communes", column("Commune_Name", ["x"]), [P(C,
        "Cột “commune_name” xuất hiện 2 lần; mỗi cột chỉ được có một lần.", None, "commune_name")]),
    ("two problems, sorted by row then column", "ratings",
        lambda h, r: cell(2, "score", "x")(*cell(3, "year", "20x4")(*cell(2, "year", "abc")(h, r))), [
        P(R, "“abc” không phải là năm; hãy ghi năm bằng bốn chữ số (ví dụ 2024).", 2, "year"),
        P(R, "“x” không phải là số; hãy ghi số dạng 85,5 hoặc 85.5.", 2, "score"),
        P(R, "“20x4” không phải là năm; hãy ghi năm bằng bốn chữ số (ví dụ 2024).", 3, "year")]),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _no_settle(monkeypatch):
    """Files written by a test are complete: read them at once."""
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", 0.0)


def write_case(data_dir: Path, table: str, edit: Edit) -> Path:
    """Write the mini data set's ``table`` after ``edit`` (None from the edit deletes the file)."""
    header, rows = copy.deepcopy(MINI[table])
    content = edit(header, rows)
    path = data_dir / f"{table}.csv"
    if content is None:
        path.unlink()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(csv_text(*content), encoding="utf-8")
    return path


@pytest.mark.parametrize(("table", "edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(cfg, today, data_dir, table, edit, expected):
    write_case(data_dir, table, edit)
    dataset = loaders.load_dataset(cfg, today)
    expected = [Problem(p.file, p.message.replace("{dir}", str(data_dir)), p.row, p.column) for p in expected]
    assert list(dataset.tables[table].problems) == expected
    assert dataset.tables[table].frame.empty and not dataset.tables[table].stale  # refused as a whole
    assert dataset.problems == expected  # and no other table is disturbed


def test_broken_parquet(cfg, today, data_dir):
    (data_dir / "ratings.parquet").write_bytes(b"PAR1 not really")
    state = loaders.load_dataset(cfg, today).tables["ratings"]
    assert len(state.problems) == 1 and state.problems[0].file == "ratings.parquet"
    assert state.problems[0].message.startswith(
        "Không đọc được tệp Parquet: tệp hỏng hoặc không phải Parquet ("
    )


def test_bad_cell_in_parquet_names_the_record(cfg, today, data_dir):
    header, rows = copy.deepcopy(MINI["ratings"])
    rows[2][header.index("score")] = "150"
    pd.DataFrame(rows, columns=header, dtype="str").to_parquet(data_dir / "ratings.parquet")
    assert loaders.load_dataset(cfg, today).tables["ratings"].problems == (
        Problem("ratings.parquet", "Giá trị “150” lớn hơn mức tối đa cho phép là 100.", 4, "score"),
    )


def test_configured_header_is_named_in_messages(tmp_path, today, data_dir):
    from dashboard.config import config_from_mapping

    cfg = config_from_mapping({"data_dir": str(data_dir), "columns": {"ratings": {"score": "Điểm số"}}})
    header, rows = copy.deepcopy(MINI["ratings"])
    header[header.index("score")] = "Điểm số"
    rows[0][2] = "abc"
    (data_dir / "ratings.csv").write_text(csv_text(header, rows), encoding="utf-8")
    assert loaders.load_dataset(cfg, today).tables["ratings"].problems == (
        Problem("ratings.csv", "“abc” không phải là số; hãy ghi số dạng 85,5 hoặc 85.5.", 2, "Điểm số"),
    )
