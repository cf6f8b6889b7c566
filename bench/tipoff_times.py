"""Tip-offs from file to the tip-off page's aggregates: ``python -m bench.tipoff_times DIR``.

Cold: the dashboard's own loader (read, validate, type) on a data folder never seen by this
process, then the figures the tip-off page shows for the latest year; then the same once more
for a new version of the tip-off file in the same process (as it reaches a running server).
Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _figures(cfg) -> tuple[float, float, float, float, object, list[str]]:
    """Load the folder and build the tip-off page's figures; wall and CPU seconds of each half, and
    the modules first imported meanwhile (none should be: an import is not reading tip-offs)."""
    modules = set(sys.modules)
    start, start_cpu = time.perf_counter(), time.process_time()
    from dashboard import loaders, metrics, report  # timed: free only if imported before, as by main()
    from dashboard.selection import Selection, make_period

    data = loaders.load_dataset(cfg)
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    as_of = data.as_of.date() if hasattr(data.as_of, "date") else data.as_of
    sel = Selection(year=as_of.year - 1, period=make_period("y", as_of.year))
    scope = metrics.communes_in_scope(data.frame("communes"), sel)
    frames = {name: data.frame(name) for name in ("ratings", "models", "tipoffs")}
    sc = report.make_scope(cfg, sel, frames, scope, as_of)
    tips = report.tipoffs(sc)
    assert tips is not None
    report.trend(sc, tips)
    report.tipoff_breakdown(sc, tips)
    report.overdue(sc)
    done, done_cpu = time.perf_counter(), time.process_time()
    imported = sorted(set(sys.modules) - modules)
    return loaded - start, done - loaded, loaded_cpu - start_cpu, done_cpu - loaded_cpu, data, imported


def main() -> None:
    """Time load_dataset() and the tip-off page's report on the folder in argv[1], twice.

    First in this fresh process (libraries imported and Babel's locale data loaded, as by
    ``python -m dashboard serve``; no data read yet); then again after the
    tip-off file's modification time moved on, as when a new version reaches a running server.
    """
    from dashboard import fmt, loaders, metrics, report  # noqa: F401 (imported before the clock starts)
    from dashboard.config import config_from_mapping

    # The modules the tip-off page uses are imported above, as the served dashboard imports them at
    # start (report alone brings geopandas and shapely, ~0.1 s, which until 2026-12-02 was timed
    # here as if it were reading tip-offs). Babel's number and date data is loaded at start too
    # (dashboard.warmup), like an import: a one-time cost of the process (~0.03 s).
    fmt.preload()
    cfg = config_from_mapping({"data_dir": sys.argv[1]})
    load_s, aggregate_s, load_cpu, aggregate_cpu, data, imported = _figures(cfg)
    rss = _rss_mb()
    # A new version of the tip-off file (the generated copy under bench/out, never data/): only it
    # is read again, as in a running server; no settling wait, which would only add a sleep.
    path = loaders.find_file(cfg, "tipoffs")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    loaders.SETTLE_SECONDS = 0
    again_load, again_aggregate, _cpu, _cpu2, _data, _imported = _figures(cfg)
    problems = sum(len(s.problems) for s in data.tables.values())
    # CPU seconds too: on a shared machine they move less than wall-clock ones (pyarrow's threads add up)
    figures = {
        "rows": len(data.frame("tipoffs")),
        "load_s": load_s,
        "aggregate_s": aggregate_s,
        "total_s": load_s + aggregate_s,
        "load_cpu_s": load_cpu,
        "aggregate_cpu_s": aggregate_cpu,
        "again_total_s": again_load + again_aggregate,
        "again_load_s": again_load,
        "rss_mb": rss,
        "problems": problems,
        "imported_while_timed": imported,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
