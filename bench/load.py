"""Load test: simulated users drive the served dashboard through Streamlit's own websocket protocol.

``python -m bench.load [--sessions 30] [--seconds 120] [--url URL]`` prints one table: reruns,
errors by kind, p50/p95/max rerun time per page and overall, server RSS peak, and whether issue 6's
target (no errors, p95 < 2 s) is met. Without ``--url`` it serves app.py on the bundled demo data
(bench.browser.serve) and stops it afterwards.

Why no browser: on a 2-core machine, 30 Chromium contexts would take the CPU the server is being
measured on. Each simulated user does what the frontend does (frontend/connection/src/
WebsocketConnection.tsx and frontend/app/src/app/App.tsx in the Streamlit repository): it opens
``/_stcore/stream`` with the subprotocols ``streamlit, PLACEHOLDER_AUTH_TOKEN``, sends a
``BackMsg.rerun_script`` carrying the URL's query string and page name, and then, per click, a
rerun carrying the page's script hash and the widget states it changed. The sidebar's widget ids
and options are read from the deltas of the previous run, so a filter change sends exactly what a
browser would send (the option's label). Large messages the server marks cacheable are remembered
and their hashes sent back, as the frontend's ForwardMsg cache does. Not simulated: the map
component's own messages (a browser's Leaflet frame reports its bounds and clicks, which can cause
more reruns on the map page) and the 5-minute data-refresh fragment (longer than a run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id

from dashboard.config import PROJECT_ROOT
from dashboard.registry import PAGES

TIMEOUT_S = 30.0  # a rerun slower than this counts as an error
TARGET_P95_S = 2.0
PAGE_NAMES = ("overview", "map", "models", "tipoffs")  # the pages every user sees
SUBPROTOCOLS = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]  # what the frontend sends without a host token
# Sidebar widgets (dashboard/ui/filters.py keys) and how often a user changes each; the rest of the
# clicks switch pages.
ACTIONS = {"f_area": 35, "f_year": 10, "f_kind": 8, "f_period": 12, "f_compare": 5, "page": 30}
TEXT_ELEMENTS = ("markdown", "html", "heading", "text", "alert", "caption")
FINISHED = ForwardMsg.ScriptFinishedStatus


@dataclass
class Widget:
    """A widget seen in the last run: its id, proto type and option labels."""

    id: str
    kind: str
    options: list[str]


@dataclass
class Run:
    """What one rerun sent back."""

    seconds: float
    status: int
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


class RerunError(Exception):
    """A rerun that did not finish: the kind ("timeout", "disconnect") and a message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Session:
    """One browser tab's conversation with the server, without the browser."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.ws: websockets.ClientConnection | None = None
        self.query = ""  # the address bar's query string, as the server last rewrote it
        self.page_hash = ""  # script hash of the page on screen
        self.pages: dict[str, str] = {}  # url path -> page script hash, from the navigation message
        self.widgets: dict[str, Widget] = {}  # user key -> widget, from the last run
        self.states: dict[str, WidgetState] = {}  # widget id -> value this tab has set
        self.cache: dict[str, int] = {}  # hash of a cacheable message -> run it was last seen in
        self.max_age = 2
        self.runs = 0

    async def open(self, page_path: str, query: str) -> Run:
        """Connect and load ``page_path`` (a url path, "" = default page) with ``query``."""
        # No protocol pings: a browser sends none, and a busy server must not be dropped for a late pong.
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=SUBPROTOCOLS, max_size=None, ping_interval=None, open_timeout=TIMEOUT_S
        )
        self.query = query
        return await self.rerun(page_name=page_path)

    async def close(self) -> None:
        """Close the websocket, as a closed tab does."""
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    async def switch_page(self, page_path: str) -> Run:
        """Click a page in the top menu: the frontend clears the query string, the app writes it back."""
        self.query = ""
        return await self.rerun(page_hash=self.pages[page_path])

    async def set_widget(self, key: str, value: str | list[str]) -> Run:
        """Choose ``value`` (option labels) in the widget with user key ``key`` and rerun."""
        widget = self.widgets[key]
        state = WidgetState(id=widget.id)
        if isinstance(value, list):
            state.string_array_value.data.extend(value)
        else:
            state.string_value = value
        self.states[widget.id] = state
        return await self.rerun(page_hash=self.page_hash)

    async def rerun(self, page_hash: str = "", page_name: str = "") -> Run:
        """Send one rerun_script and read until its script_finished; the time is from send to finish."""
        assert self.ws is not None
        msg = BackMsg()
        req = msg.rerun_script
        req.query_string = self.query
        req.page_script_hash = page_hash
        req.page_name = page_name
        req.widget_states.widgets.extend(self.states.values())
        req.cached_message_hashes.extend(self.cache)
        req.context_info.timezone = "Asia/Ho_Chi_Minh"
        req.context_info.timezone_offset = -420
        req.context_info.locale = "vi-VN"
        req.context_info.url = self.ws_url
        start = time.perf_counter()
        run = Run(0.0, FINISHED.FINISHED_SUCCESSFULLY)
        seen_ids: set[str] = set()
        widgets: dict[str, Widget] = {}
        try:
            await self.ws.send(msg.SerializeToString())
            while True:
                left = start + TIMEOUT_S - time.perf_counter()
                raw = await asyncio.wait_for(self.ws.recv(), timeout=max(left, 0.001))
                fwd = ForwardMsg()
                fwd.ParseFromString(raw)
                if self._read(fwd, run, widgets, seen_ids):
                    break
        except TimeoutError as exc:
            raise RerunError("timeout", f"no script_finished within {TIMEOUT_S:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise RerunError("disconnect", f"websocket closed: {exc}") from exc
        run.seconds = time.perf_counter() - start
        self.runs += 1
        self.widgets = widgets
        # Like the frontend's WidgetStateManager.removeInactive: forget widgets this run did not draw.
        self.states = {k: v for k, v in self.states.items() if k in seen_ids}
        self.cache = {h: n for h, n in self.cache.items() if self.runs - n < self.max_age}
        return run

    def _read(self, fwd: ForwardMsg, run: Run, widgets: dict[str, Widget], seen_ids: set[str]) -> bool:
        """Take one ForwardMsg into account; True when it ends the run."""
        if fwd.metadata.cacheable and fwd.hash:
            self.cache[fwd.hash] = self.runs
        kind = fwd.WhichOneof("type")
        if kind == "ref_hash":
            self.cache[fwd.ref_hash] = self.runs
        elif kind == "new_session":
            self.max_age = fwd.new_session.config.max_cached_message_age or self.max_age
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            self.page_hash = fwd.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = fwd.page_info_changed.query_string
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            etype = element.WhichOneof("type")
            body = getattr(element, etype)
            if etype == "exception":
                warn = "[warning] " if body.is_warning else ""
                where = f" (at {body.stack_trace[-1].strip()})" if body.stack_trace else ""
                run.exceptions.append(f"{warn}{body.type}: {body.message}{where}"[:400])
            elif etype in TEXT_ELEMENTS:
                run.texts.append(body.body)
            element_id = getattr(body, "id", "") if etype != "component_instance" else ""
            if element_id.startswith("$$ID"):
                seen_ids.add(element_id)
                key = user_key_from_element_id(element_id)
                options = list(body.options) if etype in ("multiselect", "selectbox", "radio") else []
                if key:
                    widgets[key] = Widget(element_id, etype, options)
        elif kind == "script_finished":
            run.status = fwd.script_finished
            # A run cut short by a newer request is followed by that request's own finish.
            return fwd.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN
        return False


@dataclass
class Sample:
    """One timed rerun."""

    page: str
    action: str
    seconds: float


@dataclass
class Tally:
    """Everything the users saw, shared by all of them (one event loop, no locks needed)."""

    samples: list[Sample] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rss_peak_mb: float | None = None

    def error(self, kind: str, message: str) -> None:
        self.errors[kind].append(message)

    def record(self, page: str, action: str, run: Run) -> None:
        self.samples.append(Sample(page, action, run.seconds))
        for text in run.exceptions:
            self.error("exception", f"{page}/{action}: {text}")
        if run.status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
            self.error("script error", f"{page}/{action}: finished with a compile error")


def districts(path: Path = PROJECT_ROOT / "data" / "communes.csv") -> dict[str, str]:
    """District code -> name, from the bundled registry of communes."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row["district_code"]: row["district_name"] for row in csv.DictReader(f)}


