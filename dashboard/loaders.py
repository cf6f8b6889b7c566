"""Reads the data tables (CSV or Parquet), checks them against the contract, keeps the last valid one."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import matching, memory, metrics, parsing
from dashboard.config import Config, load_config
from dashboard.schema import (
    FORBIDDEN_TIPOFF_COLUMNS,
    STANDARD_GROUPS,
    TABLES,
    TOTAL_WORDS,
    Column,
    Problem,
    Table,
)

logger = logging.getLogger(__name__)

MAX_PROBLEMS = 50  # a projector screen cannot show more; the rest is counted
META_FILE = "dataset.json"
COMMUNE_LEVEL = "Xã"  # models at this level must name their commune (config has no setting for it)
_FORBIDDEN = frozenset(parsing.header_key(name) for name in FORBIDDEN_TIPOFF_COLUMNS)


@dataclass(frozen=True)
class TableState:
    """One table as the dashboard sees it: the data in use and what is wrong with the file on disk."""

    name: str
    path: Path | None  # the file on disk (Parquet wins over CSV); None if absent
    frame: pd.DataFrame  # the last valid version (read-only); empty with the contract's columns if none
    problems: tuple[Problem, ...]  # what is wrong with the file on disk now; empty = valid
    file_mtime: datetime | None  # modification time of the file on disk now
    good_mtime: datetime | None  # modification time of the version in use

    @property
    def ok(self) -> bool:
        """The file on disk is valid."""
        return not self.problems

    @property
    def stale(self) -> bool:
        """The file on disk has problems, and an older valid version is shown instead."""
        return bool(self.problems) and self.good_mtime is not None


@dataclass(frozen=True)
class Dataset:
    """All tables plus data/dataset.json, as loaded by :func:`load_dataset`."""

    tables: Mapping[str, TableState]
    meta: Mapping[str, Any]
    signature: tuple  # changes whenever any input file changes (see data_signature)
    meta_problems: tuple[Problem, ...] = ()  # what is wrong with dataset.json

    def frame(self, name: str) -> pd.DataFrame:
        """The data in use for table ``name``."""
        return self.tables[name].frame

    @property
    def is_sample(self) -> bool:
        """The data set is labelled as sample data (dataset.json: "sample": true)."""
        return self.meta.get("sample") is True

    @property
    def as_of(self) -> datetime | None:
        """dataset.json's "as_of" date, else the newest valid file's modification time."""
        value = self.meta.get("as_of")
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        return max((t.good_mtime for t in self.tables.values() if t.good_mtime), default=None)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of every file, tables first."""
        return [p for t in self.tables.values() for p in t.problems] + list(self.meta_problems)


@dataclass(frozen=True)
class _Good:
    """A version of a table that passed every check."""

    frame: pd.DataFrame
    mtime: datetime
    version: tuple  # (path, st_mtime_ns, st_size)
    file: str


@dataclass(frozen=True)
class _Parsed:
    frame: pd.DataFrame | None  # None = rejected
    problems: tuple[Problem, ...]


# Process-wide: Streamlit serves every session from threads of one process.
_LOCK = threading.RLock()
_PARSED: dict[tuple[str, str], tuple[tuple, _Parsed]] = {}  # (dir, table) → (file key, result)
_GOOD: dict[tuple[str, str], _Good] = {}
_META: dict[str, tuple[tuple, dict, tuple[Problem, ...]]] = {}
_HELD: dict[tuple, Dataset] = {}  # (dir, settings, today) → the data set last returned
_SEEN: dict[str, tuple[tuple, float]] = {}  # dir → (signature, when this process first saw it)
_SNAPSHOT_TRIES = 3
# Files younger than this may still be being written (a copy, an export, a script writing in
# pieces); the previous data set stays on screen until every file has been still this long.
SETTLE_SECONDS = 1.0


def clear_cache() -> None:
    """Forget every parsed file and every last valid version (for tests)."""
    with _LOCK:
        _PARSED.clear()
        _GOOD.clear()
        _META.clear()
        _HELD.clear()
        _SEEN.clear()


def data_signature(cfg: Config) -> tuple:
    """(mtime_ns, size) of every file the dashboard may read; cheap enough for a refresh timer.

    The boundaries and the groups file count too, so a new boundary file reaches the screen by itself.
    """
    names = [f"{name}{suffix}" for name in TABLES for suffix in (".parquet", ".csv")] + [META_FILE]
    others = [p for p in (cfg.boundaries_file, cfg.groups_file) if p is not None]
    return (
        str(cfg.data_dir),
        *(_stat_entry(cfg.data_dir / name) for name in names),
        *map(_stat_entry, others),
    )


def _stat_entry(path: Path) -> tuple:
    try:
        stat = os.stat(path)
    except OSError:
        return (path.name, None, None)
    return (path.name, stat.st_mtime_ns, stat.st_size)


