"""Registry services for key-teacher designations (骨干教师, 学科带头人 … for a term).

A designation has no version column: it is created once and, when entered by mistake,
withdrawn (deleted with its values kept in the audit log).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session

from workforce import audit
from workforce.models import Designation, Teacher
from workforce.services.errors import NotFound
from workforce.services.fields import Day, DesignationKind, DesignationTier, Subject
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.teachers import get_teacher


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


def designation_snapshot(designation: Designation) -> dict[str, Any]:
    return designation.model_dump()


def _key(teacher: Teacher, designation: Designation) -> str:
    return f"{teacher.staff_no}/{designation.id}"


def create_designation(
    session: Session, *, actor: str, teacher_id: int, data: DesignationCreate
) -> Designation:
    teacher = get_teacher(session, teacher_id=teacher_id)
    designation = Designation(teacher_id=teacher.id, **data.model_dump())
    session.add(designation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="designation",
        entity_key=_key(teacher, designation),
        after=designation_snapshot(designation),
    )
    return designation


def withdraw_designation(session: Session, *, actor: str, designation_id: int) -> None:
    """Remove a designation entered by mistake; the audit log keeps its values."""
    designation = session.get(Designation, designation_id)
    if designation is None:
        raise NotFound(REGISTRY_MESSAGES.text("designation_not_found", key=designation_id))
    teacher = get_teacher(session, teacher_id=designation.teacher_id)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="designation",
        entity_key=_key(teacher, designation),
        before=designation_snapshot(designation),
    )
    session.delete(designation)
    session.flush()
