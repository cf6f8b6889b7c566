"""Small tip-off counts hidden on screen and in the pack when ``mask_below`` is set."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import metrics
from dashboard.config import ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def test_mask_small_hides_one_to_below_minus_one():
    frame = pd.DataFrame({"area": list("abcde"), "count": [0, 1, 4, 5, 12]})
    out = metrics.mask_small(frame, "count", 5)
    assert out["masked"].tolist() == [False, True, True, False, False]
    assert out["count"].tolist()[0] == 0 and out["count"].tolist()[3:] == [5, 12]
    assert out["count"].isna().tolist() == [False, True, True, False, False]
    assert not metrics.mask_small(frame, "count", 0)["masked"].any()
    assert not metrics.mask_small(frame, "count", 1)["masked"].any()


@pytest.fixture
def masking(tmp_path, monkeypatch):
    settings = tmp_path / "tinh.toml"
    settings.write_text(f'data_dir = "{ROOT / "data"}"\nmask_below = 100\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(settings))


def _chart_rows(at: AppTest) -> list[list[dict]]:
    """The data rows of every Vega-Lite chart on the page (sent as Arrow datasets)."""
    out = []
    for chart in at.main:
        if getattr(chart, "type", "") != "vega_lite_chart":
            continue
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            out.append(frame.astype(object).where(frame.notna(), None).to_dict("records"))
    return out


def test_tipoff_page_hides_small_counts(masking):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/tin-bao.py").run()
    assert not at.exception
    assert any("< 100" in c.value for c in at.caption)
    assert len(_chart_rows(at)) >= 5, "trend and the four breakdowns"
    rows = [row for chart in _chart_rows(at) for row in chart]
    hidden = [r for r in rows if r.get("label") == "< 100"]
    assert hidden, "some breakdown has counts under 40 in the demo's last month"
    assert all(r["count"] in (0, None) for r in hidden), "a hidden count carries no length"
    shown = [r for r in rows if r.get("count") and r.get("label") != "< 100"]
    assert all(r["count"] >= 100 for r in shown)


def test_map_and_profile_hide_small_counts(masking):
    from dashboard import report

    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/ban-do.py").run()
    assert not at.exception
    scope = at.session_state["_page_context"].scope
    real = metrics.commune_map_frame(
        scope.communes, scope.ratings, scope.tipoffs, scope.models, scope.sel.year, scope.sel.period
    ).set_index("commune_code")
    shown = report.map_values(scope).set_index("commune_code")
    small = real["tipoffs"].between(1, 99)
    assert small.any() and (~small).any()
    assert shown.loc[small, ["tipoffs", "tipoffs_per_10k"]].isna().all().all(), "no count, no rate"
    pd.testing.assert_series_equal(
        shown.loc[~small, "tipoffs"], real.loc[~small, "tipoffs"].astype(float), check_names=False
    )
    code = small[small].index[0]
    prof = report.profile(scope, _frames(at), code)
    months = prof.tipoffs_by_month
    assert months["masked"].any() and set(months.loc[months["masked"], "label"]) == {"< 100"}


def _frames(at: AppTest) -> dict[str, pd.DataFrame]:
    data = at.session_state["_page_context"].data
    return {name: data.frame(name) for name in ("ratings", "models", "tipoffs")}
