"""Import limits (issue #9 item 4): hostile files are refused by what they declare and hold,
before the reader sees them, with the file, the sheet and the limit named — and the
dangerous reads run in a child process with a memory limit, so that a regression kills
the child, not pytest."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.workforce.io import hostile
from tests.workforce.io.conftest import TEACHERS_HEADER, TEACHERS_ROWS, rendered
from workforce.io.entities import TEACHERS
from workforce.io.importer import import_file
from workforce.io.limits import ImportLimits, LimitExceeded, check_xlsx, column_number
from workforce.io.readers import read_file
from workforce.io.template import write_template

LIMITS = ImportLimits(
    max_bytes=5 * 2**20, max_rows=1000, max_columns=50, max_cells=20_000,
    max_uncompressed_bytes=20 * 2**20,
)  # fmt: skip
REPO = Path(__file__).resolve().parents[3]
CHILD_MEMORY = 1536 * 2**20
"""Address space of the child that reads a hostile file: the far cell wants 512 GB."""


def refusal(path: Path, limits: ImportLimits = LIMITS) -> str:
    with pytest.raises(LimitExceeded) as caught:
        read_file(path, limits)
    text = caught.value.text
    assert text.zh and text.en and path.name in text.zh and path.name in text.en
    return text.en


def test_column_letters_are_numbered_as_excel_does():
    cases = {"A": 1, "Z": 26, "AA": 27, "AZ": 52, "XFD": 16384}
    assert {letters: column_number(letters) for letters in cases} == cases


def test_the_far_cell_is_refused_by_its_declared_dimension(tmp_path):
    text = refusal(hostile.far_cell(tmp_path / "far.xlsx"))
    assert "'教师'" in text and "1,048,576 rows × 16,384 columns" in text
    assert "1,000 rows, 50 columns" in text


def test_the_far_cell_is_refused_when_its_dimension_lies(tmp_path):
    text = refusal(hostile.far_cell(tmp_path / "lying.xlsx", dimension="A1"))
    assert "1,048,576 rows × 16,384 columns" in text


def test_a_declared_dimension_alone_is_refused(tmp_path):
    rows = f'<row r="1">{hostile.inline("A1", "x")}</row>'
    path = hostile.workbook(tmp_path / "dim.xlsx", hostile.sheet_xml("A1:XFD1048576", rows))
    assert "1,048,576 rows" in refusal(path)


def test_cells_without_references_are_counted_where_the_reader_puts_them(tmp_path):
    assert "1 rows × 51 columns" in refusal(
        hostile.cells_without_references(tmp_path / "wide.xlsx", 51)
    )
    sheets = read_file(hostile.cells_without_references(tmp_path / "ok.xlsx", 50), LIMITS)
    assert [len(row) for row in sheets[0].rows] == [50]


def test_a_sheet_within_rows_and_columns_but_beyond_the_cells_is_refused(tmp_path):
    rows = f'<row r="900">{hostile.inline("AX900", "x")}</row>'
    path = hostile.workbook(tmp_path / "area.xlsx", hostile.sheet_xml("A1", rows))
    assert "= 45,000 cells, over the limit of 20,000" in refusal(path)


def test_a_deflate_bomb_is_refused_by_its_declared_size(tmp_path):
    path = hostile.deflate_bomb(tmp_path / "bomb.xlsx", 24)
    assert path.stat().st_size < 100_000
    assert "expands to 24.0 MiB, over the limit of 20.0 MiB" in refusal(path)


def test_a_deflate_bomb_that_lies_about_its_size_is_refused_by_what_it_holds(tmp_path):
    path = hostile.deflate_bomb(tmp_path / "liar.xlsx", 24, declared=1000)
    text = refusal(path)
    assert "expands to > 20.0 MiB, over the limit of 20.0 MiB" in text


def test_a_string_table_declaring_billions_of_strings_is_refused(tmp_path):
    text = refusal(hostile.declared_strings(tmp_path / "strings.xlsx", 4_000_000_000))
    assert "declares 4,000,000,000 shared strings, over the limit of 20,000" in text
    sheets = read_file(hostile.declared_strings(tmp_path / "ok.xlsx", 1), LIMITS)
    assert sheets[0].rows == [["工号"]]


def test_a_member_compressed_by_an_unknown_method_is_refused(tmp_path):
    """Deflate64 (method 9): the reader's library might inflate it, this check cannot
    measure it — refused rather than trusted."""
    path = hostile.workbook(tmp_path / "deflate64.xlsx", hostile.sheet_xml("A1", ""))
    data = bytearray(path.read_bytes())
    patched = 0
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] = 9
            patched += 1
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    assert patched == 10
    assert "compressed by an unsupported method" in refusal(path)


FAR_ROWS = f'<row r="2000">{hostile.inline("ZZ2000", "x")}</row>'
"""A cell beyond the test limits (2,000 rows × 702 columns) with its dimension lying."""


@pytest.mark.parametrize(
    ("member", "target"),
    [
        ("xl/data/far.xml", "data/far.xml"),
        ("xl/data/far.xml", "/xl/data/far.xml"),
        ("xl/worksheets/sheet1.bin", "worksheets/sheet1.bin"),
        ("xl/Worksheets/Sheet1.xml", "worksheets/sheet1.xml"),
        ("xl/worksheets/deeper/sheet1.xml", "worksheets/deeper/sheet1.xml"),
    ],
)
def test_a_sheet_at_an_unusual_path_is_measured_as_the_reader_finds_it(tmp_path, member, target):
    """The reader follows the workbook's relationships to any member; the check once
    measured only ``xl/worksheets/*.xml`` and let these through unmeasured."""
    path = hostile.relocated(tmp_path / "moved.xlsx", member, target,
                             hostile.sheet_xml("A1", FAR_ROWS))
    assert "2,000 rows × 702 columns" in refusal(path)
    small = hostile.sheet_xml("A1", f'<row r="3">{hostile.inline("B3", "x")}</row>')
    sheets = read_file(hostile.relocated(tmp_path / "small.xlsx", member, target, small), LIMITS)
    assert len(sheets[0].rows) == 3  # the reader does read a sheet at that path


@pytest.mark.parametrize("prefix", ["a-b", "x.y", "表"])
def test_tags_under_any_namespace_prefix_are_measured(tmp_path, prefix):
    """An XML prefix may hold '-', '.' or CJK letters; the check once matched only ``\\w``
    prefixes, found no ``sheetData`` and measured nothing."""
    sheet = hostile.prefixed(hostile.sheet_xml("A1", FAR_ROWS), prefix)
    assert "2,000 rows × 702 columns" in refusal(hostile.workbook(tmp_path / "ns.xlsx", sheet))
    small = hostile.prefixed(
        hostile.sheet_xml("A1", f'<row r="3">{hostile.inline("B3", "x")}</row>'), prefix
    )
    assert len(read_file(hostile.workbook(tmp_path / "ok.xlsx", small), LIMITS)[0].rows) == 3


def test_a_string_table_at_an_unusual_path_is_checked(tmp_path):
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>工号</t>'
        "</si></sst>"
    )
    sheet = hostile.sheet_xml("A1", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    path = hostile.relocated(tmp_path / "strings.xlsx", hostile.SHEET, "worksheets/sheet1.xml",
                             sheet, strings=strings)
    assert "declares 4,000,000,000 shared strings" in refusal(path)


def test_a_zip64_sheet_is_measured(tmp_path):
    path = tmp_path / "zip64.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        hostile._package(archive)
        with archive.open(hostile.SHEET, "w", force_zip64=True) as out:
            out.write(hostile.sheet_xml("A1", FAR_ROWS).encode())
    assert "2,000 rows × 702 columns" in refusal(path)


def test_files_and_csv_sheets_beyond_the_limits_are_refused(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" * (5 * 2**20 // 4 + 1))
    assert "over the limit of 5.0 MiB" in refusal(big)
    long = tmp_path / "long.csv"
    long.write_text("工号\n" + "T1\n" * 1000, encoding="utf-8")
    assert "1,001 rows × 1 columns" in refusal(long)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["x"] * 51) + "\n", encoding="utf-8")
    assert "1 rows × 51 columns" in refusal(wide)



def test_a_csv_of_millions_of_short_rows_is_refused_as_it_is_read(tmp_path):
    """Within the size limit a CSV may hold millions of ``,`` rows; they were all listed
    (gigabytes for a 50 MiB file) before being counted. Now reading stops at the first row
    past the limit, which the message shows."""
    short = tmp_path / "short.csv"
    short.write_bytes(b",\n" * 2_000_000)
    assert "1,001 rows × 2 columns" in refusal(short)
    cells = tmp_path / "cells.csv"
    cells.write_text((",".join(["x"] * 40) + "\n") * 900, encoding="utf-8")
    assert "501 rows × 40 columns = 20,040 cells" in refusal(cells)

def test_an_honest_workbook_passes_the_checks(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(TEACHERS, path, "zh")
    check_xlsx(path, LIMITS)
    assert read_file(path, LIMITS)[0].rows[0][0] == "工号"


def test_the_import_fails_with_the_reason_and_reads_nothing(engine, tmp_path):
    report = import_file(
        engine, hostile.deflate_bomb(tmp_path / "教师.xlsx", 24), actor="clerk", limits=LIMITS
    )
    assert report.status == "failed" and len(report.problems) == 1
    assert "compression bomb" in rendered(report)[0]
    assert not report.sheets  # refused before reading: no "row 2: name is required"


def _in_child(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python child limited to :data:`CHILD_MEMORY` of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, preexec_fn=limit, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["far", "lying", "bomb", "liar", "strings"])
def test_the_cli_survives_every_hostile_file_and_names_the_reason(
    kind, tmp_path, database_url, env
):
    """``workforce import`` in a child process: exit 1 with the refusal, no crash."""
    build = {
        "far": lambda p: hostile.far_cell(p),
        "lying": lambda p: hostile.far_cell(p, dimension="A1"),
        "bomb": lambda p: hostile.deflate_bomb(p, 40),
        "liar": lambda p: hostile.deflate_bomb(p, 40, declared=2000),
        "strings": lambda p: hostile.declared_strings(p, 4_000_000_000),
    }[kind]
    path = build(tmp_path / f"{kind}.xlsx")
    child = _in_child(
        f"""
        import sys
        from workforce.cli import app
        sys.argv = ["workforce", "import", {str(path)!r}, "--lang", "en"]
        app()
        """,
        {
            "WORKFORCE_DATABASE_URL": database_url,
            "WORKFORCE_IMPORT_MAX_UNCOMPRESSED_BYTES": str(32 * 2**20),
        },
    )
    assert child.returncode == 1, (child.returncode, child.stderr[-2000:])
    expected = {
        "far": "spans 1,048,576 rows", "lying": "spans 1,048,576 rows",
        "strings": "declares 4,000,000,000 shared strings",
    }.get(kind, "over the limit of 32.0 MiB")  # fmt: skip
    assert expected in child.stdout and path.name in child.stdout, child.stdout
    assert "Traceback" not in child.stderr


def test_an_honest_file_still_imports_in_the_child(tmp_path, database_url, write_csv, env):
    """The same child, an honest file: the limits do not refuse ordinary sheets."""
    schools = write_csv("schools.csv", ["学校代码", "学校名称", "所在街道/镇", "城乡类别", "学段"],
                        [["S01", "埔前中心小学", "埔前", "农村", "小学"],
                         ["S02", "东埔中学", "东埔", "城区", "初中"]])  # fmt: skip
    teachers = write_csv("teachers.csv", TEACHERS_HEADER, TEACHERS_ROWS)
    outputs = []
    for path in (schools, teachers):
        child = _in_child(
            f"""
            import sys
            from workforce.cli import app
            sys.argv = ["workforce", "import", {str(path)!r}, "--lang", "en"]
            app()
            """,
            {"WORKFORCE_DATABASE_URL": database_url},
        )
        assert child.returncode == 0, (child.stdout, child.stderr[-2000:])
        outputs.append(child.stdout)
    assert len(outputs) == 2 and "2 new" in outputs[1]


def test_the_cell_limit_holds_for_the_whole_workbook(tmp_path):
    """The reader reads every sheet: ten sheets of one far cell each, within the per-sheet
    limit, took 1.3 GB from a 4 KB file. Three sheets of 15,000 cells are refused at the second (limit
    20,000), one is read."""
    text = refusal(hostile.many_sheets(tmp_path / "many.xlsx", 3, "AX300"))
    assert "30,000 cells over all its sheets" in text and "limit of 20,000" in text
    sheets = read_file(hostile.many_sheets(tmp_path / "one.xlsx", 1, "AX300"), LIMITS)
    assert [len(sheet.rows) for sheet in sheets] == [300]


MIB = "x" * 2**20
SHARED_ECHOES = {
    "plain": ([MIB], {}),
    "quoted with apostrophes": ([MIB], {"cell": "<c r='{ref}' t='s'><v>{index}</v></c>"}),
    "spaced attribute": ([MIB], {"cell": '<c r="{ref}"\n t = "s"><v>{index}</v></c>'}),
    "formula before the index": ([MIB], {"cell": '<c r="{ref}" t="s"><f>A1</f><v>{index}</v></c>'}),
    "every cell at A1": ([MIB], {"cell": '<c r="A1" t="s"><v>{index}</v></c>'}),
    "a comment shifts the strings": (["a<!--</t></si><si><t>-->", MIB], {"index": 1}),
    "CDATA shifts the strings": (["<![CDATA[</t></si><si><t>]]>", MIB], {"index": 1}),
}


@pytest.mark.parametrize("case", SHARED_ECHOES)
def test_a_shared_string_counts_at_every_cell_that_names_it(tmp_path, case):
    """The reader copies a shared string into every cell naming it: a 1 MiB string named by
    1,000 cells, a 5 KB file, took 2.1 GB. 30 uses of a 1 MiB string pass the 20 MiB limit
    however the cells and the table are written; 15 uses are read."""
    strings, how = SHARED_ECHOES[case]
    sheet = hostile.string_uses(30, columns=10, **how)
    text = refusal(hostile.shared_strings(tmp_path / "echo.xlsx", strings, sheet))
    assert "'教师'" in text and "each string counted at every cell that names it" in text
    within = hostile.shared_strings(tmp_path / "ok.xlsx", strings, hostile.string_uses(15, **how))
    cells = [cell for row in read_file(within, LIMITS)[0].rows for cell in row if cell != ""]
    assert len(cells) == (1 if case == "every cell at A1" else 15)
    assert all(len(cell) == 2**20 for cell in cells)


def test_every_shared_string_echo_is_checked():
    assert len(SHARED_ECHOES) == 7


def test_a_namespaced_sheet_counts_its_shared_strings_too(tmp_path):
    sheet = hostile.prefixed(hostile.string_uses(30), "x")
    text = refusal(hostile.shared_strings(tmp_path / "prefixed.xlsx", [MIB], sheet))
    assert "each string counted at every cell that names it" in text
