"""Joins boundary features to the commune registry, by code or by (district, name), and reports the rest.

Only exact matches of normalised keys join: names are compared ignoring spacing, case, Unicode
form, the unit prefix (Xã, Phường, …) and the old/new tone placement (hoà = hòa). Near misses are
never joined; they are offered as candidates in the :class:`MatchReport`, which the Data page and
``python -m dashboard check`` show in Vietnamese. Also reads the province's optional groups file,
which stands in for the district level after the 2025 reform.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from dashboard import fmt, i18n, parsing
from dashboard.schema import Problem

if TYPE_CHECKING:  # loaders imports this module for the groups hook; the type is only needed here
    from dashboard.loaders import Dataset

MatchMode = Literal["code", "name"]
CODE_DIGITS = 5
MAX_CANDIDATES = 3  # a secretariat reads them aloud; more would be noise
CANDIDATE_CUTOFF = 0.6  # difflib ratio below which a name is not worth suggesting
SAME_DISTRICT_BONUS = 0.05
MAX_COMPARISONS = 40_000  # unmatched pairs compared for suggestions (about a second); beyond it, none

COMMUNE_PREFIXES = ("Xã", "Phường", "Thị trấn", "Đặc khu")
DISTRICT_PREFIXES = ("Huyện", "Quận", "Thị xã", "Thành phố", "TP.", "TP")

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng (combining, after NFD)
# Old and new spelling put the tone of "oa", "oe", "uy" on different letters (hoà/hòa, thuỷ/thủy);
# the key always moves it to the first vowel, on both sides, so the two spellings meet.
_TONE_PLACEMENT = re.compile(rf"([ou])([aey])([{_TONES}])")
# The Icelandic eth (Ð) looks like Đ and turns up in files that went through old 8-bit encodings.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


# ---------------------------------------------------------------------------- names → keys


def _canonical(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text).translate(_LOOKALIKES).casefold())
    text = _TONE_PLACEMENT.sub(r"\1\3\2", text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w]|_", "", text)  # spaces, dots, hyphens, apostrophes: "Ea H'Leo" = "EaHleo"
    return re.sub(r"\d+", lambda m: str(int(m.group())), text)  # "Phường 01" = "Phường 1"


_COMMUNE_KEYS = tuple(sorted({_canonical(p) for p in COMMUNE_PREFIXES}, key=len, reverse=True))
_DISTRICT_KEYS = tuple(sorted({_canonical(p) for p in DISTRICT_PREFIXES}, key=len, reverse=True))


def _strip_prefix(key: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        # Keep the prefix when nothing else is left ("Phường 1" keeps its number, a bare "Xã" stays).
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def name_key(name: object) -> str:
    """A commune name as compared: 'Xã Bình  Lục' = 'BìnhLục' = 'binh luc' (NFD) → 'bìnhlục'."""
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    return _strip_prefix(_canonical(str(name)), _COMMUNE_KEYS)


def district_key(name: object) -> str:
    """A district name as compared: 'Huyện Bình Lục' = 'BìnhLục'; 'TP. Phủ Lý' = 'Thành phố Phủ Lý'."""
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    return _strip_prefix(_canonical(str(name)), _DISTRICT_KEYS)


def type_key(value: object) -> str:
    """A unit type as compared: 'Thịtrấn' = 'Thị trấn'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _canonical(str(value))


def _ascii(key: str) -> str:
    """Without diacritics, only to rank suggestions (GADM's VARNAME is ASCII); never to join."""
    return fmt.fold(key)  # keys are already in lower case


# ---------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Unit:
    """One unit on either side, as the secretariat recognises it."""

    label: str  # registry: "02701"; boundary file: its code, GID or row ("dòng 12")
    name: str  # the name as written ("" when the side has no names)
    district: str = ""

    def describe(self) -> str:
        """'02701 Xã An Bình (Huyện Bình Lục)'."""
        text = " ".join(part for part in (self.label, self.name) if part)
        return f"{text} ({self.district})" if self.district else text


@dataclass(frozen=True)
class Unmatched:
    """A unit with no partner on the other side, and the closest names there (never joined)."""

    unit: Unit
    candidates: tuple[Unit, ...] = ()


