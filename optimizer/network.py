"""The flow network behind the model: groups of interchangeable teachers and their arcs.

Teachers who may rotate are grouped when the model cannot tell them apart: same school, main
subject, subjects they can teach, highest certificate, key status and volunteer flag, and no pin.
A group's flow to (destination, subject) is one integer variable, so a district of 3,400
teachers becomes a couple of hundred groups. Pinned teachers form groups of one.

Wishes are not part of the group key: a member who wished schools gets a *wish arc* of its own
(0/1, `Arc.member`) to each wished destination, beside the group's arcs, which carry the
preference of a move nobody wished. Why: with wishes in the key every teacher with a wish was a
group of one with arcs to every destination — on the sample district 400 of 557 groups and 82%
of the 13,491 arcs, and most of the later levels' MIP time. A plan that sends a group's flow to a
school one of its unmoved members wished is never better than giving that member the wish arc
instead (same rows, more preference), so the optimum is the same as with one group per wish
list; the hand-out gives group flows to members who did not wish that school first.

An arc group → (destination, subject) exists only when it can carry flow: the direction is
allowed, the certificate covers the destination, the group can teach the subject, and the
destination either has a shortage in it or has teachers of that main subject who could leave
(a swap). A shortage that is all the senior section's of a complete secondary school is a
shortage only for groups with a senior-level certificate (`capacity.section`); for the others
the place is open to a swap only. When pruned, each (group, subject) keeps its `nearest`
schools short of the subject and its `swaps` nearest schools where only a swap is possible,
plus the wished and pinned ones; the plan then states that its bound is for the pruned model.

Principals never join groups: they fill principal posts only, one binary arc per
(principal, school whose post is vacant or whose principal may leave).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from optimizer.baseline import greedy_moves
from optimizer.instance import Instance, Teacher
from optimizer.rules import (
    SENIOR_CERT_RANK,
    cert_rank,
    direction_between,
    district_share_base,
    haversine_km,
    in_school_quota_scope,
    is_key,
    junior_section_slots,
    move_preference,
    must_rotate_principal,
    principal_direction_ok,
    required_cert_rank,
    share_target,
    wish_rank,
)
from optimizer.settings import SolveSettings


@dataclass(frozen=True, slots=True)
class TeacherGroup:
    """Interchangeable available teachers; `members` in hand-out order (longest at the school
    first, then staff number)."""

    index: int
    school: str
    main_subject: str
    can_teach: tuple[str, ...]
    cert: int
    key: bool
    members: tuple[str, ...]
    must_move: bool = False
    must_go: str | None = None


@dataclass(slots=True)
class Arc:
    """Flow of a group (or one principal) to a destination; `subject` is None for principals.

    Not frozen, though nothing changes an arc once built: a frozen dataclass sets each field in
    `__init__` through `object.__setattr__`, 3.2 µs an arc against 0.5 µs — and a
    10,000-teacher county has 110,000 arcs, the 100,000-teacher district 402,000 once pruned."""

    group: int
    source: str
    dest: str
    subject: str | None
    distance_km: float
    preference: int
    wish_rank: int | None
    key: bool
    member: str | None = None
    """A wish arc: the one member (staff number) who alone may take it, at most once."""


class _Rounded(dict):
    """Distances from one source in km rounded to the metre, by destination position, each
    worked out once, not once per arc."""

    def __init__(self, km: list[float]) -> None:
        super().__init__()
        self.km = km

    def __missing__(self, d: int) -> float:
        self[d] = distance = round(self.km[d], 3)
        return distance


@dataclass
class Network:
    """Everything the model needs, indexed for building rows quickly."""

    groups: list[TeacherGroup]
    arcs: list[Arc]
    principals: list[str]
    principal_arcs: list[Arc]
    must_rotate_principals: list[str]
    headcount: dict[str, int]
    district_base: int
    district_target: int
    school_targets: dict[str, int]
    geometry: Geometry | None = None
    pruned: bool = False
    pruning: str = "none: every feasible destination kept (exact model)"
    exact_arcs: int = 0
    clerk_moves: list[tuple[str, str, str]] | None = None
    """The greedy clerk's moves (staff number, destination, subject) when pruning asked for
    them, kept for level 1's starting basis (`optimizer.crash`); None when not computed."""


