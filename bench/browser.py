"""Serves an app, opens it in headless Chromium with every non-local request blocked, times the map.

"Drawn" means: as many ``path.leaflet-interactive`` elements in the map's frame as communes
expected. Cold = first visit after the server started (nothing cached anywhere); warm = a second
visit in a new tab (server caches and the browser's HTTP cache warm).

Non-local requests are blocked by the browser itself (every other host fails to resolve) and
reported from its request events. Intercepting requests in Playwright would hand each one to this
process and back (a delay per request, which Streamlit's ~40 script chunks add up) and switch off
the browser's HTTP cache, so a warm visit would not be warm.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
LOCAL = ("127.0.0.1", "localhost")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {h}" for h in LOCAL)]  # fmt: skip
POLL_S = 0.05


@dataclass
class Server:
    """A running Streamlit server."""

    url: str
    process: subprocess.Popen
    ready_s: float  # from the start of the process until its health check answered

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


@dataclass
class Visit:
    """What one measurement saw."""

    seconds: float
    ws_bytes: int
    paths: int
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(
    script: Path, cwd: Path, env: dict[str, str], base_path: str = "", *, warm: bool = False
) -> Iterator[Server]:
    """Run ``streamlit run script`` until the block ends; yield once it answers its health check.

    ``base_path``: serve under ``/<base_path>/`` (server.baseUrlPath); the yielded URL includes it.
    ``warm``: start the dashboard the way its README does, ``python -m dashboard serve`` (imports,
    data and boundaries read before the server answers); ``script`` must then be app.py.
    """
    port = _free_port()
    flags = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    if base_path:
        flags += ["--server.baseUrlPath", base_path]
    if warm:
        cmd = [sys.executable, "-m", "dashboard", "serve", *flags]
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", str(script), *flags]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/" + (f"{base_path}/" if base_path else "")
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {' '.join(cmd)}")
            time.sleep(0.1)
        yield Server(url, proc, time.perf_counter() - started)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Tab:
    """A browser tab that counts the websocket bytes it receives and reports non-local requests
    (which the browser's ARGS make fail)."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.bytes = 0
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _request(self, request) -> None:
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(request.url).hostname not in LOCAL
        ):
            self.errors.append(f"blocked {request.url}")

    def _frame(self, payload: str | bytes) -> None:
        self.bytes += len(payload)

    def paths(self) -> int:
        """Commune paths drawn in the map's frame (0 while it has not drawn)."""
        counts = [0]
        for frame in self.page.frames:
            if "st_folium" in frame.url:
                # The frame may be replaced while counting: count again at the next poll.
                with contextlib.suppress(Exception):
                    counts.append(frame.locator("path.leaflet-interactive").count())
        return max(counts)

    def wait_for_paths(self, expected: int, start: float, timeout: float, unlike: int | None = None) -> Visit:
        """Poll until ``expected`` paths are drawn; the time is measured from ``start``."""
        deadline = start + timeout
        while time.perf_counter() < deadline:
            n = self.paths()
            if n == expected and n != unlike:
                return Visit(time.perf_counter() - start, self.bytes, n, self.errors)
            self.page.wait_for_timeout(POLL_S * 1000)
        # Say where the page ended up: a deep link that lands on another page never draws the map.
        return Visit(float("nan"), self.bytes, self.paths(), [*self.errors, f"timeout at {self.page.url}"])

    def visit(self, url: str, expected: int, timeout: float) -> Visit:
        """Navigate to ``url`` and time it until the map is drawn."""
        self.bytes = 0
        start = time.perf_counter()
        self.page.goto(url)
        return self.wait_for_paths(expected, start, timeout)

    def choose_district(self, name: str, expected: int, timeout: float) -> Visit:
        """Pick ``name`` in the sidebar's first multiselect and time it until the map is redrawn."""
        before = self.paths()
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
        box.click()
        self.page.keyboard.type(name)
        option = self.page.get_by_role("option", name=name, exact=True).first
        option.wait_for(timeout=30_000)
        self.bytes = 0
        start = time.perf_counter()
        option.click()
        # The district's communes differ from the whole map's; wait for a count other than before
        # unless both counts happen to be equal.
        return self.wait_for_paths(expected, start, timeout, unlike=before if before != expected else None)


def _median(values: list[float]) -> float:
    """The median, or NaN when any visit did not draw the map (a timeout is not a fast visit)."""
    return float("nan") if any(math.isnan(v) for v in values) else statistics.median(values)


def measure(
    server: Server,
    path: str,
    expected: int,
    district: str,
    district_expected: int,
    timeout: float,
    warm_visits: int = 5,
) -> dict[str, float]:
    """Cold and warm load, district change and websocket bytes of one served app.

    Warm is the median of ``warm_visits`` visits, each in a new tab: one visit varies by ±20 %
    on a shared machine, more than the differences the benchmark is there to show.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            cold = Tab(context).visit(server.url + path, expected, timeout)
            warms = []
            for _ in range(max(warm_visits, 1) - 1):
                tab = Tab(context)
                warms.append(tab.visit(server.url + path, expected, timeout))
                tab.page.close()
            tab = Tab(context)  # the last warm visit goes on to the district change
            warm = tab.visit(server.url + path, expected, timeout)
            warms.append(warm)
            tab.page.wait_for_timeout(1000)  # let reruns triggered by the map's first events finish
            change = tab.choose_district(district, district_expected, timeout)
            errors = [*cold.errors, *(e for w in warms for e in w.errors), *change.errors]
        finally:
            browser.close()
    return {
        "cold_s": cold.seconds,
        "warm_s": _median([w.seconds for w in warms]),
        "warm_spread": (min(w.seconds for w in warms), max(w.seconds for w in warms)),
        "district_s": change.seconds,
        "cold_mb": cold.ws_bytes / 1e6,
        "warm_mb": warm.ws_bytes / 1e6,
        "district_mb": change.ws_bytes / 1e6,
        "rss_mb": server.rss_mb(),
        "ready_s": server.ready_s,
        "errors": len(errors),
        "error_sample": "; ".join(errors[:3]),
    }
