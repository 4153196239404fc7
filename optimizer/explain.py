"""Explanations of a plan: why each teacher and school, each quota's figure, each unfilled slot.

These functions take the instance and the moves only (not the model), so the greedy baseline's
plans are explained the same way as the optimizer's.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from optimizer.instance import Instance, School, Teacher
from optimizer.messages import (
    DISTRICT_BASE_LABELS,
    KEY_BASE_LABELS,
    QUOTA_BASE_LABELS,
    percent,
    render,
    school_kind,
    school_label,
)
from optimizer.plan import Move, QuotaResult, Reason, ShortageResult
from optimizer.rules import (
    SENIOR_CERT_RANK,
    add_years,
    age_on,
    cert_rank,
    counts_toward_district_share,
    direction_between,
    district_share_base,
    eligible_since,
    in_key_share_base,
    in_school_quota_scope,
    is_key,
    junior_section_slots,
    key_share_fraction,
    key_share_target,
    max_net_loss,
    max_senior_net_loss,
    move_direction,
    must_rotate_principal,
    required_cert_rank,
    school_distance_km,
    share_target,
    slots_filled,
    subject_weight,
)


def make_move(instance: Instance, teacher: Teacher, to_school: str, subject: str | None,
              reasons: list[Reason]) -> Move:
    """A move with its dates, kind and distance taken from the rules."""
    rules = instance.rules
    source = instance.school_by_code[teacher.school]
    dest = instance.school_by_code[to_school]
    kind = rules.terms.default_kind
    return Move(
        staff_no=teacher.staff_no, name=teacher.name,
        role="principal" if teacher.is_principal else "teacher",
        from_school=source.code, to_school=dest.code, subject=subject, kind=kind,
        start=instance.as_of,
        planned_end=add_years(instance.as_of, rules.terms.secondment_years)
        if kind == "secondment" else None,
        wish_rank=teacher.wishes.index(to_school) + 1 if to_school in teacher.wishes else None,
        distance_km=round(school_distance_km(source, dest), 1),
        is_key=is_key(teacher, instance.as_of, rules), reasons=reasons,
    )


def move_reasons(instance: Instance, teacher: Teacher, to_school: str, subject: str | None,
                 departing_in_subject: int, order: tuple[int, int] | None) -> list[Reason]:
    """Why this teacher (eligibility, key status, order, wish, pin) and why this school
    (shortage or swap, direction, distance). `order` is (position, size) within the group."""
    rules, as_of = instance.rules, instance.as_of
    source = instance.school_by_code[teacher.school]
    dest = instance.school_by_code[to_school]
    since = eligible_since(teacher, rules)
    reasons = [render("why.teacher.eligible", since=since.isoformat(), from_name=source.name,
                      years=age_on(teacher.joined_school_on, as_of))]
    if is_key(teacher, as_of, rules):
        reasons.append(render("why.teacher.key"))
    if teacher.is_principal and must_rotate_principal(teacher, rules):
        reasons.append(render("why.principal.two_terms", terms=teacher.principal_terms_at_school))
    if order is not None and order[1] > 1:
        reasons.append(render("why.teacher.order", position=order[0], size=order[1]))
    if to_school in teacher.wishes:
        reasons.append(render("why.teacher.wish", rank=teacher.wishes.index(to_school) + 1))
    if teacher.volunteer:
        reasons.append(render("why.teacher.volunteer"))
    for pin in instance.pins_by_teacher.get(teacher.staff_no, []):
        if pin.kind in ("must_move", "must_go"):
            reasons.append(render("why.teacher.pinned", pin=pin.kind))
    if subject is None:
        reasons.append(render("why.principal.post", to_name=dest.name))
    elif dest.shortage(subject) > 0:
        reasons.append(render("why.school.shortage", to_name=dest.name, subject=subject,
                              slots=dest.shortage(subject)))
    elif departing_in_subject > 0:
        reasons.append(render("why.school.swap", to_name=dest.name, subject=subject))
    direction = move_direction(source, dest, rules)
    if direction is not None:
        # A reverse move is 跟岗学习 for a teacher; a principal takes a post, learns nothing.
        learn = subject is not None and direction in ("rural_to_urban", "non_quality_to_quality")
        reasons.append(render("why.school.direction.learn" if learn else "why.school.direction",
                              direction=direction, from_kind=school_kind(source, 0),
                              to_kind=school_kind(dest, 0)))
    reasons.append(render("why.school.distance",
                          km=round(school_distance_km(source, dest), 1)))
    return reasons


def with_quota_reasons(instance: Instance, moves: list[Move]) -> list[Move]:
    """The moves with the quota that calls for each, once the whole plan is known.

    A move out of an urban or quality school counts towards that school's 10% quota: it says
    so, with the school's target, its base and how many the plan moves ("源城中学须交流不少于8人
    （符合交流条件教师75人的10%），方案交流8人"). Any other counted move that neither the teacher
    asked for (volunteer, wish), nor a pin, nor a principal's full terms explain is there for the
    district's 5%: it says that. Without this, a non-volunteer's move gave only a distance and a
    subject."""
    rules = instance.rules
    q = rules.quotas
    leaving = Counter(m.from_school for m in moves)
    base = Counter(instance.quota_base)
    district_base = district_share_base(instance)
    labels = DISTRICT_BASE_LABELS[q.district_share_base]
    at = instance.school_by_code
    district = render("why.teacher.district_quota", base=district_base,
                      target=share_target(q.district_share, district_base),
                      base_label=labels[0], base_label_en=labels[1],
                      share=percent(q.district_share),
                      achieved=sum(counts_toward_district_share(at[m.from_school],
                                                                at[m.to_school], rules)
                                   for m in moves))
    base_label = QUOTA_BASE_LABELS[q.school_quota_base]
    out = []
    for m in moves:
        source = instance.school_by_code[m.from_school]
        teacher = instance.teacher_by_staff_no[m.staff_no]
        target = share_target(q.school_share, base[source.code])
        extra: list[Reason] = []
        if in_school_quota_scope(source) and target > 0:
            extra.append(render("why.teacher.school_quota", school_name=school_label(source, 0),
                                school_name_en=school_label(source, 1),
                                target=target, base=base[source.code],
                                base_label=base_label[0], base_label_en=base_label[1],
                                share=percent(q.school_share), achieved=leaving[source.code]))
        elif district.params["target"] and not (
                teacher.volunteer or m.to_school in teacher.wishes
                or m.staff_no in instance.pins_by_teacher
                or must_rotate_principal(teacher, rules)) and counts_toward_district_share(
                    source, at[m.to_school], rules):
            extra.append(district)
        out.append(m.model_copy(update={"reasons": [*m.reasons[:1], *extra, *m.reasons[1:]]})
                   if extra else m)
    return out


def quota_results(instance: Instance, moves: list[Move]) -> list[QuotaResult]:
    """The district, per-school and key-teacher quotas with target, achieved and margin."""
    rules = instance.rules
    q = rules.quotas
    at = instance.school_by_code
    district_base = district_share_base(instance)
    counted = sum(counts_toward_district_share(at[m.from_school], at[m.to_school], rules)
                  for m in moves)
    labels = DISTRICT_BASE_LABELS[q.district_share_base]
    counting = ("", "") if q.reverse_flows_count else ("（跟岗学习的反向交流不计）",
                                                      " (reverse flows not counted)")
    results = []
    target = share_target(q.district_share, district_base)
    results.append(_quota("quota.district_share", "district", district_base, target, counted,
                          "quota.figure.district", share=percent(q.district_share),
                          base_label=labels[0], base_label_en=labels[1], counting=counting[0],
                          counting_en=counting[1]))
    departures = Counter(m.from_school for m in moves)
    base = Counter(instance.quota_base)
    for school in sorted(instance.schools, key=lambda s: s.code):
        if not in_school_quota_scope(school):
            continue
        n = base[school.code]
        results.append(_quota(
            "quota.school_share", school.code, n, share_target(q.school_share, n),
            departures[school.code], "quota.figure.school", school_name=school_label(school, 0),
            school_name_en=school_label(school, 1),
            share=percent(q.school_share), base_label=QUOTA_BASE_LABELS[q.school_quota_base][0],
            base_label_en=QUOTA_BASE_LABELS[q.school_quota_base][1]))
    in_base = [m for m in moves if in_key_share_base(at[m.from_school], rules)]
    key_moves = sum(m.is_key for m in in_base)
    key_target = key_share_target(key_share_fraction(rules), len(in_base))
    moved = KEY_BASE_LABELS[q.key_share_base]
    results.append(_quota("quota.key_share", "district", len(in_base), key_target, key_moves,
                          "quota.figure.key", total=len(in_base), share=percent(q.key_share),
                          moved_label=moved[0], moved_label_en=moved[1]))
    return results


def _quota(name: str, scope: str, base: int, target: int, achieved: int, template: str,
           **params: str | int) -> QuotaResult:
    margin = achieved - target
    return QuotaResult(
        name=name, scope=scope, base=base, target=target, achieved=achieved, margin=margin,
        met=margin >= 0,
        reasons=[render(template, base=base, target=target, achieved=achieved, margin=margin,
                        **params)],
    )


def shortage_results(instance: Instance, moves: list[Move], pruned_nearest: int | None,
                     greedy: bool = False, proven_bound: float | None = None
                     ) -> list[ShortageResult]:
    """Each rural shortage with the slots the plan fills and, for the rest, why.

    `proven_bound`: level 1's bound when the plan reaches it (for the exact model). Then no plan
    that keeps the rules fills more, so pruning is never the reason a slot stays empty, and the
    reasons say so instead."""
    if proven_bound is not None:
        pruned_nearest = None
    rules = instance.rules
    context = _MoveTotals(instance, moves)
    results = []
    for school in sorted(instance.schools, key=lambda s: s.code):
        if school.zone != "rural":
            continue
        for entry in sorted(school.staffing, key=lambda e: e.subject):
            if entry.shortage == 0:
                continue
            key = (school.code, entry.subject)
            arrivals, departures = context.arrivals[key], context.departures[key]
            filled = slots_filled(entry, arrivals, departures, context.senior_arrivals[key],
                                  context.senior_departures[key])
            unfilled = entry.shortage - filled
            results.append(ShortageResult(
                school=school.code, subject=entry.subject, slots=entry.shortage,
                weight=subject_weight(entry.subject, rules), arrivals=arrivals,
                departures=departures, filled=filled, unfilled=unfilled,
                reasons=context.unfilled_reasons(school.code, entry.subject, pruned_nearest,
                                                 greedy, proven_bound) if unfilled else [],
            ))
    return results


class _Kind(NamedTuple):
    """What a slot's reasons need to know of a candidate teacher: the kind of their school
    (zone, quality), their highest certificate, whether the plan moves them, key status, whether
    their school is at its minimum, whether a move out of their school counts in the key
    share's base."""

    zone: str
    is_quality: bool
    cert_rank: int
    moved: bool
    key: bool
    at_minimum: bool
    in_key_base: bool


