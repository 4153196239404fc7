"""`solve_roadmap(instance, years) -> Roadmap`: a multi-year rotation roadmap (issue #14).

One integer program over the horizon (optimizer.roadmap_model, on the years projected by
optimizer.roadmap_project), solved level after level by HiGHS, each level kept at its optimum by
a row before the next (as optimizer.solve does for one year). The roadmap's first year is then
made the one-year plan HR approves: the one-year optimizer solves the first year's instance with
the roadmap's first-year moves pinned (`must_go` to the roadmap's destination, `must_stay` for
everybody else who could move), and the independent checker (optimizer.check) checks that plan
against that instance. Later years are indicative. Pure: instance in, roadmap out.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.linear_solver import linear_solver_pb2, pywraplp

from optimizer.check import check_plan
from optimizer.instance import Instance, Pin
from optimizer.model import DISTANCE_UNIT_KM, solve_mip
from optimizer.plan import Plan
from optimizer.problem import Problem, integer_bound
from optimizer.roadmap_model import (
    LEVELS,
    RoadmapModel,
    Terms,
    build_arcs,
    build_groups,
    build_model,
    term_years,
)
from optimizer.roadmap_project import (
    ASSUMPTION_TEXT,
    Projection,
    RoadmapAssumptions,
    project_years,
)
from optimizer.roadmap_types import (
    Roadmap,
    RoadmapLevel,
    RoadmapMove,
    RoadmapQuota,
    RoadmapReturn,
    RoadmapShortage,
    RoadmapYear,
)
from optimizer.rules import (
    add_years,
    in_key_share_base,
    is_available,
    key_share_fraction,
    key_share_target,
    share_target,
)
from optimizer.settings import SolveSettings
from optimizer.solve import solve, solve_with_pins

FIRST_YEAR_SHARE = 0.25
"""Share of the time limit kept for the first year's one-year plan and its check."""
PRUNE_ABOVE_ARCS = 40_000
AUTO_NEAREST = 4
"""Above this many arcs (sample district, 5 years: 157,000) keep per (group, year, subject) the
`AUTO_NEAREST` nearest shortage destinations (and 2 swap ones): 45,000 variables there. The
levels' bounds are then the pruned model's, and the roadmap's note says so."""
START_SHARE = 0.25
"""Share of the roadmap's time for the one-year plan that starts the first level."""


def max_years(instance: Instance) -> int:
    """Longest horizon the model handles: a teacher moves at most once in it, which holds while
    the horizon is no longer than the term plus the cool-down (eligibility.cooldown_years)."""
    rules = instance.rules
    return (
        term_years(instance, 99) + rules.eligibility.cooldown_years
        if rules.terms.default_kind == "secondment"
        else rules.eligibility.cooldown_years + 1
    )


