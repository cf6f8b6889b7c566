"""Tip-offs from file to the tip-off page's aggregates: ``python -m bench.tipoff_times DIR``.

Cold: the dashboard's own loader (read, validate, type) on a data folder never seen by this
process, then the figures the tip-off page shows for the latest year. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Time load_dataset() and the tip-off page's report on the folder in argv[1]."""
    from dashboard import loaders, metrics, report
    from dashboard.config import config_from_mapping
    from dashboard.selection import Selection, make_period

    cfg = config_from_mapping({"data_dir": sys.argv[1]})
    start, start_cpu = time.perf_counter(), time.process_time()
    data = loaders.load_dataset(cfg)
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    tipoffs = data.frame("tipoffs")
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
    problems = sum(len(s.problems) for s in data.tables.values())
    # CPU seconds too: on a shared machine they move less than wall-clock ones (pyarrow's threads add up)
    print(json.dumps({"rows": len(tipoffs), "load_s": loaded - start, "aggregate_s": done - loaded,
                      "total_s": done - start, "load_cpu_s": loaded_cpu - start_cpu,
                      "aggregate_cpu_s": done_cpu - loaded_cpu, "rss_mb": _rss_mb(),
                      "problems": problems}))  # fmt: skip


if __name__ == "__main__":
    main()