def _group_key(teacher: Teacher, instance: Instance) -> tuple:
    rules, as_of = instance.rules, instance.as_of
    pinned = teacher.staff_no if teacher.staff_no in instance.pins_by_teacher else ""
    return (teacher.school, teacher.main_subject, tuple(teacher.can_teach),
            cert_rank(teacher.cert_levels), is_key(teacher, as_of, rules), teacher.volunteer,
            pinned)


def build_groups(instance: Instance) -> list[TeacherGroup]:
    """Available, non-principal teachers without a must_stay pin, grouped deterministically."""
    available = instance.available_staff
    buckets: dict[tuple, list[Teacher]] = defaultdict(list)
    for t in instance.teachers:
        pins = instance.pins_by_teacher.get(t.staff_no, [])
        if t.is_principal or any(p.kind == "must_stay" for p in pins):
            continue
        if t.staff_no in available:
            buckets[_group_key(t, instance)].append(t)
    groups = []
    for index, key in enumerate(sorted(buckets)):
        members = sorted(buckets[key], key=lambda t: (t.joined_school_on, t.staff_no))
        pins = instance.pins_by_teacher.get(members[0].staff_no, []) if key[-1] else []
        must_go = next((p.school for p in pins if p.kind == "must_go"), None)
        groups.append(TeacherGroup(
            index=index, school=key[0], main_subject=key[1], can_teach=key[2], cert=key[3],
            key=key[4], members=tuple(t.staff_no for t in members),
            must_move=any(p.kind in ("must_move", "must_go") for p in pins), must_go=must_go,
        ))
    return groups


@dataclass
class Geometry:
    """Where each group may go, as boolean masks over the schools (sorted by code): allowed
    direction, certificate, and open for the subject — short of it (`short_in`) or with
    available teachers of that main subject who might leave (a swap). The exact model has an
    arc for every destination in `exact_destinations`; pruning keeps a subset; the pricing of
    the exact model's bound (optimizer.pricing) walks the whole set.

    For a group without a senior-level certificate a school whose shortage in the subject is
    all its senior section's (`capacity.section` leaves it no slot) is not short, only open to
    a swap: the `junior_*` masks, kept only for the subjects where such a school exists (the
    others use the plain ones)."""

    schools: list
    position: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray
    kind_of: np.ndarray
    allowed_kind: np.ndarray
    required: np.ndarray
    short_in: dict[str, np.ndarray]
    open_for: dict[str, np.ndarray]
    swap_only: dict[str, np.ndarray]
    junior_short_in: dict[str, np.ndarray]
    junior_open_for: dict[str, np.ndarray]
    junior_swap_only: dict[str, np.ndarray]

    @classmethod
    def of(cls, instance: Instance, groups: list[TeacherGroup]) -> Geometry:
        rules = instance.rules
        schools = sorted(instance.schools, key=lambda s: s.code)
        position = {s.code: i for i, s in enumerate(schools)}
        kinds = sorted({(s.zone, s.is_quality) for s in schools})

        def none() -> np.ndarray:
            return np.zeros(len(schools), dtype=bool)

        short_in: dict[str, np.ndarray] = defaultdict(none)
        swap_in: dict[str, np.ndarray] = defaultdict(none)
        senior_only: dict[str, np.ndarray] = defaultdict(none)
        for s in schools:
            for entry in s.staffing:
                if entry.shortage > 0:
                    short_in[entry.subject][position[s.code]] = True
                    if junior_section_slots(entry) == 0:
                        senior_only[entry.subject][position[s.code]] = True
        for g in groups:
            swap_in[g.main_subject][position[g.school]] = True
        open_for = {j: short_in[j] | swap_in[j] for j in set(short_in) | set(swap_in)}
        junior_short_in = {j: short_in[j] & ~only for j, only in senior_only.items()}
        return cls(
            schools=schools, position=position,
            lat=np.array([s.lat for s in schools]), lon=np.array([s.lon for s in schools]),
            kind_of=np.array([kinds.index((s.zone, s.is_quality)) for s in schools]),
            allowed_kind=np.array([[direction_between(a, b, rules) is not None for b in kinds]
                                   for a in kinds], dtype=bool),
            required=np.array([required_cert_rank(s, rules) for s in schools]),
            short_in=short_in, open_for=open_for,
            swap_only={j: swap_in[j] & ~short_in[j] for j in open_for},
            junior_short_in=junior_short_in,
            junior_open_for={j: short | swap_in[j] for j, short in junior_short_in.items()},
            junior_swap_only={j: swap_in[j] & ~short for j, short in junior_short_in.items()},
        )

    def short_for(self, group: TeacherGroup, subject: str) -> np.ndarray:
        """The schools short of `subject` for `group` (see the class docstring)."""
        if group.cert < SENIOR_CERT_RANK and subject in self.junior_short_in:
            return self.junior_short_in[subject]
        return self.short_in[subject]

    def swap_only_for(self, group: TeacherGroup, subject: str) -> np.ndarray:
        """The schools open to `group` in `subject` by a swap only."""
        if group.cert < SENIOR_CERT_RANK and subject in self.junior_swap_only:
            return self.junior_swap_only[subject]
        return self.swap_only[subject]

    def reachable(self, group: TeacherGroup) -> np.ndarray:
        """Schools the group may go to at all: allowed direction and certificate, not home."""
        src = self.position[group.school]
        mask = self.allowed_kind[self.kind_of[src]][self.kind_of] & (self.required <= group.cert)
        mask[src] = False
        return mask

    def exact_destinations(self, group: TeacherGroup, subject: str, forbidden: set[str]
                           ) -> np.ndarray:
        """The exact model's destinations of (group, subject), pins applied."""
        if subject not in self.open_for:
            return np.zeros(len(self.schools), dtype=bool)
        junior = group.cert < SENIOR_CERT_RANK and subject in self.junior_open_for
        mask = self.reachable(group) & (self.junior_open_for[subject] if junior
                                        else self.open_for[subject])
        if group.must_go:
            must = self.position[group.must_go]
            keep = mask[must]
            mask[:] = False
            mask[must] = keep
        for code in forbidden:
            mask[self.position[code]] = False
        return mask


