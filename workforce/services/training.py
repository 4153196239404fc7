"""Registry services for continuing-education records (继续教育学时).

Hours are class hours (学时) with one decimal; the 360-hour five-year norm is checked by
the training rule and the reports, not here. A record entered by mistake is withdrawn
(deleted, its values kept in the audit log).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from workforce import audit
from workforce.models import Teacher, TrainingRecord
from workforce.services.errors import NotFound
from workforce.services.fields import Day, TrainingCategory
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.teachers import get_teacher


class TrainingCreate(BaseModel):
    date: Day = Field(description="培训日期")
    hours: Decimal = Field(gt=0, le=999, max_digits=4, decimal_places=1, description="学时")
    category: TrainingCategory = Field(description="培训类别 (training_categories)")
    provider: str | None = Field(default=None, max_length=100, description="培训机构")
    certificate_no: str | None = Field(default=None, max_length=64, description="证书编号")
    title: str | None = Field(default=None, max_length=200, description="培训项目名称")


def training_snapshot(record: TrainingRecord) -> dict[str, Any]:
    return record.model_dump()


def _key(teacher: Teacher, record: TrainingRecord) -> str:
    return f"{teacher.staff_no}/{record.id}"


def create_training_record(
    session: Session, *, actor: str, teacher_id: int, data: TrainingCreate
) -> TrainingRecord:
    teacher = get_teacher(session, teacher_id=teacher_id)
    record = TrainingRecord(teacher_id=teacher.id, **data.model_dump())
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="training",
        entity_key=_key(teacher, record),
        after=training_snapshot(record),
    )
    return record


def withdraw_training_record(session: Session, *, actor: str, record_id: int) -> None:
    """Remove a record entered by mistake; the audit log keeps its values."""
    record = session.get(TrainingRecord, record_id)
    if record is None:
        raise NotFound(REGISTRY_MESSAGES.text("training_not_found", key=record_id))
    teacher = get_teacher(session, teacher_id=record.teacher_id)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="training",
        entity_key=_key(teacher, record),
        before=training_snapshot(record),
    )
    session.delete(record)
    session.flush()
