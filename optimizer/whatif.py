"""Planning ahead (issue #14): who could fill a vacancy, and where could a teacher go.

Pure, like the rest of the optimizer: an `Instance` and the `Plan` solved from it in, a ranked
`WhatIf` answer out. Two questions:

- `candidates(instance, plan, school, subject, k)`: the best `k` teachers who could take up
  `subject` at `school` — each with the change in every objective level and quota when the plan
  is re-solved with that move pinned (`must_go` to the school) — and why every other teacher is
  not a candidate, grouped by rule with counts and a few named examples.
- `destinations(instance, plan, staff_no, k)`: the same the other way — the schools the teacher
  could go to, ranked, each with its effect, and the schools excluded with their reason.

How it stays fast: the rules screen everyone first (`eligibility_blockers`, `cert_covers`,
`move_direction`, the subjects the teacher can teach, the office's pins) without solving; the
survivors are ranked by a cheap estimate read off the solved plan (rural shortage slots the move
would fill that the plan leaves unfilled, the preference score, the distance); only the first few
are re-solved through the public `optimizer.solve` entry point, each with a short time limit. The
figures of an answer are therefore those of a real plan that keeps the move: exact when the
re-solve is proven optimal (`LevelChange.proven_optimal`), otherwise the best plan found in the
time limit. A move the base plan already makes is answered from the base plan itself when that
plan is proven optimal (pinning what the optimum already does cannot change the optimum's
values).

The ranking of the answers is the plan's own lexicographic order on the re-solved levels
(rural shortage filled, then preference, then distance), so the first answer is the move that
costs the plan least. A candidate whose re-solve has no feasible plan is not an answer: it is
listed among the excluded with the conflicts the solver names.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from optimizer.constraints import CATALOGUE
from optimizer.instance import Instance, Pin, School, Teacher
from optimizer.messages import TEMPLATES, blocker_text, school_label, teacher_label
from optimizer.plan import Plan, Reason
from optimizer.rules import (
    SENIOR_CERT_RANK,
    add_years,
    cert_covers,
    cert_rank,
    eligibility_blockers,
    is_key,
    junior_section_slots,
    move_direction,
    move_preference,
    principal_direction_ok,
    school_distance_km,
    subject_weight,
)
from optimizer.settings import SolveSettings
from optimizer.solve import solve

DEFAULT_RESOLVE_SECONDS = 2.0
"""Time limit of one re-solve with a move pinned, in seconds. Each re-solve is a whole plan; on
the sample district (3,400 teachers) a re-solve started from scratch usually proves its levels
well inside this (measured in docs/optimizer.md, "Planning ahead")."""
ANSWER_BUDGET_SECONDS = 120.0
"""Time all the re-solves of one answer may take together, in seconds. A question may ask for
``k`` = 50 answers (up to 100 re-solves) with up to 60 s each: without a budget one request of
the web app could hold a worker thread and a core for well over an hour. Pairs not reached in
time are listed as not checked for that reason (``whatif.not_checked_in_time``); the last
re-solve gets what is left of the budget as its time limit."""

FULL_SCOPE_MAX_AVAILABLE = 400
"""Up to this many teachers who may rotate, `scope="auto"` re-solves the whole plan for each
answer (exact); above it, only the neighbourhood of the move (`_hold_the_rest`), because a whole
re-solve of the sample district (≈1,100 who may rotate) does not reach the base plan's quality in
a few seconds and its 'changes' would be artefacts of the time limit."""

Scope = Literal["full", "local"]

LEVEL_UNITS = {"rural_shortage_filled": "weighted slots", "preference": "points",
               "distance": "0.1 km"}
"""Units of the plan's objective levels (optimizer.model: distance counts 0.1-km units)."""

