"""GLOP from a starting basis, through OR-Tools' MathOpt: the one route to GLOP that takes one.

Why: `pywraplp.Solver.SolveWithProto` (`model.solve_lp_glop`, every other LP solved in GLOP)
always starts from GLOP's own crash basis after its presolve. Level 1's LP started instead from
the basis of the greedy clerk's plan (`optimizer.crash`) takes GLOP a fraction of the time — the
30,000-teacher sample district 2.2 s against 5.3 s, 100,000 teachers 21.7 s against ≈ 80 s, a
10,000-teacher county 0.55 s against 1.95 s — and gives the same optimum. With a basis GLOP
skips its presolve; the basis mostly of slacks is cheap to factorize, and the clerk's flows put
it near the optimum's face.

The model goes to MathOpt as a `ModelProto` of packed arrays (one list per field, written from
the problem's arrays), without names. It makes the solver (`math_opt.new`, which loads the LP
into GLOP) and is dropped before GLOP solves: MathOpt's one-call `solve` keeps the proto, and
its own C++ copy of it, for the whole solve. Level 1's LP at 100,000 teachers (508,216
columns, 2.06 million coefficients) peaked 672 MB over a 97 MB process that way, 597 MB this
way.

Only the nonzero values and row duals come back, and no reduced costs: the answer is built
while GLOP still holds the LP, in C++, then serialized and parsed again in Python, so each
full-length vector is held three times at the process's peak. The reduced costs are c − Aᵀy
from the duals (`Problem.reduced_costs`, the same numbers as GLOP's to the last bit on level
1 at 100,000 teachers, where 15,035 of the 508,216 values and 23,138 reduced costs are
nonzero): that LP's peak went from 501 to 438 MB over the process. Row duals and reduced
costs are in the same sign convention as `model.solve_lp_glop`'s (c − Aᵀy − r = 0), so
pricing and fixing read either.
"""

from __future__ import annotations

import math

import numpy as np
from google.protobuf import text_format
from ortools.linear_solver import pywraplp
from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_pb2,
    parameters_pb2,
    result_pb2,
    solution_pb2,
)
from ortools.math_opt.core.python import solver as math_opt

from optimizer.problem import Problem

BASIC = solution_pb2.BASIS_STATUS_BASIC
AT_LOWER = solution_pb2.BASIS_STATUS_AT_LOWER_BOUND
AT_UPPER = solution_pb2.BASIS_STATUS_AT_UPPER_BOUND
FIXED = solution_pb2.BASIS_STATUS_FIXED_VALUE
"""MathOpt's basis statuses, for columns and rows (a row's status is its activity's)."""

_INFEASIBLE = (result_pb2.TERMINATION_REASON_INFEASIBLE,
               result_pb2.TERMINATION_REASON_INFEASIBLE_OR_UNBOUNDED)
"""Every column of the rotation model is bounded, so "infeasible or unbounded" is infeasible."""


def solve_lp_glop_from_basis(problem: Problem, time_limit_s: float, column_status: np.ndarray,
                             row_status: np.ndarray, parameters: str = ""
                             ) -> tuple[int, float | None, np.ndarray | None, np.ndarray | None,
                                        np.ndarray | None]:
    """(pywraplp status, value, values, row duals, reduced costs) of the problem's LP relaxation
    in GLOP, started from the basis given by the statuses (exactly as many BASIC as rows, as
    MathOpt requires). `parameters`: GLOP's own, in text format."""
    params = parameters_pb2.SolveParametersProto()
    seconds = max(0.001, time_limit_s)
    params.time_limit.seconds = int(seconds)
    params.time_limit.nanos = int((seconds - math.floor(seconds)) * 1e9)
    if parameters:
        text_format.Parse(parameters, params.glop)
    start = model_parameters_pb2.ModelSolveParametersProto()
    start.variable_values_filter.skip_zero_values = True
    start.dual_values_filter.skip_zero_values = True
    start.reduced_costs_filter.filter_by_ids = True  # and no ids: none (see the docstring)
    basis = start.initial_basis
    basis.variable_status.ids.extend(range(problem.num_cols))
    basis.variable_status.values.extend(np.asarray(column_status, np.int64).tolist())
    basis.constraint_status.ids.extend(range(problem.num_rows))
    basis.constraint_status.values.extend(np.asarray(row_status, np.int64).tolist())
    solver = math_opt.new(parameters_pb2.SOLVER_TYPE_GLOP, _model(problem),
                          parameters_pb2.SolverInitializerProto())
    result = solver.solve(params, start, None, callback_pb2.CallbackRegistrationProto(), None,
                          None)
    del solver  # GLOP's state, before the values are copied out
    reason = result.termination.reason
    if reason in _INFEASIBLE:
        return pywraplp.Solver.INFEASIBLE, None, None, None, None
    if reason != result_pb2.TERMINATION_REASON_OPTIMAL or not result.solutions:
        return pywraplp.Solver.NOT_SOLVED, None, None, None, None
    solution = result.solutions[0]
    values = _dense(solution.primal_solution.variable_values, problem.num_cols)
    duals = _dense(solution.dual_solution.dual_values, problem.num_rows)
    return (pywraplp.Solver.OPTIMAL, problem.objective(values), values, duals,
            problem.reduced_costs(duals))


def _model(problem: Problem) -> model_pb2.ModelProto:
    """The LP (integrality dropped) as MathOpt's proto; the matrix entries sorted by row, then
    column, as MathOpt requires."""
    model = model_pb2.ModelProto()
    n, m = problem.num_cols, problem.num_rows
    model.variables.ids.extend(range(n))
    model.variables.lower_bounds.extend(problem.lower.tolist())
    model.variables.upper_bounds.extend(problem.upper.tolist())
    model.variables.integers.extend([False] * n)
    model.objective.maximize = bool(problem.maximize)
    model.objective.offset = problem.offset
    costs = np.flatnonzero(problem.cost)
    model.objective.linear_coefficients.ids.extend(costs.tolist())
    model.objective.linear_coefficients.values.extend(problem.cost[costs].tolist())
    model.linear_constraints.ids.extend(range(m))
    model.linear_constraints.lower_bounds.extend(problem.row_lower.tolist())
    model.linear_constraints.upper_bounds.extend(problem.row_upper.tolist())
    rows = problem.row_of()
    order = np.lexsort((problem.index, rows))
    matrix = model.linear_constraint_matrix
    matrix.row_ids.extend(rows[order].tolist())
    matrix.column_ids.extend(problem.index[order].tolist())
    matrix.coefficients.extend(problem.value[order].tolist())
    return model


def _dense(vector, size: int) -> np.ndarray:
    """A MathOpt sparse vector (ids, values) as a dense array of `size` (0 where absent)."""
    dense = np.zeros(size)
    dense[np.asarray(vector.ids, np.int64)] = np.asarray(vector.values, np.float64)
    return dense
