"""Where a warm visit of the map goes: Chromium's trace of each app, cut into three phases.

``python -m bench.trace [--scale demo] [--visits 5]`` serves our dashboard and the naive app (as
``python -m bench`` does), traces warm visits in headless Chromium and prints, per phase, the
time it took and how long the page's main thread was busy in it (medians over the visits):

- *Streamlit starts*: from navigation until the page opens its websocket (Streamlit's own
  scripts; the same for both apps);
- *page until the map's frame*: from the websocket until the map's frame is requested (the server
  runs the script, the browser draws every element before the map; a naive server renders its map
  here while the browser waits);
- *map frame until drawn*: from that request until every commune path is drawn (the component,
  Leaflet, the map's own script).

A phase whose main thread is busy nearly all the time is bound by the browser's work, not by the
server or the network: making the server faster does not shorten it. Tracing slows a visit down
(by about a sixth here): compare the phases with each other, not with ``python -m bench``'s times.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Iterable

from bench import browser, scales
from bench.__main__ import PROJECT_ROOT, inputs

# The websocket and requests (devtools.timeline), the main thread's tasks ("RunTask", in the
# disabled-by-default timeline), navigationStart (user timing). "toplevel" would name every task
# too, but records so much more that a traced visit takes a fifth longer.
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"]
PHASES = ("Streamlit starts", "page until the map's frame", "map frame until drawn")
_FRAME = "/component/streamlit_folium"


def phases(events: Iterable[dict], drawn_ms: float) -> dict[str, tuple[float, float]]:
    """(wall ms, main-thread busy ms) of each phase of one traced visit.

    ``events`` are the trace's events; ``drawn_ms`` is when every path was drawn, from navigation.
    The busy time is that of the top-level tasks of the pages' main threads (the map's frame runs
    on the page's own thread, being on the same site), clipped to each phase.
    """
    events = list(events)
    threads = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    starts = [e["ts"] for e in events if e.get("name") == "navigationStart"]
    sockets = [e["ts"] for e in events if e.get("name") == "WebSocketCreate"]
    frames = [
        e["ts"]
        for e in events
        if e.get("name") == "ResourceSendRequest" and _FRAME in e["args"].get("data", {}).get("url", "")
    ]
    if not (starts and sockets and frames):
        raise ValueError("the trace has no navigation, websocket or map frame")
    t0 = min(starts)
    cuts = [0.0, (min(sockets) - t0) / 1000, (min(frames) - t0) / 1000, drawn_ms]
    tasks = _union(
        ((e["ts"] - t0) / 1000, (e["ts"] + e["dur"] - t0) / 1000)
        for e in events
        if e.get("ph") == "X" and e.get("name") == "RunTask" and (e["pid"], e["tid"]) in threads
    )
    result = {}
    for name, start, end in zip(PHASES, cuts, cuts[1:], strict=False):
        busy = sum(max(0.0, min(b, end) - max(a, start)) for a, b in tasks)
        result[name] = (end - start, busy)
    return result


def _union(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The spans merged where they overlap, so that a nested task is not counted twice."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def trace_visits(server: browser.Server, path: str, expected: int, visits: int) -> list[dict]:
    """The phases of ``visits`` warm visits (after one cold and one untraced warm visit)."""
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.ARGS)
        try:
            context = chromium.new_context(viewport={"width": 1920, "height": 1080})
            for _ in range(2):  # cold, then a first warm visit: the caches are warm from here
                tab = browser.Tab(context)
                tab.visit(server.url + path, expected, 120)
                tab.page.close()
            for _ in range(visits):
                tab = browser.Tab(context)
                chromium.start_tracing(page=tab.page, categories=CATEGORIES)
                visit = tab.visit(server.url + path, expected, 120)
                trace = json.loads(chromium.stop_tracing())
                tab.page.close()
                if visit.errors:
                    raise RuntimeError("; ".join(visit.errors[:3]))
                found.append(phases(trace["traceEvents"], visit.seconds * 1000))
        finally:
            chromium.close()
    return found


def summary(found: list[dict]) -> dict[str, tuple[float, float]]:
    """Median wall and busy ms of each phase, and of the whole visit."""
    out = {name: tuple(statistics.median(f[name][i] for f in found) for i in (0, 1)) for name in PHASES}
    totals = [tuple(sum(f[name][i] for name in PHASES) for i in (0, 1)) for f in found]
    out["whole visit"] = tuple(statistics.median(t[i] for t in totals) for i in (0, 1))
    return out  # type: ignore[return-value]


def print_summary(results: dict[str, dict[str, tuple[float, float]]]) -> None:
    """One line per phase: wall and busy ms of each app."""
    apps = list(results)
    head = ["phase"] + [f"{app} {what}" for app in apps for what in ("ms", "busy ms")]
    rows = [
        [name] + [f"{results[app][name][i]:.0f}" for app in apps for i in (0, 1)] for name in results["ours"]
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *rows]:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))


def main(argv: list[str] | None = None) -> None:
    """Serve both apps in turn, trace their warm visits, print the phases."""
    parser = argparse.ArgumentParser(prog="python -m bench.trace", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(scales.SCALES), default="demo")
    parser.add_argument("--visits", type=int, default=5, help="traced warm visits per app")
    args = parser.parse_args(argv)
    inp = inputs(scales.SCALES[args.scale])
    env_naive = {"BENCH_GEO": str(inp.geo), "BENCH_DATA": str(inp.data), "PYTHONPATH": str(PROJECT_ROOT)}
    results = {}
    with browser.serve(
        PROJECT_ROOT / "app.py", PROJECT_ROOT, {"DASHBOARD_CONFIG": str(inp.settings)}, warm=True
    ) as s:
        results["ours"] = summary(trace_visits(s, "ban-do", inp.communes, args.visits))
    with browser.serve(scales.naive_app(), PROJECT_ROOT, env_naive) as s:
        results["naive"] = summary(trace_visits(s, "", inp.communes, args.visits))
    print(f"{args.scale}: {inp.communes} communes, medians of {args.visits} warm visits", flush=True)
    print_summary(results)


if __name__ == "__main__":
    main()