EXAMPLES_PER_REASON = 3
"""Named examples shown for each group of excluded teachers or schools."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LevelChange(_Strict):
    """One objective level before (the base plan) and after (the plan keeping the move)."""

    name: str
    sense: Literal["max", "min"]
    before: float | None
    after: float | None
    change: float | None = Field(description="after − before; None when either is unknown.")
    proven_optimal: bool = Field(description="The re-solve proved `after` optimal.")
    unit: str = Field(description="Unit of the values: 'weighted slots' (rural shortage "
                      "filled, each slot weighted by its subject), 'points' (preference) or "
                      "'0.1 km' (distance).")


class QuotaChange(_Strict):
    """One quota's achieved count before and after; only quotas that change are listed."""

    name: str
    scope: str
    target: int
    before: int | None = Field(description="None: the base plan does not report this quota.")
    after: int | None = Field(description="None: the new plan does not report this quota.")
    met_before: bool | None
    met_after: bool | None


class Option(_Strict):
    """One answer: a teacher moving to a school, and what that does to the plan."""

    staff_no: str
    name: str
    teacher: str = Field(description="Label: name and staff number (zh).")
    from_school: str
    from_school_label: str = Field(description="School name and code (zh).")
    from_school_label_en: str
    to_school: str
    to_school_label: str = Field(description="School name and code (zh).")
    to_school_label_en: str
    subject: str | None = Field(description="Subject taught there in the plan keeping the move.")
    in_base_plan: bool = Field(description="The base plan already makes this move.")
    distance_km: float
    estimate: tuple[int, int, float] = Field(
        description="The pre-solve estimate the option was ranked by: rural shortage weight "
        "gained, preference points gained, extra km (the plan's levels, from the base plan).")
    status: str = Field(description="Status of the plan keeping the move.")
    levels: list[LevelChange]
    quotas: list[QuotaChange]
    other_moves_changed: int = Field(
        description="Moves of other teachers added, dropped or redirected by the re-solve.")
    solve_seconds: float
    same_as: str | None = Field(None, description="Staff number of an interchangeable teacher "
                                "(same group in the model, treated alike by the base plan) whose "
                                "re-solve this answer shares: equal objective levels; quotas, "
                                "subject and other moves are those of that plan.")
    reasons: list[Reason] = Field(default_factory=list,
                                  description="Why the move, in the plan keeping it.")


class Example(_Strict):
    key: str = Field(description="Staff number or school code.")
    zh: str
    en: str


class Exclusion(_Strict):
    """A group of teachers (or schools) left out for one reason: how many, and examples."""

    code: str = Field(description="Constraint name (optimizer.constraints) or whatif.* code.")
    zh: str
    en: str
    count: int
    keys: list[str] = Field(description="Every staff number (or school code) in the group.")
    examples: list[Example] = Field(description="The first EXAMPLES_PER_REASON of them, named.")


class WhatIf(_Strict):
    """The answer to one planning-ahead question."""

    question: Literal["candidates", "destinations"]
    year: int
    as_of: date
    school: str | None = None
    subject: str | None = None
    staff_no: str | None = None
    about_zh: str = Field(description="Who or where the question is about, named: the school "
                          "(name and code) or the teacher (name and staff number), Chinese.")
    about_en: str
    scope: Literal["full", "local"] = Field(
        description="full: each answer is a re-solve of the whole plan; local: only the "
        "teachers of the schools the move touches are free, everyone else keeps the base "
        "plan's decision (an achievable plan: its cost is at most the true cost).")
    base_status: str
    base_levels: list[LevelChange] = Field(description="The base plan's levels (change None).")
    options: list[Option]
    excluded: list[Exclusion]
    screened: int = Field(description="Teachers (or schools) that passed the rules.")
    checked: int = Field(description="Of those, how many were re-solved (or read off an "
                         "optimal base plan).")
    elapsed_s: float


