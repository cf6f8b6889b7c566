"""The data contract: the tables in ``data/``, their columns, types, allowed values and keys.

This module only describes; ``loaders`` reads files and checks them against these specs.
Column names here are the contract's names; a province maps its own headers onto them
with the ``columns`` setting. Allowed values come from configuration (``choices`` names
a Config attribute), so a province can change the lists without code changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "text", "int", "float", "date", "bool", "choice", "year"]

# Values accepted for yes/no cells, after lower-casing and trimming.
TRUE_WORDS = frozenset({"có", "co", "đạt", "dat", "x", "1", "true", "yes", "y", "đúng"})
FALSE_WORDS = frozenset(
    {"không", "khong", "không đạt", "khong dat", "chưa đạt", "chua dat", "0", "false", "no", "n"}
)

# Personal data must never reach the dashboard (informants are protected by law). Compared like
# Vietnamese headers (without diacritics), so "HỌ VÀ TÊN" and "Ho va ten" are caught too.
FORBIDDEN_TIPOFF_COLUMNS = (
    "name", "ho_ten", "họ tên", "họ và tên", "phone", "so_dien_thoai", "số điện thoại", "điện thoại",
    "cccd", "cmnd", "id_number", "address", "dia_chi", "địa chỉ",
)  # fmt: skip

# Words that open a totals row in a secretariat's sheet ("Tổng cộng", "Cộng", "Tổng"), compared
# without diacritics. Such a row is not one unit's figures; the dashboard sums the units itself.
TOTAL_WORDS = ("tong cong", "cong", "tong", "tong so", "total", "grand total")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one input file, as the user is told it (always in Vietnamese)."""

    file: str  # the file's name as the user knows it, e.g. "tipoffs.csv"
    message: str  # a complete Vietnamese sentence saying what is wrong and what was expected
    row: int | None = None  # the row as a spreadsheet numbers it (header = row 1); Parquet: record + 1
    column: str | None = None  # the column header as written in the file

    def describe(self) -> str:
        """'tipoffs.csv, dòng 12, cột “kind”: <message>'."""
        where = [self.file]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            where.append(f"cột “{self.column}”")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Column:
    """One column of a table in the contract."""

    name: str
    kind: Kind
    label_vi: str
    label_en: str
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # cells may be left blank
    digits: int | None = None  # for codes: exact length once leading zeros are restored
    minimum: float | None = None
    maximum: float | None = None
    choices: str | None = None  # name of the Config list of allowed values
    default: object = None  # value used when an optional column is absent
    aliases: tuple[str, ...] = ()  # Vietnamese headers also accepted, besides the name and label_vi

    @property
    def headers(self) -> tuple[str, ...]:
        """The Vietnamese headers a spreadsheet may use for this column: its label, then its aliases."""
        return (self.label_vi, *self.aliases)


