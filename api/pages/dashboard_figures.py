"""The dashboard's figures, gathered from the registry once and kept until the registry changes.

Over 100,000 teachers the figures take seconds (the training assessment of every teacher, the
key-teacher counts of every year end), while the page is opened all day and the registry
changes now and then. So they are computed on the first view and kept in a
:class:`~workforce.services.registry_cache.RegistryCache`, keyed by the day (the figures are
"as of today") and the scope (the whole registry, one county's schools for a county's user, or
one clerk's school): every change to the
registry writes an audit entry, which changes the registry's version, so the next view after
any change computes them afresh — a kept figure is never stale.

The numbers come from the report functions (:mod:`workforce.reports`) and the stored plan:

* quota gauges and rural shortages — the year's applied plan, or before one is applied the latest
  plan that is not superseded (only its
  ``plan_json``: the instance beside it holds every teacher and is not needed here); for the
  city of a registry of several counties, each county's (a row per county, the shortages of all);
* key teachers year by year — the talent report's ``talent.by_year`` view;
* training completion by school, and teachers by training status for each school type — the
  training report's assessment (:func:`~workforce.reports.training.assessed_teachers`)
  summarised with its :func:`~workforce.reports.training.status_summary` (by school; by scope
  group, ownership and level as its ``training.school_types`` view), without the per-teacher
  and certificate views the dashboard does not show. At the start of a cycle nobody is done
  yet: the distribution of statuses (on track, at risk …) still tells who is behind.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, case, select
from sqlmodel import Session

from optimizer import Plan
from workforce.models import RotationPlan
from workforce.reports import frames
from workforce.reports.counties import county_names
from workforce.reports.scope import default_scopes
from workforce.reports.talent import talent_report
from workforce.reports.training import (
    GROUPS,
    SCHOOL_COLUMNS,
    assessed_teachers,
    status_summary,
)
from workforce.rules.local import training_rules
from workforce.rules.training import STATUSES
from workforce.services.registry_cache import RegistryCache
from workforce.snapshot import counties

KEY_TEACHER_GOAL = "key_teachers"
"""The talent goal the trend follows: 700 district key teachers by 2025 (data/targets)."""
SCHOOLS_SHOWN = 25
"""Training bars: the schools with the lowest completion first, at most this many."""


@dataclass(frozen=True)
class LatestPlan:
    """The year's latest plan that is not superseded: its id, status and content (the page
    template reads ``id`` and ``status`` as it would of the plan's row)."""

    id: int
    status: str
    plan: Plan


@dataclass(frozen=True)
class SchoolCompletion:
    """Training completion of one school this cycle (``rate`` None when no one is counted)."""

    code: str
    name: str
    teachers: int
    done: int
    rate: float | None


@dataclass(frozen=True)
class TypeStatuses:
    """Teachers by training status at one type of school (as ``training.school_types``)."""

    scope_group: str
    ownership: str
    level: str
    counts: tuple[int, ...]
    """Teachers in each of :data:`~workforce.rules.training.STATUSES`, in that order."""
    rate: float | None


@dataclass(frozen=True)
class Training:
    """The training figures of one scope (the district or one school) this cycle."""

    schools: tuple[SchoolCompletion, ...]
    """The :data:`SCHOOLS_SHOWN` schools with the lowest completion, lowest first."""
    schools_total: int
    """How many schools have counted teachers (the chart notes when it shows fewer)."""
    by_type: tuple[TypeStatuses, ...]


@dataclass(frozen=True)
class DistrictFigures:
    """Kept and shared by every request until the registry changes: tuples, and the plan is
    only read."""

    plan: LatestPlan | None
    key_teachers_by_year: tuple[tuple[str, float], ...]
    """(year, district key teachers on its 31 December), oldest first; empty for a county (the
    goal is the district's: a county's count beside it would read as falling short)."""
    training: Training
    county_plans: tuple[tuple[str, LatestPlan | None], ...] = ()
    """The city's view of a registry of several counties: each recorded county and its latest
    plan (every plan is a county's there: `workforce.plans.lifecycle.require_one_county`)."""


_DISTRICT: RegistryCache[DistrictFigures] = RegistryCache(max_entries=32)
_SCHOOLS: RegistryCache[Training] = RegistryCache(max_entries=256)


def district_figures(
    session: Session, as_of: dt.date, county: str | None = None
) -> DistrictFigures:
    """The dashboard's figures on ``as_of`` for the whole registry (``county`` None) or one
    county's schools and plans (a county's user): kept per scope, or computed and kept."""
    return _DISTRICT.get(session, (county, as_of), lambda: _district(session, as_of, county))