def build_network(instance: Instance, settings: SolveSettings) -> Network:
    """Groups, arcs (pruned as the settings say), principal arcs and quota figures."""
    rules = instance.rules
    groups = build_groups(instance)
    geo = Geometry.of(instance, groups)
    schools, position, lat, lon = geo.schools, geo.position, geo.lat, geo.lon
    kind_of, allowed_kind, required = geo.kind_of, geo.allowed_kind, geo.required
    open_for = geo.open_for

    exact = {(g.index, j): geo.exact_destinations(g, j, forbidden_schools(instance, g))
             for g in groups for j in g.can_teach if j in open_for}
    exact_arcs = sum(int(mask.sum()) for mask in exact.values()) + _wish_arc_count(
        instance, groups, exact, position)
    nearest, swaps = settings.nearest_destinations, settings.nearest_swaps
    if nearest is None and exact_arcs > settings.prune_above_arcs:
        nearest, swaps = settings.auto_nearest, settings.auto_swaps
    pruned = nearest is not None

    slot_picks: dict[tuple[int, str], list[int]] = defaultdict(list)
    clerk_moves = None
    if pruned:
        wanted = _slots(schools, groups)
        # the senior sections' slots again, from their senior-certified groups only: the
        # nearest groups of all may be junior-certified, who cannot fill them
        senior = np.maximum(required, SENIOR_CERT_RANK)
        for slots, k, needed in ((wanted, settings.groups_per_slot, required),
                                 (_open_slots(geo, set(wanted)), settings.groups_per_open_slot,
                                  required),
                                 (_senior_slots(schools), settings.groups_per_slot, senior)):
            for key, picks in _nearest_groups_per_slot(groups, schools, position, lat, lon,
                                                       kind_of, allowed_kind, needed, k,
                                                       slots).items():
                slot_picks[key].extend(picks)
        clerk_moves = [(t.staff_no, dest, j) for t, dest, j in greedy_moves(instance)]
        for key, d in _greedy_arcs(clerk_moves, groups, position):
            slot_picks[key].append(d)
    arcs: list[Arc] = []
    codes = [s.code for s in schools]
    src, km, order = -1, [], np.zeros(0, np.int64)
    rounded = _Rounded([])  # km to the metre, per destination of the current source
    for g in groups:  # sorted by school: one distance row at a time (all of them: 140 MB)
        if position[g.school] != src:
            src = position[g.school]
            dist = haversine_km(lat[src], lon[src], lat, lon)
            km, order = dist.tolist(), np.argsort(dist, kind="stable")  # km: Python floats
            rounded = _Rounded(km)
        teacher = instance.teacher_by_staff_no[g.members[0]]
        alone = len(g.members) == 1  # a group of one carries its member's own wishes
        wished = [position[w] for w in teacher.wishes] if alone else []
        anyone = teacher if alone else teacher.model_copy(update={"wishes": []})
        wishers = [] if alone else [
            instance.teacher_by_staff_no[m] for m in g.members
            if instance.teacher_by_staff_no[m].wishes]
        unwished: int | None = None  # the preference of a move `anyone` did not wish
        for j in g.can_teach:
            if j not in open_for:
                continue
            allowed = exact[(g.index, j)]
            if pruned:  # a subset of the exact destinations, by distance and on purpose
                short, swap_only = geo.short_for(g, j), geo.swap_only_for(g, j)
                chosen = (order[(allowed & short)[order]][:nearest].tolist()
                          + order[(allowed & swap_only)[order]][:swaps].tolist()
                          + [d for d in wished if allowed[d]]
                          + [d for d in slot_picks.get((g.index, j), []) if allowed[d]])
                destinations = sorted(set(chosen), key=lambda d: (km[d], d))
            else:  # by distance, ties by position: the stable order of the distances
                destinations = order[allowed[order]].tolist()
            for d in destinations:
                code = codes[d]
                if code in anyone.wishes:
                    preference, rank = move_preference(anyone, code, rules), wish_rank(anyone, code)
                else:
                    if unwished is None:
                        unwished = move_preference(anyone, code, rules)
                    preference, rank = unwished, None
                arcs.append(Arc(g.index, g.school, code, j, rounded[d], preference, rank,
                                g.key))
            for member in wishers:  # wish arcs, kept whether pruned or not
                for code in dict.fromkeys(member.wishes):
                    d = position.get(code)
                    if d is None or not allowed[d]:
                        continue
                    arcs.append(Arc(g.index, g.school, code, j, rounded[d],
                                    move_preference(member, code, rules),
                                    wish_rank(member, code), g.key, member.staff_no))

    principals, principal_arcs, must_rotate = principal_posts(
        instance, settings.principal_posts_kept if pruned else None)
    headcount: dict[str, int] = defaultdict(int)
    for t in instance.teachers:
        if t.post_type == "established":
            headcount[t.school] += 1
    district_base, quota_base = district_share_base(instance), instance.quota_base
    school_targets = {
        s.code: share_target(rules.quotas.school_share, quota_base.get(s.code, 0))
        for s in schools if in_school_quota_scope(s)
    }
    return Network(
        groups=groups, arcs=arcs, principals=principals, principal_arcs=principal_arcs,
        must_rotate_principals=must_rotate, headcount=dict(headcount),
        district_base=district_base,
        district_target=share_target(rules.quotas.district_share, district_base),
        school_targets=school_targets, geometry=geo, pruned=pruned, exact_arcs=exact_arcs,
        clerk_moves=clerk_moves,
        pruning=(f"per teacher group and subject the nearest {nearest} schools short of the "
                 f"subject and the nearest {swaps} where a swap is possible; per school short "
                 f"of a subject, and per subject a school with a 10% quota may exchange, the "
                 f"nearest {settings.groups_per_slot} groups that could come (per other place "
                 f"open to a swap the nearest {settings.groups_per_open_slot}); plus wished and "
                 f"pinned ones and those of the greedy clerk's plan ({len(arcs)} of {exact_arcs} arcs)"
                 if pruned else "none: every feasible destination kept (exact model)"),
    )


