"""Importing sheets into the registry: validation before writing, all or nothing, upsert by
natural key, change reports, the import log and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from tests.workforce.io.conftest import (
    LI_ID,
    SCHOOLS_HEADER,
    SCHOOLS_ROWS,
    TEACHERS_HEADER,
    TEACHERS_ROWS,
    WANG_ID,
    count,
    disclosures_only,
    id_number,
    rendered,
    snapshot,
)
from workforce.idnumber import decrypt, lookup_hash, mask
from workforce.io.entities import TEACHERS
from workforce.io.importer import import_file
from workforce.io.summary import summary_lines
from workforce.io.validate import NUMBER_ELSEWHERE, NUMBER_MATCHED, NUMBER_NAMED
from workforce.models import AuditLog, ImportBatch, School, Teacher
from workforce.services.teachers import TeacherUpdate


def test_teachers_are_created_with_codes_dates_lists_and_protected_id_numbers(registry):
    with Session(registry) as session:
        li = session.exec(select(Teacher).where(Teacher.staff_no == "T001")).scalar_one()
        school = session.get(School, li.school_id)
        assert school is not None and school.code == "S01"
        assert school.classes_by_grade == [3, 3, 3, 3, 3, 3]
        assert (li.gender, li.main_subject, li.other_subjects) == ("male", "math", ["science"])
        assert (li.title, li.is_head_teacher, li.post_type) == ("first", True, "established")
        assert li.joined_school_on == dt.date(2015, 8, 28)
        assert decrypt(li.id_number_encrypted) == LI_ID
        assert li.id_number_hash == lookup_hash(LI_ID)


def test_english_headers_and_a_title_row_above_them_are_understood(engine, write_csv):
    english = ["School code", "School name", "Town", "Zone", "School level"]
    path = write_csv(
        "anything.csv",
        ["源城区学校名单"],
        [[], english, ["S09", "高莲小学", "新江", "urban", "Primary school"]],
    )
    report = import_file(engine, path, actor="clerk")
    assert report.status == "committed", rendered(report)
    assert report.changes[0].spec.name == "schools"


def test_entity_is_detected_from_the_sheet_name(engine, write_csv):
    path = write_csv(
        "学校.csv",
        ["代码", "名称", "街道", "城乡类别", "学段"],
        [["S09", "高莲小学", "新江", "城区", "小学"]],
    )
    assert import_file(engine, path, actor="clerk").status == "committed"


def test_reimporting_the_same_sheet_changes_nothing_and_says_so(registry, write_csv):
    before = snapshot(registry)
    report = import_file(
        registry, write_csv("again.csv", TEACHERS_HEADER, TEACHERS_ROWS), actor="clerk"
    )
    assert report.status == "unchanged"
    assert report.counts()["teachers.unchanged"] == 2
    assert any("nothing changed" in line for line in summary_lines(report, "en"))
    after = snapshot(registry)
    assert after["importbatch"][-1][5] == "unchanged"
    # the sheet's full numbers are the stored ones, which "unchanged" tells: on record
    assert disclosures_only(registry, before, logged=True) == [
        ("unmask", "T001", NUMBER_MATCHED), ("unmask", "T002", NUMBER_MATCHED)]  # fmt: skip


def test_changes_are_reported_field_by_field_and_audited(registry, write_csv):
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][6] = "S02"  # school
    rows[0][10] = "高级教师"  # title
    report = import_file(registry, write_csv("moved.csv", TEACHERS_HEADER, rows), actor="hr-li")
    assert report.status == "committed"
    [update] = report.changes[0].updates
    assert {(c.column.key, c.before, c.after) for c in update.changes} == {
        ("school_code", "S01", "S02"),
        ("title", "first", "senior"),
    }
    lines = summary_lines(report, "zh")
    assert "教师 T001：学校代码 S01 → S02" in lines
    assert "教师 T001：职称 一级教师 → 高级教师" in lines
    with Session(registry) as session:
        entry = session.exec(
            select(AuditLog).where(AuditLog.action == "update", AuditLog.entity_key == "T001")
        ).scalar_one()
        teacher = session.exec(select(Teacher).where(Teacher.staff_no == "T001")).scalar_one()
    assert (entry.actor, entry.import_batch_id) == ("hr-li", report.batch_id)
    assert entry.before == {"school_code": "S01", "title": "first"}
    assert entry.after == {"school_code": "S02", "title": "senior"}
    assert teacher.version == 2


def test_audit_log_never_holds_an_id_number_in_clear(registry, write_csv):
    rows = [list(TEACHERS_ROWS[0])]
    new_number = id_number(dt.date(1985, 3, 12), 135)
    rows[0][4] = new_number
    assert (
        import_file(registry, write_csv("id.csv", TEACHERS_HEADER, rows), actor="hr").status
        == "committed"
    )
    with Session(registry) as session:
        logged = " ".join(
            str((e.before, e.after)) for e in session.exec(select(AuditLog)).scalars()
        )
    assert LI_ID not in logged and new_number not in logged
    assert mask(LI_ID) in logged and mask(new_number) in logged


def test_a_masked_id_number_means_unchanged(registry, write_csv):
    rows = [list(TEACHERS_ROWS[0])]
    rows[0][4] = "441602********1234"
    report = import_file(registry, write_csv("masked.csv", TEACHERS_HEADER, rows), actor="hr")
    assert report.status == "unchanged", rendered(report)
    with Session(registry) as session:
        li = session.exec(select(Teacher).where(Teacher.staff_no == "T001")).scalar_one()
    assert decrypt(li.id_number_encrypted) == LI_ID


def test_a_new_teacher_cannot_have_a_masked_id_number(registry, write_csv):
    row = [
        "T009",
        "赵六",
        "男",
        "1985-03-12",
        "441602********1234",
        "在编",
        "S01",
        "2020-09-01",
        "数学",
        "",
        "",
        "",
    ]
    report = import_file(registry, write_csv("new.csv", TEACHERS_HEADER, [row]), actor="hr")
    assert report.status == "failed"
    assert "masked" in rendered(report)[0]


def test_duplicate_staff_numbers_within_the_file_name_both_rows(engine, write_csv):
    import_file(engine, write_csv("schools.csv", SCHOOLS_HEADER, SCHOOLS_ROWS), actor="setup")
    rows = [TEACHERS_ROWS[0], TEACHERS_ROWS[1], [*TEACHERS_ROWS[1][:4], "", *TEACHERS_ROWS[1][5:]]]
    report = import_file(engine, write_csv("dup.csv", TEACHERS_HEADER, rows), actor="hr")
    assert report.status == "failed"
    [problem] = report.problems
    assert (problem.row, problem.column_letter, problem.header) == (4, "A", "工号")
    assert "第 3 行" in problem.text.zh and problem.row == 4


def test_an_existing_staff_number_updates_the_teacher_instead_of_adding_one(registry, write_csv):
    rows = [list(TEACHERS_ROWS[1])]
    rows[0][1] = "王芳芳"
    report = import_file(registry, write_csv("rename.csv", TEACHERS_HEADER, rows), actor="hr")
    assert report.counts()["teachers.updated"] == 1
    assert count(registry, "teacher") == 2
    with Session(registry) as session:  # the search's pinyin initials follow the name
        initials = dict(session.execute(select(Teacher.name, Teacher.name_initials)).all())
    assert initials == {"李明": "lm", "王芳芳": "wff"}  # one inserted, one renamed


def test_duplicate_id_numbers_in_the_file_and_against_the_database(registry, write_csv):
    rows = [
        ["T010", "甲", "男", "1985-03-12", LI_ID, "在编", "S01", "2020-09-01", "数学", "", "", ""],
        ["T011", "乙", "男", "1970-01-01", id_number(dt.date(1970, 1, 1), 11), "在编", "S01", "2020-09-01", "数学", "", "", ""],
        ["T012", "丙", "男", "1970-01-01", id_number(dt.date(1970, 1, 1), 11), "在编", "S01", "2020-09-01", "数学", "", "", ""],
    ]  # fmt: skip
    report = import_file(registry, write_csv("ids.csv", TEACHERS_HEADER, rows), actor="hr")
    messages = rendered(report)
    assert len(messages) == 2
    assert "row 2" in messages[0] and "belongs to teacher T001" in messages[0]
    assert "row 4" in messages[1] and "duplicates row 3 (staff number T011)" in messages[1]


def test_unknown_school_codes_are_named_with_row_and_column(registry, write_csv):
    row = ["T020", "钱七", "女", "1990-07-01", "", "在编", "S99", "2020-09-01", "语文", "", "", ""]
    report = import_file(registry, write_csv("unknown.csv", TEACHERS_HEADER, [row]), actor="hr")
    [problem] = report.problems
    assert (problem.file, problem.row, problem.column_letter, problem.value) == (
        "unknown.csv",
        2,
        "G",
        "S99",
    )
    assert problem.text.zh == "学校代码“S99”在数据库和本文件中都不存在"


def test_text_cells_are_trimmed_and_blank_or_over_long_ones_named(registry, write_csv):
    base = ["男", "1985-03-12", "", "在编"]
    rest = ["2020-09-01", "数学", "", "", ""]
    good = [["  T040 ", " 孙八 ", *base, " S01", *rest]]
    report = import_file(registry, write_csv("ok.csv", TEACHERS_HEADER, good), actor="hr")
    assert report.status == "committed", rendered(report)
    with Session(registry) as session:
        added = session.exec(select(Teacher).where(Teacher.staff_no == "T040")).scalar_one()
    assert added.name == "孙八"
    bad = [
        ["T041", "  ", *base, "S01", *rest],
        ["T042", "长" * 51, *base, "  ", *rest],
    ]
    report = import_file(registry, write_csv("bad.csv", TEACHERS_HEADER, bad), actor="hr")
    found = [(p.row, p.column_letter, p.text.en) for p in report.problems]
    assert found == [
        (2, "B", "this column is required"),
        (3, "B", "longer than 50 characters"),
        (3, "G", "this column is required"),
    ]


def test_id_numbers_mangled_by_excel_and_wrong_check_characters_are_caught(registry, write_csv):
    base = ["在编", "S01", "2020-09-01", "语文", "", "", ""]
    rows = [
        ["T030", "甲", "男", "1987-09-01", "4.41602198709011E+17", *base],
        ["T031", "乙", "男", "1982-07-29", "130402198207290622", *base],
    ]
    report = import_file(registry, write_csv("ids.csv", TEACHERS_HEADER, rows), actor="hr")
    first, second = report.problems
    assert "scientific notation" in first.text.en and first.column_letter == "E"
    assert "check character" in second.text.en and second.row == 3


def test_birth_date_and_gender_must_agree_with_the_id_number(registry, write_csv):
    row = ["T040", "孙八", "女", "1985-03-13", id_number(dt.date(1985, 3, 12), 125), "在编", "S01", "2020-09-01", "语文", "", "", ""]  # fmt: skip
    report = import_file(registry, write_csv("agree.csv", TEACHERS_HEADER, [row]), actor="hr")
    assert [p.header for p in report.problems] == ["性别", "出生日期"]
    assert "1985-03-12" in report.problems[1].text.zh


def test_a_failed_import_leaves_every_table_unchanged_row_by_row(registry, write_csv):
    before = snapshot(registry)
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][1] = "改了名字"
    rows.append(
        ["T050", "新人", "男", "1990-13-01", "", "在编", "S01", "2020-09-01", "语文", "", "", ""]
    )
    report = import_file(registry, write_csv("bad.csv", TEACHERS_HEADER, rows), actor="hr")
    assert report.status == "failed"
    after = snapshot(registry)
    assert {k: v for k, v in after.items() if k != "importbatch"} == {
        k: v for k, v in before.items() if k != "importbatch"
    }
    assert after["importbatch"][:-1] == before["importbatch"]
    with Session(registry) as session:
        batch = session.get(ImportBatch, report.batch_id)
    assert batch is not None and batch.status == "failed"
    assert batch.counts == {"rows": 3, "problems": 1}


def test_a_dry_run_writes_nothing_and_says_what_would_change(registry, write_csv):
    before = snapshot(registry)
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[1][11] = "是"
    rows.append(
        ["T060", "新人", "男", "1990-01-01", "", "临聘", "S01", "2020.9.1", "体育", "", "", ""]
    )
    report = import_file(
        registry, write_csv("dry.csv", TEACHERS_HEADER, rows), actor="hr", dry_run=True
    )
    assert report.status == "dry_run"
    assert report.counts() | {} == {
        "rows": 3, "problems": 0, "teachers.created": 1, "teachers.updated": 1,
        "teachers.unchanged": 1,
    }  # fmt: skip
    assert "Teachers T002: Head teacher no → yes" in summary_lines(report, "en")
    # the rows give T001's and T002's full numbers, which the answer says are the stored ones
    # (one row reads unchanged): an unmasking each, on record; nothing else is written
    assert disclosures_only(registry, before) == [
        ("unmask", "T001", NUMBER_MATCHED), ("unmask", "T002", NUMBER_MATCHED)]  # fmt: skip


def test_a_workbook_sheet_may_reference_rows_of_another_sheet_and_of_the_database(
    registry, tmp_path
):
    path = tmp_path / "workbook.xlsx"
    sheets = {
        "教师资格证": (["工号", "资格种类", "任教学科", "证书编号", "有效期至"],
                  [["T001", "小学", "数学", "C-1", dt.date(2027, 8, 31)], ["T070", "初中", "体育", "C-2", None]]),
        "教师": (TEACHERS_HEADER,
               [["T070", "周九", "男", "1980-05-05", None, "在编", "S03", "2020-09-01", "体育", None, None, None]]),
        "学校": (SCHOOLS_HEADER, [["S03", "下角小学", "源西", "城区", "小学", None, None]]),
    }  # fmt: skip
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, (header, rows) in sheets.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    sheet.write_string(r, c, value)
    workbook.close()
    report = import_file(registry, path, actor="hr")
    assert report.status == "committed", rendered(report)
    assert [c.spec.name for c in report.changes] == ["schools", "teachers", "certificates"]
    assert report.counts()["certificates.created"] == 2
    with Session(registry) as session:
        batch = session.get(ImportBatch, report.batch_id)
    assert batch is not None and batch.entity == "schools+teachers+certificates"


def test_child_records_are_checked_for_order_hours_and_teachers(registry, write_csv):
    designations = write_csv(
        "designations.csv",
        ["工号", "称号类别", "级别", "任期开始", "任期结束"],
        [["T001", "骨干教师", "区级", "2023-09-01", "2023-08-31"], ["T404", "骨干教师", "区级", "2023-09-01", "2026-08-31"]],
    )  # fmt: skip
    messages = rendered(import_file(registry, designations, actor="hr"))
    assert "Term end (2023-08-31) is before Term start (2023-09-01)" in messages[0]
    assert "staff number 'T404' is neither in the database nor in this file" in messages[1]
    training = write_csv(
        "training.csv",
        ["工号", "培训日期", "学时", "培训类别"],
        [["T001", "2024-07-15", "0", "集中"]],
    )
    assert "must be greater than 0" in rendered(import_file(registry, training, actor="hr"))[0]


def test_training_upserts_by_its_documented_key(registry, write_csv):
    header = ["工号", "培训日期", "学时", "培训类别", "培训机构", "培训项目"]
    first = write_csv(
        "t1.csv", header, [["T001", "2024-07-15", "24", "集中", "市教师发展中心", "新课标"]]
    )
    first_report = import_file(registry, first, actor="hr")
    assert first_report.status == "committed", rendered(first_report)
    with Session(registry) as session:
        created = session.exec(select(AuditLog).where(AuditLog.entity == "trainingrecord")).one()
    # staff number | date | category | provider | certificate number (blank)
    assert created[0].entity_key == "T001|2024-07-15|centralised|市教师发展中心|"
    more_hours = write_csv(
        "t2.csv", header, [["T001", "2024/7/15", "24.5", "集中培训", "市教师发展中心", "新课标"]]
    )
    report = import_file(registry, more_hours, actor="hr")
    assert report.counts()["training.updated"] == 1
    assert [
        (c.column.key, str(c.before), str(c.after)) for c in report.changes[0].updates[0].changes
    ] == [("hours", "24.0", "24.5")]
    assert count(registry, "trainingrecord") == 1


def test_a_missing_required_column_fails_the_sheet(engine, write_csv):
    path = write_csv("teachers.csv", ["工号", "姓名"], [["T1", "甲"]])
    report = import_file(engine, path, actor="hr")
    assert report.status == "failed"
    # (a sheet of registered teachers may leave required columns out: test_normalise.py)
    assert "'T1' is not registered: registering it needs the columns this sheet lacks: Gender, "\
        "Birth date" in rendered(report)[0]


def test_unrecognisable_sheet_and_unsupported_file_are_reported_not_raised(
    engine, write_csv, tmp_path
):
    report = import_file(engine, write_csv("misc.csv", ["甲", "乙"], [["1", "2"]]), actor="hr")
    assert "--entity" in rendered(report)[0]
    other = tmp_path / "teachers.txt"
    other.write_text("x", encoding="utf-8")
    assert "unsupported file type '.txt'" in rendered(import_file(engine, other, actor="hr"))[0]
    old = tmp_path / "教师.xls"  # Excel 97–2003: named as a file, with what to do (no sheet "")
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    said = import_file(engine, old, actor="hr").problems[0].render("zh")
    assert said.startswith("教师.xls：不支持的文件类型“.xls”") and "另存为” .xlsx" in said
    assert "工作表" not in said
    report = import_file(
        engine, write_csv("misc.csv", ["甲", "乙"], [["1", "2"]]), actor="hr", entity=TEACHERS
    )
    assert "required columns are missing" in rendered(report)[0]


def test_an_empty_file_and_a_workbook_of_unknown_sheets_fail_with_a_reason(engine, tmp_path):
    empty = tmp_path / "teachers.csv"
    empty.write_bytes(b"")
    assert "no header row" in rendered(import_file(engine, empty, actor="hr"))[0]
    book = tmp_path / "misc.xlsx"
    workbook = xlsxwriter.Workbook(str(book))
    for name in ("甲", "乙"):
        workbook.add_worksheet(name).write_row(0, 0, ["名称", "数量"])
    workbook.close()
    report = import_file(engine, book, actor="hr")
    assert report.status == "failed" and "--entity" in rendered(report)[0]
    assert [n.render("en") for n in report.notices] == [
        "misc.xlsx sheet '甲': skipped unrecognised sheet '甲'",
        "misc.xlsx sheet '乙': skipped unrecognised sheet '乙'",
    ]


def test_a_staff_number_with_a_space_or_an_audit_key_separator_is_refused(registry, write_csv):
    """``T001/9`` would be read as ``T001`` by the audit's county scope: refused by the import
    (file, row, column) and by the registry's form alike."""
    rows = [
        [staff_no, "钱七", "女", "1990-07-01", "", "在编", "S01", "2020-09-01", "语文", "", "", ""]
        for staff_no in ("T001/9", "T2|1", "T3:1", "T4 1", "T005")
    ]
    report = import_file(registry, write_csv("keys.csv", TEACHERS_HEADER, rows), actor="hr")
    assert [(p.row, p.column_letter, p.value) for p in report.problems] == [
        (2, "A", "T001/9"), (3, "A", "T2|1"), (4, "A", "T3:1"), (5, "A", "T4 1")
    ]  # fmt: skip
    assert "不能含有以下字符：空格 / | :" in report.problems[0].text.zh
    assert report.status == "failed" and count(registry, "teacher") == 2
    for staff_no in ("T001/9", "T4 1"):
        with pytest.raises(ValidationError):
            TeacherUpdate(staff_no=staff_no)
    assert TeacherUpdate(staff_no="YC-000.1").staff_no == "YC-000.1"


