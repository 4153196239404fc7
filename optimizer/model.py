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
The model is built as arrays (`RotationModel`: columns' bounds and integrality, rows as flat
index/coefficient lists with their catalogue names) and handed out as an `optimizer.problem
.Problem`: to GLOP for level 1's LP as a proto whose columns are written from the arrays, to
HiGHS as it is, whole or restricted (see optimizer.levels), to SCIP and CP-SAT as a proto.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

from optimizer.glop import solve_lp_glop_from_basis
from optimizer.highs import solve_lp_highs, solve_mip_highs
from optimizer.instance import Instance
from optimizer.network import Network
from optimizer.problem import Problem
from optimizer.rules import (
    SENIOR_CERT_RANK,
    counts_toward_district_share,
    in_key_share_base,
    junior_section_slots,
    key_share_fraction,
    max_net_loss,
    max_senior_net_loss,
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
INF = math.inf

Terms = tuple[np.ndarray, np.ndarray]
"""An objective level or a row's left side: (column indices, coefficients)."""


def terms(columns, coefficients) -> Terms:
    """Terms from any sequences of columns and coefficients."""
    return np.asarray(columns, np.int64), np.asarray(coefficients, np.float64)


@dataclass
class LevelResult:
    """Outcome of one solve: pywraplp status, objective value, bound, all column values."""

    status: int
    value: float | None
    bound: float | None
    values: np.ndarray | None = None
    method: str = ""
    nodes: int | None = None
    row_prices: np.ndarray | None = None
    """A later level's LP row duals (HiGHS), for reduced-cost fixing (optimizer.fixing)."""


@dataclass
class RotationModel:
    """A built model: columns and rows as flat arrays. `x` and `y` are the columns of the arcs
    and principal arcs (the first columns, in the network's order); `arr`, `dep`, `kdep`,
    `fill`, `slack` name their columns by key; `terms[level]` the objective levels.
    `cost`/`maximize` are the current objective (`set_objective`). After `solve_lp`,
    `lp_duals` and `lp_reduced_costs` hold that LP's row duals and reduced costs."""

    backend: str
    x: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    y: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    arr: dict[tuple[str, str], int] = field(default_factory=dict)
    dep: dict[tuple[str, str], int] = field(default_factory=dict)
    kdep: dict[str, int] = field(default_factory=dict)
    fill: dict[tuple[str, str], int] = field(default_factory=dict)
    slack: dict[tuple[str, str], int] = field(default_factory=dict)
    terms: dict[str, Terms] = field(default_factory=dict)
    empty_infeasible_rows: list[str] = field(default_factory=list)
    col_names: dict[int, str] = field(default_factory=dict)
    """Names of the columns other than the arcs (totals, fill, slacks) by index: what the
    pricing looks up (`pricing.exact_model_bound`). The arc columns (`x`, `y`) go unnamed: as
    strings their names took 31 MB of a 100,000-teacher model's 103 MB."""
    row_names: list[str] = field(default_factory=list)
    cost: np.ndarray | None = None
    maximize: bool = True
    lp_duals: np.ndarray | None = None
    lp_reduced_costs: np.ndarray | None = None
    glop_parameters: str = ""
    """GLOP's parameters for this model's LP (`solve_lp`; text format), e.g. the diagnosis's
    `diagnose.ELASTIC_GLOP_PARAMETERS`."""
    _lower: list[float] = field(default_factory=list)
    _upper: list[float] = field(default_factory=list)
    _integer: list[bool] = field(default_factory=list)
    _row_lower: list[float] = field(default_factory=list)
    _row_upper: list[float] = field(default_factory=list)
    _row_length: list[int] = field(default_factory=list)
    _index: list[int] = field(default_factory=list)
    _value: list[float] = field(default_factory=list)
    _settled: Problem | None = None
    """The columns and rows added before the last `problem()`, as arrays; the lists above
    hold only what was added since. Why: kept as Python lists, the 2.1 million coefficients of
    a 100,000-teacher model cost about 110 MB beside their arrays for the whole solve."""

    @property
    def num_columns(self) -> int:
        return self._settled_columns + len(self._lower)

    @property
    def _settled_columns(self) -> int:
        return 0 if self._settled is None else self._settled.num_cols

    @property
    def _settled_rows(self) -> int:
        return 0 if self._settled is None else self._settled.num_rows

    def columns(self, lower: list[float], upper: list[float], integer: bool) -> np.ndarray:
        """Add unnamed columns (arcs); their indices."""
        first = self.num_columns
        self._lower.extend(lower)
        self._upper.extend(upper)
        self._integer.extend([integer] * len(lower))
        return np.arange(first, self.num_columns, dtype=np.int64)

    def column(self, lower: float, upper: float, integer: bool, name: str) -> int:
        """Add a named column; its index."""
        index = int(self.columns([lower], [upper], integer)[0])
        self.col_names[index] = name
        return index

    def row(self, lower: float, upper: float, name: str, columns, coefficients) -> int:
        """Add a row (lists or arrays of columns and coefficients); its index. A row without
        columns whose bounds exclude 0 cannot hold: noted in `empty_infeasible_rows`."""
        if isinstance(columns, np.ndarray):
            columns, coefficients = columns.tolist(), np.asarray(coefficients).tolist()
        if not columns and not lower <= 0 <= upper:
            self.empty_infeasible_rows.append(name)
        self._row_lower.append(lower)
        self._row_upper.append(upper)
        self._row_length.append(len(columns))
        self._index.extend(columns)
        self._value.extend(coefficients)
        self.row_names.append(name)
        return self._settled_rows + len(self._row_lower) - 1

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        pending = row - self._settled_rows
        if pending >= 0:
            self._row_lower[pending], self._row_upper[pending] = lower, upper
            return
        self._fix_settled(rows=np.array([row]), row_lower=np.array([lower]),
                          row_upper=np.array([upper]))

    def hold(self, columns: np.ndarray, values: np.ndarray, rows: np.ndarray,
             activities: np.ndarray) -> None:
        """Fix `columns` at `values` and `rows` at `activities` (lower = upper)."""
        if self._lower or self._row_lower:
            self._settle()
        self._fix_settled(columns, values, values, rows, activities, activities)

    def _fix_settled(self, columns: np.ndarray | None = None, lower: np.ndarray | None = None,
                     upper: np.ndarray | None = None, rows: np.ndarray | None = None,
                     row_lower: np.ndarray | None = None, row_upper: np.ndarray | None = None
                     ) -> None:
        """New bounds for settled columns and rows, in copies: problems handed out keep
        theirs."""
        assert self._settled is not None
        changes = {}
        for name, where, bound in (("lower", columns, lower), ("upper", columns, upper),
                                   ("row_lower", rows, row_lower),
                                   ("row_upper", rows, row_upper)):
            if where is not None:
                changes[name] = getattr(self._settled, name).copy()
                changes[name][where] = bound
        self._settled = replace(self._settled, **changes)

    def totals(self) -> np.ndarray:
        """The columns of the totals `arr`, `dep` and `kdep`: each defined by an equality with
        integer arcs, so integral in every solution (continuous for HiGHS, see `_derived`)."""
        return np.array([*self.arr.values(), *self.dep.values(), *self.kdep.values()],
                        np.int64)

    def problem(self) -> Problem:
        """The model with its current objective as arrays (what was added since the last call
        is appended to the arrays, and its lists emptied)."""
        if self._settled is None or self._lower or self._row_lower:
            self._settle()
        assert self._settled is not None
        cost = self.cost if self.cost is not None and len(self.cost) == self.num_columns else (
            np.zeros(self.num_columns))
        return replace(self._settled, cost=cost, maximize=self.maximize)

    def _settle(self) -> None:
        old = self._settled
        new_starts = np.cumsum(self._row_length, dtype=np.int64)

        def joined(name: str, pending: list, dtype: type) -> np.ndarray:
            added = np.array(pending, dtype)
            return added if old is None else np.concatenate((getattr(old, name), added))

        lower = joined("lower", self._lower, np.float64)
        self._settled = Problem(
            cost=np.zeros(len(lower)),
            lower=lower,
            upper=joined("upper", self._upper, np.float64),
            integer=joined("integer", self._integer, bool),
            row_lower=joined("row_lower", self._row_lower, np.float64),
            row_upper=joined("row_upper", self._row_upper, np.float64),
            starts=(np.concatenate(([0], new_starts)) if old is None
                    else np.concatenate((old.starts, old.starts[-1] + new_starts))),
            index=joined("index", self._index, np.int32),
            value=joined("value", self._value, np.float64),
            row_names=list(self.row_names),  # its own: rows added later are not its rows
            maximize=True)
        for pending in (self._lower, self._upper, self._integer, self._row_lower,
                        self._row_upper, self._row_length, self._index, self._value):
            pending.clear()


class _Index:
    """Arc indices by school and subject, and principal arc indices by school and person."""

    def __init__(self, net: Network) -> None:
        self.into: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out_main: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.out_key: dict[str, list[int]] = defaultdict(list)
        self.by_group: dict[int, list[int]] = defaultdict(list)
        self.by_member: dict[tuple[int, str], list[int]] = defaultdict(list)
        main_subject = [g.main_subject for g in net.groups]
        for i, a in enumerate(net.arcs):
            if a.member:
                self.by_member[(a.group, a.member)].append(i)
            self.into[(a.dest, a.subject)].append(i)
            self.out_main[(a.source, main_subject[a.group])].append(i)
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
    """Build the model as arrays. The integer flags travel to the MIP back-end (`solve_mip`);
    `elastic` adds a slack to every quota and pin row (for the diagnosis)."""
    sizes = [len(g.members) for g in net.groups]
    model = RotationModel(backend=backend)
    model.x = model.columns([0.0] * len(net.arcs),
                            [1.0 if a.member else float(sizes[a.group]) for a in net.arcs], True)
    model.y = model.columns([0.0] * len(net.principal_arcs), [1.0] * len(net.principal_arcs),
                            True)
    index = _Index(net)
    add_flow_totals(model, net, index, sizes)
    add_group_supply(model, net, index)
    add_subject_capacity(model, instance)
    add_post_ceiling(model, instance, net, index)
    add_min_keep(model, instance)
    add_sections(model, instance, net, index)
    add_principal_posts(model, instance, index)
    add_district_quota(model, net, elastic, instance)
    add_school_quotas(model, net, index, elastic)
    add_key_share(model, instance, net, elastic)
    add_principal_two_terms(model, net, index, elastic)
    add_pins(model, instance, net, index, elastic)
    add_objective_terms(model, instance, net)
    return model


def _derived(model: RotationModel) -> bool:
    """Totals and fills are integral whenever the flows are; only CP-SAT needs them declared
    so."""
    return model.backend == "cpsat"


def _elastic(model: RotationModel, name: str, scope: str, elastic: bool, upper: float
             ) -> tuple[list[int], list[float]]:
    if not elastic:
        return [], []
    column = model.column(0, upper, True, f"slack[{name},{scope}]")  # people short
    model.slack[(name, scope)] = column
    return [column], [1.0]


def add_flow_totals(model: RotationModel, net: Network, index: _Index, sizes: list[int]
                    ) -> None:
    """Definitions: arr[d,j] = Σ x into (d, j); dep[s,j] = Σ x of main-j groups leaving s;
    kdep[s] = Σ x of key groups leaving s."""
    size_of = [min(sizes[a.group], 10**6) for a in net.arcs]  # per arc, its group's size
    derived = _derived(model)

    def total(name: str, arcs: list[int]) -> int:
        upper = sum(map(size_of.__getitem__, arcs))
        column = model.column(0, upper, derived, name)
        model.row(0, 0, f"define.{name}", [column, *arcs], [1.0] + [-1.0] * len(arcs))
        return column

    for key, arcs in sorted(index.into.items()):
        model.arr[key] = total(f"arr[{key[0]},{key[1]}]", arcs)
    for key, arcs in sorted(index.out_main.items()):
        model.dep[key] = total(f"dep[{key[0]},{key[1]}]", arcs)
    for school, arcs in sorted(index.out_key.items()):
        model.kdep[school] = total(f"kdep[{school}]", arcs)


def add_group_supply(model: RotationModel, net: Network, index: _Index) -> None:
    """move.once: a group sends at most its size, its wish arcs included, and a member with
    more than one wish arc takes at most one of them (each teacher moves at most once)."""
    for g in net.groups:
        arcs = index.by_group[g.index]
        if len(arcs) > 1:
            model.row(-INF, len(g.members), f"move.once[g{g.index}]", arcs, [1.0] * len(arcs))
    for (group, member), arcs in sorted(index.by_member.items()):
        if len(arcs) > 1:
            model.row(-INF, 1, f"move.once[g{group}:{member}]", arcs, [1.0] * len(arcs))
    y = model.y.tolist()
    for staff_no, arcs in sorted(index.p_by.items()):
        if len(arcs) > 1:
            model.row(-INF, 1, f"move.once[{staff_no}]", [y[i] for i in arcs], [1.0] * len(arcs))


def add_subject_capacity(model: RotationModel, instance: Instance) -> None:
    """capacity.subject: arr[d,j] ≤ shortage(d, j) + dep[d,j]."""
    for (dest, subject), arrivals in model.arr.items():
        leaving = model.dep.get((dest, subject))
        model.row(-INF, instance.school_by_code[dest].shortage(subject),
                  f"capacity.subject[{dest},{subject}]",
                  [arrivals] + ([leaving] if leaving is not None else []),
                  [1.0] + ([-1.0] if leaving is not None else []))


def add_post_ceiling(model: RotationModel, instance: Instance, net: Network, index: _Index
                     ) -> None:
    """capacity.post_ceiling: net arrivals ≤ free posts (0 for a school already at or above)."""
    y = model.y.tolist()
    for dest in sorted(set(index.arr_by_school) | set(index.p_into)):
        free = max(0, instance.school_by_code[dest].post_ceiling - net.headcount.get(dest, 0))
        plus = [model.arr[k] for k in index.arr_by_school[dest]] + [
            y[i] for i in index.p_into[dest]]
        minus = [model.dep[k] for k in index.dep_by_school[dest]] + [
            y[i] for i in index.p_out[dest]]
        model.row(-INF, free, f"capacity.post_ceiling[{dest}]", plus + minus,
                  [1.0] * len(plus) + [-1.0] * len(minus))


def add_min_keep(model: RotationModel, instance: Instance) -> None:
    """sending.min_keep / sending.shortage_kept: dep[s,j] − arr[s,j] ≤ the net loss the school
    may bear in j (`rules.max_net_loss`: 0 while short of j, else in_post − min_keep)."""
    for (source, subject), leaving in model.dep.items():
        entry = instance.school_by_code[source].staffing_by_subject.get(subject)
        if entry is None:
            continue
        coming = model.arr.get((source, subject))
        limit, name = max_net_loss(entry)
        model.row(-INF, limit, f"{name}[{source},{subject}]",
                  [leaving] + ([coming] if coming is not None else []),
                  [1.0] + ([-1.0] if coming is not None else []))


def add_sections(model: RotationModel, instance: Instance, net: Network, index: _Index) -> None:
    """The two sections of a complete secondary school, for each subject with the senior
    section's figures (`SubjectStaffing.senior`), over the arcs of groups with and without a
    senior-level certificate (a group's certificate is one of its key):

    - capacity.section: arrivals without one − departures of main-j teachers without one ≤
      the junior section's slots (`rules.junior_section_slots`; only while the senior section
      is short — else every arrival fills a junior need);
    - sending.section_shortage_kept / sending.section_min_keep: senior-certified departures of
      main-j teachers − senior-certified arrivals in j ≤ the senior section's net loss
      (`rules.max_senior_net_loss`).

    With the subject's own capacity and sending rows these keep every slot counted in level 1
    a true one (`rules.slots_filled`). Rows only for the schools with section figures: the
    arcs into and out of those (school, subject) places are split by certificate here, not in
    the per-arc index."""
    arcs = net.arcs
    senior = [g.cert >= SENIOR_CERT_RANK for g in net.groups]
    x = model.x
    for school in instance.schools:
        for entry in school.staffing:
            limit = max_senior_net_loss(entry)
            if limit is None:
                continue
            key = (school.code, entry.subject)
            into, out = index.into.get(key, []), index.out_main.get(key, [])
            junior_in = [i for i in into if not senior[arcs[i].group]]
            junior_out = [i for i in out if not senior[arcs[i].group]]
            slots = junior_section_slots(entry)
            if slots is not None and junior_in:
                model.row(-INF, slots, f"capacity.section[{key[0]},{key[1]}]",
                          x[junior_in + junior_out],
                          [1.0] * len(junior_in) + [-1.0] * len(junior_out))
            senior_out = [i for i in out if senior[arcs[i].group]]
            if senior_out:
                senior_in = [i for i in into if senior[arcs[i].group]]
                model.row(-INF, limit[0], f"{limit[1]}[{key[0]},{key[1]}]",
                          x[senior_out + senior_in],
                          [1.0] * len(senior_out) + [-1.0] * len(senior_in))


def add_principal_posts(model: RotationModel, instance: Instance, index: _Index) -> None:
    """principal.post: principals arriving at a school ≤ its principal leaving (or a vacancy)."""
    staffed = {t.school for t in instance.teachers if t.is_principal}
    y = model.y.tolist()
    for dest, arrivals in sorted(index.p_into.items()):
        leaving = index.p_out[dest]
        model.row(-INF, 0 if dest in staffed else 1, f"principal.post[{dest}]",
                  [y[i] for i in arrivals] + [y[i] for i in leaving],
                  [1.0] * len(arrivals) + [-1.0] * len(leaving))


def add_district_quota(model: RotationModel, net: Network, elastic: bool,
                       instance: Instance) -> None:
    """quota.district_share: the moves that count ≥ ⌈share × base⌉ (net.district_target).
    Every move counts unless the rules leave reverse flows out (quotas.reverse_flows_count);
    then only the arcs that `counts_toward_district_share`."""
    if instance.rules.quotas.reverse_flows_count:
        columns = list(model.dep.values()) + model.y.tolist()
    else:
        at, rules = instance.school_by_code, instance.rules
        columns = [v for v, a in zip(model.x.tolist() + model.y.tolist(),
                                     net.arcs + net.principal_arcs, strict=True)
                   if counts_toward_district_share(at[a.source], at[a.dest], rules)]
    slack, ones = _elastic(model, "quota.district_share", "district", elastic,
                           net.district_target)
    model.row(net.district_target, INF, "quota.district_share[district]", columns + slack,
              [1.0] * len(columns) + ones)


def add_school_quotas(model: RotationModel, net: Network, index: _Index, elastic: bool) -> None:
    """quota.school_share: departures from each urban or quality school ≥ its target."""
    y = model.y.tolist()
    for school, target in sorted(net.school_targets.items()):
        if target == 0:
            continue
        columns = [model.dep[k] for k in index.dep_by_school[school]] + [
            y[i] for i in index.p_out[school]]
        slack, ones = _elastic(model, "quota.school_share", school, elastic, target)
        model.row(target, INF, f"quota.school_share[{school}]", columns + slack,
                  [1.0] * len(columns) + ones)


def add_key_share(model: RotationModel, instance: Instance, net: Network, elastic: bool) -> None:
    """quota.key_share: q·(key moves + slack) ≥ p·(all moves) for the share p/q (exact ceil)."""
    share = key_share_fraction(instance.rules)
    if share == 0:
        return
    p, q = share.numerator, share.denominator
    # Only the moves in the share's base (quotas.key_share_base): all, or those out of urban
    # and quality schools.
    at, rules = instance.school_by_code, instance.rules
    columns: list[int] = []
    coefficients: list[float] = []
    for s, v in model.kdep.items():
        if in_key_share_base(at[s], rules):
            columns.append(v)
            coefficients.append(q)
    for (s, _), v in model.dep.items():
        if in_key_share_base(at[s], rules):
            columns.append(v)
            coefficients.append(-p)
    for v, a in zip(model.y.tolist(), net.principal_arcs, strict=True):
        if in_key_share_base(at[a.source], rules):
            columns.append(v)
            coefficients.append(q * a.key - p)
    slack, _ = _elastic(model, "quota.key_share", "district", elastic, INF)
    model.row(0, INF, "quota.key_share[district]", columns + slack,
              coefficients + [float(q)] * len(slack))


def add_principal_two_terms(model: RotationModel, net: Network, index: _Index, elastic: bool
                            ) -> None:
    """principal.two_terms: a principal with the set number of terms at one school moves."""
    y = model.y.tolist()
    for staff_no in net.must_rotate_principals:
        columns = [y[i] for i in index.p_by[staff_no]]
        slack, ones = _elastic(model, "principal.two_terms", staff_no, elastic, 1)
        model.row(1, INF, f"principal.two_terms[{staff_no}]", columns + slack,
                  [1.0] * len(columns) + ones)


def add_pins(model: RotationModel, instance: Instance, net: Network, index: _Index,
             elastic: bool) -> None:
    """pin.must_move / pin.must_go: the pinned teacher moves (must_go arcs lead only to the
    named school; forbid and must_stay pins removed arcs when the network was built)."""
    group_of = {g.members[0]: g.index for g in net.groups if len(g.members) == 1}
    y = model.y.tolist()
    for pin in sorted(instance.pins, key=lambda p: (p.staff_no, p.kind)):
        if pin.kind not in ("must_move", "must_go"):
            continue
        if instance.teacher_by_staff_no[pin.staff_no].is_principal:
            columns = [y[i] for i in index.p_by.get(pin.staff_no, [])]
        else:
            group = group_of.get(pin.staff_no)
            columns = list(index.by_group[group]) if group is not None else []
        name = f"pin.{pin.kind}"
        slack, ones = _elastic(model, name, pin.staff_no, elastic, 1)
        model.row(1, INF, f"{name}[{pin.staff_no}]", columns + slack,
                  [1.0] * len(columns) + ones)


def add_objective_terms(model: RotationModel, instance: Instance, net: Network) -> None:
    """Fill variables for rural shortages, and the coefficient lists of the three levels."""
    fill_columns: list[int] = []
    fill_weights: list[float] = []
    derived = _derived(model)
    for (dest, subject), arrivals in sorted(model.arr.items()):
        school = instance.school_by_code[dest]
        slots = school.shortage(subject)
        if school.zone != "rural" or slots == 0:
            continue
        f = model.column(0, slots, derived, f"fill[{dest},{subject}]")
        model.fill[(dest, subject)] = f
        leaving = model.dep.get((dest, subject))
        model.row(-INF, 0, f"fill[{dest},{subject}]",
                  [f, arrivals] + ([leaving] if leaving is not None else []),
                  [1.0, -1.0] + ([1.0] if leaving is not None else []))
        fill_columns.append(f)
        fill_weights.append(subject_weight(subject, instance.rules))
    arcs = net.arcs + net.principal_arcs
    columns = np.concatenate((model.x, model.y))
    model.terms = {
        "rural_shortage_filled": terms(fill_columns, fill_weights),
        "preference": (columns, np.array([a.preference for a in arcs], np.float64)),
        "distance": (columns, np.array([round(a.distance_km / DISTANCE_UNIT_KM) for a in arcs],
                                       np.float64)),
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
    second_columns, second_coefficients = model.terms[second]
    if np.any(second_coefficients < 0):
        return None
    n = model.num_columns
    second_cost = np.bincount(second_columns, second_coefficients, minlength=n)
    # Each arc's owner: its group (0 … groups − 1) or its principal (after the groups).
    owners = np.concatenate((np.array([a.group for a in net.arcs], np.int64),
                             len(net.groups) + np.array([a.group for a in net.principal_arcs],
                                                        np.int64)))
    longest = np.zeros(len(net.groups) + len(net.principals))
    np.maximum.at(longest, owners, second_cost[np.concatenate((model.x, model.y))])
    sizes = np.array([len(g.members) for g in net.groups] + [1] * len(net.principals), float)
    weight = 1 + round(float(longest @ sizes))
    first_columns, first_coefficients = model.terms[first]
    largest = float(np.abs(first_coefficients).max()) if len(first_coefficients) else 1.0
    if weight * largest > COMBINED_MAX_COEFFICIENT:
        return None
    cost = weight * np.bincount(first_columns, first_coefficients, minlength=n) - second_cost
    used = np.zeros(n, bool)
    used[first_columns] = used[second_columns] = True
    columns = np.flatnonzero(used)
    return (columns, cost[columns]), weight


def term_value(level_terms: Terms, values: np.ndarray | list[float]) -> float:
    """The value of an objective level at a solution (all columns, in index order)."""
    columns, coefficients = level_terms
    return float(coefficients @ np.asarray(values, np.float64)[columns])


def set_objective(model: RotationModel, level_terms: Terms, maximize: bool) -> None:
    columns, coefficients = level_terms
    model.cost = np.bincount(columns, coefficients, minlength=model.num_columns).astype(
        np.float64)
    model.maximize = maximize


def fix_level(model: RotationModel, level: str, value: float, maximize: bool) -> None:
    """Keep a solved level at `value` by a row at the value itself, no slack: the level is a
    plan's integral sum of integral terms, so `value` is rounded to its integer first (a value
    reported a hair above it must not cut off its own plan; the solvers' feasibility tolerance,
    10⁻⁷, covers the rest).

    10⁻⁹ of the value as slack was tried: the LP used that too — 100,000 teachers: distance
    unproven (gap 0.014%) in 205 s, against all three levels proven with the LP integral at 0;
    30,000: 18.1 against 11.9 CPU s.

    Why not half a unit: the level is integral, so `≥ value − 0.5` and `≥ value` allow the same
    integer plans, but the LP relaxation of the later levels used that half unit — on a
    10,000-teacher county it gave up half a weighted fill slot for ~1.5 preference points, and
    the combined later LP's bound stood ~460,000 (1.5 weights) above the optimum, which HiGHS's
    MIP after reduced-cost fixing then had to close (40,000–50,000 columns free, 2–3 CPU s).
    With the row at the value the later LP's bound is the optimum on the eight feasible counties
    of `benchmarks/bench_city.py` and no MIP runs after it (county 2022 6.6 → 4.4 CPU s). On the
    sample district the same half unit was the whole root gap of the combined later levels (its
    dual 640,377 × 0.5 = 5,062,940.5 − 4,742,752); with the row at the value HiGHS proves them
    at the root (0.73–2.2 → 0.13–0.15 CPU s without presolve,
    `levels.FULL_MIP_WITHOUT_PRESOLVE_S`)."""
    value = round(value)
    lb, ub = (value, INF) if maximize else (-INF, value)
    model.row(lb, ub, f"lexicographic[{level}]", *model.terms[level])


def solve_lp(model: RotationModel, time_limit_s: float,
             start: tuple[np.ndarray, np.ndarray] | None = None) -> LevelResult:
    """The LP relaxation of the current objective in GLOP (`solve_lp_glop`; from the basis
    `start`, column and row statuses, by `glop.solve_lp_glop_from_basis`); its row duals and
    reduced costs stay on the model (pricing)."""
    if model.empty_infeasible_rows:  # e.g. a quota with nobody to move
        return LevelResult(pywraplp.Solver.INFEASIBLE, None, None)
    if start is None:
        status, value, values, duals, reduced = solve_lp_glop(model.problem(), time_limit_s,
                                                              model.glop_parameters)
    else:
        status, value, values, duals, reduced = solve_lp_glop_from_basis(
            model.problem(), time_limit_s, *start, model.glop_parameters)
    model.lp_duals, model.lp_reduced_costs = duals, reduced
    if status != pywraplp.Solver.OPTIMAL:
        return LevelResult(status, None, None)
    return LevelResult(status, value, value, values)


def solve_lp_glop(problem: Problem, time_limit_s: float, parameters: str = ""
                  ) -> tuple[int, float | None, np.ndarray | None, np.ndarray | None,
                             np.ndarray | None]:
    """(pywraplp status, value, values, row duals, reduced costs) of the problem's LP
    relaxation in GLOP, solved from its proto (`pywraplp.Solver.SolveWithProto`: the answer
    comes back as arrays). Level 1 stays in GLOP: on a 10,000-teacher county GLOP took 1.7 CPU
    s, HiGHS 4.8 s (interior point), 6.0 s (PDLP), 13.6 s (dual simplex), 22.7 s (primal); on
    the 30,000-teacher district HiGHS's simplex took 91 s where GLOP took 4–10 s.
    `parameters`: GLOP's own, in text format ("" for its defaults)."""
    request = linear_solver_pb2.MPModelRequest(
        solver_type=linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING,
        solver_time_limit_seconds=max(0.001, time_limit_s),
        solver_specific_parameters=parameters)
    problem.to_proto(request.model)
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(request, response)
    if response.status == linear_solver_pb2.MPSOLVER_INFEASIBLE:
        return pywraplp.Solver.INFEASIBLE, None, None, None, None
    if response.status != linear_solver_pb2.MPSOLVER_OPTIMAL:
        return pywraplp.Solver.NOT_SOLVED, None, None, None, None
    values = np.array(response.variable_value, np.float64)
    return (pywraplp.Solver.OPTIMAL, problem.objective(values), values,
            np.array(response.dual_value, np.float64), np.array(response.reduced_cost, np.float64))


def solve_lp_exported(problem: Problem, time_limit_s: float,
                      start: tuple[np.ndarray, np.ndarray] | None = None) -> LevelResult:
    """The LP relaxation of an exported model, by HiGHS from scratch (`highs.solve_lp_highs`),
    or by GLOP from the basis `start` (column and row statuses, `glop.solve_lp_glop_from_basis`;
    see `solve._later_lp_from_level_one`)."""
    if start is None:
        status, value, values, prices = solve_lp_highs(problem, time_limit_s)
    else:
        status, value, values, prices, _ = solve_lp_glop_from_basis(problem, time_limit_s,
                                                                    *start)
    return LevelResult(status, value, value, values, row_prices=prices)


def solve_mip(problem: Problem, backend: str, time_limit_s: float, threads: int, seed: int,
              gap: float, start: np.ndarray | list[float] | None = None,
              cutoff: float | None = None, feasibility_jump: bool = True,
              presolve: bool = True) -> LevelResult:
    """Solve a problem with the MIP back-end (HiGHS, SCIP or CP-SAT). HiGHS gets the arrays
    (quiet; `start` — a feasible solution — is its first incumbent, `cutoff` a value worse
    solutions are pruned against, `feasibility_jump` whether its heuristic of that name runs,
    `presolve` whether its presolve does); the others a proto through `pywraplp`, where these
    four are not used."""
    if backend == "highs":
        status, value, bound, values, nodes = solve_mip_highs(
            problem, time_limit_s, threads, seed, gap,
            None if start is None else np.asarray(start, np.float64), cutoff, feasibility_jump,
            presolve)
        return LevelResult(status, value, bound, values, nodes=nodes)
    solver = pywraplp.Solver.CreateSolver(SOLVER_IDS[backend])
    if solver is None:
        raise RuntimeError(f"OR-Tools has no {backend} back-end here")
    solver.SuppressOutput()
    error = solver.LoadModelFromProto(problem.to_proto())
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
                       np.array([v.solution_value() for v in solver.variables()]),
                       nodes=nodes if nodes >= 0 else None)
