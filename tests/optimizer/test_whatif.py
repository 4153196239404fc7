"""Planning ahead (optimizer.whatif) against brute force on small random districts: every
answer's figures equal a re-solve with the move pinned, the answers are exactly the moves some
plan can keep, and every teacher or school the rules screen out really cannot be pinned there."""

from __future__ import annotations

import random
from datetime import date

import pytest

from optimizer import Pin, SolveSettings, solve
from optimizer.whatif import WhatIfError, candidates, destinations
from tests.optimizer import factories as f

SETTINGS = SolveSettings(time_limit_s=20, relax_when_infeasible=False)
SEEDS = range(80)


def _district(seed: int):
    return f.district(random.Random(seed), max_schools=4, max_teachers=10, max_available=6)


def _pinned(instance, staff_no: str, school: str):
    return solve(instance.with_pins([Pin(kind="must_go", staff_no=staff_no, school=school)]),
                 SETTINGS)


def _levels(plan) -> list[float | None]:
    return [o.value for o in plan.objectives]


def _feasible(plan) -> bool:
    return plan.status in ("optimal", "feasible")


def _feasible_districts():
    """(seed, instance, base plan) of each of the `SEEDS` districts that has a plan."""
    for seed in SEEDS:
        instance = _district(seed)
        base = solve(instance, SETTINGS)
        if _feasible(base):
            yield seed, instance, base


def _vacancy(instance) -> tuple[str, str]:
    """The asked vacancy: the rural school S1 (rural by construction), its largest shortage."""
    school = instance.schools[1]
    return school.code, max(f.SUBJECTS, key=lambda j: (school.shortage(j), j))


NO_PLAN = ("eligibility.", "pin.", "move.direction", "move.certificate",
           "principal.direction", "principal.post", "whatif.principal", "whatif.infeasible")
"""Exclusions that claim no plan can keep the move at all."""

NOT_THIS_SUBJECT = ("move.subject", "whatif.no_opening")
"""Exclusions that claim no plan has the teacher teach the asked subject there."""


def _excluded_by(answer) -> dict[str, str]:
    return {key: group.code for group in answer.excluded for key in group.keys}


def _check_option(option, pinned, base) -> None:
    assert _feasible(pinned), option.staff_no
    assert [lv.after for lv in option.levels] == _levels(pinned)
    assert [lv.change for lv in option.levels] == [
        a - b for a, b in zip(_levels(pinned), _levels(base), strict=True)]
    if option.same_as is not None:
        return  # shares another optimal plan: equal levels, its own quotas and subject
    move = next(m for m in pinned.moves if m.staff_no == option.staff_no)
    assert (option.to_school, option.subject) == (move.to_school, move.subject)
    after = {(q.name, q.scope): q.achieved for q in pinned.quotas}
    before = {(q.name, q.scope): q.achieved for q in base.quotas}
    changed = {key for key in after.keys() | before.keys() if after.get(key) != before.get(key)}
    assert {(q.name, q.scope) for q in option.quotas} >= changed
    for q in option.quotas:
        assert (q.before, q.after) == (before.get((q.name, q.scope)), after.get((q.name, q.scope)))


def _check_exclusion(code: str, pinned, staff_no: str, subject: str | None) -> bool:
    """True when the exclusion was checked against the pinned re-solve."""
    if code.startswith(NO_PLAN):
        assert not _feasible(pinned), (code, staff_no)
        return True
    if code == "whatif.other_subject":
        move = next(m for m in pinned.moves if m.staff_no == staff_no)
        assert _feasible(pinned) and move.subject != subject, (code, staff_no)
        return True
    if code in NOT_THIS_SUBJECT and subject is not None:
        move = next((m for m in pinned.moves if m.staff_no == staff_no), None)
        assert move is None or move.subject != subject, (code, staff_no)
        return True
    return False