def _workbook_with_a_hidden_sheet(path, hidden_rows, state):
    """A visible teachers sheet (one new teacher) and a ``state`` (hidden, veryHidden) sheet
    of teacher headers and ``hidden_rows``."""
    import openpyxl

    book = openpyxl.Workbook()
    visible = book.active
    visible.title = "教师"
    new = ["T010", "赵六", "男", "1988-05-05", None, "在编", "S01", "2019-09-01", "体育", "", "", "否"]
    for row in (TEACHERS_HEADER, new):
        visible.append(row)
    hidden = book.create_sheet("旧名单")
    hidden.sheet_state = state
    for row in (TEACHERS_HEADER, *hidden_rows):
        hidden.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_of_teachers_is_refused_not_imported_unseen(registry, tmp_path, state):
    """A clerk's workbook kept last year's list in a hidden sheet: its rows, which the clerk
    does not see, were imported beside the visible ones (a departed teacher's old school
    written back). Now the file is refused, naming the hidden sheet, and nothing is written."""
    old = ["T002", "王芳", "女", "1990-07-01", None, "在编", "S01", "2010-09-01", "语文", "", "", "否"]
    path = _workbook_with_a_hidden_sheet(tmp_path / "教师.xlsx", [old, [None] * 12], state)
    before = snapshot(registry)
    report = import_file(registry, path, actor="clerk")
    assert report.status == "failed"
    assert rendered(report) == [
        "教师.xlsx sheet '旧名单': sheet '旧名单' is hidden and holds 1 rows of Teachers: "
        "hidden rows are not imported. Unhide the sheet to import it, or delete it"
    ]
    assert "隐藏" in report.problems[0].render("zh")
    after = snapshot(registry)
    assert {k: v for k, v in after.items() if k != "importbatch"} == {
        k: v for k, v in before.items() if k != "importbatch"
    }
    assert len(after["importbatch"]) == len(before["importbatch"]) + 1


