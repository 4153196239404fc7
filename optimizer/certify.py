"""The checker's own proof of a plan's claims beyond its moves: the instance hash, the objective
values, and level 1's bound (re-solved, not trusted).

Why a second model: a plan says "optimal, bound 570"; an auditor cannot take the solver's word
for it, nor the word of anyone who edited the file after. This module writes the level-1 problem
again from the rule definitions (`optimizer.rules`) — per teacher group and destination, with
its own rows for every rule the checker verifies on the moves — and solves its LP relaxation with
HiGHS (`highspy`), and when the LP's bound is above the plan's value, the same problem with
integer flows. It shares no code with `optimizer.network` / `optimizer.model`: a mistake in the
optimizer's rows cannot confirm itself here.

What a verified bound proves: no plan that keeps the rules as the checker reads them fills more
weighted rural shortage than `upper`; when the plan's recomputed value reaches it, the plan is
optimal at level 1. Levels 2 and 3 (preference, distance) are recomputed from the moves, but their
"proven optimal" flags are only checked for consistency with their own value and bound, not
re-proved (that would need the full lexicographic MIP again).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import highspy
import numpy as np
from pydantic import TypeAdapter

from optimizer.highs import QuietHighs
from optimizer.instance import Instance, Teacher
from optimizer.plan import Move
from optimizer.rules import (
    SENIOR_CERT_RANK,
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
    junior_section_slots,
    key_share_fraction,
    max_net_loss,
    max_senior_net_loss,
    move_preference,
    must_rotate_principal,
    principal_direction_ok,
    school_distance_km,
    share_target,
    slots_filled,
    subject_weight,
)

DISTANCE_UNIT_KM = 0.1
"""The distance level counts each move's distance (rounded to the metre) in whole 0.1 km units —
the unit the plan's distance value is reported in (docs/optimizer.md, "objective levels")."""


# ---------------------------------------------------------------- instance hash


def instance_sha256(instance: Instance) -> str:
    """SHA-256 of the instance's canonical JSON: the validated model dumped by field alias,
    object keys sorted, no whitespace, UTF-8. Equal instances hash equally however the file
    orders its keys or spaces its lines; any change of a value (an exemption deleted, a date
    moved) changes the hash.

    The text is hashed in pieces (`_canonical_pieces`), the teachers `HASH_TEACHERS_AT_ONCE` at a
    time, never held whole: dumped whole, the 100,000-teacher sample district's took 244 MB
    over the process for its 2.8 s (the dumped objects, the text, its UTF-8), and the solve
    hashes while the later levels' LP runs (`solve._hash_in_background`), so that was on top
    of the LP's memory; in pieces 6 MB and 2.4 s, the same bytes."""
    digest = hashlib.sha256()
    for piece in _canonical_pieces(instance):
        digest.update(piece.encode("utf-8"))
    return digest.hexdigest()


HASH_TEACHERS_AT_ONCE = 1_000
"""Teachers dumped per piece of the canonical JSON (`instance_sha256`)."""


def _canonical_pieces(instance: Instance) -> Iterator[str]:
    """The instance's canonical JSON in consecutive pieces: the object's keys in order, each
    with its value whole but the teachers', which is written `HASH_TEACHERS_AT_ONCE` at a time
    (JSON's list of them is the pieces' items joined by commas)."""
    rest = instance.model_dump(mode="json", by_alias=True, exclude={"teachers"})
    teachers = Instance.model_fields["teachers"].alias or "teachers"
    yield "{"
    for i, key in enumerate(sorted([*rest, teachers])):
        yield ("," if i else "") + _canonical(key) + ":"
        if key != teachers:
            yield _canonical(rest[key])
            continue
        yield "["
        for start in range(0, len(instance.teachers), HASH_TEACHERS_AT_ONCE):
            part = _TEACHERS.dump_python(instance.teachers[start:start + HASH_TEACHERS_AT_ONCE],
                                         mode="json", by_alias=True)
            yield ("," if start else "") + _canonical(part)[1:-1]  # the items, no brackets
        yield "]"
    yield "}"


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_TEACHERS = TypeAdapter(list[Teacher])


