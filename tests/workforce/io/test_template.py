"""The template: headers as clerks write them, comments, drop-downs, the codes sheet; and an
empty template imports as "nothing changed"."""

from __future__ import annotations

import openpyxl
import pytest

from workforce.codes import code_list
from workforce.io.entities import SPECS, TEACHERS
from workforce.io.importer import import_file
from workforce.io.template import write_template


def test_teacher_template_has_headers_comments_dropdowns_and_codes(tmp_path):
    out = tmp_path / "teachers.xlsx"
    write_template(TEACHERS, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["教师", "代码表"]
    sheet = book["教师"]
    assert [c.value for c in sheet[1]] == [c.zh for c in TEACHERS.columns]
    staff_no = sheet.cell(1, 1).comment.text
    assert "Staff number" in staff_no and "必填 / required" in staff_no and "YC000123" in staff_no
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    gender = validations["C2"]
    assert gender.type == "list" and "代码表" in gender.formula1
    assert validations["N2"].formula1 == '"是,否"'
    assert "K2" not in validations  # several subjects in one cell: no drop-down
    codes = book["代码表"]
    titles = [c.value for c in codes[1]]
    # each list by its name for users (性别), not its file's (genders)
    assert all(not t.isascii() for t in titles[::2]) and len(titles) >= 8, titles
    column = titles.index("性别（中文）") + 1
    assert [codes.cell(r, column).value for r in (2, 3)] == [
        c.zh for c in code_list("genders").codes
    ]


@pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))
def test_every_template_is_recognised_by_the_importer(engine, tmp_path, spec):
    out = tmp_path / f"{spec.name}.xlsx"
    write_template(spec, out)
    report = import_file(engine, out, actor="clerk")
    assert report.status == "unchanged"
    assert [s.spec for s in report.sheets] == [spec]


def test_the_columns_of_numbers_kept_as_text_are_text_columns(tmp_path):
    # 身份证号's comment said "文本格式" but the column was General: typed into Excel, an ID
    # number became 4.41602E+17 and lost its last digits; codes lost their leading zeros.
    out = tmp_path / "teachers.xlsx"
    write_template(TEACHERS, out)
    sheet = openpyxl.load_workbook(out)["教师"]
    columns = {}  # column number → its <col> entry (Excel groups equal neighbours in one)
    for dimension in sheet.column_dimensions.values():
        for number in range(dimension.min, dimension.max + 1):
            columns[number] = dimension
    textual = sorted(cell.value for cell in sheet[1]
                     if columns[cell.column].number_format == "@")  # fmt: skip
    assert textual == sorted(["工号", "姓名", "身份证号", "学校代码"])
    assert columns[[c.value for c in sheet[1]].index("身份证号") + 1].width >= 20
