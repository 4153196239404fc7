"""A greedy baseline: the plan a clerk with a spreadsheet would make.

1. Pins first: must_go to the named school, must_move to the nearest school with room.
2. Rural shortages in priority order (subject weight, then school code): each slot from the
   nearest school with an available teacher who can teach the subject, longest at the school
   first, as long as the sending school keeps its minimum.
3. Quotas topped up: each urban or quality school below its 10% sends teachers (key teachers
   first while the key share is short) to the nearest school with room, or swaps them with a
   teacher of the same main subject there (对调); then the district 5% the same way.

At a complete secondary school short in a subject's senior section, a teacher without a
senior-level certificate takes only the junior section's slots, and senior-certified teachers
leave only as far as the senior section allows (`capacity.section`, `sending.section_*`).

It keeps every hard rule except the quotas it fails to reach, which its plan reports as unmet.
It serves as the benchmark's reference and never uses the model.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np

from optimizer import __version__
from optimizer.certify import instance_sha256
from optimizer.explain import (
    make_move,
    move_reasons,
    quota_results,
    shortage_results,
    with_quota_reasons,
)
from optimizer.instance import Instance, School, Teacher
from optimizer.plan import Move, Plan, Provenance, SolverStats
from optimizer.rules import (
    SENIOR_CERT_RANK,
    cert_rank,
    counts_toward_district_share,
    direction_between,
    direction_lookup,
    district_share_base,
    haversine_km,
    in_key_share_base,
    in_school_quota_scope,
    is_key,
    junior_section_slots,
    key_share_fraction,
    max_net_loss,
    max_senior_net_loss,
    required_cert_rank,
    share_target,
    subject_weight,
)
from optimizer.settings import SolveSettings


class _Ledger:
    """The running state of the clerk's sheet: who moved, and the counts the rules need."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.rules, self.as_of = instance.rules, instance.as_of
        # Plain dicts and a per-kind direction table: the instance's lookups go through
        # pydantic attribute access, which dominated the run time at 30,000 teachers.
        self.school_by_code = instance.school_by_code
        self.pins_by_teacher = instance.pins_by_teacher
        self.direction = direction_lookup(self.rules)
        self._schools = sorted(instance.schools, key=lambda s: s.code)
        self._position = {s.code: i for i, s in enumerate(self._schools)}
        self._lat = np.array([s.lat for s in self._schools])
        self._lon = np.array([s.lon for s in self._schools])
        self.moves: list[tuple[Teacher, str, str]] = []
        self.moved: set[str] = set()
        self.arrivals: Counter[tuple[str, str]] = Counter()
        self.departures: Counter[tuple[str, str]] = Counter()
        self.net: Counter[str] = Counter()
        headcount = Counter(t.school for t in instance.teachers if t.post_type == "established")
        self.free = {s.code: max(0, s.post_ceiling - headcount[s.code]) for s in instance.schools}
        self.key_moves = 0  # key teachers' moves in the key share's base
        self.key_base = 0  # moves in the key share's base (quotas.key_share_base)
        self.counted = 0  # moves that count towards the district share
        self.left: Counter[str] = Counter()
        self._orders: dict[str, np.ndarray] = {}
        self._nearest: dict[str, list[School]] = {}
        self._source_orders: dict[str, np.ndarray] = {}
        self._summaries: dict[tuple[str, str], tuple[int, tuple[tuple[str, str], ...]]] = {}
        self._codes = [s.code for s in self._schools]
        kinds = sorted({(s.zone, s.is_quality) for s in self._schools})
        self._kind_index = np.array([kinds.index((s.zone, s.is_quality)) for s in self._schools],
                                    np.int64)
        # _allowed_from[destination kind][source kind]: a move in an allowed direction.
        self._allowed_from = np.array([[direction_between(a, b, self.rules) is not None
                                        for a in kinds] for b in kinds], dtype=bool)
        self._required = {s.code: required_cert_rank(s, self.rules) for s in instance.schools}
        self._cert = {t.staff_no: cert_rank(t.cert_levels) for t in instance.teachers}
        self._loss = {(s.code, e.subject): max_net_loss(e)[0]
                      for s in instance.schools for e in s.staffing}
        # The (school, subject) keys that may not lose one more teacher on balance, kept up to
        # date by `move`: `may_lose` is a set lookup and "every key of a list is blocked" one
        # C call (100,000 teachers: the slots' scans asked `may_lose` 936,000 times, 2.2 s).
        self.blocked: set[tuple[str, str]] = {key for key, limit in self._loss.items()
                                              if limit <= 0}
        # The two sections of complete secondary schools (only places with section figures):
        # the junior section's slots, net of teachers without a senior certificate who come
        # or go; the senior-certified teachers' net loss and its limit, and the places that
        # may not lose one more of them (as `blocked`).
        self._junior_slots = {(s.code, e.subject): slots for s in instance.schools
                              for e in s.staffing
                              if (slots := junior_section_slots(e)) is not None}
        self.junior_net: Counter[tuple[str, str]] = Counter()
        self._senior_loss = {(s.code, e.subject): limit[0] for s in instance.schools
                             for e in s.staffing if (limit := max_senior_net_loss(e)) is not None}
        self.senior_net_loss: Counter[tuple[str, str]] = Counter()
        self.senior_blocked: set[tuple[str, str]] = {key for key, limit
                                                     in self._senior_loss.items() if limit <= 0}
        self.by_school: dict[str, list[Teacher]] = defaultdict(list)
        self.by_school_subject: dict[tuple[str, str], list[Teacher]] = defaultdict(list)
        available = instance.available_staff
        for t in sorted(instance.teachers, key=lambda t: (t.joined_school_on, t.staff_no)):
            pins = self.pins_by_teacher.get(t.staff_no, [])
            if (not t.is_principal and t.staff_no in available
                    and not any(p.kind == "must_stay" for p in pins)):
                self.by_school[t.school].append(t)
                for subject in t.can_teach:
                    self.by_school_subject[(t.school, subject)].append(t)
        # Per subject, the schools (by position) with an available teacher who can teach it:
        # a slot's scan skips the others at once (100,000 teachers: most schools have nobody
        # in a rare subject, and the scan asked 14 million times).
        self._has_subject: dict[str, np.ndarray] = {}
        for school, subject in self.by_school_subject:
            if subject not in self._has_subject:
                self._has_subject[subject] = np.zeros(len(self._schools), dtype=bool)
            self._has_subject[subject][self._position[school]] = True

    def _order(self, code: str) -> np.ndarray:
        """Positions of the other schools by distance from `code`, ties by code (cached)."""
        if code not in self._orders:
            here = self.school_by_code[code]
            km = haversine_km(here.lat, here.lon, self._lat, self._lon)
            order = np.argsort(km, kind="stable")  # schools are in code order: ties by code
            self._orders[code] = order[order != self._position[code]]
        return self._orders[code]

    def nearest(self, code: str) -> list[School]:
        """Other schools by distance from `code`, ties by code (cached)."""
        if code not in self._nearest:
            schools = self._schools
            self._nearest[code] = [schools[i] for i in self._order(code).tolist()]
        return self._nearest[code]

    def _sources(self, code: str) -> np.ndarray:
        """Positions of the other schools by distance from `code` (as `nearest`) from which a
        move to `code` is in an allowed direction (cached: the direction depends only on the two
        schools' kinds, and a 100,000-teacher district asked it 8.8 million times)."""
        if code not in self._source_orders:
            allowed = self._allowed_from[self._kind_index[self._position[code]]]
            order = self._order(code)
            self._source_orders[code] = order[allowed[self._kind_index[order]]]
        return self._source_orders[code]

    def sources_teaching(self, code: str, subject: str) -> list[str]:
        """The codes of the schools a move to `code` may come from, nearest first (ties by
        code), that have an available teacher who can teach `subject`."""
        has = self._has_subject.get(subject)
        if has is None:
            return []
        order = self._sources(code)
        codes = self._codes
        return [codes[i] for i in order[has[order]].tolist()]

    def list_summary(self, source: str, subject: str) -> tuple[int, tuple[tuple[str, str], ...]]:
        """Of the available teachers at `source` who can teach `subject`: the highest
        certificate rank, and the (school, main subject) keys of their sending limits (cached;
        the list does not change)."""
        key = (source, subject)
        summary = self._summaries.get(key)
        if summary is None:
            teachers = self.by_school_subject[key]
            summary = (max(self._cert[t.staff_no] for t in teachers),
                       tuple(dict.fromkeys((source, t.main_subject) for t in teachers)))
            self._summaries[key] = summary
        return summary

    def room(self, school: School, subject: str, senior: bool = True) -> bool:
        """A slot of `subject` at `school` and a free post there, for an arrival with
        (`senior`) or without a senior-level certificate (`junior_room`)."""
        key = (school.code, subject)
        return (self.arrivals[key] - self.departures[key] < school.shortage(subject)
                and self.net[school.code] < self.free[school.code]
                and (senior or self.junior_room(key)))

    def junior_room(self, key: tuple[str, str]) -> bool:
        """Whether (school, subject) takes one more teacher without a senior-level
        certificate on balance (`capacity.section`; no limit without a short senior
        section)."""
        slots = self._junior_slots.get(key)
        return slots is None or self.junior_net[key] < slots

    def senior(self, teacher: Teacher) -> bool:
        """Whether the teacher holds a senior-level certificate."""
        return self._cert[teacher.staff_no] >= SENIOR_CERT_RANK

    def can_leave(self, teacher: Teacher) -> bool:
        """The sending school keeps its minimum in the teacher's main subject
        (`rules.max_net_loss`; no limit where the school has no staffing entry for it), and
        a senior-certified teacher leaves a complete secondary school only as far as its
        senior section allows (`rules.max_senior_net_loss`)."""
        key = (teacher.school, teacher.main_subject)
        return self.may_lose(key) and not (key in self.senior_blocked and self.senior(teacher))

    def may_lose(self, key: tuple[str, str]) -> bool:
        """Whether (school, subject) may lose one more teacher on balance (`can_leave`)."""
        return key not in self.blocked

    def _reassess(self, key: tuple[str, str]) -> None:
        """Block or unblock `key` after its arrivals or departures changed: blocked when the
        school has a limit there and its net loss has reached it (`rules.max_net_loss`)."""
        limit = self._loss.get(key)
        if limit is not None and self.departures[key] - self.arrivals[key] >= limit:
            self.blocked.add(key)
        else:
            self.blocked.discard(key)

    def fits(self, teacher: Teacher, dest: School) -> bool:
        """Direction, certificate and pins allow teacher → dest."""
        return (self.direction(self.school_by_code[teacher.school], dest) is not None
                and self.covers(teacher, dest))

    def covers(self, teacher: Teacher, dest: School) -> bool:
        """Certificate and pins allow teacher → dest (`fits` without the direction)."""
        pins = self.pins_by_teacher.get(teacher.staff_no)
        return (self._cert[teacher.staff_no] >= self._required[dest.code]
                and not (pins and any(p.kind == "forbid" and p.school == dest.code
                                      for p in pins)))

    def move(self, teacher: Teacher, dest: str, subject: str) -> None:
        self.moves.append((teacher, dest, subject))
        self.moved.add(teacher.staff_no)
        arriving, leaving = (dest, subject), (teacher.school, teacher.main_subject)
        self.arrivals[arriving] += 1
        self.departures[leaving] += 1
        self._reassess(arriving)
        self._reassess(leaving)
        if self._junior_slots or self._senior_loss:
            self._count_sections(teacher, arriving, leaving)
        self.net[dest] += 1
        self.net[teacher.school] -= 1
        self.left[teacher.school] += 1
        source = self.school_by_code[teacher.school]
        self.counted += counts_toward_district_share(source, self.school_by_code[dest],
                                                     self.rules)
        if in_key_share_base(source, self.rules):
            self.key_base += 1
            self.key_moves += is_key(teacher, self.as_of, self.rules)

    def _count_sections(self, teacher: Teacher, arriving: tuple[str, str],
                        leaving: tuple[str, str]) -> None:
        """The sections' counts after `teacher` moved from `leaving` (school, main subject)
        to `arriving` (school, subject taught)."""
        if not self.senior(teacher):
            for key, change in ((arriving, 1), (leaving, -1)):
                if key in self._junior_slots:
                    self.junior_net[key] += change
            return
        for key, change in ((leaving, 1), (arriving, -1)):
            limit = self._senior_loss.get(key)
            if limit is not None:
                self.senior_net_loss[key] += change
                if self.senior_net_loss[key] >= limit:
                    self.senior_blocked.add(key)
                else:
                    self.senior_blocked.discard(key)

    def place(self, teacher: Teacher) -> bool:
        """Send `teacher` to the nearest school with room in one of its subjects, or swap it
        with a same-subject teacher of the nearest school that has one."""
        if teacher.staff_no in self.moved or not self.can_leave(teacher):
            return False
        senior = self.senior(teacher)
        for dest in self.nearest(teacher.school):
            if not self.fits(teacher, dest):
                continue
            subject = next((j for j in teacher.can_teach if self.room(dest, j, senior)), None)
            if subject is not None:
                self.move(teacher, dest.code, subject)
                return True
            partner = self.swap_partner(teacher, dest)
            if partner is not None:
                self.move(teacher, dest.code, teacher.main_subject)
                self.move(partner, teacher.school, teacher.main_subject)
                return True
        return False

    def swap_partner(self, teacher: Teacher, dest: School) -> Teacher | None:
        home = self.school_by_code[teacher.school]
        for other in self.candidates_at(dest.code):
            if (other.main_subject == teacher.main_subject and other.staff_no not in self.moved
                    and self.can_leave(other) and self.fits(other, home)
                    and self._swap_keeps_sections(teacher, other)):
                return other
        return None

    def _swap_keeps_sections(self, teacher: Teacher, other: Teacher) -> bool:
        """`capacity.section` at both ends of a swap in one main subject: where the teacher
        who leaves holds a senior-level certificate and the one who comes does not, the junior
        section must have a slot (each leaving on its own was checked by `can_leave`)."""
        for coming, going in ((teacher, other), (other, teacher)):
            if (self.senior(going) and not self.senior(coming)
                    and not self.junior_room((going.school, going.main_subject))):
                return False
        return True

    def candidates_at(self, code: str) -> list[Teacher]:
        """Available teachers of a school, longest there first."""
        return self.by_school.get(code, [])