def find_file(cfg: Config, name: str) -> Path | None:
    """data_dir/<name>.parquet, else data_dir/<name>.csv, else None."""
    for suffix in (".parquet", ".csv"):
        path = cfg.data_dir / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def load_dataset(cfg: Config | None = None, today: date | None = None) -> Dataset:
    """Every table and dataset.json; never raises for bad input, never writes to data files.

    What is returned is one state of the folder, never a mix of files from before and after a
    rewrite (see :func:`_snapshot`): while the files are being written the previous data set is
    returned whole, and the new one is taken once every file has been still for SETTLE_SECONDS.
    """
    cfg = cfg or load_config()
    today = today or date.today()
    key = (str(cfg.data_dir.resolve()), repr(cfg), today)
    deadline = time.monotonic() + 2 * SETTLE_SECONDS
    while True:
        with _LOCK:
            signature = data_signature(cfg)
            held = _HELD.get(key)
            if held is not None and held.signature == signature:
                return _copy(held)  # nothing changed since the data set on screen
            wait = _unsettled_for(signature)
            if wait <= 0 or held is None:
                # Nothing shown yet: no previous state to protect, so the files are read as they are.
                dataset = _snapshot(cfg, today, signature, settled=held is not None)
                if dataset is not None:
                    _HELD[key] = dataset
                    return _copy(dataset)
                if held is None:  # kept changing: best effort
                    dataset, staged = _read_all(cfg, today, data_signature(cfg))
                    _commit(*staged)
                    return dataset
        if time.monotonic() + max(wait, 0.05) > deadline:
            return _copy(held)  # still being written: the previous state stays on screen
        time.sleep(min(max(wait, 0.05), SETTLE_SECONDS))  # the lock is free meanwhile


def _unsettled_for(signature: tuple) -> float:
    """Seconds until every file of ``signature`` has been still for SETTLE_SECONDS (≤ 0: settled).

    A file is still when its modification time is that old, or when this process has seen the same
    signature for that long (a clock that differs on a network share cannot hold the data back).
    """
    if SETTLE_SECONDS <= 0:
        return 0.0
    seen_sig, seen_at = _SEEN.get(signature[0], (None, 0.0))
    if seen_sig != signature:
        seen_at = time.monotonic()
        _SEEN[signature[0]] = (signature, seen_at)
    observed = time.monotonic() - seen_at
    mtimes = [entry[1] for entry in signature[1:] if entry[1] is not None]
    age = time.time() - max(mtimes) / 1e9 if mtimes else float("inf")
    return SETTLE_SECONDS - max(age, observed)


def _snapshot(cfg: Config, today: date, signature: tuple, settled: bool = False) -> Dataset | None:
    """The data set read while no file changed (signature equal before and after), or None.

    Each table's last valid version is only updated from a read that passes this check, so a
    half-written file can never become the "last valid version" shown beside newer tables.
    ``settled``: only a state whose files have all been still for SETTLE_SECONDS may be taken. A
    file that changed during the read is being written: the files read again at once would be still
    only for the few milliseconds of the read, which a writer between two files easily leaves.
    """
    for _attempt in range(_SNAPSHOT_TRIES):
        dataset, staged = _read_all(cfg, today, signature)
        after = data_signature(cfg)
        if after == signature:
            _commit(*staged)
            if staged[0]:  # a new version was read: its temporaries are freed now, give them back
                memory.release()
            return dataset
        if settled and _unsettled_for(after) > 0:
            return None  # the caller keeps the state on screen and looks again
        signature = after
    return None


def _read_all(cfg: Config, today: date, signature: tuple) -> tuple[Dataset, tuple[dict, tuple | None]]:
    """Every file read once; the changes to the last valid versions are returned, not yet made."""
    goods: dict[tuple[str, str], _Good | None] = {}  # staged changes to _GOOD
    states: dict[str, TableState] = {}
    ahead = _read_ahead(cfg, today)
    # The communes registry goes first: the other tables are checked against its version in use.
    # Files being read ahead go last, so the small ones are checked meanwhile.
    for name in sorted(TABLES, key=lambda n: (n != "communes", n in ahead)):
        registry = _staged(goods, _store_key(cfg, "communes"))
        states[name] = _load_table(cfg, TABLES[name], today, registry, goods, ahead.get(name))
    meta, meta_problems, meta_entry = _load_meta(cfg)
    ordered = {name: states[name] for name in TABLES}
    dataset = matching.apply_groups(cfg, Dataset(ordered, meta, signature, meta_problems))  # groups_file
    return dataset, (goods, meta_entry)


def _commit(goods: dict, meta_entry: tuple | None) -> None:
    for store, good in goods.items():
        if good is None:
            _GOOD.pop(store, None)
        else:
            _GOOD[store] = good
    if meta_entry is not None:
        _META[meta_entry[0]] = meta_entry[1]


def _staged(goods: dict, store: tuple[str, str]) -> _Good | None:
    return goods[store] if store in goods else _GOOD.get(store)


