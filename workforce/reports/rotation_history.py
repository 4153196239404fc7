"""Who was where on a past reference day, for the rotation report: the established teachers'
careers rebuilt from the rotation history, and each school's counts on a day (在编 teachers,
the quota base).

Most teachers have no rotation on record: they are at their current school since joining it,
and are counted in bulk over arrays (:class:`Roster`, the quota-base rule through
:class:`~workforce.reports.eligibility.QuotaPeople`). The few with records are rebuilt one by
one (:func:`place_on`): a teacher with a transfer or secondment starting later was at its
source school, since the previous transfer or first employment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from optimizer.rules import RotationRules
from workforce.models import Exemption
from workforce.reports import frames
from workforce.reports.eligibility import QuotaPeople, ordinals
from workforce.rules.leaving import GONE, SERVING

NEVER = dt.date(9999, 12, 31).toordinal()
"""The last day in service of a teacher still serving (an ordinal no reference day reaches)."""


@dataclass(frozen=True, slots=True)
class ExemptionView:
    """An exemption as the eligibility rule reads one."""

    reason: str
    from_date: dt.date
    until: dt.date | None


@dataclass(frozen=True, slots=True)
class Career:
    """What a report needs of one established teacher with rotation records, for every year."""

    id: int
    school_id: int
    joined_school_on: dt.date
    first_employed_on: dt.date | None
    employed_since: dt.date
    in_service_until: dt.date | None
    """Last day in service: None = still serving; a retiree's retirement date."""
    post_type: str
    gender: str
    birth_date: dt.date
    retirement_date: dt.date
    records: tuple  # type: ignore[type-arg]


@dataclass(frozen=True)
class Roster:
    """The established teachers with no rotation on record, as arrays (dates as ordinals):
    each is at the current school since joining it, the same on every reference day."""

    school_id: np.ndarray
    joined: np.ndarray
    since: np.ndarray
    until: np.ndarray
    """Last day in service, exclusive bound for the test ``until > day``; NEVER if serving."""
    people: QuotaPeople


@dataclass
class DayCounts:
    """One reference day's counts per school id."""

    established: dict[int, int]
    """在编 teachers in service at the school on the day (the district share's base)."""
    quota_base: dict[int, int]
    """Teachers counting in the school quota's base (schools in quota scope only)."""


def careers(
    teachers: pd.DataFrame,
    history: dict[int, list[Any]],
    exemptions: dict[int, list[ExemptionView]],
    rules: RotationRules,
) -> tuple[Roster, list[Career]]:
    """The established teachers still serving, or who left or retired (each until their
    leaving: :func:`frames.service_ends`): those without a rotation on record as a
    :class:`Roster`, the others as :class:`Career` each."""
    kept = teachers[
        (teachers["post_type"] == "established") & teachers["status"].isin([*SERVING, *GONE])
    ]
    retires = frames.retirement_dates(kept)
    # The last day in service of one who left or retired is the day before they left
    # (frames.service_ends, as frames.in_service_on reads it for the other reports).
    ends = frames.service_ends(kept, SERVING)
    moved = kept["id"].isin(list(history)).to_numpy()
    steady = kept[~moved]
    steady_retires = [d for d, m in zip(retires, moved, strict=True) if not m]
    steady_ends = [d for d, m in zip(ends, moved, strict=True) if not m]
    serving = steady["status"].isin(SERVING).to_numpy()
    first = steady["first_employed_on"].tolist()
    joined = steady["joined_school_on"].tolist()
    exempt = [exemptions.get(i, []) for i in steady["id"].tolist()]
    roster = Roster(
        school_id=steady["school_id"].to_numpy(dtype=np.int64),
        joined=ordinals(joined),
        since=ordinals([f or j for f, j in zip(first, joined, strict=True)]),
        until=np.where(serving, NEVER, ordinals(steady_ends)),
        people=QuotaPeople.of_columns(
            post_type=steady["post_type"].tolist(),
            on_secondment=[False] * len(steady),
            joined=joined,
            retirement=steady_retires,
            last_rotation_end=[None] * len(steady),
            gender=steady["gender"].tolist(),
            birth=steady["birth_date"].tolist(),
            exemptions=exempt,
            rules=rules,
        ),
    )
    rebuilt = []
    for t, retires_on, ends_on in zip(
        frames.plain_rows(kept[moved]),
        (d for d, m in zip(retires, moved, strict=True) if m),
        (d for d, m in zip(ends, moved, strict=True) if m),
        strict=True,
    ):
        records = tuple(history[int(t.id)])
        since = t.first_employed_on or min([t.joined_school_on, *(r.start_on for r in records)])
        rebuilt.append(
            Career(
                id=int(t.id),
                school_id=int(t.school_id),
                joined_school_on=t.joined_school_on,
                first_employed_on=t.first_employed_on,
                employed_since=since,
                in_service_until=None if t.status in SERVING else ends_on,
                post_type=t.post_type,
                gender=t.gender,
                birth_date=t.birth_date,
                retirement_date=retires_on,
                records=records,
            )
        )
    return roster, rebuilt