def school_training(session: Session, as_of: dt.date, school_id: int) -> Training:
    """Training completion of one school on ``as_of`` (a clerk's dashboard)."""
    return _SCHOOLS.get(session, (school_id, as_of), lambda: _training(session, as_of, school_id))


def latest_plan(session: Session, year: int, county: str | None = None) -> LatestPlan | None:
    """The year's applied plan (not a supplementary one) once there is one; before that the
    newest plan of ``year`` that is not superseded (approved or draft); of that county's plans
    (a county's user), or of the whole-registry plans (``county`` None: a county's plan is not
    the district's, whose gauges it would otherwise fill)."""
    applied_first = case(
        (and_(RotationPlan.status == "applied", RotationPlan.supplementary.is_(False)), 0),
        else_=1,
    )
    row = session.execute(
        select(RotationPlan.id, RotationPlan.status, RotationPlan.plan_json)
        .where(
            RotationPlan.year == year,
            RotationPlan.status != "superseded",
            RotationPlan.county.is_(None) if county is None else RotationPlan.county == county,  # type: ignore[union-attr]
        )
        .order_by(applied_first, RotationPlan.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return LatestPlan(row.id, row.status, Plan.model_validate_json(row.plan_json))


def _district(session: Session, as_of: dt.date, county: str | None) -> DistrictFigures:
    trend: tuple[tuple[str, float], ...] = ()
    if county is None:
        rows = talent_report(session, as_of=as_of).view("talent.by_year").rows
        trend = tuple((row["date"][:4], float(row[KEY_TEACHER_GOAL])) for row in rows)
    groups = counties(session) if county is None else []
    county_plans = tuple((c, latest_plan(session, as_of.year, c)) for c in groups if c) \
        if len(groups) > 1 else ()  # the city of several counties: no plan of its own
    return DistrictFigures(
        plan=None if county_plans else latest_plan(session, as_of.year, county),
        key_teachers_by_year=trend,
        training=_training(session, as_of, None, county),
        county_plans=county_plans,
    )


def _training(
    session: Session, as_of: dt.date, school_id: int | None, county: str | None = None
) -> Training:
    """Completion by school in the cycle containing ``as_of`` (the training report's default),
    lowest first (ties by school code), at most :data:`SCHOOLS_SHOWN`; and the statuses by
    school type. Of one school, one county's schools (none yet: no rows), or all."""
    rules = training_rules()
    people = assessed_teachers(session, rules.cycle_on(as_of).name, as_of, rules, school_id)
    if county is not None:
        schools = frames.schools(session)
        people = people[people["school_id"].isin(schools["id"][county_names(schools) == county])]
    table = status_summary(people, list(SCHOOL_COLUMNS))
    schools = [
        SchoolCompletion(
            code=str(code),
            name=str(name),
            teachers=int(teachers),
            done=int(done),
            rate=None if math.isnan(rate) else float(rate),  # NaN: no one counted
        )
        for code, name, teachers, done, rate in zip(
            table["school_code"],
            table["school_name"],
            table["teachers"],
            table["done"],
            table["completion_rate"],
            strict=True,
        )
    ]
    schools.sort(key=lambda s: (s.rate or 0, s.code))
    return Training(tuple(schools[:SCHOOLS_SHOWN]), len(schools), _by_type(people))


def _by_type(people: pd.DataFrame) -> tuple[TypeStatuses, ...]:
    """Statuses by school type, grouped as the training report groups them (its scope:
    the headline 中小学 first, kindergartens and private schools apart)."""
    scope = default_scopes()["training_completion"]
    groups = [
        scope.group(o, lv) for o, lv in zip(people["ownership"], people["level"], strict=True)
    ]
    people = people.assign(scope_group=groups)
    people = people[people["scope_group"].notna()]
    table = status_summary(people, ["scope_group", "ownership", "level"])
    order = {g: i for i, g in enumerate(GROUPS)}
    rows = sorted(
        (
            TypeStatuses(
                scope_group=str(row["scope_group"]),
                ownership=str(row["ownership"]),
                level=str(row["level"]),
                counts=tuple(int(row[s]) for s in STATUSES),
                rate=None if math.isnan(row["completion_rate"]) else float(row["completion_rate"]),
            )
            for _, row in table.iterrows()
        ),
        key=lambda t: (order.get(t.scope_group, 9), t.ownership, t.level),
    )
    return tuple(rows)