def _copy(dataset: Dataset) -> Dataset:
    # Shallow copies: with copy-on-write a caller adding a column cannot change the shared version.
    tables = {n: replace(s, frame=s.frame.copy(deep=False)) for n, s in dataset.tables.items()}
    return replace(dataset, tables=tables, meta=dict(dataset.meta))


def _store_key(cfg: Config, name: str) -> tuple[str, str]:
    return (str(cfg.data_dir.resolve()), name)


def _load_table(
    cfg: Config, table: Table, today: date, registry: _Good | None, goods: dict, ahead: Future | None = None
) -> TableState:
    store = _store_key(cfg, table.name)
    path = find_file(cfg, table.name)
    if path is None:
        if not table.required:
            goods[store] = None  # an optional table that was removed is no longer shown
            return _state(table, None, (), None, None)
        missing = Problem(
            f"{table.name}.csv",
            f"Không tìm thấy tệp {table.name}.csv hoặc {table.name}.parquet trong thư mục dữ liệu "
            f"{cfg.data_dir} ({table.title_vi}).",
        )
        return _state(table, None, (missing,), None, _staged(goods, store))
    try:
        stat = path.stat()
        key = _parse_key(cfg, table, path, stat, today, registry)
        cached = _PARSED.get(store)
        if cached is not None and cached[0] == key:
            parsed = cached[1]
        else:
            read = ahead.result() if ahead is not None else None  # read on the second thread
            if read is None or read.path != path:
                read = _read_file(cfg, table, path, today)
            if read.raw is None:
                busy = Problem(
                    path.name, "Tệp đang được ghi (thay đổi trong lúc đọc); sẽ đọc lại ở lần làm mới sau."
                )
                return _state(table, path, (busy,), _mtime(path.stat()), _staged(goods, store))
            stat = read.stat
            parsed = _rules_safely(path.name, read.raw, registry)
            _PARSED[store] = (_parse_key(cfg, table, path, stat, today, registry), parsed)
    except OSError as exc:  # removed or locked between listing and reading
        unreadable = Problem(path.name, f"Không mở được tệp để đọc ({exc.strerror or exc}).")
        return _state(table, path, (unreadable,), None, _staged(goods, store))
    good = _staged(goods, store)
    version = (str(path), stat.st_mtime_ns, stat.st_size)
    if parsed.frame is not None and (good is None or good.version != version):
        good = _Good(parsed.frame, _mtime(stat), version, path.name)
        goods[store] = good
    return _state(table, path, parsed.problems, _mtime(stat), good)


def _parse_key(
    cfg: Config, table: Table, path: Path, stat: os.stat_result, today: date, registry: _Good | None
) -> tuple:
    checked_against = registry.version if (table.commune_column and registry) else None
    return (str(path), stat.st_mtime_ns, stat.st_size, today, repr(cfg), checked_against)


def _state(table: Table, path: Path | None, problems: tuple, file_mtime: datetime | None, good: _Good | None):
    # A shallow copy: with copy-on-write a caller adding a column cannot change the shared version.
    frame = good.frame.copy(deep=False) if good else empty_frame(table)
    return TableState(table.name, path, frame, problems, file_mtime, good.mtime if good else None)


def _mtime(stat: os.stat_result) -> datetime:
    return datetime.fromtimestamp(stat.st_mtime)


def _read_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _read_stable(path: Path) -> tuple[os.stat_result, bytes] | None:
    """The file's bytes, unless it changed while being read (twice): then None."""
    for _attempt in range(2):
        before = path.stat()
        data = _read_bytes(path)
        after = path.stat()
        same = (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size)
        if same and len(data) == after.st_size:
            return after, data
    return None


@dataclass(frozen=True)
class _Read:
    """A file read while it did not change, its cells typed and checked; the rules against the
    registry are still to run (or why the file is refused already)."""

    path: Path
    stat: os.stat_result | None  # None with raw None
    raw: _Typed | _Parsed | None  # None: the file changed while being read; _Parsed: refused already


def _read_file(cfg: Config, table: Table, path: Path, today: date) -> _Read:
    """The file read and its cells typed and checked (the registry-bound rules are left to the caller)."""
    read = _read_stable(path)  # OSError goes to the caller
    if read is None:
        return _Read(path, None, None)
    stat, data = read
    cells = _read_cells(cfg, table, path.name, data)
    if isinstance(cells, _Parsed):
        return _Read(path, stat, cells)
    try:
        return _Read(path, stat, _type_cells(cfg, table, path.name, cells, today))
    except Exception:
        return _Read(path, stat, _unexpected(path.name))


# A table file this big or bigger is read, and its cells typed and checked (_read_file), on a second
# thread while the smaller tables are checked: the readers release the GIL, so two cores share the work.
READ_AHEAD_BYTES = 1 << 20
_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-read")


