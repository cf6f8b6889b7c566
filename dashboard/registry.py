"""The one list of pages: navigation, the smoke tests and presentation mode loop over it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.config import PROJECT_ROOT


@dataclass(frozen=True)
class PageSpec:
    """A page of the dashboard, in menu order."""

    name: str  # short English name used in settings (the agenda) and the meeting pack
    title_key: str  # i18n key of the title
    icon: str  # Material icon shown in the menu
    url_path: str  # ASCII slug in the address bar
    secretariat_only: bool = False  # file details: shown only to the secretariat role

    @property
    def file(self) -> str:
        """The page's script, from the project root: named after its address.

        Streamlit looks the address up among ``pages/`` file names on the very first run after
        ``streamlit run`` (before app.py's st.navigation takes over); a file named otherwise
        would make that first visitor's deep link, e.g. ``/ban-do``, pop up "Page not found".
        """
        return f"pages/{self.url_path}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "page.overview", ":material/dashboard:", "tong-quan"),
    PageSpec("map", "page.map", ":material/map:", "ban-do"),
    PageSpec("models", "page.models", ":material/groups:", "mo-hinh"),
    PageSpec("tipoffs", "page.tipoffs", ":material/campaign:", "tin-bao"),
    PageSpec("data", "page.data", ":material/folder_open:", "du-lieu", secretariat_only=True),
)


def visible(sees_files: bool) -> list[PageSpec]:
    """The pages in the menu of a user who does (or does not) see the data files' details."""
    return [spec for spec in PAGES if sees_files or not spec.secretariat_only]


def page_path(spec: PageSpec) -> str:
    """Absolute path of the page's script."""
    return str(PROJECT_ROOT / spec.file)


def agenda(names: Sequence[str]) -> list[PageSpec]:
    """The pages named in the ``agenda`` setting, in that order; unknown names are skipped.

    Skipping (rather than failing) keeps a meeting screen up when a province's settings file
    names a page this version does not have; the settings test checks the default.
    """
    by_name = {spec.name: spec for spec in PAGES}
    return [by_name[n] for n in names if n in by_name]


def by_url_path(url_path: str) -> PageSpec | None:
    """The page served at ``url_path`` ("" is the default page)."""
    if not url_path:
        return PAGES[0]
    return next((spec for spec in PAGES if spec.url_path == url_path), None)
