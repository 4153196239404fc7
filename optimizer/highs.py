"""The HiGHS back-end through its own Python API (`highspy`), quiet and with a start solution.

Why not HiGHS through OR-Tools' `pywraplp`: that route prints HiGHS's banner ("Running HiGHS …")
on every solve whatever `SuppressOutput` says — users saw it in the CLI and in tests — and it
cannot hand HiGHS a start solution. Here the model's arrays (`optimizer.problem`) go to HiGHS
as they are (one `addCols`, one `addRows`), output is off before anything can log, and a known
feasible solution can go in as the incumbent (`setSolution`), so branch-and-bound starts with a
cutoff.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.problem import Problem

_FOUND = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit,
          highspy.HighsModelStatus.kInterrupt, highspy.HighsModelStatus.kSolutionLimit,
          highspy.HighsModelStatus.kIterationLimit, highspy.HighsModelStatus.kObjectiveBound,
          highspy.HighsModelStatus.kObjectiveTarget)

LP_PRESOLVE_MAX_COLUMNS = 300_000
"""An LP above this many columns is solved without HiGHS's presolve (`solve_lp_highs`), for
memory: presolve keeps the LP as given, its postsolve stack and the reduced LP side by side
while the simplex runs. Measured on the later levels' LP of the 100,000-teacher sample district
(508,216 columns, 80,437 rows, 2.06 M nonzeros), each run alone on one thread: with presolve
85–91 s and 462 MB above the process's start at the peak (558 MB; the search for dependent
equations alone adds a spike of 130 MB and removed none), without 104 s and 346 MB (442).
`workforce plan` on that district's registry peaked at 1,046 MB with presolve and at 918 MB
without (`/usr/bin/time`; the same three levels, proven; 119 → 145 s). On the 30,000-teacher
district's later LP (about 150,000 columns) presolve halves the time (4.8–5.9 s against
9.4–10.9 s), so smaller LPs keep it."""


class QuietHighs(highspy.Highs):
    """`highspy.Highs` with output off from the start: the wrapper's own constructor installs its
    callbacks first, and that already prints the banner to the process's stdout."""

    def __init__(self) -> None:
        super(highspy.Highs, self).__init__()  # the solver object alone, output still on
        self.setOptionValue("output_flag", False)
        self.callbacks = [highspy.highs.HighsCallback(highspy.cb.HighsCallbackType(kind), self)
                          for kind in range(int(highspy.cb.HighsCallbackType.kCallbackMax) + 1)]
        self.enableCallbacks()


def solve_mip_highs(problem: Problem, time_limit_s: float, threads: int, seed: int, gap: float,
                    start: np.ndarray | None = None, cutoff: float | None = None,
                    feasibility_jump: bool = True, presolve: bool = True
                    ) -> tuple[int, float | None, float | None, np.ndarray | None, int | None]:
    """Solve the problem's MIP; returns (pywraplp status, value, bound, values, nodes).

    `start` is a feasible solution (all variables, integral where integer) or None. `cutoff`
    is a value every solution of interest reaches (at least, maximising): HiGHS prunes every
    node that cannot, as it would with an incumbent of that value, but without one.
    `feasibility_jump` False skips HiGHS's feasibility-jump heuristic, which runs before the
    root LP (see `levels._full_mip_from` for where that pays); `presolve` False skips HiGHS's
    presolve (the same).

    The value is recomputed from the solution: HiGHS 1.16, given a start on a model whose
    presolve removes columns with costs, valued the start wrongly "in the reduced space"
    (30,000 teachers: 197,185,492 for a solution worth 94,771,905), pruned everything below
    that and reported it as the optimum and the bound. When the reported value is not the
    solution's, the bound is dropped and the result is only feasible."""
    started = time.perf_counter()
    if not problem.num_cols:  # HiGHS calls this an empty model and reports no solution
        if np.all((problem.row_lower <= 0) & (problem.row_upper >= 0)):
            return pywraplp.Solver.OPTIMAL, problem.offset, problem.offset, np.zeros(0), 0
        return pywraplp.Solver.INFEASIBLE, None, None, None, None
    solver = QuietHighs()
    for option, value in (("time_limit", max(0.05, time_limit_s)), ("threads", threads),
                          ("random_seed", seed), ("mip_rel_gap", gap),
                          ("mip_heuristic_run_feasibility_jump", feasibility_jump),
                          ("presolve", "choose" if presolve else "off")):
        solver.setOptionValue(option, value)
    # The constant offset stays out of HiGHS (added back below), so that the cutoff and the
    # values HiGHS reports mean one thing.
    offset = problem.offset
    _pass(solver, problem, offset=False)
    if cutoff is not None:  # HiGHS minimises internally: the limit is in that sense
        limit = cutoff - offset
        solver.setOptionValue("objective_bound", -limit if problem.maximize else limit)
    if start is not None:
        solver.setSolution(len(start), np.arange(len(start), dtype=np.int32),
                           np.asarray(start, dtype=np.float64))
    solver.run()
    status = solver.getModelStatus()
    info = solver.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return pywraplp.Solver.INFEASIBLE, None, None, None, None
    if status not in _FOUND or info.primal_solution_status != 2:  # 2: a feasible solution
        return pywraplp.Solver.NOT_SOLVED, None, None, None, None
    values = np.asarray(solver.getSolution().col_value, np.float64)
    value = problem.objective(values)
    reported = offset + info.objective_function_value
    bound = offset + info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
    optimal = status == highspy.HighsModelStatus.kOptimal
    if abs(reported - value) > 1e-6 * max(1.0, abs(value)):
        left = time_limit_s - (time.perf_counter() - started)
        if start is not None and left > 0.05:
            # The misvaluation comes with the start: solved again without it (a cutoff at the
            # start's true value keeps the search as narrow), the proof is HiGHS's own again.
            retry = solve_mip_highs(problem, left, threads, seed, gap, cutoff=_better(
                problem, value, cutoff), feasibility_jump=feasibility_jump,
                presolve=presolve)  # fmt: skip
            better = retry[1] is not None and (retry[1] >= value if problem.maximize
                                               else retry[1] <= value)  # fmt: skip
            if retry[0] == pywraplp.Solver.OPTIMAL or better:
                return retry
        optimal, bound = False, None
    return (pywraplp.Solver.OPTIMAL if optimal else pywraplp.Solver.FEASIBLE, value, bound,
            values, int(info.mip_node_count))