def read_exemptions(session: Session) -> dict[int, list[ExemptionView]]:
    rows = session.execute(
        select(Exemption.teacher_id, Exemption.reason, Exemption.from_on, Exemption.until_on)
    )
    out: dict[int, list[ExemptionView]] = {}
    for teacher_id, reason, start, until in rows:
        out.setdefault(teacher_id, []).append(ExemptionView(reason, start, until))
    return out


def history_of(moves: pd.DataFrame) -> dict[int, list[Any]]:
    """Rotation records per teacher, oldest first."""
    ordered = moves.sort_values("start_on", kind="stable")
    history: dict[int, list[Any]] = {}
    for record in frames.plain_rows(ordered):
        history.setdefault(int(record.teacher_id), []).append(record)
    return history


def place_on(teacher: Career, day: dt.date) -> tuple[int, dt.date] | None:
    """(school id, joined that school) on ``day``; None when the registry cannot tell (the
    teacher joined the current school later with no rotation on record, or the first
    employment date is unknown).

    The school is the source of the first record of any kind (transfer or secondment)
    starting on or after ``day``, as :func:`frames.schools_on` reads it: applying a plan moves
    a seconded teacher's school and joined date to the destination too, so without it a
    teacher seconded after the day would be placed at the destination, outside the home
    school's quota base. The years there run from the previous transfer before ``day`` (a
    secondment keeps the home school's years), else from first employment; with no record on
    or after ``day``, the current school since joining it."""
    later = [r for r in teacher.records if r.start_on >= day]
    if not later:
        if teacher.joined_school_on > day:
            return None
        return teacher.school_id, teacher.joined_school_on
    earlier = [r for r in teacher.records if r.kind == "transfer" and r.start_on < day]
    joined = earlier[-1].start_on if earlier else teacher.first_employed_on
    if joined is None or joined > day:
        return None
    return int(later[0].from_school_id), joined


def day_counts(
    day: dt.date,
    roster: Roster,
    rebuilt: list[Career],
    known: Collection[int],
    quota_schools: Collection[int],
    exemptions: dict[int, list[ExemptionView]],
    rules: RotationRules,
) -> DayCounts:
    """Each school's 在编 teachers on ``day`` (schools of ``known``) and quota base (schools of
    ``quota_schools``, the urban or quality schools in scope). A teacher counts from first
    employment to the last day in service, at the school rebuilt for the day (the current
    school when the registry cannot tell), in the base only when the place is known and
    :func:`optimizer.rules.counts_in_quota_base` holds for the teacher as on that day."""
    on = day.toordinal()
    serving = (roster.since <= on) & (roster.until > on)
    established = _tally(roster.school_id[serving & np.isin(roster.school_id, list(known))])
    scoped = serving & (roster.joined <= on) & np.isin(roster.school_id, list(quota_schools))
    scoped &= roster.people.counts_in_quota_base(day, rules)
    quota_base = _tally(roster.school_id[scoped])
    judged: list[tuple[Career, int, dt.date]] = []
    for teacher in rebuilt:
        if teacher.employed_since > day or (
            teacher.in_service_until is not None and teacher.in_service_until <= day
        ):
            continue
        place = place_on(teacher, day)
        where = place[0] if place else teacher.school_id
        if where not in known:
            continue
        established[where] = established.get(where, 0) + 1
        if place is not None and where in quota_schools:
            judged.append((teacher, where, place[1]))
    if judged:
        people = QuotaPeople.of_columns(
            post_type=[t.post_type for t, _, _ in judged],
            on_secondment=[_on_secondment(t.records, day) for t, _, _ in judged],
            joined=[joined for _, _, joined in judged],
            retirement=[t.retirement_date for t, _, _ in judged],
            last_rotation_end=[_last_rotation_end(t.records, day) for t, _, _ in judged],
            gender=[t.gender for t, _, _ in judged],
            birth=[t.birth_date for t, _, _ in judged],
            exemptions=[exemptions.get(t.id, []) for t, _, _ in judged],
            rules=rules,
        )
        counted = people.counts_in_quota_base(day, rules)
        for (_, school_id, _), counts in zip(judged, counted.tolist(), strict=True):
            if counts:
                quota_base[school_id] = quota_base.get(school_id, 0) + 1
    return DayCounts(established=established, quota_base=quota_base)


def _tally(school_ids: np.ndarray) -> dict[int, int]:
    ids, counts = np.unique(school_ids, return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist(), strict=True))


def _on_secondment(records: tuple, day: dt.date) -> bool:  # type: ignore[type-arg]
    """Away on a secondment on ``day``: started before it and not ended before it."""
    return any(
        r.kind == "secondment"
        and r.start_on < day
        and ((r.actual_end_on or r.planned_end_on) is None
             or (r.actual_end_on or r.planned_end_on) >= day)
        for r in records
    )  # fmt: skip


def _last_rotation_end(records: tuple, day: dt.date) -> dt.date | None:  # type: ignore[type-arg]
    """The last end of a rotation on or before ``day`` (the cool-down's start)."""
    ended = [r.actual_end_on or r.planned_end_on for r in records]
    return max((d for d in ended if d is not None and d <= day), default=None)
