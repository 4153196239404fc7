"""Registry services for key-teacher designations (骨干教师, 学科带头人 … for a term).

A designation has no version column: it is created once and, when entered by mistake,
withdrawn (deleted with its values kept in the audit log).
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session

from workforce.models import Designation
from workforce.services.fields import Day, DesignationKind, DesignationTier, Subject
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.teacher_records import add_teacher_record, withdraw_teacher_record


class DesignationCreate(BaseModel):
    kind: DesignationKind = Field(description="称号类别 (designation_kinds)")
    tier: DesignationTier = Field(description="级别 (designation_tiers)")
    subject: Subject | None = None
    term_start: Day = Field(description="任期开始")
    term_end: Day = Field(description="任期结束")
    issuer: str | None = Field(default=None, max_length=100, description="认定单位")

    @model_validator(mode="after")
    def _term_in_order(self) -> DesignationCreate:
        if self.term_end < self.term_start:
            raise ValueError(
                REGISTRY_MESSAGES.text(
                    "date_order",
                    field_zh="任期结束",
                    other_zh="任期开始",
                    field_en="term_end",
                    other_en="term_start",
                ).joined()
            )
        return self


def create_designation(
    session: Session, *, actor: str, teacher_id: int, data: DesignationCreate
) -> Designation:
    return add_teacher_record(
        session,
        actor=actor,
        entity="designation",
        teacher_id=teacher_id,
        record=Designation(**data.model_dump()),
    )


def withdraw_designation(session: Session, *, actor: str, designation_id: int) -> None:
    """Remove a record entered by mistake; the audit log keeps its values."""
    withdraw_teacher_record(
        session,
        actor=actor,
        entity="designation",
        model=Designation,
        record_id=designation_id,
        not_found=REGISTRY_MESSAGES.text("designation_not_found", key=designation_id),
    )