@dataclass(frozen=True)
class Ambiguous:
    """A normalised name that occurs more than once, so no feature with it is joined."""

    name: str
    district: str
    units: tuple[Unit, ...]  # registry side
    features: tuple[Unit, ...]  # boundary side


@dataclass(frozen=True)
class MatchReport:
    """How the boundary file and the commune registry fit together."""

    mode: MatchMode
    registry_units: int
    features: int
    matched: int
    missing: tuple[Unmatched, ...] = ()  # registry units with no boundary: not on the map
    extra: tuple[Unmatched, ...] = ()  # boundaries with no registry unit: cannot be coloured
    ambiguous: tuple[Ambiguous, ...] = ()
    notes: tuple[str, ...] = ()  # how the match was done, when it is not obvious

    @property
    def ok(self) -> bool:
        """Every registry unit has exactly one boundary (extra boundaries do not hurt the map)."""
        return self.registry_units > 0 and not self.missing and not self.ambiguous

    def lines(self) -> list[str]:
        """The report in Vietnamese, one line per fact, as the check command prints it."""
        how = "theo mã xã" if self.mode == "code" else "theo tên (và huyện, nếu có)"
        out = [
            f"So khớp {how}: {self.matched}/{self.registry_units} đơn vị trong danh mục có ranh giới; "
            f"tệp ranh giới có {self.features} vùng.",
            *self.notes,
        ]
        if self.missing:
            out.append(
                f"{len(self.missing)} đơn vị trong danh mục chưa có ranh giới (không hiện trên bản đồ):"
            )
            out += [_line(item.unit, item.candidates) for item in self.missing]
        if self.ambiguous:
            out.append(f"{len(self.ambiguous)} tên trùng nhau nên chưa nối (cần thêm huyện, loại hoặc mã):")
            for item in self.ambiguous:
                place = f" ({item.district})" if item.district else ""
                units = "; ".join(u.describe() for u in item.units) or "không có"
                feats = "; ".join(f.describe() for f in item.features) or "không có"
                out.append(f"  - “{item.name}”{place}: danh mục: {units} — tệp ranh giới: {feats}")
        if self.extra:
            out.append(f"{len(self.extra)} vùng trong tệp ranh giới không có trong danh mục:")
            out += [_line(item.unit, item.candidates) for item in self.extra]
        out.append(
            "KẾT QUẢ: đủ ranh giới cho bản đồ."
            if self.ok
            else "KẾT QUẢ: CHƯA KHỚP — hãy sửa tên/mã trong tệp hoặc thiết lập rồi chạy lại."
        )
        return out


def _line(unit: Unit, candidates: Sequence[Unit]) -> str:
    close = "; ".join(c.describe() for c in candidates)
    return f"  - {unit.describe()}" + (f" — gần giống: {close}" if close else " — không có tên nào gần giống")


def label(key: str, language: str = "vi") -> str:
    """A Data page label of the matching report in ``language`` ('vi' or 'en'), from i18n.TEXT."""
    vi, en = i18n.TEXT[f"match.{key}"]
    return en if language == "en" else vi


def report_table(report: MatchReport, language: str = "vi") -> pd.DataFrame:
    """Every unmatched or ambiguous unit as one row: kind, unit, closest candidates."""
    rows = [(label("missing", language), m.unit.describe(), _names(m.candidates)) for m in report.missing]
    rows += [
        (label("ambiguous", language), f"“{a.name}”" + (f" ({a.district})" if a.district else ""),
         _names((*a.units, *a.features)))
        for a in report.ambiguous
    ]  # fmt: skip
    rows += [(label("extra", language), e.unit.describe(), _names(e.candidates)) for e in report.extra]
    return pd.DataFrame(rows, columns=["kind", "unit", "candidates"], dtype="str")


def _names(units: Sequence[Unit]) -> str:
    return "; ".join(u.describe() for u in units)


# ---------------------------------------------------------------------------- matching


