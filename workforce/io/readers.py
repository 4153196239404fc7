"""Reading clerks' files into raw sheets: xlsx with python-calamine, CSV in any encoding
Excel writes.

Rows keep Excel's numbering (row 1 is the first row of the sheet, whatever is blank
above the header), so every problem can name the row the clerk sees. CSV is decoded as
UTF-8 (with or without BOM; UTF-8 is self-validating, so a GBK file almost never decodes
as UTF-8 by accident), as UTF-16 when it starts with that BOM (Excel's "Unicode text",
tab-separated), and otherwise as GB18030, the superset of GBK that Excel on a Chinese Windows
writes. In CSV a leading apostrophe is Excel's text marker: it is removed,
which is how :mod:`workforce.io.writers` protects cells that start like a formula.

Before anything is read, the file is held against the import limits
(:mod:`workforce.io.limits`): its size, what an xlsx decompresses to, and how many rows and
columns each sheet spans — a hostile file is refused by what it declares and holds, never
by running the server out of memory. The reader's own failures (a panic of the xlsx
library included) become :class:`UnreadableFile`, never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from workforce.io.limits import (
    CHUNK,
    SMALL_PART,
    ImportLimits,
    LimitExceeded,
    bounded_rows,
    check_file_size,
    check_xlsx,
)
from workforce.io.messages import Text, message

TEXT_MARKER = "'"


__all__ = ["LimitExceeded", "RawSheet", "UnreadableFile", "read_file"]


class UnreadableFile(Exception):
    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]
    """All rows from the sheet's row 1; ``rows[i]`` is Excel row ``i + 1``."""
    hidden: bool = False
    """Whether Excel hides the sheet (hidden or very hidden): the clerk does not see it."""
    hidden_rows: frozenset[int] = frozenset()
    """Excel row numbers the sheet hides (filtered out, hidden or in a collapsed group):
    the reader gives them as any other row, but the clerk does not see them."""


def read_file(path: Path, limits: ImportLimits | None = None) -> list[RawSheet]:
    """The sheets of an ``.xlsx`` workbook, or a ``.csv`` as one sheet named after the file.

    Raises :class:`~workforce.io.limits.LimitExceeded` for a file beyond ``limits`` (by
    default the settings'), :class:`UnreadableFile` for one that cannot be read.
    """
    limits = limits or ImportLimits.from_settings()
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        check_xlsx(path, limits)
        return _read_xlsx(path)
    if suffix == ".csv":
        check_file_size(path, limits)
        rows = read_csv_rows(
            path.read_bytes(), partial(bounded_rows, file=path.name, sheet=path.stem, limits=limits)
        )
        return [RawSheet(path.stem, rows)]
    raise UnreadableFile(message("unsupported_file", suffix=suffix or path.name))


def _read_xlsx(path: Path) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        hidden = {
            sheet.name for sheet in workbook.sheets_metadata
            if sheet.visible != SheetVisibleEnum.Visible
        }  # fmt: skip
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            _fill_merged_columns(rows, sheet.merged_cell_ranges or ())
            sheets.append(RawSheet(name, rows, name in hidden))
    except (CalamineError, ValueError):  # its reason was the library's English
        raise UnreadableFile(message("xlsx_unreadable")) from None  # ("invalid Zip archive …")
    except OSError as error:  # the file went, or may not be read: the system's reason
        raise UnreadableFile(message("unreadable_file", reason=str(error))) from None
    except BaseException as error:  # the library's Rust panics (pyo3 PanicException)
        if type(error).__name__ != "PanicException":
            raise
        raise UnreadableFile(message("xlsx_unreadable")) from None
    _read_sheet_marks(path, sheets)
    return sheets


def _fill_merged_columns(
    rows: list[list[object]], ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    """A cell merged down several rows of one column shows its value in each of them (a
    school code over its teachers, 工号 down a two-row header); the workbook stores it in the
    top cell only, so the rows below read blank — a required value "missing" where the clerk
    sees it, an optional field cleared. Each covered cell gets the value. A merge across
    columns is left alone: its value belongs to one column."""
    for (top, left), (bottom, right) in ranges:
        if left != right or bottom <= top or top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else None
        if value is None or value == "":
            continue
        for row in rows[top + 1 : bottom + 1]:
            if left < len(row) and (row[left] is None or row[left] == ""):
                row[left] = value


class ExcelError(str):
    """A cell holding one of Excel's error values (``#N/A``, ``#REF!``, ``#DIV/0!`` …): a
    formula that failed, most often a VLOOKUP that found nothing. The xlsx reader gives such a
    cell as blank, so a failed lookup cleared the field it should have filled; marked, it is
    refused at its cell (:func:`workforce.io.parse._outcome`)."""

    __slots__ = ()


_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_ERROR_CELL = re.compile(
    rb"""<(?:[\w.-]+:)?c\s([^>]*\bt\s*=\s*["']e["'][^>]*)>(.*?)</(?:[\w.-]+:)?c\s*>""", re.S
)
_REFERENCE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})(\d{1,7})["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")


_HIDDEN = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\s([^<>]*)>")  # no < in a tag: linear on any bytes
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d{1,7})["']""")
_TAIL = 4096
"""Bytes of a chunk kept before the next: a row's start tag (its attributes) or a cell's type
cut by the chunk's end is found whole in the next part."""