class WhatIfError(ValueError):
    """A question that cannot be asked of this instance (unknown school, teacher …)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


# ------------------------------------------------------------------ the two questions


def candidates(instance: Instance, plan: Plan, school: str, subject: str, k: int = 5, *,
               settings: SolveSettings | None = None, max_checks: int | None = None,
               from_date: date | None = None, scope: Scope | Literal["auto"] = "auto",
               budget_s: float = ANSWER_BUDGET_SECONDS) -> WhatIf:
    """The best `k` teachers to take up `subject` at `school` from `from_date` (default: the
    instance's reference date, the start of the school year), re-solving at most `max_checks`
    (default 2k) of those the rules allow, all within `budget_s` seconds."""
    started = time.perf_counter()
    instance, plan, settings = _on_date(instance, plan, settings, from_date)
    dest = instance.school_by_code.get(school)
    if dest is None:
        raise WhatIfError(f"未知学校代码“{school}”", f"unknown school code {school!r}")
    _require_k(k)
    chosen = _scope(instance, scope)
    options, excluded, screened = _answers(
        instance, plan, [(t, dest) for t in instance.teachers if t.school != school], {subject},
        k, settings, max_checks, chosen, lambda t, _d, text: _teacher_example(t, text),
        subject=subject, deadline=started + budget_s)
    return WhatIf(question="candidates", year=instance.year, as_of=instance.as_of,
                  school=school, subject=subject, scope=chosen,
                  about_zh=school_label(dest, 0), about_en=school_label(dest, 1),
                  base_status=plan.status,
                  base_levels=_base_levels(plan), options=options,
                  excluded=excluded.groups(), screened=screened,
                  checked=excluded.checked, elapsed_s=round(time.perf_counter() - started, 3))


def destinations(instance: Instance, plan: Plan, staff_no: str, k: int = 5, *,
                 settings: SolveSettings | None = None, max_checks: int | None = None,
                 from_date: date | None = None, scope: Scope | Literal["auto"] = "auto",
                 budget_s: float = ANSWER_BUDGET_SECONDS) -> WhatIf:
    """The best `k` schools for the teacher `staff_no`, re-solving at most `max_checks`
    (default 2k) of the schools the rules allow, all within `budget_s` seconds."""
    started = time.perf_counter()
    instance, plan, settings = _on_date(instance, plan, settings, from_date)
    t = instance.teacher_by_staff_no.get(staff_no)
    if t is None:
        raise WhatIfError(f"未知工号“{staff_no}”", f"unknown staff number {staff_no!r}")
    _require_k(k)
    chosen = _scope(instance, scope)
    options, excluded, screened = _answers(
        instance, plan, [(t, dest) for dest in instance.schools if dest.code != t.school],
        None if t.is_principal else set(t.can_teach), k, settings, max_checks, chosen,
        lambda _t, d, text: _school_example(d, text), deadline=started + budget_s)
    return WhatIf(question="destinations", year=instance.year, as_of=instance.as_of,
                  staff_no=staff_no, scope=chosen, base_status=plan.status,
                  about_zh=teacher_label(t, 0), about_en=teacher_label(t, 1),
                  base_levels=_base_levels(plan),
                  options=options, excluded=excluded.groups(), screened=screened,
                  checked=excluded.checked, elapsed_s=round(time.perf_counter() - started, 3))


def _answers(instance: Instance, plan: Plan, pairs: list[tuple[Teacher, School]],
             subjects: set[str] | None, k: int, settings: SolveSettings | None,
             max_checks: int | None, scope: Scope, example, subject: str | None = None,
             deadline: float = float("inf")) -> tuple[list[Option], _Excluded, int]:
    """Both questions: screen each (teacher, school) pair by the rules (`subjects` to teach
    there; None for a principal's post), rank those left by base-plan membership and estimate
    (ties by staff number, then school code), and re-solve them in that order (`_check`).
    `example(teacher, school, detail)` describes an excluded pair. Returns the options, the
    exclusions and how many pairs passed the screening."""
    excluded = _Excluded()
    swappable = _swappable(instance)
    screened: list[tuple[Teacher, School, tuple[int, int, float]]] = []
    for t, dest in pairs:
        code, text = _teacher_blocked(instance, t, dest, subjects, swappable)
        if code is not None:
            excluded.add(code, example(t, dest, text))
            continue
        screened.append((t, dest, _estimate(instance, plan, t, dest, sorted(subjects or []))))
    screened.sort(key=lambda p: (not _in_base(plan, p[0], p[1]), -p[2][0], -p[2][1], p[2][2],
                                 p[0].staff_no, p[1].code))
    options = _check(instance, plan, screened, k, settings, max_checks, excluded,
                     example=lambda t, d: example(t, d, None), scope=scope, subject=subject,
                     deadline=deadline)
    return options, excluded, len(screened)


# ------------------------------------------------------------------ screening by the rules


def _teacher_blocked(instance: Instance, t: Teacher, dest: School, subjects: set[str] | None,
                     swappable: dict[tuple[str, str], bool]) -> tuple[str | None, str | None]:
    """The first rule that keeps `t` from going to `dest` (to teach one of `subjects`; None
    for a principal's post), as (code, detail in Chinese), or (None, None) when none does.
    The order follows the model: who may rotate, the office's pins, then where to."""
    rules = instance.rules
    source = instance.school_by_code[t.school]
    if subjects is not None and t.is_principal:
        return "whatif.principal", None
    blockers = eligibility_blockers(t, instance.as_of, rules)
    if blockers:
        return blockers[0].constraint, "；".join(blocker_text(b, 0) for b in blockers)
    pins = instance.pins_by_teacher.get(t.staff_no, [])
    if any(p.kind == "must_stay" for p in pins):
        return "pin.must_stay", None
    if any(p.kind == "forbid" and p.school == dest.code for p in pins):
        return "pin.forbid", None
    if any(p.kind == "must_go" and p.school != dest.code for p in pins):
        return "pin.must_go", None
    if move_direction(source, dest, rules) is None:
        return "move.direction", None
    if t.is_principal and not principal_direction_ok(source, dest, rules):
        return "principal.direction", None
    if t.is_principal and dest.code not in swappable_posts(instance):
        return "principal.post", None
    if not cert_covers(t.cert_levels, dest, rules):
        return "move.certificate", None
    if subjects is not None:
        teachable = subjects & set(t.can_teach)
        if not teachable:
            return "move.subject", None
        if not any(dest.shortage(j) > 0 or (dest.code, j) in swappable for j in teachable):
            return "whatif.no_opening", None
        if cert_rank(t.cert_levels) < SENIOR_CERT_RANK and not any(
                _junior_opening(dest, j, swappable) for j in teachable):
            return "capacity.section", None  # only a senior section's slots are open there
    return None, None


def _junior_opening(dest: School, subject: str, swappable: dict[tuple[str, str], bool]
                    ) -> bool:
    """Whether a teacher without a senior-level certificate may take up `subject` at `dest`:
    a shortage there, or a swap — but where the subject's senior section is short
    (`rules.junior_section_slots`), only the junior section's slots, or a swap with a teacher
    without the certificate either (a senior-certified one may not leave that section)."""
    entry = dest.staffing_by_subject.get(subject)
    if entry is None:
        return (dest.code, subject) in swappable
    junior = junior_section_slots(entry)
    if junior is None:
        return entry.shortage > 0 or (dest.code, subject) in swappable
    return junior > 0 or swappable.get((dest.code, subject), False)


_INDEX: dict[int, tuple[Plan, dict, dict]] = {}


def _plan_index(plan: Plan) -> tuple[dict, dict]:
    """The base plan's moves by staff number and unfilled slots by (school, subject), built
    once per plan (the estimate reads them for every teacher)."""
    cached = _INDEX.get(id(plan))
    if cached is None or cached[0] is not plan:
        _INDEX.clear()
        cached = (plan, {m.staff_no: m for m in plan.moves},
                  {(s.school, s.subject): s.unfilled for s in plan.shortages})
        _INDEX[id(plan)] = cached
    return cached[1], cached[2]


def _in_base(plan: Plan, t: Teacher, dest: School) -> bool:
    """The base plan already sends `t` to `dest`: the answer is free (no change), so first."""
    move = _plan_index(plan)[0].get(t.staff_no)
    return move is not None and move.to_school == dest.code


def swappable_posts(instance: Instance) -> set[str]:
    """Schools whose principal post a rotating principal can take: vacant, or held by a
    principal who may rotate (as optimizer.network.principal_posts)."""
    rules, as_of = instance.rules, instance.as_of
    held = {t.school: t for t in instance.teachers if t.is_principal}
    return {s.code for s in instance.schools if s.code not in held} | {
        code for code, p in held.items()
        if not eligibility_blockers(p, as_of, rules)
        and not any(pin.kind == "must_stay" for pin in instance.pins_by_teacher.get(p.staff_no, []))}


def _swappable(instance: Instance) -> dict[tuple[str, str], bool]:
    """(school, main subject) pairs with a teacher who may rotate: the places a newcomer can
    take by a swap even where there is no shortage (see optimizer.network); each with whether
    one of them has no senior-level certificate (where a senior section is short, only such a
    teacher may make way for a newcomer without one, `_junior_opening`)."""
    rules, as_of = instance.rules, instance.as_of
    places: dict[tuple[str, str], bool] = {}
    for t in instance.teachers:
        if (not t.is_principal and not eligibility_blockers(t, as_of, rules)
                and not any(p.kind == "must_stay"
                            for p in instance.pins_by_teacher.get(t.staff_no, []))):
            key = (t.school, t.main_subject)
            places[key] = places.get(key, False) or cert_rank(t.cert_levels) < SENIOR_CERT_RANK
    return places


def _estimate(instance: Instance, plan: Plan, t: Teacher, dest: School, subjects: list[str],
              ) -> tuple[int, int, float]:
    """(rural shortage weight gained, preference points gained, extra km) of moving `t` to
    `dest` instead of what the base plan does with `t` — the plan's three levels, estimated
    without solving: a slot counts only when the plan leaves it unfilled."""
    rules = instance.rules
    current, unfilled = _plan_index(plan)
    current = current.get(t.staff_no)
    gain = max((subject_weight(j, rules) for j in subjects
                if dest.zone == "rural" and unfilled.get((dest.code, j), 0) > 0), default=0)
    preference = move_preference(t, dest.code, rules)
    distance = school_distance_km(instance.school_by_code[t.school], dest)
    if current is not None:
        if current.to_school == dest.code:
            return 0, 0, 0.0
        if current.subject is not None and (current.to_school, current.subject) in unfilled:
            gain -= subject_weight(current.subject, rules)
        preference -= move_preference(t, current.to_school, rules)
        distance -= current.distance_km
    return gain, preference, round(distance, 3)


# ------------------------------------------------------------------ re-solving the best few


def _check(instance: Instance, plan: Plan, ranked: list[tuple[Teacher, School, tuple]], k: int,
           settings: SolveSettings | None, max_checks: int | None, excluded: _Excluded,
           example, scope: Scope, subject: str | None = None,
           deadline: float = float("inf")) -> list[Option]:
    """Re-solve the ranked pairs in order until `k` feasible answers or `max_checks` solves
    or the `deadline` (a `time.perf_counter()` value; each re-solve's time limit is cut to
    what is left of it); the rest are listed as not checked, and why. For a vacancy (`subject` given) an answer whose plan
    has the teacher teach another subject there does not fill it and is excluded. A teacher
    interchangeable with one already re-solved for the same school (`_class_key`) shares that
    answer instead of a solve of its own. Answers sorted by the plan's lexicographic order."""
    settings = settings or resolve_settings()
    limit = 2 * k if max_checks is None else max_checks
    options: list[Option] = []
    done: dict[tuple, Option] = {}
    for position, (t, dest, est) in enumerate(ranked):
        key = _class_key(instance, plan, t, dest)
        shared = done.get(key)
        if len(options) >= k or (shared is None and excluded.checked >= limit):
            for t2, dest2, _ in ranked[position:]:
                excluded.add("whatif.not_checked", example(t2, dest2))
            break
        left = deadline - time.perf_counter()
        if shared is None and left <= 0:
            for t2, dest2, _ in ranked[position:]:
                excluded.add("whatif.not_checked_in_time", example(t2, dest2))
            break
        if shared is None:
            excluded.checked += 1
            within = settings if settings.time_limit_s <= left else settings.model_copy(
                update={"time_limit_s": left})  # fmt: skip
            option = done[key] = _resolve(instance, plan, t, dest, est, within, scope)
        else:
            option = shared.model_copy(update=dict(
                staff_no=t.staff_no, name=t.name, teacher=teacher_label(t, 0),
                same_as=shared.staff_no, reasons=[], solve_seconds=0.0))
        if option.status in ("optimal", "feasible"):
            if subject is not None and option.subject != subject:
                excluded.add("whatif.other_subject", example(t, dest))
            else:
                options.append(option)
        else:
            code = "whatif.infeasible" if option.status == "infeasible" else "whatif.unknown"
            excluded.add(code, example(t, dest))
    options.sort(key=_rank)
    return options


def _class_key(instance: Instance, plan: Plan, t: Teacher, dest: School) -> tuple:
    """Teachers the model cannot tell apart (optimizer.network groups them: same school, main
    subject, subjects, highest certificate, key status and volunteer flag, no pin), with the
    same wishes (the network keeps wishes out of its groups as wish arcs, but they change the
    preference level), and whom the base plan treats alike get the same key for the same
    destination: pinning one or the other gives plans of equal objective values. Principals
    and pinned teachers are their own class."""
    rules, as_of = instance.rules, instance.as_of
    move = _plan_index(plan)[0].get(t.staff_no)
    if t.is_principal or t.staff_no in instance.pins_by_teacher:
        return (dest.code, t.staff_no)
    return (dest.code, t.school, t.main_subject, tuple(t.can_teach), cert_rank(t.cert_levels),
            is_key(t, as_of, rules), t.volunteer, tuple(t.wishes),
            (move.to_school, move.subject) if move else None)


def _resolve(instance: Instance, plan: Plan, t: Teacher, dest: School, est: tuple,
             settings: SolveSettings, scope: Scope) -> Option:
    started = time.perf_counter()
    planned = next((m for m in plan.moves if m.staff_no == t.staff_no), None)
    in_base = planned is not None and planned.to_school == dest.code
    if in_base and plan.status == "optimal":
        after = plan
    else:
        pins = [Pin(kind="must_go", staff_no=t.staff_no, school=dest.code, note="whatif")]
        if scope == "local":
            pins += _hold_the_rest(instance, plan, t, dest)
        after = solve(_with_pins(instance, pins), settings)
    move = next((m for m in after.moves if m.staff_no == t.staff_no), None)
    before_moves = {(m.staff_no, m.to_school, m.subject) for m in plan.moves
                    if m.staff_no != t.staff_no}
    after_moves = {(m.staff_no, m.to_school, m.subject) for m in after.moves
                   if m.staff_no != t.staff_no}
    return Option(
        staff_no=t.staff_no, name=t.name, teacher=teacher_label(t, 0), from_school=t.school,
        from_school_label=school_label(instance.school_by_code[t.school], 0),
        from_school_label_en=school_label(instance.school_by_code[t.school], 1),
        to_school_label_en=school_label(dest, 1),
        to_school=dest.code, to_school_label=school_label(dest, 0),
        subject=move.subject if move else None, in_base_plan=in_base,
        distance_km=round(school_distance_km(instance.school_by_code[t.school], dest), 2),
        estimate=est, status=after.status, levels=_level_changes(plan, after),
        quotas=_quota_changes(plan, after),
        other_moves_changed=len({s for s, _, _ in before_moves ^ after_moves}),
        solve_seconds=round(time.perf_counter() - started, 3),
        reasons=move.reasons if move else [],
    )


def _with_pins(instance: Instance, pins: list[Pin]) -> Instance:
    """`Instance.with_pins` without re-validating the whole district (0.3 s of a 0.6 s local
    re-solve on the sample district): the pins made here name teachers and schools of the
    instance and give each teacher one decision, so the checks of `Instance` hold by
    construction. Earlier pins on the same teachers are replaced, as in `with_pins`."""
    touched = {p.staff_no for p in pins}
    return instance.model_copy(update={
        "pins": [p for p in instance.pins if p.staff_no not in touched] + pins})


def _scope(instance: Instance, scope: str) -> Scope:
    if scope in ("full", "local"):
        return scope  # type: ignore[return-value]
    rules, as_of = instance.rules, instance.as_of
    available = sum(1 for t in instance.teachers if not eligibility_blockers(t, as_of, rules))
    return "full" if available <= FULL_SCOPE_MAX_AVAILABLE else "local"


def _hold_the_rest(instance: Instance, plan: Plan, t: Teacher, dest: School) -> list[Pin]:
    """Pins that keep the base plan's decision for every teacher outside the move's
    neighbourhood: a mover keeps his destination (`must_go`), anyone else who may rotate stays
    (`must_stay`). Free are the teachers of the schools the move touches — the teacher's own
    school, the destination, and where the base plan sent the teacher —, every base-plan mover
    from or to one of them, and every teacher whose main subject the moving teacher can teach
    (for a principal: every principal, whose posts form the chains of swaps), so that
    departures can make room (ceiling, minimum kept, swaps), a replacement can come to a school
    that must keep its number in the subject, and the quotas can be met again. The
    office's own pins on free teachers stay."""
    moves = {m.staff_no: m for m in plan.moves}
    touched = {t.school, dest.code}
    if t.staff_no in moves:
        touched.add(moves[t.staff_no].to_school)
    subjects = set(t.can_teach)
    free = {m.staff_no for m in plan.moves if m.from_school in touched or m.to_school in touched}
    rules, as_of = instance.rules, instance.as_of
    pins = []
    for other in instance.teachers:
        if (other.staff_no == t.staff_no or other.staff_no in free or other.school in touched
                or (other.is_principal == t.is_principal
                    and (t.is_principal or other.main_subject in subjects))):
            continue
        if eligibility_blockers(other, as_of, rules):
            continue  # the model leaves them out anyway
        move = moves.get(other.staff_no)
        pins.append(Pin(kind="must_go", staff_no=other.staff_no, school=move.to_school,
                        note="whatif: base plan") if move else
                    Pin(kind="must_stay", staff_no=other.staff_no, note="whatif: base plan"))
    return pins


def _level_changes(before: Plan, after: Plan) -> list[LevelChange]:
    old = {o.name: o for o in before.objectives}
    changes = []
    for level in after.objectives:
        prior = old.get(level.name)
        was = prior.value if prior else None
        changes.append(LevelChange(
            name=level.name, sense=level.sense, before=was, after=level.value,
            change=None if was is None or level.value is None else level.value - was,
            proven_optimal=level.proven_optimal, unit=LEVEL_UNITS.get(level.name, "")))
    return changes


def _quota_changes(before: Plan, after: Plan) -> list[QuotaChange]:
    old = {(q.name, q.scope): q for q in before.quotas}
    new = {(q.name, q.scope): q for q in after.quotas}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a.achieved == b.achieved and a.met == b.met:
            continue
        changes.append(QuotaChange(
            name=key[0], scope=key[1], target=(b or a).target,
            before=a.achieved if a else None, after=b.achieved if b else None,
            met_before=a.met if a else None, met_after=b.met if b else None))
    return changes


def _rank(option: Option) -> tuple:
    """The plan's lexicographic order: better levels first, then staff number / school."""
    key: list[float] = []
    for level in option.levels:
        value = level.after if level.after is not None else float("inf") * (
            -1 if level.sense == "min" else 1)
        key.append(-value if level.sense == "max" else value)
    return (*key, option.staff_no, option.to_school)


def _base_levels(plan: Plan) -> list[LevelChange]:
    return [LevelChange(name=o.name, sense=o.sense, before=o.value, after=o.value, change=None,
                        proven_optimal=o.proven_optimal, unit=LEVEL_UNITS.get(o.name, ""))
            for o in plan.objectives]


# ------------------------------------------------------------------ helpers


def _on_date(instance: Instance, plan: Plan, settings: SolveSettings | None,
             from_date: date | None) -> tuple[Instance, Plan, SolveSettings | None]:
    """The question asked from another day than the instance's reference date: the rules are
    applied on that day, and the base plan is re-solved on it, so that before and after are
    comparable."""
    if from_date is None or from_date == instance.as_of:
        return instance, plan, settings
    if not instance.as_of <= from_date < add_years(instance.as_of, 1):
        raise WhatIfError(
            f"起始日期{from_date.isoformat()}不在{instance.year}学年内"
            f"（{instance.as_of.isoformat()}起一年）",
            f"from date {from_date.isoformat()} is outside the {instance.year} school year "
            f"(one year from {instance.as_of.isoformat()})")
    moved = Instance.model_validate({**instance.model_dump(by_alias=True),
                                     "as_of": from_date.isoformat()})
    return moved, solve(moved, settings or resolve_settings()), settings


def resolve_settings(time_limit_s: float = DEFAULT_RESOLVE_SECONDS) -> SolveSettings:
    """Settings of one re-solve: a short time limit, and no search for the smallest relaxation
    when the pinned move makes the plan infeasible (that search costs more than the solve; the
    answer only needs to know that no plan keeps the move)."""
    return SolveSettings(time_limit_s=time_limit_s, relax_when_infeasible=False)


def _require_k(k: int) -> None:
    if k < 1:
        raise WhatIfError(f"k 应为正整数，而不是 {k}", f"k must be a positive integer, not {k}")


def _reason_text(code: str) -> tuple[str, str]:
    if code in TEMPLATES:  # the what-if's own reasons ("whatif.…", optimizer.messages)
        return TEMPLATES[code]
    info = CATALOGUE.get(code)
    return (info.zh, info.en) if info else (code, code)


def _teacher_example(t: Teacher, detail: str | None) -> Example:
    zh = teacher_label(t, 0) + (f"：{detail}" if detail else "")
    return Example(key=t.staff_no, zh=zh, en=teacher_label(t, 1))


def _school_example(s: School, detail: str | None) -> Example:
    zh = school_label(s, 0) + (f"：{detail}" if detail else "")
    return Example(key=s.code, zh=zh, en=school_label(s, 1))


class _Excluded:
    """Exclusions grouped by reason code, counted, with the first few examples kept."""

    def __init__(self) -> None:
        self.by_code: dict[str, list[Example]] = defaultdict(list)
        self.keys: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.checked = 0

    def add(self, code: str, example: Example) -> None:
        self.counts[code] += 1
        self.keys[code].append(example.key)
        if len(self.by_code[code]) < EXAMPLES_PER_REASON:
            self.by_code[code].append(example)

    def groups(self) -> list[Exclusion]:
        out = []
        for code in sorted(self.counts, key=lambda c: (-self.counts[c], c)):
            zh, en = _reason_text(code)
            out.append(Exclusion(code=code, zh=zh, en=en, count=self.counts[code],
                                 keys=self.keys[code], examples=self.by_code[code]))
        return out