def _teacher(number: int) -> list[object]:
    return [f"H{number:05d}", f"教师{number}", "男", "1985-05-05", None, "在编", "S01",
            "2015-09-01", "数学", "", "", "否"]  # fmt: skip


def test_rows_a_filter_hides_are_imported_only_once_the_clerk_acknowledges_them(
    registry, tmp_path
):
    """A clerk filters the sheet to the rows to import and saves it: the filtered-out rows
    were imported too, unseen. Now one warning at the first of them names every hidden row
    of data (not the blank ones, not those above the header), and the import waits for the
    acknowledgement; then every row goes in, as the sheet holds it."""
    import openpyxl

    path = tmp_path / "筛选.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["教师名单"])  # a title row, hidden: not a row of data
    sheet.append(TEACHERS_HEADER)
    for number in range(1, 9):
        sheet.append(_teacher(number))
    sheet.append([None] * 12)  # a blank row, hidden: nothing to import
    sheet.auto_filter.ref = "A2:L10"
    for row in (1, 4, 5, 6, 9, 11):  # Excel rows; 4–6 and 9 hold teachers
        sheet.row_dimensions[row].hidden = True
    book.save(path)
    checked = import_file(registry, path, actor="hr", dry_run=True)
    assert checked.status == "dry_run" and checked.counts()["teachers.created"] == 8
    assert [(w.row, w.header) for w in checked.warnings] == [(4, "工号")]
    assert checked.warnings[0].text.zh.startswith(
        "本表有 4 行数据在Excel中被隐藏（筛选或隐藏）：第 4–6、9 行。这些行也会导入")
    assert "rows 4–6, 9" in checked.warnings[0].text.en
    waiting = import_file(registry, path, actor="hr", warnings_acknowledged=None)
    assert (waiting.status, waiting.unacknowledged) == ("dry_run", True)
    done = import_file(registry, path, actor="hr",
                       warnings_acknowledged=checked.warnings_fingerprint)  # fmt: skip
    assert done.status == "committed" and done.counts()["teachers.created"] == 8


