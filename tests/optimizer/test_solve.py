"""End to end: a tiny district is solved, explained and confirmed by the checker."""

from __future__ import annotations

import importlib

from tests.optimizer.factories import (
    free_rules,
    instance,
    key_designation,
    school,
    staffing,
    teacher,
)


def test_urban_teacher_fills_rural_pe_shortage(solve_checked):
    inst = instance(
        [school("U", "urban", staff=[staffing("pe", in_post=3)]),
         school("R", "rural", lat=23.80, staff=[staffing("pe", in_post=0, shortage=1)])],
        [teacher("t1", "U", "pe", designations=[key_designation()])],
        rules=free_rules(),
    )
    plan = solve_checked(inst)
    assert plan.status == "optimal"
    [move] = plan.moves
    assert (move.staff_no, move.to_school, move.subject) == ("t1", "R", "pe")
    assert plan.objectives[0].value == 5  # one PE slot, weight 5
    codes = [r.code for r in move.reasons]
    assert "why.school.shortage" in codes and "why.teacher.key" in codes
    assert all(r.zh and r.en for r in move.reasons)
    [short] = plan.shortages
    assert (short.filled, short.unfilled) == (1, 0)


def test_quota_forces_a_swap_when_nobody_is_short(solve_checked):
    inst = instance(
        [school("U", "urban", staff=[staffing("math", in_post=2)]),
         school("R", "rural", staff=[staffing("math", in_post=2)])],
        [teacher("u1", "U"), teacher("r1", "R")],
        **{"quotas.district_share": 0.5, "quotas.key_share": 0},
    )
    plan = solve_checked(inst)
    assert {(m.staff_no, m.to_school) for m in plan.moves} == {("u1", "R"), ("r1", "U")}
    assert all(q.met for q in plan.quotas)


def test_without_a_level_one_solution_in_time_the_greedy_plan_comes_back(monkeypatch):
    from optimizer import check_plan
    from optimizer.model import LevelResult

    solving = importlib.import_module("optimizer.solve")  # the name `optimizer.solve` is the function

    monkeypatch.setattr(solving, "solve_level",
                        lambda *args, **kwargs: LevelResult(6, None, None, method="timed out"))
    inst = instance(
        [school("U", "urban", staff=[staffing("pe", in_post=3)]),
         school("R", "rural", lat=23.80, staff=[staffing("pe", in_post=0, shortage=1)])],
        [teacher("t1", "U", "pe")], rules=free_rules(),
    )
    plan = solving.solve(inst)
    assert plan.provenance.method.startswith("greedy fallback")
    assert [m.staff_no for m in plan.moves] == ["t1"]
    assert plan.objectives == [] and plan.best_bound is None
    assert check_plan(inst, plan) == []
