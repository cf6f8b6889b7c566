"""The tables behind each agenda page as one Excel workbook, one sheet per page.

Cells hold the text shown on screen. Text that Excel would read as a formula (starting with
= + - @) is written as plain text with Excel's quote prefix, so a name in a data file can never
run as a formula on a committee member's computer.
"""

from __future__ import annotations

import contextvars
import io
import re

import pandas as pd
import xlsxwriter

from dashboard import i18n
from dashboard.pack.content import PackInput, filter_lines, slides

_RISKY = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def is_risky(text: str) -> bool:
    """Whether Excel could take ``text`` for a formula."""
    return text.startswith(_RISKY)


def build_excel(inp: PackInput, language: str = "vi") -> bytes:
    """The workbook as bytes, in ``language`` (callable from any thread)."""
    return contextvars.copy_context().run(_build, inp, language)


def _build(inp: PackInput, language: str) -> bytes:
    i18n.set_language(language)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    quoted = book.add_format({"quote_prefix": True})
    used: set[str] = set()
    for slide in slides(inp):
        sheet = book.add_worksheet(_sheet_name(slide.title, used))
        row = 0
        sheet.write_string(row, 0, slide.title, title)
        row += 1
        for label, value in filter_lines(inp):
            _text(sheet, row, 0, label, None, quoted)
            _text(sheet, row, 1, value, None, quoted)
            row += 1
        for section in slide.sections:
            row += 1
            if section.title:
                _text(sheet, row, 0, section.title, bold, quoted)
                row += 1
            for card in section.cards:
                _text(sheet, row, 0, card.label, None, quoted)
                _text(sheet, row, 1, card.value, bold, quoted)
                _text(sheet, row, 2, card.delta or "", None, quoted)
                row += 1
        for table in slide.tables:
            row += 1
            _text(sheet, row, 0, table.title, bold, quoted)
            row += 1
            row = _frame(sheet, row, table.frame, bold, quoted)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 12, 18)
    book.close()
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = _SHEET_BAD.sub(" ", title)[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name, n = f"{base} {n}", n + 1
    used.add(name)
    return name


def _text(sheet, row: int, col: int, value: str, fmt, quoted) -> None:
    if is_risky(value):
        sheet.write_string(row, col, value, quoted)
    else:
        sheet.write_string(row, col, value, fmt)


def _frame(sheet, row: int, frame: pd.DataFrame, bold, quoted) -> int:
    for col, name in enumerate(frame.columns):
        _text(sheet, row, col, str(name), bold, quoted)
    for values in frame.itertuples(index=False):
        row += 1
        for col, value in enumerate(values):
            if isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, int | float) and not pd.isna(value):
                sheet.write_number(row, col, value)
            else:
                _text(sheet, row, col, "" if value is None or pd.isna(value) else str(value), None, quoted)
    return row + 1
