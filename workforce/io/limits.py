"""Size limits of an imported file, checked before the file is read, so that no file can
exhaust the server's memory (issue #9 item 4).

Two kinds of hostile file are refused by what they are, not by what reading them does:

- **the far cell**: a 1.8 KB xlsx whose only cell sits at ``XFD1048576`` (or whose
  ``<dimension ref=…>`` declares that range). The xlsx reader lays a sheet out as a dense
  rectangle from A1 to the farthest cell: 1,048,576 × 16,384 cells, about 512 GB — the
  process is killed (or the reader panics). Both the declared dimension and every row and
  cell reference actually present in the sheet's XML are checked against the row, column
  and cell limits; the declared dimension alone could lie.
- **the declared string table**: a workbook whose shared-string table declares four
  billion strings (``<sst uniqueCount=…>``): the reader reserves 96 GB for them up front.
  A count beyond the cell limit is refused.
- **the deflate bomb**: a 1 MB xlsx whose XML expands to gigabytes. The sizes that the
  zip directory declares are summed first (cheap); then every member is decompressed as a
  stream, counting the bytes it really yields, and refused as soon as the total passes the
  limit — a member that declares less than it holds is caught by its real size.

The scan decompresses each member once and keeps at most one row's XML in memory; a
100,000-teacher workbook is scanned in well under a second. CSV files are bounded by
their size on disk (a CSV does not expand) and their rows and columns are counted.

The limits are settings (:class:`workforce.config.Settings`, ``WORKFORCE_IMPORT_MAX_*``
and ``WORKFORCE_UPLOAD_MAX_BYTES``), the same for the web upload and ``workforce import``;
their defaults and why are in ``docs/import-formats.md``.
"""

from __future__ import annotations

import copy
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from workforce.io.messages import Text, message

CHUNK = 1024 * 1024
MAX_ROW_XML = 64 * 1024 * 1024
"""One row's XML beyond this is refused: 200 columns of the longest text Excel allows
(32,767 characters) take about 20 MB; anything larger is not a sheet a clerk wrote."""
SMALL_PART = 4 * 1024 * 1024
"""Workbook parts read whole to name the sheets (workbook.xml and its relationships)."""

_DIMENSION = re.compile(rb'<(?:[^\s<>/:]+:)?dimension\b[^>]*?\bref="([^"]*)"')
_ROW_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?row\b([^>]*)>")
_ROW_REF = re.compile(rb'\br="(\d+)"')
_CELL_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?c\b([^>]*)>")
_CELL_REF = re.compile(rb'\br="\$?([A-Za-z]+)\$?(\d+)"')
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,10})$")
_ROW_END = re.compile(rb"</(?:[^\s<>/:]+:)?row>")
_PLAIN_ROW_REF = re.compile(rb'<row r="(\d+)"')
_PLAIN_CELL_COLUMN = re.compile(rb'<c r="([A-Z]+)\d')
_PLAIN_CELL_ROW = re.compile(rb'<c r="[A-Z]+(\d+)"')
_SST_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?sst\b[^>]*>")
_SST_COUNT = re.compile(rb'\b(?:uniqueCount|count)="(\d+)"')
_SHEET_DATA = re.compile(rb"<(?:[^\s<>/:]+:)?sheetData\b")
_SHEET_DATA_END = re.compile(rb"</(?:[^\s<>/:]+:)?sheetData>")
DAMAGED = (
    zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError, ValueError,
)  # fmt: skip
"""What reading a damaged member raises (the reader then reports the file unreadable)."""
UNCHECKABLE = (NotImplementedError, RuntimeError)
"""A member compressed by a method this check cannot read, or encrypted: its real size
cannot be known, so the file is refused (Excel and WPS write only deflate or stored)."""


