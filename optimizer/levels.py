"""Solving one objective level: the LP relaxation first, then small MIPs around it.

Why: the model is a flow network with a few side rows (quotas, key share, principal posts), so
its LP relaxation is nearly integral — on a 3,400-teacher district a few dozen of ~40,000 flows
are fractional and the LP bound equals the integer optimum. Branch-and-bound on the whole model
spends most of a minute looking for a first integer solution (HiGHS and SCIP alike; CP-SAT found
none in a minute). So, with `lp_guided` (the default), each level is solved as:

1. the LP relaxation — level 1 in GLOP (from the basis of the greedy clerk's plan when the
   caller gives one, `lp_start`: optimizer.crash), later levels (their model exported with
   the earlier levels' rows) in HiGHS, which solved the 30,000-teacher district's second LP
   twice as fast as GLOP, while GLOP solved level 1 ten times faster than HiGHS (on a model above
   `FULL_MIP_MAX_VARIABLES` with the columns and rows level 1's prices pin down held,
   `solve._hold_level_face`) — or, on an exact model, in GLOP from the crash basis around level
   1's plan (`lp_from_incumbent`, `solve._later_lp_from_level_one`): infeasible → the level is
   infeasible; integral → optimal, the LP is the proof;
2. otherwise a MIP over a neighbourhood, every other integer variable fixed and substituted
   out so that the back-end receives a small model: the fractional variables free, the rest
   fixed at their integral LP values, then whole groups if that has no solution. A later level
   keeps the previous level's plan when that is better (it is feasible here too), and on a
   large model continues with RINS: the variables where the incumbent and this level's LP
   disagree are freed and the rest fixed at the incumbent; when a round stalls the
   neighbourhood widens (group → source slot → destination slot);
3. when the solution found does not reach the LP bound and the LP came with row prices (a
   later level's LP, HiGHS), reduced-cost fixing (optimizer.fixing): every integer variable
   that cannot leave its value in a solution as good is fixed, and the MIP over the rest is
   solved with the solution's value as cutoff — its optimum and bound are the level's (30,000
   teachers: 52,857 of 138,730 variables left, the later levels proven in 13–20 s where the
   full MIP took 25–35 s);
4. when that does not reach the LP bound and the model is small, the full MIP with the time
   left; the better solution is kept.

Later levels of a small model (≤ `FULL_MIP_MAX_VARIABLES`) whose LP does not start from level
1's plan (a pruned model) skip steps 1–2 and run the full MIP at once (HiGHS's root LP replaces
ours). An exact model's later LP starts from level 1's plan at every size: since each level is
held at its exact value, the combined later LP of the 3,400-teacher sample district is integral
(HiGHS's full MIP proved it at its root node, with no cut and no branch, in 0.27 s), and GLOP
from level 1's plan gets there sooner.

A level's bound is the LP value rounded to an integer (every level is integral; the rounding
allows for the solver's rounding error, `problem.integer_bound`), tightened by the restricted or
full MIP's bound when it ran; an integral LP solution's level is its exact value. Without
`lp_guided`, only step 4 runs (the back-end comparison).
"""

from __future__ import annotations

import time

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.crash import crash_basis
from optimizer.fixing import lagrangian_fixing
from optimizer.memory import release_freed_memory
from optimizer.model import (
    LevelResult,
    RotationModel,
    solve_lp,
    solve_lp_exported,
    solve_lp_glop,
    solve_mip,
)
from optimizer.problem import Problem, integer_bound

_INTEGRAL = 1e-6
NEIGHBOURHOOD_RADII = 1
"""How many times the level-1 neighbourhood widens before the full MIP runs."""
RINS_ROUNDS = 12
"""Rounds of RINS (free where the LP and the incumbent differ, widened when a round stalls) on
levels after the first."""
FULL_MIP_MAX_VARIABLES = 20_000
"""Above this the full MIP is not tried: on 40,000 variables HiGHS found no solution in a
minute, and the time is better left unused than spent for nothing."""
FULL_MIP_WITH_START_MAX_VARIABLES = 160_000
"""A later level up to this size (HiGHS) goes from its LP neighbourhood's solution to the full
MIP with that solution as the first incumbent (`setSolution`), instead of RINS: the start gives
HiGHS a cutoff, and its presolve and cuts then prove what RINS could not. Measured on a county of
10,000 teachers (112,525 variables): the combined later levels proven optimal, the MIP taking
11.8 s from the neighbourhood's solution (48 s from level 1's plan), where RINS ended at the
time limit 1.3% from the preference bound."""


