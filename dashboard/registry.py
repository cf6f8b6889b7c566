"""The one list of pages: navigation, the smoke tests and (later) presentation mode loop over it."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.config import PROJECT_ROOT


@dataclass(frozen=True)
class PageSpec:
    """A page of the dashboard, in menu order."""

    file: str  # path from the project root
    title_key: str  # i18n key of the title
    icon: str  # Material icon shown in the menu
    url_path: str  # ASCII slug in the address bar


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "page.overview", ":material/dashboard:", "tong-quan"),
    PageSpec("pages/map.py", "page.map", ":material/map:", "ban-do"),
    PageSpec("pages/models.py", "page.models", ":material/groups:", "mo-hinh"),
    PageSpec("pages/tipoffs.py", "page.tipoffs", ":material/campaign:", "tin-bao"),
    PageSpec("pages/data.py", "page.data", ":material/folder_open:", "du-lieu"),
)


def page_path(spec: PageSpec) -> str:
    """Absolute path of the page's script."""
    return str(PROJECT_ROOT / spec.file)
