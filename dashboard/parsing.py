"""File bytes → a table of strings → typed columns, with a Vietnamese message for each bad cell."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from dashboard.schema import FALSE_WORDS, TRUE_WORDS, Column

# Dtypes while checking (nullable, so a failed cell is simply missing) and in the frames handed out.
CHECK_DTYPES = {
    "code": "str", "text": "str", "choice": "str", "int": "Int64", "year": "Int64",
    "float": "Float64", "date": "datetime64[ns]", "bool": "boolean",
}  # fmt: skip
FINAL_DTYPES = {**CHECK_DTYPES, "float": "float64", "bool": "bool", "year": "int64"}
CODED_KINDS = ("code", "choice")  # kept as categories in a ``Table.coded`` table


def final_dtype(col: Column, coded: bool = False) -> str:
    """The dtype of ``col`` in the frames handed out (see ``Table.coded``)."""
    return "category" if coded and col.kind in CODED_KINDS else FINAL_DTYPES[col.kind]


_DELIMITER_NAMES = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "dấu tab"}
_UTF8_BOM = b"\xef\xbb\xbf"


class CellError(ValueError):
    """A cell that does not fit its column; the text is the message the user sees."""


class FileError(ValueError):
    """A file that cannot be read as a table at all; the text is the message the user sees."""


@dataclass(frozen=True)
class RawTable:
    """A file read as text: its headers as written and one str column per header position."""

    headers: list[str]
    cells: pd.DataFrame  # columns 0..n-1, every cell a stripped str ("" when blank)
    rows: list[int]  # spreadsheet row of each record (header = 1)
    row_problems: list[tuple[int, str]]  # malformed records, left out of ``cells``


def nfc(text: str) -> str:
    """Unicode NFC: cp1258 files and some Mac tools write tone marks as combining characters."""
    return unicodedata.normalize("NFC", text)


def norm_header(header: str) -> str:
    """A header compared loosely: NFC, no BOM, lower case, spaces and underscores alike."""
    return re.sub(r"[\s_]+", " ", nfc(header).replace("\ufeff", "")).strip().lower()


def header_key(header: str) -> str:
    """A Vietnamese header compared without diacritics: "MÃ XÃ", "Mã xã (*)", "ma_xa" → "ma xa".

    What is in brackets is dropped (units, footnote marks), đ counts as d, punctuation as a space.
    """
    text = re.sub(r"\([^)]*\)", " ", norm_header(header))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.replace("đ", "d")
    return re.sub(r"[\W_]+", " ", text).strip()


def lower_first(text: str) -> str:
    """'Xếp loại' → 'xếp loại', for labels used inside a sentence."""
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------------------- files → strings


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM (Excel's "Unicode Text"), else cp1258; NFC either way."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return nfc(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise FileError(
                "Tệp ghi mã UTF-16 nhưng bị hỏng hoặc bị cắt cụt; hãy lưu lại tệp dạng CSV UTF-8."
            ) from None
    if data[:4] == b"PK\x03\x04":
        raise FileError(
            "Tệp là bảng tính Excel (.xlsx) bị đặt đuôi .csv; hãy mở trong Excel và lưu lại "
            "dạng “CSV UTF-8 (Comma delimited)”."
        )
    if b"\x00" in data[:65536]:
        raise FileError(
            "Tệp có ký tự nhị phân, không phải tệp CSV dạng văn bản; hãy xuất lại tệp dạng CSV UTF-8."
        )
    try:
        text = data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            raise FileError(
                "Không đọc được tệp dưới dạng văn bản: không phải mã UTF-8 cũng không phải Windows-1258; "
                "hãy lưu lại tệp dạng CSV UTF-8."
            ) from None
    return nfc(text)


def sniff_delimiter(text: str) -> str:
    """Which of , ; tab splits the first lines into the most cells (Vietnamese Excel writes ;).

    Several lines, not only the first: a report exported from Excel may open with a title line.
    """
    # As text.split("\n", MAX_TITLE_ROWS + 1)[: MAX_TITLE_ROWS + 1] (its last piece: the rest of the
    # text), without copying a large file.
    starts = [0]
    for _ in range(MAX_TITLE_ROWS):
        end = text.find("\n", starts[-1])
        if end < 0:
            break
        starts.append(end + 1)
    pieces = [(a, b - 1) for a, b in itertools.pairwise(starts)] + [(starts[-1], len(text))]
    return max((",", ";", "\t"), key=lambda d: max(text.count(d, a, b) for a, b in pieces))


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str):
    """The lines io.StringIO(text, newline="") yields (ends kept), without copying the text."""
    for match in _LINE_RE.finditer(text):
        yield match.group()


# A report exported from Excel may open with its title ("BÁO CÁO … NĂM 2025"), a date line and a blank
# line above the real header; the header is looked for this far down.
MAX_TITLE_ROWS = 10


def _title_rows(reader, is_header: Callable[[list[str]], bool] | None) -> tuple[list[str], int]:
    """The header record and its spreadsheet row, skipping title lines above a recognisable header.

    Lines are skipped only when a later line within the first rows is a header the table recognises
    and every line before it holds at most two filled cells (a title, a date), so real data is never
    taken for a title.
    """
    first = [h.strip() for h in next(reader)]
    if is_header is None or is_header(first):
        return first, 1
    seen = [first]
    for _ in range(MAX_TITLE_ROWS - 1):
        try:
            record = [h.strip() for h in next(reader)]
        except StopIteration:
            break
        if is_header(record) and all(sum(1 for c in r if c) <= 2 for r in seen):
            return record, len(seen) + 1
        seen.append(record)
    raise _NotFound


class _NotFound(Exception):
    """No line below the first is a recognisable header: read the file from line 1 as usual."""


def read_csv_text(text: str, is_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    """Split CSV text into records, keeping spreadsheet row numbers and noting malformed records.

    ``is_header`` tells a header line the table recognises, so title lines above it can be skipped.
    """
    if not text or text.isspace():
        raise FileError("Tệp rỗng: không có dòng tiêu đề và không có dòng số liệu nào.")
    delimiter = sniff_delimiter(text)

    def open_reader():
        return csv.reader(_lines(text), delimiter=delimiter, strict=True)

    reader = open_reader()
    try:
        try:
            headers, row = _title_rows(reader, is_header)
        except _NotFound:
            reader = open_reader()
            headers, row = _title_rows(reader, None)
    except csv.Error as exc:
        raise FileError(f"Dòng tiêu đề: {lower_first(_quote_message(str(exc)))}") from None
    width = len(headers)
    if '"' not in text and "\x00" not in text:  # no quoting: every line is one record
        plain = _plain_records(text, reader.line_num, width, delimiter, row)
        if plain is not None:
            cells, rows, problems = plain
            if not rows and not problems:
                raise FileError("Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")
            return RawTable(headers, cells.apply(strip_cells), rows, problems)
    records: list[list[str]] = []
    rows: list[int] = []
    problems: list[tuple[int, str]] = []
    while True:
        row += 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((row, _quote_message(str(exc))))
            break
        if not any(cell.strip() for cell in record):
            continue  # blank line, or a row of empty cells Excel leaves behind
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            record = record[:width]  # trailing empty cells
        if len(record) != width:
            problems.append((row, _width_message(len(record), width, delimiter)))
            continue
        records.append(record)
        rows.append(row)
    if not records and not problems:
        raise FileError("Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.")
    cells = pd.DataFrame(records, columns=range(width), dtype="str") if records else _no_cells(width)
    cells = cells.apply(lambda col: col.str.strip())
    return RawTable(headers, cells, rows, problems)


# The characters str.isspace() is true for (tests/test_parsing_fast.py checks the list).
PY_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_FIELD_LIMIT = 131072  # csv.field_size_limit(): a longer field is a csv.Error, left to csv.reader


def _re2_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


def _plain_records(
    text: str, skip_lines: int, width: int, delimiter: str, header_row: int
) -> tuple[pd.DataFrame, list[int], list[tuple[int, str]]] | None:
    """What the csv.reader loop of :func:`read_csv_text` gives, for text without quotes in which
    every line has the header's width: pyarrow's multi-threaded reader, then the same blank-row rule.

    None for anything else (a line of another width, an empty line, a field longer than csv.reader
    takes): the loop handles those, with its messages.
    """
    irregular = []

    def invalid(_row) -> str:
        irregular.append(True)
        return "skip"

    names = [f"c{j}" for j in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(skip_rows=skip_lines, column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if irregular or table.num_rows == 0:
        return None
    for col in table.columns:  # bytes ≥ characters: count characters only when bytes are many
        too_long = (pc.max(pc.binary_length(col)).as_py() or 0) > _FIELD_LIMIT
        if too_long and (pc.max(pc.utf8_length(col)).as_py() or 0) > _FIELD_LIMIT:
            return None
    columns = [pc.fill_null(col, "") for col in table.columns]  # an empty line: a row of nothing
    cells = pd.DataFrame({j: _column(col) for j, col in enumerate(columns)}, copy=False)
    # A row whose cells are all blank is skipped (Excel leaves rows of empty cells); only rows whose
    # first cell is blank can be one, and those are looked at in Python.
    space = f"^{_re2_class(PY_SPACES)}*$"
    first_blank = pc.match_substring_regex(columns[0], space).to_numpy(zero_copy_only=False)
    keep = np.ones(len(cells), dtype=bool)
    for pos in np.flatnonzero(first_blank):
        keep[pos] = any(cell.strip() for cell in cells.iloc[pos].tolist())
    if keep.all():
        return cells, range(header_row + 1, header_row + 1 + len(cells)), []
    rows = (np.flatnonzero(keep) + header_row + 1).tolist()
    return cells[keep].reset_index(drop=True), rows, []


def _column(values: pa.ChunkedArray) -> pd.Series:
    """A column of text; one with few distinct values (judged on its start) is coded, so that every
    check after this runs once per distinct value (see strip_cells, factorize)."""
    sample = values.slice(0, 10_000).combine_chunks()
    if len(values) > 20_000 and len(pc.unique(sample)) <= 1_000:
        return pd.Series(values.combine_chunks().dictionary_encode().to_pandas())
    return pd.Series(values, dtype="str")


def strip_cells(cells: pd.Series) -> pd.Series:
    """Cells without spaces around them; a coded column is stripped once per distinct value."""
    if not isinstance(cells.dtype, pd.CategoricalDtype):
        return cells.str.strip()
    stripped = pd.Series(cells.cat.categories, dtype="str").str.strip()
    remap, categories = pd.factorize(stripped)
    codes = cells.cat.codes.to_numpy()
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=categories.astype("str")))


def _no_cells(width: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series(dtype="str") for i in range(width)})


def _quote_message(detail: str) -> str:
    if "unexpected end of data" in detail:
        return (
            "Dấu ngoặc kép mở ở dòng này không được đóng, nên phần còn lại của tệp bị dồn vào một ô; "
            "hãy thêm dấu ngoặc kép đóng."
        )
    return "Dòng bị lỗi dấu ngoặc kép: sau dấu ngoặc kép đóng phải là dấu phân cách hoặc hết dòng."


def _width_message(found: int, width: int, delimiter: str) -> str:
    if found < width:
        return f"Dòng có {found} ô nhưng dòng tiêu đề có {width} cột: dòng bị thiếu ô hoặc bị cắt cụt."
    name = _DELIMITER_NAMES[delimiter]
    return (
        f"Dòng có {found} ô nhưng dòng tiêu đề có {width} cột: thừa {name} "
        f"(một ô có chứa {name} thì phải đặt trong dấu ngoặc kép)."
    )


def read_parquet_bytes(data: bytes) -> RawTable:
    """A Parquet file's columns, each checked by the same rules as a CSV column.

    Text columns become the text a CSV would hold (NFC, stripped, '' when missing); typed columns
    (timestamps, numbers, yes/no) stay typed: :func:`parse_cells` reads them as they are and turns a
    value into text only to report it.
    """
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        # ParquetFile, not pd.read_parquet: the same frame without pyarrow's dataset layer (whose
        # first use in a process costs more than reading a million rows).
        file = pq.ParquetFile(io.BytesIO(data), read_dictionary=_dictionary_columns(meta))
        # Dates as datetime64, not one Python date object per cell (a million of them for a year
        # of tip-offs): the checks then read them as the typed column they are.
        frame = file.read().to_pandas(date_as_object=False)
    except Exception as exc:  # pyarrow raises many types for a damaged file; all mean the same to a user
        raise FileError(f"Không đọc được tệp Parquet: tệp hỏng hoặc không phải Parquet ({exc}).") from None
    if frame.empty:
        raise FileError("Tệp không có dòng số liệu nào.")
    cells = pd.DataFrame({i: _parquet_column(frame.iloc[:, i]) for i in range(frame.shape[1])}, copy=False)
    rows = range(2, len(frame) + 2)  # record + 1, as if the header were row 1
    return RawTable([str(c).strip() for c in frame.columns], cells, rows, [])


def _dictionary_columns(meta: pq.FileMetaData) -> list[str]:
    """Text columns the file stores as a small dictionary of values plus codes.

    Read that way they arrive as codes (no text to decode per row) and every check runs once per
    distinct value; a column of distinct ids, where the writer gave up its dictionary, is read as
    plain text.
    """
    schema = meta.schema.to_arrow_schema()
    names = []
    for j, field in enumerate(schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        chunks = [meta.row_group(g).column(j) for g in range(meta.num_row_groups)]
        small = all(
            c.has_dictionary_page
            and c.dictionary_page_offset is not None
            and 16 * (c.data_page_offset - c.dictionary_page_offset) <= c.total_compressed_size
            for c in chunks
        )
        if small and chunks:
            names.append(field.name)
    return names


def _parquet_column(values: pd.Series) -> pd.Series:
    values = values.reset_index(drop=True)
    if is_typed(values):
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        if pd.api.types.is_string_dtype(values.cat.categories.dtype):
            return _clean_categories(values)
    elif pd.api.types.is_string_dtype(values.dtype):
        try:
            return _clean_text(pa.chunked_array(pa.array(values, from_pandas=True)))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # an object column of mixed values: the general way below
    return _strings(values)


def is_typed(values: pd.Series) -> bool:
    """Numbers, booleans and timestamps, which the column checks read without going through text."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return False
    return (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    )