def solve_level(model: RotationModel, maximize: bool, time_limit_s: float, threads: int,
                seed: int, gap: float, backend: str, lp_guided: bool,
                incumbent: np.ndarray | None = None,
                lp_start: tuple[np.ndarray, np.ndarray] | None = None,
                lp_from_incumbent: bool = False) -> LevelResult:
    """The best solution of the model's current objective (see the module docstring).

    `incumbent` is a solution of the previous level: it is feasible here too (the previous
    level is kept at its optimum), so this level never ends without a solution. `lp_start`
    is a basis (column and row statuses) GLOP starts level 1's LP from (`optimizer.crash`);
    `lp_from_incumbent` has a later level's LP solved by GLOP from the crash basis around
    `incumbent` instead of by HiGHS from scratch (`solve._later_lp_from_level_one`).
    """
    deadline = time.perf_counter() + time_limit_s
    if not lp_guided:
        if model.empty_infeasible_rows:
            return LevelResult(pywraplp.Solver.INFEASIBLE, None, None, method="empty row")
        result = solve_mip(model.problem(), backend, time_limit_s, threads, seed, gap)
        result.method = "full MIP"
        if result.value is not None:
            result.value = round(result.value)
        return result
    if (incumbent is not None and not lp_from_incumbent
            and model.num_columns <= FULL_MIP_MAX_VARIABLES):  # a small pruned model
        return _full_mip_from(model, incumbent, maximize, deadline, threads, seed, gap, backend)
    proto = model.problem()
    if incumbent is None:
        lp = solve_lp(model, time_limit_s, lp_start)
    else:
        start = crash_basis(proto, incumbent) if lp_from_incumbent else None
        lp = solve_lp_exported(proto, deadline - time.perf_counter(), start)
    release_freed_memory()  # the LP solver's copies of the model (optimizer.memory)
    if lp.value is None or lp.values is None:
        if incumbent is not None and lp.status != pywraplp.Solver.INFEASIBLE:
            # The LP did not finish in time: the previous level's plan still holds here, and
            # its values are this level's (a plan reporting no value failed `check-plan`).
            return LevelResult(pywraplp.Solver.FEASIBLE, round(proto.objective(incumbent)),
                               None, incumbent, method="previous level's solution (LP not "
                               "solved in time)")
        lp.method = "LP relaxation infeasible" if lp.status == pywraplp.Solver.INFEASIBLE else (
            "LP relaxation not solved")
        return lp
    bound = integer_bound(lp.value, maximize)
    integer = proto.integer
    relaxed = np.asarray(lp.values, np.float64)
    fractional = integer & (np.abs(relaxed - np.round(relaxed)) > _INTEGRAL)
    if not fractional.any():
        # The rounded solution is the LP's optimum; its value is computed exactly (integers),
        # where the LP's own sum may be a hair off (`problem.integer_bound`).
        values = np.where(integer, np.round(relaxed), relaxed)
        exact = round(proto.objective(values))
        return LevelResult(pywraplp.Solver.OPTIMAL, exact, exact, values, method="LP integral")

    small = proto.num_cols <= FULL_MIP_MAX_VARIABLES or (
        incumbent is not None and backend == "highs"
        and proto.num_cols <= FULL_MIP_WITH_START_MAX_VARIABLES)
    best = LevelResult(pywraplp.Solver.NOT_SOLVED, None, None)
    if incumbent is not None:
        best = LevelResult(pywraplp.Solver.FEASIBLE, proto.objective(incumbent), None,
                           incumbent, method="previous level's solution")
    free = fractional
    for radius in range(NEIGHBOURHOOD_RADII + 1):
        if radius:
            free = _Links(proto).widen(free, radius)
        found = _solve_neighbourhood(proto, relaxed, free, backend, _budget(deadline), threads,
                                     seed, gap)
        if found.value is not None:
            if best.value is None or _better(found, best, maximize):
                best = found
                best.method = (f"LP neighbourhood MIP (radius {radius}, "
                               f"{int(free.sum())} free)")
            break
    if best.value is not None and round(best.value) != bound and lp.row_prices is not None:
        # A large model keeps half of the time for RINS should the restricted MIP not finish
        # (not measured at 100,000 teachers, where RINS brought preference within 0.21%).
        share = 1.0 if small else 0.5
        best, bound = _fixed_mip(proto, lp, best, bound, maximize,
                                 time.perf_counter() + share * (deadline - time.perf_counter()),
                                 backend, threads, seed, gap)
    if incumbent is not None and round(best.value) != bound and not small:  # a large model
        best = _rins(proto, relaxed, best, bound, maximize, deadline, backend, threads, seed,
                     gap)
    if (best.value is None or round(best.value) != bound) and small:
        remaining = deadline - time.perf_counter()
        if remaining > 0.2:
            full = solve_mip(proto, backend, remaining, threads, seed, gap, best.values)
            if full.value is not None and (best.value is None or not _better(best, full,
                                                                             maximize)):
                best = full
                best.method = "full MIP from the LP neighbourhood"
            if full.bound is not None and full.status in (pywraplp.Solver.OPTIMAL,
                                                          pywraplp.Solver.FEASIBLE):
                bound = min(bound, full.bound) if maximize else max(bound, full.bound)
    if best.value is None:
        return LevelResult(pywraplp.Solver.NOT_SOLVED, None, None, method="no solution in time")
    value = round(best.value)
    limit = integer_bound(bound, maximize)
    return LevelResult(pywraplp.Solver.OPTIMAL if value == limit else pywraplp.Solver.FEASIBLE,
                       value, bound, best.values, best.method, best.nodes)


