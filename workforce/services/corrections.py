"""Corrections: a school clerk proposes a change to one field of a teacher of their school;
district HR accepts it (the change is applied through :func:`update_teacher`, audited) or
rejects it with a note.

Clerks cannot propose an ID number (it would sit in clear in the proposal and clerks never
see ID numbers), a school (a transfer is HR's decision) or a status (leaving and retiring
are registry actions).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session

from workforce import audit
from workforce.accounts.models import Correction
from workforce.accounts.scope import Viewer, get_visible
from workforce.models import Teacher, utcnow
from workforce.services.errors import Conflict, InvalidInput, NotFound
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.teachers import TeacherUpdate, get_teacher, update_teacher

CORRECTABLE_FIELDS = tuple(
    name
    for name in TeacherUpdate.model_fields
    if name not in {"id_number", "school_id", "status", "staff_no"}
)


class CorrectionCreate(BaseModel):
    teacher_id: int
    field: str = Field(max_length=64, description="要更正的字段")
    proposed_value: Any = Field(description="更正后的值（代码或中文名称均可）")
    reason: str = Field(min_length=1, max_length=500, description="更正理由")


class CorrectionReview(BaseModel):
    note: str | None = Field(default=None, max_length=500, description="审核意见")


def correction_snapshot(correction: Correction) -> dict[str, Any]:
    return correction.model_dump(exclude={"proposed_at", "reviewed_at"})


def propose_correction(
    session: Session, *, actor: str, viewer: Viewer, data: CorrectionCreate
) -> Correction:
    """Record a proposal; the value is validated now, so HR reviews only applicable ones."""
    teacher = get_visible(
        session,
        viewer,
        Teacher,
        data.teacher_id,
        REGISTRY_MESSAGES.text("teacher_not_found", key=data.teacher_id),
    )
    if data.field not in CORRECTABLE_FIELDS:
        raise InvalidInput(
            REGISTRY_MESSAGES.text(
                "correction_field", field=data.field, allowed=", ".join(CORRECTABLE_FIELDS)
            )
        )
    try:
        parsed = TeacherUpdate.model_validate({data.field: data.proposed_value})
    except ValidationError as error:
        reason = "; ".join(e["msg"] for e in error.errors())
        raise InvalidInput(REGISTRY_MESSAGES.text("correction_value", reason=reason)) from None
    correction = Correction(
        teacher_id=teacher.id,
        field=data.field,
        current_value=teacher.model_dump(mode="json")[data.field],
        proposed_value=parsed.model_dump(mode="json")[data.field],
        reason=data.reason,
        proposed_by=actor,
    )
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="propose",
        entity="correction",
        entity_key=str(correction.id),
        after=correction_snapshot(correction),
    )
    return correction


def accept_correction(
    session: Session, *, actor: str, correction_id: int, data: CorrectionReview
) -> Correction:
    """Apply the proposed value to the teacher (audited as an update) and close the proposal."""
    correction = _open_correction(session, correction_id)
    teacher = get_teacher(session, teacher_id=correction.teacher_id)
    update_teacher(
        session,
        actor=actor,
        teacher_id=correction.teacher_id,
        data=TeacherUpdate.model_validate({correction.field: correction.proposed_value}),
        version=teacher.version,
    )
    return _close(session, correction, actor=actor, status="accepted", note=data.note)


def reject_correction(
    session: Session, *, actor: str, correction_id: int, data: CorrectionReview
) -> Correction:
    return _close(
        session,
        _open_correction(session, correction_id),
        actor=actor,
        status="rejected",
        note=data.note,
    )


def _open_correction(session: Session, correction_id: int) -> Correction:
    correction = session.get(Correction, correction_id)
    if correction is None:
        raise NotFound(REGISTRY_MESSAGES.text("correction_not_found", key=correction_id))
    if correction.status != "proposed":
        raise Conflict(REGISTRY_MESSAGES.text("correction_closed", status=correction.status))
    return correction


def _close(
    session: Session, correction: Correction, *, actor: str, status: str, note: str | None
) -> Correction:
    before = correction_snapshot(correction)
    correction.status = status
    correction.reviewed_by = actor
    correction.reviewed_at = utcnow()
    correction.review_note = note
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="accept" if status == "accepted" else "reject",
        entity="correction",
        entity_key=str(correction.id),
        before=before,
        after=correction_snapshot(correction),
    )
    return correction
