"""Every setting of the dashboard in one place, with its default and a one-line reason.

Defaults suit the bundled demo province. A province overrides any of them in a TOML file
named by the environment variable ``DASHBOARD_CONFIG``; relative paths in that file are
read from the file's own folder. The README documents every setting (a test checks it).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "DASHBOARD_CONFIG"


def _setting(default: Any, help: str) -> Any:
    """A dataclass field carrying its help line, so docs and tests can list every setting."""
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Config:
    """The dashboard's settings; build one with :func:`load_config`."""

    province_name: str = _setting(
        "", "Tên tỉnh hiển thị trên màn hình; để trống thì lấy từ data/dataset.json."
    )
    data_dir: Path = _setting(
        PROJECT_ROOT / "data", "Thư mục chứa các bảng CSV/Parquet do quy trình khác làm mới."
    )
    boundaries_file: Path = _setting(
        PROJECT_ROOT / "geo" / "communes.geojson",
        "Tệp ranh giới xã (GeoJSON, GeoPackage, Shapefile hoặc GeoParquet).",
    )
    boundary_code_column: str = _setting(
        "commune_code", "Cột mã xã 5 chữ số trong tệp ranh giới, để nối với bảng communes."
    )
    boundary_match: str = _setting(
        "code",
        "Cách nối ranh giới với danh mục xã: code (theo mã xã) hoặc name (theo huyện + tên, ví dụ GADM).",
    )
    boundary_name_column: str = _setting(
        "", "Cột tên xã trong tệp ranh giới (GADM: NAME_3); cần khi boundary_match = name."
    )
    boundary_district_column: str = _setting(
        "", "Cột tên huyện trong tệp ranh giới (GADM: NAME_2); trống = so tên xã trong cả tỉnh."
    )
    boundary_type_column: str = _setting(
        "", "Cột loại đơn vị (Xã/Phường/Thị trấn; GADM: TYPE_3), để phân biệt hai xã cùng tên."
    )
    boundary_layer: str = _setting(
        "", "Lớp cần đọc trong tệp GeoPackage nhiều lớp (GADM: ADM_ADM_3); trống = tự chọn."
    )
    boundary_filter: dict[str, str] = _setting(
        {},
        'Chỉ giữ các vùng có cột = giá trị, ví dụ {NAME_1 = "Hà Nam"} với tệp GADM của cả nước.',
    )
    groups_file: Path | None = _setting(
        None,
        "Tệp CSV commune_code, group_code, group_name: nhóm xã (huyện cũ, cụm) dùng thay cấp huyện.",
    )
    refresh_seconds: int = _setting(
        300, "Mỗi bao nhiêu giây các trang tự kiểm tra tệp dữ liệu mới (mặc định 5 phút)."
    )
    language: str = _setting("vi", "Ngôn ngữ mặc định của giao diện: vi hoặc en.")
    tile_url: str = _setting(
        "",
        "Địa chỉ nền bản đồ (tile) nếu mạng nội bộ có; để trống = không nền, chạy hoàn toàn offline.",
    )
    tile_attribution: str = _setting("", "Ghi chú nguồn của nền bản đồ khi tile_url được đặt.")
    simplify_tolerance: float = _setting(
        0.0005, "Độ đơn giản hoá ranh giới khi hiển thị, theo độ (≈ 50 m); 0 = giữ nguyên."
    )
    rating_levels: list[str] = _setting(
        ["Xuất sắc", "Khá", "Trung bình", "Yếu"],
        "Các mức xếp loại phong trào, từ cao xuống thấp (QĐ 510/QĐ-BCA-V05).",
    )
    rating_thresholds: dict[str, float] = _setting(
        {"Xuất sắc": 90.0, "Khá": 70.0, "Trung bình": 50.0},
        "Điểm tối thiểu của mỗi mức, dùng khi tệp chỉ có điểm; ngưỡng chưa được xác nhận.",
    )
    rating_colours: dict[str, str] = _setting(
        {
            "Xuất sắc": "#1a5c99",
            "Khá": "#6baed6",
            "Trung bình": "#f2a541",
            "Yếu": "#b8360f",
            "Chưa xếp loại": "#d4d4d4",
        },
        "Màu của mỗi mức trên mọi trang; mặc định an toàn cho người mù màu (xanh ↔ cam).",
    )
    commune_types: list[str] = _setting(
        ["Xã", "Phường", "Thị trấn", "Đặc khu"], "Các loại đơn vị hành chính cấp xã."
    )
    model_levels: list[str] = _setting(["Tỉnh", "Huyện", "Xã"], "Các cấp của mô hình.")
    model_statuses: list[str] = _setting(
        ["Mới xây dựng", "Nhân rộng", "Hiệu quả", "Duy trì", "Hoạt động yếu", "Ngừng hoạt động"],
        "Tình trạng mô hình; không có văn bản nào cố định danh sách này.",
    )
    model_statuses_weak: list[str] = _setting(
        ["Hoạt động yếu", "Ngừng hoạt động"], "Các tình trạng được coi là yếu hoặc đã dừng."
    )
    model_fields: list[str] = _setting(
        [
            "An ninh trật tự",
            "Phòng, chống ma túy",
            "Trật tự an toàn giao thông",
            "Biên giới",
            "Khu công nghiệp",
            "Tôn giáo",
            "Học đường",
        ],
        "Lĩnh vực của mô hình; danh sách rỗng = chấp nhận mọi giá trị.",
    )
    model_lead_orgs: list[str] = _setting(
        [
            "Công an",
            "Mặt trận Tổ quốc",
            "Hội Phụ nữ",
            "Hội Cựu chiến binh",
            "Hội Nông dân",
            "Đoàn Thanh niên",
            "Liên đoàn Lao động",
        ],
        "Cơ quan chủ trì mô hình; danh sách rỗng = chấp nhận mọi giá trị.",
    )
    tipoff_kinds: list[str] = _setting(
        ["Tố giác", "Tin báo", "Kiến nghị khởi tố"], "Loại nguồn tin (Điều 144 BLTTHS 2015)."
    )
    tipoff_categories: list[str] = _setting(
        [
            "Trộm cắp tài sản",
            "Lừa đảo chiếm đoạt tài sản",
            "Ma túy",
            "Cố ý gây thương tích",
            "Đánh bạc",
            "Gây rối trật tự công cộng",
            "Môi trường",
            "Khác",
        ],
        "Nhóm tội danh của tin báo; danh sách rỗng = chấp nhận mọi giá trị.",
    )
    tipoff_statuses: list[str] = _setting(
        ["Đã tiếp nhận", "Đang xử lý", "Đã giải quyết", "Đã chuyển"],
        "Tình trạng xử lý tin báo, tố giác.",
    )
    tipoff_handled_statuses: list[str] = _setting(
        ["Đã giải quyết", "Đã chuyển"], "Các tình trạng được tính là đã xử lý xong."
    )
    tipoff_outcomes: list[str] = _setting(
        ["Khởi tố", "Không khởi tố", "Tạm đình chỉ"], "Kết quả giải quyết (Điều 147 BLTTHS)."
    )
    tipoff_deadline_days: int = _setting(
        20, "Thời hạn giải quyết tin báo, tính bằng ngày (Điều 147 BLTTHS 2015)."
    )
    agenda: list[str] = _setting(
        ["overview", "map", "models", "tipoffs"],
        "Thứ tự các trang khi trình chiếu và trong tài liệu họp: overview, map, models, tipoffs, data.",
    )
    auto_advance_seconds: int = _setting(
        0, "Khi trình chiếu, tự chuyển trang sau bấy nhiêu giây; 0 = chỉ chuyển bằng phím hoặc nút."
    )
    meeting_title: str = _setting(
        "Giao ban Ban Chỉ đạo phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        "Tên cuộc họp in trên trang bìa của tài liệu họp (PDF).",
    )
    users_file: Path | None = _setting(
        None,
        "Tệp TOML người dùng (tên, vai trò, huyện, mật khẩu đã băm); trống = không cần đăng nhập "
        "(chỉ nên dùng với dữ liệu mẫu).",
    )
    session_timeout_minutes: int = _setting(
        30, "Phiên đăng nhập hết hạn sau bấy nhiêu phút không thao tác; phải đăng nhập lại."
    )
    mask_below: int = _setting(
        0,
        "Số tin báo từ 1 đến mức này trừ 1 ở một xã hay một ô được hiện “< mức” trên màn hình và "
        "trong tài liệu xuất, để không lộ người tố giác; 0 = không che.",
    )
    columns: dict[str, dict[str, str]] = _setting(
        {},
        'Đổi tên cột: columns.<bảng>.<tên cột chuẩn> = "tên cột trong tệp" (ví dụ Excel).',
    )

    def setting_names(self) -> list[str]:
        """Names of every setting, in declaration order."""
        return [f.name for f in fields(self)]


