"""A teacher's designations and training records: list, add, withdraw a mistaken entry."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import select

from api.deps import Editor, Reader, SessionDep
from api.schemas.registry import DesignationPublic, TrainingPublic
from workforce.accounts.scope import get_visible
from workforce.models import Designation, Teacher, TrainingRecord
from workforce.services.designations import (
    DesignationCreate,
    create_designation,
    withdraw_designation,
)
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.training import (
    TrainingCreate,
    create_training_record,
    withdraw_training_record,
)

router = APIRouter(tags=["records"])


def _teacher(session, user, teacher_id: int) -> Teacher:  # type: ignore[no-untyped-def]
    return get_visible(
        session,
        user,
        Teacher,
        teacher_id,
        REGISTRY_MESSAGES.text("teacher_not_found", key=teacher_id),
    )


@router.get("/teachers/{teacher_id}/designations", response_model=list[DesignationPublic])
def list_designations(
    session: SessionDep, user: Reader, teacher_id: int
) -> list[DesignationPublic]:
    """教师的称号 / A teacher's designations."""
    teacher = _teacher(session, user, teacher_id)
    rows = session.exec(
        select(Designation).where(Designation.teacher_id == teacher.id).order_by(Designation.id)
    ).all()
    return [DesignationPublic.model_validate(d) for d in rows]


@router.post(
    "/teachers/{teacher_id}/designations", response_model=DesignationPublic, status_code=201
)
def add_designation(
    session: SessionDep, user: Editor, teacher_id: int, body: DesignationCreate
) -> DesignationPublic:
    """登记称号 / Record a designation."""
    teacher = _teacher(session, user, teacher_id)
    designation = create_designation(session, actor=user.username, teacher_id=teacher.id, data=body)
    session.commit()
    return DesignationPublic.model_validate(designation)


@router.delete("/designations/{designation_id}", status_code=204)
def delete_designation(session: SessionDep, user: Editor, designation_id: int) -> Response:
    """撤销误录的称号（保留审计记录）/ Withdraw a designation entered by mistake."""
    get_visible(
        session,
        user,
        Designation,
        designation_id,
        REGISTRY_MESSAGES.text("designation_not_found", key=designation_id),
    )
    withdraw_designation(session, actor=user.username, designation_id=designation_id)
    session.commit()
    return Response(status_code=204)


@router.get("/teachers/{teacher_id}/training", response_model=list[TrainingPublic])
def list_training(session: SessionDep, user: Reader, teacher_id: int) -> list[TrainingPublic]:
    """教师的继续教育记录 / A teacher's training records."""
    teacher = _teacher(session, user, teacher_id)
    rows = session.exec(
        select(TrainingRecord)
        .where(TrainingRecord.teacher_id == teacher.id)
        .order_by(TrainingRecord.date, TrainingRecord.id)
    ).all()
    return [TrainingPublic.model_validate(r) for r in rows]


@router.post("/teachers/{teacher_id}/training", response_model=TrainingPublic, status_code=201)
def add_training(
    session: SessionDep, user: Editor, teacher_id: int, body: TrainingCreate
) -> TrainingPublic:
    """登记培训学时 / Record training hours."""
    teacher = _teacher(session, user, teacher_id)
    record = create_training_record(session, actor=user.username, teacher_id=teacher.id, data=body)
    session.commit()
    return TrainingPublic.model_validate(record)


@router.delete("/training/{record_id}", status_code=204)
def delete_training(session: SessionDep, user: Editor, record_id: int) -> Response:
    """撤销误录的培训记录（保留审计记录）/ Withdraw a training record entered by mistake."""
    get_visible(
        session,
        user,
        TrainingRecord,
        record_id,
        REGISTRY_MESSAGES.text("training_not_found", key=record_id),
    )
    withdraw_training_record(session, actor=user.username, record_id=record_id)
    session.commit()
    return Response(status_code=204)
