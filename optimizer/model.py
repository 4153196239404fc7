"""The integer model over the flow network, built row by row: one function per named constraint.

Variables
  x[a] ∈ {0..|group|}  teachers of the arc's group moving to (destination, subject)
  y[a] ∈ {0, 1}        a principal moving to a principal post
  f[d,j] ∈ [0, slots]  filled rural shortage slots of subject j at rural school d
  slack[c, scope] ≥ 0  only in the elastic model: how far quota / pin c falls short

Objective levels (lexicographic, all integer-valued): rural_shortage_filled (max Σ w_j f[d,j]),
preference (max Σ preference·x), distance (min Σ 0.1-km units·x). The quotas are hard rows.
The same model runs on HiGHS or SCIP (MIP), on CP-SAT, or as its LP relaxation (GLOP).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from optimizer.instance import Instance
from optimizer.network import Network
from optimizer.rules import key_share_fraction, subject_weight

LEVELS: tuple[tuple[str, str], ...] = (
    ("rural_shortage_filled", "max"),
    ("preference", "max"),
    ("distance", "min"),
)
SOLVER_IDS = {"highs": "HIGHS", "scip": "SCIP", "cpsat": "CP_SAT", "lp": "GLOP"}
DISTANCE_UNIT_KM = 0.1
"""The distance level counts 0.1-km units so that its coefficients are integers (CP-SAT)."""


@dataclass
class LevelResult:
    status: int
    value: float | None
    bound: float | None


@dataclass
class RotationModel:
    """A built model. `terms[level]` lists (variable, coefficient) of each objective level."""

    solver: pywraplp.Solver
    x: list[pywraplp.Variable]
    y: list[pywraplp.Variable]
    fill: dict[tuple[str, str], pywraplp.Variable]
    slack: dict[tuple[str, str], pywraplp.Variable] = field(default_factory=dict)
    terms: dict[str, list[tuple[pywraplp.Variable, float]]] = field(default_factory=dict)
    empty_infeasible_rows: list[str] = field(default_factory=list)
    solved: bool = False


class _Rows:
    """Arc indices by the rows they enter."""

    def __init__(self, net: Network) -> None:
        self.into: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out_main: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out: dict[str, list[int]] = defaultdict(list)
        self.into_all: dict[str, list[int]] = defaultdict(list)
        self.by_group: dict[int, list[int]] = defaultdict(list)
        for i, a in enumerate(net.arcs):
            main = net.groups[a.group].main_subject
            self.into[(a.dest, a.subject)].append(i)
            self.out_main[(a.source, main)].append(i)
            self.out[a.source].append(i)
            self.into_all[a.dest].append(i)
            self.by_group[a.group].append(i)
        self.p_into: dict[str, list[int]] = defaultdict(list)
        self.p_out: dict[str, list[int]] = defaultdict(list)
        self.p_by: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(net.principal_arcs):
            self.p_into[a.dest].append(i)
            self.p_out[a.source].append(i)
            self.p_by[net.principals[a.group]].append(i)


def build_model(
    instance: Instance, net: Network, backend: str, *, integer: bool = True, elastic: bool = False
) -> RotationModel:
    """Build the model; `elastic` adds a slack to every quota and pin row (for the diagnosis)."""
    solver = pywraplp.Solver.CreateSolver(SOLVER_IDS[backend])
    if solver is None:
        raise RuntimeError(f"OR-Tools has no {backend} back-end here")
    solver.SuppressOutput()
    make = solver.IntVar if integer else solver.NumVar
    sizes = [len(g.members) for g in net.groups]
    model = RotationModel(
        solver=solver,
        x=[make(0, sizes[a.group], f"x{i}") for i, a in enumerate(net.arcs)],
        y=[make(0, 1, f"y{i}") for i in range(len(net.principal_arcs))],
        fill={},
    )
    rows = _Rows(net)
    add_group_supply(model, net, rows)
    add_subject_capacity(model, instance, net, rows)
    add_post_ceiling(model, instance, net, rows)
    add_min_keep(model, instance, net, rows)
    add_principal_posts(model, instance, net, rows)
    add_district_quota(model, net, elastic)
    add_school_quotas(model, net, rows, elastic)
    add_key_share(model, instance, net, elastic)
    add_principal_two_terms(model, net, rows, elastic)
    add_pins(model, instance, net, rows, elastic)
    add_objective_terms(model, instance, net, rows, integer)
    return model


def _row(model: RotationModel, lb: float, ub: float, name: str,
         coefficients: list[tuple[pywraplp.Variable, float]]) -> None:
    if not coefficients and not lb <= 0 <= ub:
        model.empty_infeasible_rows.append(name)
    row = model.solver.Constraint(lb, ub, name)
    for var, coef in coefficients:
        row.SetCoefficient(var, row.GetCoefficient(var) + coef)


def _elastic(model: RotationModel, name: str, scope: str, elastic: bool, upper: float
             ) -> list[tuple[pywraplp.Variable, float]]:
    if not elastic:
        return []
    var = model.solver.NumVar(0, upper, f"slack[{name},{scope}]")
    model.slack[(name, scope)] = var
    return [(var, 1.0)]


def add_group_supply(model: RotationModel, net: Network, rows: _Rows) -> None:
    """move.once: a group sends at most its size (each teacher moves at most once)."""
    inf = model.solver.infinity()
    for g in net.groups:
        arcs = rows.by_group[g.index]
        if len(arcs) > 1:
            _row(model, -inf, len(g.members), f"move.once[g{g.index}]",
                 [(model.x[i], 1) for i in arcs])
    for staff_no in net.principals:
        if len(rows.p_by[staff_no]) > 1:
            _row(model, -inf, 1, f"move.once[{staff_no}]",
                 [(model.y[i], 1) for i in rows.p_by[staff_no]])


def add_subject_capacity(model: RotationModel, instance: Instance, net: Network, rows: _Rows
                         ) -> None:
    """capacity.subject: arrivals in j at d ≤ shortage(d, j) + departures of main-j teachers."""
    inf = model.solver.infinity()
    for (dest, subject), arrivals in sorted(rows.into.items()):
        shortage = instance.school_by_code[dest].shortage(subject)
        _row(model, -inf, shortage, f"capacity.subject[{dest},{subject}]",
             [(model.x[i], 1) for i in arrivals]
             + [(model.x[i], -1) for i in rows.out_main.get((dest, subject), [])])


def add_post_ceiling(model: RotationModel, instance: Instance, net: Network, rows: _Rows) -> None:
    """capacity.post_ceiling: net arrivals ≤ free posts (0 for a school already at or above)."""
    inf = model.solver.infinity()
    for dest in sorted(set(rows.into_all) | set(rows.p_into)):
        free = max(0, instance.school_by_code[dest].post_ceiling - net.headcount.get(dest, 0))
        _row(model, -inf, free, f"capacity.post_ceiling[{dest}]",
             [(model.x[i], 1) for i in rows.into_all[dest]] + [(model.x[i], -1) for i in rows.out[dest]]
             + [(model.y[i], 1) for i in rows.p_into[dest]]
             + [(model.y[i], -1) for i in rows.p_out[dest]])


def add_min_keep(model: RotationModel, instance: Instance, net: Network, rows: _Rows) -> None:
    """sending.min_keep: departures − arrivals in j ≤ in_post − min_keep (≥ 0)."""
    inf = model.solver.infinity()
    for (source, subject), departures in sorted(rows.out_main.items()):
        entry = instance.school_by_code[source].staffing_by_subject.get(subject)
        if entry is None:
            continue
        _row(model, -inf, max(0, entry.in_post - entry.min_keep),
             f"sending.min_keep[{source},{subject}]",
             [(model.x[i], 1) for i in departures]
             + [(model.x[i], -1) for i in rows.into.get((source, subject), [])])


def add_principal_posts(model: RotationModel, instance: Instance, net: Network, rows: _Rows
                        ) -> None:
    """principal.post: principals arriving at a school ≤ its principal leaving (or a vacancy)."""
    inf = model.solver.infinity()
    staffed = {t.school for t in instance.teachers if t.is_principal}
    for dest, arrivals in sorted(rows.p_into.items()):
        vacancy = 0 if dest in staffed else 1
        _row(model, -inf, vacancy, f"principal.post[{dest}]",
             [(model.y[i], 1) for i in arrivals] + [(model.y[i], -1) for i in rows.p_out[dest]])


def add_district_quota(model: RotationModel, net: Network, elastic: bool) -> None:
    """quota.district_share: all moves ≥ ⌈share × established teachers⌉."""
    inf = model.solver.infinity()
    _row(model, net.district_target, inf, "quota.district_share[district]",
         [(v, 1) for v in model.x] + [(v, 1) for v in model.y]
         + _elastic(model, "quota.district_share", "district", elastic, net.district_target))


def add_school_quotas(model: RotationModel, net: Network, rows: _Rows, elastic: bool) -> None:
    """quota.school_share: departures from each urban or quality school ≥ its target."""
    inf = model.solver.infinity()
    for school, target in sorted(net.school_targets.items()):
        if target == 0:
            continue
        _row(model, target, inf, f"quota.school_share[{school}]",
             [(model.x[i], 1) for i in rows.out[school]]
             + [(model.y[i], 1) for i in rows.p_out[school]]
             + _elastic(model, "quota.school_share", school, elastic, target))


def add_key_share(model: RotationModel, instance: Instance, net: Network, elastic: bool) -> None:
    """quota.key_share: q·(key moves + slack) ≥ p·(all moves) for the share p/q (exact ceil)."""
    share = key_share_fraction(instance.rules)
    if share == 0:
        return
    p, q = share.numerator, share.denominator
    arcs = list(zip(model.x, net.arcs, strict=True)) + list(zip(model.y, net.principal_arcs,
                                                                 strict=True))
    slack = _elastic(model, "quota.key_share", "district", elastic, model.solver.infinity())
    _row(model, 0, model.solver.infinity(), "quota.key_share[district]",
         [(v, q * a.key - p) for v, a in arcs] + [(v, q) for v, _ in slack])


def add_principal_two_terms(model: RotationModel, net: Network, rows: _Rows, elastic: bool
                            ) -> None:
    """principal.two_terms: a principal with the set number of terms at one school moves."""
    inf = model.solver.infinity()
    for staff_no in net.must_rotate_principals:
        _row(model, 1, inf, f"principal.two_terms[{staff_no}]",
             [(model.y[i], 1) for i in rows.p_by[staff_no]]
             + _elastic(model, "principal.two_terms", staff_no, elastic, 1))


def add_pins(model: RotationModel, instance: Instance, net: Network, rows: _Rows, elastic: bool
             ) -> None:
    """pin.must_move / pin.must_go: the pinned teacher moves (must_go arcs lead only to the
    named school; forbid and must_stay pins removed arcs when the network was built)."""
    inf = model.solver.infinity()
    group_of = {g.members[0]: g.index for g in net.groups if len(g.members) == 1}
    for pin in sorted(instance.pins, key=lambda p: (p.staff_no, p.kind)):
        if pin.kind not in ("must_move", "must_go"):
            continue
        name = f"pin.{pin.kind}"
        if pin.staff_no in rows.p_by or instance.teacher_by_staff_no[pin.staff_no].is_principal:
            coefficients = [(model.y[i], 1) for i in rows.p_by.get(pin.staff_no, [])]
        else:
            group = group_of.get(pin.staff_no)
            arcs = rows.by_group[group] if group is not None else []
            coefficients = [(model.x[i], 1) for i in arcs]
        _row(model, 1, inf, f"{name}[{pin.staff_no}]",
             coefficients + _elastic(model, name, pin.staff_no, elastic, 1))


def add_objective_terms(model: RotationModel, instance: Instance, net: Network, rows: _Rows,
                        integer: bool) -> None:
    """Fill variables for rural shortages, and the coefficient lists of the three levels."""
    inf = model.solver.infinity()
    make = model.solver.IntVar if integer else model.solver.NumVar
    fill_terms = []
    for (dest, subject), arrivals in sorted(rows.into.items()):
        school = instance.school_by_code[dest]
        slots = school.shortage(subject)
        if school.zone != "rural" or slots == 0:
            continue
        f = make(0, slots, f"fill[{dest},{subject}]")
        model.fill[(dest, subject)] = f
        _row(model, -inf, 0, f"fill[{dest},{subject}]",
             [(f, 1)] + [(model.x[i], -1) for i in arrivals]
             + [(model.x[i], 1) for i in rows.out_main.get((dest, subject), [])])
        fill_terms.append((f, subject_weight(subject, instance.rules)))
    pairs = list(zip(model.x, net.arcs, strict=True)) + list(
        zip(model.y, net.principal_arcs, strict=True))
    model.terms = {
        "rural_shortage_filled": fill_terms,
        "preference": [(v, a.preference) for v, a in pairs],
        "distance": [(v, round(a.distance_km / DISTANCE_UNIT_KM)) for v, a in pairs],
    }


def set_objective(model: RotationModel, terms: list[tuple[pywraplp.Variable, float]],
                  maximize: bool) -> None:
    objective = model.solver.Objective()
    objective.Clear()
    for var, coef in terms:
        objective.SetCoefficient(var, objective.GetCoefficient(var) + coef)
    objective.SetOptimizationDirection(maximize)


def fix_level(model: RotationModel, level: str, value: float, maximize: bool) -> None:
    """Keep a solved level at `value`: its objective is integral, so the bound is exact."""
    inf = model.solver.infinity()
    lb, ub = (value - 0.5, inf) if maximize else (-inf, value + 0.5)
    _row(model, lb, ub, f"lexicographic[{level}]", model.terms[level])


def run(model: RotationModel, time_limit_s: float, threads: int, seed: int, gap: float,
        backend: str) -> LevelResult:
    """Solve the current objective within the time limit."""
    if model.empty_infeasible_rows:  # e.g. a quota with nobody to move; some back-ends choke
        return LevelResult(pywraplp.Solver.INFEASIBLE, None, None)
    solver = model.solver
    solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    solver.SetNumThreads(threads)
    if backend == "cpsat":
        solver.SetSolverSpecificParametersAsString(f"random_seed:{seed}")
    params = pywraplp.MPSolverParameters()
    if backend != "lp":
        params.SetDoubleParam(params.RELATIVE_MIP_GAP, gap)
    status = solver.Solve(params)
    model.solved = True
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return LevelResult(status, None, None)
    objective = solver.Objective()
    bound = objective.Value() if backend == "lp" else objective.BestBound()
    return LevelResult(status, objective.Value(), bound)