# What Python's str.strip() removes from ASCII text.
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _clean_text(values: pa.ChunkedArray) -> pd.Series:
    """Parquet text as a CSV cell holds it: NFC, stripped, '' when missing.

    ASCII with nothing to strip is already that (checked on the whole column at once); the rest is
    fixed once per distinct value.
    """
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())
    if _plain_ascii(values):  # ids and codes as a program writes them: one look at the bytes
        return pd.Series(values, dtype="str")
    values = pc.fill_null(values, "")
    stripped = pc.ascii_trim(values, characters=_ASCII_SPACE)
    plain = pc.and_(pc.string_is_ascii(values), pc.equal(stripped, values))
    if pc.all(plain).as_py():
        return pd.Series(values, dtype="str")
    encoded = values.combine_chunks().dictionary_encode()
    fixed = pa.array([nfc(v).strip() for v in encoded.dictionary.to_pylist()], type=encoded.dictionary.type)
    return pd.Series(fixed.take(encoded.indices), dtype="str")


def _plain_ascii(values: pa.ChunkedArray) -> bool:
    """No cell missing, every byte ASCII, and no cell starting or ending with a space or a control
    character: a CSV cell as is (False only means "clean it the long way").

    Looks at the bytes and at each cell's first and last byte, not at each cell as a string.
    """
    for chunk in values.chunks:
        if chunk.null_count:
            return False
        if not len(chunk):
            continue
        ends, text = _cell_bytes(chunk)
        if ends[-1] > ends[0] and text[ends[0] : ends[-1]].max() >= 0x80:
            return False
        starts, stops = ends[:-1], ends[1:]
        filled = stops > starts
        if not filled.all():
            starts, stops = starts[filled], stops[filled]
        # Every space str.strip() removes from ASCII is a byte ≤ 0x20: a cell whose first and last
        # bytes are above that has nothing to strip (one gather each, no look-up table).
        if len(starts) and min(text[starts].min(), text[stops - 1].min()) <= 0x20:
            return False
    return True