def test_candidates_equal_brute_force() -> None:
    """For one vacancy per district, every teacher pinned there in turn: the answers are
    exactly the teachers some plan can move there, each with that plan's levels, quotas and
    subject; every exclusion's claim holds for the pinned re-solve; answers in the plan's
    lexicographic order."""
    answered = excluded = districts = 0
    for _seed, instance, base in _feasible_districts():
        districts += 1
        school, subject = _vacancy(instance)
        n = len(instance.teachers)
        answer = candidates(instance, base, school, subject, k=n, settings=SETTINGS,
                            max_checks=n, scope="full")
        assert answer.scope == "full" and answer.checked <= answer.screened
        assert "whatif.not_checked" not in {g.code for g in answer.excluded}
        options = {o.staff_no: o for o in answer.options}
        reasons = _excluded_by(answer)
        others = [t for t in instance.teachers if t.school != school]
        assert set(options) | set(reasons) == {t.staff_no for t in others}
        assert not set(options) & set(reasons)
        assert all(o.subject == subject for o in answer.options)
        for t in others:
            pinned = _pinned(instance, t.staff_no, school)
            if t.staff_no in options:
                _check_option(options[t.staff_no], pinned, base)
                answered += 1
            else:
                excluded += _check_exclusion(reasons[t.staff_no], pinned, t.staff_no, subject)
        assert [o.staff_no for o in answer.options] == [
            o.staff_no for o in sorted(answer.options, key=_rank_key)]
    assert districts >= 25 and answered >= 10 and excluded >= 80, (districts, answered, excluded)


def test_destinations_equal_brute_force() -> None:
    """For the first teacher who may rotate in each district, every school pinned in turn:
    the answers are exactly the schools some plan can send the teacher to, with that plan's
    figures; the excluded schools' claims hold."""
    answered = excluded = districts = 0
    for seed, instance, base in _feasible_districts():
        districts += 1
        t = instance.teachers[seed % len(instance.teachers)]
        answer = destinations(instance, base, t.staff_no, k=10, settings=SETTINGS,
                              max_checks=10, scope="full")
        options = {o.to_school: o for o in answer.options}
        reasons = _excluded_by(answer)
        others = [s for s in instance.schools if s.code != t.school]
        assert set(options) | set(reasons) == {s.code for s in others}
        for s in others:
            pinned = _pinned(instance, t.staff_no, s.code)
            if s.code in options:
                _check_option(options[s.code], pinned, base)
                answered += 1
            else:
                excluded += _check_exclusion(reasons[s.code], pinned, t.staff_no, None)
    assert districts >= 25 and answered >= 15 and excluded >= 30, (districts, answered, excluded)


def test_local_scope_never_beats_the_full_re_solve() -> None:
    """Local answers are real plans keeping the move (the checker accepts the pinned plan
    they come from) and cost at least what the whole re-solve costs."""
    compared = 0
    for _seed, instance, base in _feasible_districts():
        school, subject = _vacancy(instance)
        n = len(instance.teachers)
        local = candidates(instance, base, school, subject, k=n, settings=SETTINGS,
                           max_checks=n, scope="local")
        full = {o.staff_no: o for o in candidates(
            instance, base, school, subject, k=n, settings=SETTINGS, max_checks=n,
            scope="full").options}
        for option in local.options:
            assert option.staff_no in full
            assert _rank_key(full[option.staff_no]) <= _rank_key(option)
            compared += 1
    assert compared >= 10, compared


