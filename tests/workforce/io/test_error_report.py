"""The error report: the clerk's rows in the template's layout, an error column, the bad
cells highlighted, a problem list; fixed and uploaded again, it imports."""

from __future__ import annotations

import datetime as dt

import openpyxl
from sqlmodel import Session, select

from tests.workforce.io.conftest import TEACHERS_HEADER, TEACHERS_ROWS, rendered
from workforce.io.entities import TEACHERS
from workforce.io.error_report import write_error_report
from workforce.io.importer import import_file
from workforce.models import Teacher

BAD_FILL = "FFFFC7CE"


def test_error_report_can_be_fixed_and_uploaded_again(registry, write_csv, tmp_path):
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[1][6] = "S99"
    rows[1][7] = "2018-02-30"
    header = ["备注", *TEACHERS_HEADER]  # an unknown column is left out of the report
    path = write_csv("teachers.csv", header, [["x", *row] for row in rows])
    report = import_file(registry, path, actor="clerk")
    assert report.status == "failed" and len(report.problems) == 2
    out = tmp_path / "errors.xlsx"
    write_error_report(report, out)

    book = openpyxl.load_workbook(out)
    sheet = book["教师"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.zh for c in TEACHERS.columns if c.zh in TEACHERS_HEADER] + ["错误说明"]
    school, joined = headers.index("学校代码") + 1, headers.index("到本校任教时间") + 1
    assert sheet.cell(3, school).value == "S99"
    assert sheet.cell(3, school).fill.fgColor.rgb == BAD_FILL
    assert sheet.cell(3, joined).fill.fgColor.rgb == BAD_FILL
    assert sheet.cell(2, school).fill.fgColor.rgb != BAD_FILL
    said = sorted(sheet.cell(3, len(headers)).value.split("；"))
    assert len(said) == 2  # each after its column's header: which field, not only the red cell
    assert said[0].startswith("到本校任教时间：") and "2018-02-30" in said[0]
    assert said[1].startswith("学校代码：") and "S99" in said[1]
    assert sheet.cell(2, len(headers)).value is None
    problems = book["问题清单"]
    assert [c.value for c in problems[2]][:5] == ["teachers.csv", "teachers", 3, "H", "学校代码"]

    sheet.cell(3, school).value = "S02"
    sheet.cell(3, joined).value = "2018-03-01"
    book.save(out)
    fixed = import_file(registry, out, actor="clerk")
    assert fixed.status == "committed", rendered(fixed)
    assert fixed.counts()["teachers.updated"] == 1


def test_error_report_of_a_workbook_with_two_teacher_sheets(registry, tmp_path):
    """A school's workbook with a sheet per section, both of teachers: the report keeps both
    (Excel refuses two sheets of one name: the report was a traceback, a 500 on the web)."""
    path = tmp_path / "two-sections.xlsx"
    book = openpyxl.Workbook()
    for title, row in (("小学部", TEACHERS_ROWS[0]), ("初中部", TEACHERS_ROWS[1])):
        sheet = book.create_sheet(title)
        sheet.append(TEACHERS_HEADER)
        sheet.append([f"N{row[0]}", *row[1:4], None, row[5], "S99", *row[7:]])
    del book["Sheet"]
    book.save(path)
    report = import_file(registry, path, actor="clerk")
    assert report.status == "failed", rendered(report)
    assert len(report.problems) == 2, rendered(report)
    out = tmp_path / "errors.xlsx"
    write_error_report(report, out)

    written = openpyxl.load_workbook(out)
    assert written.sheetnames[:2] == ["教师", "教师（2）"]
    for name, staff_no in (("教师", "NT001"), ("教师（2）", "NT002")):
        sheet = written[name]
        school = [c.value for c in sheet[1]].index("学校代码") + 1
        assert sheet.cell(2, 1).value == staff_no
        assert sheet.cell(2, school).fill.fgColor.rgb == BAD_FILL
        sheet.cell(2, school).value = "S01"
    written.save(out)
    fixed = import_file(registry, out, actor="clerk")
    assert fixed.status == "committed", rendered(fixed)
    assert fixed.counts()["teachers.created"] == 2