def _read_ahead(cfg: Config, today: date) -> dict[str, Future]:
    """Table name → its file being read, for big files not read in this version yet."""
    ahead = {}
    for name, table in TABLES.items():
        path = find_file(cfg, name)
        if name == "communes" or path is None:  # the registry is read first anyway
            continue
        try:
            stat = path.stat()
        except OSError:
            continue  # the reading in turn says what is wrong
        cached = _PARSED.get(_store_key(cfg, name))
        known = cached is not None and cached[0][:3] == (str(path), stat.st_mtime_ns, stat.st_size)
        if stat.st_size >= READ_AHEAD_BYTES and not known:
            ahead[name] = _READER.submit(_read_file, cfg, table, path, today)
    return ahead


def empty_frame(table: Table) -> pd.DataFrame:
    """A frame with no rows and the contract's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=parsing.final_dtype(c, table.coded)) for c in table.columns})


# ---------------------------------------------------------------------------- checking one file


@dataclass(frozen=True)
class _Ctx:
    """One file being checked: its typed cells, which cells were blank, and where each row came from."""

    cfg: Config
    table: Table
    file: str
    frame: pd.DataFrame  # contract columns, nullable dtypes; missing where blank or bad
    blank: dict[str, pd.Series]  # contract column → cell left blank in the file
    headers: dict[str, str]  # contract column → header as written in the file
    rows: list[int]
    registry: _Good | None

    def has(self, *names: str) -> bool:
        return all(name in self.headers for name in names)

    def problem(self, pos: int, column: str | None, message: str) -> Problem:
        return Problem(self.file, message, row=self.rows[pos], column=self.headers.get(column or "", None))


def _unexpected(file: str) -> _Parsed:
    # A bug of ours must not take every page down: this file is refused and the error logged.
    logger.exception("Unexpected error while checking %s", file)
    message = "Lỗi không mong đợi khi kiểm tra tệp nên chưa dùng bản này; hãy báo cho người quản trị."
    return _Parsed(None, (Problem(file, message),))


def _read_cells(cfg: Config, table: Table, file: str, data: bytes) -> parsing.RawTable | _Parsed:
    """The file's cells, or (as a refused file) why it cannot be read as a table."""
    if not data:
        return _Parsed(
            None, (Problem(file, "Tệp rỗng (0 byte): không có dòng tiêu đề và dòng số liệu nào."),)
        )
    try:
        if file.endswith(".parquet"):
            return parsing.read_parquet_bytes(data)
        return parsing.read_csv_text(parsing.decode(data), _recognises(cfg, table))
    except parsing.FileError as exc:
        return _Parsed(None, (Problem(file, str(exc)),))
    except Exception:
        return _unexpected(file)


def _rules_safely(file: str, typed: _Typed | _Parsed, registry: _Good | None) -> _Parsed:
    if isinstance(typed, _Parsed):
        return typed  # refused before the table rules
    try:
        return _apply_rules(typed, registry)
    except Exception:
        return _unexpected(file)


@dataclass(frozen=True)
class _Typed:
    """A file's cells typed and checked cell by cell; the table rules (some of which need the
    registry in use) are still to run."""

    ctx: _Ctx
    problems: list[Problem]
    headers: list[str]  # as written in the file, to order the problems


def _type_cells(cfg: Config, table: Table, file: str, raw: parsing.RawTable, today: date) -> _Typed | _Parsed:
    """Headers, totals rows and every cell: what does not depend on the registry."""
    positions, problems = _match_headers(cfg, table, raw.headers, file)
    filled = [h for h in raw.headers if h]
    if problems and len(filled) <= 2 and len(raw.headers) > 2:  # a title line, and no header below it
        message = (
            f"Dòng 1 (“{' '.join(filled)}”) là dòng tên báo cáo, không phải dòng tên cột, và trong "
            f"{parsing.MAX_TITLE_ROWS} dòng đầu không có dòng tên cột nào đủ các cột bắt buộc; hãy để dòng "
            "tên cột ngay trên các dòng số liệu."
        )
        return _Parsed(None, (Problem(file, message, row=1),))
    problems += _personal_columns(table, raw.headers, positions, file)
    row_problems = [Problem(file, message, row=row) for row, message in raw.row_problems]
    if problems:  # with a wrong header the cells cannot be read meaningfully
        return _Parsed(None, _cap(problems + row_problems, file))
    raw, total_problems = _totals_rows(raw, file)
    problems = sorted(row_problems + total_problems, key=lambda p: p.row or 0)
    ctx, cell_problems = _typed(cfg, table, file, raw, positions, today)
    return _Typed(ctx, problems + cell_problems, raw.headers)