class _MoveTotals:
    """Counts of a set of moves by school and subject, and the available teachers by subject."""

    def __init__(self, instance: Instance, moves: list[Move]) -> None:
        self.instance = instance
        self.moves = moves
        # Plain lookups for the loops over candidates (pydantic attribute access is slow).
        self.school_by_code = instance.school_by_code
        self.pins_by_teacher = instance.pins_by_teacher
        self.moved = {m.staff_no for m in moves}
        self.arrivals = Counter((m.to_school, m.subject) for m in moves if m.subject)
        self.departures: Counter[tuple[str, str | None]] = Counter()
        # the same for the senior-certified movers: a complete secondary school's senior
        # section counts only them (rules.slots_filled)
        self.senior_arrivals: Counter[tuple[str, str | None]] = Counter()
        self.senior_departures: Counter[tuple[str, str | None]] = Counter()
        for m in moves:
            if m.role == "teacher":
                mover = instance.teacher_by_staff_no[m.staff_no]
                self.departures[(m.from_school, mover.main_subject)] += 1
                if cert_rank(mover.cert_levels) >= SENIOR_CERT_RANK:
                    self.senior_arrivals[(m.to_school, m.subject)] += 1
                    self.senior_departures[(m.from_school, mover.main_subject)] += 1
        self.net_in = Counter(m.to_school for m in moves)
        self.net_in.subtract(Counter(m.from_school for m in moves))
        self.headcount = Counter(t.school for t in instance.teachers
                                 if t.post_type == "established")
        # Candidates by subject, counted in buckets of teachers the reasons cannot tell apart.
        # A slot's reasons depend on a candidate's school only through its kind (zone, quality:
        # the direction, the key share's base) and whether it is the slot's own school, so the
        # buckets without pins are summed by kind (`_Kind`), and each school's own buckets are
        # kept to take them out again; a slot then looks at a few dozen kinds instead of every
        # (school, …) bucket of the subject (100,000 teachers: 7 s of the solve). Buckets with
        # a must-stay or forbid pin (a forbid names a school) are looked at one by one.
        self.by_kind: dict[str, Counter[_Kind]] = {}
        self.own: dict[tuple[str, str], Counter[_Kind]] = {}
        self.pinned: dict[str, list[tuple[School, _Kind, tuple]]] = {}
        self.directions: dict[tuple, bool] = {}  # (zone, quality, (zone, quality)) → allowed
        rules, as_of, available = instance.rules, instance.as_of, instance.available_staff
        for t in instance.teachers:
            if t.is_principal or t.staff_no not in available:
                continue
            source = self.school_by_code[t.school]
            pins = tuple(sorted((p.kind, p.school or "") for p in
                                self.pins_by_teacher.get(t.staff_no, [])
                                if p.kind in ("must_stay", "forbid")))
            moved = t.staff_no in self.moved
            kind = _Kind(source.zone, source.is_quality, cert_rank(t.cert_levels), moved,
                         is_key(t, as_of, rules), not moved and self._at_minimum(t),
                         in_key_share_base(source, rules))
            for subject in t.can_teach:
                if pins:
                    self.pinned.setdefault(subject, []).append((source, kind, pins))
                else:
                    self.by_kind.setdefault(subject, Counter())[kind] += 1
                    self.own.setdefault((t.school, subject), Counter())[kind] += 1
        share = key_share_fraction(rules)
        in_base = [m for m in moves if in_key_share_base(self.school_by_code[m.from_school],
                                                         rules)]
        keys = sum(m.is_key for m in in_base)
        self.key_share_binds = bool(share) and (
            share.denominator * keys < share.numerator * (len(in_base) + 1))

    def unfilled_reasons(self, school: str, subject: str, pruned_nearest: int | None,
                         greedy: bool, proven_bound: float | None = None) -> list[Reason]:
        """Why some slots stay empty, the decisive reason first: this school's post ceiling
        (nothing more can arrive without a departure), no candidate at all, a complete
        secondary school's senior-section slots that only senior-certified candidates can take,
        candidates used elsewhere, the minimum a candidate's school keeps, the key share,
        pruning (only when the bound does not already prove that no plan fills more)."""
        dest = self.school_by_code[school]
        if not greedy and self.headcount[school] + self.net_in[school] >= dest.post_ceiling:
            ceiling = [render("unfilled.post_ceiling", ceiling=dest.post_ceiling,
                              school_name=school_label(dest, 0))]
        else:
            ceiling = []
        candidates = self._candidates(dest, subject)
        if not candidates:
            return ceiling + [render("unfilled.no_candidate", subject=subject)]
        reasons = list(ceiling)
        entry = dest.staffing_by_subject.get(subject)
        junior = None if entry is None else junior_section_slots(entry)
        if junior is not None:
            reasons.append(render("unfilled.senior_section", subject=subject,
                                  slots=entry.shortage - junior,
                                  count=sum(count for kind, count in candidates.items()
                                            if kind.cert_rank >= SENIOR_CERT_RANK
                                            and not kind.moved)))
        used = sum(count for kind, count in candidates.items() if kind.moved)
        if used:
            reasons.append(render("unfilled.used_elsewhere", count=used))
        if greedy:
            return reasons + [render("unfilled.greedy")]
        rest = [(kind, count) for kind, count in candidates.items() if not kind.moved]
        at_minimum = sum(count for kind, count in rest if kind.at_minimum)
        if at_minimum:
            reasons.append(render("unfilled.source_min_keep", count=at_minimum))
        if self.key_share_binds and any(not kind.key and kind.in_key_base for kind, _ in rest):
            reasons.append(render("unfilled.key_share"))
        if proven_bound is not None:
            reasons.append(render("unfilled.bound", bound=f"{proven_bound:g}"))
        elif pruned_nearest is not None:
            reasons.append(render("unfilled.pruned", nearest=pruned_nearest))
        remaining = sum(count for _, count in rest) - at_minimum
        if remaining > 0:
            reasons.append(render("unfilled.trade_off", count=remaining))
        return reasons

    def _candidates(self, dest: School, subject: str) -> Counter[_Kind]:
        """The available teachers of ``subject`` who could come to ``dest`` by the rules (the
        direction between their kinds of school, the certificate ``dest`` needs, no pin
        keeping them away), counted by kind; a kind with none is left out."""
        rules = self.instance.rules
        needed = required_cert_rank(dest, rules)
        target = (dest.zone, dest.is_quality)

        def allowed(kind: _Kind) -> bool:
            if kind.cert_rank < needed:
                return False
            pair = (kind.zone, kind.is_quality, target)
            if pair not in self.directions:
                self.directions[pair] = direction_between(pair[:2], target, rules) is not None
            return self.directions[pair]

        found = Counter({kind: count for kind, count in self.by_kind.get(subject, {}).items()
                         if allowed(kind)})
        found.subtract({kind: count for kind, count in self.own.get((dest.code, subject),
                                                                    {}).items()
                        if allowed(kind)})  # a teacher does not come to their own school
        for source, kind, pins in self.pinned.get(subject, ()):
            if source.code != dest.code and allowed(kind) and not any(
                    pin == "must_stay" or (pin == "forbid" and at == dest.code)
                    for pin, at in pins):
                found[kind] += 1
        return +found  # the kinds with someone left

    def _at_minimum(self, teacher: Teacher) -> bool:
        """Whether the teacher's school may not lose one more of them on balance: in the main
        subject, or — a senior-certified teacher of a complete secondary school — in its
        senior section (`rules.max_senior_net_loss`)."""
        school = self.school_by_code[teacher.school]
        entry = school.staffing_by_subject.get(teacher.main_subject)
        if entry is None:
            return False
        key = (school.code, teacher.main_subject)
        if self.departures[key] - self.arrivals[key] >= max_net_loss(entry)[0]:
            return True
        senior = max_senior_net_loss(entry)
        return (senior is not None and cert_rank(teacher.cert_levels) >= SENIOR_CERT_RANK
                and self.senior_departures[key] - self.senior_arrivals[key] >= senior[0])
