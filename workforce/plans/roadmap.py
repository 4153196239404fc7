"""The multi-year rotation roadmap from the registry (issue #14 item 4): read-only.

Builds the first year's instance (`workforce.snapshot.build_instance`), reads the planned end of
the secondments under way (rotation records), and hands both to the pure optimizer
(`optimizer.roadmap.solve_roadmap`). Nothing in the registry changes, so no audit entry.
Teachers rotate within their county: a registry with several counties needs one named.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Session

from optimizer.instance import Instance
from optimizer.roadmap import max_years, solve_roadmap
from optimizer.roadmap_project import RoadmapAssumptions
from optimizer.roadmap_types import Roadmap
from optimizer.settings import SolveSettings
from workforce.models import RotationRecord, Teacher
from workforce.plans.whatif import county_problem
from workforce.rules.demand import DemandError
from workforce.snapshot import build_instance

DEFAULT_TIME_LIMIT_S = 60.0


class RoadmapError(ValueError):
    """A roadmap that cannot be asked for as given, in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def secondment_returns(session: Session, instance: Instance) -> dict[str, dt.date]:
    """Planned end of each secondment under way on the instance's date, by staff number."""
    away = {t.staff_no for t in instance.teachers if t.on_secondment}
    if not away:
        return {}
    rows = session.execute(
        select(Teacher.staff_no, RotationRecord.planned_end_on)
        .join(Teacher, Teacher.id == RotationRecord.teacher_id)
        .where(
            RotationRecord.kind == "secondment",
            RotationRecord.start_on <= instance.as_of,
            RotationRecord.actual_end_on.is_(None),
            RotationRecord.planned_end_on.is_not(None),
            RotationRecord.planned_end_on >= instance.as_of,
        )
    ).all()
    return {staff_no: end for staff_no, end in rows if staff_no in away}


def roadmap_from_registry(
    session: Session,
    *,
    first_year: int,
    years: int,
    county: str | None = None,
    time_limit_s: float | None = None,
) -> tuple[Instance, Roadmap]:
    """The roadmap of `years` years from `first_year` (one county's when the registry has
    several: `county` then required). Raises RoadmapError for a bad request."""
    problem = county_problem(session, county)
    if problem is not None:
        raise RoadmapError(*problem)
    if not 2000 <= first_year <= 2100:
        raise RoadmapError(
            f"起始年度 {first_year} 不在 2000–2100 之间",
            f"first year {first_year} is not within 2000–2100",
        )
    try:
        instance = build_instance(session, year=first_year, county=county)
    except DemandError as exc:  # registry data the roadmap needs (a school's class counts …)
        raise RoadmapError(f"无法生成规划：{exc.zh}", f"cannot make the roadmap: {exc.en}") from None
    limit = max_years(instance)
    if not 1 <= years <= limit:
        raise RoadmapError(
            f"规划年数须为 1–{limit}（交流期加冷静期），不能为 {years}",
            f"years must be 1 to {limit} (term + cool-down), not {years}",
        )
    if not instance.teachers:
        raise RoadmapError("信息库中没有可编制路线图的教师", "no teachers in the registry to plan")
    assumptions = RoadmapAssumptions(secondment_returns=secondment_returns(session, instance))
    settings = SolveSettings(time_limit_s=time_limit_s or DEFAULT_TIME_LIMIT_S)
    return instance, solve_roadmap(instance, years, assumptions, settings)
