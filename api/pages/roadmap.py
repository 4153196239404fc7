"""The roadmap page (``/roadmap``): a form (first year, years, county, time limit) and, once
asked, the multi-year rotation roadmap — per year the moves, the quotas achieved against those
required, the shortage slots left and the secondees returning; the objective levels; the
teachers who never rotate; the first year's independent check; the assumptions. Chinese first.

Personnel office only (``manage_plans``, as ``/api/roadmap``; a county's user plans their own
county whatever the form says). Read-only; the solve runs in the
request (at most 60 s), off the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.i18n import page_language
from api.pages.access import PlanManager
from api.pages.rendering import render
from api.pages.routing import page_router
from optimizer.constraints import CATALOGUE
from optimizer.roadmap_project import ASSUMPTION_TEXT
from workforce.accounts.scope import county_of
from workforce.plans.roadmap import RoadmapError, roadmap_from_registry

router = page_router()

TEXT = {
    "title": ("多年度交流轮岗路线图", "Multi-year rotation roadmap"),
    "from": ("起始年度", "First year"),
    "years": ("年数", "Years"),
    "county": ("县（区）", "County"),
    "time_limit": ("求解时限（秒）", "Time limit (s)"),
    "run": ("编制路线图", "Plan the roadmap"),
    "intro": (
        "首年为报批方案（须经独立复核），以后各年为预测；交流期满的教师返回原学校。",
        "The first year is the plan to approve (checked independently); later years are "
        "indicative; secondees return home when their term ends.",
    ),
    "status": ("求解结果：{status}", "Result: {status}"),
    "optimal": ("已证明最优", "proven optimal"),
    "feasible": ("可行，未证明最优（见各目标的界）", "feasible, not proven (see the bounds)"),
    "infeasible": ("首年的规则无法同时满足", "the first year's rules cannot all hold"),
    "unknown": ("时限内未得到路线图", "no roadmap within the time limit"),
    "year": ("年度", "Year"),
    "kind": ("性质", "Kind"),
    "approved": ("报批方案", "plan to approve"),
    "indicative": ("预测", "indicative"),
    "moves": ("交流人数", "Moves"),
    "key_moves": ("其中骨干", "Key teachers"),
    "returns": ("返回人数", "Returns"),
    "eligible": ("符合条件（新增）", "Eligible (new)"),
    "retired": ("已退休", "Retired"),
    "shortage": ("缺口 → 剩余", "Shortage → left"),
    "quotas": ("指标：要求 / 达到", "Quotas: required / achieved"),
    "district": ("全区", "district"),
    "not_met": ("未达到", "not met"),
    "levels": ("目标（依次优化）", "Objective levels, in order"),
    "value": ("值", "Value"),
    "bound": ("界", "Bound"),
    "proven": ("已证明", "proven"),
    "cohort": (
        "规划期内符合交流条件 {cohort} 人，未交流 {uncovered} 人",
        "{cohort} eligible within the horizon, {uncovered} never rotate",
    ),
    "check_ok": ("首年方案经独立复核：符合全部规则", "First year checked independently: valid"),
    "check_bad": ("首年方案复核发现问题：", "The first year's check found:"),
    "assumptions": ("假设", "Assumptions"),
    "pruned": (
        "每组教师每年每学科只保留最近的 {n} 所缺编学校（界为该模型的界）",
        "each group keeps the {n} nearest schools short of a subject per year (bounds are for "
        "that model)",
    ),
    "details": ("逐人名单", "Who moves and returns"),
    "back": ("返回", "back"),
    "earlier": ("原交流学校", "earlier host"),
    "time": ("用时 {wall:.1f} 秒（CPU {cpu:.1f} 秒）", "{wall:.1f} s ({cpu:.1f} CPU s)"),
}
LEVELS = {
    "quota_shortfall": ("以后各年指标缺额（人）", "later years' quota shortfall (people)"),
    "rural_shortage_filled": ("农村学校缺口补充（加权，人·年）", "rural shortage filled (weighted)"),
    "uncovered": ("符合条件而未交流的教师（人）", "eligible teachers who never rotate"),
    "key_spread": ("骨干教师各年交流人数之差", "spread of key moves over the years"),
    "preference": ("意愿得分", "preference points"),
    "distance": ("交流总距离（公里）", "total distance (km)"),
}


def _text(language: str):
    def rt(key: str, **values: object) -> str:
        zh, en = TEXT[key]
        return (zh if language == "zh" else en).format(**values)

    return rt


@router.get("/roadmap")
def roadmap_page(
    request: Request,
    session: SessionDep,
    user: PlanManager,
    from_year: Annotated[int | None, Query(alias="from", ge=2000, le=2100)] = None,
    years: Annotated[int, Query(ge=1, le=10)] = 5,
    county: Annotated[str | None, Query(max_length=64)] = None,
    time_limit: Annotated[float, Query(gt=0, le=60)] = 60.0,
) -> Response:
    language = page_language(request)
    zh = language == "zh"
    county = county_of(user) or county or None  # a county's user plans their own county
    form = {"from": from_year or "", "years": years, "county": county or "",
            "time_limit": time_limit}
    context: dict[str, object] = {"rt": _text(language), "form": form, "roadmap": None,
                                  "error": None}
    if from_year is not None:
        try:
            instance, found = roadmap_from_registry(
                session, first_year=from_year, years=years, county=county,
                time_limit_s=time_limit,
            )
        except RoadmapError as exc:
            context["error"] = exc.zh if zh else exc.en
        else:
            names = {s.code: s.name for s in instance.schools}
            context.update(
                roadmap=found,
                school=lambda code: names.get(code, code),
                rule=lambda name: CATALOGUE[name].zh if zh else CATALOGUE[name].en,
                level_name=lambda name: LEVELS[name][0 if zh else 1],
                assumptions=[zh_text if zh else en_text
                             for zh_text, en_text in ASSUMPTION_TEXT.values()],
            )
    return render(request, "roadmap.html", user=user, **context)
