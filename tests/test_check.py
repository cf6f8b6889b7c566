"""``python -m dashboard check``: the same settings and loaders as the dashboard, exit codes 0 / 1 / 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import __main__ as cli
from tests.test_boundaries import gadm_frame, province_registry, ward_frame, write, write_gadm

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("fresh_caches")


def _province(tmp_path: Path, registry=None) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (registry if registry is not None else province_registry()).to_csv(data / "communes.csv", index=False)
    return data


GADM_TOML = """
data_dir = "data"
boundaries_file = "geo/gadm41_VNM.gpkg"
boundary_match = "name"
boundary_name_column = "NAME_3"
boundary_district_column = "NAME_2"
boundary_type_column = "TYPE_3"
boundary_filter = {NAME_1 = "Hà Nam"}
"""


def _run(monkeypatch, capsys, toml: Path) -> tuple[int, str]:
    monkeypatch.setenv("DASHBOARD_CONFIG", str(toml))
    code = cli.main(["check"])
    return code, capsys.readouterr().out


def test_gadm_all_matched_exits_0(tmp_path: Path, monkeypatch, capsys) -> None:
    _province(tmp_path)
    (tmp_path / "geo").mkdir()
    write_gadm(gadm_frame(), tmp_path / "geo" / "gadm41_VNM.gpkg")
    (tmp_path / "tinh.toml").write_text(GADM_TOML, encoding="utf-8")
    code, out = _run(monkeypatch, capsys, tmp_path / "tinh.toml")
    assert code == 0, out
    assert "18/18" in out and "KẾT QUẢ: đủ ranh giới cho bản đồ." in out
    assert "Cấp huyện/nhóm xã trên bản đồ: 3 vùng." in out


def test_gadm_mismatch_exits_1_and_names_each_unit(tmp_path: Path, monkeypatch, capsys) -> None:
    _province(tmp_path)
    (tmp_path / "geo").mkdir()
    frame = gadm_frame()
    frame.loc[frame["NAME_3"] == "ĐồnXá", "NAME_3"] = "ĐônXá"
    write_gadm(frame, tmp_path / "geo" / "gadm41_VNM.gpkg")
    (tmp_path / "tinh.toml").write_text(GADM_TOML, encoding="utf-8")
    code, out = _run(monkeypatch, capsys, tmp_path / "tinh.toml")
    assert code == 1
    assert "Xã Đồn Xá (Huyện Bình Lục) — gần giống: dòng" in out
    assert "ĐônXá (BìnhLục) — gần giống: 03003 Xã Đồn Xá" in out
    assert "CHƯA KHỚP" in out


def test_post_2025_with_groups_exits_0(tmp_path: Path, monkeypatch, capsys) -> None:
    registry = province_registry()
    _province(tmp_path, registry[["commune_code", "commune_name", "commune_type", "population"]])
    write(ward_frame(), tmp_path / "xa_2025.gpkg")
    groups = registry[["commune_code", "district_code", "district_name"]].set_axis(
        ["commune_code", "group_code", "group_name"], axis=1
    )
    groups.to_csv(tmp_path / "nhom.csv", index=False)
    (tmp_path / "tinh.toml").write_text(
        'data_dir = "data"\nboundaries_file = "xa_2025.gpkg"\nboundary_code_column = "ma"\n'
        'boundary_name_column = "ten"\ngroups_file = "nhom.csv"\n',
        encoding="utf-8",
    )
    code, out = _run(monkeypatch, capsys, tmp_path / "tinh.toml")
    assert code == 0, out
    assert "Cấp huyện/nhóm xã trên bản đồ: 3 vùng." in out


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ('data_dir = "data"\nboundaries_file = "none.geojson"\n', "Không tìm thấy tệp ranh giới"),
        ('data_dir = "data"\nboundary_colour = "x"\n', "LỖI THIẾT LẬP"),
        ('data_dir = "empty"\n', "chưa có danh mục xã hợp lệ"),
    ],
)
def test_unusable_inputs_exit_2(tmp_path: Path, monkeypatch, capsys, toml: str, fragment: str) -> None:
    _province(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "tinh.toml").write_text(toml, encoding="utf-8")
    code, out = _run(monkeypatch, capsys, tmp_path / "tinh.toml")
    assert code == 2 and fragment in out


def test_runs_as_a_module_and_demo_still_runs(tmp_path: Path) -> None:
    env = {**os.environ, "DASHBOARD_CONFIG": ""}  # the bundled demo province
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KẾT QUẢ: đủ ranh giới cho bản đồ." in done.stdout
    demo = subprocess.run(
        [sys.executable, "-m", "dashboard.demo", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert demo.returncode == 0 and "--out" in demo.stdout


@pytest.mark.parametrize("name", ["gadm.toml", "ma-xa.toml", "sau-2025.toml"])
def test_example_settings_files_are_valid(name: str) -> None:
    """The guide's examples name only real settings (a typo there would be copied by every province)."""
    import tomllib

    from dashboard.config import config_from_mapping

    path = ROOT / "examples" / name
    cfg = config_from_mapping(tomllib.loads(path.read_text(encoding="utf-8")), base_dir=path.parent)
    assert cfg.boundaries_file.suffix in {".gpkg", ".shp", ".geojson"}
    if cfg.groups_file is not None:
        assert cfg.groups_file.is_file()
    assert name.removesuffix(".toml") in (ROOT / "README.md").read_text(encoding="utf-8")


def test_file_problems_are_printed_once(tmp_path: Path, monkeypatch, capsys) -> None:
    """A repeated code is news beside the report; the report's own summary is not printed twice."""
    from tests.test_boundaries import grid, registry

    _province(tmp_path, registry())
    frame = grid()
    frame.loc[1, "ma_xa"] = frame.loc[0, "ma_xa"]  # 01002 drawn as a second part of 01001
    write(frame, tmp_path / "xa.geojson")
    (tmp_path / "tinh.toml").write_text(
        'data_dir = "data"\nboundaries_file = "xa.geojson"\nboundary_code_column = "ma_xa"\n',
        encoding="utf-8",
    )
    code, out = _run(monkeypatch, capsys, tmp_path / "tinh.toml")
    assert code == 1
    assert "  ! xa.geojson, cột “ma_xa”: Mã xã bị lặp: 01001" in out
    assert "chưa có ranh giới: 01002" not in out  # the summary Problem, restated by the report below
    assert "  - 01002 Xã 01002 (Huyện Một) — không có tên nào gần giống" in out
