"""The model's arrays (optimizer.problem) on the real model of random small districts: the proto
written from the arrays is the one OR-Tools builds field by field, and a restricted sub-model
(columns fixed and substituted out) has the optimum of the whole model with those columns held
— what the LP neighbourhood and reduced-cost fixing rely on; and a solver's bound on an
integral objective rounds to the integer it implies, despite the solver's rounding error."""

from __future__ import annotations

import math
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.linear_solver import linear_solver_pb2, pywraplp

from optimizer.model import build_model, fix_level, set_objective, solve_mip
from optimizer.network import build_network
from optimizer.problem import (
    BOUND_ABSOLUTE_TOLERANCE,
    BOUND_MAXIMUM_TOLERANCE,
    BOUND_RELATIVE_TOLERANCE,
    Problem,
    integer_bound,
)
from optimizer.settings import SolveSettings
from tests.optimizer.factories import district

CASES = 20
"""Random districts checked (those whose level 1 has a solution)."""


def level_one(seed: int) -> tuple[Problem, np.ndarray] | None:
    """Level 1's problem of a random district and an optimal solution, or None."""
    inst = district(random.Random(seed), max_schools=5, max_teachers=14, max_available=9)
    model = build_model(inst, build_network(inst, SolveSettings()), "highs")
    set_objective(model, model.terms["rural_shortage_filled"], True)
    problem = model.problem()
    found = solve_mip(problem, "highs", 20, 1, 0, 0.0)
    if found.status != pywraplp.Solver.OPTIMAL:
        return None
    return problem, found.values


def reference_proto(problem: Problem) -> linear_solver_pb2.MPModelProto:
    """The proto built one field at a time through protobuf's own API."""
    proto = linear_solver_pb2.MPModelProto(
        maximize=problem.maximize, objective_offset=problem.offset
    )
    for j in range(problem.num_cols):
        proto.variable.add(
            lower_bound=problem.lower[j],
            upper_bound=problem.upper[j],
            objective_coefficient=problem.cost[j],
            is_integer=bool(problem.integer[j]),
        )
    for r, name in enumerate(problem.row_names):
        s, e = problem.starts[r], problem.starts[r + 1]
        proto.constraint.add(
            var_index=problem.index[s:e].tolist(),
            coefficient=problem.value[s:e].tolist(),
            lower_bound=problem.row_lower[r],
            upper_bound=problem.row_upper[r],
            name=name,
        )
    return proto


def cases():
    found = []
    for seed in range(200):
        case = level_one(seed)
        if case is not None:
            found.append((seed, *case))
        if len(found) == CASES:
            break
    assert len(found) == CASES
    return found


def test_proto_from_the_arrays_is_the_field_by_field_proto():
    for seed, problem, _ in cases():
        proto = problem.to_proto()
        assert proto == reference_proto(problem), seed
        back = Problem.from_proto(proto)
        for field in (
            "cost",
            "lower",
            "upper",
            "integer",
            "row_lower",
            "row_upper",
            "starts",
            "index",
            "value",
        ):
            assert np.array_equal(getattr(back, field), getattr(problem, field)), (seed, field)
        assert back.row_names == problem.row_names and back.maximize == problem.maximize


def test_restricted_problem_has_the_optimum_of_the_held_problem():
    compared = infeasible = 0
    for seed, problem, optimum in cases():
        rng = np.random.default_rng(seed)
        for _ in range(3):
            # Fix a random half of the integer columns at a solution's values: the optimal
            # one (the restricted optimum is then the same) or the empty plan's rounding.
            base = optimum if rng.random() < 0.5 else np.zeros(problem.num_cols)
            keep = ~problem.integer | (rng.random(problem.num_cols) < 0.5)
            held = solve_mip(problem.held(~keep, np.round(base)), "highs", 20, 1, 0, 0.0)
            small = problem.restrict(base, keep)
            assert small.num_cols == int(keep.sum()), seed
            restricted = solve_mip(small, "highs", 20, 1, 0, 0.0)
            assert restricted.status == held.status, seed
            if held.value is not None:
                assert abs(restricted.value - held.value) < 1e-6, seed
                compared += 1
            else:
                infeasible += 1
    assert compared >= CASES and infeasible >= CASES // 4, (compared, infeasible)


def test_a_model_grown_after_its_arrays_were_made_has_the_arrays_of_one_built_at_once():
    """RotationModel keeps what was added before `problem()` as arrays and appends what comes
    after (the rows that keep a solved level, a bound moved for a marginal value): the result
    must be the model built without the intermediate arrays, and arrays handed out earlier
    must not change under their holder."""
    checked = 0
    for seed in range(60):
        inst = district(random.Random(seed), max_schools=5, max_teachers=14, max_available=9)
        net = build_network(inst, SolveSettings())
        settled, direct = build_model(inst, net, "highs"), build_model(inst, net, "highs")
        if not settled.row_names:
            continue
        before = settled.problem()  # the lists become arrays here
        first_lower = float(before.row_lower[0])
        for model in (settled, direct):
            set_objective(model, model.terms["rural_shortage_filled"], True)
            fix_level(model, "rural_shortage_filled", 1.0, True)
            model.column(0.0, 3.0, True, "extra")
            model.row(-1.0, 2.0, "extra.row", [0, model.num_columns - 1], [1.0, -1.0])
            model.set_row_bounds(0, first_lower - 1, float(before.row_upper[0]))
        grown, built = settled.problem(), direct.problem()
        for field in ("cost", "lower", "upper", "integer", "row_lower", "row_upper", "starts",
                      "index", "value"):
            assert np.array_equal(getattr(grown, field), getattr(built, field)), (seed, field)
        assert grown.row_names == built.row_names
        assert grown.num_cols == before.num_cols + 1 and grown.num_rows == before.num_rows + 2
        assert before.row_lower[0] == first_lower  # the earlier arrays kept their bound
        assert len(before.row_names) == before.num_rows  # and only their own rows' names
        assert len(before.to_proto().constraint) == before.num_rows
        checked += 1
    assert checked >= 50


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**10, 10**10), st.floats(-0.99, 0.99), st.booleans())
def test_a_bound_a_hair_off_an_integer_rounds_to_it(exact, share, maximize):
    """A solver's bound on an integral objective that is off its integer by less than the
    allowance (1e-6 + 1e-10 of its size, at most half a unit: GLOP's sum of a county's combined
    objective, 1.3e8, came out 1e-6 short) rounds to that integer, on either side and for
    either sense."""
    allowance = min(BOUND_MAXIMUM_TOLERANCE,
                    BOUND_ABSOLUTE_TOLERANCE + BOUND_RELATIVE_TOLERANCE * abs(exact))
    assert integer_bound(exact + share * allowance, maximize) == exact


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e10, 1e10, allow_nan=False), st.booleans())
def test_a_rounded_bound_never_claims_more_than_the_solver_and_at_most_one_unit_less(bound,
                                                                                    maximize):
    """Rounding never overstates the proof (a maximum's bound is never below ⌊bound⌋, a
    minimum's never above ⌈bound⌉) and weakens it by at most one unit."""
    rounded = integer_bound(bound, maximize)
    if maximize:
        assert math.floor(bound) <= rounded <= math.floor(bound) + 1
    else:
        assert math.ceil(bound) - 1 <= rounded <= math.ceil(bound)
