"""A solve tells each objective level as soon as it is settled (``solve(on_level=…)``): the job
page of a long solve shows its first plan's level 1 while the later levels are being solved."""

from __future__ import annotations

import importlib

from optimizer import SolveSettings, solve
from tests.optimizer.factories import free_rules, instance, school, staffing, teacher


def _district():
    return instance(
        [
            school("U", "urban", staff=[staffing("pe", in_post=3), staffing("math", in_post=2)]),
            school(
                "R",
                "rural",
                lat=23.80,
                staff=[staffing("pe", in_post=0, shortage=1), staffing("math", in_post=2)],
            ),
        ],
        [teacher("t1", "U", "pe"), teacher("u1", "U"), teacher("r1", "R")],
        rules=free_rules(),
    )


def test_each_level_is_told_once_in_order_before_the_later_levels_are_solved(monkeypatch):
    solving = importlib.import_module(
        "optimizer.solve"
    )  # the name `optimizer.solve` is the function
    events: list[object] = []
    together = solving._solve_together

    def later_levels(*args, **kwargs):  # the combined preference/distance MIP starts
        events.append("later levels start")
        return together(*args, **kwargs)

    monkeypatch.setattr(solving, "_solve_together", later_levels)
    plan = solving.solve(
        _district(),
        SolveSettings(time_limit_s=20),
        on_level=lambda number, level: events.append((number, level)),
    )
    assert plan.status == "optimal" and len(plan.objectives) == 3
    told = [e for e in events if e != "later levels start"]
    assert [number for number, _ in told] == [1, 2, 3]
    assert [level for _, level in told] == plan.objectives  # the same values, bounds, proofs
    assert events.index("later levels start") == 1  # level 1 was told before they started
    assert all(level.proven_optimal for _, level in told)


def test_a_failed_solve_tells_no_level():
    must = dict(is_principal=True, principal_terms_at_school=2)
    inst = instance(  # two two-term principals, one post they could take: no plan at all
        [
            school("U", "urban", staff=[staffing("math", 3)]),
            school("V", "urban", lon=114.72, staff=[staffing("math", 3)]),
            school("R", "rural", lat=23.80, staff=[staffing("math", 1)]),
        ],
        [
            teacher("pu", "U", **must),
            teacher("pv", "V", **must),
            teacher("pr", "R", is_principal=True),
        ],
        rules=free_rules(),
    )
    told: list[int] = []
    plan = solve(inst, SolveSettings(time_limit_s=20), on_level=lambda n, _: told.append(n))
    assert plan.status == "infeasible" and told == []
