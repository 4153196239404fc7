"""An import never overwrites a row changed after it compared the file with the registry: each
row is updated only at the version the import read, and a row that moved on (a web edit
committed meanwhile) fails the whole import with a problem at its row — nothing written.
SQLite's import holds the write lock from its first read, so there the edit waits and is
refused as stale instead; on PostgreSQL the import's advisory lock holds off only other
imports, so the version condition is what protects the edit."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

import workforce.io.importer as importer
from tests.workforce.io.conftest import TEACHERS_HEADER, TEACHERS_ROWS, snapshot
from workforce.io.importer import import_file
from workforce.models import AuditLog, ImportBatch, Teacher
from workforce.services.errors import StaleVersion
from workforce.services.teachers import TeacherUpdate, update_teacher


def _renamed(write_csv, **names: str):
    """The teachers' sheet with the given staff numbers renamed."""
    rows = [list(row) for row in TEACHERS_ROWS]
    for row in rows:
        row[1] = names.get(row[0], row[1])
    return write_csv("update.csv", TEACHERS_HEADER, rows)


def _teacher(engine, staff_no: str) -> Teacher:
    with Session(engine) as session:
        return session.exec(select(Teacher).where(Teacher.staff_no == staff_no)).one()


def _edit(engine, staff_no: str, name: str, version: int) -> Teacher:
    with Session(engine, expire_on_commit=False) as session:
        teacher = update_teacher(session, actor="hr", teacher_id=_teacher(engine, staff_no).id,
                                 data=TeacherUpdate(name=name), version=version)  # fmt: skip
        session.commit()
        return teacher


def _problem_at_t002(report) -> None:
    assert report.status == "failed"
    (problem,) = report.problems
    assert (problem.file, problem.sheet, problem.row) == (
        "update.csv", report.sheets[0].sheet.name, 3)  # fmt: skip
    assert problem.value == "T002" and "T002" in problem.text.en and "T002" in problem.text.zh
    assert "changed or removed by someone else" in problem.text.en
    assert "nothing was written" in problem.render("en")


def test_an_import_that_read_an_older_version_of_a_row_writes_nothing(
    registry, write_csv, monkeypatch
):
    # The import compared T002 at version 1; an edit took it to version 2 before the import's
    # update: the update of T002 (in one executemany with T001's) matches no row, and the
    # whole import is refused at T002's row. On both engines: the version is the guard.
    edited = _edit(registry, "T002", "王芳芳", version=1)
    assert edited.version == 2
    real_compare = importer.compare

    def compared_before_the_edit(*args, **kwargs):
        changes = real_compare(*args, **kwargs)
        for update_ in changes.updates:
            if changes.parsed.records[update_.position]["staff_no"] == "T002":
                update_.version = 1
        return changes

    monkeypatch.setattr(importer, "compare", compared_before_the_edit)
    before = snapshot(registry)
    report = import_file(registry, _renamed(write_csv, T001="李明明", T002="王小芳"),
                         actor="importer")  # fmt: skip
    assert [len(c.updates) for c in report.changes] == [2]
    _problem_at_t002(report)
    after = snapshot(registry)
    assert {k: v for k, v in after.items() if k != "importbatch"} == {
        k: v for k, v in before.items() if k != "importbatch"}  # fmt: skip
    with Session(registry) as session:
        batches = session.exec(select(ImportBatch).where(ImportBatch.actor == "importer")).all()
    assert [(b.status, b.id) for b in batches] == [("failed", report.batch_id)]
    assert (_teacher(registry, "T001").name, _teacher(registry, "T002").name) == ("李明", "王芳芳")


def test_an_import_of_rows_as_they_are_still_writes_them(registry, write_csv):
    report = import_file(registry, _renamed(write_csv, T001="李明明", T002="王小芳"),
                         actor="importer")  # fmt: skip
    assert report.status == "committed" and report.problems == []
    assert [(t.name, t.version) for t in (_teacher(registry, "T001"), _teacher(registry, "T002"))
            ] == [("李明明", 2), ("王小芳", 2)]  # fmt: skip


@pytest.mark.postgres
def test_an_edit_committed_between_an_imports_compare_and_its_write_is_kept(
    registry, write_csv, monkeypatch
):
    # A clerk imports a file renaming T001 and T002 while HR renames T002 on the web page,
    # with the version it read: the edit is sent once the import has compared the file.
    # PostgreSQL: the edit commits at once; the import then misses T002's version and writes
    # nothing. SQLite: the edit waits for the import's write lock, then is refused as stale.
    upload = _renamed(write_csv, T001="李明明", T002="王小芳")
    version = _teacher(registry, "T002").version
    outcome: dict[str, object] = {}
    edit_done = threading.Event()
    edits: list[threading.Thread] = []
    real_write = importer._write

    def edit() -> None:
        try:
            outcome["edit"] = _edit(registry, "T002", "王芳芳", version=version).version
        except StaleVersion:
            outcome["edit"] = "stale"
        edit_done.set()

    def write_after_the_edit(*args, **kwargs):
        thread = threading.Thread(target=edit)
        edits.append(thread)
        thread.start()
        outcome["edit_before_write"] = edit_done.wait(2)  # SQLite: it waits for this import
        return real_write(*args, **kwargs)

    monkeypatch.setattr(importer, "_write", write_after_the_edit)
    report = import_file(registry, upload, actor="importer")
    edits[0].join(timeout=60)
    assert not edits[0].is_alive()
    t001, t002 = _teacher(registry, "T001"), _teacher(registry, "T002")
    with Session(registry) as session:
        imported = session.exec(
            select(AuditLog).where(AuditLog.actor == "importer", AuditLog.action == "update")
        ).all()
    if registry.dialect.name == "postgresql":
        assert outcome == {"edit_before_write": True, "edit": version + 1}
        _problem_at_t002(report)
        assert imported == []
        assert [(t.name, t.version) for t in (t001, t002)] == [("李明", 1), ("王芳芳", version + 1)]
    else:
        assert outcome == {"edit_before_write": False, "edit": "stale"}
        assert report.status == "committed" and len(imported) == 2
        assert [(t.name, t.version) for t in (t001, t002)] == [("李明明", 2), ("王小芳", version + 1)]