def _clean_categories(values: pd.Series) -> pd.Series:
    """Dictionary-coded Parquet text, cleaned once per distinct value; stays coded ('' when missing)."""
    categories = values.cat.categories
    texts = [*_clean_text(pa.chunked_array([pa.array(categories)])).tolist(), ""]
    codes = values.cat.codes.to_numpy()
    if texts[:-1] == list(categories):
        if (codes >= 0).all():
            return values  # already clean, nothing missing (a blank written as '' is a category)
        if "" in categories:  # clean, some missing: missing is the '' already there
            empty, new_texts = texts.index(""), texts[:-1]
        else:  # missing becomes a new category ''
            empty, new_texts = len(categories), texts
        # No remapping of every code; only a new code that does not fit int8/int16 widens them.
        if empty > np.iinfo(codes.dtype).max:
            codes = codes.astype(np.int32)
        codes = np.where(codes < 0, np.array(empty, dtype=codes.dtype), codes)
        clean = pd.Categorical.from_codes(codes, categories=pd.Index(new_texts, dtype="str"), validate=False)
        return pd.Series(clean)
    remap, categories = pd.factorize(np.array(texts, dtype=object))
    codes = np.where(codes < 0, len(texts) - 1, codes)
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=categories.astype("str")))


def may_contain(texts: pd.Series, words: Sequence[str]) -> bool:
    """Whether any cell may hold one of the ASCII ``words`` in any case (False: surely none does).

    One search through the column's bytes, not one per cell; a match across two cells is possible,
    so True only means "look closer".
    """
    chunks = _text_bytes(texts)
    if chunks is None:
        return True
    wanted = [word.lower().encode() for word in words]
    for data in chunks:
        text = data.tobytes()
        # A word whose letters are not all in the column (in either case) is in no cell: a few
        # byte searches spare lower-casing the whole column (ids made of digits stop here).
        possible = [w for w in wanted if all(_has_letter(text, letter) for letter in set(w))]
        if possible and any(word in text.lower() for word in possible):
            return True
    return False


