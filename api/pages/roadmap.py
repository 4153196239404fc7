"""The roadmap page (``/roadmap``): a form (first year, years, county, time limit) and, once
asked, the multi-year rotation roadmap — per year the moves, the quotas achieved against those
required, the shortage slots left and the secondees returning; the objective levels; the
teachers who never rotate; the first year's independent check; the assumptions. Chinese first.

Personnel office only (``manage_plans``, as ``/api/roadmap``; a county's user plans their own
county whatever the form says). Read-only; the solve runs in the
request (at most 60 s), off the event loop; a link from another site shows the form filled in
without solving, and the solves are bounded (:mod:`api.solving`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.i18n import page_language, translator
from api.pages.access import PlanManager
from api.pages.rendering import render
from api.pages.routing import page_router
from api.solving import page_may_solve, solve_slot
from optimizer.constraints import CATALOGUE
from optimizer.roadmap_project import ASSUMPTION_TEXT
from workforce.accounts.scope import county_of
from workforce.plans.roadmap import RoadmapError, roadmap_from_registry

router = page_router()


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
    form = {
        "from": from_year or "",
        "years": years,
        "county": county or "",
        "time_limit": time_limit,
    }
    context: dict[str, object] = {"form": form, "roadmap": None, "error": None}
    if from_year is not None and page_may_solve(request, asked=True):
        try:
            with solve_slot():
                instance, found = roadmap_from_registry(
                    session,
                    first_year=from_year,
                    years=years,
                    county=county,
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
                level_name=lambda name: translator(language)(f"roadmap_level_{name}"),
                assumptions=[
                    zh_text if zh else en_text for zh_text, en_text in ASSUMPTION_TEXT.values()
                ],
            )
    return render(request, "roadmap.html", user=user, **context)
