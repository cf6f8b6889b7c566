"""Shared fixtures: a valid mini data set (3 communes in 2 districts) written to a temporary folder."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.apptest import served_mode
from dashboard.config import PROJECT_ROOT, Config, config_from_mapping

# Rows as a province would type them: codes with leading zeros, Vietnamese dates, decimal commas.
# fmt: off
MINI: dict[str, tuple[list[str], list[list[str]]]] = {
    "communes": (
        ["commune_code", "commune_name", "commune_type", "district_code", "district_name", "population"],
        [
            ["02701", "Xã An Bình", "Xã", "027", "Huyện Bình Lục", "12000"],
            ["02702", "Phường Đồng Văn", "Phường", "027", "Huyện Bình Lục", "8000"],
            ["03101", "Thị trấn Kiện Khê", "Thị trấn", "031", "Huyện Thanh Liêm", ""],
        ],
    ),
    "ratings": (
        ["year", "commune_code", "score", "rating", "meets_standard", "residential_met", "residential_total"],
        [
            ["2024", "02701", "92,5", "Xuất sắc", "Có", "5", "5"],
            ["2024", "02702", "75", "", "Không", "3", "4"],
            ["2024", "03101", "", "Trung bình", "Đạt", "2", "3"],
            ["2025", "02701", "45.5", "", "1", "", ""],
        ],
    ),
    "models": (
        ["model_id", "name", "level", "field", "lead_org", "commune_code", "launch_date", "sites", "status"],
        [
            ["M01", "Tổ tự quản “5 không”", "Xã", "Học đường", "Đoàn Thanh niên", "02701", "2023-03-15", "3",
             "Nhân rộng"],
            ["M02", "Cơ quan không có ma túy", "Huyện", "Phòng, chống ma túy", "Công an", "", "19/08/2022",
             "2", "Hiệu quả"],
            ["M03", "Zalo cộng đồng", "Xã", "An ninh trật tự", "Mặt trận Tổ quốc", "03101", "1/6/2024", "1",
             "Mới xây dựng"],
        ],
    ),
    "tipoffs": (
        ["tipoff_id", "received_date", "commune_code", "kind", "category", "status", "resolved_date",
         "outcome"],
        [
            ["T1", "2025-01-10", "02701", "Tố giác", "Trộm cắp tài sản", "Đã giải quyết", "2025-01-25",
             "Khởi tố"],
            ["T2", "2025-02-01", "02702", "Tin báo", "Ma túy", "Đang xử lý", "", ""],
            ["T3", "2025-03-05", "03101", "Kiến nghị khởi tố", "Đánh bạc", "Đã chuyển", "20/03/2025", ""],
        ],
    ),
    "indicators": (
        ["period", "unit_code", "indicator", "value", "unit"],
        [
            ["2025-Q1", "02701", "Số cuộc họp dân", "12", "cuộc"],
            ["2025-Q1", "027", "Tờ rơi phát hành", "1500", "tờ"],
        ],
    ),
}
# fmt: on
META = {"sample": True, "as_of": "2025-06-30", "province": "Tỉnh Mẫu"}


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV text, quoted where needed, with Excel's CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_mini(folder: Path, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Write MINI and dataset.json into ``folder`` as CSV; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in MINI.items():
        (folder / f"{name}.csv").write_text(csv_text(header, rows, delimiter), encoding=encoding, newline="")
    (folder / "dataset.json").write_text(json.dumps(META, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def today() -> date:
    """A fixed 'today' after every date in MINI."""
    return date(2025, 12, 31)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A folder holding the valid mini data set."""
    return write_mini(tmp_path / "data")


@pytest.fixture
def cfg(data_dir: Path) -> Config:
    """Default settings with data_dir pointing at the mini data set."""
    return config_from_mapping({"data_dir": str(data_dir)})


@pytest.fixture
def fresh_caches():
    """No data set or boundaries remembered from another test, before or after this one."""
    from dashboard import boundaries, loaders

    loaders.clear_cache()
    boundaries.clear_cache()
    yield
    loaders.clear_cache()
    boundaries.clear_cache()


def demo_copy(base: Path, settings: str = "") -> Path:
    """The demo data and boundaries copied into ``base``; settings.toml names them, then ``settings``."""
    shutil.copytree(PROJECT_ROOT / "data", base / "data")
    shutil.copytree(PROJECT_ROOT / "geo", base / "geo")
    (base / "settings.toml").write_text(
        f'data_dir = "data"\nboundaries_file = "geo/communes.geojson"\n{settings}', encoding="utf-8"
    )
    return base


@pytest.fixture(autouse=True)
def _served_navigation_mode(request):
    """AppTest runs as the served app does (dashboard.apptest), unless marked ``folder_mode``."""
    if request.node.get_closest_marker("folder_mode"):
        yield
        return
    with served_mode():
        yield