_PATH_SETTINGS = {"data_dir", "boundaries_file", "groups_file", "users_file"}


class ConfigError(ValueError):
    """The TOML file named by DASHBOARD_CONFIG is unreadable or names unknown settings."""


def settings_help() -> list[tuple[str, Any, str]]:
    """(name, default, help) for every setting: the source of the README's settings table."""
    defaults = Config()
    return [(f.name, getattr(defaults, f.name), f.metadata["help"]) for f in fields(Config)]


def config_from_mapping(values: dict[str, Any], base_dir: Path | None = None) -> Config:
    """Build a Config from defaults overridden by ``values`` (as read from TOML)."""
    known = {f.name: f for f in fields(Config)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"Thiết lập không có trong danh sách: {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("groups_file", "users_file") and value == "":  # an empty path means "none"
            value = None
        elif name in _PATH_SETTINGS:
            path = Path(value)
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            value = path
        changes[name] = value
    return replace(Config(), **changes)


@lru_cache(maxsize=8)
def _load_cached(path: str | None, mtime: float | None) -> Config:
    if path is None:
        return Config()
    file = Path(path)
    try:
        values = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {file}: {exc}") from exc
    return config_from_mapping(values, base_dir=file.parent)


def load_config() -> Config:
    """The active configuration: defaults, overridden by the TOML file in DASHBOARD_CONFIG."""
    path = os.environ.get(ENV_VAR) or None
    if path is None:
        return _load_cached(None, None)
    try:
        mtime = Path(path).stat().st_mtime
    except OSError as exc:
        raise ConfigError(f"Không tìm thấy tệp cấu hình {path} ({ENV_VAR}).") from exc
    return _load_cached(str(Path(path).resolve()), mtime)
