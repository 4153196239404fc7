"""The importer's progress callback: every stage's counts only grow and end at the rows of the
file, the calls are few (one per sheet and stage, one per written chunk), and writing in chunks
stores exactly what one write would."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import func, select
from sqlmodel import Session

from tests.workforce.cli.terminal import ESCAPE, run_workforce
from tests.workforce.io.conftest import TEACHERS_HEADER, id_number
from workforce.io import importer
from workforce.io.importer import import_file
from workforce.models import AuditLog, Teacher

NEW_TEACHERS = 120
CHUNK = 25


def teacher_rows(count: int, name: str = "新教师") -> list[list[str]]:
    """``count`` new teachers (women: even sequence numbers) of the registry fixture's two
    schools, with valid ID numbers."""
    rows = []
    for n in range(count):
        birth = dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 28)
        rows.append([f"N{n:04d}", f"{name}{n}", "女", birth.isoformat(), id_number(birth, 100 + 2 * n),
                     "在编", "S01" if n % 2 else "S02", "2020-09-01", "语文", "", "二级", "否"])  # fmt: skip
    return rows


def _calls(engine, path, **options) -> tuple[importer.ImportReport, list[tuple]]:
    heard: list[tuple] = []
    report = import_file(engine, path, actor="hr", progress=lambda *call: heard.append(call),
                         **options)  # fmt: skip
    return report, heard


def _stage(heard: list[tuple], stage: str) -> list[tuple[int, int | None]]:
    counts = [(rows, total) for name, rows, total in heard if name == stage]
    rows = [r for r, _ in counts]
    assert rows == sorted(rows), f"{stage} counts go back: {rows}"
    return counts


def test_progress_counts_grow_and_end_at_the_rows_of_the_file(registry, write_csv, monkeypatch):
    monkeypatch.setattr(importer, "WRITE_CHUNK_ROWS", CHUNK)
    path = write_csv("teachers.csv", TEACHERS_HEADER, teacher_rows(NEW_TEACHERS))
    report, heard = _calls(registry, path)
    assert report.status == "committed", [p.render("en") for p in report.problems]

    assert _stage(heard, "read") == [(NEW_TEACHERS + 1, NEW_TEACHERS + 1)]  # with the header
    assert _stage(heard, "validate") == [(NEW_TEACHERS, None), (NEW_TEACHERS, NEW_TEACHERS)]
    written = _stage(heard, "write")
    assert [rows for rows, _ in written] == [0, 25, 50, 75, 100, 120]
    assert {total for _, total in written} == {NEW_TEACHERS}
    chunks = math.ceil(NEW_TEACHERS / CHUNK)
    assert len(heard) == 1 + 2 + 1 + chunks == 9  # bounded: never one call per row
    assert [name for name, *_ in heard] == ["read"] + ["validate"] * 2 + ["write"] * 6

    with Session(registry) as session:  # the chunks wrote every row and its audit entry once
        teachers = session.scalar(select(func.count()).select_from(Teacher))
        entries = session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.import_batch_id == report.batch_id))  # fmt: skip
    assert (teachers, entries) == (NEW_TEACHERS + 2, NEW_TEACHERS)


def test_updates_are_written_in_chunks_too_and_a_dry_run_writes_nothing(
    registry, write_csv, monkeypatch
):
    monkeypatch.setattr(importer, "WRITE_CHUNK_ROWS", CHUNK)
    first = import_file(registry, write_csv("a.csv", TEACHERS_HEADER, teacher_rows(60)),
                        actor="hr")  # fmt: skip
    assert first.status == "committed"
    renamed = write_csv("b.csv", TEACHERS_HEADER, teacher_rows(60, name="改名教师"))
    dry, heard = _calls(registry, renamed, dry_run=True)
    assert dry.status == "dry_run" and _stage(heard, "write") == []
    assert _stage(heard, "validate")[-1] == (60, 60)
    report, heard = _calls(registry, renamed)
    assert report.counts()["teachers.updated"] == 60
    assert [rows for rows, _ in _stage(heard, "write")] == [0, 25, 50, 60]
    with Session(registry) as session:
        names = session.scalars(select(Teacher.name).where(Teacher.staff_no.like("N%"))).all()
    assert len(names) == 60 and all(name.startswith("改名教师") for name in names)


def test_a_failed_import_reports_its_reading_and_validating_only(registry, write_csv):
    rows = teacher_rows(3)
    rows[1][6] = "S99"  # no such school
    report, heard = _calls(registry, write_csv("bad.csv", TEACHERS_HEADER, rows))
    assert report.status == "failed"
    assert [name for name, *_ in heard] == ["read", "validate", "validate"]
    assert heard[-1] == ("validate", 3, 3)


def test_workforce_import_shows_the_counts_on_a_terminal_and_nothing_in_a_pipe(registry, write_csv):
    path = write_csv("teachers.csv", TEACHERS_HEADER, teacher_rows(40))
    code, out, shown = run_workforce(["import", str(path)], on_terminal=True)
    assert code == 0, out + shown
    assert "已导入" in out
    plain = ESCAPE.sub("", shown)
    assert "\x1b[" in shown  # a terminal gets rich's drawing
    for line in ("读取 teachers.csv  41/41 行", "校验 teachers.csv  40/40 行",
                 "写入 teachers.csv  40/40 行"):  # fmt: skip
        assert line in plain, plain

    again = write_csv("more.csv", TEACHERS_HEADER, teacher_rows(40, name="改名教师"))
    code, out, quiet = run_workforce(["import", str(again)], on_terminal=False)
    assert code == 0, out + quiet
    assert "已导入" in out
    assert quiet == "" and "\x1b" not in out
