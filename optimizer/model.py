"""The integer model over the flow network, built row by row: one function per named constraint.

Variables
  x[a] ∈ {0..|group|}  teachers of the arc's group moving to (destination, subject)
  y[a] ∈ {0, 1}        a principal moving to a principal post
  arr[d,j], dep[s,j]   arrivals in subject j at d; departures of main-subject-j teachers from s
  kdep[s]              departures of key teachers from s
  f[d,j] ∈ [0, slots]  filled rural shortage slots of subject j at rural school d
  slack[c, scope] ≥ 0  only in the elastic model: how far quota / pin c falls short

The aggregate variables arr, dep and kdep are defined once by an equality row each, and every
capacity, quota and fill row is written over them. Without them each arc entered about ten rows
(two of them dense district-wide rows), and HiGHS spent most of a minute in presolve on a 3,400
teacher district; with them an arc enters three or four rows.

Objective levels (lexicographic, all integer-valued): rural_shortage_filled (max Σ w_j f[d,j]),
preference (max Σ preference·x), distance (min Σ 0.1-km units·x). The quotas are hard rows.
The model lives in GLOP (its LP relaxation); the MIP back-ends (HiGHS, SCIP, CP-SAT) receive it
as a proto, whole or restricted (see optimizer.levels).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

from ortools.linear_solver import linear_solver_pb2, pywraplp

from optimizer.highs import solve_lp_highs, solve_mip_highs
from optimizer.instance import Instance
from optimizer.network import Network
from optimizer.rules import (
    counts_toward_district_share,
    in_key_share_base,
    key_share_fraction,
    max_net_loss,
    subject_weight,
)

LEVELS: tuple[tuple[str, str], ...] = (
    ("rural_shortage_filled", "max"),
    ("preference", "max"),
    ("distance", "min"),
)
SOLVER_IDS = {"highs": "HIGHS", "scip": "SCIP", "cpsat": "CP_SAT"}
DISTANCE_UNIT_KM = 0.1
"""The distance level counts 0.1-km units so that its coefficients are integers (CP-SAT)."""

Terms = list[tuple[pywraplp.Variable, float]]


@dataclass
class LevelResult:
    """Outcome of one solve: pywraplp status, objective value, bound, all variable values."""

    status: int
    value: float | None
    bound: float | None
    values: list[float] | None = None
    method: str = ""
    nodes: int | None = None
    row_prices: list[float] | None = None
    """An LP's row duals (HiGHS), for reduced-cost fixing (optimizer.fixing)."""


@dataclass
class RotationModel:
    """A built model. `terms[level]` lists (variable, coefficient) of each objective level."""

    solver: pywraplp.Solver
    x: list[pywraplp.Variable]
    y: list[pywraplp.Variable]
    arr: dict[tuple[str, str], pywraplp.Variable] = field(default_factory=dict)
    dep: dict[tuple[str, str], pywraplp.Variable] = field(default_factory=dict)
    kdep: dict[str, pywraplp.Variable] = field(default_factory=dict)
    fill: dict[tuple[str, str], pywraplp.Variable] = field(default_factory=dict)
    slack: dict[tuple[str, str], pywraplp.Variable] = field(default_factory=dict)
    terms: dict[str, Terms] = field(default_factory=dict)
    empty_infeasible_rows: list[str] = field(default_factory=list)


class _Index:
    """Arc indices by school and subject, and principal arc indices by school and person."""

    def __init__(self, net: Network) -> None:
        self.into: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out_main: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out_key: dict[str, list[int]] = defaultdict(list)
        self.by_group: dict[int, list[int]] = defaultdict(list)
        self.by_member: dict[tuple[int, str], list[int]] = defaultdict(list)
        for i, a in enumerate(net.arcs):
            if a.member:
                self.by_member[(a.group, a.member)].append(i)
            self.into[(a.dest, a.subject)].append(i)
            self.out_main[(a.source, net.groups[a.group].main_subject)].append(i)
            if a.key:
                self.out_key[a.source].append(i)
            self.by_group[a.group].append(i)
        self.dep_by_school: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.arr_by_school: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key in self.out_main:
            self.dep_by_school[key[0]].append(key)
        for key in self.into:
            self.arr_by_school[key[0]].append(key)
        self.p_into: dict[str, list[int]] = defaultdict(list)
        self.p_out: dict[str, list[int]] = defaultdict(list)
        self.p_by: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(net.principal_arcs):
            self.p_into[a.dest].append(i)
            self.p_out[a.source].append(i)
            self.p_by[net.principals[a.group]].append(i)


