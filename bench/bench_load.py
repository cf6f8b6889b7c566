"""Times load_dataset() on the demo data: cold (every file parsed), warm (cached), and after one file changes.

Usage: .venv/bin/python bench/bench_load.py [DATA_DIR]   (default: the project's data/)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import loaders
from dashboard.config import PROJECT_ROOT, config_from_mapping


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "data"
    cfg = config_from_mapping({"data_dir": str(data_dir)})
    for name, state in loaders.load_dataset(cfg).tables.items():
        size = state.path.stat().st_size / 1e6 if state.path else 0
        print(f"{name:<11} {len(state.frame):>8} rows  {size:6.2f} MB  problems: {len(state.problems)}")

    colds = []
    for _ in range(3):
        loaders.clear_cache()
        ms, _dataset = _timed(lambda: loaders.load_dataset(cfg))
        colds.append(ms)
    warms = [_timed(lambda: loaders.load_dataset(cfg))[0] for _ in range(50)]
    signatures = [_timed(lambda: loaders.data_signature(cfg))[0] for _ in range(50)]
    print(f"cold load_dataset(): median {statistics.median(colds):7.1f} ms  (of {len(colds)})")
    print(f"warm load_dataset(): median {statistics.median(warms):7.2f} ms  (of {len(warms)})")
    print(f"data_signature():    median {statistics.median(signatures):7.2f} ms  (of {len(signatures)})")

    # One changed file, in a copy so the real data folder is never touched: only that file
    # (and, for the registry, the tables checked against it) is parsed again.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(shutil.copytree(data_dir, Path(tmp) / "data"))
        copy_cfg = config_from_mapping({"data_dir": str(copy)})
        loaders.load_dataset(copy_cfg)
        tipoffs = loaders.find_file(copy_cfg, "tipoffs")
        if tipoffs is not None:
            stat = tipoffs.stat()
            os.utime(tipoffs, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
            ms, _dataset = _timed(lambda: loaders.load_dataset(copy_cfg))
            print(f"after {tipoffs.name} changes: {ms:7.1f} ms")


if __name__ == "__main__":
    main()