def solve_roadmap(
    instance: Instance,
    years: int = 5,
    assumptions: RoadmapAssumptions | None = None,
    settings: SolveSettings | None = None,
    *,
    nearest: int | None = None,
    plan_first_year: bool = True,
) -> Roadmap:
    """The roadmap of `years` school years from `instance.year` (see the module docstring).

    `nearest` prunes arcs per (group, year, subject) to that many nearest destinations (None:
    the exact model). Raises ValueError for a horizon the model cannot represent."""
    if not 1 <= years <= max_years(instance):
        raise ValueError(
            f"years must be 1 to {max_years(instance)} (term + cool-down), not {years}"
        )
    settings = settings or SolveSettings()
    assumptions = assumptions or RoadmapAssumptions()
    started, cpu = time.perf_counter(), time.process_time()
    budget = settings.time_limit_s * (1 - FIRST_YEAR_SHARE if plan_first_year else 1)
    deadline = started + budget
    projection = project_years(instance, years, assumptions)
    one_year = solve(
        projection.years[0],
        settings.model_copy(update={"time_limit_s": budget * START_SHARE}),
    )
    groups = build_groups(projection)
    keep = frozenset((m.staff_no, m.to_school, m.subject or "") for m in one_year.moves)
    arcs = build_arcs(projection, groups, nearest, keep)
    pruned_to = nearest
    pruning = f"nearest {nearest}" if nearest is not None else "none (exact model)"
    if nearest is None and len(arcs) > PRUNE_ABOVE_ARCS:
        pruned_to = AUTO_NEAREST
        pruning = f"nearest {AUTO_NEAREST} (exact model: {len(arcs)} arcs)"
        arcs = build_arcs(projection, groups, AUTO_NEAREST, keep)
    model = build_model(projection, groups, arcs)
    start = _start_from(model, one_year, deadline, settings)
    levels, values = _solve_levels(model, deadline, settings, start)
    cohort = sum(len(g.members) for g in groups)
    text = {key: zh for key, (zh, _en) in ASSUMPTION_TEXT.items()}
    common = dict(
        first_year=instance.year,
        cohort=cohort,
        assumptions=text,
        groups=len(groups),
        variables=model.solver.NumVariables(),
        note=f"arc pruning: {pruning}",
        pruned_to=pruned_to,
    )
    if values is None:
        note = (
            "infeasible rows with no variable: " + ", ".join(model.infeasible_rows[:5])
            if model.infeasible_rows
            else "the rules cannot all hold over the horizon"
            if levels
            else "no roadmap within the time limit"
        )
        common["note"] = f"{note}; {common['note']}"
        return Roadmap(
            status="infeasible" if levels else "unknown",
            objectives=levels,
            wall_time_s=round(time.perf_counter() - started, 3),
            cpu_time_s=round(time.process_time() - cpu, 3),
            **common,
        )
    for level in levels:
        if level.name == "uncovered" and level.value is not None:
            level.value += cohort
            level.bound = None if level.bound is None else max(0.0, level.bound + cohort)
    moves = _hand_out(model, projection, values)
    roadmap_years = _report(model, projection, moves, values)
    rotated = {m.staff_no for year in roadmap_years for m in year.moves}
    uncovered = sorted(s for g in groups for s in g.members if s not in rotated)
    status = "optimal" if all(level.proven_optimal for level in levels) else "feasible"
    roadmap = Roadmap(
        status=status, years=roadmap_years, objectives=levels, uncovered=uncovered, **common
    )
    if plan_first_year:
        roadmap = _with_first_year_plan(roadmap, projection, settings, started)
    return roadmap.model_copy(
        update={
            "wall_time_s": round(time.perf_counter() - started, 3),
            "cpu_time_s": round(time.process_time() - cpu, 3),
        }
    )


def _start_from(
    model: RoadmapModel, one_year: Plan, deadline: float, settings: SolveSettings
) -> list[float] | None:
    """A first incumbent: the one-year optimizer's plan as the first year, nobody moving
    later. Why: the first year's rules are hard, and on the sample district HiGHS found no
    solution of the whole model in a minute without one (stuck at the root). Its moves are
    fixed and the model solved for the rest (totals, fills, slacks); None when that plan
    does not fit the roadmap (e.g. a later year's minimum after retirements)."""
    if one_year.status not in ("optimal", "feasible") or not one_year.moves:
        return None
    group_of = {s: g.index for g in model.groups for s in g.members}
    wanted: dict[int, int] = defaultdict(int)
    for move in one_year.moves:
        if move.role == "principal":
            found = [
                i
                for i, a in enumerate(model.principal_arcs)
                if model.principals[a.group] == move.staff_no and a.dest == move.to_school
            ]
            target = model.y
        else:
            found = [
                i
                for i, a in enumerate(model.arcs)
                if a.year == 0
                and a.group == group_of.get(move.staff_no)
                and a.dest == move.to_school
                and a.subject == move.subject
                and a.member in (None, move.staff_no)
            ]
            found.sort(key=lambda i: model.arcs[i].member is None)  # its own wish arc first
            target = model.x
        if not found:
            return None
        wanted[target[found[0]].index()] += 1
    fixed = [v for v in model.x + model.y]
    saved = [(v.lb(), v.ub()) for v in fixed]
    for v in fixed:
        v.SetBounds(wanted.get(v.index(), 0), wanted.get(v.index(), 0))
    objective = model.solver.Objective()
    objective.Clear()
    for v, c in model.shortfall + model.first_year_slack:
        objective.SetCoefficient(v, c)
    objective.SetMinimization()
    proto = linear_solver_pb2.MPModelProto()
    model.solver.ExportModelToProto(proto)
    for v, (lb, ub) in zip(fixed, saved, strict=True):
        v.SetBounds(lb, ub)
    limit = max(1.0, (deadline - time.perf_counter()) / 10)
    result = solve_mip(Problem.from_proto(proto), "highs", limit, settings.threads, settings.seed,
                       0.0)
    return None if result.values is None else result.values.tolist()


