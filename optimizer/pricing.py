"""A bound for the exact model from the pruned model's LP: the left-out arcs are priced, not
solved.

Why: on a large district the network keeps only the nearest destinations (optimizer.network),
so the LP bound of the model solved holds for that model only. Weak Lagrangian duality makes
it a bound for the exact model at the cost of one pass over the exact model's arcs: for any row
prices π,

    max c·x over the exact model  ≤  Σ_rows max_{s ∈ [l, u]} π·s  +  Σ_columns max_{x ∈ [0, u]} (c − π·A) x

With π the pruned LP's optimal duals the rows and the kept columns give back the pruned LP
value, and each left-out arc adds max(0, its reduced cost) × its group's size. The inequality
holds for every π, so rounding in the duals can only loosen the bound, never make it wrong.
Rows that only the exact model has (a capacity row of a slot no kept arc reaches) are priced 0,
which is allowed; a rural shortage slot that no kept arc reaches adds its whole weight.

This is the pricing step of column generation; here it only certifies: when the left-out arcs
add (almost) nothing, the plan's gap holds for the exact model.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimizer.instance import Instance
from optimizer.model import RotationModel
from optimizer.network import Geometry, Network, forbidden_schools, principal_posts
from optimizer.rules import (
    SENIOR_CERT_RANK,
    in_key_share_base,
    key_share_fraction,
    max_senior_net_loss,
    subject_weight,
)

_TOLERANCE = 1e-9


def exact_model_bound(instance: Instance, net: Network, model: RotationModel) -> float | None:
    """Upper bound on level 1 (weighted rural shortage filled) of the exact model, from the LP
    of `model` that GLOP has just solved with the level-1 objective. None when a price has the
    wrong sign against an unbounded row side (the bound would be infinite)."""
    assert net.geometry is not None
    if not instance.rules.quotas.reverse_flows_count:
        return None  # the district row is then per arc, which the pricing below does not price
    if model.lp_duals is None or model.lp_reduced_costs is None:
        return None
    prices = dict(zip(model.row_names, model.lp_duals.tolist(), strict=True))
    total = _row_terms(model)
    if total is None:
        return None
    reached: set[tuple[int, str]] = set()
    uppers: dict[str, float] = defaultdict(float)
    total += _group_arcs(instance, net, prices, reached, uppers)
    total += _principal_arcs(instance, prices)
    problem = model.problem()
    arcs = len(model.x) + len(model.y)  # the first columns
    reduced = model.lp_reduced_costs.tolist()
    for j in range(arcs, model.num_columns):
        # A total (arr, dep, kdep) is bounded by the sizes of its arcs: more of them in the
        # exact model than here. Fill keeps its slots.
        upper = uppers.get(model.col_names.get(j, ""), float(problem.upper[j]))
        total += _box(reduced[j], float(problem.lower[j]), upper)
    geo = net.geometry
    for d, j in reached:
        school = geo.schools[d]
        if school.zone == "rural" and (school.code, j) not in model.fill:
            total += subject_weight(j, instance.rules) * school.shortage(j)
    return total


def _new_total_column(name: str, prices: dict[str, float], instance: Instance) -> float:
    """π·A over the rows other than its definition, of a total that only the exact model has
    (no kept arc reaches it). Its definition row is then priced at minus that, so that the
    total's reduced cost is 0 and its arcs carry the price instead — as if the total were
    substituted out. (Pricing that row 0 is valid too, but lets the total take its upper bound
    for free: 24,597 instead of 5,059 on the 30,000-teacher district.) Rows that only the exact
    model has are priced 0; the rows it shares with kept totals are as optimizer.model writes
    them: arr[d,j] +1 in capacity.post_ceiling[d] and −1 in the
    sending row of (d, j); dep[s,j] −1 in capacity.subject[s,j] and capacity.post_ceiling[s],
    +1 in fill[s,j], quota.district_share and quota.school_share[s], −p in quota.key_share;
    kdep[s] +q in quota.key_share (key share p/q)."""
    kind, scope = name.split("[", 1)
    scope = scope.rstrip("]")
    share = key_share_fraction(instance.rules)
    key_price = prices.get("quota.key_share[district]", 0.0)
    school = scope.split(",")[0]
    if not in_key_share_base(instance.school_by_code[school], instance.rules):
        key_price = 0.0  # the school's moves are outside the key share's base
    if kind == "kdep":
        return share.denominator * key_price
    if kind == "arr":
        return (prices.get(f"capacity.post_ceiling[{school}]", 0.0)
                - prices.get(f"sending.min_keep[{scope}]", 0.0)
                - prices.get(f"sending.shortage_kept[{scope}]", 0.0))
    return (-prices.get(f"capacity.subject[{scope}]", 0.0)
            - prices.get(f"capacity.post_ceiling[{school}]", 0.0)
            + prices.get(f"fill[{scope}]", 0.0)
            + prices.get("quota.district_share[district]", 0.0)
            + prices.get(f"quota.school_share[{school}]", 0.0)
            - share.numerator * key_price)


def _row_terms(model: RotationModel) -> float | None:
    """Σ max π·s over each row's range, but for the move.once rows, which are priced anew per
    group and principal (`_group_arcs`, `_principal_arcs`)."""
    assert model.lp_duals is not None
    problem = model.problem()
    priced = np.abs(model.lp_duals) > _TOLERANCE
    priced &= ~np.array([name.startswith("move.once[") for name in model.row_names], bool)
    prices = model.lp_duals[priced]
    sides = np.where(prices > 0, problem.row_upper[priced], problem.row_lower[priced])
    if not np.all(np.isfinite(sides)):
        return None
    return float(prices @ sides)


def _box(reduced_cost: float, lower: float, upper: float) -> float:
    """max (reduced cost)·x over lower ≤ x ≤ upper."""
    if reduced_cost > _TOLERANCE:
        return reduced_cost * upper
    if reduced_cost < -_TOLERANCE:
        return reduced_cost * lower
    return 0.0


def _group_arcs(instance: Instance, net: Network, prices: dict[str, float],
                reached: set[tuple[int, str]], uppers: dict[str, float]) -> float:
    """The groups' part of the bound. An arc's column is −1 in define.arr[d,j],
    define.dep[s,main], define.kdep[s] (key groups) and +1 in move.once[g] and the group's pin
    row; at a complete secondary school with section figures also, for a group without a
    senior-level certificate, +1 in capacity.section[d,j] and −1 in capacity.section[s,main],
    and for one with it +1 in the senior sending row of (s, main) and −1 in that of (d, j)
    (`_section_prices`); its level-1 cost is 0. With r the arcs' reduced costs before the
    move.once price μ, the group adds μ·size + Σ max(0, r − μ)·size; the best μ ≥ 0 (the LP's
    is the best for the kept arcs only) makes that size · max(0, max r): a left-out arc counts
    only when it beats all the group's other arcs. (Priced with the LP's μ — 0 for a group with
    one kept arc, which has no such row — every left-out arc of such a group counted: 9.7
    million at 100,000 teachers for a plan of 15,225.) Also collects the exact model's upper
    bound of every total (the sizes of its arcs) into `uppers`, by name."""
    geo = net.geometry
    assert geo is not None
    def define_price(total: str) -> float:
        price = prices.get(f"define.{total}")  # the total's own row, or one priced as if
        return -_new_total_column(total, prices, instance) if price is None else price

    subjects = {j for g in net.groups for j in g.can_teach}
    arrival_price = {j: np.array([define_price(f"arr[{school.code},{j}]")
                                  for school in geo.schools]) for j in subjects}
    # per certificate (without, with a senior one): the section rows' part of an arc's reduced
    # cost, into each school and out of each (school, main subject); none without sections
    section_in, section_out = _section_prices(geo, subjects, prices)
    arrivals_upper: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(geo.schools)))
    total = 0.0
    for g in net.groups:
        member = g.members[0]
        senior = int(g.cert >= SENIOR_CERT_RANK)
        own = (define_price(f"dep[{g.school},{g.main_subject}]")
               + (define_price(f"kdep[{g.school}]") if g.key else 0.0)
               - prices.get(f"pin.must_move[{member}]", 0.0)
               - prices.get(f"pin.must_go[{member}]", 0.0)
               + section_out[senior].get((g.school, g.main_subject), 0.0))
        forbidden = forbidden_schools(instance, g)
        best = 0.0
        for j in g.can_teach:
            mask = geo.exact_destinations(g, j, forbidden)
            if not mask.any():
                continue
            size, count = len(g.members), int(mask.sum())
            arrivals_upper[j][mask] += size
            uppers[f"dep[{g.school},{g.main_subject}]"] += size * count
            if g.key:
                uppers[f"kdep[{g.school}]"] += size * count
            price = arrival_price[j][mask] + own
            extra = section_in[senior].get(j)
            if extra is not None:
                price = price + extra[mask]
            best = max(best, float(price.max()))
        total += best * len(g.members)
    for j, upper in arrivals_upper.items():
        for d in np.flatnonzero(upper):
            reached.add((int(d), j))
            uppers[f"arr[{geo.schools[d].code},{j}]"] = float(upper[d])
    return total


def _section_prices(geo: Geometry, subjects: set[str], prices: dict[str, float]
                    ) -> tuple[tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
                               tuple[dict[tuple[str, str], float],
                                     dict[tuple[str, str], float]]]:
    """The section rows' part of an arc's reduced cost (−Σ price × coefficient), indexed by
    whether the group holds a senior-level certificate (0 without, 1 with): into each school
    per subject (an array over `geo.schools`, only for subjects with section figures
    somewhere) and out of each (school, main subject). A group without the certificate is +1
    in capacity.section of where it arrives and −1 in that of where it leaves; one with it +1
    in the senior sending row where it leaves and −1 where it arrives (optimizer.model
    `add_sections`). A row the model has not got is priced 0."""
    into: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] = ({}, {})
    out: tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]] = ({}, {})
    for d, school in enumerate(geo.schools):
        for entry in school.staffing:
            limit = max_senior_net_loss(entry)
            if limit is None:
                continue
            place = (school.code, entry.subject)
            scope = f"{place[0]},{place[1]}"
            junior = prices.get(f"capacity.section[{scope}]", 0.0)
            senior = prices.get(f"{limit[1]}[{scope}]", 0.0)
            out[0][place], out[1][place] = junior, -senior
            if entry.subject in subjects:
                for side, price in ((0, -junior), (1, senior)):
                    column = into[side].setdefault(entry.subject, np.zeros(len(geo.schools)))
                    column[d] = price
    return into, out


def _principal_arcs(instance: Instance, prices: dict[str, float]) -> float:
    """The same for the principals (each one moves at most once: max(0, best reduced cost)
    over its arcs of the exact model). A principal's move is +1 in
    move.once[p], principal.post[to], capacity.post_ceiling[to], quota.district_share,
    quota.school_share[from], principal.two_terms[p] and the pin rows; −1 in principal.post[from]
    and capacity.post_ceiling[from]; q·key − p in quota.key_share (share p/q)."""
    movable, arcs, _ = principal_posts(instance, None)
    if not arcs:
        return 0.0
    share = key_share_fraction(instance.rules)
    district = prices.get("quota.district_share[district]", 0.0)
    key_price = prices.get("quota.key_share[district]", 0.0)
    # Each price once per school and per principal, then one array expression over the arcs
    # (100,000 teachers: 142,000 arcs, a dozen lookups each took 1.5 s), summed in the same
    # order as the column above.
    codes = sorted({a.source for a in arcs} | {a.dest for a in arcs})
    at = {code: i for i, code in enumerate(codes)}

    def per_school(row: str) -> np.ndarray:
        return np.array([prices.get(f"{row}[{code}]", 0.0) for code in codes])

    def per_principal(row: str) -> np.ndarray:
        return np.array([prices.get(f"{row}[{staff_no}]", 0.0) for staff_no in movable])

    post, ceiling, school_share = (per_school("principal.post"),
                                   per_school("capacity.post_ceiling"),
                                   per_school("quota.school_share"))
    in_base = np.array([in_key_share_base(instance.school_by_code[code], instance.rules)
                        for code in codes])
    source = np.array([at[a.source] for a in arcs])
    dest = np.array([at[a.dest] for a in arcs])
    owner = np.array([a.group for a in arcs])
    key = np.array([a.key for a in arcs], dtype=np.float64)
    column = (post[dest] - post[source] + ceiling[dest] - ceiling[source] + district
              + school_share[source] + per_principal("principal.two_terms")[owner]
              + per_principal("pin.must_move")[owner] + per_principal("pin.must_go")[owner]
              + np.where(in_base[source],
                         key_price * (share.denominator * key - share.numerator), 0.0))
    best = np.zeros(len(movable))
    np.maximum.at(best, owner, -column)
    return sum(best[np.unique(owner)].tolist())
