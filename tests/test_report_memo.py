"""Reports are reused for the same Scope.key, never shared as the same objects."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from dashboard import fmt, i18n, report
from dashboard.config import Config
from dashboard.selection import Selection


def _scope(key, tipoffs_rows: int = 2) -> report.Scope:
    communes = pd.DataFrame({"commune_code": ["00001"], "commune_name": ["Xã A"], "district_name": ["H"]})
    tipoffs = pd.DataFrame(
        {
            "commune_code": ["00001"] * tipoffs_rows,
            "received_date": pd.to_datetime(["2025-03-01"] * tipoffs_rows),
            "status": ["Đang xử lý"] * tipoffs_rows,
            "resolved_date": pd.NaT,
        }
    )
    return report.Scope(Config(), Selection(), communes, pd.DataFrame(), pd.DataFrame(), tipoffs,
                        dt.date(2025, 6, 30), key)  # fmt: skip


def test_same_key_reuses_the_report_as_a_copy():
    first = report.overdue(_scope(("memo-test", 1)))
    first.loc[:, "commune_name"] = "changed by a caller"
    # Same key, though the frames differ: the stored report comes back, untouched by the caller.
    again = report.overdue(_scope(("memo-test", 1), tipoffs_rows=5))
    assert len(again) == 2 and set(again["commune_name"]) == {"Xã A"}


def test_no_key_and_other_language_compute_afresh():
    assert len(report.overdue(_scope(None, 3))) == 3
    assert len(report.overdue(_scope(None, 4))) == 4
    report.overdue(_scope(("memo-lang", 1), 2))
    i18n.set_language("en")
    try:
        assert len(report.overdue(_scope(("memo-lang", 1), 6))) == 6
    finally:
        i18n.set_language("vi")


def test_overdue_labels_are_each_rows_date_and_days_open():
    tipoffs = pd.DataFrame(
        {
            "commune_code": ["00001"] * 5,
            "received_date": pd.to_datetime(
                ["2025-03-01", "2025-01-02", "2025-03-01", "2024-12-31", "2025-01-02"]
            ),
            "status": ["Đang xử lý"] * 5,
        }
    )
    scope = dataclasses.replace(_scope(None), tipoffs=tipoffs)
    late = report.overdue(scope)
    assert late["received_label"].tolist() == [
        "31/12/2024",
        "02/01/2025",
        "02/01/2025",
        "01/03/2025",
        "01/03/2025",
    ]
    assert (
        late["days_label"].tolist() == [fmt.num(d) for d in late["days_open"]]
        and late["days_label"][0] == "181"
    )