def legacy_instance_sha256(instance: Instance) -> str:
    """The hash plans made before the canonical form carry: pydantic's JSON of the model."""
    return hashlib.sha256(instance.model_dump_json().encode()).hexdigest()


# ---------------------------------------------------------------- objective values


def objective_values(instance: Instance, moves: list[Move]) -> dict[str, float]:
    """The three objective levels recomputed from the moves alone.

    rural_shortage_filled: Σ weight × the slots truly filled over rural shortages
    (`rules.slots_filled`: min(slots, max(0, arrivals − departures)), departures counted by the
    leaving teachers' main subject; at a complete secondary school short in its senior section
    a junior-certified arrival fills no senior slot); preference: Σ `move_preference`;
    distance: Σ of each move's distance in whole 0.1 km units, in km."""
    rules = instance.rules
    teachers = instance.teacher_by_staff_no
    schools = instance.school_by_code
    arrivals: dict[tuple[str, str], int] = defaultdict(int)
    departures: dict[tuple[str, str], int] = defaultdict(int)
    senior_arrivals: dict[tuple[str, str], int] = defaultdict(int)
    senior_departures: dict[tuple[str, str], int] = defaultdict(int)
    preference = 0
    units = 0
    for m in moves:
        t = teachers.get(m.staff_no)
        src, dst = schools.get(m.from_school), schools.get(m.to_school)
        if t is None or src is None or dst is None:
            continue  # named by the move checks
        if m.role == "teacher" and m.subject is not None:
            arrivals[(m.to_school, m.subject)] += 1
            departures[(m.from_school, t.main_subject)] += 1
            if cert_rank(t.cert_levels) >= SENIOR_CERT_RANK:
                senior_arrivals[(m.to_school, m.subject)] += 1
                senior_departures[(m.from_school, t.main_subject)] += 1
        preference += move_preference(t, m.to_school, rules)
        units += round(round(school_distance_km(src, dst), 3) / DISTANCE_UNIT_KM)
    filled = 0
    for s in instance.schools:
        if s.zone != "rural":
            continue
        for e in s.staffing:
            if e.shortage > 0:
                key = (s.code, e.subject)
                n = slots_filled(e, arrivals[key], departures[key], senior_arrivals[key],
                                 senior_departures[key])
                filled += subject_weight(e.subject, rules) * n
    return {"rural_shortage_filled": float(filled), "preference": float(preference),
            "distance": round(units * DISTANCE_UNIT_KM, 3)}


# ---------------------------------------------------------------- level 1, independently

PROOF_MAX_ARCS = 1_500_000
"""Above this `proof_size`, `check_plan` does not re-prove level 1 unless asked to: the re-solve
grows with teachers × schools (the synthetic 30,000-teacher district: 2.8 million columns, 96 s
only to build them on the 2-core machine), while the sample district (about 52,000 by this
measure, 12,410 columns) re-proves in about a second."""


def proof_size(instance: Instance) -> int:
    """An upper bound on the columns of the checker's level-1 problem, cheap to compute:
    Σ over the teachers who may rotate of their teachable subjects × the schools."""
    rules, as_of = instance.rules, instance.as_of
    return len(instance.schools) * sum(
        len(t.can_teach) for t in instance.teachers if is_available(t, as_of, rules))


@dataclass(frozen=True)
class LevelOneProof:
    """What the checker proved about level 1.

    status: 'optimal' (the checker solved its own problem to optimality: `upper` is exact),
    'bounded' (`upper` is a valid bound, not necessarily reached), 'infeasible' (no plan keeps
    every rule), 'unknown' (not solved within the time limit).
    upper: no plan fills more weighted rural shortage than this (None unless optimal/bounded).
    method: how (LP relaxation, integer re-solve), for the report."""

    status: str
    upper: float | None
    method: str


