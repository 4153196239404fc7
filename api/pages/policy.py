"""The policy page (issue #14): the year's plan re-solved under changed rules — the district,
school and key-teacher shares, the years-at-school rule, a subject's weight, the posts of a
school — beside the current plan; and the rules that bind the plan most, from the LP duals,
each checked by a re-solve, with the caveat that a dual is a local rate.

A read-only question (GET, nothing in the registry changes), for the personnel office only
(``manage_plans``), like ``/api/whatif``; a link from another site shows the form filled in
without solving, and the solves are bounded (:mod:`api.solving`). Shares are entered in per cent, as the policy writes
them; the page turns the form into the rule changes of :mod:`workforce.plans.policy`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import select

from api.deps import SessionDep
from api.pages.access import PlanManager
from api.pages.rendering import render
from api.pages.routing import page_router
from api.routes.whatif import county_plan
from api.solving import page_may_solve, solve_slot
from optimizer.whatif import WhatIfError
from workforce.accounts.scope import county_of, restrict
from workforce.codes import code_list
from workforce.models import School
from workforce.plans.policy import marginal, simulate_policy
from workforce.rules.local import rotation_rules as rules_in_force
from workforce.services.errors import InvalidInput
from workforce.services.messages import Text

router = page_router()

Percent = Annotated[float | None, Query(ge=0, le=100)]
SHARES = {
    "district_share": "quotas.district_share",
    "school_share": "quotas.school_share",
    "key_share": "quotas.key_share",
}
LEVELS = ("rural_shortage_filled", "preference", "distance")


@router.get("/plans/policy")
def policy_page(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    year: Annotated[int, Query(ge=2000, le=2100)] = 2026,
    district_share: Percent = None,
    school_share: Percent = None,
    key_share: Percent = None,
    min_years: Annotated[int | None, Query(ge=0, le=40)] = None,
    weight_subject: Annotated[str | None, Query(max_length=32)] = None,
    weight: Annotated[int | None, Query(ge=0, le=1000)] = None,
    posts_school: Annotated[str | None, Query(max_length=32)] = None,
    posts: Annotated[int | None, Query(ge=-1000, le=1000)] = None,
    level: Annotated[
        Literal["rural_shortage_filled", "preference", "distance"] | None, Query()
    ] = None,
    county: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The form; with a change, the simulation beside the current plan; with a level, the
    marginal values of that level — of ``county``'s plan (a county's user: their own)."""
    county = county or None
    rules = [
        f"{SHARES[name]}={value / 100:g}"
        for name, value in (
            ("district_share", district_share),
            ("school_share", school_share),
            ("key_share", key_share),
        )
        if value is not None
    ]
    if min_years is not None:
        rules.append(f"eligibility.min_years_at_school={min_years}")
    if weight_subject and weight is not None:
        rules.append(f"objective.subject_weights.{weight_subject}={weight}")
    post_changes = [f"{posts_school}={posts}"] if posts_school and posts else []
    plan_id = None
    simulation = values = None
    asked = bool(rules or post_changes or level)
    if page_may_solve(request, asked):
        try:
            plan_id, county = county_plan(session, user, year, None, county)
            with solve_slot():
                if rules or post_changes:
                    simulation = simulate_policy(
                        session,
                        year=year,
                        rules=rules,
                        posts=post_changes,
                        plan_id=plan_id,
                        county=county,
                    )
                if level:
                    values = marginal(
                        session, year=year, level=level, plan_id=plan_id, county=county
                    )
        except WhatIfError as exc:
            raise InvalidInput(Text("whatif_invalid", exc.zh, exc.en)) from None
    shown = restrict(select(School.code, School.name), user, School).order_by(School.code)
    schools = dict(session.exec(shown).all())
    current = rules_in_force()  # the rules a plan is solved with (workforce.snapshot)
    return render(
        request,
        "policy.html",
        user=user,
        year=year,
        simulation=simulation,
        values=values,
        schools=schools,
        subjects=[c.code for c in code_list("subjects").codes],
        form=dict(
            district_share=district_share,
            school_share=school_share,
            key_share=key_share,
            min_years=min_years,
            weight_subject=weight_subject,
            weight=weight,
            posts_school=posts_school,
            posts=posts,
            level=level,
            county=county_of(user) or county or "",
        ),
        current=dict(
            district_share=round(current.quotas.district_share * 100, 2),
            school_share=round(current.quotas.school_share * 100, 2),
            key_share=round(current.quotas.key_share * 100, 2),
            min_years=current.eligibility.min_years_at_school,
        ),
        levels=LEVELS,
    )
