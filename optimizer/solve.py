"""`solve(instance, settings) -> Plan`: build the network and the model, solve the objective
levels one after another, hand the group flows out to named teachers, and explain the result.

Lexicographic by fixing, not by weights: each level is solved, then kept at its value by a row
(`lexicographic[level]`) before the next level is solved. Every level's objective is integral
(integer weights), so keeping a maximum ≥ value (less 10⁻⁹ of it for rounding) is exact. A weighted
sum would need weights above the range of all lower levels (the distance level alone reaches
10^6 units on a large district), which puts 10^9-sized coefficients into a MIP — a known source
of numerical trouble. Fixing also lets each later level start from the previous level's plan,
which stays feasible (optimizer.levels), so a plan exists as soon as level 1 is solved.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer import __version__
from optimizer.baseline import greedy_moves, greedy_plan
from optimizer.certify import instance_sha256
from optimizer.crash import clerk_values, crash_basis
from optimizer.diagnose import diagnose
from optimizer.explain import (
    make_move,
    move_reasons,
    quota_results,
    shortage_results,
    with_quota_reasons,
)
from optimizer.fixing import held_face
from optimizer.instance import Instance, Pin
from optimizer.levels import FULL_MIP_MAX_VARIABLES, principal_rows_infeasible, solve_level
from optimizer.memory import fewer_collections, release_freed_memory
from optimizer.model import (
    DISTANCE_UNIT_KM,
    LEVELS,
    LevelResult,
    RotationModel,
    Terms,
    build_model,
    combined_terms,
    fix_level,
    set_objective,
    term_value,
)
from optimizer.network import Network, build_network
from optimizer.plan import Move, ObjectiveLevel, Plan, Provenance, SolverStats
from optimizer.pricing import exact_model_bound
from optimizer.problem import integer_bound
from optimizer.rules import move_preference
from optimizer.settings import SolveSettings

PLAN_ASSEMBLY_SHARE = 0.1
"""Share of the time limit kept for handing flows to teachers and explaining the plan after the
levels: about 22 s of 300 at 100,000 teachers (the reasons of every unfilled slot), 3 s of 60 at
30,000. Without it a solve stopped by its limit ended 20 s late; with 7% still 0.9 s late."""


PRICING_SECONDS_PER_ARC = 1e-6
"""What pricing an arc of the exact model costs, about (11.3 M arcs in ~10 s at 100,000
teachers): the level-1 bound is priced only when that fits in the time left."""


HOLD_LEVEL_FACE_ABOVE_VARIABLES = FULL_MIP_MAX_VARIABLES
"""Level 1's prices hold columns and rows for the later levels (`_hold_level_face`) only in a
model above this size. Below it the later LP is small: solves of the sample district (3,400
teachers; also 2,000 and 1,000) took the same time with and without holding, within the
machine's noise (3,400: 0.55–0.62 s either way), and the plans were the same."""


BOUND_FOR_EXACT_MODEL = "holds for the exact model"
BOUND_FOR_PRUNED_MODEL = "for this pruned model only"
"""The words of `SolverStats.pruning` that say for which model level 1's bound holds; the plan
workbook reads them to say it in Chinese (`workforce.plans.workbook.pruning_words`)."""


LevelListener = Callable[[int, ObjectiveLevel], None]
"""Told each objective level (its number from 1, its value, bound and proof) as soon as it is
settled, before the later levels are solved: a long solve's progress (the web's job page)."""


def solve(instance: Instance, settings: SolveSettings | None = None, *,
          on_level: LevelListener | None = None) -> Plan:
    """The best plan under the instance's rules and pins, or the conflicts and relaxation.

    ``on_level`` is called with each level as it is settled (the two later levels arrive
    together when they are solved as one MIP); a level with no value was not solved in time.
    It is not called for a plan that fails (infeasible, no level solved). The garbage
    collector runs at a slower pace meanwhile (`memory.fewer_collections`)."""
    with fewer_collections():
        return _solve(instance, settings or SolveSettings(), on_level)