@dataclass
class Side:
    """One side of the match: a key per row, and how to show each row."""

    units: list[Unit]
    codes: list[str | None] = field(default_factory=list)  # code mode
    names: list[str] = field(default_factory=list)  # name keys
    districts: list[str] = field(default_factory=list)  # district keys ("" = none)
    types: list[str] = field(default_factory=list)  # type keys ("" = none)


def match(registry: Side, features: Side, mode: MatchMode, notes: Iterable[str] = ()) -> tuple[
    dict[int, int], MatchReport
]:  # fmt: skip
    """Feature row → registry row for every exact match, and the report of everything else."""
    if mode == "code":
        pairs, ambiguous = _pair_by(
            registry, features, lambda s, i: (s.codes[i],) if s.codes[i] else None, disambiguate=False
        )
    else:
        pairs, ambiguous = _pair_by(
            registry, features, lambda s, i: (s.districts[i], s.names[i]) if s.names[i] else None
        )
    taken_units = set(pairs.values()) | {i for a in ambiguous for i in a[1]}
    taken_feats = set(pairs) | {i for a in ambiguous for i in a[2]}
    free_units = [i for i in range(len(registry.units)) if i not in taken_units]
    free_feats = [i for i in range(len(features.units)) if i not in taken_feats]
    notes = list(notes)
    # Suggestions cost one comparison per pair: a national file against a province is millions of
    # pairs (a minute of waiting), and the cure is boundary_filter, not a list of near names.
    suggest = len(free_units) * len(free_feats) <= MAX_COMPARISONS
    if not suggest:
        notes.append(
            f"Quá nhiều đơn vị chưa khớp ({len(free_units)} trong danh mục, {len(free_feats)} vùng) "
            "nên không gợi ý tên gần giống; hãy kiểm tra boundary_filter và các cột tên."
        )
    missing = tuple(
        Unmatched(registry.units[i], _closest(registry, i, features, free_feats, mode) if suggest else ())
        for i in free_units
    )
    extra = tuple(
        Unmatched(features.units[i], _closest(features, i, registry, free_units, mode) if suggest else ())
        for i in free_feats
    )
    report = MatchReport(
        mode=mode,
        registry_units=len(registry.units),
        features=len(features.units),
        matched=len(pairs),
        missing=missing,
        extra=extra,
        ambiguous=tuple(
            Ambiguous(
                name, district, tuple(registry.units[i] for i in us), tuple(features.units[i] for i in fs)
            )
            for name, us, fs, district in ambiguous
        ),
        notes=tuple(notes),
    )
    return pairs, report


def _pair_by(registry: Side, features: Side, key, disambiguate: bool = True):
    """Join rows whose key is unique on both sides; a key repeated on either side is ambiguous."""
    left: dict[tuple, list[int]] = {}
    right: dict[tuple, list[int]] = {}
    for i in range(len(registry.units)):
        k = key(registry, i)
        if k is not None:
            left.setdefault(k, []).append(i)
    for i in range(len(features.units)):
        k = key(features, i)
        if k is not None:
            right.setdefault(k, []).append(i)
    pairs: dict[int, int] = {}
    ambiguous: list[tuple[str, list[int], list[int], str]] = []
    for k in left.keys() & right.keys():
        us, fs = left[k], right[k]
        if len(us) == 1 and len(fs) == 1:
            pairs[fs[0]] = us[0]
            continue
        # Repeated on either side: two registry units, or two features, would fit one name.
        if disambiguate:
            # A town and a commune of one name in one district ("Thị trấn X", "Xã X") differ by type;
            # the type is exact information, so splitting on it is a join, not a guess.
            us, fs = _split_by_type(registry, features, us, fs, pairs)
        if us or fs:
            shown = registry.units[us[0]] if us else features.units[fs[0]]
            ambiguous.append((shown.name or shown.label, us, fs, shown.district))
    return pairs, sorted(ambiguous, key=lambda a: (a[3], a[0]))


