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
- **many sheets**: the cell limit holds for the workbook, all its sheets together (the
  reader reads them all): ten sheets of one far cell each within the per-sheet limit, 4 KB
  on disk, took 1.3 GB and 9 s, a hundred ten times that.
- **the shared-string echo**: a cell of type ``s`` holds an index into the shared-string
  table, and the reader copies the string into every cell that names it. One 1 MiB string
  named by 1,000 cells is a 5 KB file that took 2.1 GB (a 30 MiB string and 10,000 cells:
  600 GB). The text the cells hold, each shared string counted at every use, is held
  against the expansion limit: the table's strings are measured (an XML parser, so that
  comments and CDATA cannot shift the count), and when the cells that may use them could
  hold more than the limit, the sheets are read again and every use counted.

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
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree
from xml.parsers import expat

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
_PLAIN_CELL = re.compile(rb'<c((?:\s+[A-Za-z_][\w.\-]*="[^"]*")*)\s*(/?)>')
_SHARED_TYPE = re.compile(rb'\st="s"')
_SHARED_INDEX = re.compile(rb"\s*<v>\s*(\d{1,10})\s*</v>")
_USUAL_SHARED_CELL = re.compile(rb'<c r="[A-Z]{1,3}\d{1,7}"(?: s="\d{1,5}")? t="s"><v>(\d{1,10})</v>')
_ANY_SHARED_TYPE = re.compile(rb"""[\s:]t\s*=\s*["']s["']""")
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
        self.cells = 0
        """Rows × columns of every sheet so far: the workbook's cells, as the reader lays
        them out."""
        self.strings: array[int] | None = array("I")
        """The UTF-8 length of each shared string (the longest at each index when there are
        several tables); None when a table could not be measured string by string."""
        self.longest = 0
        """The longest shared string, in bytes."""
        self.sheet_cells: list[tuple[zipfile.ZipInfo, str, int]] = []
        """Each member with cells: its name as a sheet, and at most how many cells it holds."""

    def run(self, members: list[zipfile.ZipInfo]) -> None:
        by_name = {info.filename: info for info in members}
        self.names = self._sheet_names(by_name)
        for info in members:
            if not info.is_dir():
                self._scan_member(info)
        self._check_shared_text()

    def _too_much(self) -> LimitExceeded:
        return LimitExceeded(
            message(
                "expands_too_much",
                file=self.file,
                size=f"> {_mib(self.total)}",
                limit=_mib(self.limits.max_uncompressed_bytes),
            )  # fmt: skip
        )

    def _chunks(self, info: zipfile.ZipInfo, *, again: bool = False) -> Iterator[bytes]:
        """The member's decompressed bytes, counted against the limit as they come (read
        ``again``: not counted twice, it was measured the first time).

        The member is read with its declared size raised to what is left of the limit, so
        that a member declaring fewer bytes than its stream holds is read for what it
        really holds (the zip module would otherwise stop at the declared size)."""
        budget = self.limits.max_uncompressed_bytes - (0 if again else self.total)
        trusted = copy.copy(info)
        trusted.file_size = budget + 1
        trusted.CRC = None  # type: ignore[assignment]  # the reader checks it when it reads
        try:
            with self.archive.open(trusted) as stream:
                while chunk := stream.read(CHUNK):
                    if not again:
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
        table: _StringTable | None = None
        unclassified = False  # 4 MB read and no tag of a table or a sheet's data yet
        carry = b""
        inside = False  # within <sheetData>, where the cells are
        cells = 0  # cell tags within <sheetData>: at most this many cells
        size = 0
        for chunk in self._chunks(info):
            size += len(chunk)
            if head is not None:
                head += chunk
                if _SST_TAG.search(head) or _SHEET_DATA.search(head) or len(head) > SMALL_PART:
                    self._check_shared_strings(head)
                    table = self._table(head)
                    unclassified = table is None and not _SHEET_DATA.search(head)
                    head = None
            elif table is not None:
                table.feed(chunk)
            elif unclassified and _SST_TAG.search(carry[-256:] + chunk):
                table = _StringTable(self.file, self.limits)
                table.broken = True  # its start is gone: measured by its size alone
                unclassified = False
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
            rows = data[:cut]
            extent.add(rows)
            cells += rows.count(b"<c") + rows.count(b":c")
            carry = data[cut:]
            if len(carry) > MAX_ROW_XML:
                raise LimitExceeded(
                    message("row_too_large", file=self.file, sheet=sheet, limit=_mib(MAX_ROW_XML))
                )
            check_table(self.file, sheet, extent.rows, extent.columns, self.limits)
        if head is not None:
            self._check_shared_strings(head)
            table = self._table(head)
        if table is not None:
            self._add_table(table, size)
        if inside:
            end = _SHEET_DATA_END.search(carry)
            rest = carry[: end.start()] if end else carry
            extent.add(rest)
            cells += rest.count(b"<c") + rest.count(b":c")
        check_table(self.file, sheet, extent.rows, extent.columns, self.limits)
        self.cells += extent.rows * extent.columns
        if self.cells > self.limits.max_cells:
            raise LimitExceeded(
                message(
                    "workbook_too_many_cells",
                    file=self.file,
                    cells=f"{self.cells:,}",
                    max_cells=f"{self.limits.max_cells:,}",
                )  # fmt: skip
            )
        if cells:
            self.sheet_cells.append((info, sheet, cells))

    def _table(self, head: bytes) -> _StringTable | None:
        """A measure of the member's shared strings, fed its start, when it is a table."""
        if not _SST_TAG.search(head):
            return None
        table = _StringTable(self.file, self.limits)
        table.feed(head)
        return table

    def _add_table(self, table: _StringTable, size: int) -> None:
        """Take in a measured table: each index keeps the longest string of any table (the
        reader uses one; which is left to it). A table that could not be measured string by
        string makes every shared string as long as the table itself."""
        table.close()
        if table.broken or self.strings is None:
            self.strings = None
            self.longest = max(self.longest, size)
            return
        lengths = table.lengths
        for index in range(min(len(lengths), len(self.strings))):
            lengths[index] = max(lengths[index], self.strings[index])
        if len(self.strings) > len(lengths):
            lengths.extend(self.strings[len(lengths) :])
        self.strings = lengths
        self.longest = max(self.longest, table.longest)

    def _check_shared_text(self) -> None:
        """The text the cells hold, each shared string counted at every cell that names it,
        against the expansion limit. Cheap first: when every cell that may name a string
        could name the longest and still stay within the limit, nothing more is read;
        otherwise the sheets are read again and each use counted (a use that cannot be read
        as a plain index counts as the longest string)."""
        limit = self.limits.max_uncompressed_bytes
        if sum(cells for *_, cells in self.sheet_cells) * self.longest <= limit:
            return
        total = 0
        for info, sheet, _ in self.sheet_cells:
            carry = b""
            for chunk in self._chunks(info, again=True):
                data = carry + chunk
                cut = _last_row_end(data)
                total += _shared_text(data[:cut], self.strings, self.longest)
                carry = data[cut:]
                if total > limit:
                    break
            total += _shared_text(carry, self.strings, self.longest)
            if total > limit:
                raise LimitExceeded(
                    message(
                        "shared_text_too_large",
                        file=self.file,
                        sheet=sheet,
                        size=f"> {_mib(limit)}",
                        limit=_mib(limit),
                    )  # fmt: skip
                )

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