def _wish_arc_count(instance: Instance, groups: list[TeacherGroup],
                    exact: dict[tuple[int, str], np.ndarray], position: dict[str, int]) -> int:
    """How many wish arcs the exact model has (members of groups of two or more, per subject
    and wished school the group's arcs reach); every one of them is kept when pruning."""
    count = 0
    for g in groups:
        if len(g.members) == 1:
            continue
        for m in g.members:
            wishes = [position[w] for w in dict.fromkeys(instance.teacher_by_staff_no[m].wishes)
                      if w in position]
            for j in g.can_teach:
                mask = exact.get((g.index, j))
                if mask is not None:
                    count += sum(bool(mask[d]) for d in wishes)
    return count


def _slots(schools: list, groups: list[TeacherGroup]) -> list[tuple[int, str]]:
    """The places pruning must keep reachable from the destination's side: every (school,
    subject) short of teachers, and at every school with a 10% quota every main subject of its
    available teachers — where the school is at its minimum in that subject, a teacher can only
    leave if another comes in (对调), so the incoming arcs are what makes the quota possible
    (sample district of 30,000: a small urban primary school at its minimum in every subject
    but one had no swap partner left among the pruned arcs, and the whole plan was infeasible)."""
    slots = {(d, e.subject) for d, school in enumerate(schools) for e in school.staffing
             if e.shortage > 0}
    position = {school.code: d for d, school in enumerate(schools)}
    slots |= {(position[g.school], g.main_subject) for g in groups
              if in_school_quota_scope(schools[position[g.school]])}
    return sorted(slots)