def _apply_rules(typed: _Typed, registry: _Good | None) -> _Parsed:
    """The table rules against the registry in use, then the values the contract lets be derived."""
    ctx = replace(typed.ctx, registry=registry)
    problems = list(typed.problems)
    for rule in [*_RULES.get(ctx.table.name, []), *_COMMON_RULES]:
        problems += rule(ctx)
    if problems:
        order = {header: i for i, header in enumerate(typed.headers)}
        problems.sort(key=lambda p: (p.row is not None, p.row or 0, order.get(p.column or "", -1)))
        return _Parsed(None, _cap(problems, ctx.file))
    frame = ctx.frame.copy(deep=False)  # _derive sets columns: the typed cells stay as they were
    _derive(replace(ctx, frame=frame))
    return _Parsed(_finalise(frame, ctx.table), ())


def _match_headers(cfg: Config, table: Table, headers: list[str], file: str):
    """Contract column → position in the file.

    A header is matched, in this order, to the configured header (setting ``columns``), the contract
    name, then the column's Vietnamese headers (schema ``Column.headers``) compared without
    diacritics, so "Mã xã", "Ma xa" and "MÃ XÃ" all name ``commune_code`` with no configuration.
    """
    renames = cfg.columns.get(table.name, {})
    index: dict[str, list[int]] = {}
    for pos, header in enumerate(headers):
        index.setdefault(parsing.norm_header(header), []).append(pos)
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    unmatched: list[Column] = []
    for col in table.columns:
        wanted = [renames[col.name], col.name] if col.name in renames else [col.name]
        found = next((index[n] for n in map(parsing.norm_header, wanted) if n in index), None)
        if found is None:
            unmatched.append(col)
            continue
        if len(found) > 1:
            header = headers[found[0]]
            message = f"Cột “{header}” xuất hiện {len(found)} lần; mỗi cột chỉ được có một lần."
            problems.append(Problem(file, message, column=header))
        positions[col.name] = found[0]
    taken = set(positions.values())
    keys = [parsing.header_key(h) if pos not in taken else None for pos, h in enumerate(headers)]
    for col in unmatched:
        aliases = {parsing.header_key(a) for a in col.headers}
        found = [pos for pos, key in enumerate(keys) if key and key in aliases]
        if len(found) == 1:
            positions[col.name] = found[0]
            keys[found[0]] = None
        elif len(found) > 1:
            listed = ", ".join(f"“{headers[pos]}”" for pos in found)
            setting = f"columns.{table.name}.{col.name}"
            message = (
                f"Không rõ cột nào là “{col.label_vi}” ({col.name}): các cột {listed} đều có thể là cột này; "
                f"hãy xóa hoặc đổi tên bớt một cột, hoặc ghi tên cột cần dùng vào thiết lập {setting}."
            )
            problems.append(Problem(file, message, column=headers[found[0]]))
            positions[col.name] = found[0]
        elif col.required:
            wanted = renames.get(col.name, col.name)
            listed = ", ".join(headers)
            message = f"Thiếu cột bắt buộc “{wanted}” ({col.label_vi}). Các cột có trong tệp: {listed}."
            problems.append(Problem(file, message))
    return positions, problems


def _recognises(cfg: Config, table: Table) -> Callable[[list[str]], bool]:
    """Whether a line is a header of ``table``: every required column found (title lines are not)."""
    required = [c.name for c in table.columns if c.required]

    def is_header(cells: list[str]) -> bool:
        positions, _problems = _match_headers(cfg, table, cells, "")
        return all(name in positions for name in required)

    return is_header


def _is_total(cell: str) -> bool:
    if cell.isascii() and not any(stem in cell.lower() for stem in _ASCII_STEMS):
        return False  # e.g. a date or an id: its key cannot hold a totals word (see _TOTAL_STEMS)
    key = parsing.header_key(cell)
    return key in TOTAL_WORDS or key.startswith("tong cong")


def _totals_rows(raw: parsing.RawTable, file: str) -> tuple[parsing.RawTable, list[Problem]]:
    """A "Tổng cộng" row is refused with a message naming it, and left out of the cell checks.

    It is not a unit's figures, so reading it as one would count everything twice; skipping it
    silently would hide that the file is not what the contract says. One line to delete is a clear
    fix. A totals word counts only among the row's first three filled cells (a label, not a name).
    """
    cells = raw.cells
    flagged = np.zeros(len(cells), dtype=bool)
    for col in cells.columns:
        values = cells[col]
        if parsing.is_typed(values):
            continue  # numbers, dates and yes/no: their text is never a totals word
        coded = isinstance(values.dtype, pd.CategoricalDtype)
        few = values.cat.categories if coded else values.unique() if len(values) < _SMALL else None
        if few is not None and len(few) < _SMALL:  # each distinct text in Python: quicker than pandas' set-up
            totals = {v for v in few.tolist() if v and len(v) <= 40 and _is_total(v)}  # list: quick to walk
            if totals:
                flagged |= values.isin(totals).to_numpy(dtype=bool)
        elif coded:  # once per distinct value
            codes, uniques = parsing.factorize(values)
            totals = _total_texts(pd.Series(uniques, dtype="str"))
            flagged |= np.append(totals, False)[codes]
        else:  # the quick test on every cell: ids are all distinct, counting them costs more
            flagged |= _total_texts(values)
    if not flagged.any():
        return raw, []
    problems, drop = [], []
    for pos in np.flatnonzero(flagged):
        filled = [c for c in parsing.row_texts(cells, int(pos)) if c][:3]
        label = next((c for c in filled if _is_total(c)), None)
        if label is None:
            continue
        row = raw.rows[pos]
        message = (
            f"Dòng {row} là dòng tổng cộng (“{label}”), không phải số liệu của một đơn vị; hãy xóa dòng "
            "này (bảng điều hành tự cộng các dòng)."
        )
        problems.append(Problem(file, message, row=row))
        drop.append(pos)
    keep = np.ones(len(cells), dtype=bool)
    keep[drop] = False
    rows = [r for r, k in zip(raw.rows, keep, strict=True) if k]
    return parsing.RawTable(raw.headers, cells[keep].reset_index(drop=True), rows, raw.row_problems), problems