def greedy_moves(instance: Instance) -> list[tuple[Teacher, str, str]]:
    """The clerk's moves as (teacher, destination code, subject), without a plan around them:
    the optimizer seeds a pruned network with them (optimizer.network)."""
    ledger = _Ledger(instance)
    _place_pins(ledger)
    _fill_rural_shortages(ledger)
    _top_up_quotas(ledger)
    return ledger.moves


def greedy_plan(instance: Instance) -> Plan:
    """The clerk's plan for `instance` (see the module docstring)."""
    started = time.perf_counter()
    moves = with_quota_reasons(instance, _to_moves(instance, greedy_moves(instance)))
    quotas = quota_results(instance, moves)
    elapsed = round(time.perf_counter() - started, 3)
    settings = SolveSettings(backend="highs")
    return Plan(
        status="feasible" if all(q.met for q in quotas) else "unknown", year=instance.year,
        stats=SolverStats(backend="greedy", wall_time_s=elapsed, build_time_s=0.0,
                          time_to_first_plan_s=elapsed, nodes=None, groups=0, arcs=0,
                          pruned=False, pruning="none (greedy)"),
        moves=moves, quotas=quotas, shortages=shortage_results(instance, moves, None, greedy=True),
        provenance=Provenance(
            optimizer_version=__version__, settings=settings, created_at=datetime.now(UTC),
            instance_sha256=instance_sha256(instance),
            method="greedy baseline"),
    )


