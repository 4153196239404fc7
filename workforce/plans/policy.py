"""Policy simulation and marginal values on the registry (issue #14): the year's plan re-solved
under changed rules and compared with the current plan, and what binds the plan most
(`optimizer.simulate`, `optimizer.duals` do the work; the base plan is the what-if's,
`workforce.plans.whatif.base_plan`). Nothing in the registry changes.

Changes arrive as text from the CLI, the API and the page: ``quotas.school_share=0.15`` (the
value read as YAML, so numbers, true/false and null mean what they do in the rules file) and
``S1=+2`` (posts added at a school). Bad text is refused naming the item.

A value is plain YAML data: an alias (``*name``) is refused. Aliases share one object between
many places, so a 330-byte value of nine nested lists of nine aliases each loads at once but
stands for 9^9 items; the error message that quotes a bad value (``repr``) then took 7 GB and
two minutes before the process ran out of memory (one level more: 9 times that). No rule
needs one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import yaml
from pydantic import BaseModel, Field
from sqlmodel import Session

from optimizer import Instance, Plan
from optimizer.duals import MarginalError, MarginalValues, marginal_values
from optimizer.simulate import PolicyChanges, PolicyError, Simulation, simulate
from optimizer.whatif import WhatIfError
from workforce.plans.compare import PlanComparison, compare_plans
from workforce.plans.whatif import base_plan, county_problem

SIMULATION_SECONDS = 60.0
"""Time limit of the simulated plan's solve (as `workforce plan`)."""


class PolicyAnswer(BaseModel):
    """A simulation beside the plan it changes."""

    base_plan_id: int | None = Field(
        description="Registry id of the base plan; None: solved now, not kept."
    )
    simulation: Simulation
    comparison: PlanComparison = Field(description="a = the current plan, b = the simulated.")
    school_names: dict[str, str] = Field(description="School code → name, to show.")


class MarginalAnswer(BaseModel):
    base_plan_id: int | None
    marginal: MarginalValues


def parse_changes(rules: Iterable[str], posts: Iterable[str]) -> PolicyChanges:
    """``key=value`` rule overrides and ``SCHOOL=±N`` post changes, refused by item."""
    overrides = {}
    for item in rules:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise PolicyError(
                f"规则调整“{item}”应写成 键=值，如 quotas.school_share=0.15",
                f"rule change {item!r} should read key=value, e.g. quotas.school_share=0.15",
            )
        try:
            overrides[key.strip()] = _plain_yaml(key.strip(), text) if text.strip() else None
        except PolicyError:  # an alias, refused in its own words
            raise
        except (yaml.YAMLError, ValueError, TypeError):
            # ValueError, TypeError: YAML's own tags on a value they cannot make (a date of
            # 2026-02-30, ``!!int abc``) raise those, not a YAMLError
            raise PolicyError(
                f"规则“{key.strip()}”的值“{text}”无法识别",
                f"rule {key.strip()!r}: cannot read the value {text!r}",
            ) from None
    ceilings = {}
    for item in posts:
        code, sep, text = item.partition("=")
        try:
            ceilings[code.strip()] = int(text)
        except ValueError:
            sep = ""
        if not sep or not code.strip():
            raise PolicyError(
                f"编制调整“{item}”应写成 学校代码=增加数，如 S1=+2",
                f"post change {item!r} should read SCHOOL=N, e.g. S1=+2",
            )
    return PolicyChanges(rules=overrides, post_ceilings=ceilings)


def _plain_yaml(key: str, text: str) -> object:
    """``text`` read as YAML (the safe loader), refused when it uses an alias: the document's
    events are read first (no object is built), and an alias stops it there."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=loader)):
        raise PolicyError(
            f"规则“{key}”的值使用了 YAML 别名（*名称），请直接写出取值",
            f"rule {key!r}: the value uses a YAML alias (*name); write the value out instead",
        )
    return yaml.load(text, Loader=loader)


def simulate_policy(
    session: Session,
    *,
    year: int,
    rules: Iterable[str] = (),
    posts: Iterable[str] = (),
    plan_id: int | None = None,
    county: str | None = None,
    time_limit_s: float | None = None,
) -> PolicyAnswer:
    """The year re-solved under the changes (`parse_changes`), beside its current plan
    (`_base`: of `county`); a bad change is a `WhatIfError` naming it, raised before any
    solve."""
    from optimizer import SolveSettings
    from optimizer.simulate import changed_instance

    def check(instance) -> None:  # refuse a bad key or school before a base plan is solved
        changed_instance(instance, changes)

    try:
        changes = parse_changes(rules, posts)
        registry_id, instance, plan = _base(session, year, plan_id, county, check)
        assert plan is not None  # solve_missing: a plan is solved when none is kept
        settings = SolveSettings(time_limit_s=time_limit_s or SIMULATION_SECONDS)
        result = simulate(instance, plan, changes, settings)
    except PolicyError as exc:
        raise WhatIfError(exc.zh, exc.en) from None
    return PolicyAnswer(
        base_plan_id=registry_id,
        simulation=result,
        comparison=compare_plans(plan, result.plan),
        school_names={school.code: school.name for school in instance.schools},
    )


def marginal(
    session: Session,
    *,
    year: int,
    level: str = "rural_shortage_filled",
    top: int = 10,
    plan_id: int | None = None,
    county: str | None = None,
) -> MarginalAnswer:
    """The rules that bind the year's plan most (the LP of the base plan's instance, `_base`)."""
    registry_id, instance, _ = _base(session, year, plan_id, county, solve_missing=False)
    try:
        values = marginal_values(instance, level, top)
    except MarginalError as exc:
        raise WhatIfError(exc.zh, exc.en) from None
    return MarginalAnswer(base_plan_id=registry_id, marginal=values)


def _base(
    session: Session,
    year: int,
    plan_id: int | None,
    county: str | None,
    check: Callable[[Instance], None] | None = None,
    solve_missing: bool = True,
) -> tuple[int | None, Instance, Plan | None]:
    """`base_plan` of `county`: plan `plan_id` when named (it holds its county), else the
    newest current plan of `county` (or a fresh solve of it); a registry of several counties
    needs one named — the newest plan of any county would be a guess."""
    if plan_id is None:
        problem = county_problem(session, county)
        if problem is not None:
            raise WhatIfError(*problem)
    return base_plan(session, year, plan_id, check, county, solve_missing)