def _solve_levels(
    model: RoadmapModel, deadline: float, settings: SolveSettings, start: list[float] | None
) -> tuple[list[RoadmapLevel], list[float] | None]:
    """Each level in turn: the MIP by HiGHS with the previous level's solution (for the first
    level: nobody moves, every slack at its need) as the first incumbent; the value kept by a
    row (`roadmap.level[...]`; every level is integral)."""
    levels: list[RoadmapLevel] = []
    incumbent: list[float] | None = None
    inf = model.solver.infinity()
    for position, (name, sense) in enumerate(LEVELS):
        maximize = sense == "max"
        if model.infeasible_rows:
            level = RoadmapLevel(
                name=name, sense=sense, value=None, bound=None, proven_optimal=True
            )
            return [level], None
        terms = model.terms[name]
        if position == 0:  # the first year's slacks outweigh every later one, then stay at 0
            weight = 1 + sum(model.zero_start[v.index()] for v, _ in model.shortfall)
            terms = terms + [(v, weight * c) for v, c in model.first_year_slack]
            incumbent = start or [
                model.zero_start.get(i, 0.0) for i in range(model.solver.NumVariables())
            ]
        objective = model.solver.Objective()
        objective.Clear()
        for var, coef in terms:
            objective.SetCoefficient(var, coef)
        objective.SetOptimizationDirection(maximize)
        left = max(0.5, deadline - time.perf_counter())
        # Level 1 (the hardest: it finds the first plan) half of the time left; then each
        # level an equal share of what remains.
        budget = left / 2 if position == 0 else left / (len(LEVELS) - position)
        proto = linear_solver_pb2.MPModelProto()
        model.solver.ExportModelToProto(proto)
        result = solve_mip(
            Problem.from_proto(proto),
            "highs" if settings.backend == "cpsat" else settings.backend,
            budget,
            settings.threads,
            settings.seed,
            settings.relative_gap,
            incumbent,
        )
        if result.value is None or result.values is None:
            if position == 0:
                infeasible = result.status == pywraplp.Solver.INFEASIBLE
                return (
                    [
                        RoadmapLevel(
                            name=name,
                            sense=sense,
                            value=None,
                            bound=None,
                            proven_optimal=infeasible,
                        )
                    ]
                    if infeasible
                    else []
                ), None
            levels.append(
                RoadmapLevel(name=name, sense=sense, value=None, bound=None, proven_optimal=False)
            )
            continue
        incumbent = result.values.tolist()
        value = round(result.value)
        if position == 0:
            if round(sum(incumbent[v.index()] for v, _ in model.first_year_slack)):
                if result.status == pywraplp.Solver.OPTIMAL:  # proven: the first year is not
                    return [
                        RoadmapLevel(
                            name=name, sense=sense, value=None, bound=None, proven_optimal=True
                        )
                    ], None
                return [], None  # not proven either way in the time
            for var, _ in model.first_year_slack:
                var.SetUb(0)
        bound = result.bound
        if bound is not None:
            bound = integer_bound(bound, maximize)
        proven = result.status == pywraplp.Solver.OPTIMAL or bound == value
        scale = DISTANCE_UNIT_KM if name == "distance" else 1
        levels.append(
            RoadmapLevel(
                name=name,
                sense=sense,
                value=round(value * scale, 3),
                bound=None if bound is None else round(bound * scale, 3),
                proven_optimal=proven,
            )
        )
        lb, ub = (value - 0.5, inf) if maximize else (-inf, value + 0.5)
        row = model.solver.Constraint(lb, ub, f"roadmap.level[{name}]")
        for var, coef in model.terms[name]:
            row.SetCoefficient(var, row.GetCoefficient(var) + coef)
    return levels, incumbent


