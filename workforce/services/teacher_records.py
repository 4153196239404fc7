"""Records that hang off one teacher (designations, training hours): add one, withdraw one
entered by mistake — each with its audit entry (key ``staff_no/record id``) in the same
transaction. One definition for every kind of teacher record."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import delete
from sqlmodel import Session, SQLModel

from workforce import audit
from workforce.services.errors import NotFound
from workforce.services.messages import Text
from workforce.services.teachers import get_teacher

Record = TypeVar("Record", bound=SQLModel)


def add_teacher_record(
    session: Session, *, actor: str, entity: str, teacher_id: int, record: Record
) -> Record:
    """Attach ``record`` (a new row without ``teacher_id``) to the teacher and audit it."""
    teacher = get_teacher(session, teacher_id=teacher_id)
    record.teacher_id = teacher.id  # type: ignore[attr-defined]
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity=entity,
        entity_key=f"{teacher.staff_no}/{record.id}",  # type: ignore[attr-defined]
        after=record.model_dump(),
    )
    return record


def withdraw_teacher_record(
    session: Session,
    *,
    actor: str,
    entity: str,
    model: type[Record],
    record_id: int,
    not_found: Text,
) -> None:
    """Remove a record entered by mistake; the audit log keeps its values.

    The DELETE itself is the guard: of two withdrawals of one record sent together, the one
    whose DELETE matches no row (the other removed it first) is refused as an unknown record,
    so the record is withdrawn — and audited — once. A row lock would not do this on SQLite."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(not_found)
    before = record.model_dump()
    teacher = get_teacher(session, teacher_id=record.teacher_id)  # type: ignore[attr-defined]
    table = model.__table__  # type: ignore[attr-defined]
    deleted = session.execute(delete(table).where(table.c.id == record_id)).rowcount
    if deleted != 1:
        raise NotFound(not_found)
    session.expunge(record)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity=entity,
        entity_key=f"{teacher.staff_no}/{record_id}",
        before=before,
    )
