"""Numbers, percentages and dates the Vietnamese way (1.234; 12,5%; 20/08/2024), via Babel.

English is the second language: the same functions take the active language from i18n.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata

import pandas as pd
from babel.dates import format_datetime
from babel.numbers import format_decimal

from dashboard import i18n
from dashboard.selection import Period, natural_end

_LOCALES = {"vi": "vi_VN", "en": "en_GB"}
DASH = "—"


def _locale() -> str:
    return _LOCALES.get(i18n.get_language(), "vi_VN")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def num(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 → '1.234,5' (vi) or '1,234.5' (en); missing → '—'."""
    if _missing(value):
        return DASH
    return _formatted(value, decimals, _locale())


@functools.lru_cache(maxsize=4096, typed=True)
def _formatted(value: float | int, decimals: int, locale: str) -> str:
    # Babel takes ~0.1 ms a number; a list of 2,000 overdue tip-offs repeats a few hundred day counts.
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def preload() -> None:
    """Load Babel's number and date data of both languages (30 ms or more on the first number shown)."""
    now = dt.datetime(2024, 8, 20, 14, 5)
    for locale in _LOCALES.values():
        format_decimal(1234.5, format="#,##0.0", locale=locale)
        format_datetime(now, "dd/MM/yyyy HH:mm", locale=locale)


def pct(share: float | None, decimals: int = 1) -> str:
    """A share 0.125 → '12,5%'; missing (e.g. 0/0) → '—'."""
    if _missing(share):
        return DASH
    return num(share * 100, decimals) + "%"


def signed(value: float | None, decimals: int = 0) -> str:
    """A change with its sign: +12, −3 (a true minus sign reads better on a projector)."""
    if _missing(value):
        return DASH
    text = num(abs(value), decimals)
    if value > 0:
        return "+" + text
    if value < 0:
        return "−" + text
    return text


def signed_pct(share: float | None, decimals: int = 1) -> str:
    """A relative change 0.125 → '+12,5%'."""
    if _missing(share):
        return DASH
    return signed(share * 100, decimals) + "%"


def ratio(met: float | None, total: float | None) -> str:
    """The x/y form a BCĐ report uses: '677/686'."""
    if _missing(met) or _missing(total):
        return DASH
    return f"{num(met)}/{num(total)}"


def date(value: dt.date | dt.datetime | pd.Timestamp | None) -> str:
    """20/08/2024 in both languages (the format a committee reads)."""
    if value is None or value is pd.NaT or _missing(value):
        return DASH
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value.strftime("%d/%m/%Y")


def datetime(value: dt.datetime | pd.Timestamp | None) -> str:
    """20/08/2024 14:05."""
    if value is None or value is pd.NaT:
        return DASH
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return format_datetime(value, "dd/MM/yyyy HH:mm", locale=_locale())


def moment(value: dt.date | dt.datetime | None) -> str:
    """A date, with the time only when there is one: '31/10/2026' or '31/10/2026 14:05'."""
    if isinstance(value, dt.datetime) and (value.hour, value.minute) != (0, 0):
        return datetime(value)
    return date(value)


def month_short(value: dt.date | pd.Timestamp) -> str:
    """A month without its year, for a chart axis: 'T8' (en: 'Aug')."""
    return value.strftime("%b") if i18n.get_language() == "en" else f"T{value.month}"


def month(value: dt.date | pd.Timestamp | pd.Period) -> str:
    """A month as written in Vietnamese reports: 'T8/2024' (en: 'Aug 2024')."""
    if isinstance(value, pd.Period):
        value = value.to_timestamp()
    if i18n.get_language() == "en":
        return value.strftime("%b %Y")
    return f"T{value.month}/{value.year}"


def period(p: Period) -> str:
    """'Quý 3/2026', 'T10/2026', '6 tháng đầu năm 2026', 'Năm 2026', or '01/01/2026 – 31/03/2026'.

    A period cut short by the data's "as of" day says so: 'Năm 2026 (đến 31/10/2026)'.
    """
    label = _period_name(p)
    if p.kind != "r" and p.end < natural_end(p):
        label += " " + i18n.t("period.to_date", date=date(p.end))
    return label


def _period_name(p: Period) -> str:
    s = p.start
    if p.kind == "m":
        return month(s)
    if p.kind == "q":
        return i18n.t("period.quarter", q=(s.month - 1) // 3 + 1, year=s.year)
    if p.kind == "h":
        return i18n.t("period.half1" if s.month == 1 else "period.half2", year=s.year)
    if p.kind == "y":
        return i18n.t("period.year", year=s.year)
    return f"{date(p.start)} – {date(p.end)}"


def sortable(values: pd.Series, decimals: int = 0) -> pd.Series:
    """Numbers written the Vietnamese way ("2.437") for a table the user sorts by clicking a header.

    A table sorts text as text, where "833" would follow "2.437": each number is padded on the
    left with spaces to the width of the longest, and a space sorts before every digit, so the text
    order is the numeric order (for numbers ≥ 0; a missing value, "—", sorts last). Shown aligned
    to the right, the padding does not show.
    """
    text = values.map(lambda v: num(None if _missing(v) else v, decimals))
    width = int(text.str.len().max()) if len(text) else 0
    return text.map(lambda s: s if s == DASH else s.rjust(width))


# Vietnamese alphabetical order: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o, ư follows u;
# tones count only between words spelled alike (không dấu, huyền, hỏi, ngã, sắc, nặng). Python's own
# order puts every word in Đ after Y and "Thanh" before "Tân", which a Vietnamese reader takes for an error.
_ORDERED = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTERS = {c: i for i, c in enumerate(_ORDERED)}
_MODIFIERS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}  # breve, circumflex, horn
_WITH = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "+"): "ơ", ("u", "+"): "ư"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


@functools.lru_cache(maxsize=65536)
def collate(text: str) -> tuple:
    """A sort key that orders names as a Vietnamese reader expects: "Đông Hưng" after "Dương",
    "Tân Lạc" before "Thanh Hà". Letters before tones before case; anything not a letter sorts
    before the letters by its code point (so "An" comes before "An Hòa")."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _MODIFIERS and letters and letters[-1][0] == 1:
            base = _ORDERED[letters[-1][1]]
            letters[-1] = (1, _LETTERS.get(_WITH.get((base, _MODIFIERS[ch]), base), letters[-1][1]))
        elif ch in _TONES:
            tones[-1:] = [_TONES[ch]]
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append((1, _LETTERS[ch]) if ch in _LETTERS else (0, ord(ch)))
            tones.append(0)
    return (tuple(letters), tuple(tones), text)


def fold(text: str) -> str:
    """``text`` without its accents and case, for a search typed without them: "Đông" → "dong"."""
    plain = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))