def _shared_text(data: bytes, strings: array[int] | None, longest: int) -> int:
    """The bytes of shared strings that the cells of ``data`` (complete rows) name: the
    string's length for each cell of type ``s`` with a plain index; the longest string for
    one written any other way, and for every cell tag when the XML is not the usual form
    (double-quoted attributes, no namespace prefix) or the strings are not known one by one."""
    tags = data.count(b"<c")
    if strings is None or b":c" in data:
        return (tags + data.count(b":c")) * longest
    usual = _USUAL_SHARED_CELL.findall(data)  # as Excel, WPS, openpyxl, XlsxWriter write them
    if len(usual) == len(_ANY_SHARED_TYPE.findall(data)):
        try:
            return sum(map(strings.__getitem__, map(int, usual)))
        except IndexError:
            pass
    total = 0
    matched = 0
    for cell in _PLAIN_CELL.finditer(data):
        matched += 1
        if not _SHARED_TYPE.search(cell.group(1)):
            continue
        index = None if cell.group(2) else _SHARED_INDEX.match(data, cell.end())
        if index is None:
            total += longest
        else:
            number = int(index.group(1))
            total += strings[number] if number < len(strings) else 0
    return total if matched == tags else tags * longest


class _StringTable:
    """The UTF-8 length of each string of a shared-string table, read with the standard
    library's XML parser (expat) as the member streams: comments, CDATA and character
    references are read as the reader reads them, so none can shift a string's index.
    Every text within an ``<si>`` counts (phonetic runs too: never less than the reader
    keeps). A table that is not well-formed XML is ``broken``: measured by its size."""

    def __init__(self, file: str, limits: ImportLimits) -> None:
        self.file = file
        self.limits = limits
        self.lengths: array[int] = array("I")
        self.longest = 0
        self.broken = False
        self._depth = 0
        self._current = -1  # the length of the <si> being read; -1 outside one
        self._parser = expat.ParserCreate()
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._text

    def feed(self, data: bytes) -> None:
        if self.broken:
            return
        try:
            self._parser.Parse(data, False)
        except expat.ExpatError:
            self.broken = True

    def close(self) -> None:
        if not self.broken:
            try:
                self._parser.Parse(b"", True)
            except expat.ExpatError:
                self.broken = True

    def _start(self, name: str, _attributes: object) -> None:
        self._depth += 1
        if self._depth == 2 and name.rpartition(":")[2] == "si":
            self._current = 0

    def _end(self, name: str) -> None:
        if self._depth == 2 and self._current >= 0:
            self.lengths.append(self._current)
            self.longest = max(self.longest, self._current)
            self._current = -1
            if len(self.lengths) > self.limits.max_cells:
                raise LimitExceeded(
                    message(
                        "too_many_strings",
                        file=self.file,
                        count=f"> {self.limits.max_cells:,}",
                        limit=f"{self.limits.max_cells:,}",
                    )  # fmt: skip
                )
        self._depth -= 1

    def _text(self, text: str) -> None:
        if self._current >= 0:
            self._current += len(text.encode("utf-8", "surrogatepass"))
