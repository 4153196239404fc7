"""Planning ahead on the registry (issue #14): the base plan a what-if question is asked of, and
the question itself (`optimizer.whatif` does the work).

The base is the year's newest plan that is still current (a draft, approved or applied plan
with a solution; superseded ones are skipped), or, when the year has none, a plan solved now
from the registry and not kept: a question changes nothing in the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Literal

from sqlalchemy import or_, select
from sqlmodel import Session

from optimizer import Instance, Plan, SolveSettings, solve
from optimizer.whatif import WhatIf, WhatIfError, candidates, destinations, resolve_settings
from workforce.models import RotationPlan, School, Teacher
from workforce.plans.lifecycle import PlanError, load_plan, require_one_county
from workforce.rules.demand import DemandError
from workforce.snapshot import NO_COUNTY, build_instance, counties

CURRENT = ("draft", "approved", "applied")
BASE_SOLVE_SECONDS = 60.0
"""Time limit of the base plan solved when the year has none kept (as `workforce plan`)."""


def county_problem(session: Session, county: str | None) -> tuple[str, str] | None:
    """Why `county` cannot name the county a question is asked of, in Chinese and English, or
    None: a county the registry does not hold, or none named in a registry of several (each
    county is its own rotation instance; teachers rotate within their county)."""
    if county is None:  # as a plan: none spans counties
        try:
            require_one_county(session)
        except PlanError as refused:
            return refused.zh, refused.en
    elif county not in counties(session) or county == NO_COUNTY:
        return f"未知的县（区）：“{county}”", f"unknown county {county!r}"
    return None


def base_plan(session: Session, year: int, plan_id: int | None = None,
              check: Callable[[Instance], None] | None = None, county: str | None = None,
              solve_missing: bool = True) -> tuple[int | None, Instance, Plan | None]:
    """(registry id or None, instance, plan) the question is asked of: plan `plan_id` (it must
    be of `year`), else the newest current plan of the year with a solution, else a fresh solve
    of the registry (id None). `check` sees the instance before any solve (a question naming
    an unknown school is refused at once, not after a minute's solve).

    `county` (of the school or teacher asked about; ``NO_COUNTY`` when it is not recorded)
    keeps to that county's plans (`_newest_of_county`): in a prefecture city each county has its own
    plan (`workforce.plans.counties`), another county's does not hold the school, and a plan
    of the whole registry would let teachers move across county borders. A fresh solve is of
    that county's instance.

    `solve_missing=False`: no fresh solve when the year has no plan (the plan is then None), for
    a question that needs only the instance (the marginal values, `workforce.plans.policy`)."""
    query = select(RotationPlan).where(RotationPlan.year == year)
    if plan_id is not None:
        record = session.scalars(query.where(RotationPlan.id == plan_id)).first()
        if record is None:
            raise WhatIfError(f"{year}年度没有编号为 #{plan_id} 的方案",
                              f"no plan #{plan_id} of year {year}")
        found = record, *load_plan(record)
    else:
        if county is not None:
            query = query.where(or_(RotationPlan.county == (county or None),
                                    RotationPlan.county.is_(None)))
        current = session.scalars(
            query.where(RotationPlan.status.in_(CURRENT),
                        RotationPlan.solver_status.in_(("optimal", "feasible")))
            .order_by(RotationPlan.id.desc())
        )
        found = _newest_of_county(session, current, county)
    if found is not None:
        record, instance, plan = found
        if check is not None:
            check(instance)
        return record.id, instance, plan
    try:
        instance = build_instance(session, year=year, county=county)
    except DemandError as exc:  # registry data the plan needs (a school's class counts …)
        raise WhatIfError(f"无法生成方案：{exc.zh}", f"cannot make the plan: {exc.en}") from None
    if check is not None:
        check(instance)
    if not solve_missing:
        return None, instance, None
    return None, instance, solve(instance, SolveSettings(time_limit_s=BASE_SOLVE_SECONDS))


def _newest_of_county(session: Session, records: Iterable[RotationPlan], county: str | None
                      ) -> tuple[RotationPlan, Instance, Plan] | None:
    """The first of `records` (newest first) made of `county`'s instance, loaded. The query
    kept only `county`'s own plans and those without a county. A plan without a county is the
    plan of the schools whose county is not recorded (``NO_COUNTY``), or one made of the whole
    registry (before any county was recorded, or by hand): that one is `county`'s only when
    every school it holds is — in a city it held every county's teachers."""
    alone = county is None or counties(session) == [county]  # the registry is that county
    codes: set[str] | None = None
    for record in records:
        instance, plan = load_plan(record)
        if record.county is not None or alone:
            return record, instance, plan
        if codes is None:
            own = School.county.is_(None) if county == NO_COUNTY else School.county == county
            codes = set(session.scalars(select(School.code).where(own)))
        if all(s.code in codes for s in instance.schools):
            return record, instance, plan
    return None


def ask(session: Session, *, question: Literal["candidates", "destinations"], year: int,
        school: str | None = None, subject: str | None = None, staff_no: str | None = None,
        k: int = 5, time_limit_s: float | None = None, plan_id: int | None = None,
        from_date: date | None = None) -> tuple[int | None, WhatIf]:
    """Answer one question on the registry; (base plan id or None, answer)."""
    def check(instance: Instance) -> None:
        if question == "candidates" and school and school not in instance.school_by_code:
            raise WhatIfError(f"未知学校代码“{school}”", f"unknown school code {school!r}")
        if question == "destinations" and staff_no and (
                staff_no not in instance.teacher_by_staff_no):
            raise WhatIfError(f"未知工号“{staff_no}”", f"unknown staff number {staff_no!r}")

    registry_id, instance, plan = base_plan(session, year, plan_id, check,
                                            _county_of(session, school, staff_no, question))
    assert plan is not None  # solve_missing: a plan is solved when none is kept
    if plan.status not in ("optimal", "feasible"):
        raise WhatIfError(f"{year}年度的方案没有可行解，无法比较调动的影响",
                          f"the {year} plan has no solution to compare a move with")
    settings = resolve_settings(time_limit_s) if time_limit_s else None
    if question == "candidates":
        if not school or not subject:
            raise WhatIfError("须给出学校代码和学科", "a school code and a subject are required")
        answer = candidates(instance, plan, school, subject, k, settings=settings,
                            from_date=from_date)
    else:
        if not staff_no:
            raise WhatIfError("须给出工号", "a staff number is required")
        answer = destinations(instance, plan, staff_no, k, settings=settings,
                              from_date=from_date)
    return registry_id, answer


def _county_of(session: Session, school: str | None, staff_no: str | None,
               question: str) -> str | None:
    """The county of the school (candidates) or of the teacher's school (destinations) asked
    about: ``NO_COUNTY`` when not recorded, None when not found (the question's check then
    names it)."""
    if question == "candidates":
        found = select(School.county).where(School.code == school)
    else:
        found = select(School.county).join(Teacher, Teacher.school_id == School.id).where(
            Teacher.staff_no == staff_no)
    row = session.execute(found.limit(1)).first()
    return None if row is None else row[0] or NO_COUNTY