def _hand_out(
    model: RoadmapModel, projection: Projection, values: list[float]
) -> list[tuple[int, RoadmapMove]]:
    """Each group's flows to its members, in order (longest at the school first), year by year;
    (year index, move) pairs."""
    first = projection.years[0]
    span = term_years(first, len(projection.years))
    out = []
    flows = sorted(
        (
            (a.year, a.group, a.dest, a.subject, round(values[v.index()]), a)
            for v, a in zip(model.x, model.arcs, strict=True)
            if round(values[v.index()]) > 0
        ),
        key=lambda f: f[:4],
    )
    taken: dict[int, set[str]] = defaultdict(set)
    # Wish arcs first, each to its own member; then group flows to the members not moving yet.
    for k, group, dest, subject, n, arc in sorted(flows, key=lambda f: f[5].member is None):
        free = [s for s in model.groups[group].members if s not in taken[group]]
        chosen = [arc.member] if arc.member else free[:n]
        for staff_no in chosen:
            taken[group].add(staff_no)
            teacher = first.teacher_by_staff_no[staff_no]
            ends = (
                add_years(projection.years[k].as_of, span)
                if first.rules.terms.default_kind == "secondment"
                else None
            )
            move = RoadmapMove(
                staff_no=staff_no,
                name=teacher.name,
                from_school=teacher.school,
                to_school=dest,
                subject=subject,
                is_key=arc.key,
                returns_on=ends,
            )
            out.append((k, move))
    for v, a in zip(model.y, model.principal_arcs, strict=True):
        if round(values[v.index()]) > 0:
            staff_no = model.principals[a.group]
            teacher = first.teacher_by_staff_no[staff_no]
            out.append(
                (
                    0,
                    RoadmapMove(
                        staff_no=staff_no,
                        name=teacher.name,
                        from_school=teacher.school,
                        to_school=a.dest,
                        subject=teacher.main_subject,
                        is_key=a.key,
                        returns_on=add_years(first.as_of, span)
                        if first.rules.terms.default_kind == "secondment"
                        else None,
                    ),
                )
            )
    return out


def _value(terms: Terms, values: list[float]) -> int:
    return round(sum(c * values[v.index()] for v, c in terms))


def _report(
    model: RoadmapModel,
    projection: Projection,
    moves: list[tuple[int, RoadmapMove]],
    values: list[float],
) -> list[RoadmapYear]:
    """Per year: moves, returns, quotas required vs achieved, cohort, shortages before/after."""
    first = projection.years[0]
    out = []
    previous: set[str] = set()
    for k, year in enumerate(projection.years):
        year_moves = sorted(
            (m for k2, m in moves if k2 == k), key=lambda m: (m.from_school, m.staff_no)
        )
        returns = [
            RoadmapReturn(
                staff_no=m.staff_no,
                name=m.name,
                home_school=m.from_school,
                host_school=m.to_school,
                subject=m.subject,
                on=m.returns_on,
            )
            for _, m in moves
            if m.returns_on is not None
            and add_years(year.as_of, -1) < m.returns_on <= year.as_of
            and k
        ]
        returns += [
            RoadmapReturn(
                staff_no=s,
                name=first.teacher_by_staff_no[s].name,
                home_school=first.teacher_by_staff_no[s].school,
                host_school=None,
                subject=first.teacher_by_staff_no[s].main_subject,
                on=year.as_of,
            )
            for s in projection.returning[k]
            if k == 0 or s not in projection.returning[k - 1]
        ]
        quotas = []
        for (name, k2, scope), (fixed, counted, rotated) in sorted(model.targets.items()):
            if k2 != k:
                continue
            required = (
                fixed
                if name == "quota.district_share"
                else share_target(year.rules.quotas.school_share, fixed - _value(rotated, values))
            )
            achieved = _value(counted, values)
            quotas.append(
                RoadmapQuota(
                    name=name,
                    scope=scope,
                    required=required,
                    achieved=achieved,
                    met=achieved >= required,
                )
            )
        key_moves = sum(m.is_key for m in year_moves)
        at, rules = year.school_by_code, year.rules
        in_base = [m for m in year_moves if in_key_share_base(at[m.from_school], rules)]
        key_required = key_share_target(key_share_fraction(rules), len(in_base))
        key_achieved = sum(m.is_key for m in in_base)
        quotas.append(
            RoadmapQuota(
                name="quota.key_share",
                scope="district",
                required=key_required,
                achieved=key_achieved,
                met=key_achieved >= key_required,
            )
        )
        eligible = {t.staff_no for t in year.teachers if is_available(t, year.as_of, year.rules)}
        shortages = _shortages(
            year, projection.need, moves, k, term_years(first, len(projection.years))
        )
        out.append(
            RoadmapYear(
                year=year.year,
                as_of=year.as_of,
                approved=k == 0,
                moves=year_moves,
                returns=sorted(returns, key=lambda r: r.staff_no),
                quotas=quotas,
                eligible=len(eligible),
                newly_eligible=len(eligible - previous) if k else 0,
                retired=len(projection.retired[k]),
                shortage_slots=sum(x.slots for x in shortages),
                shortage_left=sum(x.left for x in shortages),
                shortages=shortages,
                key_moves=key_moves,
            )
        )
        previous = eligible
    return out