def test_hidden_rows_are_found_across_a_long_sheet(registry, tmp_path):
    """The sheet's XML is read in 1 MB pieces: a hidden row whose tag a piece cuts is still
    found. 12,000 teachers (about 3 MB of XML), every 7th row hidden, as xlsxwriter writes
    them (with the row's height and a style, so the tags differ from openpyxl's)."""
    path = tmp_path / "长表.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("教师")
    sheet.write_row(0, 0, TEACHERS_HEADER)
    hidden = []
    for number in range(1, 12_001):
        sheet.write_row(number, 0, _teacher(number))
        if number % 7 == 0:
            sheet.set_row(number, 18, None, {"hidden": True})
            hidden.append(number + 1)
    book.close()
    assert path.stat().st_size > 200_000
    from workforce.io.readers import read_file

    (read,) = read_file(path)
    assert sorted(read.hidden_rows) == hidden and len(hidden) == 1_714
    checked = import_file(registry, path, actor="hr", dry_run=True)
    assert [w.row for w in checked.warnings] == [8]
    assert checked.warnings[0].text.zh.startswith("本表有 1714 行数据在Excel中被隐藏")
    assert "第 8、15、22、29、36、43、50、57、64、71、… 行" in checked.warnings[0].text.zh


def test_a_hidden_sheet_without_rows_is_skipped(registry, tmp_path):
    """A hidden sheet with the headers only (or drop-down lists) holds nothing to import."""
    path = _workbook_with_a_hidden_sheet(tmp_path / "教师.xlsx", [], "hidden")
    report = import_file(registry, path, actor="clerk")
    assert report.status == "committed", rendered(report)
    assert report.counts()["teachers.created"] == 1
    assert [n.render("en") for n in report.notices] == [
        "教师.xlsx sheet '旧名单': skipped unrecognised sheet '旧名单'"
    ]


@pytest.mark.parametrize(
    ("written", "shown"), [("1E+20", "'1E+20'"), ("99999999999", "'99999999999'"), (1e20, "'1e+20'")]
)
def test_a_count_beyond_the_database_is_named_at_its_cell(registry, tmp_path, written, shown):
    """在校生数 1E+20 (Excel's form of a long number) passed the checks: the write then raised
    OverflowError on SQLite (a traceback, the import half-done in its transaction) and
    'integer out of range' naming no row on PostgreSQL; 99999999999 was stored on SQLite."""
    path = tmp_path / "学校.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("学校")
    header = [*SCHOOLS_HEADER, "在校生数"]
    sheet.write_row(0, 0, header)
    for r, row in enumerate(SCHOOLS_ROWS, start=1):
        sheet.write_row(r, 0, [*row, 120])
    sheet.write_row(3, 0, ["S03", "新校", "埔前", "农村", "小学", "1,1,1,1,1,1", "9", written])
    book.close()
    before = snapshot(registry)
    report = import_file(registry, path, actor="clerk")
    assert report.status == "failed"
    assert rendered(report) == [
        f"学校.xlsx sheet '学校' row 4 column H (在校生数) value {shown}: "
        "must be at most 2,147,483,647"
    ]
    after = snapshot(registry)
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 1
    assert after == before


