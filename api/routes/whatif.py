"""``/api/whatif``: planning ahead on the year's plan (issue #14) — the best candidates for a
vacancy, and where a teacher could go, each with what the move does to the plan; the year
re-solved under changed rules (``/policy``), and the rules that bind it most (``/marginal``).

Personnel office only (permission ``manage_plans``: HR and admin; a school clerk or an auditor
gets 403): the answers name teachers of every school. Read-only: the base is the year's newest
current plan (or one solved now and not kept); nothing in the registry changes. The work is
CPU-bound (a few re-solves), so the handlers are plain functions, run off the event loop; not
started by another site's link, and a bounded number at once (:mod:`api.solving`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session

from api.deps import SessionDep, require
from api.routes.messages import WORK_MESSAGES
from api.school_filter import visible_school
from api.solving import guarded_solve
from optimizer.whatif import WhatIf, WhatIfError
from workforce.accounts.models import User
from workforce.accounts.roles import Permission
from workforce.accounts.scope import county_of, restrict
from workforce.models import RotationPlan, Teacher
from workforce.plans.policy import MarginalAnswer, PolicyAnswer, marginal, simulate_policy
from workforce.plans.whatif import CURRENT, ask
from workforce.services.errors import InvalidInput, NotFound
from workforce.services.messages import REGISTRY_MESSAGES, Text

router = APIRouter(prefix="/whatif", tags=["whatif"])

PlanManager = Annotated[User, Depends(require(Permission.manage_plans))]
Solve = Annotated[None, Depends(guarded_solve, scope="function")]
"""After the permission check: not for another site's link, and a bounded number at once
(:mod:`api.solving`); the slot is given back when the answer is built, not once a slow
client has read it (``scope="function"``)."""
Year = Annotated[int, Query(ge=2000, le=2100, description="交流年度 / rotation year")]
K = Annotated[int, Query(ge=1, le=50, description="列出前几名 / how many answers")]
TimeLimit = Annotated[float | None, Query(gt=0, le=60, alias="time_limit_s",
                                          description="每次重新求解的时限（秒）")]
PlanId = Annotated[int | None, Query(description="方案编号；默认该年度最新方案")]
From = Annotated[dt.date | None, Query(alias="from", description="起始日期；默认学年开始")]
County = Annotated[
    str | None,
    Query(max_length=64, description="县（区）；多个县（区）且未指定方案时必填；本县用户总是本县"),
]


class WhatIfAnswer(BaseModel):
    """The answer and the registry plan it was asked of (None: solved now, not kept)."""

    base_plan_id: int | None = Field(description="Registry id of the base plan, or None.")
    answer: WhatIf


def _in_scope(session: Session, user: User, question: dict[str, object]) -> None:
    """A county's user asks about their county only: the school or teacher must be theirs
    (404 otherwise, as a missing one), and the base plan one of their county's — the newest
    current one when none is named — never a whole-registry plan with every county's
    teachers; a city-level user asks as before."""
    county = county_of(user)
    if county is None:
        return
    if question.get("school") is not None:
        visible_school(session, user, str(question["school"]))
    if question.get("staff_no") is not None:
        found = restrict(select(Teacher.id).where(Teacher.staff_no == question["staff_no"]),
                         user, Teacher)  # fmt: skip
        if session.execute(found).first() is None:
            key = question["staff_no"]
            raise NotFound(REGISTRY_MESSAGES.text("teacher_not_found", key=key))
    plans = restrict(select(RotationPlan.id), user, RotationPlan).where(
        RotationPlan.year == question["year"])  # fmt: skip
    if question.get("plan_id") is not None:
        plans = plans.where(RotationPlan.id == question["plan_id"])
    else:
        plans = plans.where(RotationPlan.status.in_(CURRENT),
                            RotationPlan.solver_status.in_(("optimal", "feasible")))  # fmt: skip
    plan_id = session.execute(plans.order_by(RotationPlan.id.desc()).limit(1)).scalar()  # type: ignore[union-attr]
    if plan_id is None:
        raise NotFound(WORK_MESSAGES.text("no_county_plan", county=county, year=question["year"]))
    question["plan_id"] = plan_id


def county_plan(
    session: Session, user: User, year: int, plan_id: int | None, county: str | None
) -> tuple[int | None, str | None]:
    """(plan id, county) a year-wide question is asked of: a county's user asks of their
    county's plan whatever ``county`` says (`_in_scope`), a city-level user of ``county``'s."""
    own = county_of(user)
    if own is None:
        return plan_id, county
    question: dict[str, object] = {"year": year, "plan_id": plan_id}
    _in_scope(session, user, question)
    return question["plan_id"], own  # type: ignore[return-value]


def _ask(session, user: User, **question: object) -> WhatIfAnswer:
    _in_scope(session, user, question)
    try:
        plan_id, answer = ask(session, **question)  # type: ignore[arg-type]
    except WhatIfError as exc:
        raise InvalidInput(Text("whatif_invalid", exc.zh, exc.en)) from None
    return WhatIfAnswer(base_plan_id=plan_id, answer=answer)


@router.get("/candidates", response_model=WhatIfAnswer)
def candidates(
    session: SessionDep,
    user: PlanManager,
    _solve: Solve,
    year: Year,
    school: Annotated[str, Query(min_length=1, max_length=32, description="学校代码")],
    subject: Annotated[str, Query(min_length=1, max_length=32, description="学科代码")],
    k: K = 5,
    time_limit: TimeLimit = None,
    plan_id: PlanId = None,
    from_date: From = None,
) -> WhatIfAnswer:
    """空缺岗位的最佳候选教师及其影响 / The best teachers to fill a vacancy, and the effect."""
    return _ask(session, user, question="candidates", year=year, school=school, subject=subject,
                k=k, time_limit_s=time_limit, plan_id=plan_id, from_date=from_date)


@router.get("/destinations", response_model=WhatIfAnswer)
def destinations(
    session: SessionDep,
    user: PlanManager,
    _solve: Solve,
    year: Year,
    staff_no: Annotated[str, Query(min_length=1, max_length=32, description="工号")],
    k: K = 5,
    time_limit: TimeLimit = None,
    plan_id: PlanId = None,
    from_date: From = None,
) -> WhatIfAnswer:
    """教师可去的学校及其影响 / Where a teacher could go, and the effect."""
    return _ask(session, user, question="destinations", year=year, staff_no=staff_no, k=k,
                time_limit_s=time_limit, plan_id=plan_id, from_date=from_date)


@router.get("/policy", response_model=PolicyAnswer)
def policy(
    session: SessionDep,
    user: PlanManager,
    _solve: Solve,
    year: Year,
    rule: Annotated[list[str], Query(
        max_length=40, description="规则调整 键=值，如 quotas.school_share=0.15（可多次）")] = [],  # noqa: B006
    posts: Annotated[list[str], Query(
        max_length=200, description="编制调整 学校代码=增加数，如 S1=+2（可多次）")] = [],  # noqa: B006
    time_limit: TimeLimit = None,
    plan_id: PlanId = None,
    county: County = None,
) -> PolicyAnswer:
    """政策模拟：按调整后的规则重新求解，与当前方案对比 / The year re-solved under changed
    rules, beside the current plan."""
    plan_id, county = county_plan(session, user, year, plan_id, county)
    try:
        return simulate_policy(session, year=year, rules=rule, posts=posts, plan_id=plan_id,
                               county=county, time_limit_s=time_limit)
    except WhatIfError as exc:
        raise InvalidInput(Text("whatif_invalid", exc.zh, exc.en)) from None


@router.get("/marginal", response_model=MarginalAnswer)
def marginal_values(
    session: SessionDep,
    user: PlanManager,
    _solve: Solve,
    year: Year,
    level: Annotated[Literal["rural_shortage_filled", "preference", "distance"], Query(
        description="目标层级")] = "rural_shortage_filled",
    top: Annotated[int, Query(ge=1, le=100, description="列出前几条")] = 10,
    plan_id: PlanId = None,
    county: County = None,
) -> MarginalAnswer:
    """边际值：最限制方案的规则（线性松弛对偶值，逐条重新求解验证）/ What binds the plan
    most, from the LP duals, each checked by a re-solve."""
    plan_id, county = county_plan(session, user, year, plan_id, county)
    try:
        return marginal(session, year=year, level=level, top=top, plan_id=plan_id, county=county)
    except WhatIfError as exc:
        raise InvalidInput(Text("whatif_invalid", exc.zh, exc.en)) from None
