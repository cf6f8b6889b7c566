"""The meeting pack: the agenda's pages as PDF and PowerPoint, their tables as Excel, from report.py.

Pure: no Streamlit. Figures come from dashboard.headlines and dashboard.report, the same objects
the pages draw, so every number in the pack is the number on screen, formatted by dashboard.fmt.
"""

from __future__ import annotations

from dashboard.pack.content import PackInput, Slide, slides
from dashboard.pack.excel import build_excel
from dashboard.pack.pdf import build_pdf
from dashboard.pack.slides import build_pptx

__all__ = ["PackInput", "Slide", "build_excel", "build_pdf", "build_pptx", "slides"]