def test_a_birth_month_is_the_stored_date_or_a_problem_at_its_cell(registry, write_csv):
    """A birth date written as its month (as masked exports show it): the stored date when it
    lies in that month; a new teacher's, or another month, is refused at the cell — a birth
    date is given or changed only with its day."""
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][3], rows[0][4] = "1985-03", "*" * 18  # T001, born 1985-03-12: unchanged
    rows[1][3], rows[1][4] = "1990年8月", ""  # T002, born 1990-07-01: another month
    rows.append(["T009", "新人", "男", "1995-05", "", "在编", "S01", "2020-09-01", "数学", "", "", "否"])
    before = snapshot(registry)
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="hr")
    assert report.status == "failed"
    assert rendered(report) == [
        "t.csv sheet 't' row 3 column D (出生日期) value '1990年8月': birth date '1990年8月' is "
        "only a month, and not the registered birth month: a birth date is changed with its "
        "full date, e.g. 1985-03-12",
        "t.csv sheet 't' row 4 column D (出生日期) value '1995-05': birth date '1995-05' is only "
        "a month (as a masked export shows it): a new teacher needs the full date, e.g. 1985-03-12",
    ]
    after = snapshot(registry)
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 1
    assert after == before
    alone = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows[:1]), actor="hr")
    assert alone.status == "unchanged", rendered(alone)


def test_a_birth_month_tells_a_county_importer_nothing_of_another_county(registry, write_csv):
    """An HR officer of one county naming another county's teacher with that teacher's true
    birth month must get the same answer as for any other month (the month is not theirs to
    learn by trying): a problem at the cell, beside the row's refusal as outside the county."""
    with Session(registry) as session:
        for school in session.exec(select(School)).scalars():
            school.county = "源城区" if school.code == "S01" else "东源县"
            session.add(school)
        session.commit()
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][3], rows[0][4] = "1985-03", ""  # T001 of 源城区, its true month
    rows[1][3], rows[1][4] = "1990-07", ""  # T002 of 东源县, its true month
    path = write_csv("t.csv", TEACHERS_HEADER, rows)
    report = import_file(registry, path, actor="hr", county="东源县", dry_run=True)
    birth = [p for p in report.problems if p.header == "出生日期"]
    assert [(p.row, p.text.en.split(":")[0]) for p in birth] == [
        (2, "birth date '1985-03' is only a month (as a masked export shows it)")
    ]
    assert [p.row for p in report.problems if p.header == "工号"] == [2]


def test_a_dry_run_that_names_whose_number_it_is_is_an_unmasking_on_record(registry, write_csv):
    """The answer "this number is teacher T001's" is what a search by ID number gives, and is
    logged as an unmasking. A dry run of new rows, one per number that fits T001's birth month
    and gender, named T001 at the row with the true one — the full number learned in one
    unlogged request. Now each teacher so named, and each whose own row gives the stored
    number (the row reads unchanged), gets an ``unmask`` entry; a wrong guess gets none. For
    an importer of another county the teacher is not named, but a new row with the number is
    still refused as "registered in another county" — the number is someone's: an entry too."""
    born = [dt.date(1985, 3, day) for day in range(1, 32)]
    numbers = [id_number(day, sequence) for day in born for sequence in range(101, 131, 2)]
    assert LI_ID in numbers and len(numbers) == 465
    rows = [[f"X{i:04d}", "试探", "男", number[6:14], number, "在编", "S01", "2015-08-28", "数学",
             "", "", "否"] for i, number in enumerate(numbers)]  # fmt: skip
    before = snapshot(registry)
    probe = import_file(registry, write_csv("probe.csv", TEACHERS_HEADER, rows), actor="hr-a",
                        dry_run=True)  # fmt: skip
    assert probe.status == "failed"
    named = [p for p in probe.problems if "T001" in p.text.en]
    assert len(named) == 1 and named[0].value == LI_ID
    assert disclosures_only(registry, before) == [("unmask", "T001", NUMBER_NAMED)]
    # T001's own row: the stored number reads unchanged (an entry), a wrong one changes (none)
    for number, expected in ((LI_ID, [("unmask", "T001", NUMBER_MATCHED)]),
                             (id_number(dt.date(1985, 3, 12), 125), [])):  # fmt: skip
        before = snapshot(registry)
        own = import_file(registry, write_csv("own.csv", TEACHERS_HEADER,
                                              [[*TEACHERS_ROWS[0][:4], number, *TEACHERS_ROWS[0][5:]]]),
                          actor="hr-a", dry_run=True)  # fmt: skip
        assert own.status == "dry_run", rendered(own)
        assert own.counts()["teachers.unchanged"] == (1 if number == LI_ID else 0)
        assert disclosures_only(registry, before) == expected
    # an importer of 东源县 giving 源城区's T001's number is not told whose it is; on T001's own
    # row (refused as a teacher of another county) not even that it matched: no entry there
    with Session(registry) as session:
        for school in session.exec(select(School)).scalars():
            school.county = "源城区" if school.code == "S01" else "东源县"
            session.add(school)
        session.commit()
    for name, row, expected in (
        ("own_elsewhere.csv", [*TEACHERS_ROWS[0][:6], "S02", *TEACHERS_ROWS[0][7:]], []),
        ("other_row.csv", ["X9999", "试探", "男", "1985-03-12", LI_ID, "在编", "S02",
                           "2015-08-28", "数学", "", "", "否"],
         [("unmask", "T001", NUMBER_ELSEWHERE)]),
    ):  # fmt: skip
        before = snapshot(registry)
        outside = import_file(registry, write_csv(name, TEACHERS_HEADER, [row]), actor="hr-b",
                              county="东源县", dry_run=True)  # fmt: skip
        assert outside.status == "failed", name
        assert not any("T001" in p.text.en for p in outside.problems if p.row and p.column != 0)
        assert disclosures_only(registry, before) == expected, name