def page_paths() -> dict[str, str]:
    """Page name (registry) -> url path, for the pages the load visits.

    The first page is the default one (app.py), which Streamlit serves at the root: its path is "".
    """
    return {
        spec.name: "" if i == 0 else spec.url_path for i, spec in enumerate(PAGES) if spec.name in PAGE_NAMES
    }


def first_query(rng: random.Random, codes: list[str]) -> str:
    """The query string of a shared link: a district, a year, maybe a quarter."""
    params = {"district": rng.choice(codes), "year": rng.choice(["2025", "2024"])}
    if rng.random() < 0.5:
        params["period"] = f"q:2026-{rng.randint(1, 3)}"
    params["compare"] = rng.choice(["yoy", "prev"])
    return urlencode(params)


async def click(
    session: Session, rng: random.Random, names: dict[str, str], paths: dict[str, str]
) -> tuple[str, Run]:
    """One user action chosen at random: (action name, run)."""
    actions = [a for a in ACTIONS if a == "page" or a in session.widgets]
    action = rng.choices(actions, weights=[ACTIONS[a] for a in actions])[0]
    if action == "page":
        current = next((p for p, h in session.pages.items() if h == session.page_hash), None)
        target = rng.choice([p for p in paths.values() if p != current])
        return "page", await session.switch_page(target)
    widget = session.widgets[action]
    if action == "f_area":  # none (whole province), one or two districts, by name as the browser sends
        offered = [names[c] for c in rng.sample(list(names), rng.choice([0, 1, 1, 2]))]
        return "district", await session.set_widget(action, [n for n in offered if n in widget.options])
    return action.removeprefix("f_"), await session.set_widget(action, rng.choice(widget.options))


