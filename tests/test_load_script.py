"""The load script against its own server: two users for ten seconds, no errors, the district check passes.

No browser: bench.load speaks Streamlit's websocket protocol itself. About 25 s.
"""

from __future__ import annotations

import io

from bench import load


def test_two_users_click_without_errors() -> None:
    report = load.load(sessions=2, seconds=10, think=(0.5, 1.5))
    assert report.check_ok, report.check_line
    assert report.reruns >= 6  # two opens and a few clicks each
    assert report.error_count == 0, dict(report.tally.errors)
    assert {s.action for s in report.tally.samples} >= {"open"}
    out = io.StringIO()
    load.print_report(report, out)
    assert "district check:" in out.getvalue() and "PASS" in out.getvalue()
    assert "server RSS peak" in out.getvalue() and "target" in out.getvalue()


def test_pages_are_addressed_as_the_app_serves_them() -> None:
    paths = load.page_paths()
    assert list(paths) == list(load.PAGE_NAMES)
    assert paths["overview"] == ""  # the default page lives at the root
    assert all(paths[name] for name in load.PAGE_NAMES[1:])