def _senior_slots(schools: list) -> list[tuple[int, str]]:
    """Every (school, subject) whose senior section is short (`capacity.section`): slots only
    a group with a senior-level certificate can fill."""
    return sorted((d, e.subject) for d, school in enumerate(schools) for e in school.staffing
                  if junior_section_slots(e) is not None)


def forbidden_schools(instance: Instance, group: TeacherGroup) -> set[str]:
    """Schools a `forbid` pin keeps the group from (pinned teachers are groups of one)."""
    return {p.school for p in instance.pins_by_teacher.get(group.members[0], [])
            if p.kind == "forbid"}


def _greedy_arcs(moves: list[tuple[str, str, str]], groups: list[TeacherGroup],
                 position: dict[str, int]) -> list[tuple[tuple[int, str], int]]:
    """((group, subject), destination) of every move of the greedy clerk's plan: a pruned model
    that keeps them can do at least what the clerk does. Without them the 100,000-teacher
    sample district filled 15,225 weighted slots against the clerk's 17,095 — its nearest
    groups per slot were taken by other slots, where the clerk goes on to farther schools."""
    group_of = {staff_no: g.index for g in groups for staff_no in g.members}
    return [((group_of[staff_no], subject), position[dest])
            for staff_no, dest, subject in moves if staff_no in group_of]


def _open_slots(geo: Geometry, taken: set[tuple[int, str]]) -> list[tuple[int, str]]:
    """Every other (school, subject) the exact model has a place for (a swap is possible
    there). A few arcs into each keep every capacity row of the exact model in the pruned one:
    the pricing of the exact model's bound (optimizer.pricing) is only tight when no place is
    missing — at 100,000 teachers, places left without a row priced the bound at 9.6 million
    for a plan of 15,225."""
    return sorted((int(d), j) for j, mask in geo.open_for.items() for d in np.flatnonzero(mask)
                  if (int(d), j) not in taken)


def _nearest_groups_per_slot(
    groups: list[TeacherGroup], schools: list, position: dict[str, int], lat: np.ndarray,
    lon: np.ndarray, kind_of: np.ndarray, allowed_kind: np.ndarray, required: np.ndarray, k: int,
    slots: list[tuple[int, str]],
) -> dict[tuple[int, str], list[int]]:
    """For every slot (school, subject), the `k` nearest groups that could come to it (allowed
    direction, certificate, subject): pruning from the slot's side, so that a remote rural
    school is not left out because it is nobody's nearest."""
    by_subject: dict[str, list[TeacherGroup]] = defaultdict(list)
    for g in groups:
        for j in g.can_teach:
            by_subject[j].append(g)
    sources = {j: (np.array([position[g.school] for g in candidates]),
                   np.array([g.cert for g in candidates])) for j, candidates in by_subject.items()}
    picks: dict[tuple[int, str], list[int]] = defaultdict(list)
    km, at = np.zeros(0), -1
    for d, subject in slots:  # sorted by school: one distance row per school
        if subject not in sources:
            continue
        if d != at:
            km, at = haversine_km(lat[d], lon[d], lat, lon), d
        candidates = by_subject[subject]
        src, cert = sources[subject]
        fits = allowed_kind[kind_of[src], kind_of[d]] & (cert >= required[d]) & (src != d)
        dist = np.where(fits, km[src], np.inf)
        for i in _nearest(dist, k).tolist():
            if np.isfinite(dist[i]):
                picks[(candidates[i].index, subject)].append(d)
    return picks


def _nearest(dist: np.ndarray, k: int) -> np.ndarray:
    """`np.argsort(dist, kind="stable")[:k]` without sorting all of `dist`: the entries up to
    the k-th smallest value, sorted stably (ties keep index order, as in the full sort)."""
    if len(dist) <= k:
        return np.argsort(dist, kind="stable")
    kth = np.partition(dist, k - 1)[k - 1]
    near = np.flatnonzero(dist <= kth)
    return near[np.argsort(dist[near], kind="stable")][:k]