async def user(
    url: str, seed: int, stop_at: float, delay: float, think: tuple[float, float], tally: Tally
) -> None:
    """A person at the dashboard: opens a shared link, then clicks around until ``stop_at``."""
    rng = random.Random(seed)
    names = districts()
    paths = page_paths()
    by_path = {p: n for n, p in paths.items()}
    await asyncio.sleep(delay)
    session = None
    while time.monotonic() < stop_at:
        if session is None:
            session = Session(url)
            path = rng.choice(list(paths.values()))
            try:
                run = await session.open(path, first_query(rng, list(names)))
                tally.record(by_path.get(path, path), "open", run)
            except (RerunError, OSError, websockets.WebSocketException) as exc:
                tally.error(getattr(exc, "kind", "connect"), str(exc) or type(exc).__name__)
                await session.close()
                session = None
                await asyncio.sleep(1)
                continue
        await asyncio.sleep(rng.uniform(*think))
        if time.monotonic() >= stop_at:
            break
        try:
            action, run = await click(session, rng, names, paths)
        except RerunError as exc:  # start over in a new tab, as a person would reload
            tally.error(exc.kind, str(exc))
            await session.close()
            session = None
            continue
        current = next((p for p, h in session.pages.items() if h == session.page_hash), "")
        tally.record(by_path.get(current, current or "?"), action, run)
    if session is not None:
        await session.close()


async def district_check(url: str) -> tuple[bool, str]:
    """Does the client drive the app? A district from the URL, then another from the widget, on screen."""
    names = districts()
    (a, name_a), (b, name_b) = list(names.items())[:2]
    session = Session(url)
    try:
        first = await session.open(page_paths()["overview"], urlencode({"district": a}))
        second = await session.set_widget("f_area", [name_b])
        moved = await session.switch_page(page_paths()["map"])
    finally:
        await session.close()
    shown = ["\n".join(r.texts) for r in (first, second, moved)]
    ok = (
        name_a in shown[0]
        and name_b not in shown[0]
        and name_b in shown[1]
        and name_a not in shown[1]
        and name_b in shown[2]
        and session.query.startswith(f"district={b}")
    )
    line = (
        f"district check: ?district={a} shows {name_a!r}: {name_a in shown[0]}; "
        f"widget -> {name_b!r} shown: {name_b in shown[1]}, {name_a!r} gone: {name_a not in shown[1]}; "
        f"map page keeps it: {name_b in shown[2]}, URL now ?{session.query} -> {'PASS' if ok else 'FAIL'}"
    )
    return ok, line


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


async def _watch_rss(pid: int, tally: Tally, done: asyncio.Event) -> None:
    status = Path(f"/proc/{pid}/status")
    while not done.is_set():
        with contextlib.suppress(OSError, ValueError):
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    mb = int(line.split()[1]) / 1024
                    tally.rss_peak_mb = max(tally.rss_peak_mb or 0.0, mb)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 0.5)


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Report:
    """The outcome of one load run."""

    sessions: int
    seconds: float
    think: tuple[float, float]
    check_ok: bool
    check_line: str
    tally: Tally
    server_cpu_s: float | None = None
    client_cpu_s: float | None = None

    @property
    def reruns(self) -> int:
        return len(self.tally.samples)

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.tally.errors.values())

    @property
    def p95(self) -> float:
        times = [s.seconds for s in self.tally.samples]
        return _pct(times, 0.95) if times else float("nan")

    @property
    def target_met(self) -> bool:
        return self.error_count == 0 and self.reruns > 0 and self.p95 < TARGET_P95_S


