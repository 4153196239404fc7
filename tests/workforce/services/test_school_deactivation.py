"""Deactivating a school and placing a teacher there (a new teacher, or one moved in) at the
same moment never leave an inactive school with a serving teacher: each claims the school's
row, so whichever comes second sees the other — the deactivation is refused (a teacher
works there) or the teacher is refused (the school is inactive). Threads on their own
connections, on SQLite (a file) and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import workforce.services.schools as schools
import workforce.services.teachers as teachers
from workforce.models import AuditLog, School, Teacher
from workforce.rules.leaving import SERVING
from workforce.services.errors import Conflict, InvalidInput
from workforce.services.schools import SchoolCreate, create_school, deactivate_school
from workforce.services.teachers import TeacherCreate, TeacherUpdate, create_teacher, update_teacher


def _school(session: Session, code: str) -> School:
    return create_school(
        session,
        actor="hr",
        data=SchoolCreate(code=code, name=f"{code}学校", town="上城", zone="城区", level="小学"),
    )


def _new_teacher(staff_no: str, school_id: int) -> TeacherCreate:
    return TeacherCreate(
        staff_no=staff_no,
        name="张三",
        gender="女",
        birth_date=dt.date(1988, 2, 3),
        post_type="在编",
        school_id=school_id,
        joined_school_on=dt.date(2012, 9, 1),
        main_subject="语文",
    )


def _run(engine: Engine, steps: list[Callable[[Session], object]]) -> list[str]:
    """Each step in its own thread and session; each commits on success. Its outcome: ``ok``,
    ``conflict`` (a Conflict) or ``invalid`` (an InvalidInput)."""
    outcomes = [""] * len(steps)

    def run(index: int, step: Callable[[Session], object]) -> None:
        with Session(engine) as session:
            try:
                step(session)
                session.commit()
                outcomes[index] = "ok"
            except Conflict:
                session.rollback()
                outcomes[index] = "conflict"
            except InvalidInput:
                session.rollback()
                outcomes[index] = "invalid"

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not t.is_alive() for t in threads)
    return outcomes


PAUSE_S = 1.5
"""How long the side that came first holds its transaction open after its check: the other
side, started meanwhile, is then waiting for it (or, without the fix, slipped past)."""


WRITERS = {
    "create": lambda mover, school_id: lambda s: create_teacher(
        s, actor="hr", data=_new_teacher("N001", school_id)
    ),
    "move": lambda mover, school_id: lambda s: update_teacher(
        s, actor="hr", teacher_id=mover.id, data=TeacherUpdate(school_id=school_id),
        version=mover.version,
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("first", ["deactivation", "teacher"])
def test_a_school_deactivated_while_a_teacher_is_placed_there_keeps_no_teacher(
    engine, monkeypatch, writer, first
):
    """``first`` has done its check (the deactivation claimed the school and counted, or the
    teacher's school check passed) when the other starts; then both go on together."""
    with Session(engine, expire_on_commit=False) as session:
        closing, other = _school(session, "X001"), _school(session, "Y001")
        mover = create_teacher(session, actor="hr", data=_new_teacher("M001", other.id))
        session.commit()
    checked = threading.Event()
    if first == "deactivation":  # paused after its count, as it writes its audit entry
        module, name = schools.audit, "record"
    else:  # paused just after its school check
        module, name = teachers, "_refuse_inactive_school"
    real = getattr(module, name)

    def paused(*args, **kwargs):
        result = real(*args, **kwargs)
        if name != "record" or kwargs.get("action") == "deactivate":
            checked.set()
            time.sleep(PAUSE_S)
        return result

    monkeypatch.setattr(module, name, paused)

    def deactivate(session: Session) -> None:
        if first == "teacher":
            assert checked.wait(30)
        deactivate_school(session, actor="hr", school_id=closing.id, version=1)

    place = WRITERS[writer](mover, closing.id)

    def teacher_step(session: Session) -> None:
        if first == "deactivation":
            assert checked.wait(30)
        place(session)

    outcomes = _run(engine, [deactivate, teacher_step])
    with Session(engine) as session:
        active = session.get(School, closing.id).active
        serving = session.exec(
            select(func.count()).select_from(Teacher)
            .where(Teacher.school_id == closing.id, Teacher.status.in_(SERVING))
        ).one()  # fmt: skip
        deactivations = session.exec(
            select(AuditLog).where(AuditLog.entity == "school", AuditLog.action == "deactivate")
        ).all()
    if first == "deactivation":
        assert outcomes == ["ok", "invalid"]
        assert (active, serving, len(deactivations)) == (False, 0, 1)
    else:
        assert outcomes == ["conflict", "ok"]
        assert (active, serving, len(deactivations)) == (True, 1, 0)
