"""The audit log, for administrators and auditors (an auditor scoped to a county sees the
entries about that county: :mod:`workforce.accounts.audit_scope`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.deps import AuditReader, SessionDep
from api.schemas.accounts import AuditEntryPublic
from api.schemas.common import Page
from workforce.accounts.scope import restrict
from workforce.audit import masked_text, shown_values
from workforce.models import AuditLog, Teacher

router = APIRouter(prefix="/audit", tags=["audit"])

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
"""Bounds of the date filters: wide enough for any real query, far from calendar overflow."""


@router.get("", response_model=Page[AuditEntryPublic])
def list_audit_entries(
    session: SessionDep,
    user: AuditReader,
    entity: Annotated[
        str | None, Query(max_length=32, description="teacher / school / user …")
    ] = None,
    entity_key: Annotated[str | None, Query(max_length=128, description="工号、学校代码…")] = None,
    teacher: Annotated[
        str | None,
        Query(
            max_length=64,
            description="教师现工号：该教师的全部记录（含改号前） / a teacher's current staff "
            "number: all the teacher's entries, from before a change of number too",
        ),
    ] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[
        str | None, Query(max_length=32, description="create / update / unmask …")
    ] = None,
    since: Annotated[
        dt.date | None, Query(ge=EARLIEST, le=LATEST, description="起始日期（含）")
    ] = None,
    until: Annotated[
        dt.date | None, Query(ge=EARLIEST, le=LATEST, description="截止日期（含）")
    ] = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[AuditEntryPublic]:
    """审计日志（最新在前）/ The audit log, newest first."""
    statement = restrict(select(AuditLog), user, AuditLog)
    for column, value in (
        (AuditLog.entity, entity),
        (AuditLog.entity_key, entity_key),
        (AuditLog.actor, actor),
        (AuditLog.action, action),
    ):
        if value:
            statement = statement.where(column == value)
    if teacher:
        teacher_id = select(Teacher.id).where(Teacher.staff_no == teacher).scalar_subquery()
        statement = statement.where(AuditLog.teacher_id == teacher_id)
    if since is not None:
        statement = statement.where(AuditLog.at >= _start_of(since))
    if until is not None:
        statement = statement.where(AuditLog.at < _start_of(until + dt.timedelta(days=1)))
    count = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = session.execute(
        statement.order_by(AuditLog.id.desc()).offset(skip).limit(limit)
    ).scalars()
    return Page(data=[_shown(e) for e in rows], count=count)


def _shown(entry: AuditLog) -> AuditEntryPublic:
    """An entry as readers see it: birth dates as months, ID numbers masked
    (:func:`workforce.audit.shown_values`)."""
    public = AuditEntryPublic.model_validate(entry)
    return public.model_copy(
        update={
            "before": shown_values(public.before),
            "after": shown_values(public.after),
            "note": masked_text(public.note) if public.note else public.note,
            "entity_key": masked_text(public.entity_key),
        }
    )


CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
"""Dates typed by users mean days in Beijing time; the log stores UTC."""


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CHINA_STANDARD_TIME)