async def run_load(
    url: str, sessions: int, seconds: float, think: tuple[float, float], pid: int | None, seed: int
) -> Report:
    """The district check, then ``sessions`` users for ``seconds``; returns the Report."""
    check_ok, check_line = await district_check(url)
    tally = Tally()
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch_rss(pid, tally, done)) if pid else None
    cpu0, client0 = (_cpu_s(pid) if pid else None), time.process_time()
    start = time.monotonic()
    ramp = min(5.0, seconds / 4)  # people do not all arrive in the same second
    users = [
        user(url, seed + i, start + seconds, ramp * i / max(sessions, 1), think, tally)
        for i in range(sessions)
    ]
    await asyncio.gather(*users)
    elapsed = time.monotonic() - start
    done.set()
    if watcher:
        await watcher
    cpu1 = _cpu_s(pid) if pid else None
    server_cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return Report(
        sessions, elapsed, think, check_ok, check_line, tally, server_cpu, time.process_time() - client0
    )


def _row(label: str, times: list[float]) -> str:
    if not times:
        return f"  {label:<22}{0:>8}"
    return f"  {label:<22}{len(times):>8}{_pct(times, 0.5):>9.2f}{_pct(times, 0.95):>9.2f}{max(times):>9.2f}"


def print_report(r: Report, out: TextIO = sys.stdout) -> None:
    """The table."""
    t = r.tally
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(r.check_line)
    p("")
    p(f"sessions          {r.sessions}")
    p(f"duration          {r.seconds:.0f} s (think time {r.think[0]:g}-{r.think[1]:g} s between clicks)")
    p(f"reruns            {r.reruns} ({r.reruns / r.seconds:.1f}/s)")
    p(f"errors            {r.error_count}")
    for kind, messages in sorted(t.errors.items()):
        p(f"  {kind:<16}{len(messages)}")
        for m in messages[:3]:
            p(f"      {m}")
    p("")
    p(f"  {'rerun time (s)':<22}{'n':>8}{'p50':>9}{'p95':>9}{'max':>9}")
    for page in PAGE_NAMES:
        p(_row(f"page {page}", [s.seconds for s in t.samples if s.page == page]))
    for action in sorted({s.action for s in t.samples}):
        p(_row(f"action {action}", [s.seconds for s in t.samples if s.action == action]))
    p(_row("overall", [s.seconds for s in t.samples]))
    p("")
    rss = f"{t.rss_peak_mb:.0f} MB" if t.rss_peak_mb else "n/a (server not started here)"
    p(f"server RSS peak   {rss}")
    if r.server_cpu_s is not None:
        p(f"server CPU        {r.server_cpu_s:.0f} s = {r.server_cpu_s / r.seconds:.2f} cores on average")
    if r.client_cpu_s is not None:
        p(f"load client CPU   {r.client_cpu_s:.1f} s = {r.client_cpu_s / r.seconds:.2f} cores (same machine)")
    p(f"cores             {os.cpu_count()}")
    verdict = "MET" if r.target_met else "NOT MET"
    p(f"target            no errors, p95 < {TARGET_P95_S:g} s: {verdict} (p95 {r.p95:.2f} s)")


def load(
    sessions: int = 30,
    seconds: float = 120,
    url: str | None = None,
    think: tuple[float, float] = (3.0, 7.0),
    seed: int = 1,
) -> Report:
    """Run the load against ``url``, or against app.py served here on the demo data."""
    if url:
        return asyncio.run(run_load(url, sessions, seconds, think, None, seed))
    from bench import browser

    # DASHBOARD_CONFIG="" reads no settings file: the defaults point at the bundled demo data.
    # Full error details (instead of the config's "none") so the table can say which exception it was.
    # No file watcher, as in a deployment: a source file saved during the run would otherwise make
    # Streamlit unload the dashboard's modules under the running sessions (KeyError: 'dashboard').
    env = {
        "DASHBOARD_CONFIG": "",
        "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    with browser.serve(PROJECT_ROOT / "app.py", PROJECT_ROOT, env) as server:
        return asyncio.run(run_load(server.url, sessions, seconds, think, server.process.pid, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="simulated users (default 30)")
    parser.add_argument("--seconds", type=float, default=120, help="how long they click (default 120)")
    parser.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8501/ (default: start one)")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(3.0, 7.0), metavar=("MIN", "MAX"),
        help="seconds a user looks at the page between clicks, uniform (default 3 7)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="random seed of the users' clicks")
    args = parser.parse_args(argv)
    report = load(args.sessions, args.seconds, args.url, tuple(args.think), args.seed)
    print_report(report)
    return 0 if report.check_ok and report.target_met else 1


if __name__ == "__main__":
    sys.exit(main())
