"""Import plausibility of changes (issue #13, item 11): a code changed through an alias, an
arrival still ahead, and an older export re-imported over a newer edit are warnings; a commit
with warnings not acknowledged writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.workforce.io.conftest import TEACHERS_HEADER, TEACHERS_ROWS
from workforce.io.change_checks import file_created_at
from workforce.io.entities import SPECS
from workforce.io.exporter import export_entity
from workforce.io.importer import import_file
from workforce.models import Teacher
from workforce.services.teachers import TeacherUpdate, update_teacher

SUBJECT = TEACHERS_HEADER.index("主教学科")
JOINED = TEACHERS_HEADER.index("到本校任教时间")


def _row(**cells: str) -> list[str]:
    row = list(TEACHERS_ROWS[0])
    for header, value in cells.items():
        row[TEACHERS_HEADER.index(header)] = value
    return row


def _subject(engine: Engine) -> str:
    with Session(engine) as session:
        return session.exec(select(Teacher.main_subject).where(Teacher.staff_no == "T001")).one()


def test_a_subject_changed_through_an_alias_is_a_warning_to_acknowledge(registry, write_csv):  # type: ignore[no-untyped-def]
    path = write_csv("t.csv", TEACHERS_HEADER, [_row(主教学科="体育与健康")])
    checked = import_file(registry, path, actor="hr", dry_run=True)
    assert checked.status == "dry_run"
    assert len(checked.warnings) == 1
    warning = checked.warnings[0]
    assert (warning.row, warning.column_letter) == (2, "I")
    assert warning.text.zh == (
        "（提醒）“体育与健康”按别名识别为“体育”，将把主教学科由“数学”改为“体育”，请核对"
    )
    shown = checked.warnings_fingerprint
    for acknowledged in (None, "yes", shown.upper()):
        refused = import_file(registry, path, actor="hr", warnings_acknowledged=acknowledged)
        assert (refused.status, refused.unacknowledged, refused.batch_id) == (
            "dry_run", True, None
        ), acknowledged  # fmt: skip
    assert _subject(registry) == "math"
    with Session(registry) as session:  # someone changes the subject after the dry run:
        session.execute(
            update(Teacher).where(Teacher.staff_no == "T001").values(main_subject="music")
        )
        session.commit()
    stale = import_file(registry, path, actor="hr", warnings_acknowledged=shown)
    assert stale.unacknowledged and _subject(registry) == "music"  # a warning not yet seen
    assert "由“音乐”改为“体育”" in stale.warnings[0].text.zh
    done = import_file(registry, path, actor="hr", warnings_acknowledged=stale.warnings_fingerprint)
    assert done.status == "committed" and _subject(registry) == "pe"


def test_a_label_or_an_unchanged_value_is_no_warning(registry, write_csv):  # type: ignore[no-untyped-def]
    cells = ({"主教学科": "体育"}, {"主教学科": "PE"}, {"主教学科": "数学"}, {"职称": "高级"})
    for values in cells:  # a label, a code, no change, a title's short form
        path = write_csv("t.csv", TEACHERS_HEADER, [_row(**values)])
        assert import_file(registry, path, actor="hr", dry_run=True).warnings == [], values


def test_an_arrival_ahead_is_a_warning_and_more_than_a_year_ahead_refused(registry, write_csv):  # type: ignore[no-untyped-def]
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    late = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    checked = import_file(
        registry, write_csv("t.csv", TEACHERS_HEADER, [_row(到本校任教时间=soon)]),
        actor="hr", dry_run=True,
    )  # fmt: skip
    assert [w.text.zh for w in checked.warnings] == [
        f"（提醒）到本校任教时间 {soon} 在今天之后，该教师尚未到岗，请核对"
    ]
    refused = import_file(
        registry, write_csv("t.csv", TEACHERS_HEADER, [_row(到本校任教时间=late)]),
        actor="hr", dry_run=True,
    )  # fmt: skip
    assert refused.status == "failed"
    assert [p.column_letter for p in refused.problems] == ["H"]


def test_an_older_export_over_a_newer_edit_is_a_warning(registry: Engine, tmp_path: Path) -> None:
    export = tmp_path / "教师.xlsx"
    export_entity(registry, SPECS["teachers"], export, actor="hr")
    exported_at = file_created_at(export)
    assert exported_at is not None
    assert abs(exported_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)
    with Session(registry) as session:  # a later edit of T001 (five minutes after the export)
        teacher = session.exec(select(Teacher).where(Teacher.staff_no == "T001")).one()
        update_teacher(
            session, actor="hr", teacher_id=teacher.id, data=TeacherUpdate(title="senior"),
            version=teacher.version,
        )  # fmt: skip
        session.execute(
            update(Teacher)
            .where(Teacher.staff_no == "T001")
            .values(updated_at=exported_at + dt.timedelta(minutes=5))
        )
        session.commit()
    book = load_workbook(export)  # the clerk edits another row and saves in Excel
    sheet = book.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[names.index("工号")].value == "T002":
            row[names.index("姓名")].value = "王芳芳"
    book.save(export)
    assert file_created_at(export) == exported_at  # saving keeps the creation time

    checked = import_file(registry, export, actor="hr", dry_run=True)
    assert checked.status == "dry_run"
    assert len(checked.warnings) == 1, [w.render("zh") for w in checked.warnings]
    warning = checked.warnings[0].text.zh
    assert warning.startswith("（提醒）文件生成于 ") and warning.endswith("覆盖：职称")
    assert checked.warnings[0].column_letter == "A"  # the staff number of the row


def test_a_csv_has_no_time_and_is_not_compared(registry: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("t.csv", TEACHERS_HEADER, [_row(职称="高级教师")])
    assert file_created_at(path) is None
    with Session(registry) as session:
        session.execute(update(Teacher).values(updated_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)))
        session.commit()
    assert import_file(registry, path, actor="hr", dry_run=True).warnings == []


def test_a_teacher_put_out_of_service_without_a_leaving_date_is_a_warning(registry, write_csv):  # type: ignore[no-untyped-def]
    """Reports dated before a leaving count the teacher only when the day is known: a sheet
    that marks a teacher 离职 with no 离岗日期 is warned about at the status cell; with the
    date, or for a status still in service, it is not."""
    header = [*TEACHERS_HEADER, "状态", "离岗日期"]
    cases = {
        ("离职", ""): "（提醒）状态改为“离职”但未填离岗日期",
        ("退休", ""): "（提醒）状态改为“退休”但未填离岗日期",
        ("离职", "2026-07-01"): None,
        ("借调", ""): None,
    }
    for (status, left_on), expected in cases.items():
        path = write_csv("t.csv", header, [[*TEACHERS_ROWS[0], status, left_on]])
        checked = import_file(registry, path, actor="hr", dry_run=True)
        assert checked.status == "dry_run", [p.render("en") for p in checked.problems]
        found = [(w.row, w.column_letter, w.text.zh) for w in checked.warnings]
        if expected is None:
            assert found == [], (status, left_on)
        else:
            assert len(found) == 1 and found[0][:2] == (2, "M"), found
            assert found[0][2].startswith(expected)
    assert len(cases) == 4
    # a new teacher entered as already retired, with no date: warned the same way
    new = ["T009", "陈新", "女", "1966-05-01", "", "在编", "S01", "2010-09-01", "语文", "", "",
           "否", "退休", ""]  # fmt: skip
    checked = import_file(registry, write_csv("n.csv", header, [new]), actor="hr", dry_run=True)
    found = [(w.row, w.column_letter, w.text.zh) for w in checked.warnings]
    assert len(found) == 1 and found[0][2].startswith("（提醒）状态改为“退休”但未填离岗日期"), found
