"""AppTest runs the dashboard the way its server does (tests and benchmarks use this).

A served dashboard runs in Streamlit's new navigation mode: from the start under ``python -m
dashboard serve``, from the second run under ``streamlit run`` (dashboard.ui.shell.leave_folder_mode).
AppTest instead puts every run back in the old ``pages/`` folder mode, whose first run
dashboard.ui.shell then repeats: a button clicked in that run would be lost, and every run
would be timed twice. Inside :func:`served_mode`, AppTest runs start in the new mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.runtime.pages_manager import PagesManager  # no public switch for the mode


@contextmanager
def served_mode() -> Iterator[None]:
    """AppTest runs inside this block start in the new navigation mode, as a served app's do."""
    original = PagesManager.__init__

    def new_mode(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # AppTest has just reset the mode; this sets it from pages/
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = new_mode  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]
