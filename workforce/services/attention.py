"""What in the registry needs attention (issue #13, item 8): teaching-certificate
registrations and key-teacher designations that have expired or expire soon, and teachers who
left or retired with no leaving date on record (reports dated before their leaving cannot
count them: `workforce.reports.leavers`).

A teacher's certificate registration is their latest ``valid_until`` (an older certificate
replaced by a newer one is no concern): expired before today, or expiring within ``days``.
A key-teacher designation (the kinds and tiers of :mod:`workforce.services.key_teachers`) is
the teacher's latest term end: lapsed within the last ``days`` (a designation that ended long
ago is history, not a task), or ending within ``days``. ``days`` is the setting
``expiry_notice_days``. Each is a set of teacher ids from one grouped query, so the list
filter and the dashboard count work at 100,000 teachers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlmodel import Session

from workforce.accounts.scope import Viewer, restrict, scope_key
from workforce.models import Certificate, Designation, Teacher
from workforce.reports.keyteachers import key_kinds, key_tiers
from workforce.rules.leaving import GONE, SERVING
from workforce.services.registry_cache import RegistryCache


@dataclass(frozen=True)
class AttentionCounts:
    certificates_expired: int
    certificates_expiring: int
    designations_expired: int
    designations_expiring: int
    days: int
    leavers_undated: int = 0
    """Teachers out of service (离职, 退休) with no leaving date (离岗日期)."""


State = Literal["expired", "expiring"]
COUNTS: RegistryCache[AttentionCounts] = RegistryCache(max_entries=256)
"""The dashboard's counts by (scope, day, notice), until the registry changes."""


def certificate_ids(today: dt.date, days: int, state: State | None = None) -> Select[Any]:
    """Teachers whose latest registration has expired (``expired``), expires within ``days``
    (``expiring``) or either (None)."""
    latest = func.max(Certificate.valid_until)
    upper = today - dt.timedelta(days=1) if state == "expired" else today + dt.timedelta(days=days)
    having = [latest <= upper]
    if state == "expiring":
        having.append(latest >= today)
    return select(Certificate.teacher_id).group_by(Certificate.teacher_id).having(*having)


def designation_ids(today: dt.date, days: int, state: State | None = None) -> Select[Any]:
    """Teachers whose latest key-teacher term lapsed within the last ``days`` (``expired``),
    ends within ``days`` (``expiring``) or either (None)."""
    latest = func.max(Designation.term_end)
    low = today - dt.timedelta(days=days) if state != "expiring" else today
    high = today - dt.timedelta(days=1) if state == "expired" else today + dt.timedelta(days=days)
    return (
        select(Designation.teacher_id)
        .where(Designation.kind.in_(key_kinds()), Designation.tier.in_(key_tiers()))  # type: ignore[attr-defined]
        .group_by(Designation.teacher_id)
        .having(latest >= low, latest <= high)
    )


def undated_leaving_condition() -> Any:
    """Condition on Teacher: out of service (离职, 退休) with no leaving date on record — the
    worklist of the reports' note (`workforce.reports.leavers`; the note counts only those
    no past date places, a retiree whose statutory date has come being placed by it, while
    this lists every one, since an early retirement does not follow that date)."""
    return Teacher.status.in_(GONE) & Teacher.left_on.is_(None)  # type: ignore[attr-defined,union-attr]


def attention_condition(today: dt.date, days: int) -> Any:
    """Condition on Teacher: a registration or a key-teacher designation needs attention."""
    return Teacher.id.in_(certificate_ids(today, days)) | Teacher.id.in_(  # type: ignore[union-attr]
        designation_ids(today, days)
    )


def attention_counts(
    session: Session, viewer: Viewer, today: dt.date, days: int
) -> AttentionCounts:
    """How many teachers in service (that ``viewer`` may see) have each concern (counted
    once per scope, day and notice until the registry changes)."""
    key = (scope_key(viewer), today, days)
    return COUNTS.get(session, key, lambda: _count_all(session, viewer, today, days))


def _count_all(session: Session, viewer: Viewer, today: dt.date, days: int) -> AttentionCounts:

    def count(ids: Select[Any]) -> int:
        statement = restrict(
            select(func.count())
            .select_from(Teacher)
            .where(Teacher.status.in_(SERVING), Teacher.id.in_(ids)),  # type: ignore[attr-defined]
            viewer,
            Teacher,
        )
        return int(session.exec(statement).one()[0])  # type: ignore[call-overload]

    undated = restrict(
        select(func.count()).select_from(Teacher).where(undated_leaving_condition()),
        viewer,
        Teacher,
    )
    return AttentionCounts(
        leavers_undated=int(session.exec(undated).one()[0]),  # type: ignore[call-overload]
        certificates_expired=count(certificate_ids(today, days, "expired")),
        certificates_expiring=count(certificate_ids(today, days, "expiring")),
        designations_expired=count(designation_ids(today, days, "expired")),
        designations_expiring=count(designation_ids(today, days, "expiring")),
        days=days,
    )


def row_state(end: dt.date | None, today: dt.date, days: int) -> State | None:
    """One certificate's or designation's end as the teacher page flags it."""
    if end is None:
        return None
    if end < today:
        return "expired"
    if end <= today + dt.timedelta(days=days):
        return "expiring"
    return None
