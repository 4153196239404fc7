"""Registry services for continuing-education records (继续教育学时).

Hours are class hours (学时) with one decimal; the 360-hour five-year norm is checked by
the training rule and the reports, not here. A record entered by mistake is withdrawn
(deleted, its values kept in the audit log).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field
from sqlmodel import Session

from workforce.models import TrainingRecord
from workforce.services.fields import Day, TrainingCategory
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.teacher_records import add_teacher_record, withdraw_teacher_record


class TrainingCreate(BaseModel):
    date: Day = Field(description="培训日期")
    hours: Decimal = Field(gt=0, le=999, max_digits=4, decimal_places=1, description="学时")
    category: TrainingCategory = Field(description="培训类别 (training_categories)")
    provider: str | None = Field(default=None, max_length=100, description="培训机构")
    certificate_no: str | None = Field(default=None, max_length=64, description="证书编号")
    title: str | None = Field(default=None, max_length=200, description="培训项目名称")


def create_training_record(
    session: Session, *, actor: str, teacher_id: int, data: TrainingCreate
) -> TrainingRecord:
    return add_teacher_record(
        session,
        actor=actor,
        entity="training",
        teacher_id=teacher_id,
        record=TrainingRecord(**data.model_dump()),
    )


def withdraw_training_record(session: Session, *, actor: str, record_id: int) -> None:
    """Remove a record entered by mistake; the audit log keeps its values."""
    withdraw_teacher_record(
        session,
        actor=actor,
        entity="training",
        model=TrainingRecord,
        record_id=record_id,
        not_found=REGISTRY_MESSAGES.text("training_not_found", key=record_id),
    )
