"""The meeting pack: the agenda's pages as a PDF (and their tables as Excel), from report.py's objects.

Pure: no Streamlit. Figures come from dashboard.headlines and dashboard.report, the same objects
the pages draw, so every number in the pack is the number on screen, formatted by dashboard.fmt.
"""

from __future__ import annotations

from dashboard.pack.content import PackInput, Slide, slides
from dashboard.pack.excel import build_excel
from dashboard.pack.pdf import build_pdf

__all__ = ["PackInput", "Slide", "build_excel", "build_pdf", "slides"]