@dataclass(frozen=True)
class ImportLimits:
    """What an imported file may hold (defaults: :class:`workforce.config.Settings`)."""

    max_bytes: int
    """The file's size on disk (an upload is refused while it streams, at this size)."""
    max_rows: int
    max_columns: int
    max_cells: int
    """Rows × columns of the rectangle a sheet is read as (from A1 to its farthest cell)."""
    max_uncompressed_bytes: int
    """What an xlsx's members decompress to, together."""

    @classmethod
    def from_settings(cls) -> ImportLimits:
        from workforce.config import get_settings

        settings = get_settings()
        return cls(
            max_bytes=settings.upload_max_bytes,
            max_rows=settings.import_max_rows,
            max_columns=settings.import_max_columns,
            max_cells=settings.import_max_cells,
            max_uncompressed_bytes=settings.import_max_uncompressed_bytes,
        )


class LimitExceeded(Exception):
    """A file refused by its size before it is read; ``text`` names the file and limit."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def column_number(letters: str) -> int:
    """Excel's column letters as a 1-based number: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f}"


def check_file_size(path: Path, limits: ImportLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LimitExceeded(
            message("file_too_large", file=path.name, size=_mib(size), limit=_mib(limits.max_bytes))
        )


def check_table(file: str, sheet: str, rows: int, columns: int, limits: ImportLimits) -> None:
    """Refuse a sheet of ``rows`` × ``columns`` beyond the limits, naming what is too big."""
    if rows > limits.max_rows or columns > limits.max_columns:
        raise LimitExceeded(
            message(
                "sheet_too_large",
                file=file,
                sheet=sheet,
                rows=f"{rows:,}",
                columns=f"{columns:,}",
                max_rows=f"{limits.max_rows:,}",
                max_columns=f"{limits.max_columns:,}",
            )  # fmt: skip
        )
    if rows * columns > limits.max_cells:
        raise LimitExceeded(
            message(
                "sheet_too_many_cells",
                file=file,
                sheet=sheet,
                rows=f"{rows:,}",
                columns=f"{columns:,}",
                cells=f"{rows * columns:,}",
                max_cells=f"{limits.max_cells:,}",
            )  # fmt: skip
        )


def bounded_rows(rows: Iterable[list[str]], file: str, sheet: str, limits: ImportLimits) -> list[list[str]]:
    """``rows`` (a CSV reader) as a list, refused as soon as they pass the row, column or
    cell limit: a CSV within the size limit may still hold tens of millions of short rows
    (``,\n`` 26 million times in 50 MiB), and listing them all before counting took
    gigabytes of memory."""
    kept: list[list[str]] = []
    width = 0
    for row in rows:
        kept.append(row)
        width = max(width, len(row))
        if (
            len(kept) > limits.max_rows
            or width > limits.max_columns
            or len(kept) * width > limits.max_cells
        ):
            check_table(file, sheet, len(kept), width, limits)
    check_table(file, sheet, len(kept), width, limits)
    return kept


def check_xlsx(path: Path, limits: ImportLimits) -> None:
    """Refuse ``path`` (an xlsx) when it is, declares or expands to more than ``limits``.

    Raises :class:`LimitExceeded`; a file that is no zip at all is left to the reader,
    which says it cannot be read.
    """
    check_file_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        members = archive.infolist()
        declared = sum(info.file_size for info in members)
        if declared > limits.max_uncompressed_bytes:
            raise LimitExceeded(
                message(
                    "expands_too_much",
                    file=path.name,
                    size=_mib(declared),
                    limit=_mib(limits.max_uncompressed_bytes),
                )  # fmt: skip
            )
        _Scan(path.name, archive, limits).run(members)


class _Scan:
    """One pass over an xlsx's members: real decompressed sizes, sheets' extents."""

    def __init__(self, file: str, archive: zipfile.ZipFile, limits: ImportLimits) -> None:
        self.file = file
        self.archive = archive
        self.limits = limits
        self.total = 0
        self.names: dict[str, str] = {}

    def run(self, members: list[zipfile.ZipInfo]) -> None:
        by_name = {info.filename: info for info in members}
        self.names = self._sheet_names(by_name)
        for info in members:
            if not info.is_dir():
                self._scan_member(info)

    def _too_much(self) -> LimitExceeded:
        return LimitExceeded(
            message(
                "expands_too_much",
                file=self.file,
                size=f"> {_mib(self.total)}",
                limit=_mib(self.limits.max_uncompressed_bytes),
            )  # fmt: skip
        )

    def _chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's decompressed bytes, counted against the limit as they come.

        The member is read with its declared size raised to what is left of the limit, so
        that a member declaring fewer bytes than its stream holds is read for what it
        really holds (the zip module would otherwise stop at the declared size)."""
        budget = self.limits.max_uncompressed_bytes - self.total
        trusted = copy.copy(info)
        trusted.file_size = budget + 1
        trusted.CRC = None  # type: ignore[assignment]  # the reader checks it when it reads
        try:
            with self.archive.open(trusted) as stream:
                while chunk := stream.read(CHUNK):
                    self.total += len(chunk)
                    if self.total > self.limits.max_uncompressed_bytes:
                        raise self._too_much()
                    yield chunk
        except DAMAGED:
            return  # damaged: the reader will say so
        except UNCHECKABLE:
            raise LimitExceeded(
                message("uncheckable_member", file=self.file, member=info.filename)
            ) from None

    def _read_small(self, by_name: dict[str, zipfile.ZipInfo], name: str) -> bytes | None:
        info = by_name.get(name)
        if info is None or info.file_size > SMALL_PART:
            return None
        data = b"".join(self._chunks(info))
        return data if len(data) <= SMALL_PART else None

    def _sheet_names(self, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
        """Worksheet member → the sheet's name (as the workbook shows it), when readable."""
        workbook = self._read_small(by_name, "xl/workbook.xml")
        rels = self._read_small(by_name, "xl/_rels/workbook.xml.rels")
        if workbook is None or rels is None:
            return {}
        try:
            targets = {
                element.get("Id"): element.get("Target", "")
                for element in ElementTree.fromstring(rels)
            }
            names = {}
            for element in ElementTree.fromstring(workbook).iter():
                if not element.tag.endswith("}sheet"):
                    continue
                rel = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rel, "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                names[str(PurePosixPath(member))] = element.get("name", member)
            return names
        except ElementTree.ParseError:
            return {}

    def _scan_member(self, info: zipfile.ZipInfo) -> None:
        """Every member, whatever its name, as the reader could take it: a shared-string
        table (its declared counts) or a sheet (its declared dimension, then its real
        extent), against the limits.

        The reader finds a sheet through the workbook's relationships, so a sheet may sit
        at any path (``xl/data/far.bin``, ``/xl/…`` absolute, another letter case) and the
        tags may carry any namespace prefix (``<a-b:row>``, ``<表:c>``); judging members by
        their name would let such a sheet through unmeasured."""
        sheet = self.names.get(info.filename, info.filename)
        extent = _Extent()
        head: bytes | None = b""  # the start of the member, until a string table's tag is read
        carry = b""
        inside = False  # within <sheetData>, where the cells are
        for chunk in self._chunks(info):
            if head is not None:
                head += chunk
                if _SST_TAG.search(head) or _SHEET_DATA.search(head) or len(head) > SMALL_PART:
                    self._check_shared_strings(head)
                    head = None
            data = carry + chunk
            if not inside:
                found = _DIMENSION.search(data)  # declared before the sheet's data
                if found is not None:
                    self._check_dimension(sheet, found.group(1).decode("ascii", "replace"))
                start = _SHEET_DATA.search(data)
                if start is None:
                    carry = data[-256:]  # a tag may straddle two chunks
                    continue
                inside = True
                data = data[start.end() :]
            cut = _last_row_end(data)
            extent.add(data[:cut])
            carry = data[cut:]
            if len(carry) > MAX_ROW_XML:
                raise LimitExceeded(
                    message("row_too_large", file=self.file, sheet=sheet, limit=_mib(MAX_ROW_XML))
                )
            check_table(self.file, sheet, extent.rows, extent.columns, self.limits)
        if head is not None:
            self._check_shared_strings(head)
        if inside:
            end = _SHEET_DATA_END.search(carry)
            extent.add(carry[: end.start()] if end else carry)
        check_table(self.file, sheet, extent.rows, extent.columns, self.limits)

    def _check_shared_strings(self, head: bytes) -> None:
        """The shared-string table's declared counts: the xlsx reader reserves memory for
        ``uniqueCount`` strings up front (24 bytes each: 4 billion declared, 96 GB, and
        the process aborts), so a count beyond the cells a workbook may hold is refused."""
        tag = _SST_TAG.search(head)
        if tag is None:
            return
        for count in map(int, _SST_COUNT.findall(tag.group(0))):
            if count > self.limits.max_cells:
                raise LimitExceeded(
                    message(
                        "too_many_strings",
                        file=self.file,
                        count=f"{count:,}",
                        limit=f"{self.limits.max_cells:,}",
                    )  # fmt: skip
                )

    def _check_dimension(self, sheet: str, ref: str) -> None:
        """A declared range (``A1:XFD1048576``) beyond the limits is refused as declared."""
        corners = [_REF.match(part) for part in ref.split(":")]
        if not all(corners):
            return
        rows = max(int(m.group(2)) for m in corners if m)
        columns = max(column_number(m.group(1)) for m in corners if m)
        check_table(self.file, sheet, rows, columns, self.limits)


def _last_row_end(data: bytes) -> int:
    """Where the last complete ``</row>`` of ``data`` ends (0 when there is none)."""
    end = data.rfind(b"row>")
    while end != -1:
        start = data.rfind(b"<", 0, end)
        if start != -1 and data[start + 1 : start + 2] == b"/":
            return end + 4
        end = data.rfind(b"row>", 0, end)
    return 0


class _Extent:
    """The farthest row and column a sheet's XML reaches, as the reader would place them.

    Rows and cells normally carry their reference (``r="12"``, ``r="C12"``). Both may be
    left out: the reader then puts a row after the previous one and a cell after the
    previous cell of its row, which is counted the same way here.
    """

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0

    def add(self, data: bytes) -> None:
        """Take in complete rows of the sheet's XML.

        The usual XML (every row and cell naming its reference first, no namespace prefix,
        as Excel, WPS, openpyxl and XlsxWriter write it) is measured with a few C-level
        scans; anything else goes row by row.
        """
        if not data:
            return
        row_refs = _PLAIN_ROW_REF.findall(data)
        letters = _PLAIN_CELL_COLUMN.findall(data)
        if (
            len(row_refs) != data.count(b"<row")
            or len(letters) != data.count(b"<c")
            or b":c" in data
            or b":row" in data
        ):
            self._add_row_by_row(data)
            return
        if row_refs:
            self.rows = max(self.rows, max(map(int, set(row_refs))))
        if letters:
            numbers = set(_PLAIN_CELL_ROW.findall(data))
            self.rows = max(self.rows, max(map(int, numbers)))
            self.columns = max(self.columns, max(column_number(c.decode()) for c in set(letters)))

    def _add_row_by_row(self, data: bytes) -> None:
        """The slow path for XML that leaves references out: row by row, cell by cell."""
        row = self.rows
        for row_match in _ROW_TAG.finditer(data):
            ref = _ROW_REF.search(row_match.group(1))
            row = int(ref.group(1)) if ref else row + 1
            self.rows = max(self.rows, row)
            end = _ROW_END.search(data, row_match.end())
            body = data[row_match.end() : end.start() if end else len(data)]
            column = 0
            if row_match.group(1).rstrip().endswith(b"/"):
                body = b""
            for cell in _CELL_TAG.findall(body):
                found = _CELL_REF.search(cell)
                if found:
                    column = column_number(found.group(1).decode())
                    self.rows = max(self.rows, int(found.group(2)))
                else:
                    column += 1
                self.columns = max(self.columns, column)
