"""``/api/roadmap``: the multi-year rotation roadmap (issue #14 item 4) as JSON.

Personnel office only (permission ``manage_plans``): it names teachers of every school of the
county (a county's user: of their own county only).
Read-only: nothing in the registry changes. CPU-bound (one solve up to the time limit), so the
handler is a plain function, run off the event loop; not started by another site's link, and
a bounded number at once (:mod:`api.solving`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, require
from api.solving import guarded_solve
from optimizer.roadmap_types import Roadmap
from workforce.accounts.models import User
from workforce.accounts.roles import Permission
from workforce.accounts.scope import county_of
from workforce.plans.roadmap import RoadmapError, roadmap_from_registry
from workforce.services.errors import InvalidInput
from workforce.services.messages import Text

router = APIRouter(prefix="/roadmap", tags=["roadmap"])

PlanManager = Annotated[User, Depends(require(Permission.manage_plans))]


@router.get("", response_model=Roadmap)
def roadmap(
    session: SessionDep,
    user: PlanManager,
    _solve: Annotated[None, Depends(guarded_solve, scope="function")],
    from_year: Annotated[int, Query(alias="from", ge=2000, le=2100, description="起始年度")],
    years: Annotated[int, Query(ge=1, le=10, description="规划年数")] = 5,
    county: Annotated[str | None, Query(max_length=64, description="县（区）")] = None,
    time_limit: Annotated[float, Query(gt=0, le=60, alias="time_limit_s")] = 60.0,
) -> Roadmap:
    """多年度交流轮岗路线图 / A multi-year rotation roadmap (first year: the plan to approve);
    a county's user gets their county's whatever ``county`` asks."""
    try:
        _, found = roadmap_from_registry(
            session, first_year=from_year, years=years, county=county_of(user) or county,
            time_limit_s=time_limit,
        )
    except RoadmapError as exc:
        raise InvalidInput(Text("roadmap_invalid", exc.zh, exc.en)) from None
    return found