def test_screened_out_and_ranked_by_estimate_when_checks_are_few() -> None:
    """With fewer checks than candidates the rest are listed as not checked, and `k` bounds
    the answers; the move the base plan makes is answered from it with no change."""
    school_u = f.school("U", "urban", staff=[f.staffing("pe", in_post=3)])
    school_r = f.school("R", "rural", lon=114.8, staff=[f.staffing("pe", 0, shortage=1)])
    teachers = [f.teacher(f"T{i}", "U", "pe", volunteer=i == 0) for i in range(3)]
    instance = f.instance([school_u, school_r], teachers, rules=f.free_rules())
    base = solve(instance, SETTINGS)
    assert [m.staff_no for m in base.moves] == ["T0"]
    answer = candidates(instance, base, "R", "pe", k=1, settings=SETTINGS, max_checks=1)
    assert [o.staff_no for o in answer.options] == ["T0"]
    assert answer.options[0].in_base_plan
    assert [lv.change for lv in answer.options[0].levels] == [0, 0, 0]
    assert _excluded_by(answer) == {"T1": "whatif.not_checked", "T2": "whatif.not_checked"}
    assert (answer.screened, answer.checked) == (3, 1)


@pytest.mark.parametrize("question", ["candidates", "destinations"])
def test_a_question_stops_re_solving_when_its_time_is_spent(question) -> None:
    """The whole answer has a time budget (`ANSWER_BUDGET_SECONDS`): the pairs not reached in
    it are listed as not checked for that reason, and no re-solve runs past it."""
    school_u = f.school("U", "urban", staff=[f.staffing("pe", in_post=3)])
    rural = [f.school(f"R{i}", "rural", lon=114.8 + i / 100,
                      staff=[f.staffing("pe", 0, shortage=1)]) for i in range(3)]  # fmt: skip
    teachers = [f.teacher(f"T{i}", "U", "pe", volunteer=i == 0) for i in range(3)]
    instance = f.instance([school_u, *rural], teachers, rules=f.free_rules())
    base = solve(instance, SETTINGS)
    ask = (lambda budget: candidates(instance, base, "R1", "pe", k=3, settings=SETTINGS,
                                     budget_s=budget)) if question == "candidates" else (
        lambda budget: destinations(instance, base, "T1", k=3, settings=SETTINGS,
                                    budget_s=budget))  # fmt: skip
    spent = ask(0.0)
    assert (spent.options, spent.checked, spent.screened) == ([], 0, 3)
    (group,) = spent.excluded
    assert (group.code, group.count) == ("whatif.not_checked_in_time", 3)
    assert group.zh == "符合规则，但本次查询的求解时限已用完，未重新求解"
    ample = ask(600.0)
    assert ample.checked >= 1 and len(ample.options) >= 1
    assert "whatif.not_checked_in_time" not in {g.code for g in ample.excluded}


@pytest.mark.parametrize(("call", "zh"), [
    (lambda i, p: candidates(i, p, "NOPE", "pe"), "未知学校代码“NOPE”"),
    (lambda i, p: destinations(i, p, "NOPE"), "未知工号“NOPE”"),
    (lambda i, p: candidates(i, p, "R", "pe", k=0), "k 应为正整数，而不是 0"),
])
def test_bad_questions_are_refused_by_name(call, zh) -> None:
    school_u = f.school("U", "urban", staff=[f.staffing("pe", in_post=1)])
    school_r = f.school("R", "rural", staff=[f.staffing("pe", 0, shortage=1)])
    instance = f.instance([school_u, school_r], [f.teacher("T0", "U", "pe")],
                          rules=f.free_rules())
    with pytest.raises(WhatIfError) as info:
        call(instance, solve(instance, SETTINGS))
    assert info.value.zh == zh


def test_interchangeable_teachers_share_one_re_solve() -> None:
    """Two teachers the model cannot tell apart share one re-solve; the shared answer's
    levels equal re-solving with the other one pinned."""
    school_u = f.school("U", "urban", staff=[f.staffing("pe", in_post=4)])
    school_r = f.school("R", "rural", lon=114.8, staff=[f.staffing("pe", 0, shortage=1)])
    teachers = [f.teacher(f"T{i}", "U", "pe", volunteer=i == 0) for i in range(4)]
    instance = f.instance([school_u, school_r], teachers, rules=f.free_rules())
    base = solve(instance, SETTINGS)
    answer = candidates(instance, base, "R", "pe", k=4, settings=SETTINGS, scope="full")
    assert [(o.staff_no, o.same_as) for o in answer.options] == [
        ("T0", None), ("T1", None), ("T2", "T1"), ("T3", "T1")]
    assert answer.checked == 2
    for option in answer.options[2:]:
        _check_option(option, _pinned(instance, option.staff_no, "R"), base)