def principal_posts(instance: Instance, nearest: int | None
                    ) -> tuple[list[str], list[Arc], list[str]]:
    """Available principals, their arcs to principal posts, and those who must rotate.

    When pruned, a principal who must rotate keeps every allowed post; any other keeps the
    `nearest` allowed posts, the wished ones and the posts that must-rotate principals vacate
    (so that the chains of swaps those principals need stay possible)."""
    rules, as_of = instance.rules, instance.as_of
    school_by_code = instance.school_by_code
    pins_by_teacher = instance.pins_by_teacher
    principal_at: dict[str, Teacher] = {}
    for t in instance.teachers:
        if t.is_principal:
            principal_at[t.school] = t
    movable = sorted(
        t.staff_no for t in principal_at.values()
        if t.staff_no in instance.available_staff
        and not any(p.kind == "must_stay" for p in instance.pins_by_teacher.get(t.staff_no, []))
    )
    open_posts = {s.code for s in instance.schools if s.code not in principal_at} | {
        instance.teacher_by_staff_no[p].school for p in movable}
    posts = [school_by_code[code] for code in sorted(open_posts)]
    must = [p for p in movable if must_rotate_principal(instance.teacher_by_staff_no[p], rules)]
    vacated_for_sure = {instance.teacher_by_staff_no[p].school for p in must}
    # The posts as arrays (in code order, so that a stable sort by distance breaks ties by
    # code): one vectorised pass per principal instead of a Python test per (principal, post)
    # pair (100,000 teachers: 3.9 s, twice — here and in the pricing).
    post_codes = [s.code for s in posts]
    post_at = {code: i for i, code in enumerate(post_codes)}
    post_lat = np.array([s.lat for s in posts])
    post_lon = np.array([s.lon for s in posts])
    kinds = sorted({(s.zone, s.is_quality) for s in instance.schools})
    kind_of = np.array([kinds.index((s.zone, s.is_quality)) for s in posts], np.int64)
    allowed_kind = np.array([[direction_between(a, b, rules) is not None for b in kinds]
                             for a in kinds], dtype=bool)
    required = np.array([required_cert_rank(s, rules) for s in posts], np.int64)
    # principal_direction_ok per kind of source school (it reads the source's zone), once
    direction_ok: dict[tuple[str, bool, bool], np.ndarray] = {}
    arcs = []
    for number, staff_no in enumerate(movable):
        t = instance.teacher_by_staff_no[staff_no]
        src = school_by_code[t.school]
        pins = pins_by_teacher.get(staff_no, [])
        must_go = next((p.school for p in pins if p.kind == "must_go"), None)
        mask = allowed_kind[kinds.index((src.zone, src.is_quality))][kind_of] & (
            required <= cert_rank(t.cert_levels))
        kind = (src.zone, src.is_quality, src.is_weak)
        if kind not in direction_ok:
            direction_ok[kind] = np.array([principal_direction_ok(src, dst, rules)
                                           for dst in posts], dtype=bool)
        mask &= direction_ok[kind]
        for code in [src.code] + [p.school for p in pins if p.kind == "forbid"]:
            if code in post_at:
                mask[post_at[code]] = False
        if must_go is not None:
            keep = must_go in post_at and bool(mask[post_at[must_go]])
            mask[:] = False
            if keep:
                mask[post_at[must_go]] = True
        candidates = np.flatnonzero(mask)
        distance = haversine_km(src.lat, src.lon, post_lat[candidates], post_lon[candidates])
        order = np.argsort(distance, kind="stable")
        allowed = [(float(distance[i]), post_codes[candidates[i]]) for i in order.tolist()]
        if nearest is not None and staff_no not in must:
            allowed = allowed[:nearest] + [
                p for p in allowed[nearest:] if p[1] in t.wishes or p[1] in vacated_for_sure]
        key = is_key(t, as_of, rules)
        for distance_km, code in allowed:
            arcs.append(Arc(
                group=number, source=src.code, dest=code, subject=None,
                distance_km=round(distance_km, 3), preference=move_preference(t, code, rules),
                wish_rank=wish_rank(t, code), key=key,
            ))
    return movable, arcs, must