@dataclass(frozen=True)
class Table:
    """One data set: a file ``data/<name>.csv`` or ``data/<name>.parquet``."""

    name: str
    title_vi: str
    title_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True  # the dashboard needs the file to show its pages
    commune_column: str | None = "commune_code"  # checked against the communes registry
    # Codes and choices kept as categories (each distinct text once, rows as small integers): for the
    # table that may hold a million rows, where every filter would otherwise move a million texts.
    coded: bool = False

    def column(self, name: str) -> Column:
        """The column spec called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_COMMUNE_CODE = ("Mã đơn vị", "Mã ĐVHC", "Mã xã, phường")
_DISTRICT_CODE = ("Mã ĐVHC huyện", "Mã quận, huyện")

COMMUNES = Table(
    name="communes",
    title_vi="Danh mục xã, phường, thị trấn",
    title_en="Commune registry",
    key=("commune_code",),
    commune_column=None,
    columns=(
        Column("commune_code", "code", "Mã xã", "Commune code", digits=5, aliases=_COMMUNE_CODE),
        Column("commune_name", "text", "Tên xã", "Commune name",
               aliases=("Tên đơn vị", "Tên xã, phường, thị trấn", "Xã, phường, thị trấn", "Đơn vị")),
        Column("commune_type", "choice", "Loại đơn vị", "Unit type", choices="commune_types",
               aliases=("Loại", "Loại ĐVHC", "Cấp đơn vị")),
        Column(
            "district_code", "code", "Mã huyện", "District code",
            required=False, nullable=True, digits=3, aliases=_DISTRICT_CODE,
        ),
        Column("district_name", "text", "Tên huyện", "District name", required=False, nullable=True,
               aliases=("Huyện", "Huyện, thị xã, thành phố", "Đơn vị cấp huyện")),
        Column("population", "int", "Dân số", "Population", minimum=0, required=False, nullable=True,
               aliases=("Số dân", "Dân số (người)", "Số nhân khẩu")),
    ),
)  # fmt: skip

# The five groups the standard "An toàn về ANTT" is counted for (Circular 124/2021/TT-BCA).
STANDARD_GROUPS = (
    ("residential", "Khu dân cư", "Residential areas"),
    ("agencies", "Cơ quan", "Agencies"),
    ("enterprises", "Doanh nghiệp", "Enterprises"),
    ("schools", "Cơ sở giáo dục", "Schools"),
)


def _standard_columns() -> tuple[Column, ...]:
    cols: list[Column] = []
    for group, vi, en in STANDARD_GROUPS:
        cols.append(
            Column(f"{group}_met", "int", f"{vi} đạt chuẩn", f"{en} meeting the standard",
                   minimum=0, required=False, nullable=True,
                   aliases=(f"Số {vi.lower()} đạt chuẩn", f"{vi} đạt chuẩn ANTT"))
        )  # fmt: skip
        cols.append(
            Column(f"{group}_total", "int", f"Tổng số {vi.lower()}", f"{en} in total",
                   minimum=0, required=False, nullable=True,
                   aliases=(f"Số {vi.lower()}", f"Tổng {vi.lower()}"))
        )  # fmt: skip
    return tuple(cols)


RATINGS = Table(
    name="ratings",
    title_vi="Đánh giá, xếp loại phong trào",
    title_en="Movement ratings",
    key=("year", "commune_code"),
    columns=(
        Column("year", "year", "Năm đánh giá", "Evaluation year", minimum=2000, maximum=2100,
               aliases=("Năm", "Năm xếp loại")),
        Column("commune_code", "code", "Mã xã", "Commune code", digits=5, aliases=_COMMUNE_CODE),
        Column("score", "float", "Điểm", "Score", minimum=0, maximum=100, nullable=True,
               aliases=("Điểm số", "Tổng điểm", "Điểm đánh giá")),
        Column("rating", "choice", "Xếp loại", "Rating", choices="rating_levels", nullable=True,
               aliases=("Kết quả xếp loại", "Mức xếp loại", "Xếp loại phong trào")),
        Column("meets_standard", "bool", "Đạt chuẩn An toàn về ANTT", "Meets the ANTT standard",
               aliases=("Đạt chuẩn", "Đạt chuẩn ANTT", "Xã đạt chuẩn An toàn về ANTT")),
        *_standard_columns(),
    ),
)  # fmt: skip

MODELS = Table(
    name="models",
    title_vi="Mô hình tự quản, tự phòng, tự bảo vệ",
    title_en="Self-management models",
    key=("model_id",),
    columns=(
        Column("model_id", "text", "Mã mô hình", "Model id"),
        Column("name", "text", "Tên mô hình", "Model name"),
        Column("level", "choice", "Cấp", "Level", choices="model_levels", aliases=("Cấp mô hình",)),
        Column("field", "choice", "Lĩnh vực", "Field", choices="model_fields"),
        Column("lead_org", "choice", "Cơ quan chủ trì", "Lead organisation", choices="model_lead_orgs",
               aliases=("Đơn vị chủ trì", "Cơ quan, đơn vị chủ trì")),
        Column("commune_code", "code", "Mã xã", "Commune code", digits=5, nullable=True,
               aliases=_COMMUNE_CODE),
        Column("district_code", "code", "Mã huyện", "District code", digits=3,
               required=False, nullable=True, aliases=_DISTRICT_CODE),
        Column("launch_date", "date", "Ngày ra mắt", "Launch date",
               aliases=("Ngày thành lập", "Ngày ra mắt mô hình")),
        Column("sites", "int", "Số điểm", "Sites", minimum=0, required=False, default=1,
               aliases=("Số điểm triển khai",)),
        Column("teams", "int", "Số tổ", "Teams", minimum=0, required=False, default=0),
        Column("members", "int", "Số thành viên", "Members", minimum=0, required=False, default=0),
        Column("status", "choice", "Tình trạng", "Status", choices="model_statuses",
               aliases=("Tình trạng hoạt động", "Trạng thái")),
        Column("exemplary", "bool", "Điển hình", "Exemplary", required=False, default=False,
               aliases=("Mô hình điển hình",)),
    ),
)  # fmt: skip

TIPOFFS = Table(
    name="tipoffs",
    title_vi="Tin báo, tố giác tội phạm",
    title_en="Crime tip-offs",
    key=("tipoff_id",),
    coded=True,
    columns=(
        Column("tipoff_id", "text", "Mã tin", "Tip-off id", required=False,
               aliases=("Mã tin báo", "Số hiệu tin")),
        Column("received_date", "date", "Ngày tiếp nhận", "Received",
               aliases=("Ngày nhận", "Ngày tiếp nhận tin")),
        Column("commune_code", "code", "Mã xã", "Commune code", digits=5, aliases=_COMMUNE_CODE),
        Column("kind", "choice", "Loại nguồn tin", "Kind", choices="tipoff_kinds", aliases=("Loại tin",)),
        Column("category", "choice", "Nhóm tội danh", "Crime category", choices="tipoff_categories",
               aliases=("Tội danh", "Nhóm tội")),
        Column("status", "choice", "Tình trạng", "Status", choices="tipoff_statuses",
               aliases=("Tình trạng giải quyết", "Trạng thái")),
        Column("resolved_date", "date", "Ngày giải quyết", "Resolved", nullable=True,
               aliases=("Ngày xử lý xong", "Ngày kết thúc")),
        Column("outcome", "choice", "Kết quả", "Outcome", choices="tipoff_outcomes",
               required=False, nullable=True, aliases=("Kết quả giải quyết", "Kết quả xử lý")),
        Column("count", "int", "Số tin", "Count", minimum=1, required=False, default=1,
               aliases=("Số lượng", "Số tin báo")),
    ),
)  # fmt: skip

INDICATORS = Table(
    name="indicators",
    title_vi="Chỉ tiêu khác",
    title_en="Other indicators",
    key=("period", "unit_code", "indicator"),
    required=False,
    commune_column=None,
    columns=(
        Column("period", "text", "Kỳ", "Period", aliases=("Kỳ báo cáo",)),
        Column("unit_code", "text", "Mã đơn vị", "Unit code"),
        Column("indicator", "text", "Chỉ tiêu", "Indicator", aliases=("Tên chỉ tiêu",)),
        Column("value", "float", "Giá trị", "Value", aliases=("Số liệu", "Kết quả")),
        Column("unit", "text", "Đơn vị tính", "Unit", required=False, nullable=True, aliases=("ĐVT",)),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (COMMUNES, RATINGS, MODELS, TIPOFFS, INDICATORS)}
