"""Chart specs: what a reader needs to read them is in the Vega-Lite the browser gets."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import charts
from dashboard.ui import cards


def _trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2025-01-01", "2025-02-01"]),
            "count": [3, 4, 5, 6],
            "series": ["current", "current", "comparison", "comparison"],
            "step": [0, 1, 0, 1],
        }
    )


def test_trend_has_one_legend_naming_both_years():
    spec = charts.trend_lines(_trend(), {"current": "2026", "comparison": "2025"}).to_dict()
    encoding = spec["encoding"]
    # The colour carries the legend; the dash shares its field and title, so the two merge into one
    # legend of solid and dashed lines. A legend=None on either would remove the merged legend.
    assert encoding["color"]["legend"]["symbolType"] == "stroke"
    assert encoding["strokeDash"].get("legend", {}) is not None
    assert encoding["color"]["field"] == encoding["strokeDash"]["field"]
    assert encoding["color"]["scale"]["domain"] == ["2026", "2025"]


def test_cached_chart_spec_follows_the_data():
    first = cards._fingerprint((_trend(),))
    changed = _trend()
    changed.loc[0, "count"] = 99
    assert cards._fingerprint((changed,)) != first
    assert cards._fingerprint((_trend(),)) == first


def test_each_tipoff_chart_shows_its_own_breakdown(monkeypatch):
    """Cached specs are keyed by chart: the district chart and the top-communes chart never swap."""
    import json
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    monkeypatch.delenv("DASHBOARD_CONFIG", raising=False)
    communes = pd.read_csv(root / "data" / "communes.csv", dtype=str)
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120).run()
    for _ in range(2):  # the second run draws every chart from the cache
        at.switch_page("pages/tin-bao.py").run()
        assert not at.exception
        sorts = [
            json.loads(c.proto.spec)["layer"][0]["encoding"]["y"].get("sort")
            for c in at.main
            if getattr(c, "type", "") == "vega_lite_chart" and "layer" in json.loads(c.proto.spec)
        ]
        districts = [s for s in sorts if set(s) <= set(communes["district_name"])]
        top = [s for s in sorts if len(s) == 10 and set(s) <= set(communes["commune_name"])]
        kinds = [s for s in sorts if set(s) <= {"Tố giác", "Tin báo", "Kiến nghị khởi tố"}]
        assert len(sorts) == 4 and len(districts) == len(top) == len(kinds) == 1, sorts


def test_every_chart_on_every_page_is_valid_vega_lite(monkeypatch):
    """The dashboard skips schema checks when it draws; here each chart it draws is checked."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dashboard.registry import PAGES
    from dashboard.ui import profile

    root = Path(__file__).resolve().parent.parent
    monkeypatch.delenv("DASHBOARD_CONFIG", raising=False)
    monkeypatch.setattr(cards, "_VALIDATE", True)
    monkeypatch.setattr(cards, "_SPECS", type(cards._SPECS)())  # nothing drawn from earlier tests
    built = []
    original = alt.TopLevelMixin.to_dict

    def checked(self, *args, **kwargs):
        built.append(kwargs.get("validate", True))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(alt.TopLevelMixin, "to_dict", checked)
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120).run()
    for spec in PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/ban-do.py").run()
    code = pd.read_csv(root / "data" / "communes.csv", dtype=str)["commune_code"].iloc[0]
    at.selectbox(key=profile.K_PROFILE).set_value(code).run()  # the profile's two charts
    assert not at.exception, [e.value for e in at.exception]
    assert sum(built) >= 11, built  # one validated top-level call per chart (layers call it unvalidated)