def _solve(instance: Instance, settings: SolveSettings, on_level: LevelListener | None) -> Plan:
    started = time.perf_counter()
    deadline = started + settings.time_limit_s * (1 - PLAN_ASSEMBLY_SHARE)
    release_freed_memory()  # what the caller freed, e.g. reading the registry (optimizer.memory)
    net = build_network(instance, settings)
    model = build_model(instance, net, settings.backend)
    build_time = time.perf_counter() - started

    levels: list[ObjectiveLevel] = []
    values: tuple[list[float], list[float]] | None = None
    incumbent: np.ndarray | None = None
    first_plan_at = None
    failed_status = None
    methods: list[str] = []
    node_counts: list[int | None] = []
    stats_notes: list[str] = []
    stages = _stages(model, net)
    if settings.lp_guided and principal_rows_infeasible(model, deadline - time.perf_counter()):
        failed_status = pywraplp.Solver.INFEASIBLE  # no chain of principals' posts: diagnose
        methods.append("infeasible: the principals' rows alone have no LP solution")
        stages = iter(())
    digest: Future[str] | None = None
    for stage, combined in stages:
        told = len(levels)
        lp_start = None
        from_level_one = (incumbent is not None and settings.lp_guided
                          and _later_lp_from_level_one(net))
        if combined is not None:
            digest = _hash_in_background(instance)  # while HiGHS, which lets go of the GIL
            result = _solve_together(model, stage, combined, deadline, settings, incumbent,
                                     levels, from_level_one)
        else:
            name, sense = stage[0]
            maximize = sense == "max"
            set_objective(model, model.terms[name], maximize)
            lp_start = (_clerk_basis(instance, net, model) if not levels and settings.lp_guided
                        else None)
            result = solve_level(model, maximize, _level_budget(name, deadline),
                                 settings.threads, settings.seed, settings.relative_gap,
                                 settings.backend, settings.lp_guided, incumbent, lp_start,
                                 from_level_one)
        methods.append(result.method)
        node_counts.append(result.nodes)
        if result.value is None:
            if values is None:
                failed_status = result.status
                break
            levels.extend(ObjectiveLevel(name=name, sense=sense, value=None, bound=None,
                                         relative_gap=None, proven_optimal=False)
                          for name, sense in stage)
            _tell(on_level, levels, told)
            continue
        incumbent = result.values
        if lp_start is not None:  # what the level was solved from, once it was
            methods[-1] += "; its LP started from the greedy clerk's basis"
        if from_level_one:
            methods[-1] += "; its LP in GLOP from level 1's plan"
        values = _arc_values(model, incumbent)
        if first_plan_at is None:
            first_plan_at = time.perf_counter() - started
        if len(stage) == 1:
            bound, proven = result.bound, result.status == pywraplp.Solver.OPTIMAL
            if not levels and net.pruned and settings.lp_guided:
                if deadline - time.perf_counter() > net.exact_arcs * PRICING_SECONDS_PER_ARC:
                    bound, proven = _exact_bound(instance, net, model, result, stats_notes)
                else:  # pricing millions of arcs takes seconds: not past the time limit
                    stats_notes.append(f"level-1 bound {BOUND_FOR_PRUNED_MODEL} (no time "
                                       "left to price the left-out arcs)")
            levels.append(_level(name, sense, result.value, bound, proven))
            if (len(levels) == 1 and settings.lp_guided
                    and model.num_columns > HOLD_LEVEL_FACE_ABOVE_VARIABLES):
                methods[-1] += _hold_level_face(model, incumbent)
            fix_level(model, name, result.value, maximize)
        _tell(on_level, levels, told)

    stats = SolverStats(
        backend=settings.backend, wall_time_s=round(time.perf_counter() - started, 3),
        build_time_s=round(build_time, 3),
        time_to_first_plan_s=round(first_plan_at, 3) if first_plan_at else None,
        nodes=sum(n for n in node_counts if n is not None) if any(
            n is not None for n in node_counts) else None, groups=len(net.groups), arcs=len(net.arcs), pruned=net.pruned,
        pruning="; ".join([net.pruning, *stats_notes]), level_methods=methods,
    )
    provenance = _provenance(instance, settings, digest, "lexicographic MIP over teacher groups"
                             if settings.backend != "cpsat"
                             else "lexicographic CP-SAT over teacher groups")
    if values is None and failed_status != pywraplp.Solver.INFEASIBLE:
        return _greedy_fallback(instance, settings, stats, started)
    if values is None:
        conflicts, relaxation = (diagnose(instance, net, settings)
                                 if settings.relax_when_infeasible else ([], []))
        stats.wall_time_s = round(time.perf_counter() - started, 3)
        return Plan(status="infeasible", year=instance.year, stats=stats, conflicts=conflicts,
                    relaxation=relaxation, provenance=provenance)

    moves = with_quota_reasons(instance, disaggregate(instance, net, values))
    levels = _true_preference(instance, moves, levels)
    nearest = settings.nearest_destinations or settings.auto_nearest if net.pruned else None
    proven = all(level.proven_optimal for level in levels)
    gaps = [level.relative_gap for level in levels if level.relative_gap is not None]
    return Plan(
        status="optimal" if proven else "feasible", year=instance.year, objectives=levels,
        best_bound=levels[0].bound, relative_gap=max(gaps) if gaps else None, stats=stats,
        moves=moves, quotas=quota_results(instance, moves),
        shortages=shortage_results(instance, moves, nearest, proven_bound=levels[0].bound
                                   if levels[0].proven_optimal else None),
        provenance=provenance,
    )