def _split_by_type(registry: Side, features: Side, us: list[int], fs: list[int], pairs: dict[int, int]):
    if not registry.types or not features.types:
        return us, fs
    by_type_u: dict[str, list[int]] = {}
    by_type_f: dict[str, list[int]] = {}
    for i in us:
        by_type_u.setdefault(registry.types[i], []).append(i)
    for i in fs:
        by_type_f.setdefault(features.types[i], []).append(i)
    left_u, left_f = [], []
    for t in by_type_u.keys() | by_type_f.keys():
        a, b = by_type_u.get(t, []), by_type_f.get(t, [])
        if t and len(a) == 1 and len(b) == 1:
            pairs[b[0]] = a[0]
        else:
            left_u += a
            left_f += b
    if not left_u or not left_f:  # what remains on one side only is simply unmatched, not ambiguous
        return [], []
    return sorted(left_u), sorted(left_f)


def _closest(side: Side, i: int, other: Side, pool: list[int], mode: MatchMode) -> tuple[Unit, ...]:
    """Up to three units of ``other`` (among ``pool``) closest by name, or by code without names."""
    keys: dict[int, str] = {}
    if side.names and other.names and side.names[i]:
        target = _ascii(side.names[i])
        keys = {j: _ascii(other.names[j]) for j in pool if other.names[j]}
    if not keys and mode == "code" and side.codes and other.codes and side.codes[i]:
        target = side.codes[i] or ""  # a file without names: a mistyped code is the likely cause
        keys = {j: other.codes[j] or "" for j in pool if other.codes[j]}
    if not keys:
        return ()
    scored = []
    matcher = difflib.SequenceMatcher(None, "", target)  # seq2 fixed: difflib caches its analysis
    floor = CANDIDATE_CUTOFF - SAME_DISTRICT_BONUS
    for j, k in keys.items():
        matcher.set_seq1(k)
        # The cheap upper bounds first: a national file against one province is thousands of pairs.
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        ratio = matcher.ratio()
        if (
            side.districts
            and other.districts
            and side.districts[i]
            and side.districts[i] == other.districts[j]
        ):
            ratio += SAME_DISTRICT_BONUS  # same district first: the likeliest place for a misspelt name
        if ratio >= CANDIDATE_CUTOFF:
            scored.append((-ratio, j))
    return tuple(other.units[j] for _r, j in sorted(scored)[:MAX_CANDIDATES])


def registry_side(communes: pd.DataFrame, with_districts: bool) -> Side:
    """The commune registry as one side of the match."""

    def col(name: str) -> list:
        return communes[name].tolist() if name in communes.columns else [None] * len(communes)

    codes, names, dnames, types = (
        col("commune_code"),
        col("commune_name"),
        col("district_name"),
        col("commune_type"),
    )
    return Side(
        units=[Unit(str(c), _text(n), _text(d)) for c, n, d in zip(codes, names, dnames, strict=True)],
        codes=[normalise_code(c) for c in codes],
        names=[name_key(n) for n in names],
        districts=[district_key(d) if with_districts else "" for d in dnames],
        types=[type_key(t) for t in types],
    )