def test_a_fixed_error_report_changes_no_column_the_clerks_file_did_not_have(
    registry, write_csv, tmp_path
):
    """The report wrote every column of the template, those the clerk's file did not have
    blank; uploaded again once fixed, the blank columns cleared 最高学历 and 参加工作时间 of
    every row — of the rows that had no problem too."""
    full_header = [*TEACHERS_HEADER, "最高学历", "参加工作时间"]
    full = write_csv("full.csv", full_header, [[*r, "本科", "2007-09-01"] for r in TEACHERS_ROWS])
    assert import_file(registry, full, actor="hr").status == "committed"
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[1][6] = "S99"
    report = import_file(registry, write_csv("bad.csv", TEACHERS_HEADER, rows), actor="clerk")
    assert report.status == "failed" and len(report.problems) == 1
    out = tmp_path / "errors.xlsx"
    write_error_report(report, out)

    book = openpyxl.load_workbook(out)
    sheet = book["教师"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(3, headers.index("学校代码") + 1).value = "S01"  # T002 moves to S01
    book.save(out)
    fixed = import_file(registry, out, actor="clerk")
    assert fixed.status == "committed", rendered(fixed)
    assert (fixed.counts()["teachers.updated"], fixed.counts()["teachers.unchanged"]) == (1, 1)
    with Session(registry) as session:
        kept = {t.staff_no: (t.education, t.first_employed_on) for t in session.exec(select(Teacher))}
    assert kept == {"T001": ("bachelor", dt.date(2007, 9, 1)), "T002": ("bachelor", dt.date(2007, 9, 1))}
    assert sorted(headers[:-1]) == sorted(TEACHERS_HEADER) and headers[-1] == "错误说明"


def test_every_listed_problem_links_to_its_highlighted_cell_in_the_report(registry, tmp_path):
    """The problem list gives the row and column of the clerk's file; the report has no title
    rows, no blank rows and the template's column order, so "row 5, column B" named another
    cell of the report. Each problem now also names and links its cell in the report."""
    path = tmp_path / "花名册.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["埔前中心小学教师花名册"])
    header = ["序号", "学校代码", *[h for h in TEACHERS_HEADER if h != "学校代码"]]
    sheet.append(header)
    for n, row in enumerate(TEACHERS_ROWS, start=1):
        values = dict(zip(TEACHERS_HEADER, row, strict=True))
        values.update(序号=n, 身份证号=None, 工号=f"N{n}")
        if n == 2:
            values.update(学校代码="S99", 出生日期="1990-02-30")
            sheet.append([None] * len(header))  # a blank row before it
        sheet.append([values[h] for h in header])
    book.save(path)
    report = import_file(registry, path, actor="clerk")
    assert report.status == "failed" and len(report.problems) == 2, rendered(report)
    out = tmp_path / "errors.xlsx"
    write_error_report(report, out)

    written = openpyxl.load_workbook(out)
    listed = written["问题清单"]
    titles = [c.value for c in listed[1]]
    assert titles[-1] == "本报告中的单元格"
    checked = 0
    for line in listed.iter_rows(min_row=2):
        row, column, value, link = line[2].value, line[3].value, line[5].value, line[-1]
        assert (row, column) in {(5, "B"), (5, "F")}  # the clerk's file: row 5, B and F
        sheet_name, cell = link.value.split("!")
        assert link.hyperlink.location == f"'{sheet_name}'!{cell}"
        target = written[sheet_name][cell]
        assert target.value == value and target.fill.fgColor.rgb == BAD_FILL
        assert cell[1:] == "3"  # the report's row 3: header, then the two rows
        checked += 1
    assert checked == 2