def principal_rows_infeasible(model: RotationModel, time_limit_s: float) -> bool:
    """Whether the rows over principal moves alone (`principal.post`, `principal.two_terms`,
    a principal's `move.once` and pins) have no LP solution: then the whole model has none, and
    level 1's LP need not run (dropping every row that holds a teacher's flow relaxes the model).

    Why: a principal who must rotate but finds no chain of posts (every allowed post held by a
    principal who must leave first) makes the county infeasible; this sub-system of ~1,700
    columns and ~170 rows shows it in 0.05 s, where level 1's LP over the whole county (113,000
    columns) took 1.1–1.2 CPU s to say so — counties 0 and 3 of `benchmarks/bench_city.py`.
    False when the check is inconclusive (no such rows, LP not solved in time).

    In GLOP, not HiGHS: a feasibility LP with no objective, which GLOP's primal simplex answers
    at once. At 100,000 teachers (74,348 principal columns, 1,413 rows) HiGHS's dual simplex
    took 3.1 s (1.2 s by interior point), GLOP 0.22 s; at 30,000 0.057 against 0.020 s."""
    proto = model.problem()
    principal = np.zeros(proto.num_cols, bool)
    principal[model.y] = True
    row_of = proto.row_of()
    other = np.bincount(row_of, weights=~principal[proto.index], minlength=proto.num_rows)
    rows = np.flatnonzero((other == 0) & (np.diff(proto.starts) > 0))
    if not len(rows):
        return False
    entries = np.isin(row_of, rows)  # rows are in order, so the entries stay grouped by row
    position = np.cumsum(principal) - 1
    sub = Problem(cost=np.zeros(int(principal.sum())), lower=proto.lower[principal],
                  upper=proto.upper[principal], integer=proto.integer[principal],
                  row_lower=proto.row_lower[rows], row_upper=proto.row_upper[rows],
                  starts=np.concatenate(([0], np.cumsum(np.diff(proto.starts)[rows]))),
                  index=position[proto.index[entries]].astype(np.int32),
                  value=proto.value[entries], row_names=[proto.row_names[r] for r in rows],
                  maximize=True)
    return solve_lp_glop(sub, time_limit_s)[0] == pywraplp.Solver.INFEASIBLE


def _fixed_mip(proto: Problem, lp: LevelResult, best: LevelResult, bound: int, maximize: bool,
               deadline: float, backend: str, threads: int, seed: int, gap: float
               ) -> tuple[LevelResult, int]:
    """The MIP with every integer variable fixed that the LP's prices show cannot move in a
    solution at least as good as `best` (optimizer.fixing), from `best`: its optimum is the
    level's, and its bound the level's bound. `best` is not handed over as a start (HiGHS 1.16
    mis-valued it, see `highs.solve_mip_highs`), its value is: as a cutoff (the level being
    integral, half a unit below it), which keeps solutions as good. Measured on the
    30,000-teacher district's later levels: 62,268 of 138,730 columns left, proven in 13 s with
    the cutoff, 54 s without, where HiGHS's full MIP with the start took 25–35 s. Skipped
    (returns its inputs) when more than `FULL_MIP_WITH_START_MAX_VARIABLES` stay free."""
    assert best.values is not None and lp.row_prices is not None
    priced, fixed = lagrangian_fixing(proto, lp.row_prices, best.values)
    limit = integer_bound(priced, maximize)
    bound = min(bound, limit) if maximize else max(bound, limit)
    free = proto.integer & ~fixed
    if round(best.value) == bound or free.sum() > FULL_MIP_WITH_START_MAX_VARIABLES:
        return best, bound
    found = _solve_neighbourhood(proto, best.values, free, backend,
                                 max(0.2, deadline - time.perf_counter()), threads, seed, gap,
                                 cutoff=best.value - 0.5 if maximize else best.value + 0.5,
                                 feasibility_jump=FIXED_MIP_FEASIBILITY_JUMP)
    if found.value is None:
        return best, bound
    if found.bound is not None and found.status in (pywraplp.Solver.OPTIMAL,
                                                    pywraplp.Solver.FEASIBLE):
        restricted = integer_bound(found.bound, maximize)
        bound = min(bound, restricted) if maximize else max(bound, restricted)
    label = f"MIP after reduced-cost fixing ({int(free.sum())} of {proto.num_cols} free)"
    if _better(found, best, maximize):
        found.method = label
        return found, bound
    best.method = f"{best.method}, proven by the {label}"
    return best, bound