_SMALL = 5_000  # rows: below this a column's distinct texts are looked at one by one
# Every totals word (TOTAL_WORDS, "tong cong…") holds one of these, so an ASCII cell without any is none.
_TOTAL_STEMS = ("tong", "cong", "total")
_ASCII_STEMS = ("ng", "tal")  # shorter, for one cell: "tong" and "cong" hold "ng", "total" holds "tal"


def _total_texts(texts: pd.Series) -> np.ndarray:
    """Which distinct cell texts are a totals word (:func:`_is_total`), testing few of them one by one.

    An ASCII text can only be one if it holds "tong", "cong" or "total" (its key keeps its letters
    in order), which is checked on all of them at once; ids and codes never get further.
    """
    found = np.zeros(len(texts), dtype=bool)
    if parsing.is_ascii(texts) and not parsing.may_contain(texts, _TOTAL_STEMS):
        return found  # e.g. a column of ids: one pass over its bytes
    ascii_ = texts.str.isascii().to_numpy(dtype=bool, na_value=False)
    short = (texts.str.len() <= 40).to_numpy(dtype=bool, na_value=False) & texts.ne("").to_numpy(dtype=bool)
    worded = texts.str.contains("|".join(_TOTAL_STEMS), case=False, regex=True)
    maybe = np.flatnonzero(short & (worded.to_numpy(dtype=bool, na_value=False) | ~ascii_))
    if len(maybe):
        candidates = texts.iloc[maybe]
        totals = {v for v in candidates.unique() if _is_total(v)}
        found[maybe] = candidates.isin(totals).to_numpy(dtype=bool)
    return found


def _personal_columns(
    table: Table, headers: list[str], positions: dict[str, int], file: str
) -> list[Problem]:
    """Tip-offs must never carry who reported them: such a file is refused whole."""
    if table.name != "tipoffs":
        return []
    used = set(positions.values())
    found = [h for pos, h in enumerate(headers) if pos not in used and parsing.header_key(h) in _FORBIDDEN]
    if not found:
        return []
    listed = ", ".join(f"“{h}”" for h in found)
    message = (
        f"Tệp tin báo có cột chứa thông tin cá nhân: {listed}. Danh tính người tố giác được pháp luật bảo vệ "
        "nên tệp bị từ chối; hãy xóa các cột này rồi lưu lại tệp."
    )
    return [Problem(file, message)]


def _typed(cfg, table, file, raw, positions, today) -> tuple[_Ctx, list[Problem]]:
    columns: dict[str, pd.Series] = {}
    blank: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    length = len(raw.rows)
    for col in table.columns:
        if col.name not in positions:
            columns[col.name] = parsing.default_column(col, length)
            continue
        pos = positions[col.name]
        cells = raw.cells[pos].reset_index(drop=True)
        allowed = [parsing.nfc(v).strip() for v in getattr(cfg, col.choices)] if col.choices else []
        parsed = parsing.parse_cells(cells, col, allowed, today, coded=table.coded)
        columns[col.name], errors = parsed.values, parsed.errors
        blank[col.name] = pd.Series(parsed.blank, copy=False)
        header = raw.headers[pos]
        problems += [Problem(file, message, row=raw.rows[i], column=header) for i, message in errors]
    headers = {name: raw.headers[pos] for name, pos in positions.items()}
    frame = pd.DataFrame(columns, copy=False)  # copy-on-write: nothing outside sees these columns
    ctx = _Ctx(cfg, table, file, frame, blank, headers, raw.rows, None)  # the registry comes with the rules
    return ctx, problems


def _cap(problems: list[Problem], file: str) -> tuple[Problem, ...]:
    if len(problems) <= MAX_PROBLEMS:
        return tuple(problems)
    more = Problem(file, f"… và {len(problems) - MAX_PROBLEMS} lỗi khác.")
    return (*problems[:MAX_PROBLEMS], more)


def _positions(mask: pd.Series) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))]


def _show(value: object) -> str:
    return f"{value:%d/%m/%Y}" if isinstance(value, pd.Timestamp) else str(value)