def _place_pins(ledger: _Ledger) -> None:
    for pin in sorted(ledger.instance.pins, key=lambda p: p.staff_no):
        teacher = ledger.instance.teacher_by_staff_no[pin.staff_no]
        if teacher.is_principal or teacher.staff_no not in ledger.instance.available_staff:
            continue
        if pin.kind == "must_go" and pin.school:
            dest = ledger.school_by_code[pin.school]
            senior = ledger.senior(teacher)
            subject = next((j for j in teacher.can_teach if ledger.room(dest, j, senior)), None)
            if subject and ledger.fits(teacher, dest) and ledger.can_leave(teacher):
                ledger.move(teacher, dest.code, subject)
        elif pin.kind == "must_move":
            ledger.place(teacher)


def _fill_rural_shortages(ledger: _Ledger) -> None:
    instance, rules = ledger.instance, ledger.rules
    slots = sorted(
        (-subject_weight(e.subject, rules), s.code, e.subject)
         for s in instance.schools if s.zone == "rural" for e in s.staffing if e.shortage > 0)
    for _, code, subject in slots:
        dest = ledger.school_by_code[code]
        # One scan per slot, resumed after each move rather than restarted: a teacher passed
        # over stays unusable for this slot (fits is fixed for the destination, moves only add
        # departures at the sources, and nothing arrives at a source here), so resuming picks
        # the same teachers as restarting did (30,000 teachers: most of the clerk's 6 s).
        found = _candidates(ledger, dest, subject)
        while ledger.room(dest, subject):
            teacher = next(found, None)
            if teacher is None:
                break
            ledger.move(teacher, code, subject)


