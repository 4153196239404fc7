"""Reduced-cost fixing (optimizer.fixing) on the real model of random small districts: the
Lagrangian bound holds, the incumbent keeps every fixed value, and the MIP with the fixed
variables held has the same optimum as the whole MIP — so a level proven on the restricted
model is proven. Brute force: each optimum is HiGHS's full MIP."""

from __future__ import annotations

import math
import random
import time
from dataclasses import replace

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from optimizer.fixing import held_face, lagrangian_fixing
from optimizer.levels import _fixed_mip
from optimizer.model import (
    LevelResult,
    build_model,
    fix_level,
    set_objective,
    solve_lp,
    solve_lp_exported,
    solve_mip,
)
from optimizer.network import build_network
from optimizer.problem import Problem
from optimizer.settings import SolveSettings
from tests.optimizer.factories import district

CASES = 25
"""Random districts checked (those whose level 1 has a solution and whose preference LP is
fractional enough that the incumbent is below the LP bound)."""


def preference_level(seed: int, level: str = "preference", maximize: bool = True):
    """(problem of a later level — preference, max, or distance, min — with level 1 kept at its
    optimum, a worse feasible solution of it — level 1's — and the true optimum), or None when
    level 1 has no plan."""
    inst = district(random.Random(seed), max_schools=5, max_teachers=14, max_available=9)
    net = build_network(inst, SolveSettings())
    model = build_model(inst, net, "highs")
    set_objective(model, model.terms["rural_shortage_filled"], True)
    first = solve_mip(model.problem(), "highs", 20, 1, 0, 0.0)
    if first.status != pywraplp.Solver.OPTIMAL:
        return None
    fix_level(model, "rural_shortage_filled", round(first.value), True)
    set_objective(model, model.terms[level], maximize)
    proto = model.problem()
    optimum = solve_mip(proto, "highs", 20, 1, 0, 0.0)
    assert optimum.status == pywraplp.Solver.OPTIMAL, seed
    return proto, first.values, optimum.value


def objective(proto: Problem, values: np.ndarray) -> float:
    """The objective at a solution, summed term by term (not through `Problem.objective`)."""
    return proto.offset + sum(float(c) * float(x) for c, x in zip(proto.cost, values, strict=True))


@pytest.mark.parametrize(("level", "maximize"), [("preference", True), ("distance", False)])
def test_fixing_keeps_the_optimum_of_random_districts(level: str, maximize: bool):
    checked = fixed_any = 0
    for seed in range(200):
        case = preference_level(seed, level, maximize)
        if case is None:
            continue
        proto, incumbent, optimum = case
        lp = solve_lp_exported(proto, 20)
        assert lp.row_prices is not None, seed
        bound, fixed = lagrangian_fixing(proto, lp.row_prices, incumbent)
        assert (bound >= optimum - 1e-6) if maximize else (bound <= optimum + 1e-6), seed
        assert np.all(proto.integer[fixed]), seed
        restricted = solve_mip(proto.held(fixed, incumbent), "highs", 20, 1, 0, 0.0)
        assert restricted.status == pywraplp.Solver.OPTIMAL, seed
        assert abs(restricted.value - optimum) < 1e-6, seed
        fixed_any += bool(fixed.any())
        checked += 1
        if checked == CASES:
            break
    assert checked == CASES
    assert fixed_any >= CASES // 5, fixed_any  # the test is about fixing: 9 of 25 fix some


def test_fixed_mip_proves_the_level_from_a_worse_solution():
    checked = 0
    for seed in range(200):
        case = preference_level(seed)
        if case is None:
            continue
        proto, incumbent, optimum = case
        lp = solve_lp_exported(proto, 20)
        start = LevelResult(pywraplp.Solver.FEASIBLE, objective(proto, incumbent), None, incumbent)
        lp_bound = math.floor(lp.value + 1e-6)
        if round(start.value) == lp_bound:
            continue  # nothing to prove: the incumbent already reaches the LP bound
        best, bound = _fixed_mip(
            proto, lp, start, lp_bound, True, time.perf_counter() + 20, "highs", 1, 0, 0.0
        )
        assert round(best.value) == round(optimum) == bound, seed
        assert abs(objective(proto, best.values) - best.value) < 1e-6, seed
        checked += 1
        if checked == CASES:
            break
    assert checked == CASES


HELD_CASES = 30
"""Random districts whose level 1 has an optimum, checked for `held_face`."""


def test_what_level_ones_prices_hold_keeps_every_plan_as_good_in_level_one():
    """`held_face` after level 1 (GLOP's row prices, the MIP's optimum as incumbent): for
    random objectives over the plans as good in level 1 (level 1 kept by its row), the optimum
    with the held columns and rows is the one without — every such plan meets what is held, so
    the later levels lose nothing. Brute force: HiGHS's full MIP, both ways. Problems handed
    out before `RotationModel.hold` keep their bounds."""
    checked = columns_held = rows_held = 0
    for seed in range(200):
        inst = district(random.Random(seed), max_schools=5, max_teachers=14, max_available=9)
        model = build_model(inst, build_network(inst, SolveSettings()), "highs")
        if not model.num_columns:
            continue
        set_objective(model, model.terms["rural_shortage_filled"], True)
        first = solve_mip(model.problem(), "highs", 20, 1, 0, 0.0)
        if first.status != pywraplp.Solver.OPTIMAL or solve_lp(model, 20).value is None:
            continue
        problem = model.problem()
        integral = problem.integer.copy()
        integral[model.totals()] = True
        incumbent = np.where(integral, np.round(first.values), first.values)
        fixed, held, activity = held_face(problem, model.lp_duals, incumbent, integral)
        assert np.all(integral[fixed]) and np.all(problem.integer[fixed]), seed
        assert np.array_equal(incumbent[fixed], np.where(
            incumbent[fixed] == problem.lower[fixed], problem.lower[fixed],
            problem.upper[fixed])), seed  # each fixed at a bound, where the incumbent is
        fix_level(model, "rural_shortage_filled", first.value, True)
        free = model.problem()
        model.hold(np.flatnonzero(fixed), incumbent[fixed], np.flatnonzero(held),
                   activity[held])
        kept = model.problem()
        assert np.array_equal(free.lower, problem.lower), seed  # handed out: unchanged
        assert np.array_equal(kept.lower[fixed], incumbent[fixed]), seed  # and held: applied
        assert np.array_equal(kept.upper[fixed], incumbent[fixed]), seed
        rows = np.flatnonzero(held)
        assert np.array_equal(kept.row_lower[rows], activity[rows]), seed
        assert np.array_equal(kept.row_upper[rows], activity[rows]), seed
        rng = np.random.default_rng(seed)
        for _ in range(3):
            cost = rng.integers(-3, 4, free.num_cols).astype(np.float64)
            optima = [solve_mip(replace(p, cost=cost), "highs", 20, 1, 0, 0.0) for p in
                      (free, kept)]
            assert [o.status for o in optima] == [pywraplp.Solver.OPTIMAL] * 2, seed
            assert abs(optima[0].value - optima[1].value) < 1e-6, seed
        columns_held += int(fixed.sum())
        rows_held += int((held & (problem.row_lower != problem.row_upper)).sum())
        checked += 1
        if checked == HELD_CASES:
            break
    assert checked == HELD_CASES
    assert columns_held >= HELD_CASES and rows_held >= HELD_CASES, (columns_held, rows_held)
