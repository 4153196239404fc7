"""Withdrawing a teacher record (a designation, training hours) happens once: two withdrawals
of one record that have both found it (threads on their own connections, released together
after both reads) end with one withdrawal and one "not found" — one audit "delete" entry, by
the one who withdrew it. On SQLite (a file) and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import workforce.services.teacher_records as records
from workforce.models import AuditLog, Designation, TrainingRecord
from workforce.services.designations import (
    DesignationCreate,
    create_designation,
    withdraw_designation,
)
from workforce.services.errors import NotFound
from workforce.services.schools import SchoolCreate, create_school
from workforce.services.teachers import TeacherCreate, create_teacher
from workforce.services.training import (
    TrainingCreate,
    create_training_record,
    withdraw_training_record,
)

ROUNDS = 3


def _teacher_id(engine: Engine) -> int:
    with Session(engine) as session:
        school = create_school(
            session,
            actor="hr",
            data=SchoolCreate(code="S1", name="学校", town="上城", zone="城区", level="小学"),
        )
        teacher = create_teacher(
            session,
            actor="hr",
            data=TeacherCreate(
                staff_no="T1",
                name="张三",
                gender="女",
                birth_date="1988-02-03",
                post_type="在编",
                school_id=school.id,
                joined_school_on="2012-09-01",
                main_subject="语文",
            ),
        )
        session.commit()
        return teacher.id


def _new_designation(session: Session, teacher_id: int) -> int:
    return create_designation(
        session,
        actor="hr",
        teacher_id=teacher_id,
        data=DesignationCreate(
            kind="key_teacher",
            tier="district",
            term_start=dt.date(2023, 9, 1),
            term_end=dt.date(2026, 8, 31),
        ),
    ).id


def _new_training(session: Session, teacher_id: int) -> int:
    return create_training_record(
        session,
        actor="hr",
        teacher_id=teacher_id,
        data=TrainingCreate(date=dt.date(2024, 3, 1), hours=Decimal("12.0"), category="centralised"),
    ).id


def _withdraw_together(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, withdraw: Callable[[Session, str], None]
) -> list[str]:
    """Two clerks withdraw at once; both have read the record (and its teacher) before
    either deletes it. The outcome of each: ``ok`` or ``not_found``."""
    barrier = threading.Barrier(2, timeout=30)
    real = records.get_teacher

    def read_then_wait(*args: object, **kwargs: object) -> object:
        teacher = real(*args, **kwargs)
        barrier.wait()
        return teacher

    monkeypatch.setattr(records, "get_teacher", read_then_wait)
    outcomes = [""] * 2

    def run(index: int) -> None:
        with Session(engine) as session:
            try:
                withdraw(session, f"clerk{index}")
                session.commit()
                outcomes[index] = "ok"
            except NotFound:
                session.rollback()
                outcomes[index] = "not_found"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not t.is_alive() for t in threads)
    monkeypatch.setattr(records, "get_teacher", real)
    return outcomes


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("entity", "model", "create", "withdraw"),
    [
        (
            "designation",
            Designation,
            _new_designation,
            lambda s, actor, rid: withdraw_designation(s, actor=actor, designation_id=rid),
        ),
        (
            "training",
            TrainingRecord,
            _new_training,
            lambda s, actor, rid: withdraw_training_record(s, actor=actor, record_id=rid),
        ),
    ],
)
def test_two_withdrawals_of_one_record_withdraw_it_once(
    engine, monkeypatch, entity, model, create, withdraw
):
    teacher_id = _teacher_id(engine)
    checked = 0
    for _ in range(ROUNDS):
        with Session(engine) as session:
            record_id = create(session, teacher_id)
            session.commit()
            # SQLite may give a new record the id of one withdrawn in an earlier round
            mark = session.execute(select(func.max(AuditLog.id))).scalar_one()
        outcomes = _withdraw_together(
            engine, monkeypatch, lambda s, actor, rid=record_id: withdraw(s, actor, rid)
        )
        assert sorted(outcomes) == ["not_found", "ok"]
        winner = f"clerk{outcomes.index('ok')}"
        with Session(engine) as session:
            assert session.get(model, record_id) is None
            deletes = session.exec(
                select(AuditLog).where(
                    AuditLog.id > mark,
                    AuditLog.entity == entity,
                    AuditLog.action == "delete",
                    AuditLog.entity_key == f"T1/{record_id}",
                )
            ).all()
        assert [(e.actor, e.before["id"]) for e in deletes] == [(winner, record_id)]
        checked += 1
    assert checked == ROUNDS


def test_withdrawing_an_unknown_record_is_not_found(session):
    with pytest.raises(NotFound):
        withdraw_designation(session, actor="hr", designation_id=999)
    with pytest.raises(NotFound):
        withdraw_training_record(session, actor="hr", record_id=999)
    assert session.exec(select(AuditLog).where(AuditLog.action == "delete")).all() == []
