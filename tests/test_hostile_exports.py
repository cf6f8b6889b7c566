"""Names that a spreadsheet would run as formulas are written to the Excel download as plain text."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import pack
from dashboard.config import ENV_VAR
from dashboard.ui import shell

ROOT = Path(__file__).resolve().parent.parent
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = {
    "model": '=HYPERLINK("http://example.invalid","Bấm vào đây")',
    "commune": "@SUM(1+1)*cmd|' /C calc'!A0",
    "model2": "+84 912 345 678",
    "model3": "-2+3",
}


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    communes = pd.read_csv(tmp_path / "data" / "communes.csv", dtype=str, keep_default_na=False)
    communes.loc[0, "commune_name"] = HOSTILE["commune"]
    communes.to_csv(tmp_path / "data" / "communes.csv", index=False)
    models = pd.read_csv(tmp_path / "data" / "models.csv", dtype=str, keep_default_na=False)
    for i, key in enumerate(("model", "model2", "model3")):
        models.loc[i, "name"] = HOSTILE[key]
    models.to_csv(tmp_path / "data" / "models.csv", index=False)
    settings = tmp_path / "tinh.toml"
    settings.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(settings))
    return tmp_path


def _quoted_strings(data: bytes) -> tuple[set[str], set[str]]:
    """(texts of cells written with Excel's quote prefix, texts of all other string cells)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        xfs = ElementTree.fromstring(book.read("xl/styles.xml")).find("m:cellXfs", NS)
        quoted_styles = {i for i, xf in enumerate(xfs) if xf.get("quotePrefix") == "1"}
        quoted, plain = set(), set()
        for name in book.namelist():
            if not re.match(r"xl/worksheets/sheet\d+\.xml", name):
                continue
            sheet = book.read(name)
            assert b"<f>" not in sheet, "no cell is a formula"
            for cell in ElementTree.fromstring(sheet).iter(f"{{{NS['m']}}}c"):
                if cell.get("t") != "s":
                    continue
                text = strings[int(cell.find("m:v", NS).text)]
                (quoted if int(cell.get("s", 0)) in quoted_styles else plain).add(text)
    return quoted, plain


def test_formula_like_names_are_quoted_in_the_workbook(hostile):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    ctx = at.session_state["_page_context"]
    bounds = shell.boundaries_for(ctx)
    inp = pack.PackInput(
        ctx.scope, ctx.province, ctx.area_name, ctx.data.as_of, ctx.data.is_sample, bounds.communes,
        bounds.districts,
    )  # fmt: skip
    quoted, plain = _quoted_strings(pack.build_excel(inp, "vi"))
    for key in ("model", "model2", "model3"):
        assert HOSTILE[key] in quoted, key
        assert HOSTILE[key] not in plain, key
    assert not [text for text in plain if text and text[0] in "=+-@"], "every formula-like text is quoted"


def test_markdown_in_a_commune_name_is_shown_as_written(tmp_path, monkeypatch):
    from dashboard.ui import cards, profile

    shutil.copytree(ROOT / "data", tmp_path / "data")
    communes = pd.read_csv(tmp_path / "data" / "communes.csv", dtype=str, keep_default_na=False)
    name = "**Đậm** _nghiêng_ [liên kết](http://example.invalid)"
    communes.loc[0, "commune_name"] = name
    communes.to_csv(tmp_path / "data" / "communes.csv", index=False)
    (tmp_path / "tinh.toml").write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "tinh.toml"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/ban-do.py").run()
    at.selectbox(key=profile.K_PROFILE).set_value(communes.loc[0, "commune_code"]).run()
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert any(h.endswith(cards.plain(name)) for h in headings), headings