FIXED_MIP_FEASIBILITY_JUMP = False
"""Whether HiGHS runs its feasibility-jump heuristic in the MIP after reduced-cost fixing
(`_fixed_mip`). That MIP has the known solution's value as cutoff and only has to prove it;
the heuristic runs before the root LP and found nothing there. Measured on its models, CPU s
with / without (load 3–5): 10,000-teacher counties 2022 2.99 / 2.94, 2023 5.39 / 5.03, 2025
2.13 / 1.95, 2026 4.58 / 4.15, 2028 2.60 / 2.42, 2030 5.38 / 4.77; 30,000 teachers 14.5 /
13.1."""


def _full_mip_from(model: RotationModel, incumbent: list[float], maximize: bool,
                   deadline: float, threads: int, seed: int, gap: float, backend: str
                   ) -> LevelResult:
    """A later level of a small pruned model: the full MIP at once (its root LP replaces ours,
    and the level's bound is the MIP's); the previous level's solution if it finds nothing
    better.
    The start solution is not handed over: on the sample district it made HiGHS slower
    (level 2: 1.0 s → 4.1 s, level 3: 3.5 s → 4.7 s).

    HiGHS runs without its feasibility-jump heuristic (`FULL_MIP_FEASIBILITY_JUMP`), and first
    without its presolve for at most `FULL_MIP_WITHOUT_PRESOLVE_S`; only a level that this does
    not prove goes to the presolved MIP with the time left (the better plan and the tighter
    bound of the two kept)."""
    proto = model.problem()
    best = LevelResult(pywraplp.Solver.FEASIBLE, proto.objective(incumbent), None, incumbent,
                       method="previous level's solution")
    bound = nodes = None
    proven = False
    tries = [False, True] if backend == "highs" else [True]  # only HiGHS's presolve is switched
    for presolve in tries:
        left = deadline - time.perf_counter()
        if presolve and len(tries) > 1 and left < 0.2:
            break
        seconds = max(0.2, left if presolve else min(left, FULL_MIP_WITHOUT_PRESOLVE_S))
        full = solve_mip(proto, backend, seconds, threads, seed, gap,
                         feasibility_jump=FULL_MIP_FEASIBILITY_JUMP, presolve=presolve)
        nodes = full.nodes if nodes is None else nodes + (full.nodes or 0)
        if full.value is not None and not _better(best, full, maximize):
            best = full
            best.method = "full MIP" if presolve else "full MIP without presolve"
        if full.status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE) and \
                full.bound is not None:
            found = integer_bound(full.bound, maximize)
            bound = found if bound is None else min(bound, found) if maximize else max(
                bound, found)
        proven = full.status == pywraplp.Solver.OPTIMAL or round(best.value) == bound
        if proven:
            break
    return LevelResult(pywraplp.Solver.OPTIMAL if proven else pywraplp.Solver.FEASIBLE,
                       round(best.value), bound, best.values, best.method, nodes)


FULL_MIP_FEASIBILITY_JUMP = False
"""Whether HiGHS runs its feasibility-jump heuristic in `_full_mip_from`. It runs before the
root LP and, on these models (flows with side rows, continuous fill variables), found nothing:
the combined later levels of the sample district, over 8 row/column orders × 2 seeds, took
1.61 CPU s on average without it against 1.73 s with it (median 1.64 / 1.69), 15 of the 16 runs
faster; 0.73 s against 0.87 s in the model's own order (measured under load ~1.8)."""

