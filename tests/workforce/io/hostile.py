"""Hostile xlsx files, built byte by byte in the tests (issue #9 item 4): a tiny workbook
whose one cell sits at XFD1048576 (with the dimension declared or lying), a sheet whose
cells leave their references out, and deflate bombs (with true or lying declared sizes).

Each workbook is the minimum an xlsx reader accepts: content types, the package and
workbook relationships, ``xl/workbook.xml`` naming one sheet 教师, and the sheet.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="教师" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(dimension: str, rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _package(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", PACKAGE_RELS)
    archive.writestr("xl/workbook.xml", WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)


def workbook(path: Path, sheet: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _package(archive)
        archive.writestr(SHEET, sheet)
    return path


def far_cell(path: Path, *, dimension: str = "A1:XFD1048576") -> Path:
    """One cell at XFD1048576; ``dimension`` as declared (``A1`` makes it lie)."""
    return workbook(
        path, sheet_xml(dimension, f'<row r="1048576">{inline("XFD1048576", "x")}</row>')
    )


def cells_without_references(path: Path, columns: int) -> Path:
    """One row of ``columns`` cells none of which says where it is (the reader counts)."""
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(columns))
    return workbook(path, sheet_xml("A1", f"<row>{cells}</row>"))


def declared_strings(path: Path, count: int) -> Path:
    """A shared-string table declaring ``count`` strings and holding one (the reader
    reserves memory for the declared count up front)."""
    types = CONTENT_TYPES.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}"><si><t>工号</t></si></sst>',
        )
        archive.writestr(SHEET, sheet_xml("A1", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
    return path


def deflate_bomb(path: Path, mebibytes: int, *, declared: int | None = None) -> Path:
    """A sheet padded with ``mebibytes`` MiB of spaces (a thousandth of that on disk).

    With ``declared`` the zip's local and central headers claim that many bytes instead:
    a bomb that lies about its size.
    """
    head = sheet_xml("A1", f'<row r="1">{inline("A1", "工号")}</row>').split("</sheetData>")[0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _package(archive)
        with archive.open(SHEET, "w") as out:
            out.write(head.encode())
            block = b" " * 2**20
            for _ in range(mebibytes):
                out.write(block)
            out.write(b"</sheetData></worksheet>")
    if declared is not None:
        _lie_about_size(path, SHEET, declared)
    return path


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Overwrite ``member``'s uncompressed size in its local and central headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04" + b"\x00" * 0)
    patched = 0
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, declared)
            patched += 1
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, declared)
            patched += 1
        central = data.find(b"PK\x01\x02", central + 4)
    assert patched == 2, patched
    path.write_bytes(bytes(data))


def relocated(path: Path, member: str, target: str, sheet: str, *, strings: str | None = None) -> Path:
    """A workbook whose one sheet is the zip member ``member``, which the workbook's
    relationships name as ``target`` (the reader follows them: any path, any extension,
    an absolute target, another letter case). With ``strings`` the shared-string table is
    the member ``xl/strings.bin`` holding that XML."""
    rels = WORKBOOK_RELS.replace('Target="worksheets/sheet1.xml"', f'Target="{target}"')
    if strings is not None:
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="strings.bin"/></Relationships>',
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr(member, sheet)
        if strings is not None:
            archive.writestr("xl/strings.bin", strings)
    return path


def prefixed(sheet: str, prefix: str) -> str:
    """``sheet`` with every tag under the namespace prefix ``prefix`` (``a-b``, ``表``):
    legal XML the reader accepts, whatever the prefix."""
    sheet = sheet.replace("<worksheet xmlns=", f"<{prefix}:worksheet xmlns:{prefix}=")
    sheet = sheet.replace("</worksheet>", f"</{prefix}:worksheet>")
    for tag in ("dimension", "sheetData", "row", "c", "is", "t", "v"):
        for before, after in ((f"<{tag} ", f"<{prefix}:{tag} "), (f"<{tag}>", f"<{prefix}:{tag}>"),
                              (f"</{tag}>", f"</{prefix}:{tag}>"), (f"<{tag}/>", f"<{prefix}:{tag}/>")):
            sheet = sheet.replace(before, after)
    return sheet


STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def _column(index: int) -> str:
    """Excel's letters of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def shared_strings(path: Path, strings: list[str], sheet: str) -> Path:
    """A workbook whose shared-string table holds ``strings`` (each ``<si><t>…</t></si>``,
    written as given: markup allowed) and whose one sheet is ``sheet``."""
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("</Types>", STRINGS_TYPE))
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", WORKBOOK_RELS.replace("</Relationships>", STRINGS_REL)
        )
        archive.writestr(SHEET, sheet)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
            f"{items}</sst>",
        )
    return path


def string_uses(count: int, index: int = 0, *, columns: int = 10, cell: str | None = None) -> str:
    """A sheet of ``count`` cells (``columns`` a row) naming shared string ``index``; ``cell``
    overrides each cell's XML (``{ref}`` and ``{index}`` filled in)."""
    template = cell or '<c r="{ref}" t="s"><v>{index}</v></c>'
    rows = []
    for row in range((count + columns - 1) // columns):
        cells = "".join(
            template.format(ref=f"{_column(c)}{row + 1}", index=index)
            for c in range(min(columns, count - row * columns))
        )
        rows.append(f'<row r="{row + 1}">{cells}</row>')
    return sheet_xml("A1", "".join(rows))


def many_sheets(path: Path, count: int, ref: str) -> Path:
    """A workbook of ``count`` sheets, each holding one cell at ``ref`` (each within the
    per-sheet limits: together far beyond)."""
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(count))
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/s{i}.xml"/>'
        for i in range(count)
    )
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr(
            "xl/workbook.xml",
            WORKBOOK.replace('<sheet name="教师" sheetId="1" r:id="rId1"/>', sheets),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
            f'"http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for i in range(count):
            archive.writestr(
                f"xl/worksheets/s{i}.xml",
                sheet_xml("A1", f'<row r="{row}">{inline(ref, "x")}</row>'),
            )
    return path