def test_a_new_number_beside_the_birth_date_tells_no_day_on_file(registry, write_csv):
    """A row giving T001 a new full ID number, for each day of the month shown (1985-03):
    the dry run listed the birth date as changed except on the stored day, and a month cell
    (as a masked export writes it) became the stored date, which the row check then quoted
    against the number's. Now every day gets the same answer, and no answer holds the day on
    file (1985-03-12); a month beside a number of another month is refused naming both."""
    header = TEACHERS_HEADER
    answers = set()
    for day in range(1, 32):
        born = dt.date(1985, 3, day)
        for birth_cell in (born.isoformat(), "1985-03"):
            row = [*TEACHERS_ROWS[0][:3], birth_cell, id_number(born, 125), *TEACHERS_ROWS[0][5:]]
            report = import_file(registry, write_csv("new.csv", header, [row]), actor="hr",
                                 dry_run=True)  # fmt: skip
            assert report.status == "dry_run", (day, birth_cell, rendered(report))
            lines = summary_lines(report, "zh")
            assert not any("1985-03-12" in line for line in lines), (day, lines)
            answers.add(tuple(lines))
    assert len(answers) == 1, answers
    assert any("出生日期" in line for line in next(iter(answers)))
    other = [*TEACHERS_ROWS[0][:3], "1985-03", id_number(dt.date(1985, 4, 2), 125),
             *TEACHERS_ROWS[0][5:]]  # fmt: skip
    refused = import_file(registry, write_csv("other.csv", header, [other]), actor="hr",
                          dry_run=True)  # fmt: skip
    assert [p.text.en for p in refused.problems] == [
        "birth date 1985-03 differs from 1985-04-02 in the ID number"]
    assert "1985-03-12" not in " ".join(rendered(refused))


def test_a_two_level_header_with_merged_cells_is_read(registry, tmp_path):
    """An official form's header: a title row, then 工号 and 姓名 merged down two rows, a group
    label 基本信息 merged over 性别 / 出生日期 / 用人类型 in the row below. It was read from
    one of its rows and the columns under the other were reported missing."""
    import openpyxl

    path = tmp_path / "教师花名册.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet["A1"] = "埔前中心小学教师花名册"
    sheet.merge_cells("A1:I1")
    for column in ("A", "B", "F", "G", "H", "I"):
        sheet.merge_cells(f"{column}2:{column}3")
    for column, header in zip("ABFGHI", ["工号", "姓名", "学校代码", "到本校任教时间", "主教学科", "是否班主任"], strict=True):
        sheet[f"{column}2"] = header
    sheet["C2"] = "基本信息"
    sheet.merge_cells("C2:E2")
    sheet["C3"], sheet["D3"], sheet["E3"] = "性别", "出生日期", "用人类型"
    sheet.append(["T010", "赵六", "男", dt.date(1988, 5, 5), "在编", "S01", dt.date(2019, 9, 1), "体育", "是"])
    sheet.append(["T001", "李明", "男", dt.date(1985, 3, 12), "在编", "S01", dt.date(2015, 8, 28), "数学", "是"])
    book.save(path)
    report = import_file(registry, path, actor="clerk")
    assert report.status == "committed", rendered(report)
    assert (report.counts()["teachers.created"], report.counts()["teachers.unchanged"]) == (1, 1)
    assert report.notices == []
    with Session(registry) as session:
        new = session.exec(select(Teacher).where(Teacher.staff_no == "T010")).scalar_one()
    assert (new.gender, new.birth_date, new.post_type) == ("male", dt.date(1988, 5, 5), "established")


def test_an_excel_error_value_is_refused_at_its_cell_not_read_as_blank(registry, tmp_path):
    """A clerk fills 最高学历 and 学校代码 with VLOOKUP; where the lookup finds nothing the
    cell holds #N/A. The reader gave such a cell as blank: the required school was "missing",
    and an optional field of a registered teacher was cleared (T001's 本科 erased)."""
    header = [*TEACHERS_HEADER, "最高学历"]
    full = tmp_path / "full.xlsx"
    book = xlsxwriter.Workbook(str(full))
    sheet = book.add_worksheet("教师")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(TEACHERS_ROWS, start=1):
        sheet.write_row(r, 0, [*row, "本科"])
    book.close()
    assert import_file(registry, full, actor="hr").status == "committed"

    path = tmp_path / "lookup.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("教师")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(TEACHERS_ROWS, start=1):
        sheet.write_row(r, 0, row)
    sheet.write_formula(1, len(header) - 1, '=VLOOKUP(A2,学历!A:B,2,0)', None, "#N/A")
    sheet.write_string(2, len(header) - 1, "本科")
    sheet.write_formula(2, 6, '=VLOOKUP(B3,学校!A:B,2,0)', None, "#REF!")
    book.close()
    before = snapshot(registry)
    report = import_file(registry, path, actor="clerk")
    assert report.status == "failed"
    assert rendered(report) == [
        "lookup.xlsx sheet '教师' row 2 column M (最高学历) value '#N/A': the cell holds Excel's "
        "error value '#N/A' (a formula failed, such as a VLOOKUP that found nothing): enter "
        "the actual value",
        "lookup.xlsx sheet '教师' row 3 column G (学校代码) value '#REF!': the cell holds "
        "Excel's error value '#REF!' (a formula failed, such as a VLOOKUP that found nothing): "
        "enter the actual value",
    ]
    after = snapshot(registry)
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 1
    assert after == before


def test_a_new_birth_date_or_gender_must_agree_with_the_stored_id_number(registry, write_csv):
    """With the ID number masked or blank (the stored one is kept), a row changed T001's birth
    date to 1985-03-01 — how Excel re-saves a masked export's 1985-03 — and T002's gender,
    against the number on file: the registry then held a birth date its own ID number denies."""
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][3], rows[0][4] = "1985-04-01", "*" * 18
    rows[1][2], rows[1][4] = "男", ""
    before = snapshot(registry)
    report = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="clerk")
    assert report.status == "failed"
    assert rendered(report) == [
        "t.csv sheet 't' row 2 column D (出生日期) value '1985-04-01': birth date changed to "
        "1985-04-01 while this row's ID number is blank or masked: a teacher with an ID number "
        "on file has the birth date it holds; to change it, give the full ID number with it",
        "t.csv sheet 't' row 3 column C (性别) value '男': gender changed while this row's ID "
        "number is blank or masked: a teacher with an ID number on file has the gender it "
        "holds; to change it, give the full ID number with it",
    ]
    assert "1985-03-12" not in " ".join(p.render("zh") for p in report.problems)
    after = snapshot(registry)
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 1
    assert after == before
    # every day of the stored month (Excel's 1985-03 → 1985-03-01 among them) gets one answer,
    # the stored date kept: judged day by day, only 1985-03-12 was accepted, which told the day
    answers = set()
    for day in range(1, 32):
        rows = [list(r) for r in TEACHERS_ROWS]
        rows[0][3], rows[0][4] = f"1985-03-{day:02d}", "*" * 18
        dry = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="clerk",
                          dry_run=True)
        answers.add((dry.status, tuple(rendered(dry)), dry.counts().get("teachers.updated", 0)))
    assert len(answers) == 1, answers
    # a correction that agrees with the stored number still goes in; so does one with its number
    rows = [list(r) for r in TEACHERS_ROWS]
    rows[0][4] = "*" * 18
    rows[0][1] = "李明明"
    rows[1][3], rows[1][4] = "1990-07-02", id_number(dt.date(1990, 7, 2), 222)
    done = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="clerk")
    assert done.status == "committed", rendered(done)
    assert done.counts()["teachers.updated"] == 2