def test_a_later_from_date_applies_the_rules_on_that_day() -> None:
    """A teacher whose years at the school are complete only in October is not a candidate
    from the start of the school year, but is one from November; the base plan is re-solved
    on that day, so before and after are comparable. A day outside the year is refused."""
    school_u = f.school("U", "urban", staff=[f.staffing("pe", in_post=2)])
    school_r = f.school("R", "rural", lon=114.8, staff=[f.staffing("pe", 0, shortage=1)])
    late = f.teacher("LATE", "U", "pe", joined_school_on=date(2020, 10, 15))
    instance = f.instance([school_u, school_r], [late, f.teacher("NEW", "U", "pe",
                          joined_school_on=date(2025, 9, 1))], rules=f.free_rules())
    base = solve(instance, SETTINGS)
    at_start = candidates(instance, base, "R", "pe", settings=SETTINGS)
    assert at_start.options == []
    assert _excluded_by(at_start) == {"LATE": "eligibility.service_years",
                                      "NEW": "eligibility.service_years"}
    later = candidates(instance, base, "R", "pe", settings=SETTINGS,
                       from_date=date(2026, 11, 1))
    assert later.as_of == date(2026, 11, 1)
    assert [o.staff_no for o in later.options] == ["LATE"]
    moved = instance.model_copy(update={"as_of": date(2026, 11, 1)})
    pinned = solve(moved.with_pins([Pin(kind="must_go", staff_no="LATE", school="R")]), SETTINGS)
    assert [lv.after for lv in later.options[0].levels] == _levels(pinned)
    for outside in (date(2026, 8, 31), date(2027, 9, 1)):
        with pytest.raises(WhatIfError) as info:
            candidates(instance, base, "R", "pe", from_date=outside)
        assert info.value.zh == (f"起始日期{outside.isoformat()}不在2026学年内"
                                 "（2026-09-01起一年）")


def test_a_principal_goes_only_to_a_post_that_can_be_free() -> None:
    """Destinations of an urban principal, against every school pinned in turn: a vacant post
    and one whose principal may rotate are answers; a post held by a principal who may not
    rotate is excluded (principal.post) and indeed no plan fills it."""
    schools = [f.school("U", "urban"), f.school("R1", "rural", lon=114.8),
               f.school("R2", "rural", lon=114.75), f.school("R3", "rural", lon=114.78)]
    principal = dict(is_principal=True, principal_terms_at_school=2)
    teachers = [
        f.teacher("PU", "U", **principal),
        f.teacher("P1", "R1", **principal),
        f.teacher("P3", "R3", joined_school_on=date(2025, 9, 1), **principal),
    ]
    instance = f.instance(schools, teachers, rules=f.free_rules())
    base = solve(instance, SETTINGS)
    assert _feasible(base)
    answer = destinations(instance, base, "PU", k=5, settings=SETTINGS, scope="full")
    options = {o.to_school: o for o in answer.options}
    assert _excluded_by(answer) == {"R3": "principal.post"}
    assert set(options) == {"R1", "R2"}
    checked = 0
    for code in ("R1", "R2", "R3"):
        pinned = _pinned(instance, "PU", code)
        if code in options:
            _check_option(options[code], pinned, base)
        else:
            assert _check_exclusion("principal.post", pinned, "PU", None)
        checked += 1
    assert checked == 3


def _rank_key(option):
    return tuple(-lv.after if lv.sense == "max" else lv.after for lv in option.levels)
