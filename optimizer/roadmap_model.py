"""The multi-year rotation model: one integer program over every year of the horizon.

Variables (k = year index, 0 = the first year)
  x[g,k,d,j] ∈ {0..|g|}  teachers of group g starting a secondment at d, teaching j, in year k
  y[p,d]     ∈ {0, 1}    a principal moving to a principal post (first year only)
  fill[k,d,j] ≥ 0        filled rural shortage slots; kmax, kmin: most and fewest key moves

Groups: teachers the model cannot tell apart over the whole horizon — the one-year grouping
(school, main subject, subjects, certificate, volunteer, wishes, pin) plus, per year, whether
they may rotate (`is_available`), are key (`is_key`) and count in the school quota's base.

A move started in year k is in force for `terms.secondment_years` years (k … k+S−1; a transfer
for the rest of the horizon). While it runs, the host counts the secondee against its shortage in
the subject and its post ceiling, the home school has the vacancy in the subject, and the home
post is held for the secondee's return. When the term ends the host's slot reopens and
the teacher is back in the home post. Each year's rows are the one-year model's (same rule
functions; year 0 with no earlier moves is exactly the one-year model with the principals and
pins), written over the moves in force:

  capacity.subject[k,d,j]   A_k − D_k + HA_k − AW_k ≤ shortage_k(d,j)
  sending.min_keep[k,s,j]   D_k − A_k + AW_k − HA_k ≤ in post_k − min_keep   (not short)
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

Later years' quota rows have a slack each (people short); first level quota_shortfall (min
their sum: `roadmap.quota_shortfall`) — the first year's quotas stay hard.

Objective levels, lexicographic, after it: rural_shortage_filled (max weighted slot-years), uncovered (min
teachers of the horizon's cohort who never rotate: `roadmap.coverage`, soft), key_spread (min
kmax − kmin: `roadmap.key_spread`, soft), preference (max), distance (min 0.1-km units).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.linear_solver import pywraplp

from optimizer.instance import Instance, SubjectStaffing
from optimizer.model import DISTANCE_UNIT_KM
from optimizer.network import principal_posts
from optimizer.roadmap_project import Projection
from optimizer.rules import (
    cert_covers,
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
    wishes: tuple[str, ...]
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
            tuple(t.wishes),
            available,
            tuple(s is not None and is_key(s, i.as_of, i.rules) for s, i in states),
            tuple(s is not None and counts_in_quota_base(s, i.as_of, i.rules) for s, i in states),
            t.staff_no if t.staff_no in first.pins_by_teacher else "",
        )
        buckets[key].append(t)
    groups = []
    for index, key in enumerate(sorted(buckets)):
        members = sorted(buckets[key], key=lambda t: (t.joined_school_on, t.staff_no))
        groups.append(
            Group(
                index,
                key[0],
                key[1],
                key[2],
                key[3],
                key[4],
                key[5],
                key[6],
                key[7],
                key[8],
                tuple(t.staff_no for t in members),
            )
        )
    return groups


def build_arcs(projection: Projection, groups: list[Group], nearest: int | None) -> list[Arc]:
    """Arcs where flow is possible: allowed direction and certificate, a subject the group
    teaches, and a destination short of it that year or with teachers of it who may leave or
    have left (a swap; also into a post a secondee holds). Pins restrict the first year. `nearest` keeps, per (group, year, subject), only the
    nearest shortage and swap destinations (plus wished and pinned ones)."""
    first = projection.years[0]
    rules = first.rules
    schools = first.school_by_code
    arcs: list[Arc] = []
    for k, year in enumerate(projection.years):
        short = {(s.code, e.subject) for s in year.schools for e in s.staffing if e.shortage > 0}
        # Open by a swap: teachers of the subject who may leave this year or have left before.
        swap = {(g.school, g.main_subject) for g in groups if any(g.available[: k + 1])}
        for g in groups:
            if not g.available[k]:
                continue
            src = schools[g.school]
            pins = year.pins_by_teacher.get(g.members[0], []) if len(g.members) == 1 else []
            if any(p.kind == "must_stay" for p in pins):
                continue
            forbidden = {p.school for p in pins if p.kind == "forbid"}
            must_go = next((p.school for p in pins if p.kind == "must_go"), None)
            probe = year.teacher_by_staff_no[g.members[0]]
            if k:  # wishes are for the first year's rotation only
                probe = probe.model_copy(update={"wishes": []})
            for j in g.can_teach:
                options = []
                for dst in first.schools:
                    if (
                        dst.code == src.code
                        or dst.code in forbidden
                        or must_go not in (None, dst.code)
                        or ((dst.code, j) not in short and (dst.code, j) not in swap)
                        or direction_between(
                            (src.zone, src.is_quality), (dst.zone, dst.is_quality), rules
                        )
                        is None
                        or not cert_covers(
                            first.teacher_by_staff_no[g.members[0]].cert_levels, dst, rules
                        )
                    ):
                        continue
                    options.append((school_distance_km(src, dst), dst.code))
                options.sort()
                if nearest is not None:
                    keep = {c for _, c in [o for o in options if (o[1], j) in short][:nearest]}
                    keep |= {c for _, c in [o for o in options if (o[1], j) not in short][:2]}
                    keep |= set(g.wishes) | ({must_go} if must_go else set())
                    options = [o for o in options if o[1] in keep]
                for km, code in options:
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
        [solver.IntVar(0, len(groups[a.group].members), f"x{i}") for i, a in enumerate(arcs)],
    )
    principals, p_arcs, must = principal_posts(first, None)
    m.principals, m.principal_arcs = principals, p_arcs
    m.y = [solver.IntVar(0, 1, f"y{i}") for i in range(len(p_arcs))]
    inf = solver.infinity()
    span = term_years(first, n_years)
    ix = _Index(m)

    def row(lb: float, ub: float, name: str, terms: Terms) -> None:
        if not terms and not lb <= 0 <= ub:
            m.infeasible_rows.append(name)
        r = solver.Constraint(lb, ub, name)
        for v, c in terms:
            r.SetCoefficient(v, r.GetCoefficient(v) + c)

    fill_terms: Terms = []
    for k, year in enumerate(projection.years):
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
                    # Not short: the moves in force keep the minimum. Short (a retirement may
                    # make it so while earlier secondees are away): no new net loss this year.
                    limit, name = max_net_loss(e)
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


class _Index:
    """Arc terms by (year, school, subject), by school, by group, and principal arcs by school."""

    def __init__(self, m: RoadmapModel) -> None:
        self.into: dict[tuple, Terms] = defaultdict(list)
        self.out: dict[tuple, Terms] = defaultdict(list)
        self.into_school: dict[tuple, Terms] = defaultdict(list)
        self.out_school: dict[tuple, Terms] = defaultdict(list)
        self.by_group: dict[int, Terms] = defaultdict(list)
        self.by_year: dict[int, list] = defaultdict(list)
        self.key_year: dict[int, Terms] = defaultdict(list)
        self.rotated: dict[tuple[str, int], list] = defaultdict(list)
        self.subjects_into: dict[str, set[str]] = defaultdict(set)
        for v, a in zip(m.x, m.arcs, strict=True):
            g = m.groups[a.group]
            self.into[(a.year, a.dest, a.subject)].append((v, 1))
            self.out[(a.year, a.source, g.main_subject)].append((v, 1))
            self.into_school[(a.year, a.dest)].append((v, 1))
            self.subjects_into[a.dest].add(a.subject)
            self.out_school[(a.year, a.source)].append((v, 1))
            self.by_group[a.group].append((v, 1))
            self.by_year[a.year].append((v, a))
            if a.key:
                self.key_year[a.year].append((v, 1))
            self.rotated[(a.source, a.year)].append((v, g))
        self.p_into: dict[str, Terms] = defaultdict(list)
        self.p_out: dict[str, Terms] = defaultdict(list)
        for v, a in zip(m.y, m.principal_arcs, strict=True):
            self.p_into[a.dest].append((v, 1))
            self.p_out[a.source].append((v, 1))


def _quota_rows(m: RoadmapModel, ix: _Index, k: int, year: Instance, row) -> None:
    """quota.district_share, quota.school_share and quota.key_share of year k."""
    rules, inf, at = year.rules, m.solver.infinity(), year.school_by_code

    def slack(name: str) -> Terms:
        """Later years are indicative: their quotas may fall short, by people counted in the
        first objective level (`roadmap.quota_shortfall`); the first year's are hard."""
        if k == 0:
            return []
        var = m.solver.IntVar(0, inf, f"short[{name}]")  # people short
        m.shortfall.append((var, 1))
        return [(var, 1)]

    moves = ix.by_year.get(k, []) + (
        list(zip(m.y, m.principal_arcs, strict=True)) if k == 0 else []
    )
    counted = [
        (v, 1.0) for v, a in moves if counts_toward_district_share(at[a.source], at[a.dest], rules)
    ]
    target = share_target(rules.quotas.district_share, district_share_base(year))
    row(target, inf, f"quota.district_share[{k},district]", counted + slack(f"district_share,{k}"))
    m.targets[("quota.district_share", k, "district")] = (target, counted, [])

    share = Fraction(str(rules.quotas.school_share))
    base: dict[str, int] = defaultdict(int)
    for t in year.teachers:
        base[t.school] += counts_in_quota_base(t, year.as_of, rules)
    for s in year.schools:
        if not in_school_quota_scope(s) or share == 0 or base[s.code] == 0:
            continue
        left = [(v, 1.0) for v, a in moves if a.source == s.code]
        rotated = [
            (v, 1.0) for k2 in range(k) for v, g in ix.rotated.get((s.code, k2), []) if g.in_base[k]
        ]
        row(
            share.numerator * base[s.code],
            inf,
            f"quota.school_share[{k},{s.code}]",
            [(v, share.denominator) for v, _ in left]
            + [(v, share.numerator) for v, _ in rotated]
            + [(v, share.denominator) for v, _ in slack(f"school_share,{k},{s.code}")],
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
        + [(v, q) for v, _ in slack(f"key_share,{k}")],
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
            row(1, inf, f"principal.two_terms[{staff_no}]", mine)


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
        row(1, inf, f"pin.{pin.kind}[{pin.staff_no}]", terms)
