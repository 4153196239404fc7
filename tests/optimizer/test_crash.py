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
    feasible = infeasible = between = priced = 0
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
        # the reduced costs (c − Aᵀy, as `solve_lp_glop`'s) are the optimum's: a column
        # strictly between its bounds prices at 0, one at a bound cannot gain by leaving it
        sense = 1 if problem.maximize else -1
        gain = sense * reduced
        at_lower = values <= problem.lower + 1e-9
        at_upper = values >= problem.upper - 1e-9
        assert np.all(gain[at_lower & ~at_upper] <= 1e-7), seed
        assert np.all(gain[at_upper & ~at_lower] >= -1e-7), seed
        assert np.all(np.abs(reduced[~at_lower & ~at_upper]) <= 1e-7), seed
        between += int((~at_lower & ~at_upper).sum())
        priced += int((np.abs(reduced) > 1e-7).sum())
        # and the prices prove the value: their Lagrangian bound (what pricing and fixing
        # compute from them) equals it
        bound, _ = lagrangian_fixing(problem, duals, values)
        assert abs(bound - value) < 1e-6, seed
        feasible += 1
    assert feasible >= 80 and infeasible >= 1, (feasible, infeasible)
    assert between > 500 and priced > 300, (between, priced)  # columns checked, all districts