def _candidates(ledger: _Ledger, dest: School, subject: str) -> Iterator[Teacher]:
    """Teachers who could fill a slot in `subject` at `dest` now, nearest school first, longest
    at the school first: not moved, `covers` (its certificate part read from the ledger's
    table, the pins only for a pinned teacher) and `can_leave` (100,000 teachers: a million
    teachers looked at over the slots, and the method calls were half the clerk's time)."""
    moved, cert, pins, blocked = ledger.moved, ledger._cert, ledger.pins_by_teacher, ledger.blocked
    required = ledger._required[dest.code]
    slot = (dest.code, subject)
    limited, senior_blocked = slot in ledger._junior_slots, ledger.senior_blocked  # kept current
    for source in ledger.sources_teaching(dest.code, subject):
        teachers = ledger.by_school_subject[(source, subject)]
        best_cert, keys = ledger.list_summary(source, subject)
        if best_cert < required or blocked.issuperset(keys):
            continue  # nobody there holds the certificate, or every one of them must stay
        for t in teachers:
            staff_no = t.staff_no
            if staff_no in moved or cert[staff_no] < required:
                continue
            if staff_no in pins and not ledger.covers(t, dest):
                continue
            if (source, t.main_subject) in blocked:
                continue
            if (limited or senior_blocked) and not (
                    ledger.can_leave(t) and (ledger.senior(t) or ledger.junior_room(slot))):
                continue  # a complete secondary school's section, here or at the source
            yield t