def _shortages(
    year: Instance,
    need: dict[tuple[str, str], int],
    moves: list[tuple[int, RoadmapMove]],
    k: int,
    span: int,
) -> list[RoadmapShortage]:
    """Per (school, subject) open before or after the moves: the projected slots, and those
    left with the moves in force (arrivals fill; a secondee's departure opens a vacancy unless
    the school has a surplus to cover it)."""
    net: dict[tuple[str, str], int] = defaultdict(int)
    main = {t.staff_no: t.main_subject for t in year.teachers}
    for k2, m in moves:
        if k - span < k2 <= k:
            net[(m.to_school, m.subject)] += 1
            net[(m.from_school, main.get(m.staff_no, m.subject))] -= 1
    out = []
    for s in year.schools:
        for e in s.staffing:
            left = max(0, need[(s.code, e.subject)] - e.in_post - net[(s.code, e.subject)])
            if e.shortage or left:
                out.append(
                    RoadmapShortage(school=s.code, subject=e.subject, slots=e.shortage, left=left)
                )
    return out


def _with_first_year_plan(
    roadmap: Roadmap, projection: Projection, settings: SolveSettings, started: float
) -> Roadmap:
    """The first year as a one-year plan: the roadmap's first-year moves pinned (must_go), every
    other teacher who could move pinned to stay, solved by the one-year optimizer and checked by
    the independent checker."""
    first = projection.years[0]
    movers = {m.staff_no: m.to_school for m in roadmap.years[0].moves}
    office = first.pins_by_teacher

    def kept(staff_no: str, kind: str, school: str | None) -> bool:
        return any(p.kind == kind and p.school == school for p in office.get(staff_no, []))

    pins = [
        Pin(kind="must_go", staff_no=s, school=d, note="路线图首年")
        for s, d in movers.items()
        if not kept(s, "must_go", d)
    ]
    pins += [
        Pin(kind="must_stay", staff_no=t.staff_no, note="路线图首年不交流")
        for t in first.teachers
        if t.staff_no not in movers
        and is_available(t, first.as_of, first.rules)
        and not kept(t.staff_no, "must_stay", None)
    ]
    left = max(5.0, settings.time_limit_s - (time.perf_counter() - started))
    pinned, plan = solve_with_pins(first, pins, settings.model_copy(update={"time_limit_s": left}))
    findings = check_plan(pinned, plan, verify_bound=False)
    return roadmap.model_copy(
        update={
            "first_year_plan": plan,
            "first_year_pins": pins,
            "first_year_findings": [f"{f.constraint} {f.scope}: {f.zh}" for f in findings],
        }
    )


__all__ = ["RoadmapAssumptions", "max_years", "solve_roadmap"]