# ---------------------------------------------------------------------------- table rules


def _duplicate_keys(ctx: _Ctx) -> list[Problem]:
    key = list(ctx.table.key)
    if not ctx.has(*key):
        return []  # e.g. tip-offs without ids: aggregated counts have no key to repeat
    if len(key) == 1 and _strictly_increasing(ctx.frame[key[0]]):
        return []  # ids written in order: none can repeat, and no hashing of a million texts
    frame = ctx.frame[key]
    repeated = frame.duplicated(keep="first") & frame.notna().all(axis=1)
    if not repeated.any():
        return []
    group = frame.groupby(key, sort=False, dropna=False).ngroup()
    first = pd.Series(range(len(frame))).groupby(group.to_numpy()).transform("min").to_numpy()
    column = key[0] if len(key) == 1 else None
    problems = []
    for pos in _positions(repeated):
        shown = ", ".join(f"{ctx.headers[k]} = {_show(frame[k].iat[pos])}" for k in key)
        message = f"Trùng khóa ({shown}) với dòng {ctx.rows[first[pos]]}; mỗi khóa chỉ được có một dòng."
        problems.append(ctx.problem(pos, column, message))
    return problems


def _strictly_increasing(values: pd.Series) -> bool:
    """Every value greater than the one before (so all distinct), for text keys with none missing."""
    if not pd.api.types.is_string_dtype(values.dtype) or len(values) < 2 or values.isna().any():
        return False
    texts = pa.array(values)
    return bool(pc.all(pc.less(texts[:-1], texts[1:])).as_py())


def _unknown_communes(ctx: _Ctx) -> list[Problem]:
    name = ctx.table.commune_column
    if name is None or not ctx.has(name) or ctx.registry is None:
        return []  # without a valid registry there is nothing to check against; its own problems show
    codes = ctx.frame[name]
    unknown = codes.notna() & ~metrics.is_one_of(codes, list(ctx.registry.frame["commune_code"]))
    return [
        ctx.problem(pos, name, f"Mã xã “{codes.iat[pos]}” không có trong danh mục xã ({ctx.registry.file}).")
        for pos in _positions(unknown)
    ]


def _ratings_rules(ctx: _Ctx) -> list[Problem]:
    problems = []
    for group, label, _en in STANDARD_GROUPS:
        met, total = f"{group}_met", f"{group}_total"
        if not ctx.has(met, total):
            continue
        for pos in _positions(ctx.frame[met] > ctx.frame[total]):
            m, t = ctx.frame[met].iat[pos], ctx.frame[total].iat[pos]
            message = f"{label} đạt chuẩn ({m}) nhiều hơn tổng số {label.lower()} ({t})."
            problems.append(ctx.problem(pos, met, message))
    both_blank = ctx.blank["score"] & ctx.blank["rating"]
    message = "Phải có điểm hoặc xếp loại: cả hai ô đều bỏ trống."
    return problems + [ctx.problem(pos, "score", message) for pos in _positions(both_blank)]


def _tipoffs_rules(ctx: _Ctx) -> list[Problem]:
    received, resolved = ctx.frame["received_date"], ctx.frame["resolved_date"]
    problems = [
        ctx.problem(
            pos,
            "resolved_date",
            f"Ngày giải quyết ({_show(resolved.iat[pos])}) trước ngày tiếp nhận "
            f"({_show(received.iat[pos])}).",
        )
        for pos in _positions(resolved < received)
    ]
    handled = {parsing.nfc(s).strip().lower() for s in ctx.cfg.tipoff_handled_statuses}
    status = ctx.frame["status"]
    coded = isinstance(status.dtype, pd.CategoricalDtype)
    distinct = status.cat.categories if coded else status.dropna().unique()
    statuses = pd.Series(distinct, dtype="str")  # lower-cased once per status
    done = statuses[statuses.str.lower().isin(handled).to_numpy(dtype=bool)]
    without_date = metrics.is_one_of(status, list(done)) & ctx.blank["resolved_date"]
    for pos in _positions(without_date):
        message = f"Tình trạng “{status.iat[pos]}” là đã xử lý xong nên phải có ngày giải quyết."
        problems.append(ctx.problem(pos, "resolved_date", message))
    return problems


def _models_rules(ctx: _Ctx) -> list[Problem]:
    at_commune = ctx.frame["level"].str.lower().eq(COMMUNE_LEVEL.lower())
    message = f"Mô hình cấp “{COMMUNE_LEVEL}” phải có mã xã, nhưng ô mã xã đang bỏ trống."
    return [
        ctx.problem(pos, "commune_code", message)
        for pos in _positions(at_commune & ctx.blank["commune_code"])
    ]


