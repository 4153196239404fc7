"""Corrections: a school clerk proposes a change to one field of a teacher of their school;
district HR accepts it (the change is applied through :func:`update_teacher`, audited) or
rejects it with a note.

A correction records the teacher's version and the field's value it was made against.
Accepting it after the same field was changed (by HR, an import, another correction) is
refused with both values, never overwriting the newer one; a change of another field does not
matter. A decision is a conditional status change (``UPDATE … WHERE status = 'proposed'``
that must change one row), so of an accept and a reject sent together exactly one succeeds,
on every engine.

Deciding is scoped like reading: the reviewer must see the correction (its teacher) under
:func:`workforce.accounts.scope.restrict` — a county's HR officer decides their county's
corrections only; another county's is "not found", as reading it is.

Clerks cannot propose an ID number (it would sit in clear in the proposal and clerks never
see ID numbers), a school (a transfer is HR's decision) or a status (leaving and retiring
are registry actions).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import update
from sqlmodel import Session

from workforce import audit
from workforce.accounts.models import Correction
from workforce.accounts.scope import Viewer, get_visible
from workforce.idnumber import birth_month
from workforce.models import Teacher, utcnow
from workforce.services.errors import Conflict, InvalidInput
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
        teacher_version=teacher.version,
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


CLOSED_STATUS_ZH = {"accepted": "已采纳", "rejected": "已驳回"}
"""A decided correction's status in Chinese, for the refusal of a second decision (the code
stays in the English text and in the API's ``code``)."""


def accept_correction(
    session: Session, *, actor: str, viewer: Viewer, correction_id: int, data: CorrectionReview
) -> Correction:
    """Apply the proposed value to the teacher (audited as an update) and close the proposal.

    Refused (:class:`Conflict` ``correction_outdated``, with the value the proposal was made
    against, the current one and the proposed one) when the field changed since the proposal.
    On any refusal the caller rolls back, which also undoes the claimed decision.
    """
    correction = _claim(
        session, correction_id, actor=actor, viewer=viewer, status="accepted", note=data.note
    )
    teacher = get_teacher(session, teacher_id=correction.teacher_id)
    current = teacher.model_dump(mode="json")[correction.field]
    if current != correction.current_value:
        # a birth date on file is shown as its month, as everywhere without an unmasking: the
        # refusal told the reviewer the day the current ID number holds (the proposal itself
        # is what they judge, and is shown as proposed)
        shown = birth_month if correction.field in audit.BIRTH_DATE_KEYS else _as_is
        raise Conflict(
            REGISTRY_MESSAGES.text(
                "correction_outdated",
                field=correction.field,
                based_on=shown(correction.current_value),
                current=shown(current),
                proposed=correction.proposed_value,
            ),
            extra={
                "field": correction.field,
                "proposal_based_on": shown(correction.current_value),
                "current_value": shown(current),
                "proposed_value": correction.proposed_value,
                "proposal_teacher_version": correction.teacher_version,
                "current_teacher_version": teacher.version,
            },
        )
    update_teacher(
        session,
        actor=actor,
        teacher_id=correction.teacher_id,
        data=TeacherUpdate.model_validate({correction.field: correction.proposed_value}),
        version=teacher.version,
    )
    return correction


def _as_is(value: Any) -> Any:
    return value


def reject_correction(
    session: Session, *, actor: str, viewer: Viewer, correction_id: int, data: CorrectionReview
) -> Correction:
    return _claim(
        session, correction_id, actor=actor, viewer=viewer, status="rejected", note=data.note
    )


def _claim(
    session: Session,
    correction_id: int,
    *,
    actor: str,
    viewer: Viewer,
    status: str,
    note: str | None,
) -> Correction:
    """Close a proposed correction with ``status`` — ``UPDATE … WHERE status = 'proposed'``,
    which must change exactly one row — and audit the decision. A correction ``viewer`` may
    not see (another county's teacher) is not found: neither decided nor shown."""
    correction = get_visible(
        session,
        viewer,
        Correction,
        correction_id,
        REGISTRY_MESSAGES.text("correction_not_found", key=correction_id),
    )
    before = correction_snapshot(correction)
    claimed = session.execute(
        update(Correction)
        .where(Correction.id == correction_id, Correction.status == "proposed")
        .values(status=status, reviewed_by=actor, reviewed_at=utcnow(), review_note=note)
        .execution_options(synchronize_session=False)
    )
    session.refresh(correction)
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            REGISTRY_MESSAGES.text(
                "correction_closed",
                status=correction.status,
                status_zh=CLOSED_STATUS_ZH.get(correction.status, correction.status),
            )
        )
    audit.record(
        session,
        actor=actor,
        action="accept" if status == "accepted" else "reject",
        entity="correction",
        entity_key=str(correction.id),
        before={**before, "status": "proposed"},
        after=correction_snapshot(correction),
    )
    return correction
