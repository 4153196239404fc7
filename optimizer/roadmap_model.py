"""The multi-year rotation model: one integer program over every year of the horizon.

Variables (k = year index, 0 = the first year)
  x[g,k,d,j] ∈ {0..|g|}  teachers of group g starting a secondment at d, teaching j, in year k
  y[p,d]     ∈ {0, 1}    a principal moving to a principal post (first year only)
  fill[k,d,j] ≥ 0        filled rural shortage slots; kmax, kmin: most and fewest key moves

Groups: teachers the model cannot tell apart over the whole horizon — the one-year grouping
(school, main subject, subjects, certificate, volunteer, pin) plus, per year, whether
they may rotate (`is_available`), are key (`is_key`) and count in the school quota's base.

A move started in year k is in force for `terms.secondment_years` years (k … k+S−1; a transfer
for the rest of the horizon). While it runs, the host counts the secondee against its shortage in
the subject and its post ceiling, the home school has the vacancy in the subject, and the home
post is held for the secondee's return. When the term ends the host's slot reopens and
the teacher is back in the home post. Each year's rows are the one-year model's (same rule
functions; year 0 with no earlier moves is exactly the one-year model with the principals and
pins), written over the moves in force:

  capacity.subject[k,d,j]   A_k − D_k + HA_k − AW_k ≤ shortage_k(d,j)
  sending.min_keep[k,s,j]   D_k − A_k + AW_k − HA_k ≤ in post_k − min_keep + retired since
                            year 0   (not short; a retirement is not charged to earlier moves)
  sending.shortage_kept     D_k − A_k ≤ 0   (short in year k: no new net loss; secondees
                            already away stay away)
  capacity.post_ceiling[k,d] Σ_j (A_k − D_k + HA_k − AW_k) (+ principals in year 0)
                            ≤ free posts_k (ceiling − the year's established headcount, which
                            counts the secondees away: an arrival may use a held post only
                            while its holder is away)
  quota.district_share[k]   moves_k ≥ ⌈share × base_k⌉
  quota.school_share[k,s]   q·dep_k(s) ≥ p·(base_k(s) − R_k(s))   (R: the base's members who
                            rotated in an earlier year, no longer in it)
  quota.key_share[k]        q·key moves ≥ p·moves (in the share's base)
  roadmap.once[g]           Σ_k,d,j x ≤ |g|: each teacher at most once in the horizon — a move
                            is followed by the term and the cool-down (`eligibility.cooldown`),
                            and the horizon is at most term + cool-down years long

(A = arrivals, D = departures of main-j teachers started this year; HA, AW the same for moves
started in earlier years still in force.)

Every ≥ row (quotas, principal.two_terms, pins) has a slack (people short), so that no move at
all is a solution and the first level starts from it. Later years' slacks are the first level,
quota_shortfall (min their sum: `roadmap.quota_shortfall`); the first year's are weighted above
all of them in that level and then held at zero — the first year's rules stay hard.

Objective levels, lexicographic, after it: rural_shortage_filled (max weighted slot-years), uncovered (min
teachers of the horizon's cohort who never rotate: `roadmap.coverage`, soft), key_spread (min
kmax − kmin: `roadmap.key_spread`, soft), preference (max), distance (min 0.1-km units).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.linear_solver import pywraplp

from optimizer.instance import Instance, SubjectStaffing
from optimizer.model import DISTANCE_UNIT_KM
from optimizer.network import principal_posts
from optimizer.roadmap_project import Projection
from optimizer.rules import (
    cert_rank,
    counts_in_quota_base,
    counts_toward_district_share,
    direction_between,
    district_share_base,
    in_key_share_base,
    in_school_quota_scope,
    is_available,
    is_key,
    key_share_fraction,
    max_net_loss,
    move_preference,
    required_cert_rank,
    school_distance_km,
    share_target,
    subject_weight,
)

LEVELS: tuple[tuple[str, str], ...] = (
    ("quota_shortfall", "min"),
    ("rural_shortage_filled", "max"),
    ("uncovered", "min"),
    ("key_spread", "min"),
    ("preference", "max"),
    ("distance", "min"),
)
Terms = list[tuple[pywraplp.Variable, float]]


@dataclass(frozen=True)
class Group:
    index: int
    school: str
    main_subject: str
    can_teach: tuple[str, ...]
    cert: int
    volunteer: bool
    available: tuple[bool, ...]
    key: tuple[bool, ...]
    in_base: tuple[bool, ...]
    members: tuple[str, ...]


@dataclass(frozen=True)
class Arc:
    group: int
    year: int
    source: str
    dest: str
    subject: str
    key: bool
    preference: int
    distance_units: int
    member: str | None = None
    """A wish arc (first year only): the one member who wished the school may take it."""


@dataclass
class RoadmapModel:
    solver: pywraplp.Solver
    groups: list[Group]
    arcs: list[Arc]
    x: list[pywraplp.Variable]
    principals: list[str] = field(default_factory=list)
    principal_arcs: list = field(default_factory=list)
    y: list[pywraplp.Variable] = field(default_factory=list)
    terms: dict[str, Terms] = field(default_factory=dict)
    infeasible_rows: list[str] = field(default_factory=list)
    shortfall: Terms = field(default_factory=list)

    first_year_slack: Terms = field(default_factory=list)
    zero_start: dict[int, float] = field(default_factory=dict)
    """Value of each slack when nobody moves: with them, no move at all is a solution, the
    start of the first level (the first year's quotas, principals and pins are hard, and on
    the sample district HiGHS found no solution without a start in 20 s)."""

    def elastic(self, name: str, year: int, coef: int, lb: float) -> Terms:
        """A slack (people short) for a ≥ row of `year` with lower bound `lb`: later years' go
        into `shortfall` (the first level, `roadmap.quota_shortfall`); the first year's into
        `first_year_slack`, which the first level drives to zero before anything else (the
        first year's rules are hard: a first year that needs them is infeasible)."""
        var = self.solver.IntVar(0, self.solver.infinity(), f"short[{name}]")
        (self.shortfall if year else self.first_year_slack).append((var, 1))
        self.zero_start[var.index()] = max(0, math.ceil(lb / coef - 1e-9))
        return [(var, coef)]

    @property
    def empty_infeasible_rows(self) -> list[str]:
        """The name optimizer.levels reads (the roadmap's rows with no variable that fail)."""
        return self.infeasible_rows

    targets: dict[tuple[str, int, str], tuple[int, Terms, Terms]] = field(default_factory=dict)
    """(quota, year, scope) → (the target for the district, the base for a school; the moves
    counting towards it; the base's members who rotated earlier), for the report."""


def term_years(instance: Instance, years: int) -> int:
    """Years a move stays in force: the secondment term, or the whole horizon for transfers."""
    rules = instance.rules
    return rules.terms.secondment_years if rules.terms.default_kind == "secondment" else years


def build_groups(projection: Projection) -> list[Group]:
    """Non-principal teachers who may rotate in some year, grouped (see the module docstring).
    A pinned teacher is a group of one (pins hold in the first year)."""
    first = projection.years[0]
    buckets: dict[tuple, list] = defaultdict(list)
    by_year = [y.teacher_by_staff_no for y in projection.years]
    for t in first.teachers:
        if t.is_principal:
            continue
        states = [
            (year.get(t.staff_no), inst)
            for year, inst in zip(by_year, projection.years, strict=True)
        ]
        available = tuple(s is not None and is_available(s, i.as_of, i.rules) for s, i in states)
        if not any(available):
            continue
        key = (
            t.school,
            t.main_subject,
            tuple(t.can_teach),
            cert_rank(t.cert_levels),
            t.volunteer,
            available,
            tuple(s is not None and is_key(s, i.as_of, i.rules) for s, i in states),
            tuple(s is not None and counts_in_quota_base(s, i.as_of, i.rules) for s, i in states),
            t.staff_no if t.staff_no in first.pins_by_teacher else "",
        )
        buckets[key].append(t)
    groups = []
    for index, key in enumerate(sorted(buckets)):
        members = sorted(buckets[key], key=lambda t: (t.joined_school_on, t.staff_no))
        groups.append(Group(index, *key[:8], tuple(t.staff_no for t in members)))
    return groups


def build_arcs(
    projection: Projection,
    groups: list[Group],
    nearest: int | None,
    keep: frozenset[tuple[str, str, str]] = frozenset(),
) -> list[Arc]:
    """Arcs where flow is possible: allowed direction and certificate, a subject the group
    teaches, and a destination short of it that year or with teachers of it who may leave or
    have left (a swap; also into a post a secondee holds). Pins restrict the first year; each
    member's wishes get wish arcs in the first year. `nearest` keeps, per (group, year,
    subject), only the nearest `nearest` shortage and 2 swap destinations (wish arcs, pinned
    schools and the first-year moves in `keep` — (staff number, school, subject) — always)."""
    first = projection.years[0]
    rules = first.rules
    schools = first.school_by_code
    arcs: list[Arc] = []
    cache: dict[tuple, list[tuple[float, str]]] = {}

    def reachable(k: int, source: str, cert: int, j: str) -> list[tuple[float, str]]:
        """(km, code) of the schools open for j in year k that a teacher of `source` with
        certificate rank `cert` may go to, nearest first (the same for every such group)."""
        key = (k, source, cert, j)
        if key not in cache:
            src = schools[source]
            found = [
                (school_distance_km(src, dst), dst.code)
                for dst in first.schools
                if dst.code != source
                and ((dst.code, j) in short or (dst.code, j) in swap)
                and direction_between((src.zone, src.is_quality), (dst.zone, dst.is_quality), rules)
                and cert_rank_required[dst.code] <= cert
            ]
            cache[key] = sorted(found)
        return cache[key]

    cert_rank_required = {s.code: required_cert_rank(s, rules) for s in first.schools}
    group_of = {staff_no: g.index for g in groups for staff_no in g.members}
    kept_for: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for staff_no, code, subject in keep:
        if staff_no in group_of:
            kept_for[group_of[staff_no]].add((code, subject))
    for k, year in enumerate(projection.years):
        short = {(s.code, e.subject) for s in year.schools for e in s.staffing if e.shortage > 0}
        # Open by a swap: teachers of the subject who may leave this year or have left before.
        swap = {(g.school, g.main_subject) for g in groups if any(g.available[: k + 1])}
        for g in groups:
            if not g.available[k]:
                continue
            pins = year.pins_by_teacher.get(g.members[0], []) if len(g.members) == 1 else []
            if any(p.kind == "must_stay" for p in pins):
                continue
            forbidden = {p.school for p in pins if p.kind == "forbid"}
            must_go = next((p.school for p in pins if p.kind == "must_go"), None)
            # Group arcs carry the preference of a move nobody wished; a member's wishes get
            # arcs of their own in the first year (as in optimizer.network, and for the same
            # reason: wishes in the group key made most groups singletons).
            probe = year.teacher_by_staff_no[g.members[0]].model_copy(update={"wishes": []})
            wishers = (
                [
                    first.teacher_by_staff_no[s]
                    for s in g.members
                    if first.teacher_by_staff_no[s].wishes
                ]
                if k == 0
                else []
            )
            for j in g.can_teach:
                options = [
                    (km, code)
                    for km, code in reachable(k, g.school, g.cert, j)
                    if code not in forbidden and must_go in (None, code)
                ]
                kept = options
                if nearest is not None:
                    wanted = {c for _, c in [o for o in options if (o[1], j) in short][:nearest]}
                    wanted |= {c for _, c in [o for o in options if (o[1], j) not in short][:2]}
                    wanted |= {must_go} if must_go else set()
                    if k == 0:
                        wanted |= {c for c, subject in kept_for[g.index] if subject == j}
                    kept = [o for o in options if o[1] in wanted]
                for km, code in kept:
                    arcs.append(
                        Arc(
                            g.index,
                            k,
                            g.school,
                            code,
                            j,
                            g.key[k],
                            move_preference(probe, code, rules),
                            round(km / DISTANCE_UNIT_KM),
                        )
                    )
                for wisher in wishers:
                    for km, code in options:
                        if code in wisher.wishes:
                            arcs.append(
                                Arc(
                                    g.index,
                                    k,
                                    g.school,
                                    code,
                                    j,
                                    g.key[k],
                                    move_preference(wisher, code, rules),
                                    round(km / DISTANCE_UNIT_KM),
                                    wisher.staff_no,
                                )
                            )
    return arcs


def build_model(projection: Projection, groups: list[Group], arcs: list[Arc]) -> RoadmapModel:
    """All rows of the module docstring, and the coefficient lists of the five levels."""
    first = projection.years[0]
    n_years = len(projection.years)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    m = RoadmapModel(
        solver,
        groups,
        arcs,
        [
            solver.IntVar(0, 1 if a.member else len(groups[a.group].members), f"x{i}")
            for i, a in enumerate(arcs)
        ],
    )
    principals, p_arcs, must = principal_posts(first, None)
    m.principals, m.principal_arcs = principals, p_arcs
    m.y = [solver.IntVar(0, 1, f"y{i}") for i in range(len(p_arcs))]
    inf = solver.infinity()
    span = term_years(first, n_years)
    ix = _Index(m)

    def row(lb: float, ub: float, name: str, terms: Terms) -> None:
        """A named row; every variable appears once in `terms` (totals keep them apart)."""
        if not terms and not lb <= 0 <= ub:
            m.infeasible_rows.append(name)
        r = solver.Constraint(lb, ub, name)
        for v, c in terms:
            r.SetCoefficient(v, c)

    fill_terms: Terms = []
    in_post_0 = {(s.code, e.subject): e.in_post for s in first.schools for e in s.staffing}
    for k, year in enumerate(projection.years):
        retired = {
            (s.code, e.subject): in_post_0[(s.code, e.subject)] - e.in_post
            for s in year.schools
            for e in s.staffing
        }
        running = range(max(0, k - span + 1), k)
        headcount: dict[str, int] = defaultdict(int)
        for t in year.teachers:
            headcount[t.school] += t.post_type == "established"
        for s in year.schools:
            # A subject the school has no staffing entry for: shortage 0 (a swap only), and no
            # sending row, as in the one-year model.
            extra = [
                SubjectStaffing(subject=j)
                for j in sorted(ix.subjects_into[s.code])
                if j not in s.staffing_by_subject
            ]
            for e in s.staffing + extra:
                net_in = (
                    ix.into.get((k, s.code, e.subject), [])
                    + _neg(ix.out.get((k, s.code, e.subject), []))
                    + [p for k2 in running for p in ix.into.get((k2, s.code, e.subject), [])]
                    + _neg([p for k2 in running for p in ix.out.get((k2, s.code, e.subject), [])])
                )
                if net_in:
                    row(-inf, e.shortage, f"capacity.subject[{k},{s.code},{e.subject}]", net_in)
                    # Not short: the moves in force keep the minimum, a retirement since the
                    # first year not charged to moves made before it (it would make a legal
                    # earlier secondment illegal). Short: no new net loss this year.
                    limit, name = max_net_loss(e)
                    if e.shortage == 0:
                        limit += retired.get((s.code, e.subject), 0)
                    loss = (
                        _neg(net_in)
                        if e.shortage == 0
                        else (
                            ix.out.get((k, s.code, e.subject), [])
                            + _neg(ix.into.get((k, s.code, e.subject), []))
                        )
                    )
                    if loss and e.subject in s.staffing_by_subject:
                        row(-inf, limit, f"{name}[{k},{s.code},{e.subject}]", loss)
                if net_in and s.zone == "rural" and e.shortage > 0:
                    f = solver.NumVar(0, e.shortage, f"fill[{k},{s.code},{e.subject}]")
                    row(-inf, 0, f"fill[{k},{s.code},{e.subject}]", [(f, 1)] + _neg(net_in))
                    fill_terms.append((f, subject_weight(e.subject, year.rules)))
            # Moves in force: a secondee holds the home post, so an arrival may use it only
            # while the secondee is away (the row of every later year checks that).
            ceiling = [
                p
                for k2 in (*running, k)
                for p in ix.into_school.get((k2, s.code), [])
                + _neg(ix.out_school.get((k2, s.code), []))
            ]
            if k == 0:
                ceiling += ix.p_into.get(s.code, []) + _neg(ix.p_out.get(s.code, []))
            if ceiling:
                row(
                    -inf,
                    max(0, s.post_ceiling - headcount[s.code]),
                    f"capacity.post_ceiling[{k},{s.code}]",
                    ceiling,
                )
        _quota_rows(m, ix, k, year, row)

    for g in groups:
        row(-inf, len(g.members), f"roadmap.once[g{g.index}]", ix.by_group.get(g.index, []))
    for staff_no, wish_arcs in sorted(ix.by_member.items()):
        if len(wish_arcs) > 1:
            row(-inf, 1, f"roadmap.once[{staff_no}]", wish_arcs)
    _principal_rows(m, first, must, row)
    _pin_rows(m, ix, first, row)

    kmax, kmin = solver.NumVar(0, inf, "kmax"), solver.NumVar(0, inf, "kmin")
    for k in range(n_years):
        keyed = ix.key_year.get(k, [])
        row(0, inf, f"roadmap.key_spread[max,{k}]", [(kmax, 1)] + _neg(keyed))
        row(0, inf, f"roadmap.key_spread[min,{k}]", [(kmin, -1)] + keyed)
    pairs = list(zip(m.x, arcs, strict=True))
    p_pairs = list(zip(m.y, p_arcs, strict=True))
    m.terms = {
        "quota_shortfall": m.shortfall,
        "rural_shortage_filled": fill_terms,
        "uncovered": [(v, -1) for v, _ in pairs],  # + the cohort's size, a constant
        "key_spread": [(kmax, 1), (kmin, -1)],
        "preference": [(v, a.preference) for v, a in pairs + p_pairs],
        "distance": [(v, a.distance_units) for v, a in pairs]
        + [(v, round(a.distance_km / DISTANCE_UNIT_KM)) for v, a in p_pairs],
    }
    return m


def _neg(terms: Terms) -> Terms:
    return [(v, -c) for v, c in terms]


@dataclass(frozen=True)
class _GroupYear:
    """A group's moves in one year, as the quota rows count them."""

    group: int
    source: str
    key: bool


class _Index:
    """Aggregate variables, each defined once by an equality row (`define.*`), so that an arc
    enters three rows and the yearly rows are written over a few totals — as optimizer.model
    does, and for the same reason: on the sample district over five years an arc entered ~18
    rows and building the model took half a minute. `into`/`out` (year, school, subject),
    `into_school`/`out_school` (year, school), `by_group` (group), `by_year` (year → per-group
    totals), `key_year` (year), `rotated` ((school, year) → per-group totals)."""

    def __init__(self, m: RoadmapModel) -> None:
        solver = m.solver
        arcs_of: dict[tuple, list] = defaultdict(list)
        self.arcs_by_year: dict[int, list] = defaultdict(list)
        self.subjects_into: dict[str, set[str]] = defaultdict(set)
        self.by_member: dict[str, Terms] = defaultdict(list)
        for v, a in zip(m.x, m.arcs, strict=True):
            g = m.groups[a.group]
            for key in (
                ("in", a.year, a.dest, a.subject),
                ("out", a.year, a.source, g.main_subject),
                ("ins", a.year, a.dest),
                ("outs", a.year, a.source),
                ("g", a.group, a.year),
            ):
                arcs_of[key].append(v)
            self.subjects_into[a.dest].add(a.subject)
            self.arcs_by_year[a.year].append((v, a))
            if a.member:
                self.by_member[a.member].append((v, 1))
        total: dict[tuple, pywraplp.Variable] = {}
        for key in sorted(arcs_of, key=str):
            var = solver.NumVar(0, solver.infinity(), f"{key[0]}{list(key[1:])}")
            row = solver.Constraint(0, 0, f"define.{key[0]}{list(key[1:])}")
            row.SetCoefficient(var, 1)
            for x in arcs_of[key]:
                row.SetCoefficient(x, -1)
            total[key] = var

        def terms(kind: str) -> dict[tuple, Terms]:
            return {key[1:]: [(var, 1)] for key, var in total.items() if key[0] == kind}

        self.into, self.out = terms("in"), terms("out")
        self.into_school, self.out_school = terms("ins"), terms("outs")
        self.by_group: dict[int, Terms] = defaultdict(list)
        self.by_year: dict[int, list] = defaultdict(list)
        self.key_year: dict[int, Terms] = defaultdict(list)
        self.rotated: dict[tuple[str, int], list] = defaultdict(list)
        for (kind, *key), var in total.items():
            if kind != "g":
                continue
            group, year = key
            g = m.groups[group]
            self.by_group[group].append((var, 1))
            self.by_year[year].append((var, _GroupYear(group, g.school, g.key[year])))
            if g.key[year]:
                self.key_year[year].append((var, 1))
            self.rotated[(g.school, year)].append((var, g))
        self.p_into: dict[str, Terms] = defaultdict(list)
        self.p_out: dict[str, Terms] = defaultdict(list)
        for v, a in zip(m.y, m.principal_arcs, strict=True):
            self.p_into[a.dest].append((v, 1))
            self.p_out[a.source].append((v, 1))


def _quota_rows(m: RoadmapModel, ix: _Index, k: int, year: Instance, row) -> None:
    """quota.district_share, quota.school_share and quota.key_share of year k."""
    rules, inf, at = year.rules, m.solver.infinity(), year.school_by_code

    def slack(name: str, coef: int, lb: float) -> Terms:
        return m.elastic(name, k, coef, lb)

    principals = list(zip(m.y, m.principal_arcs, strict=True)) if k == 0 else []
    moves = ix.by_year.get(k, []) + principals
    counted = (
        [(v, 1.0) for v, _ in moves]
        if rules.quotas.reverse_flows_count
        else [
            (v, 1.0)
            for v, a in ix.arcs_by_year.get(k, []) + principals
            if counts_toward_district_share(at[a.source], at[a.dest], rules)
        ]
    )
    target = share_target(rules.quotas.district_share, district_share_base(year))
    row(
        target,
        inf,
        f"quota.district_share[{k},district]",
        counted + slack(f"district_share,{k}", 1, target),
    )
    m.targets[("quota.district_share", k, "district")] = (target, counted, [])

    share = Fraction(str(rules.quotas.school_share))
    by_source: dict[str, list] = defaultdict(list)
    for v, a in moves:
        by_source[a.source].append((v, a))
    base: dict[str, int] = defaultdict(int)
    for t in year.teachers:
        base[t.school] += counts_in_quota_base(t, year.as_of, rules)
    for s in year.schools:
        if not in_school_quota_scope(s) or share == 0 or base[s.code] == 0:
            continue
        left = [(v, 1.0) for v, a in by_source.get(s.code, [])]
        rotated = [
            (v, 1.0) for k2 in range(k) for v, g in ix.rotated.get((s.code, k2), []) if g.in_base[k]
        ]
        row(
            share.numerator * base[s.code],
            inf,
            f"quota.school_share[{k},{s.code}]",
            [(v, share.denominator) for v, _ in left]
            + [(v, share.numerator) for v, _ in rotated]
            + slack(
                f"school_share,{k},{s.code}", share.denominator, share.numerator * base[s.code]
            ),
        )
        m.targets[("quota.school_share", k, s.code)] = (base[s.code], left, rotated)

    key = key_share_fraction(rules)
    if key == 0:
        return
    p, q = key.numerator, key.denominator
    row(
        0,
        inf,
        f"quota.key_share[{k},district]",
        [(v, q * a.key - p) for v, a in moves if in_key_share_base(at[a.source], rules)]
        + slack(f"key_share,{k}", q, 0),
    )


def _principal_rows(m: RoadmapModel, first: Instance, must: list[str], row) -> None:
    """principal.post, principal.two_terms and move.once for principals, first year only."""
    inf = m.solver.infinity()
    staffed = {t.school for t in first.teachers if t.is_principal}
    pairs = list(zip(m.y, m.principal_arcs, strict=True))
    for code in sorted({a.dest for a in m.principal_arcs}):
        row(
            -inf,
            0 if code in staffed else 1,
            f"principal.post[{code}]",
            [(v, 1) for v, a in pairs if a.dest == code]
            + [(v, -1) for v, a in pairs if a.source == code],
        )
    for index, staff_no in enumerate(m.principals):
        mine = [(v, 1) for v, a in pairs if a.group == index]
        row(-inf, 1, f"move.once[{staff_no}]", mine)
        if staff_no in must:
            row(
                1,
                inf,
                f"principal.two_terms[{staff_no}]",
                mine + m.elastic(f"two_terms,{staff_no}", 0, 1, 1),
            )


def _pin_rows(m: RoadmapModel, ix: _Index, first: Instance, row) -> None:
    """pin.must_move / pin.must_go in the first year (must_stay and forbid removed arcs)."""
    inf = m.solver.infinity()
    for pin in sorted(first.pins, key=lambda p: (p.staff_no, p.kind)):
        if pin.kind not in ("must_move", "must_go"):
            continue
        if pin.staff_no in m.principals:
            index = m.principals.index(pin.staff_no)
            terms = [(v, 1) for v, a in zip(m.y, m.principal_arcs, strict=True) if a.group == index]
        else:
            terms = [
                (v, 1)
                for v, a in ix.by_year.get(0, [])
                if m.groups[a.group].members == (pin.staff_no,)
            ]
        row(
            1,
            inf,
            f"pin.{pin.kind}[{pin.staff_no}]",
            terms + m.elastic(f"{pin.kind},{pin.staff_no}", 0, 1, 1),
        )
