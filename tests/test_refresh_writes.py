"""Refresh under writes: another process keeps rewriting the data files, non-atomically, while pages are
served. Nothing may raise, and every state shown must be one version of the files, never a mix.

Version A is the mini data set; B has two tip-offs per row (``count`` = 2), another score and another
``as_of``; a broken version is B with a tip-off status that is not in the list. The writer truncates
each file, writes half, flushes, pauses, writes the rest, file after file, then holds the version for
a moment (sometimes shorter than the settle time, so those versions must never be shown at all).
"""

from __future__ import annotations

import copy
import json
import multiprocessing
import random
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import loaders
from dashboard.config import config_from_mapping
from dashboard.schema import TABLES
from tests.conftest import META, MINI, csv_text

ROOT = Path(__file__).resolve().parent.parent
SETTLE = 0.25  # seconds a version must be still before it is shown (loaders.SETTLE_SECONDS)
WRITE_SECONDS = 7.0
TODAY = date(2025, 12, 31)
STAMP = '<p class="bcd-stamp"'
RECEIVED = [date(2025, 1, 10), date(2025, 2, 1), date(2025, 3, 5)]  # tip-offs of tests/conftest.py MINI


def _version(name: str) -> dict[str, bytes]:
    """The files of version "A", "B" or "broken", as bytes."""
    tables = copy.deepcopy(MINI)
    meta = dict(META)
    if name in ("B", "broken"):
        header, rows = tables["tipoffs"]
        tables["tipoffs"] = ([*header, "count"], [[*r, "2"] for r in rows])
        tables["ratings"][1][0][2] = "93"
        meta["as_of"] = "2025-07-31"
    if name == "broken":
        tables["tipoffs"][1][1][5] = "Xong"
    files = {f"{t}.csv": csv_text(h, r).encode("utf-8") for t, (h, r) in tables.items()}
    files["dataset.json"] = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    return files


