"""The dashboard: this year's quota gauges (from the year's latest plan), the district's
key teachers against the 700 goal year by year, training completion by school, and the rural
shortages by subject that the latest plan fills or leaves.

A school clerk sees only their own school's training completion; the district figures and the
plan are for the district roles. Figures come from the report functions
(:mod:`workforce.reports`) and the stored plan, never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select
from sqlmodel import Session

from api.deps import Reader, SessionDep
from api.i18n import Language, page_language, translator
from api.i18n.catalogue import UI
from api.pages.charts import Bar, bar_chart, gauge, line_chart
from api.pages.rendering import code_label, render
from api.pages.routing import page_router
from optimizer import Plan
from workforce.accounts.roles import is_school_bound
from workforce.models import RotationPlan, School
from workforce.plans import load_plan
from workforce.reports.talent import default_talent_targets, talent_report
from workforce.reports.training import training_report

router = page_router()

KEY_TEACHER_GOAL = "key_teachers"
"""The talent goal the trend follows: 700 district key teachers by 2025 (data/targets)."""
SCHOOLS_SHOWN = 25
"""Training bars: the schools with the lowest completion first, at most this many."""


def latest_plan(session: Session, year: int) -> RotationPlan | None:
    """The newest plan of ``year`` that is not superseded (applied, approved or draft)."""
    return session.scalars(
        select(RotationPlan)
        .where(RotationPlan.year == year, RotationPlan.status != "superseded")
        .order_by(RotationPlan.id.desc())
        .limit(1)
    ).first()


def quota_gauges(plan: Plan, language: Language) -> list[Markup]:
    t = translator(language)

    def caption(name: str) -> str:
        key = name.replace(".", "_")
        return t(key) if key in UI else name

    return [
        gauge(q.achieved, q.target, caption=caption(q.name))
        for q in plan.quotas
        if q.scope == "district"
    ]


def key_teacher_trend(session: Session, as_of: dt.date, language: Language) -> Markup:
    goal = next(g for g in default_talent_targets().goals if g.key == KEY_TEACHER_GOAL)
    rows = talent_report(session, as_of=as_of).view("talent.by_year").rows
    points = [(row["date"][:4], float(row[KEY_TEACHER_GOAL])) for row in rows]
    t = translator(language)
    return line_chart(
        points,
        target=goal.target,
        target_label=t("goal_line", target=goal.target, year=goal.year),
        title=t("dash_key_teachers"),
    )


def training_by_school(
    session: Session, as_of: dt.date, school_code: str | None, language: Language
) -> Markup:
    rows = training_report(session, as_of=as_of, school=school_code).view("training.schools").rows
    rows = sorted(rows, key=lambda r: (r["completion_rate"] or 0, r["school_code"]))
    bars = [
        Bar(
            label=row["school_name"],
            value=row["completion_rate"] or 0,
            text=f"{(row['completion_rate'] or 0):.0%} ({row['done']}/{row['teachers']})",
            tone="primary" if (row["completion_rate"] or 0) >= 0.5 else "warn",
        )
        for row in rows[:SCHOOLS_SHOWN]
    ]
    return bar_chart(bars, maximum=1, title=translator(language)("dash_training"))


def shortages_by_subject(plan: Plan, language: Language) -> Markup:
    slots: dict[str, int] = defaultdict(int)
    filled: dict[str, int] = defaultdict(int)
    for shortage in plan.shortages:
        slots[shortage.subject] += shortage.slots
        filled[shortage.subject] += shortage.filled
    label = code_label(language)
    bars = [
        Bar(
            label=label("subjects", subject),
            value=slots[subject],
            text=translator(language)("filled_of", filled=filled[subject], slots=slots[subject]),
            tone="primary" if filled[subject] >= slots[subject] else "bad",
        )
        for subject in sorted(slots, key=lambda s: -slots[s])
    ]
    return bar_chart(bars, title=translator(language)("dash_shortages"))


@router.get("/")
def dashboard(request: Request, session: SessionDep, user: Reader) -> Response:
    language = page_language(request)
    today = dt.date.today()
    context: dict[str, object] = {"year": today.year, "as_of": today}
    if is_school_bound(user.role):
        school = session.get(School, user.school_id)
        code = school.code if school else None
        context["training_chart"] = training_by_school(session, today, code, language)
        return render(request, "dashboard.html", user=user, **context)
    record = latest_plan(session, today.year)
    if record is not None:
        _, plan = load_plan(record)
        context.update(
            plan_record=record,
            gauges=quota_gauges(plan, language),
            schools_met=sum(q.met for q in plan.quotas if q.scope != "district"),
            schools_total=sum(q.scope != "district" for q in plan.quotas),
            shortage_chart=shortages_by_subject(plan, language),
        )
    context["trend_chart"] = key_teacher_trend(session, today, language)
    context["training_chart"] = training_by_school(session, today, None, language)
    return render(request, "dashboard.html", user=user, **context)