def test_a_cell_merged_down_several_rows_counts_in_each_of_them(registry, tmp_path):
    """A roster groups its teachers by school: 学校代码 merged over the school's rows, and here
    最高学历 too. The workbook keeps the value in the top cell only: the rows below read as
    a blank required school (refused where the clerk sees the code) or a cleared education."""
    import openpyxl

    path = tmp_path / "教师.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教师"
    header = [*TEACHERS_HEADER, "最高学历"]
    sheet.append(header)
    for row in TEACHERS_ROWS:
        sheet.append([*row[:6], "S02", *row[7:], "硕士"])
    for name in ("学校代码", "最高学历"):
        letter = "ABCDEFGHIJKLM"[header.index(name)]
        sheet[f"{letter}3"] = None
        sheet.merge_cells(f"{letter}2:{letter}3")
    sheet.merge_cells("B4:C4")  # a merge across columns, in a blank row: nothing to fill
    book.save(path)
    report = import_file(registry, path, actor="hr")
    assert report.status == "committed", rendered(report)
    assert report.counts()["teachers.updated"] == 2
    with Session(registry) as session:
        found = {
            t.staff_no: (session.get(School, t.school_id).code, t.education)
            for t in session.exec(select(Teacher)).scalars()
        }
    assert found == {"T001": ("S02", "master"), "T002": ("S02", "master")}


def test_a_chosen_entity_is_read_from_the_first_sheet_the_clerk_sees(registry, tmp_path):
    """With the entity chosen (the upload page's choice, ``--entity``) and no sheet of its name,
    the first sheet was read — here a hidden sheet of drop-down lists placed first, so the
    clerk's visible sheet was never looked at."""
    import openpyxl

    path = tmp_path / "名单.xlsx"
    book = openpyxl.Workbook()
    lists = book.active
    lists.title = "lists"
    for value in ("男", "女"):
        lists.append([value])
    lists.sheet_state = "hidden"
    visible = book.create_sheet("Sheet2")
    visible.append(TEACHERS_HEADER)
    visible.append(["T010", "赵六", "男", "1988-05-05", None, "在编", "S01", "2019-09-01", "体育", "", "", "否"])
    book.save(path)
    report = import_file(registry, path, actor="hr", entity=TEACHERS)
    assert report.status == "committed", rendered(report)
    assert report.counts()["teachers.created"] == 1


def test_a_number_that_lost_its_leading_zeros_is_not_added_beside_the_registered_one(
    registry, write_csv
):
    """Staff number 000123 and school 0101 exported to CSV, opened and saved by Excel: the
    cells read 123 and 101, and the re-import added a second school and teacher."""
    schools = write_csv("schools.csv", SCHOOLS_HEADER, [["0101", "附属小学", "埔前", "农村", "小学", "2,2,2,2,2,2", "20"]])
    assert import_file(registry, schools, actor="hr").status == "committed"
    row = ["000123", "陈七", "女", "1992-02-02", "", "在编", "0101", "2016-09-01", "英语", "", "", "否"]
    assert import_file(registry, write_csv("t.csv", TEACHERS_HEADER, [row]), actor="hr").status == "committed"
    before = snapshot(registry)
    resaved = write_csv("s.csv", SCHOOLS_HEADER, [["101", "附属小学", "埔前", "农村", "小学", "2,2,2,2,2,2", "20"]])
    teachers = write_csv("t2.csv", TEACHERS_HEADER, [["123", *row[1:6], "0101", *row[7:]]])
    found = [rendered(import_file(registry, path, actor="hr")) for path in (resaved, teachers)]
    assert found == [
        ["s.csv sheet 's' row 2 column A (学校代码) value '101': '101' is not registered, but "
         "'0101' is: Excel probably dropped the leading zeros (as it does when it opens a CSV). "
         "Format the column as text and write '0101'"],
        ["t2.csv sheet 't2' row 2 column A (工号) value '123': '123' is not registered, but "
         "'000123' is: Excel probably dropped the leading zeros (as it does when it opens a CSV). "
         "Format the column as text and write '000123'"],
    ]  # fmt: skip
    after = snapshot(registry)
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 2
    assert after == before


def test_a_leaving_date_is_imported_beside_its_status_and_refused_beside_one_in_service(
    registry, write_csv
):
    """离岗日期 is the day a teacher left (reports dated before it still count them). It goes
    with 离职 or 退休; beside 在岗 it is named at its cell, as is a day before the teacher
    joined the school, and nothing is written."""
    header = [*TEACHERS_HEADER, "状态", "离岗日期"]
    left = [*TEACHERS_ROWS[0], "离职", "2025-03-01"]
    before = snapshot(registry)
    refused = import_file(registry, write_csv("bad.csv", header, [
        [*TEACHERS_ROWS[0], "在岗", "2025-03-01"],
        [*TEACHERS_ROWS[1], "退休", "2018-08-31"],  # joined 2018-09-01
    ]), actor="hr")  # fmt: skip
    assert refused.status == "failed"
    problems = [(p.row, p.column_letter, p.text.zh) for p in refused.problems]
    assert len(problems) == 2
    assert problems[0][:2] == (2, "N") and "在岗或借调的教师不应有离岗日期（2025-03-01）" in problems[0][2]
    assert problems[1][:2] == (3, "N") and "离岗日期（2018-08-31）早于到本校任教时间（2018-09-01）" in problems[1][2]
    after = snapshot(registry)  # only the failed import's own log line is new
    assert {k: v for k, v in after.items() if k != "importbatch"} == {
        k: v for k, v in before.items() if k != "importbatch"}  # fmt: skip
    done = import_file(registry, write_csv("left.csv", header, [left]), actor="hr")
    assert done.status == "committed", rendered(done)
    with Session(registry) as session:
        teacher = session.execute(select(Teacher).where(Teacher.staff_no == "T001")).scalar_one()
    assert (teacher.status, teacher.left_on) == ("left", dt.date(2025, 3, 1))
    # re-employed by a sheet without the 离岗日期 column: the date goes with the return, as
    # the edit clears it (kept, the next export of it would be refused on import)
    back = import_file(registry, write_csv("back.csv", [*TEACHERS_HEADER, "状态"],
                                          [[*TEACHERS_ROWS[0], "在岗"]]), actor="hr")  # fmt: skip
    assert back.status == "committed", rendered(back)
    with Session(registry) as session:
        teacher = session.execute(select(Teacher).where(Teacher.staff_no == "T001")).scalar_one()
    assert (teacher.status, teacher.left_on) == ("active", None)