def _better(problem: Problem, value: float, cutoff: float | None) -> float:
    """The tighter of a solution's value (loosened by a hair, so that a solution as good as it
    still counts) and a cutoff, in the problem's sense."""
    slack = 1e-6 * max(1.0, abs(value))
    if problem.maximize:
        return value - slack if cutoff is None else max(value - slack, cutoff)
    return value + slack if cutoff is None else min(value + slack, cutoff)


def solve_lp_highs(problem: Problem, time_limit_s: float
                   ) -> tuple[int, float | None, np.ndarray | None, np.ndarray | None]:
    """The LP relaxation of the problem (integrality dropped); (pywraplp status, value, values,
    row duals — for reduced-cost fixing, optimizer.fixing).

    Used for the later levels of a large model: on the 30,000-teacher sample district the
    preference level's LP took HiGHS 7.9 s from scratch, GLOP 16 s from scratch and more than
    20 s warm-started from level 1's basis. (Level 1 stays in GLOP: HiGHS took 91 s there.)
    Up to 160,000 columns it started from level 1's GLOP basis, until level 1's prices held
    what they pin down (`solve._hold_level_face`); with that the cold start is the faster one
    (30,000 teachers: 4.0–5.0 s; held and from the basis 6.3–7.7 s; the basis alone, as before,
    6.0–6.7 s; 10,000-teacher counties: the same within the machine's noise). Above
    `LP_PRESOLVE_MAX_COLUMNS` columns without presolve."""
    solver = QuietHighs()
    solver.setOptionValue("time_limit", max(0.05, time_limit_s))
    solver.setOptionValue("threads", 1)
    if problem.num_cols > LP_PRESOLVE_MAX_COLUMNS:
        solver.setOptionValue("presolve", "off")
    _pass(solver, problem, integrality=False)
    solver.run()
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return pywraplp.Solver.INFEASIBLE, None, None, None
    if status != highspy.HighsModelStatus.kOptimal:
        return pywraplp.Solver.NOT_SOLVED, None, None, None
    solution = solver.getSolution()
    return (pywraplp.Solver.OPTIMAL, solver.getInfo().objective_function_value,
            np.asarray(solution.col_value, np.float64), np.asarray(solution.row_dual, np.float64))


def _pass(solver: QuietHighs, problem: Problem, integrality: bool = True,
          offset: bool = True) -> None:
    """Columns, rows (compressed by row), integrality and objective of the problem (its
    constant only with `offset`)."""
    n = problem.num_cols
    solver.addCols(n, problem.cost, problem.lower, problem.upper, 0, np.zeros(n, np.int32),
                   np.zeros(0, np.int32), np.zeros(0, np.float64))
    solver.addRows(problem.num_rows, problem.row_lower, problem.row_upper, len(problem.index),
                   problem.starts[:-1].astype(np.int32), problem.index.astype(np.int32),
                   problem.value)
    integer = np.flatnonzero(problem.integer).astype(np.int32)
    if integrality and len(integer):
        solver.changeColsIntegrality(len(integer), integer,
                                     np.full(len(integer), int(highspy.HighsVarType.kInteger),
                                             dtype=np.uint8))
    if offset:
        solver.changeObjectiveOffset(problem.offset)
    solver.changeObjectiveSense(highspy.ObjSense.kMaximize if problem.maximize
                                else highspy.ObjSense.kMinimize)


def load_lp(problem: Problem, time_limit_s: float) -> QuietHighs:
    """The problem's LP relaxation loaded into a quiet HiGHS, not yet run: the caller runs it,
    reads the row duals (`getSolution().row_dual`: the change of the objective per unit of the
    row's active bound, in the objective's own sense) and may move a bound and run again, which
    HiGHS warm-starts from the last basis (optimizer.duals)."""
    solver = QuietHighs()
    solver.setOptionValue("time_limit", max(0.05, time_limit_s))
    solver.setOptionValue("threads", 1)
    _pass(solver, problem, integrality=False)
    return solver