class _Rows:
    """Rows of a linear program built up as coefficient lists, then passed as a sparse matrix."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        if not terms:
            if lower > 0 or upper < 0:  # nobody can meet it: keep the row, it is infeasible
                self.add([(-1, 0.0)], lower, upper)
            return
        self.starts.append(len(self.index))
        for col, coef in terms:
            self.index.append(col)
            self.value.append(coef)
        self.lower.append(lower)
        self.upper.append(upper)


def prove_level_one(instance: Instance, time_limit_s: float = 60.0,
                    target: float | None = None) -> LevelOneProof:
    """Bound the weighted rural shortage any rule-keeping plan can fill.

    First the LP relaxation; its optimum, rounded down (the objective is integral), bounds every
    plan. When `target` (the plan's recomputed value) is below that, the same problem is solved
    with integer flows to see whether a better plan exists or the bound comes down to `target`.
    """
    started = time.perf_counter()
    problem = _LevelOne(instance)
    status, value, bound = problem.solve(integral=False, time_limit_s=time_limit_s)
    if status == "infeasible":
        return LevelOneProof("infeasible", None, "LP relaxation infeasible")
    if status != "optimal":
        return LevelOneProof("unknown", None, "LP relaxation not solved within the time limit")
    upper = math.floor(value + 1e-6)
    if target is not None and upper <= target + 1e-6:
        return LevelOneProof("optimal", upper, "LP relaxation (its bound is reached)")
    left = time_limit_s - (time.perf_counter() - started)
    status, value, bound = problem.solve(integral=True, time_limit_s=max(1.0, left))
    if status == "infeasible":
        return LevelOneProof("infeasible", None, "integer re-solve infeasible")
    if status == "optimal":
        return LevelOneProof("optimal", math.floor(value + 1e-6), "integer re-solve")
    if bound is not None and math.isfinite(bound):
        return LevelOneProof("bounded", min(upper, math.floor(bound + 1e-6)),
                             "integer re-solve stopped at the time limit")
    return LevelOneProof("bounded", upper, "LP relaxation")


class _LevelOne:
    """Level 1 written from the rules: maximise Σ weight × fill over rural shortages subject to
    eligibility, pins, direction, certificate, subject capacity, post ceiling, minimum kept,
    the two sections of complete secondary schools (`junior_section_slots`,
    `max_senior_net_loss`), principal posts and terms, and the three quotas (with their bases
    as the rules read them: `district_share_base`, `counts_toward_district_share`,
    `in_key_share_base`)."""

    def __init__(self, instance: Instance) -> None:
        rules, as_of = instance.rules, instance.as_of
        q = rules.quotas
        schools = sorted(instance.schools, key=lambda s: s.code)
        pins = instance.pins_by_teacher
        cols_lower: list[float] = []
        cols_upper: list[float] = []
        cost: list[float] = []

        def column(upper: float, weight: float = 0.0) -> int:
            cols_lower.append(0.0)
            cols_upper.append(upper)
            cost.append(weight)
            return len(cost) - 1

        # Open places: a destination takes subject j when short of it or when one of its own
        # teachers of main subject j may leave (capacity row below); nothing else can arrive.
        leavers: set[tuple[str, str]] = set()
        groups: dict[tuple, list[str]] = defaultdict(list)
        principals: list = []
        for t in instance.teachers:
            t_pins = pins.get(t.staff_no, [])
            if not is_available(t, as_of, rules) or any(p.kind == "must_stay" for p in t_pins):
                continue
            if t.is_principal:
                principals.append(t)
                continue
            leavers.add((t.school, t.main_subject))
            key = (t.school, t.main_subject, tuple(t.can_teach), cert_rank(t.cert_levels),
                   is_key(t, as_of, rules), t.staff_no if t_pins else "")
            groups[key].append(t.staff_no)

        rows = _Rows()
        into: dict[tuple[str, str], list[int]] = defaultdict(list)
        out_main: dict[tuple[str, str], list[int]] = defaultdict(list)
        # the same by certificate (True: senior-level), for the sections' rows
        into_by_cert: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
        out_by_cert: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
        school_in: dict[str, list[int]] = defaultdict(list)
        school_out: dict[str, list[int]] = defaultdict(list)
        counted: list[int] = []  # moves that count towards the district share
        key_base: list[int] = []  # moves in the key share's base
        key_moves: list[int] = []  # key teachers' moves among them
        by_code = instance.school_by_code
        for key in sorted(groups):
            school, main, can_teach, rank, key_flag, pinned = key
            members = groups[key]
            src = by_code[school]
            t_pins = pins.get(pinned, []) if pinned else []
            forbidden = {p.school for p in t_pins if p.kind == "forbid"}
            must_go = next((p.school for p in t_pins if p.kind == "must_go"), None)
            own: list[int] = []
            for dst in schools:
                if (dst.code == school or dst.code in forbidden
                        or must_go not in (None, dst.code)
                        or direction_between((src.zone, src.is_quality),
                                             (dst.zone, dst.is_quality), rules) is None
                        or not cert_covers(instance.teacher_by_staff_no[members[0]].cert_levels,
                                           dst, rules)):
                    continue
                for j in can_teach:
                    if dst.shortage(j) == 0 and (dst.code, j) not in leavers:
                        continue
                    c = column(len(members))
                    own.append(c)
                    into[(dst.code, j)].append(c)
                    out_main[(school, main)].append(c)
                    into_by_cert[(dst.code, j, rank >= SENIOR_CERT_RANK)].append(c)
                    out_by_cert[(school, main, rank >= SENIOR_CERT_RANK)].append(c)
                    school_in[dst.code].append(c)
                    school_out[school].append(c)
                    if counts_toward_district_share(src, dst, rules):
                        counted.append(c)
                    if in_key_share_base(src, rules):
                        key_base.append(c)
                        if key_flag:
                            key_moves.append(c)
            rows.add([(c, 1.0) for c in own], -math.inf, len(members))
            if any(p.kind in ("must_move", "must_go") for p in t_pins):
                rows.add([(c, 1.0) for c in own], 1, math.inf)

        has_principal = {t.school for t in instance.teachers if t.is_principal}
        movable_at = {t.school for t in principals}
        p_in: dict[str, list[int]] = defaultdict(list)
        p_out: dict[str, list[int]] = defaultdict(list)
        for t in principals:
            src = by_code[t.school]
            t_pins = pins.get(t.staff_no, [])
            forbidden = {p.school for p in t_pins if p.kind == "forbid"}
            must_go = next((p.school for p in t_pins if p.kind == "must_go"), None)
            own = []
            for dst in schools:
                if (dst.code == t.school or dst.code in forbidden
                        or must_go not in (None, dst.code)
                        or (dst.code in has_principal and dst.code not in movable_at)
                        or direction_between((src.zone, src.is_quality),
                                             (dst.zone, dst.is_quality), rules) is None
                        or not principal_direction_ok(src, dst, rules)
                        or not cert_covers(t.cert_levels, dst, rules)):
                    continue
                c = column(1)
                own.append(c)
                p_in[dst.code].append(c)
                p_out[t.school].append(c)
                school_in[dst.code].append(c)
                school_out[t.school].append(c)
                if counts_toward_district_share(src, dst, rules):
                    counted.append(c)
                if in_key_share_base(src, rules):
                    key_base.append(c)
                    if is_key(t, as_of, rules):
                        key_moves.append(c)
            rows.add([(c, 1.0) for c in own], -math.inf, 1)
            if must_rotate_principal(t, rules) or any(
                    p.kind in ("must_move", "must_go") for p in t_pins):
                rows.add([(c, 1.0) for c in own], 1, math.inf)
        for school in schools:  # principal posts: vacant, or vacated by a principal who moves
            if p_in[school.code]:
                vacant = 0 if school.code in has_principal else 1
                rows.add([(c, 1.0) for c in p_in[school.code]]
                         + [(c, -1.0) for c in p_out[school.code]], -math.inf, vacant)
        # Teachers pinned but unavailable (or principals pinned to move who cannot): no plan.
        for staff_no, t_pins in pins.items():
            t = instance.teacher_by_staff_no[staff_no]
            if any(p.kind in ("must_move", "must_go") for p in t_pins) and (
                    not is_available(t, as_of, rules)):
                rows.add([], 1, math.inf)

        headcount: dict[str, int] = defaultdict(int)
        for t in instance.teachers:
            if t.post_type == "established":
                headcount[t.school] += 1
        for school in schools:
            code = school.code
            free = max(0, school.post_ceiling - headcount[code])
            rows.add([(c, 1.0) for c in school_in[code]] + [(c, -1.0) for c in school_out[code]],
                     -math.inf, free)
            subjects = {j for (d, j) in into if d == code} | {e.subject for e in school.staffing}
            for j in sorted(subjects):
                arr, dep = into.get((code, j), []), out_main.get((code, j), [])
                if arr:  # capacity.subject: arrivals ≤ shortage + own departures in j
                    rows.add([(c, 1.0) for c in arr] + [(c, -1.0) for c in dep], -math.inf,
                             school.shortage(j))
                entry = school.staffing_by_subject.get(j)
                if entry is not None and dep:  # minimum kept / no net loss while short
                    rows.add([(c, 1.0) for c in dep] + [(c, -1.0) for c in arr], -math.inf,
                             max_net_loss(entry)[0])
                if entry is not None and (senior_loss := max_senior_net_loss(entry)):
                    junior = junior_section_slots(entry)
                    if junior is not None:  # junior-certified net arrivals: junior slots only
                        rows.add([(c, 1.0) for c in into_by_cert[(code, j, False)]]
                                 + [(c, -1.0) for c in out_by_cert[(code, j, False)]],
                                 -math.inf, junior)
                    # senior-certified net departures: the senior section's limit
                    rows.add([(c, 1.0) for c in out_by_cert[(code, j, True)]]
                             + [(c, -1.0) for c in into_by_cert[(code, j, True)]],
                             -math.inf, senior_loss[0])
                if school.zone == "rural" and entry is not None and entry.shortage > 0:
                    f = column(entry.shortage, subject_weight(j, rules))
                    rows.add([(f, 1.0)] + [(c, -1.0) for c in arr] + [(c, 1.0) for c in dep],
                             -math.inf, 0)

        rows.add([(c, 1.0) for c in counted],
                 share_target(q.district_share, district_share_base(instance)), math.inf)
        base: dict[str, int] = defaultdict(int)
        for t in instance.teachers:
            if counts_in_quota_base(t, as_of, rules):
                base[t.school] += 1
        for school in schools:
            if in_school_quota_scope(school):
                target = share_target(q.school_share, base[school.code])
                if target > 0:
                    rows.add([(c, 1.0) for c in school_out[school.code]], target, math.inf)
        share = key_share_fraction(rules)
        if share > 0:
            p, d = share.numerator, share.denominator
            coef: dict[int, float] = defaultdict(float)
            for c in key_base:
                coef[c] -= p
            for c in key_moves:
                coef[c] += d
            rows.add(sorted(coef.items()), 0, math.inf)

        self.n = len(cost)
        self.cost = np.asarray(cost, np.float64)
        self.cols_lower = np.asarray(cols_lower, np.float64)
        self.cols_upper = np.asarray(cols_upper, np.float64)
        self.rows = rows

    def solve(self, integral: bool, time_limit_s: float
              ) -> tuple[str, float | None, float | None]:
        """('optimal' | 'infeasible' | 'unknown', objective value, dual bound)."""
        rows = self.rows
        if any(i < 0 for i in rows.index):
            return "infeasible", None, None
        if self.n == 0:
            ok = all(lo <= 0 <= up for lo, up in zip(rows.lower, rows.upper, strict=True))
            return ("optimal", 0.0, 0.0) if ok else ("infeasible", None, None)
        h = QuietHighs()  # solver plumbing only (no banner); the rows above are this module's
        h.setOptionValue("time_limit", max(0.1, time_limit_s))
        h.setOptionValue("threads", 1)
        h.addCols(self.n, self.cost, self.cols_lower, self.cols_upper, 0,
                  np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float64))
        inf = highspy.kHighsInf
        h.addRows(len(rows.lower),
                  np.asarray([max(-inf, x) for x in rows.lower], np.float64),
                  np.asarray([min(inf, x) for x in rows.upper], np.float64),
                  len(rows.index), np.asarray(rows.starts, np.int32),
                  np.asarray(rows.index, np.int32), np.asarray(rows.value, np.float64))
        if integral:
            h.changeColsIntegrality(self.n, np.arange(self.n, dtype=np.int32),
                                    np.full(self.n, int(highspy.HighsVarType.kInteger),
                                            dtype=np.uint8))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", None, None
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", info.objective_function_value, info.objective_function_value
        bound = info.mip_dual_bound if integral else None
        return "unknown", None, bound