def test_a_leaving_date_is_judged_beside_the_status_the_sheet_leaves_to_the_registry(
    registry, write_csv
):
    """A sheet of leaving dates without a 状态 column (or with the cell blank, which keeps the
    stored status) passed the row check, which saw no status, and wrote a leaving date beside
    a teacher still 在岗; so did a new teacher entered without a status (在岗 by default). Each
    is now judged with the status the row will have, named at its cell, and nothing is
    written."""
    header = [*TEACHERS_HEADER, "离岗日期"]
    new_row = ["T009", "赵九", "男", "1980-01-05", "", "在编", "S01", "2010-09-01", "数学",
               "", "", "否", "2025-03-01"]  # fmt: skip
    sheets = {
        "no_status.csv": (header, [[*TEACHERS_ROWS[0], "2025-03-01"]]),
        "blank_status.csv": ([*TEACHERS_HEADER, "状态", "离岗日期"],
                             [[*TEACHERS_ROWS[0], "", "2025-03-01"]]),
        "new_teacher.csv": (header, [new_row]),
    }  # fmt: skip
    before = snapshot(registry)
    for name, (columns, rows) in sheets.items():
        refused = import_file(registry, write_csv(name, columns, rows), actor="hr")
        assert refused.status == "failed", (name, rendered(refused))
        assert len(refused.problems) == 1, (name, rendered(refused))
        problem = refused.problems[0]
        assert (problem.row, problem.header) == (2, "离岗日期"), name
        assert "在岗或借调的教师不应有离岗日期（2025-03-01）" in problem.text.zh, name
        assert "表中未填“状态”，按信息库中已有的值或默认值判断" in problem.text.zh, name
        assert "the sheet gives no 'Status'" in problem.text.en, name
        dry = import_file(registry, write_csv(name, columns, rows), actor="hr", dry_run=True)
        assert [p.text for p in dry.problems] == [problem.text], name
    assert len(sheets) == 3
    after = snapshot(registry)  # only the failed imports' own log lines are new
    assert len(after.pop("importbatch")) == len(before.pop("importbatch")) + 3
    assert after == before
    # the same date with the status given goes in, and a sheet that changes only another
    # column of a teacher with a leaving date is not judged on the stored pair again
    assert import_file(registry, write_csv("left.csv", [*TEACHERS_HEADER, "状态", "离岗日期"], [
        [*TEACHERS_ROWS[0], "离职", "2025-03-01"]]), actor="hr").status == "committed"  # fmt: skip
    renamed = [*TEACHERS_ROWS[0][:1], "李明明", *TEACHERS_ROWS[0][2:], "2025-03-01"]
    assert import_file(registry, write_csv("renamed.csv", header, [renamed]),
                       actor="hr").status == "committed"  # fmt: skip
    with Session(registry) as session:
        teacher = session.execute(select(Teacher).where(Teacher.staff_no == "T001")).scalar_one()
    assert (teacher.name, teacher.status, teacher.left_on) == ("李明明", "left", dt.date(2025, 3, 1))


def test_a_masked_export_read_back_reads_the_stored_birth_dates_once(registry, write_csv):
    """A masked export's birth months are read back, and the dates they become checked beside
    the stored numbers, against the same stored facts: one read of them, not one per check."""
    from sqlalchemy import event

    header = ["工号", "姓名", "性别", "出生日期", "身份证号", "用人类型", "学校代码",
              "到本校任教时间", "主教学科"]  # fmt: skip
    rows = [["T001", "李明", "男", "1985-03", mask(LI_ID), "在编", "S01", "2015-08-28", "数学"],
            ["T002", "王芳", "女", "1990-07", mask(WANG_ID), "在编", "S02", "2018-09-01", "语文"]]  # fmt: skip
    reads: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.startswith("SELECT teacher.staff_no, teacher.birth_date"):  # those checks'
            reads.append(statement)

    event.listen(registry, "before_cursor_execute", count)
    try:
        report = import_file(registry, write_csv("m.csv", header, rows), actor="hr", dry_run=True)
    finally:
        event.remove(registry, "before_cursor_execute", count)
    assert report.status == "dry_run", rendered(report)
    assert report.counts()["teachers.unchanged"] == 2
    assert len(reads) == 1, reads


def test_the_arrival_checks_do_not_tell_the_birth_day_behind_a_masked_month(registry, write_csv):
    """A masked export's 1985-03 becomes the stored 1985-03-12 before the plausibility checks.
    Judged by that day, an arrival on 2003-03-11 drew "17 on arrival" and one on 2003-03-12
    nothing: five dry runs told the day, and with it the ID number. Every day of the arrival's
    month now gets one answer; the first of the next month is judged alike too."""
    answers = set()
    for day in range(1, 32):
        rows = [list(TEACHERS_ROWS[0])]
        rows[0][3], rows[0][4], rows[0][7] = "1985-03", mask(LI_ID), f"2003-03-{day:02d}"
        dry = import_file(registry, write_csv("t.csv", TEACHERS_HEADER, rows), actor="clerk",
                          dry_run=True)  # fmt: skip
        answers.add((dry.status, tuple(rendered(dry)),
                      tuple(w.render("en") for w in dry.warnings)))  # fmt: skip
    assert len(answers) == 1, answers


def test_a_date_before_the_birth_month_says_so_not_a_negative_age(registry, write_csv):
    """An arrival or first employment before the teacher was born read "本人仅 -5 周岁，未满 16
    周岁": now the date is named as before the birth month."""
    header = [*TEACHERS_HEADER, "参加工作时间"]
    row = ["T050", "钱七", "男", "1990-07-01", "", "在编", "S01", "1985-09-01", "数学", "", "",
           "否", "1985-01-01"]  # fmt: skip
    report = import_file(registry, write_csv("born.csv", header, [row]), actor="hr", dry_run=True)
    texts = {p.header: p.text for p in report.problems}
    assert set(texts) == {"到本校任教时间", "参加工作时间"}, rendered(report)
    assert texts["到本校任教时间"].zh == "日期 1985-09-01 早于出生年月（1990-07）"
    assert texts["参加工作时间"].en == "the date 1985-01-01 is before the birth month (1990-07)"
    assert not any("周岁" in p.text.zh for p in report.problems)
