"""The dashboard: this year's quota gauges (from the year's latest plan, each written
"189 人（要求 ≥ 146）"), the district's key teachers against the 700 goal year by year, the
training statuses by school type and the completion of the lowest schools (saying so when it
shows fewer than all), and the rural shortages by subject: the part the latest plan fills and
the part still open.

A school clerk sees only their own school's training statuses; a county's user sees their
county's plan and training (the key-teacher goal is the district's: no trend for a county);
the district roles see the whole registry. The figures come from :mod:`api.pages.dashboard_figures`
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
from api.pages.charts import Bar, Segment, Stack, bar_chart, gauge, line_chart, stacked_chart
from api.pages.dashboard_figures import (
    KEY_TEACHER_GOAL,
    LatestPlan,
    SchoolCompletion,
    Training,
    TypeStatuses,
    district_figures,
    school_training,
)
from api.pages.rendering import code_label, render
from api.pages.report_charts import status_chart
from api.pages.routing import page_router
from optimizer import Plan
from optimizer.plan import ShortageResult
from workforce.accounts.roles import is_school_bound
from workforce.accounts.scope import county_of
from workforce.reports.talent import default_talent_targets
from workforce.rules.training import STATUSES
from workforce.services.attention import attention_counts

router = page_router()


def quota_gauges(plan: Plan, language: Language) -> list[Markup]:
    """One gauge per district quota, its figure written "189 人（要求 ≥ 146）"."""
    t = translator(language)
    return [
        gauge(
            q.achieved,
            q.target,
            caption=quota_caption(q.name, language),
            value=t("quota_line", achieved=q.achieved, target=q.target),
        )
        for q in plan.quotas
        if q.scope == "district"
    ]


def quota_caption(name: str, language: Language) -> str:
    """A quota's short title on the dashboard ("全区交流比例"), its rule name if it has none."""
    key = name.replace(".", "_")
    return translator(language)(key) if key in UI else name


def key_teacher_trend(points: list[tuple[str, float]], language: Language) -> Markup:
    goal = next(g for g in default_talent_targets().goals if g.key == KEY_TEACHER_GOAL)
    t = translator(language)
    return line_chart(
        points,
        target=goal.target,
        target_label=t("goal_line", target=goal.target, year=goal.year),
        title=t("dash_key_teachers"),
    )


def training_by_type(types: tuple[TypeStatuses, ...], language: Language) -> Markup:
    """Teachers by training status at each school type, drawn as the training report's page
    draws it: what the bars show at any point of the cycle (at its start everyone is on track
    or at risk, nobody done)."""
    rows = [
        {"scope_group": row.scope_group, "ownership": row.ownership, "level": row.level,
         **dict(zip(STATUSES, row.counts, strict=True)), "completion_rate": row.rate,
         "teachers": sum(row.counts)}
        for row in types
    ]  # fmt: skip
    return status_chart(rows, language, translator(language)("dash_training_types"))


def training_by_school(schools: tuple[SchoolCompletion, ...], language: Language) -> Markup:
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


def schools_note(training: Training, language: Language) -> str:
    """Says that the chart shows only the lowest schools, when it does."""
    t = translator(language)
    shown = len(training.schools)
    if shown < training.schools_total:
        return t("dash_training_lowest", shown=shown, total=training.schools_total)
    return t("dash_training_all_schools", total=training.schools_total)


def shortages_by_subject(shortages: list[ShortageResult], language: Language) -> Markup:
    """Rural shortages per subject: the part the plans fill and the part still open."""
    slots: dict[str, int] = defaultdict(int)
    filled: dict[str, int] = defaultdict(int)
    for shortage in shortages:
        slots[shortage.subject] += shortage.slots
        filled[shortage.subject] += shortage.filled
    label = code_label(language)
    t = translator(language)
    segments = [Segment("filled", t("filled")), Segment("open", t("unfilled"))]
    top = max(slots.values(), default=0)
    stacks = [
        Stack(
            label=label("subjects", subject),
            counts=(filled[subject], slots[subject] - filled[subject]),
            text=t("filled_of", filled=filled[subject], slots=slots[subject]),
            scale=slots[subject] / top if top else 0,
        )
        for subject in sorted(slots, key=lambda s: -slots[s])
    ]
    return stacked_chart(stacks, segments, title=t("dash_shortages"))


@router.get("/")
def dashboard(request: Request, session: SessionDep, user: Reader) -> Response:
    language = page_language(request)
    today = dt.date.today()
    context: dict[str, object] = {"year": today.year, "as_of": today}
    days = request.app.state.settings.expiry_notice_days
    context["attention"] = attention_counts(session, user, today, days)
    if is_school_bound(user.role):
        training = school_training(session, today, user.school_id) if user.school_id else None
        if training is not None:
            context["types_chart"] = training_by_type(training.by_type, language)
        return render(request, "dashboard.html", user=user, **context)
    county = county_of(user)
    figures = district_figures(session, today, county)
    context["plan_shown"] = True
    if figures.county_plans:  # the city of several counties: a plan per county
        context.update(county_plans_context(figures.county_plans, language))
    elif figures.plan is not None:
        context.update(plan_context(figures.plan, language))
    if county is None:
        context["trend_chart"] = key_teacher_trend(figures.key_teachers_by_year, language)
    context["types_chart"] = training_by_type(figures.training.by_type, language)
    context["training_chart"] = training_by_school(figures.training.schools, language)
    context["schools_note"] = schools_note(figures.training, language)
    return render(request, "dashboard.html", user=user, **context)


def county_plans_context(
    plans: tuple[tuple[str, LatestPlan | None], ...], language: Language
) -> dict[str, object]:
    """The city's quota card and shortages in a registry of several counties: per county its
    latest plan, the county-wide quotas ("185/169") and the schools meeting theirs; the rural
    shortages of all the counties' plans together."""
    rows = []
    for county, record in plans:
        quotas = [] if record is None else record.plan.quotas
        rows.append({
            "county": county,
            "record": record,
            "quotas": [(quota_caption(q.name, language), q) for q in quotas
                       if q.scope == "district"],
            "schools_met": sum(q.met for q in quotas if q.scope != "district"),
            "schools_total": sum(q.scope != "district" for q in quotas),
        })  # fmt: skip
    shortages = [s for _, record in plans if record is not None for s in record.plan.shortages]
    return dict(
        county_rows=rows,
        plan_record=next((record for _, record in plans if record is not None), None),
        shortage_chart=shortages_by_subject(shortages, language) if shortages else None,
    )


def plan_context(record: LatestPlan, language: Language) -> dict[str, object]:
    """The dashboard's figures of a plan: quota gauges, schools meeting their quota, shortages."""
    plan = record.plan
    return dict(
        plan_record=record,
        gauges=quota_gauges(plan, language),
        schools_met=sum(q.met for q in plan.quotas if q.scope != "district"),
        schools_total=sum(q.scope != "district" for q in plan.quotas),
        shortage_chart=shortages_by_subject(plan.shortages, language) if plan.shortages else None,
    )
