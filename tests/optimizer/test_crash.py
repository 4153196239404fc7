"""Level 1's LP from the greedy clerk's plan (optimizer.crash, optimizer.glop): the clerk's moves
become the model's values, the basis around them is a basis, and GLOP started from it reaches
the optimum GLOP reaches from its own start, with prices that prove it."""

from __future__ import annotations

import random

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer import SolveSettings
from optimizer.baseline import greedy_moves
from optimizer.crash import clerk_values, crash_basis
from optimizer.fixing import lagrangian_fixing
from optimizer.glop import BASIC, solve_lp_glop_from_basis
from optimizer.model import build_model, set_objective, solve_lp_glop
from optimizer.network import build_network
from tests.optimizer.factories import district

DISTRICTS = 200
"""Random districts each property is checked on (both feasible and infeasible ones)."""


def level_one(seed: int):
    inst = district(random.Random(seed), max_schools=6, max_teachers=20, max_available=12)
    net = build_network(inst, SolveSettings())
    model = build_model(inst, net, "highs")
    set_objective(model, model.terms["rural_shortage_filled"], maximize=True)
    moves = [(t.staff_no, dest, subject) for t, dest, subject in greedy_moves(inst)]
    return net, model, model.problem(), moves


def test_the_clerks_values_are_its_moves_with_every_total_as_defined():
    moved = 0
    for seed in range(DISTRICTS):
        net, model, problem, moves = level_one(seed)
        values = clerk_values(model, net, problem, moves)
        assert values[model.x].sum() == len(moves), seed  # every move on an arc of its group
        activity = np.bincount(problem.row_of(), weights=problem.value * values[problem.index],
                               minlength=problem.num_rows)
        for row, name in enumerate(problem.row_names):
            if name.startswith("define."):
                assert activity[row] == 0, (seed, name)
            if name.startswith("fill["):  # a fill counts at most the net arrivals
                assert activity[row] <= 1e-9, (seed, name)
        fills = np.fromiter(model.fill.values(), np.int64)
        assert np.all(values[fills] <= problem.upper[fills]), seed
        moved += len(moves)
    assert moved > 100, moved


def test_glop_from_the_clerks_basis_reaches_the_optimum_with_prices_that_prove_it():
    feasible = infeasible = 0
    for seed in range(DISTRICTS):
        net, model, problem, moves = level_one(seed)
        columns, rows = crash_basis(problem, clerk_values(model, net, problem, moves))
        assert (columns == BASIC).sum() + (rows == BASIC).sum() == problem.num_rows, seed
        cold = solve_lp_glop(problem, 20)
        warm = solve_lp_glop_from_basis(problem, 20, columns, rows)
        assert warm[0] == cold[0], seed
        if cold[0] == pywraplp.Solver.INFEASIBLE:
            infeasible += 1
            continue
        status, value, values, duals, reduced = warm
        assert status == pywraplp.Solver.OPTIMAL and abs(value - cold[1]) < 1e-6, seed
        activity = np.bincount(problem.row_of(), weights=problem.value * values[problem.index],
                               minlength=problem.num_rows)
        assert np.all(activity >= problem.row_lower - 1e-6), seed
        assert np.all(activity <= problem.row_upper + 1e-6), seed
        assert np.all((values >= problem.lower - 1e-9) & (values <= problem.upper + 1e-9)), seed
        # the prices in `solve_lp_glop`'s convention (c − Aᵀy − r = 0), and they prove the
        # value: their Lagrangian bound (what pricing and fixing compute from them) equals it
        priced = np.bincount(problem.index, weights=problem.value * duals[problem.row_of()],
                             minlength=problem.num_cols)
        assert np.allclose(problem.cost - priced - reduced, 0, atol=1e-7), seed
        bound, _ = lagrangian_fixing(problem, duals, values)
        assert abs(bound - value) < 1e-6, seed
        feasible += 1
    assert feasible >= 80 and infeasible >= 1, (feasible, infeasible)
