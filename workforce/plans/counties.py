"""One rotation plan per county: a prefecture city runs the policy within each county.

`propose_county_plans` reads each county's instance from the registry (one after the other, in
the caller's session), solves them side by side (`optimizer.parallel.solve_many`: a local
process pool, or any executor such as Dask's), and keeps one draft per county in the caller's
transaction — all of them or none. Every draft carries its county (`RotationPlan.county`), so
the city's HR office sees them all, and approving one county's draft supersedes only that
county's other drafts (and a whole registry's, which holds its teachers too:
:func:`workforce.plans.lifecycle.applied_plan_over`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from optimizer import Instance, Plan, SolveSettings
from workforce.models import RotationPlan
from workforce.plans.lifecycle import PlanError, propose_plan
from workforce.snapshot import NO_COUNTY, build_instance, counties

if TYPE_CHECKING:
    from concurrent.futures import Executor


def propose_county_plans(
    session: Session,
    *,
    year: int,
    actor: str,
    settings: SolveSettings | None = None,
    only: Sequence[str] | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
) -> list[tuple[str | None, RotationPlan, Instance, Plan]]:
    """Solve and keep the ``year`` plan of every county (or of the counties in ``only``);
    returns (county, record, instance, plan) per county, in county order. A registry without
    counties gives one plan with county None, as before. An unknown county in ``only`` is an
    error naming it and the counties known."""
    known = counties(session)
    if only is not None:
        unknown = [c for c in only if c not in known]
        if unknown:
            raise PlanError("unknown_county", county="、".join(unknown),
                            known="、".join(c for c in known if c) or "—")
        chosen = list(dict.fromkeys(only))
    else:
        chosen = known
    if known == [NO_COUNTY] or not chosen:  # a registry of one county, nothing recorded
        record, instance, plan = propose_plan(session, year=year, actor=actor, settings=settings)
        return [(None, record, instance, plan)]
    # Imported here: the process pool's modules (9 ms) are not needed for one county.
    from optimizer.parallel import solve_many

    instances = [build_instance(session, year=year, county=c) for c in chosen]
    plans = solve_many(instances, settings, workers=workers, executor=executor)
    kept = []
    for county, instance, plan in zip(chosen, instances, plans, strict=True):
        record, _, _ = propose_plan(session, year=year, actor=actor, instance=instance,
                                    plan=plan, county=county or None)
        kept.append((county or None, record, instance, plan))
    return kept
