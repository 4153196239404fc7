"""Corrections: clerks propose a change to a teacher of their school; HR accepts or rejects."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.deps import Proposer, Reader, Reviewer, SessionDep
from api.schemas.accounts import CorrectionPublic, correction_public
from api.schemas.common import Page
from workforce.accounts.models import Correction
from workforce.accounts.scope import get_visible, restrict
from workforce.services.corrections import (
    CorrectionCreate,
    CorrectionReview,
    accept_correction,
    propose_correction,
    reject_correction,
)
from workforce.services.messages import REGISTRY_MESSAGES

router = APIRouter(prefix="/corrections", tags=["corrections"])


@router.get("", response_model=Page[CorrectionPublic])
def list_corrections(
    session: SessionDep,
    user: Reader,
    status: Literal["proposed", "accepted", "rejected"] | None = None,
    teacher_id: int | None = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[CorrectionPublic]:
    """更正申请列表（按权限范围）/ List the corrections you may see."""
    statement = restrict(select(Correction), user, Correction)
    if status:
        statement = statement.where(Correction.status == status)
    if teacher_id is not None:
        statement = statement.where(Correction.teacher_id == teacher_id)
    count = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = session.execute(
        statement.order_by(Correction.id.desc()).offset(skip).limit(limit)
    ).scalars()
    return Page(data=[correction_public(c, user.role) for c in rows], count=count)


@router.get("/{correction_id}", response_model=CorrectionPublic)
def read_correction(session: SessionDep, user: Reader, correction_id: int) -> CorrectionPublic:
    """更正申请详情 / One correction."""
    correction = get_visible(
        session,
        user,
        Correction,
        correction_id,
        REGISTRY_MESSAGES.text("correction_not_found", key=correction_id),
    )
    return correction_public(correction, user.role)


@router.post("", response_model=CorrectionPublic, status_code=201)
def create_correction(
    session: SessionDep, user: Proposer, body: CorrectionCreate
) -> CorrectionPublic:
    """提交更正申请（学校人事专干，仅本校教师）/ Propose a correction (own school only)."""
    correction = propose_correction(session, actor=user.username, viewer=user, data=body)
    session.commit()
    return correction_public(correction, user.role)


@router.post("/{correction_id}/accept", response_model=CorrectionPublic)
def accept(
    session: SessionDep, user: Reviewer, correction_id: int, body: CorrectionReview
) -> CorrectionPublic:
    """采纳更正并修改教师信息（记入审计）/ Accept and apply a correction (audited)."""
    correction = accept_correction(
        session, actor=user.username, viewer=user, correction_id=correction_id, data=body
    )
    session.commit()
    return correction_public(correction, user.role)


@router.post("/{correction_id}/reject", response_model=CorrectionPublic)
def reject(
    session: SessionDep, user: Reviewer, correction_id: int, body: CorrectionReview
) -> CorrectionPublic:
    """驳回更正申请 / Reject a correction."""
    correction = reject_correction(
        session, actor=user.username, viewer=user, correction_id=correction_id, data=body
    )
    session.commit()
    return correction_public(correction, user.role)