def _has_letter(text: bytes, letter: int) -> bool:
    one = bytes([letter])
    return one in text or one.upper() in text


def is_ascii(texts: pd.Series) -> bool:
    """Whether every cell is ASCII text: one look at the column's bytes (False: not text, or not ASCII)."""
    chunks = _text_bytes(texts)
    return chunks is not None and all(not len(data) or int(data.max()) < 0x80 for data in chunks)


def _text_bytes(texts: pd.Series) -> list[np.ndarray] | None:
    """Every cell's UTF-8 bytes back to back, per Arrow chunk, without a copy; None if not text."""
    if not pd.api.types.is_string_dtype(texts.dtype):
        return None
    if not len(texts):
        return []
    arr = pa.array(texts)
    found = []
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return None
        if len(chunk):
            ends, text = _cell_bytes(chunk)
            found.append(text[int(ends[0]) : int(ends[-1])])
    return found


def _cell_bytes(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string chunk's cell boundaries (len + 1 offsets) and its bytes buffer, both without a copy."""
    _validity, offsets, data = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    ends = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    text = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return ends, text


def factorize(cells: pd.Series) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    """Codes into the distinct values (-1 where missing); free for dictionary-coded columns."""
    if isinstance(cells.dtype, pd.CategoricalDtype):  # codes kept small (int8 for ≤ 127 values)
        return cells.cat.codes.to_numpy(), cells.cat.categories
    return pd.factorize(cells, use_na_sentinel=True)


def _strings(values: pd.Series) -> pd.Series:
    """Any other Parquet column as the text a CSV would hold (dates ISO, missing → '')."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([nfc(_to_text(v)).strip() for v in uniques] + [""], dtype=object)
    return pd.Series(texts[codes], dtype="str")


def _to_text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------- strings → values

_INT_RE = re.compile(r"[+-]?\d+(?:[.,]0+)?")  # "1234" or Excel's "1234.0"
_THOUSANDS_RE = re.compile(r"[+-]?\d{1,3}([.,])\d{3}(?:\1\d{3})*")  # "1.234": 1234 or 1,234?
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_SERIAL_RE = re.compile(r"(\d{5})(?:[.,]0+)?")  # Excel's day number, e.g. 45292 (= 01/01/2024)
# Excel's 1900 date system counts days from 30/12/1899 (its day 60 is the 29/02/1900 that never was,
# so this base is right for every serial after 1900). Serials before 1990 are not this data's dates.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_FROM = date(1990, 1, 1)
_BOOL_HINT = "Có hoặc Không (cũng nhận Đạt/Không đạt, x, 1/0)"


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _check_range(number: float, raw: str, col: Column, noun: str = "Giá trị") -> None:
    if col.minimum is not None and number < col.minimum:
        raise CellError(f"{noun} “{raw}” nhỏ hơn mức tối thiểu cho phép là {_number_text(col.minimum)}.")
    if col.maximum is not None and number > col.maximum:
        raise CellError(f"{noun} “{raw}” lớn hơn mức tối đa cho phép là {_number_text(col.maximum)}.")


def parse_code(raw: str, col: Column) -> str:
    """Digits only; leading zeros Excel dropped are put back (2701 → 02701)."""
    text = re.sub(r"\.0+$", "", raw) if re.fullmatch(r"\d+\.0+", raw) else raw
    example = "0" * ((col.digits or 5) - 1) + "1"
    if not re.fullmatch(r"[0-9]+", text):
        raise CellError(f"Mã “{raw}” chỉ được gồm chữ số (ví dụ {example}).")
    if col.digits is None:
        return text
    if len(text) > col.digits:
        raise CellError(f"Mã “{raw}” có {len(text)} chữ số, nhiều hơn {col.digits} chữ số quy định.")
    return text.zfill(col.digits)


def parse_int(raw: str, col: Column, noun: str = "Giá trị") -> int:
    """Plain integers and "1234.0"; "1.234" is refused as it may mean 1234 or 1,234."""
    if _THOUSANDS_RE.fullmatch(raw):
        raise CellError(
            f"Số “{raw}” không rõ nghĩa: dấu chấm hay dấu phẩy có thể là phân cách hàng nghìn hoặc phần "
            "thập phân; hãy ghi số nguyên không có dấu phân cách (ví dụ 1234)."
        )
    if _INT_RE.fullmatch(raw):
        number = int(re.split(r"[.,]", raw)[0])
        _check_range(number, raw, col, noun)
        return number
    if _NUMBER_RE.fullmatch(raw):
        raise CellError(f"Số “{raw}” phải là số nguyên, không có phần lẻ.")
    raise CellError(f"“{raw}” không phải là số; cột này cần một số nguyên (ví dụ 12).")


def parse_float(raw: str, col: Column) -> float:
    """85,5 (Vietnamese decimal comma) or 85.5."""
    if not _NUMBER_RE.fullmatch(raw):
        raise CellError(f"“{raw}” không phải là số; hãy ghi số dạng 85,5 hoặc 85.5.")
    number = float(raw.replace(",", "."))
    _check_range(number, raw, col)
    return number


def parse_year(raw: str, col: Column) -> int:
    """A four-digit year inside the column's range."""
    if not _INT_RE.fullmatch(raw) or _THOUSANDS_RE.fullmatch(raw):
        raise CellError(f"“{raw}” không phải là năm; hãy ghi năm bằng bốn chữ số (ví dụ 2024).")
    number = int(re.split(r"[.,]", raw)[0])
    low, high = col.minimum or 0, col.maximum or 9999
    if not low <= number <= high:
        low, high = _number_text(low), _number_text(high)
        raise CellError(f"Năm “{raw}” nằm ngoài khoảng cho phép {low}–{high}.")
    return number


def parse_date(raw: str, today: date) -> pd.Timestamp:
    """yyyy-mm-dd, dd/mm/yyyy (also d/m/yyyy) or an Excel serial day number; never after today."""
    if match := _SERIAL_RE.fullmatch(raw):
        value = _EXCEL_EPOCH + timedelta(days=int(match.group(1)))
        if value < _SERIAL_FROM:
            raise CellError(
                f"“{raw}” không phải là ngày: nếu là số ngày kiểu Excel thì đó là {value:%d/%m/%Y}, "
                f"trước năm {_SERIAL_FROM.year}; hãy định dạng ô là ngày (19/08/2024)."
            )
        if value > today:
            raise CellError(
                f"Số “{raw}” là ngày {value:%d/%m/%Y} theo cách Excel đếm ngày, là ngày trong tương lai "
                f"(hôm nay là {today:%d/%m/%Y})."
            )
        return pd.Timestamp(value)
    if match := _ISO_RE.fullmatch(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY_RE.fullmatch(raw):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(
            f"Ngày “{raw}” không đúng dạng; hãy ghi năm-tháng-ngày (2024-08-19) "
            "hoặc ngày/tháng/năm (19/08/2024)."
        )
    try:
        value = date(year, month, day)
    except ValueError:
        raise CellError(f"Ngày “{raw}” không có thật trên lịch.") from None
    if value > today:
        raise CellError(f"Ngày “{raw}” là ngày trong tương lai (hôm nay là {today:%d/%m/%Y}).")
    return pd.Timestamp(value)


def parse_bool(raw: str) -> bool:
    """Có/Không, Đạt/Không đạt, x, 1/0, true/false (schema.TRUE_WORDS / FALSE_WORDS)."""
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"“{raw}” không phải giá trị có/không; hãy ghi {_BOOL_HINT}.")


def parse_choice(raw: str, col: Column, allowed: Sequence[str]) -> str:
    """One of the configured values, matched without regard to case; the configured spelling is kept."""
    if not allowed:
        return raw
    canonical = {re.sub(r"\s+", " ", v).lower(): v for v in allowed}
    found = canonical.get(re.sub(r"\s+", " ", raw).lower())
    if found is None:
        listed = ", ".join(allowed)
        raise CellError(f"Giá trị “{raw}” không có trong danh sách {lower_first(col.label_vi)} ({listed}).")
    return found


def cell_parser(col: Column, allowed: Sequence[str], today: date) -> Callable[[str], object]:
    """The parser for one column's non-blank cells."""
    parsers: dict[str, Callable[[str], object]] = {
        "code": lambda raw: parse_code(raw, col),
        "text": lambda raw: raw,
        "int": lambda raw: parse_int(raw, col),
        "float": lambda raw: parse_float(raw, col),
        "date": lambda raw: parse_date(raw, today),
        "bool": parse_bool,
        "choice": lambda raw: parse_choice(raw, col, allowed),
        "year": lambda raw: parse_year(raw, col),
    }
    return parsers[col.kind]


@dataclass(frozen=True)
class ParsedColumn:
    """One column checked: typed values, which cells were blank, and (position, message) per bad cell."""

    values: pd.Series  # CHECK_DTYPES; missing where blank or bad
    blank: np.ndarray  # bool per cell
    errors: list[tuple[int, str]]


def parse_column(
    cells: pd.Series, col: Column, allowed: Sequence[str], today: date
) -> tuple[pd.Series, list[tuple[int, str]]]:
    """Typed values (missing where blank or bad) and (position, message) for each bad cell."""
    parsed = parse_cells(cells, col, allowed, today)
    return parsed.values, parsed.errors


def parse_cells(
    cells: pd.Series, col: Column, allowed: Sequence[str], today: date, coded: bool = False
) -> ParsedColumn:
    """A whole column at once: each distinct value is checked once, by vectorised rules first.

    The fast rules (:func:`fast_values`) accept only what the per-cell parser accepts, with the same
    value; whatever they do not accept goes through the per-cell parser, whose message the user
    sees. ``cells`` is text ('' when blank) or a typed Parquet column (missing when blank).
    ``coded``: codes and choices come back as categories (see ``Table.coded``), same values.
    """
    if len(cells) < SMALL_ROWS and col.kind != "text":
        return _parse_few(cells, col, allowed, today, coded)
    if col.kind == "text":  # nothing to convert, and ids are all distinct: no per-value work
        texts = cells if not is_typed(cells) else _strings(cells)
        blank = texts.eq("").to_numpy(dtype=bool)
        values = (texts.where(~blank) if blank.any() else texts).astype("str")
        return ParsedColumn(values, blank, _blank_errors(blank, col))
    codes, uniques = factorize(cells)
    texts = _unique_texts(cells, uniques)
    blank_u = texts.eq("").to_numpy(dtype=bool)
    if len(texts) < FAST_FROM:  # a few values: the per-cell parser is quicker than setting up pandas
        values_u, ok = None, np.zeros(len(texts), dtype=bool)
    elif is_typed(cells) and col.kind == "date" and pd.api.types.is_datetime64_any_dtype(cells.dtype):
        values_u, ok = _fast_timestamps(pd.Series(uniques), today)
    else:
        values_u, ok = fast_values(texts, col, allowed, today)
    values_u, messages = _fall_back(values_u, ok | blank_u, texts, col, allowed, today)
    values_u = values_u.where(~blank_u)  # a blank cell is missing, whatever the rules say of ''
    if coded and col.kind in CODED_KINDS:
        values = _categories(values_u, codes)
    elif values_u.dtype == "datetime64[ns]":  # dates: one NumPy look-up per row, NaT for code -1
        table = np.append(values_u.to_numpy(), np.datetime64("NaT", "ns"))
        values = pd.Series(table[codes], copy=False)
    else:
        values = pd.Series(values_u.array.take(codes, allow_fill=True))
    if blank_u.any() or (len(codes) and codes.min() < 0):
        blank = np.append(blank_u, True)[codes]  # code -1: missing in a typed column
    else:  # nothing blank: no look-up per row
        blank = np.zeros(len(codes), dtype=bool)
    blank_means_default = col.kind == "bool" and col.default is not None
    if blank_means_default:  # e.g. "exemplary": a blank cell is the column's default, not an error
        values = values.where(~blank, col.default).astype(CHECK_DTYPES[col.kind])
    errors: list[tuple[int, str]] = []
    if messages:
        bad_u = np.zeros(len(texts) + 1, dtype=bool)
        bad_u[list(messages)] = True
        errors = [(int(pos), messages[codes[pos]]) for pos in np.flatnonzero(bad_u[codes])]
    if not blank_means_default:  # a blank "meets the standard" is not a "no": say so
        errors += _blank_errors(blank, col)
    return ParsedColumn(values, blank, errors)


# Below this many rows a column is checked cell by cell in Python: pandas' set-up per operation
# costs more than the cells (a registry of 150 communes, a year of ratings).
SMALL_ROWS = 2_000


def _parse_few(
    cells: pd.Series, col: Column, allowed: Sequence[str], today: date, coded: bool
) -> ParsedColumn:
    """:func:`parse_cells` for a short column: the per-cell parser once per distinct text, no pandas
    until the values are built (same values, blanks and messages as the column-wide way)."""
    parse = cell_parser(col, allowed, today)
    seen: dict[str, tuple[bool, object]] = {}
    values: list[object] = []
    blank = np.zeros(len(cells), dtype=bool)
    errors: list[tuple[int, str]] = []
    for pos, cell in enumerate(cells.tolist()):
        text = cell if isinstance(cell, str) else nfc(_to_text(cell)).strip()
        if not text:
            blank[pos] = True
            values.append(None)
            continue
        if text not in seen:
            try:
                seen[text] = (True, parse(text))
            except CellError as exc:
                seen[text] = (False, str(exc))
        ok, value = seen[text]
        values.append(value if ok else None)
        if not ok:
            errors.append((pos, value))
    if col.kind == "bool" and col.default is not None:  # a blank cell is the column's default
        values = [col.default if b else v for v, b in zip(values, blank, strict=True)]
    else:
        errors += _blank_errors(blank, col)
    if coded and col.kind in CODED_KINDS:  # categories in order of first appearance, as _categories
        order = pd.Index(list(dict.fromkeys(v for v in values if v is not None)), dtype="str")
        return ParsedColumn(pd.Series(pd.Categorical(values, categories=order)), blank, errors)
    return ParsedColumn(pd.Series(values, dtype=CHECK_DTYPES[col.kind]), blank, errors)


def _categories(values_u: pd.Series, codes: np.ndarray) -> pd.Series:
    """``values_u`` taken at ``codes`` (-1: missing) as a categorical, without building the texts.

    Two texts may give one value ("2701" and "02701"): the categories are the distinct values.
    """
    remap, categories = pd.factorize(values_u, use_na_sentinel=True)
    if np.array_equal(remap, np.arange(len(remap))):  # each text its own valid value: codes as they are
        new_codes = codes
    else:
        remap = np.append(remap, -1)  # code -1, and a value that failed its check, stay missing
        # Codes in the smallest integer that holds them (as pandas keeps them).
        new_codes = remap.astype(np.min_scalar_type(-len(categories) - 1))[codes]
    coded = pd.Categorical.from_codes(new_codes, categories=categories.astype("str"), validate=False)
    return pd.Series(coded)


def row_texts(cells: pd.DataFrame, pos: int) -> list[str]:
    """One record's cells as text, as a CSV would hold them (and as :func:`parse_cells` reports them)."""
    texts = []
    for j in range(cells.shape[1]):
        value = cells.iat[pos, j]
        if is_typed(cells.iloc[:, j]):
            value = nfc(_to_text(value.item() if isinstance(value, np.generic) else value)).strip()
        texts.append(value)
    return texts


def _unique_texts(cells: pd.Series, uniques) -> pd.Series:
    """The text the per-cell parser sees for each distinct value (as a CSV cell would hold it)."""
    if not is_typed(cells):
        return pd.Series(uniques, dtype="str")
    return pd.Series([nfc(_to_text(v)).strip() for v in uniques], dtype="str")


def _fall_back(
    values: pd.Series | None,
    done: np.ndarray,
    texts: pd.Series,
    col: Column,
    allowed: Sequence[str],
    today: date,
) -> tuple[pd.Series, dict[int, str]]:
    """The per-cell parser on the distinct values the fast rules left: its value, or its message.

    ``values`` None: no fast rules ran, every value comes from the per-cell parser.
    """
    if values is None:
        values = pd.Series([None] * len(texts), dtype=object)
    todo = np.flatnonzero(~done)
    if not len(todo):
        return values.astype(CHECK_DTYPES[col.kind]), {}
    parse = cell_parser(col, allowed, today)
    good: dict[int, object] = {}
    bad: dict[int, str] = {}
    for i in todo:
        try:
            good[int(i)] = parse(texts.iat[i])
        except CellError as exc:
            bad[int(i)] = str(exc)
    if good:
        merged = values.astype(object)
        merged.iloc[list(good)] = pd.Series(list(good.values()), dtype=object).to_numpy()
        values = merged.astype(CHECK_DTYPES[col.kind])
    return values, bad


# ---------------------------------------------------------------------------- the fast rules

# From this many distinct values in a column on, the fast rules run first (below, pandas' set-up
# costs more than parsing each value in Python).
FAST_FROM = 64
# Each takes the distinct texts of a column ('' = blank) and returns (values, ok): where ok, the value
# is exactly what the per-cell parser returns for that text. They use ASCII digits only ([0-9]): the
# per-cell parser's \d also takes other scripts' digits, which are left to it.

_FAST_INT = r"[+-]?[0-9]{1,15}(?:[.,]0+)?"  # ≤ 15 digits: exact as a float, for the range check
_FAST_THOUSANDS = r"[+-]?[0-9]{1,3}[.,]000"  # what _THOUSANDS_RE matches among _FAST_INT's texts
_FAST_NUMBER = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"
_FAST_SERIAL_PARTS = r"^(?P<n>[0-9]{5})(?:[.,]0+)?$"
# Year, month and day of a date written yyyy-mm-dd or d/m/yyyy (each as _ISO_RE, _DMY_RE with [0-9]).
_FAST_DATE_PARTS = (
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})$",
    r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})$",
)
# Dates a datetime64[ns] column holds; the per-cell parser's answer for others is kept as it is.
_FAST_YEARS = (1678, 2261)