def _hold_level_face(model: RotationModel, incumbent: np.ndarray) -> str:
    """After level 1: hold, for the later levels, the columns and rows that level 1's LP
    prices pin down in every plan as good in level 1 (`fixing.held_face`); what was held, said
    after level 1's method ("" when level 1's prices are not at hand).

    The row `lexicographic[level]` alone keeps the later levels exact too; this only shrinks
    what their solvers search. How much depends on which optimal prices level 1's LP ends with:
    from GLOP's own start, the 30,000-teacher district held 12,313 columns and 2,479 rows (the
    later LP 6.0–6.7 s → 4.0–5.0 s) and 100,000 teachers 36,829 and 7,120 (92.9 → 66.3 s);
    from the clerk's basis (`_clerk_basis`) 9,693 and 2,219 (later LP 4.4–4.6 s) and 21,423
    and 6,239 (95 s)."""
    problem = model.problem()
    if model.lp_duals is None or len(model.lp_duals) != problem.num_rows:
        return ""
    integral = problem.integer.copy()
    integral[model.totals()] = True
    start = np.asarray(incumbent, np.float64)
    start = np.where(integral, np.round(start), start)  # a MIP's 0.9999999 is 1
    fixed, held, activity = held_face(problem, model.lp_duals, start, integral)
    fixed &= problem.lower < problem.upper  # the others are held already
    held &= problem.row_lower < problem.row_upper
    model.hold(np.flatnonzero(fixed), start[fixed], np.flatnonzero(held), activity[held])
    return (f"; level 1's prices held {int(fixed.sum())} columns and {int(held.sum())} rows "
            "at their values for the later levels")


