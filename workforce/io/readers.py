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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from workforce.io.limits import (
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
        return [
            RawSheet(
                name,
                workbook.get_sheet_by_name(name).to_python(skip_empty_area=False),
                name in hidden,
            )
            for name in workbook.sheet_names
        ]
    except (CalamineError, OSError, ValueError) as error:
        raise UnreadableFile(message("unreadable_file", reason=str(error))) from None
    except BaseException as error:  # the library's Rust panics (pyo3 PanicException)
        if type(error).__name__ != "PanicException":
            raise
        raise UnreadableFile(message("unreadable_file", reason=str(error))) from None


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
    except UnicodeDecodeError as error:
        raise UnreadableFile(message("unreadable_file", reason=str(error))) from None
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