class _Clock:
    """The longest time the files stayed in one intermediate state (a file empty, half written, or one
    version's files beside the other's). Had the writer been held up past the settle time (a busy or
    slow machine), that state was still for long enough to be read as a version of its own."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0

    def changed(self, intermediate: bool = True) -> None:
        now = time.monotonic()
        if intermediate:
            self.longest = max(self.longest, now - self.last)
        self.last = now


def _write_slowly(path: Path, data: bytes, rng: random.Random, clock: _Clock) -> None:
    """Not atomic: the file is truncated, half written, flushed, and completed a little later."""
    half = rng.randrange(1, len(data))
    if rng.random() < 0.5 and b"\n" in data[:half]:
        half = data.rindex(b"\n", 0, half) + 1  # cut at a line end: the half is a valid, shorter CSV
    with open(path, "wb") as out:
        clock.changed()  # empty
        out.write(data[:half])
        out.flush()
        clock.changed()  # half written
        time.sleep(rng.uniform(0, 0.02))
        out.write(data[half:])
        out.flush()
        clock.changed()


def writer(folder: str, seconds: float, seed: int, log) -> None:
    """Rewrite the data set in ``folder`` for ``seconds``: A, B, A, B… and now and then a broken B.

    Logs each version written and the longest any intermediate state of it lasted."""
    rng = random.Random(seed)
    versions = {name: _version(name) for name in ("A", "B", "broken")}
    end = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < end:
        name = "broken" if turn % 5 == 4 else "AB"[turn % 2]
        names = list(versions[name])
        rng.shuffle(names)  # any order: a state is only ever one version because of when, not order
        clock = _Clock()
        clock.changed(intermediate=False)  # the previous version is whole up to here
        for file in names:
            _write_slowly(Path(folder) / file, versions[name][file], rng, clock)
            time.sleep(rng.uniform(0, 0.01))
        log.put((name, clock.longest))
        time.sleep(rng.uniform(0.05, 0.6))
        turn += 1


def _frames(folder: Path, name: str) -> loaders.Dataset:
    folder.mkdir()
    for file, data in _version(name).items():
        (folder / file).write_bytes(data)
    return loaders.load_dataset(config_from_mapping({"data_dir": str(folder)}), TODAY)


def _matches(frame: pd.DataFrame, other: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(frame, other, check_exact=True)
    except AssertionError:
        return False
    return True


def classify(dataset: loaders.Dataset, refs: dict[str, loaders.Dataset]) -> str:
    """Which version ("A" or "B") a data set shows; fails the test on a mix."""
    as_of = str(dataset.meta.get("as_of"))
    candidates = {v for v, ref in refs.items() if str(ref.meta.get("as_of")) == as_of}
    assert candidates, f"dataset.json from neither version: {as_of}"
    found = {"dataset.json": set(candidates)}
    for name in TABLES:
        state = dataset.tables[name]
        fits = {v for v, ref in refs.items() if _matches(state.frame, ref.frame(name))}
        assert fits, f"{name}: a frame from neither version (a half-written file was used)"
        if state.ok:
            candidates &= fits
            found[name] = fits
        else:  # a broken file: its table keeps a whole previous version and says so
            assert state.stale, (name, state.problems)
    assert len(candidates) >= 1, f"tables of A and B shown as one state: {found}"
    return sorted(candidates)[0] if len(candidates) == 1 else "A=B"


@pytest.fixture
def served(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    for file, content in _version("A").items():
        (data / file).write_bytes(content)
    settings = tmp_path / "settings.toml"
    settings.write_text(f'data_dir = "data"\nboundaries_file = "{ROOT / "geo" / "communes.geojson"}"\n')
    monkeypatch.setenv("DASHBOARD_CONFIG", str(settings))
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", SETTLE)
    return data


def _page_state(at: AppTest) -> str | None:
    """What the page shows, checked: None when it is one version, else what is wrong."""
    received = {m.label: m.value for m in at.metric}["Tin báo, tố giác tiếp nhận"]
    # The stamp paragraph itself (the page's style sheet also names the classes).
    stamp = " ".join(h.value for h in at.get("html") if str(h.value).startswith(STAMP))
    # A: three tip-offs as of 30/06/2025; B: six as of 31/07/2025. Never A's figure with B's date,
    # unless the stamp says a file has problems: then that table shows its last valid version.
    shown = (received, "30/06/2025" in stamp, "31/07/2025" in stamp)
    # The figure each version gives for the period on screen (B counts every tip-off twice).
    period = at.session_state["_page_context"].sel.period
    n = sum(period.start <= day <= period.end for day in RECEIVED)
    a, b = str(n), str(2 * n)
    if "bcd-stale" in stamp:
        fine = received in {a, b} and shown[1] != shown[2]
    else:
        fine = shown in {(a, True, False), (b, False, True)}
    return None if fine else f"page: {received} tip-offs with {stamp!r} for {period}"


def _loaded_state(cfg, refs) -> tuple[str | None, str | None]:
    """(version the loader returns, what is wrong with it)."""
    try:
        return classify(loaders.load_dataset(cfg, TODAY), refs), None
    except AssertionError as exc:
        return None, f"loader: {exc}"


def _session(served: Path, at: AppTest, cfg, refs, seed: int):
    """One writer's run while the loader and the page are read; (wrong states, seen, written)."""
    ctx = multiprocessing.get_context("spawn")
    log = ctx.Queue()
    process = ctx.Process(target=writer, args=(str(served), WRITE_SECONDS, seed, log), daemon=True)
    process.start()
    wrong: list[str] = []
    seen: list[str] = []
    try:
        deadline = time.monotonic() + WRITE_SECONDS + 15
        while process.is_alive() and time.monotonic() < deadline:
            for _ in range(5):
                version, problem = _loaded_state(cfg, refs)
                seen += [version] if version else []
                wrong += [problem] if problem else []
                time.sleep(0.03)
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            problem = _page_state(at)
            wrong += [problem] if problem else []
    finally:
        process.join(timeout=WRITE_SECONDS + 5)
        if process.is_alive():
            process.terminate()
    written = []
    while not log.empty():
        written.append(log.get())
    return wrong, seen, written


def test_pages_and_loader_never_show_a_mix(served, tmp_path):
    refs = {v: _frames(tmp_path / f"ref_{v}", v) for v in ("A", "B")}
    cfg = config_from_mapping({"data_dir": str(served)})
    assert classify(loaders.load_dataset(cfg, TODAY), refs) == "A"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["period"] = "y:2025"  # the whole year: every tip-off of A and B counts
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    held_up = []
    for seed in (7, 8, 9):
        wrong, seen, written = _session(served, at, cfg, refs, seed)
        longest = max(held for _name, held in written)
        if not wrong or longest < SETTLE:
            break
        # The writer itself was held up past the settle time (a busy machine): the loader was right
        # to take that state as a version. Only then is the run not a verdict; it is run again.
        held_up.append(f"seed {seed}: an intermediate state lasted {longest:.2f} s")
    assert not wrong, (held_up, wrong[:5])
    names = [name for name, _held in written]
    assert "broken" in names and {"A", "B"} <= set(names)
    assert {"A", "B"} <= set(seen), seen  # both versions did reach the screen
    # Once the writer stops, the last version it wrote is what is shown.
    time.sleep(SETTLE + 0.1)
    final = loaders.load_dataset(cfg, TODAY)
    last = names[-1]
    if last == "broken":
        assert final.tables["tipoffs"].stale and classify(final, refs) in ("B", "A=B")
    else:
        assert final.problems == [] and classify(final, refs) == last