def fast_values(
    texts: pd.Series, col: Column, allowed: Sequence[str], today: date
) -> tuple[pd.Series, np.ndarray]:
    """The vectorised rules for one column kind (see the section comment)."""
    texts = texts.astype("str")
    if col.kind == "code":
        return _fast_code(texts, col)
    if col.kind in ("int", "year"):
        return _fast_int(texts, col)
    if col.kind == "float":
        return _fast_float(texts, col)
    if col.kind == "date":
        return _fast_date(texts, today)
    if col.kind == "bool":
        return _fast_bool(texts)
    if col.kind == "choice":
        return _fast_choice(texts, allowed)
    return texts.where(texts.ne("")), texts.ne("").to_numpy(dtype=bool)


def _matches(texts: pd.Series, pattern: str) -> np.ndarray:
    return texts.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)


def _fast_code(texts: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    ok = _matches(texts, r"[0-9]+(?:\.0+)?")
    digits = texts.str.replace(r"\.0+$", "", regex=True)
    if col.digits is not None:
        ok = ok & (digits.str.len().to_numpy(dtype="int64", na_value=0) <= col.digits)
        digits = digits.str.zfill(col.digits)
    return digits.where(ok).astype("str"), ok


def _fast_int(texts: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    ok = _matches(texts, _FAST_INT) & ~_matches(texts, _FAST_THOUSANDS)
    head = texts.where(ok, "0").str.extract(r"^([+-]?[0-9]+)", expand=False)
    numbers = pd.to_numeric(head).astype("int64").to_numpy()
    if col.kind == "year":
        low, high = col.minimum or 0, col.maximum or 9999
    else:
        low = -math.inf if col.minimum is None else col.minimum
        high = math.inf if col.maximum is None else col.maximum
    ok = ok & (numbers >= low) & (numbers <= high)
    return pd.Series(numbers, dtype="Int64").where(ok), ok


def _fast_float(texts: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    ok = _matches(texts, _FAST_NUMBER)
    numbers = pd.to_numeric(texts.where(ok, "0").str.replace(",", "."), errors="coerce")
    numbers = numbers.to_numpy(dtype="float64", na_value=np.nan)
    ok = ok & ~np.isnan(numbers)
    if col.minimum is not None:
        ok = ok & ~(numbers < col.minimum)
    if col.maximum is not None:
        ok = ok & ~(numbers > col.maximum)
    return pd.Series(numbers, dtype="Float64").where(ok), ok


def _fast_date(texts: pd.Series, today: date) -> tuple[pd.Series, np.ndarray]:
    """Day, month and year taken from the text by pattern and checked against the calendar in NumPy
    (no date parser whose leniency could differ from the per-cell one, e.g. on 31/04)."""
    cells = pa.array(texts, from_pandas=True)
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    year, month, day = (np.zeros(len(cells), dtype=np.int64) for _ in range(3))
    found = np.zeros(len(cells), dtype=bool)
    for pattern in _FAST_DATE_PARTS:
        parts = pc.extract_regex(cells, pattern)  # missing where the text does not match
        matched = parts.is_valid().to_numpy(zero_copy_only=False)
        if not matched.any():
            continue
        for name, into in (("y", year), ("m", month), ("d", day)):
            field = pc.cast(pc.fill_null(pc.struct_field(parts, name), "0"), pa.int64()).to_numpy()
            into[matched] = field[matched]
        found |= matched
    months = (year - 1970) * 12 + month - 1  # since January 1970
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(np.int64)
    real = found & (year >= _FAST_YEARS[0]) & (year <= _FAST_YEARS[1]) & (month >= 1) & (month <= 12)
    real &= (day >= 1) & (day <= length)
    values = np.where(real, first + (day - 1).astype("timedelta64[D]"), np.datetime64("NaT", "D"))
    serial = pc.extract_regex(cells, _FAST_SERIAL_PARTS)
    numbered = serial.is_valid().to_numpy(zero_copy_only=False)
    if numbered.any():
        count = pc.cast(pc.fill_null(pc.struct_field(serial, "n"), "0"), pa.int64()).to_numpy()
        dates = np.datetime64(_EXCEL_EPOCH, "D") + count.astype("timedelta64[D]")
        values = np.where(numbered & (dates >= np.datetime64(_SERIAL_FROM, "D")), dates, values)
    values = values.astype("datetime64[ns]")
    ok = ~np.isnat(values) & (values <= np.datetime64(today, "ns"))
    return pd.Series(np.where(ok, values, np.datetime64("NaT", "ns")), index=texts.index), ok


def _fast_timestamps(stamps: pd.Series, today: date) -> tuple[pd.Series, np.ndarray]:
    """Typed Parquet timestamps used as they are: the day they fall on (as their ISO text says)."""
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)  # the wall-clock day, as strftime gives it
    days = stamps.dt.normalize()
    years = days.dt.year
    ok = ((years >= _FAST_YEARS[0]) & (years <= _FAST_YEARS[1]) & (days <= pd.Timestamp(today))).to_numpy(
        dtype=bool, na_value=False
    )
    return days.where(ok).astype("datetime64[ns]"), ok


def _ascii_keys(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Lower case with runs of spaces as one space, for ASCII texts (where pyarrow's rules are Python's)."""
    ascii_ = texts.str.isascii().to_numpy(dtype=bool, na_value=False)
    keys = texts.str.replace(r"[\t-\r\x1c-\x20]+", " ", regex=True).str.lower()
    return keys, ascii_


def _fast_bool(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    words = dict.fromkeys(TRUE_WORDS, True) | dict.fromkeys(FALSE_WORDS, False)
    ascii_ = texts.str.isascii().to_numpy(dtype=bool, na_value=False)
    values = texts.str.lower().map(words).astype("boolean")
    ok = ascii_ & values.notna().to_numpy()
    return values.where(ok), ok


def _fast_choice(texts: pd.Series, allowed: Sequence[str]) -> tuple[pd.Series, np.ndarray]:
    if not allowed:
        return texts.where(texts.ne("")), texts.ne("").to_numpy(dtype=bool)
    canonical = {re.sub(r"\s+", " ", v).lower(): v for v in allowed}
    keys, ascii_ = _ascii_keys(texts)
    # Vietnamese values are not ASCII: their keys are made by Python, once per distinct value.
    others = np.flatnonzero(~ascii_)
    if len(others):
        keys = keys.astype(object)
        keys.iloc[others] = [re.sub(r"\s+", " ", texts.iat[i]).lower() for i in others]
    values = keys.map(canonical).astype("str")
    ok = values.notna().to_numpy()
    return values, ok


def _blank_errors(blank: np.ndarray, col: Column) -> list[tuple[int, str]]:
    if col.nullable:
        return []
    message = f"Ô bị bỏ trống nhưng cột này bắt buộc phải có giá trị ({col.label_vi})."
    merged = message[:-1] + (
        "; ô này nằm dưới một ô có giá trị, có thể do gộp ô (Merge) trong Excel — hãy bỏ gộp ô và "
        "ghi giá trị vào từng dòng."
    )
    positions = np.flatnonzero(blank)
    if not len(positions):
        return []
    in_merge = merged_runs(blank)
    return [(int(pos), merged if in_merge[pos] else message) for pos in positions]


def merged_runs(blank) -> np.ndarray:
    """Which blank cells look like what Excel leaves of a merged cell: a run of two or more blank
    cells right under a filled one (a single blank cell is more likely just forgotten)."""
    blank = np.asarray(blank, dtype=bool)
    flags = np.zeros(len(blank), dtype=bool)
    edges = np.diff(np.concatenate(([0], blank.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    for start, end in zip(starts, ends, strict=True):
        if start > 0 and end - start >= 2:
            flags[start:end] = True
    return flags


def default_column(col: Column, length: int) -> pd.Series:
    """An optional column the file leaves out: its default, or missing."""
    dtype = CHECK_DTYPES[col.kind]
    if col.default is None:  # all missing, built without a Python object per row
        return pd.Series(None, index=pd.RangeIndex(length), dtype=dtype)
    values = np.full(length, col.default)
    if dtype in ("Int64", "Float64", "boolean"):  # the masked array made once (Series(…, dtype) copies it)
        return pd.Series(pd.array(values, dtype=dtype), copy=False)
    return pd.Series(values, dtype=dtype)