FULL_MIP_WITHOUT_PRESOLVE_S = 1.0
"""How long `_full_mip_from` lets HiGHS try a later level without its presolve before it solves
it presolved. Since the earlier levels are kept by exact rows (`model.fix_level`) the LP of the sample district's combined later levels is tight (its bound is the
optimum, proven at the root), and presolve (0.25 s, mostly probing's domain propagation through
the long total-definition rows) only delays the proof: 0.36–0.47 CPU s with it, 0.13–0.15 s
without, over 10 seeds; level by level 1.87 → 0.67 s (2027: 2.77 → 1.15 s). Where the LP is not
tight presolve pays — with the old ≥ value − 0.5 rows HiGHS without presolve had not proven the
combined levels after 100 s (with it: 0.73–2.2 s) — hence the limit."""


def _rins(proto: Problem, relaxed: np.ndarray, best: LevelResult, bound: int, maximize: bool,
          deadline: float, backend: str, threads: int, seed: int, gap: float) -> LevelResult:
    """RINS from the previous level's solution: free the integer variables where it and this
    level's LP disagree, fix the rest; widen the neighbourhood when a round stalls."""
    links = _Links(proto)
    widen = 0
    last_round = 0.0
    for _ in range(RINS_ROUNDS):
        # A round's cost is mostly building its sub-model (seconds on 100,000 teachers), not
        # the back-end's time limit: start one only when a round as long as the last still fits.
        started = time.perf_counter()
        if deadline - started < max(0.5, last_round):
            break
        assert best.values is not None
        free = proto.integer & (np.abs(relaxed - np.asarray(best.values)) > _INTEGRAL)
        if widen:
            free = links.widen(free, widen)
        found = _solve_neighbourhood(proto, best.values, free, backend, _budget(deadline),
                                     threads, seed, gap)
        last_round = time.perf_counter() - started
        if found.value is None or not _better(found, best, maximize):
            if widen == len(_Links.FAMILIES):
                break
            widen += 1  # stalled: look further around the same disagreement
            continue
        best = found
        best.method = f"RINS around the previous level ({int(free.sum())} free)"
        if round(found.value) == bound:
            break
    return best


def _budget(deadline: float) -> float:
    return max(0.5, (deadline - time.perf_counter()) / 4)


def _better(a: LevelResult, b: LevelResult, maximize: bool) -> bool:
    assert a.value is not None and b.value is not None
    return a.value > b.value if maximize else a.value < b.value


class _Links:
    """Which integer variables are neighbours, in widening circles: (1) the arcs of one group or
    one principal and the principals meeting at one post; (2) also the arcs leaving the same
    school in the same main subject; (3) also the arcs entering the same destination slot."""

    FAMILIES = (("move.once[", "principal.post["), ("define.dep[",), ("define.arr[",))

    def __init__(self, proto: Problem) -> None:
        self.problem = proto
        self.row_of = proto.row_of()
        self.family = np.array([next((k for k, family in enumerate(self.FAMILIES)
                                      if name.startswith(family)), len(self.FAMILIES))
                                for name in proto.row_names], np.int64)

    def widen(self, free: np.ndarray, radius: int) -> np.ndarray:
        """`free` (a mask over the columns) and every integer column sharing a row of the
        first `radius` families with a column in it."""
        index = self.problem.index
        linking = self.family[self.row_of] < radius
        rows = np.zeros(self.problem.num_rows, bool)
        rows[self.row_of[linking & free[index]]] = True
        widened = free.copy()
        widened[index[rows[self.row_of]]] = True
        return widened & (self.problem.integer | free)


def _solve_neighbourhood(proto: Problem, base: np.ndarray | list[float], free: np.ndarray,
                         backend: str, budget: float, threads: int, seed: int, gap: float,
                         cutoff: float | None = None, feasibility_jump: bool = True
                         ) -> LevelResult:
    """Solve with every integer variable outside `free` (a mask) fixed at its value in `base`
    (integral there), substituted out of the rows so that the back-end gets a small model;
    values come back for all variables. `cutoff` (HiGHS only): solutions worse than it are of
    no interest; `feasibility_jump` whether HiGHS runs that heuristic."""
    keep = ~proto.integer | free
    small = proto.restrict(np.asarray(base, np.float64), keep)
    result = solve_mip(small, backend, budget, threads, seed, gap, cutoff=cutoff,
                       feasibility_jump=feasibility_jump)
    if result.values is not None:
        values = np.where(keep, 0.0, np.round(np.asarray(base, np.float64)))
        values[keep] = result.values
        result.values = values
    return result