def _communes_rules(ctx: _Ctx) -> list[Problem]:
    if not ctx.has("district_code", "district_name"):
        return []
    both = (ctx.frame["district_code"].notna() & ctx.frame["district_name"].notna()).to_numpy()
    codes, names = ctx.frame["district_code"].tolist(), ctx.frame["district_name"].tolist()  # lists: quick
    first: dict[str, int] = {}
    problems = []
    for pos in np.flatnonzero(both):
        code, name = codes[pos], names[pos]
        seen = first.setdefault(code, int(pos))
        if names[seen] != name:
            message = (
                f"Mã huyện “{code}” mang hai tên khác nhau: “{names[seen]}” ở dòng {ctx.rows[seen]} "
                f"và “{name}” ở dòng này."
            )
            problems.append(ctx.problem(int(pos), "district_name", message))
    return problems


_RULES: dict[str, list[Callable[[_Ctx], list[Problem]]]] = {
    "communes": [_communes_rules],
    "ratings": [_ratings_rules],
    "models": [_models_rules],
    "tipoffs": [_tipoffs_rules],
}
_COMMON_RULES: list[Callable[[_Ctx], list[Problem]]] = [_duplicate_keys, _unknown_communes]


def _derive(ctx: _Ctx) -> None:
    """Fill what the contract allows to be left out: a rating from its score, a model's district."""
    frame = ctx.frame
    if ctx.table.name == "communes" and ctx.has("district_code", "district_name"):
        _fill_districts(frame)
    if ctx.table.name == "ratings":
        todo = frame["rating"].isna() & frame["score"].notna()
        frame.loc[todo, "rating"] = frame.loc[todo, "score"].map(lambda s: rating_for(s, ctx.cfg))
    if ctx.table.name == "models" and ctx.registry is not None:
        registry = ctx.registry.frame.set_index("commune_code")["district_code"]
        derived = frame["commune_code"].map(registry).astype("str")
        frame["district_code"] = frame["district_code"].fillna(derived)


def _fill_districts(frame: pd.DataFrame) -> None:
    """A district cell left blank (Excel's merged cells) is filled only where the file itself says
    what it is: the name of a code given elsewhere, or the code of a name that has exactly one code.

    The contract already requires one name per code, so this never picks between two answers.
    """
    codes, names = frame["district_code"], frame["district_name"]
    both = codes.notna() & names.notna()
    name_of = dict(zip(codes[both], names[both], strict=True))
    per_name = pd.DataFrame({"c": codes[both], "n": names[both]}).drop_duplicates().groupby("n")["c"]
    code_of = {n: c.iloc[0] for n, c in per_name if len(c) == 1}
    frame["district_name"] = names.fillna(codes.map(name_of)).astype("str")
    frame["district_code"] = codes.fillna(names.map(code_of)).astype("str")


def rating_for(score: float, cfg: Config) -> str | None:
    """The rating a score earns under cfg.rating_thresholds; below every threshold, the lowest level."""
    thresholds = {parsing.nfc(level): value for level, value in cfg.rating_thresholds.items()}
    for level, minimum in sorted(thresholds.items(), key=lambda item: -item[1]):
        if score >= minimum:
            return level
    below = [parsing.nfc(level) for level in cfg.rating_levels if parsing.nfc(level) not in thresholds]
    return below[-1] if below else None


def _finalise(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    columns = {c.name: frame[c.name].astype(parsing.final_dtype(c, table.coded)) for c in table.columns}
    return pd.DataFrame(columns, copy=False)


# ---------------------------------------------------------------------------- dataset.json


def _load_meta(cfg: Config) -> tuple[dict, tuple[Problem, ...], tuple | None]:
    """dataset.json (sample label, as_of, province); when broken, the last valid version stays in use.

    The third value is the cache entry to store once the whole read is known to be one state.
    """
    path = cfg.data_dir / META_FILE
    entry = _stat_entry(path)
    if entry[1] is None:
        return {}, (), None
    cached = _META.get(str(path))
    if cached is not None and cached[0] == entry:
        return cached[1], cached[2], None
    meta, problem = _read_meta(path)
    last = cached[1] if cached else {}
    result = (last, (problem,)) if problem else (meta, ())
    return (*result, (str(path), (entry, *result)))


def _read_meta(path: Path) -> tuple[dict, Problem | None]:
    try:
        value = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return {}, Problem(META_FILE, "Không đọc được tệp dưới dạng văn bản UTF-8.")
    except json.JSONDecodeError as exc:
        return {}, Problem(
            META_FILE, f"Tệp không phải JSON hợp lệ: lỗi ở dòng {exc.lineno}, cột {exc.colno}."
        )
    if not isinstance(value, dict):
        return {}, Problem(META_FILE, 'Tệp phải chứa một đối tượng JSON dạng {"khóa": giá trị, …}.')
    as_of = value.get("as_of")
    if as_of is not None:
        try:
            datetime.fromisoformat(str(as_of))
        except ValueError:
            message = f"Giá trị “{as_of}” của “as_of” phải là ngày dạng yyyy-mm-dd."
            return {}, Problem(META_FILE, message, column="as_of")
    return value, None