def _clerk_basis(instance: Instance, net: Network, model: RotationModel
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The basis of the greedy clerk's plan for level 1's LP (optimizer.crash): its moves from
    the network when pruning asked the clerk already, else asked now (sample district: 0.03 s).

    From it GLOP solved level 1 of the 30,000-teacher district in 1.9 s instead of 6.2 s, of a
    10,000-teacher county in 0.55 s instead of 1.95 s; on the sample district the whole solve
    took 0.76 s instead of 0.93–1.0 s (level 1's LP came out integral, no neighbourhood MIP),
    with the same moves."""
    moves = net.clerk_moves if net.clerk_moves is not None else [
        (t.staff_no, dest, subject) for t, dest, subject in greedy_moves(instance)]
    problem = model.problem()
    return crash_basis(problem, clerk_values(model, net, problem, moves))


def _arc_values(model: RotationModel, values) -> tuple[list[float], list[float]]:
    """The flows x and principal moves y of a solution."""
    values = np.asarray(values, np.float64)
    return values[model.x].tolist(), values[model.y].tolist()


def _exact_bound(instance: Instance, net: Network, model: RotationModel, result: LevelResult,
                 notes: list[str]) -> tuple[float | None, bool]:
    """Level 1 of a pruned model: its bound for the exact model (optimizer.pricing), from the
    LP that GLOP has just solved; proven when the plan reaches it. Says so in `notes`."""
    exact = exact_model_bound(instance, net, model)
    if exact is None:
        notes.append(f"level-1 bound {BOUND_FOR_PRUNED_MODEL} (pricing the left-out arcs "
                     "gave no finite bound)")
        return result.bound, False
    bound = integer_bound(exact, True)
    notes.append(f"level-1 bound {bound} {BOUND_FOR_EXACT_MODEL}: its "
                 f"{net.exact_arcs - len(net.arcs)} left-out arcs priced with the LP's duals")
    return bound, result.value is not None and round(result.value) >= bound


Stage = tuple[tuple[str, str], ...]


def _stages(model: RotationModel, net: Network
            ) -> Iterator[tuple[Stage, tuple[Terms, int] | None]]:
    """The levels in the order they are solved, each stage with its combined objective when it
    has one. The two later levels are one stage, solved as one MIP with an exact combined
    objective (`combined_terms`), unless its weight would be numerically unsafe; then they are
    solved one by one. A generator: the combined objective (1.0 s on a 10,000-teacher county)
    is built only once level 1 has a plan — not for an infeasible district."""
    first, *later = LEVELS
    yield (first,), None
    combined = (combined_terms(model, net, later[0][0], later[1][0]) if len(later) == 2
                else None)
    if combined is not None:
        yield tuple(later), combined
        return
    for level in later:
        yield (level,), None


def _later_lp_from_level_one(net: Network) -> bool:
    """Whether the later levels' LP is solved by GLOP from the crash basis around level 1's
    plan (`crash.crash_basis`; the plan is feasible there, level 1 being held at its value)
    rather than by HiGHS from scratch: on an exact model (nothing pruned), not on a pruned one.

    Measured on the combined later LP, each dumped from the solve and run alone (one thread),
    HiGHS from scratch against GLOP from level 1's plan: exact models — 10,000-teacher
    counties 2022, 2023, 2025, 2026, 2027 2.07 / 3.37 / 2.81 / 1.98 / 3.04 s against
    1.54 / 2.19 / 2.17 / 1.99 / 2.18 s, the 15,000-teacher sample district (266,415 columns)
    10.03 against 5.57 s; pruned models — 20,000 teachers 3.38 against 2.90 s, but 30,000
    5.2 against 7.0–7.4 s and 100,000 95 against 121 s. The rule is drawn from these
    measurements (every exact model gained or tied; of the pruned ones only the smallest
    gained); why the pruned models differ was not established.

    It holds for small exact models too, which used to go to HiGHS's full MIP at once
    (`levels._full_mip_from`): their combined later LP is integral, and the whole solve, 7 runs
    each way interleaved, took 0.45–0.57 s (fastest–median) against 0.50–0.61 s on the sample
    district and 0.45–0.65 against 0.66–0.75 s on its seed 2023 (3,400 teachers), with the same
    levels."""
    return not net.pruned


def _solve_together(model: RotationModel, stage: Stage, combined: tuple[Terms, int],
                    deadline: float, settings: SolveSettings, incumbent: np.ndarray | None,
                    levels: list[ObjectiveLevel], from_level_one: bool = False) -> LevelResult:
    """Solve (max upper, then min lower) as one MIP and record both levels in `levels`.

    The combined bound B bounds every solution: weight·upper − lower ≤ B with
    0 ≤ lower < weight, so upper ≤ ⌊(B + weight − 1) / weight⌋; when the plan reaches that,
    every plan as good in `upper` has lower ≥ weight·upper − B."""
    (upper, upper_sense), (lower, lower_sense) = stage
    terms, weight = combined
    set_objective(model, terms, True)
    result = solve_level(model, True, max(0.0, deadline - time.perf_counter()), settings.threads,
                         settings.seed, settings.relative_gap, settings.backend,
                         settings.lp_guided, incumbent, lp_from_incumbent=from_level_one)
    if result.value is None or result.values is None:
        return result
    proven = result.status == pywraplp.Solver.OPTIMAL
    upper_value = round(term_value(model.terms[upper], result.values))
    lower_value = round(term_value(model.terms[lower], result.values))
    upper_bound = lower_bound = None
    if result.bound is not None:
        upper_bound = math.floor((result.bound + weight - 1) / weight)
        if upper_value == upper_bound:
            lower_bound = max(0, math.ceil(weight * upper_value - result.bound))
    levels.append(_level(upper, upper_sense, upper_value, upper_bound, proven))
    levels.append(_level(lower, lower_sense, lower_value, lower_bound, proven))
    fix_level(model, upper, upper_value, True)
    fix_level(model, lower, lower_value, False)
    result.method += f" (levels {upper} and {lower} together, weight {weight})"
    return result


def _tell(on_level: LevelListener | None, levels: list[ObjectiveLevel], told: int) -> None:
    """Give the listener the levels settled since the first ``told`` (numbered from 1)."""
    if on_level is not None:
        for number, level in enumerate(levels[told:], start=told + 1):
            on_level(number, level)


def _level_budget(name: str, deadline: float) -> float:
    """Seconds for one level. Level 1 gets all that is left (without it there is no plan); the
    preference level half of the rest, so that the distance level always gets time too (on
    large districts an unbounded level 2 used to eat the whole limit)."""
    remaining = max(0.0, deadline - time.perf_counter())
    return remaining / 2 if name == "preference" else remaining


def solve_with_pins(instance: Instance, pins: list[Pin], settings: SolveSettings | None = None
                    ) -> tuple[Instance, Plan]:
    """Add the office's pins (replacing earlier pins on the same teachers) and re-solve; the
    returned instance is the one to save with the plan."""
    pinned = instance.with_pins(pins)
    return pinned, solve(pinned, settings)


def disaggregate(instance: Instance, net: Network, values: tuple[list[float], list[float]]
                 ) -> list[Move]:
    """Hand each group's flows to its members in order (longest at the school, then staff
    number); arcs in order of distance, destination code, subject. Deterministic."""
    x_values, y_values = values
    flows = [(a, round(v)) for a, v in zip(net.arcs, x_values, strict=True) if round(v) > 0]
    departing = Counter()
    for arc, n in flows:
        departing[(arc.source, net.groups[arc.group].main_subject)] += n
    by_group: dict[int, list] = {}
    for arc, n in flows:
        by_group.setdefault(arc.group, []).append((arc, n))
    moves = []
    for group_index in sorted(by_group):
        group = net.groups[group_index]
        flows_of = sorted(by_group[group_index],
                          key=lambda p: (p[0].member is None, p[0].distance_km, p[0].dest,
                                         p[0].subject))
        taken = {arc.member for arc, _ in flows_of if arc.member}
        left = [m for m in group.members if m not in taken]
        for arc, n in flows_of:
            for _ in range(n):
                if arc.member:  # a wish arc: its own member
                    staff_no = arc.member
                else:  # the first member left who did not wish this school (else the first)
                    staff_no = next((m for m in left if arc.dest not in
                                     instance.teacher_by_staff_no[m].wishes), left[0])
                    left.remove(staff_no)
                teacher = instance.teacher_by_staff_no[staff_no]
                reasons = move_reasons(instance, teacher, arc.dest, arc.subject,
                                       departing[(arc.dest, arc.subject)],
                                       None if arc.member else
                                       (group.members.index(staff_no) + 1, len(group.members)))
                moves.append(make_move(instance, teacher, arc.dest, arc.subject, reasons))
    for arc, v in zip(net.principal_arcs, y_values, strict=True):
        if round(v) > 0:
            teacher = instance.teacher_by_staff_no[net.principals[arc.group]]
            reasons = move_reasons(instance, teacher, arc.dest, None, 0, None)
            moves.append(make_move(instance, teacher, arc.dest, None, reasons))
    return sorted(moves, key=lambda m: (m.from_school, m.staff_no))


def _true_preference(instance: Instance, moves: list[Move], levels: list[ObjectiveLevel]
                     ) -> list[ObjectiveLevel]:
    """The preference level as the moves give it. The model counts a group's flow to a school
    with the preference of a move nobody wished; the hand-out gives it to a member who did not
    wish that school when there is one, else to one who did — worth more. At an optimum that
    never happens (the member's wish arc would have been better), but a level kept from an
    earlier level's plan (no time for its own) can do it: the 10,000-teacher county 2022 at a
    9 s limit reported −1,632 for moves worth −1,628, and `check-plan` refused the plan."""
    true = sum(move_preference(instance.teacher_by_staff_no[m.staff_no], m.to_school,
                               instance.rules) for m in moves)
    return [_level(lv.name, lv.sense, true, lv.bound, lv.proven_optimal)
            if lv.name == "preference" and lv.value is not None and lv.value != true else lv
            for lv in levels]


def _level(name: str, sense: str, value: float, bound: float | None, proven: bool
           ) -> ObjectiveLevel:
    scale = DISTANCE_UNIT_KM if name == "distance" else 1.0
    value, bound = round(value) * scale, None if bound is None else bound * scale
    gap = None if bound is None else abs(bound - value) / max(1.0, abs(value))
    return ObjectiveLevel(
        name=name, sense=sense, value=round(value, 3), relative_gap=gap if gap is None else
        round(gap, 6), bound=None if bound is None else round(bound, 3),
        proven_optimal=proven or gap == 0,
    )


def _greedy_fallback(instance: Instance, settings: SolveSettings, stats: SolverStats,
                     started: float) -> Plan:
    """No level-1 solution within the time limit (the LP did not finish): rather than nothing,
    the greedy clerk's plan, marked as such, with no bound. Its run time comes on top."""
    plan = greedy_plan(instance)
    stats.level_methods.append("greedy fallback: no level-1 solution within the time limit")
    stats.wall_time_s = round(time.perf_counter() - started, 3)
    stats.time_to_first_plan_s = stats.wall_time_s
    return plan.model_copy(update={"stats": stats, "provenance": plan.provenance.model_copy(
        update={"method": "greedy fallback (no level-1 solution within the time limit)",
                "settings": settings})})


def _hash_in_background(instance: Instance) -> Future[str]:
    """The instance's hash (`certify.instance_sha256`, canonical: the checker verifies it) on a
    thread of its own, started as the later levels' MIP starts: HiGHS releases the GIL while it
    runs, so the hash (0.05 s on the sample district, 0.1–0.3 s on a 10,000-teacher county,
    2.5 s at 100,000) costs no wall time. The thread ends with its one task."""
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="instance-hash")
    digest = background.submit(instance_sha256, instance)
    background.shutdown(wait=False)
    return digest


def _provenance(instance: Instance, settings: SolveSettings, digest: Future[str] | None,
                method: str) -> Provenance:
    """Where the plan came from; `digest` the instance's hash being computed, if started."""
    return Provenance(optimizer_version=__version__, settings=settings,
                      created_at=datetime.now(UTC), method=method,
                      instance_sha256=instance_sha256(instance) if digest is None
                      else digest.result())
