"""The audit log, for administrators and auditors (an auditor scoped to a county sees the
entries about that county: :mod:`workforce.accounts.audit_scope`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.deps import AuditReader, SessionDep
from api.schemas.accounts import (
    AuditChainFinding,
    AuditChainMessage,
    AuditChainPublic,
    AuditEntryPublic,
)
from api.schemas.common import Page
from workforce.accounts.scope import restrict
from workforce.audit import masked_text, shown_values
from workforce.audit_chain import ChainReport, parse_head, verify
from workforce.models import AuditLog, Teacher
from workforce.services.errors import InvalidInput
from workforce.services.messages import REGISTRY_MESSAGES

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


@router.get("/chain", response_model=AuditChainPublic)
def verify_audit_chain(
    session: SessionDep,
    user: AuditReader,
    expect_head: Annotated[
        str | None,
        Query(max_length=100, description="上次记下的链头 SEQ:DIGEST / a head recorded earlier"),
    ] = None,
) -> AuditChainPublic:
    """校验审计链：审计记录写入后是否被改动、删除或增加（读全部记录，较慢）/ Verify the audit
    chain: were audit entries edited, deleted or added after they were written? (Reads every
    entry.) The answer names links and entry ids only, never an entry's content, so a
    county-scoped reader learns nothing of other counties' entries but their number."""
    try:
        expected = parse_head(expect_head) if expect_head is not None else None
    except ValueError:
        raise InvalidInput(REGISTRY_MESSAGES.text("audit_chain.bad_head")) from None
    return chain_public(verify(session, expected_head=expected))


def chain_public(report: ChainReport) -> AuditChainPublic:
    """A verification as the API (and the audit page) shows it."""
    lines = {language: report.lines(language) for language in ("zh", "en")}
    return AuditChainPublic(
        intact=report.intact,
        links=report.links,
        entries=report.entries,
        head=report.head,
        head_sealed_at=report.head_sealed_at,
        expected_head_found=report.expected_head_found,
        findings=[
            AuditChainFinding(
                code=f.code, seq=f.seq, entry_ids=list(f.entry_ids),
                message=AuditChainMessage(zh=f.text("zh"), en=f.text("en")),
            )
            for f in report.findings
        ],  # fmt: skip
        summary=AuditChainMessage(zh=lines["zh"][-1], en=lines["en"][-1]),
    )


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