def build_model(instance: Instance, net: Network, backend: str, *, elastic: bool = False
                ) -> RotationModel:
    """Build the model in GLOP, which solves its LP relaxation (warm-started from level to level);
    the integer flags travel in the exported proto to the MIP back-end (`solve_mip`).
    `elastic` adds a slack to every quota and pin row (for the diagnosis)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SuppressOutput()
    make = solver.IntVar
    # Totals and fills are integral whenever the flows are; only CP-SAT needs them declared so.
    derived = solver.IntVar if backend == "cpsat" else solver.NumVar
    sizes = [len(g.members) for g in net.groups]
    model = RotationModel(
        solver=solver,
        x=[make(0, 1 if a.member else sizes[a.group], f"x{i}") for i, a in enumerate(net.arcs)],
        y=[make(0, 1, f"y{i}") for i in range(len(net.principal_arcs))],
    )
    index = _Index(net)
    add_flow_totals(model, net, index, sizes, derived)
    add_group_supply(model, net, index)
    add_subject_capacity(model, instance)
    add_post_ceiling(model, instance, net, index)
    add_min_keep(model, instance)
    add_principal_posts(model, instance, index)
    add_district_quota(model, net, elastic, instance)
    add_school_quotas(model, net, index, elastic)
    add_key_share(model, instance, net, elastic)
    add_principal_two_terms(model, net, index, elastic)
    add_pins(model, instance, net, index, elastic)
    add_objective_terms(model, instance, net, derived)
    return model


def _row(model: RotationModel, lb: float, ub: float, name: str, coefficients: Terms) -> None:
    if not coefficients and not lb <= 0 <= ub:
        model.empty_infeasible_rows.append(name)
    row = model.solver.Constraint(lb, ub, name)
    for var, coef in coefficients:
        row.SetCoefficient(var, coef)


def _elastic(model: RotationModel, name: str, scope: str, elastic: bool, upper: float) -> Terms:
    if not elastic:
        return []
    var = model.solver.IntVar(0, upper, f"slack[{name},{scope}]")  # people short
    model.slack[(name, scope)] = var
    return [(var, 1.0)]


def add_flow_totals(model: RotationModel, net: Network, index: _Index, sizes: list[int],
                    make) -> None:
    """Definitions: arr[d,j] = Σ x into (d, j); dep[s,j] = Σ x of main-j groups leaving s;
    kdep[s] = Σ x of key groups leaving s."""
    def total(name: str, arcs: list[int]) -> pywraplp.Variable:
        upper = sum(min(sizes[net.arcs[i].group], 10**6) for i in arcs)
        var = make(0, upper, name)
        _row(model, 0, 0, f"define.{name}", [(var, 1)] + [(model.x[i], -1) for i in arcs])
        return var

    for key, arcs in sorted(index.into.items()):
        model.arr[key] = total(f"arr[{key[0]},{key[1]}]", arcs)
    for key, arcs in sorted(index.out_main.items()):
        model.dep[key] = total(f"dep[{key[0]},{key[1]}]", arcs)
    for school, arcs in sorted(index.out_key.items()):
        model.kdep[school] = total(f"kdep[{school}]", arcs)


def add_group_supply(model: RotationModel, net: Network, index: _Index) -> None:
    """move.once: a group sends at most its size, its wish arcs included, and a member with
    more than one wish arc takes at most one of them (each teacher moves at most once)."""
    inf = model.solver.infinity()
    for g in net.groups:
        arcs = index.by_group[g.index]
        if len(arcs) > 1:
            _row(model, -inf, len(g.members), f"move.once[g{g.index}]",
                 [(model.x[i], 1) for i in arcs])
    for (group, member), arcs in sorted(index.by_member.items()):
        if len(arcs) > 1:
            _row(model, -inf, 1, f"move.once[g{group}:{member}]",
                 [(model.x[i], 1) for i in arcs])
    for staff_no, arcs in sorted(index.p_by.items()):
        if len(arcs) > 1:
            _row(model, -inf, 1, f"move.once[{staff_no}]", [(model.y[i], 1) for i in arcs])


def add_subject_capacity(model: RotationModel, instance: Instance) -> None:
    """capacity.subject: arr[d,j] ≤ shortage(d, j) + dep[d,j]."""
    inf = model.solver.infinity()
    for (dest, subject), arrivals in model.arr.items():
        leaving = model.dep.get((dest, subject))
        _row(model, -inf, instance.school_by_code[dest].shortage(subject),
             f"capacity.subject[{dest},{subject}]",
             [(arrivals, 1)] + ([(leaving, -1)] if leaving is not None else []))


def add_post_ceiling(model: RotationModel, instance: Instance, net: Network, index: _Index
                     ) -> None:
    """capacity.post_ceiling: net arrivals ≤ free posts (0 for a school already at or above)."""
    inf = model.solver.infinity()
    for dest in sorted(set(index.arr_by_school) | set(index.p_into)):
        free = max(0, instance.school_by_code[dest].post_ceiling - net.headcount.get(dest, 0))
        _row(model, -inf, free, f"capacity.post_ceiling[{dest}]",
             [(model.arr[k], 1) for k in index.arr_by_school[dest]]
             + [(model.dep[k], -1) for k in index.dep_by_school[dest]]
             + [(model.y[i], 1) for i in index.p_into[dest]]
             + [(model.y[i], -1) for i in index.p_out[dest]])


def add_min_keep(model: RotationModel, instance: Instance) -> None:
    """sending.min_keep / sending.shortage_kept: dep[s,j] − arr[s,j] ≤ the net loss the school
    may bear in j (`rules.max_net_loss`: 0 while short of j, else in_post − min_keep)."""
    inf = model.solver.infinity()
    for (source, subject), leaving in model.dep.items():
        entry = instance.school_by_code[source].staffing_by_subject.get(subject)
        if entry is None:
            continue
        coming = model.arr.get((source, subject))
        limit, name = max_net_loss(entry)
        _row(model, -inf, limit, f"{name}[{source},{subject}]",
             [(leaving, 1)] + ([(coming, -1)] if coming is not None else []))


def add_principal_posts(model: RotationModel, instance: Instance, index: _Index) -> None:
    """principal.post: principals arriving at a school ≤ its principal leaving (or a vacancy)."""
    inf = model.solver.infinity()
    staffed = {t.school for t in instance.teachers if t.is_principal}
    for dest, arrivals in sorted(index.p_into.items()):
        _row(model, -inf, 0 if dest in staffed else 1, f"principal.post[{dest}]",
             [(model.y[i], 1) for i in arrivals] + [(model.y[i], -1) for i in index.p_out[dest]])


def add_district_quota(model: RotationModel, net: Network, elastic: bool,
                       instance: Instance) -> None:
    """quota.district_share: the moves that count ≥ ⌈share × base⌉ (net.district_target).
    Every move counts unless the rules leave reverse flows out (quotas.reverse_flows_count);
    then only the arcs that `counts_toward_district_share`."""
    if instance.rules.quotas.reverse_flows_count:
        terms = [(v, 1) for v in model.dep.values()] + [(v, 1) for v in model.y]
    else:
        at, rules = instance.school_by_code, instance.rules
        terms = [(v, 1) for v, a in chain(zip(model.x, net.arcs, strict=True),
                                          zip(model.y, net.principal_arcs, strict=True))
                 if counts_toward_district_share(at[a.source], at[a.dest], rules)]
    _row(model, net.district_target, model.solver.infinity(), "quota.district_share[district]",
         terms + _elastic(model, "quota.district_share", "district", elastic,
                          net.district_target))


def add_school_quotas(model: RotationModel, net: Network, index: _Index, elastic: bool) -> None:
    """quota.school_share: departures from each urban or quality school ≥ its target."""
    for school, target in sorted(net.school_targets.items()):
        if target == 0:
            continue
        _row(model, target, model.solver.infinity(), f"quota.school_share[{school}]",
             [(model.dep[k], 1) for k in index.dep_by_school[school]]
             + [(model.y[i], 1) for i in index.p_out[school]]
             + _elastic(model, "quota.school_share", school, elastic, target))


def add_key_share(model: RotationModel, instance: Instance, net: Network, elastic: bool) -> None:
    """quota.key_share: q·(key moves + slack) ≥ p·(all moves) for the share p/q (exact ceil)."""
    share = key_share_fraction(instance.rules)
    if share == 0:
        return
    p, q = share.numerator, share.denominator
    # Only the moves in the share's base (quotas.key_share_base): all, or those out of urban
    # and quality schools.
    at, rules = instance.school_by_code, instance.rules
    principals = [(v, a) for v, a in zip(model.y, net.principal_arcs, strict=True)
                  if in_key_share_base(at[a.source], rules)]
    _row(model, 0, model.solver.infinity(), "quota.key_share[district]",
         [(v, q) for s, v in model.kdep.items() if in_key_share_base(at[s], rules)]
         + [(v, -p) for (s, _), v in model.dep.items() if in_key_share_base(at[s], rules)]
         + [(v, q * a.key - p) for v, a in principals]
         + [(v, q) for v, _ in _elastic(model, "quota.key_share", "district", elastic,
                                        model.solver.infinity())])


def add_principal_two_terms(model: RotationModel, net: Network, index: _Index, elastic: bool
                            ) -> None:
    """principal.two_terms: a principal with the set number of terms at one school moves."""
    for staff_no in net.must_rotate_principals:
        _row(model, 1, model.solver.infinity(), f"principal.two_terms[{staff_no}]",
             [(model.y[i], 1) for i in index.p_by[staff_no]]
             + _elastic(model, "principal.two_terms", staff_no, elastic, 1))


def add_pins(model: RotationModel, instance: Instance, net: Network, index: _Index,
             elastic: bool) -> None:
    """pin.must_move / pin.must_go: the pinned teacher moves (must_go arcs lead only to the
    named school; forbid and must_stay pins removed arcs when the network was built)."""
    group_of = {g.members[0]: g.index for g in net.groups if len(g.members) == 1}
    for pin in sorted(instance.pins, key=lambda p: (p.staff_no, p.kind)):
        if pin.kind not in ("must_move", "must_go"):
            continue
        if instance.teacher_by_staff_no[pin.staff_no].is_principal:
            terms = [(model.y[i], 1) for i in index.p_by.get(pin.staff_no, [])]
        else:
            group = group_of.get(pin.staff_no)
            terms = [(model.x[i], 1) for i in index.by_group[group]] if group is not None else []
        name = f"pin.{pin.kind}"
        _row(model, 1, model.solver.infinity(), f"{name}[{pin.staff_no}]",
             terms + _elastic(model, name, pin.staff_no, elastic, 1))


def add_objective_terms(model: RotationModel, instance: Instance, net: Network, make) -> None:
    """Fill variables for rural shortages, and the coefficient lists of the three levels."""
    fill_terms: Terms = []
    for (dest, subject), arrivals in sorted(model.arr.items()):
        school = instance.school_by_code[dest]
        slots = school.shortage(subject)
        if school.zone != "rural" or slots == 0:
            continue
        f = make(0, slots, f"fill[{dest},{subject}]")
        model.fill[(dest, subject)] = f
        leaving = model.dep.get((dest, subject))
        _row(model, -model.solver.infinity(), 0, f"fill[{dest},{subject}]",
             [(f, 1), (arrivals, -1)] + ([(leaving, 1)] if leaving is not None else []))
        fill_terms.append((f, subject_weight(subject, instance.rules)))
    pairs = list(zip(model.x, net.arcs, strict=True)) + list(
        zip(model.y, net.principal_arcs, strict=True))
    model.terms = {
        "rural_shortage_filled": fill_terms,
        "preference": [(v, a.preference) for v, a in pairs],
        "distance": [(v, round(a.distance_km / DISTANCE_UNIT_KM)) for v, a in pairs],
    }


COMBINED_MAX_COEFFICIENT = 10**9
"""Largest objective coefficient allowed in a combined objective: beyond it the weights approach
the solver's tolerances (HiGHS's feasibility and gap tolerances are relative to ~1e-9)."""


def combined_terms(model: RotationModel, net: Network, first: str, second: str
                   ) -> tuple[Terms, int] | None:
    """One objective that ranks solutions exactly as "maximise `first`, then minimise
    `second`": weight·first − second, with weight one more than the largest value `second` can
    take (each group sends at most its size, each along its longest arc; each principal moves
    once). Both levels are integral and `second` ≥ 0, so one more unit of `first` always
    outweighs any change of `second`: the optimum of the sum is the lexicographic optimum.

    Why: solved one after the other, the two later levels of the sample district took 1.2 s
    and 3.4 s of HiGHS (each spends a second and more in presolve on the same model); together
    1.7 s. None when the weight would make coefficients too large (`COMBINED_MAX_COEFFICIENT`)."""
    # Variable.index() is a call into OR-Tools: each variable's index is asked once here
    # (30,000 teachers: 1.8 million calls took 3 s when every use asked again).
    second_terms = [(var.index(), var, coef) for var, coef in model.terms[second]]
    if any(coef < 0 for _, _, coef in second_terms):
        return None
    second_coef = {i: coef for i, _, coef in second_terms}
    longest: dict[tuple[bool, int], float] = {}
    sizes = [len(g.members) for g in net.groups]
    arcs = [((False, a.group), v) for v, a in zip(model.x, net.arcs, strict=True)] + [
        ((True, a.group), v) for v, a in zip(model.y, net.principal_arcs, strict=True)]
    for owner, var in arcs:
        longest[owner] = max(longest.get(owner, 0.0), second_coef.get(var.index(), 0.0))
    weight = 1 + round(sum(c * (1 if principal else sizes[g]) for (principal, g), c in
                           longest.items()))
    first_terms = model.terms[first]
    if weight * max((abs(c) for _, c in first_terms), default=1) > COMBINED_MAX_COEFFICIENT:
        return None
    coefficients: dict[int, float] = {}
    variables: dict[int, pywraplp.Variable] = {}
    for var, coef in first_terms:
        i = var.index()
        coefficients[i] = coefficients.get(i, 0.0) + weight * coef
        variables[i] = var
    for i, var, coef in second_terms:
        coefficients[i] = coefficients.get(i, 0.0) - coef
        variables[i] = var
    return [(variables[i], coefficients[i]) for i in sorted(variables)], weight


def term_value(terms: Terms, values: list[float]) -> float:
    """The value of an objective level at a solution (all variables, in index order)."""
    return sum(coef * values[var.index()] for var, coef in terms)


def set_objective(model: RotationModel, terms: list[tuple[pywraplp.Variable, float]],
                  maximize: bool) -> None:
    objective = model.solver.Objective()
    objective.Clear()
    for var, coef in terms:
        objective.SetCoefficient(var, coef)
    objective.SetOptimizationDirection(maximize)


def fix_level(model: RotationModel, level: str, value: float, maximize: bool) -> None:
    """Keep a solved level at `value`: its objective is integral, so the bound is exact."""
    inf = model.solver.infinity()
    lb, ub = (value - 0.5, inf) if maximize else (-inf, value + 0.5)
    _row(model, lb, ub, f"lexicographic[{level}]", model.terms[level])


def solve_lp(model: RotationModel, time_limit_s: float) -> LevelResult:
    """The LP relaxation of the current objective (GLOP ignores the integer flags)."""
    if model.empty_infeasible_rows:  # e.g. a quota with nobody to move
        return LevelResult(pywraplp.Solver.INFEASIBLE, None, None)
    model.solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    status = model.solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return LevelResult(status, None, None)
    value = model.solver.Objective().Value()
    return LevelResult(status, value, value,
                       [v.solution_value() for v in model.solver.variables()])


def solve_lp_exported(proto: linear_solver_pb2.MPModelProto, time_limit_s: float
                      ) -> LevelResult:
    """The LP relaxation of an exported model, by HiGHS (see `highs.solve_lp_highs`)."""
    status, value, values, prices = solve_lp_highs(proto, time_limit_s)
    return LevelResult(status, value, value, values, row_prices=prices)


def export(model: RotationModel) -> linear_solver_pb2.MPModelProto:
    """The model with its current objective and rows, as a proto (variables in order)."""
    proto = linear_solver_pb2.MPModelProto()
    model.solver.ExportModelToProto(proto)
    return proto


def solve_mip(proto: linear_solver_pb2.MPModelProto, backend: str, time_limit_s: float,
              threads: int, seed: int, gap: float, start: list[float] | None = None,
              cutoff: float | None = None) -> LevelResult:
    """Solve a model proto with the MIP back-end (HiGHS, SCIP or CP-SAT). HiGHS runs through
    `highspy` (quiet, `start` — a feasible solution — is its first incumbent, and `cutoff` a
    value worse solutions are pruned against); the others through `pywraplp`, where `start`
    and `cutoff` are not used."""
    if backend == "highs":
        status, value, bound, values, nodes = solve_mip_highs(proto, time_limit_s, threads, seed,
                                                              gap, start, cutoff)
        return LevelResult(status, value, bound, values, nodes=nodes)
    solver = pywraplp.Solver.CreateSolver(SOLVER_IDS[backend])
    if solver is None:
        raise RuntimeError(f"OR-Tools has no {backend} back-end here")
    solver.SuppressOutput()
    error = solver.LoadModelFromProto(proto)
    if error:
        raise RuntimeError(f"cannot load the model into {backend}: {error}")
    solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    solver.SetNumThreads(threads)
    if backend == "cpsat":
        solver.SetSolverSpecificParametersAsString(f"random_seed:{seed}")
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, gap)
    status = solver.Solve(params)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return LevelResult(status, None, None)
    objective = solver.Objective()
    nodes = int(solver.nodes())
    return LevelResult(status, objective.Value(), objective.BestBound(),
                       [v.solution_value() for v in solver.variables()],
                       nodes=nodes if nodes >= 0 else None)