def _top_up_quotas(ledger: _Ledger) -> None:
    instance, rules, as_of = ledger.instance, ledger.rules, ledger.as_of
    q = rules.quotas
    share = key_share_fraction(rules)

    def key_short() -> bool:
        return share.denominator * ledger.key_moves < share.numerator * (ledger.key_base + 1)

    def ordered(teachers: list[Teacher]) -> list[Teacher]:
        if key_short():
            return sorted(teachers, key=lambda t: not is_key(t, as_of, rules))
        return teachers

    base = instance.quota_base
    for school in sorted(instance.schools, key=lambda s: s.code):
        if not in_school_quota_scope(school):
            continue
        target = share_target(q.school_share, base.get(school.code, 0))
        for teacher in ordered(ledger.candidates_at(school.code)):
            if ledger.left[school.code] >= target:
                break
            ledger.place(teacher)
    district_target = share_target(q.district_share, district_share_base(instance))
    schools = sorted(instance.schools, key=lambda s: (not in_school_quota_scope(s), s.code))
    for school in schools:
        for teacher in ordered(ledger.candidates_at(school.code)):
            if ledger.counted >= district_target:
                return
            ledger.place(teacher)


def _to_moves(instance: Instance, chosen: list[tuple[Teacher, str, str]]) -> list[Move]:
    departing = Counter((t.school, t.main_subject) for t, _, _ in chosen)
    moves = [make_move(instance, t, dest, subject,
                       move_reasons(instance, t, dest, subject, departing[(dest, subject)], None))
             for t, dest, subject in chosen]
    return sorted(moves, key=lambda m: (m.from_school, m.staff_no))
