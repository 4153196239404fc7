"""The dashboard: this year's quota gauges (from the year's latest plan), the district's
key teachers against the 700 goal year by year, training completion by school, and the rural
shortages by subject that the latest plan fills or leaves.

A school clerk sees only their own school's training completion; the district figures and the
plan are for the district roles. The figures come from :mod:`api.pages.dashboard_figures`
(the report functions and the stored plan, kept until the registry changes); this module only
draws them in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup

from api.deps import Reader, SessionDep
from api.i18n import Language, page_language, translator
from api.i18n.catalogue import UI
from api.pages.charts import Bar, bar_chart, gauge, line_chart
from api.pages.dashboard_figures import (
    KEY_TEACHER_GOAL,
    LatestPlan,
    SchoolCompletion,
    district_figures,
    latest_plan,
    school_training,
)
from api.pages.rendering import code_label, render
from api.pages.routing import page_router
from optimizer import Plan
from workforce.accounts.roles import is_school_bound
from workforce.accounts.scope import county_of
from workforce.reports.talent import default_talent_targets

router = page_router()


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


def key_teacher_trend(points: list[tuple[str, float]], language: Language) -> Markup:
    goal = next(g for g in default_talent_targets().goals if g.key == KEY_TEACHER_GOAL)
    t = translator(language)
    return line_chart(
        points,
        target=goal.target,
        target_label=t("goal_line", target=goal.target, year=goal.year),
        title=t("dash_key_teachers"),
    )


def training_by_school(schools: list[SchoolCompletion], language: Language) -> Markup:
    bars = [
        Bar(
            label=school.name,
            value=school.rate or 0,
            text=f"{(school.rate or 0):.0%} ({school.done}/{school.teachers})",
            tone="primary" if (school.rate or 0) >= 0.5 else "warn",
        )
        for school in schools
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
        schools = school_training(session, today, user.school_id) if user.school_id else []
        context["training_chart"] = training_by_school(schools, language)
        return render(request, "dashboard.html", user=user, **context)
    county = county_of(user)
    if county is not None:  # the county's plan; the city's figures await reports by county
        plan_record = latest_plan(session, today.year, county)
        if plan_record is not None:
            context.update(plan_context(plan_record, language))
        return render(request, "dashboard.html", user=user, **context)
    figures = district_figures(session, today)
    if figures.plan is not None:
        context.update(plan_context(figures.plan, language))
    context["trend_chart"] = key_teacher_trend(figures.key_teachers_by_year, language)
    context["training_chart"] = training_by_school(figures.training, language)
    return render(request, "dashboard.html", user=user, **context)


def plan_context(record: LatestPlan, language: Language) -> dict[str, object]:
    """The dashboard's figures of a plan: quota gauges, schools meeting their quota, shortages."""
    plan = record.plan
    return dict(
        plan_record=record,
        gauges=quota_gauges(plan, language),
        schools_met=sum(q.met for q in plan.quotas if q.scope != "district"),
        schools_total=sum(q.scope != "district" for q in plan.quotas),
        shortage_chart=shortages_by_subject(plan, language),
    )
