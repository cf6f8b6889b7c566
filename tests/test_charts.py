"""Chart specs: what a reader needs to read them is in the Vega-Lite the browser gets."""

from __future__ import annotations

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