def has_district_names(communes: pd.DataFrame) -> bool:
    """The registry names a district (or a group) for at least one commune."""
    return "district_name" in communes.columns and communes["district_name"].map(district_key).ne("").any()


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def normalise_code(value: object) -> str | None:
    """A commune code as a 5-digit string: 1234 → '01234', 1234.0 → '01234', ' 01234 ' → '01234'."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, int) or hasattr(value, "__index__"):
        text = str(int(value))  # type: ignore[arg-type]
    else:
        text = str(value).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a code that went through a spreadsheet
            text = text[:-2]
    if not text:
        return None
    return text.zfill(CODE_DIGITS) if text.isdigit() else text


# ---------------------------------------------------------------------------- groups (no districts)

GROUP_COLUMNS = ("commune_code", "group_code", "group_name")
_groups_cache: dict[str, tuple[tuple, pd.DataFrame | None, tuple[Problem, ...]]] = {}


def read_groups(path: Path) -> tuple[pd.DataFrame | None, tuple[Problem, ...]]:
    """The groups file (commune_code, group_code, group_name) as a frame, or None and its problems.

    Cached on (mtime, size); CSV read like the data tables (UTF-8 with or without BOM, cp1258, , or ;).
    """
    name = path.name
    try:
        stat = path.stat()
    except OSError:
        return None, (Problem(name, f"Không tìm thấy tệp nhóm xã “{path}” (thiết lập groups_file)."),)
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _groups_cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    frame, problems = _parse_groups(name, path)
    _groups_cache[str(path)] = (stamp, frame, problems)
    return frame, problems


def _parse_groups(name: str, path: Path) -> tuple[pd.DataFrame | None, tuple[Problem, ...]]:
    try:
        raw = parsing.read_csv_text(parsing.decode(path.read_bytes()))
    except (OSError, parsing.FileError) as exc:
        return None, (Problem(name, str(exc)),)
    index = {parsing.norm_header(h): i for i, h in enumerate(raw.headers)}
    missing = [c for c in ("commune_code", "group_name") if parsing.norm_header(c) not in index]
    if missing:
        found = ", ".join(raw.headers)
        return None, (
            Problem(name, f"Thiếu cột {', '.join(missing)}; tệp nhóm xã cần các cột commune_code, "
                    f"group_code, group_name. Các cột có trong tệp: {found}."),
        )  # fmt: skip

    def cells(col: str) -> list[str]:
        pos = index.get(parsing.norm_header(col))
        return [""] * len(raw.rows) if pos is None else raw.cells[pos].tolist()

    problems = [Problem(name, message, row=row) for row, message in raw.row_problems]
    seen: dict[str, int] = {}
    rows = []
    for row, code, gcode, gname in zip(raw.rows, cells("commune_code"), cells("group_code"),
                                       cells("group_name"), strict=True):  # fmt: skip
        code_n = normalise_code(code)
        if not code_n or not code_n.isdigit() or len(code_n) != CODE_DIGITS:
            problems.append(
                Problem(name, f"Mã xã “{code}” phải gồm 5 chữ số.", row=row, column="commune_code")
            )
            continue
        if not gname:
            problems.append(Problem(name, "Thiếu tên nhóm (group_name).", row=row, column="group_name"))
            continue
        if code_n in seen:
            problems.append(
                Problem(name, f"Xã {code_n} đã được xếp vào nhóm ở dòng {seen[code_n]}; mỗi xã một nhóm.",
                        row=row, column="commune_code")
            )  # fmt: skip
            continue
        seen[code_n] = row
        rows.append((code_n, gcode.strip() or gname.strip(), gname.strip()))
    if problems:
        return None, tuple(problems[:50])
    frame = pd.DataFrame(rows, columns=["commune_code", "district_code", "district_name"], dtype="str")
    return frame, ()


def with_groups(communes: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The registry with each commune's group as its district, where the registry names no district."""
    out = communes.copy()
    mapped = out["commune_code"].map(groups.set_index("commune_code")["district_code"])
    named = out["commune_code"].map(groups.set_index("commune_code")["district_name"])
    for col, values in (("district_code", mapped), ("district_name", named)):
        current = (
            out[col].astype("str") if col in out.columns else pd.Series(pd.NA, index=out.index, dtype="str")
        )
        blank = current.isna() | current.str.strip().eq("")
        out[col] = current.where(~blank, values).astype("str")
    return out


def apply_groups(cfg, data: Dataset) -> Dataset:
    """The data set with the groups file merged into the communes registry (a no-op without groups_file).

    The registry's own district columns win; the groups fill only communes without a district, so a
    province after the 2025 reform gets a district level that the filter, pages and map use unchanged.
    A broken groups file leaves the registry as it is and is reported like dataset.json.
    """
    path = getattr(cfg, "groups_file", None)
    if not path:
        return data
    groups, problems = read_groups(Path(path))
    tables = dict(data.tables)
    communes = tables.get("communes")
    if groups is not None and communes is not None and len(communes.frame):
        unknown = sorted(set(groups["commune_code"]) - set(communes.frame["commune_code"]))
        if unknown:
            listed = ", ".join(unknown[:10]) + (
                f" và {len(unknown) - 10} mã khác" if len(unknown) > 10 else ""
            )
            problems = (*problems, Problem(Path(path).name, f"Mã xã không có trong danh mục xã: {listed}."))
        tables["communes"] = replace(communes, frame=with_groups(communes.frame, groups))
    return replace(data, tables=tables, meta_problems=(*data.meta_problems, *problems))