def _read_sheet_marks(path: Path, sheets: list[RawSheet]) -> None:
    """What the xlsx reader does not give, read from each sheet's XML in one streamed pass
    (the file is within the import limits already; a sheet of 100,000 rows is 100 MB of XML,
    never held whole unless it has error cells): the rows the sheet hides, and every cell
    stored as an error value (``t="e"``), replaced in ``sheets`` by its :class:`ExcelError`."""
    by_name = {sheet.name: sheet for sheet in sheets}
    try:
        with zipfile.ZipFile(path) as archive:
            for member, name in _sheet_members(archive).items():
                sheet = by_name.get(name)
                if sheet is None:
                    continue
                holds_errors, hidden_rows = _scan_sheet(archive, member)
                sheet.hidden_rows = frozenset(hidden_rows)
                if holds_errors:
                    _mark_error_values(archive.read(member), sheet)
    except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError):
        return  # the reader read it; errors left unmarked read as blank, as before


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> tuple[bool, set[int]]:
    """Whether the member has a cell of type ``e`` (as Excel, WPS and the usual libraries
    write it: ``t="e"``), and the numbers of the rows whose start tag says ``hidden="1"``.
    Byte searches first, regular expressions only over a part that has what they look for."""
    holds_errors = False
    hidden: set[int] = set()
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            part = tail + chunk
            if not holds_errors and (b't="e"' in part or b"t='e'" in part):
                holds_errors = _ERROR_TYPE.search(part) is not None
            if b"hidden" in part:
                for tag in _ROW_TAG.finditer(part):
                    attributes = tag.group(1)
                    number = _ROW_NUMBER.search(attributes)
                    if number is not None and _HIDDEN.search(attributes):
                        hidden.add(int(number.group(1)))
            tail = chunk[-_TAIL:]
    return holds_errors, hidden


def _mark_error_values(data: bytes, sheet: RawSheet) -> None:
    """Replace in ``sheet`` every cell its XML ``data`` stores as an error value."""
    for found in _ERROR_CELL.finditer(data):
        reference = _REFERENCE.search(found.group(1))
        value = _VALUE.search(found.group(2))
        if reference is None:
            continue
        row = int(reference.group(2)) - 1
        column = _column_index(reference.group(1).decode().upper())
        if row < len(sheet.rows) and column < len(sheet.rows[row]):
            text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
            sheet.rows[row][column] = ExcelError(text.strip() or "#ERROR")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member → the sheet's name, through the workbook's relationships."""
    parts = [archive.getinfo(name) for name in ("xl/_rels/workbook.xml.rels", "xl/workbook.xml")]
    if any(part.file_size > SMALL_PART for part in parts):
        return {}
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {element.get("Id"): element.get("Target", "") for element in rels}
    members = {}
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if not element.tag.endswith("}sheet"):
            continue
        rel = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel, "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        members[str(PurePosixPath(member))] = element.get("name", "")
    return members


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with BOM, UTF-16 with BOM (Excel's and WPS's "Unicode text"),
    UTF-8, else GB18030 (GBK's superset). A UTF-16 file read as GB18030 gave a refusal about
    that codec, or a sheet of garbled headers."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # the codec reads the BOM's byte order and drops it
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _row_of(error: UnicodeDecodeError) -> int:
    """The line (from 1) of the first byte that ``error`` could not decode."""
    before = error.object[: error.start]
    return before.decode(error.encoding, errors="replace").count("\n") + 1


def _delimiter(text: str) -> str:
    """A tab when the first line has tabs and no comma (Excel's "Unicode text" is
    tab-separated), else a comma."""
    start = 0
    while start < len(text) and text[start] in "\r\n":
        start += 1
    end = text.find("\n", start)
    first = text[start : end if end >= 0 else len(text)]  # not a copy of the whole file
    return "\t" if "\t" in first and "," not in first else ","


def read_csv_rows(
    data: bytes, collect: Callable[[Iterable[list[str]]], list[list[str]]] = list
) -> list[list[object]]:
    """The CSV's rows, gathered by ``collect`` (which may refuse them as they come)."""
    try:
        text = decode_csv(data)
    except UnicodeDecodeError as error:  # its reason named a codec and a byte position
        raise UnreadableFile(message("csv_undecodable", row=_row_of(error))) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows: list[list[object]] = collect(reader)  # type: ignore[assignment]
    except csv.Error as error:
        # a field beyond the csv module's limit (131,072 characters, four times Excel's
        # 32,767 per cell): most often a quote never closed, which runs to the file's end
        if "field larger than field limit" in str(error):
            raise UnreadableFile(
                message("csv_field_too_long", row=reader.line_num, limit=f"{csv.field_size_limit():,}")
            ) from None
        raise UnreadableFile(message("csv_unreadable", row=reader.line_num, reason=str(error))) from None
    if TEXT_MARKER not in text:  # most files: no cell to unmark, no pass over 2 million cells
        return rows
    return [
        [cell[1:] if cell.startswith(TEXT_MARKER) else cell for cell in row]  # type: ignore[attr-defined]
        for row in rows
    ]
