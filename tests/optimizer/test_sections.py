"""A complete secondary school's two sections: a teacher without a senior-level certificate fills
only the junior section's shortage, and the senior section keeps its senior-certified teachers
(`capacity.section`, `sending.section_*`) — in the model, the greedy clerk, the explanations and
the independent checker, which names who broke the rule and where."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from optimizer import Instance, Plan, SolveSettings, check_plan, solve
from optimizer.baseline import greedy_plan
from optimizer.certify import instance_sha256
from optimizer.explain import make_move, move_reasons, shortage_results
from tests.optimizer.factories import free_rules, instance, school, staffing, teacher

JUNIOR, SENIOR = ["primary", "junior"], ["primary", "junior", "senior"]

C = school("C", "rural", level="complete_secondary", lat=23.80,
           staff=[staffing("physics", in_post=1, shortage=1, min_keep=1, senior=(1, 1, 1))])
"""A rural complete secondary school short of one physics teacher, in its senior section."""
U = school("U", "urban", level="junior", staff=[staffing("physics", in_post=3, min_keep=1)])
C1 = teacher("c1", "C", "physics", cert_levels=SENIOR)
J1 = teacher("j1", "U", "physics", cert_levels=JUNIOR)
S1 = teacher("s1", "U", "physics", cert_levels=SENIOR, joined_school_on=J1.joined_school_on)


def solved(inst: Instance) -> Plan:
    plan = solve(inst, SolveSettings(time_limit_s=20))
    assert plan.status == "optimal" and check_plan(inst, plan) == [], plan.status
    return plan


def with_move(inst: Instance, plan: Plan, staff_no: str, to_school: str, subject: str) -> Plan:
    """The plan with one more move, made by hand (its claims left as they were)."""
    t = inst.teacher_by_staff_no[staff_no]
    move = make_move(inst, t, to_school, subject, move_reasons(inst, t, to_school, subject, 0,
                                                               None))
    return plan.model_copy(update={"moves": [*plan.moves, move]})


def test_a_junior_certified_teacher_does_not_fill_the_senior_sections_shortage():
    inst = instance([C, U], [C1, J1], rules=free_rules())
    plan = solved(inst)
    assert plan.moves == [] and plan.objectives[0].value == 0
    [slot] = plan.shortages
    assert (slot.school, slot.slots, slot.filled) == ("C", 1, 0)
    reason = next(r for r in slot.reasons if r.code == "unfilled.senior_section")
    assert (reason.params["slots"], reason.params["count"]) == (1, 0)
    assert "高中部" in reason.zh and "senior section" in reason.en
    # the same school without section figures: j1 fills the slot, as before sections existed
    plain = C.model_copy(update={"staffing": [staffing("physics", 1, shortage=1, min_keep=1)]})
    before = solved(instance([plain, U], [C1, J1], rules=free_rules()))
    assert [(m.staff_no, m.to_school) for m in before.moves] == [("j1", "C")]


def test_a_senior_certified_teacher_fills_it():
    inst = instance([C, U], [C1, J1, S1], rules=free_rules())
    plan = solved(inst)
    assert [(m.staff_no, m.to_school, m.subject) for m in plan.moves] == [("s1", "C", "physics")]
    assert plan.objectives[0].value == 1 and plan.shortages[0].filled == 1


def test_the_checker_refuses_a_junior_certified_arrival_in_the_senior_section():
    inst = instance([C, U], [C1, J1], rules=free_rules())
    forged = with_move(inst, solved(inst), "j1", "C", "physics")
    findings = [f for f in check_plan(inst, forged) if f.constraint == "capacity.section"]
    assert len(findings) == 1 and findings[0].scope == "C:physics"
    zh, en = findings[0].zh, findings[0].en
    assert "教师j1（工号j1）" in zh and "C学校（C）" in zh and "物理" in zh
    assert "缺1人，其中高中部1人只能由持高级中学教师资格的教师补充、初中部0人" in zh
    assert "净增1人" in zh
    assert "教师j1 (staff no. j1)" in en and "C学校 (C)" in en
    assert "short of 1, of which 1 in the senior section" in en and "a net 1" in en
    # the slot is not counted as filled: level 1 stays 0, as the plan says
    assert not [f for f in check_plan(inst, forged)
                if f.constraint == "plan.objective" and f.scope == "rural_shortage_filled"]


def test_the_checker_accepts_a_senior_certified_arrival():
    inst = instance([C, U], [C1, J1, S1], rules=free_rules())
    assert check_plan(inst, solved(inst)) == []


def test_a_school_short_in_its_senior_section_keeps_its_senior_certified_teachers():
    # c1 leaves C, j1 takes its place: the subject's count stays, the senior section loses
    inst = instance([C, U], [C1, J1], rules=free_rules())
    swapped = with_move(inst, with_move(inst, solved(inst), "c1", "U", "physics"),
                        "j1", "C", "physics")
    findings = {f.constraint: f for f in check_plan(inst, swapped)}
    kept = findings["sending.section_shortage_kept"]
    assert kept.scope == "C:physics" and "教师c1（工号c1）" in kept.zh and "C学校（C）" in kept.zh
    assert "高中部本身缺1人" in kept.zh and "净调出1人" in kept.zh
    assert "the senior section is short of 1 itself" in kept.en and "教师c1 (staff no. c1)" in kept.en
    assert "capacity.section" in findings


W = school("W", "urban", level="complete_secondary",
           staff=[staffing("physics", in_post=2, min_keep=1, senior=(1, 0, 1))])
"""An urban complete secondary school with one physics teacher to spare, but not a senior-
certified one: its senior section needs its only one."""
R = school("R", "rural", level="junior", lat=23.80,
           staff=[staffing("physics", in_post=0, shortage=1)])
W_SENIOR = teacher("ws", "W", "physics", cert_levels=SENIOR, volunteer=True,
                   joined_school_on=J1.joined_school_on.replace(year=2010))
W_JUNIOR = teacher("wj", "W", "physics", cert_levels=JUNIOR)


def quota_instance() -> Instance:
    """W must send one of its two (10% quota at 50%); the senior-certified teacher volunteers,
    so that without the sections he would be the one to go."""
    return instance([W, R], [W_SENIOR, W_JUNIOR],
                    rules=free_rules(**{"quotas.school_share": 0.5}))


def test_the_senior_section_keeps_its_minimum():
    inst = quota_instance()
    assert [(m.staff_no, m.to_school) for m in solved(inst).moves] == [("wj", "R")]
    plain = W.model_copy(update={"staffing": [staffing("physics", 2, min_keep=1)]})
    before = solved(inst.model_copy(update={"schools": [plain, R]}))
    assert [(m.staff_no, m.to_school) for m in before.moves] == [("ws", "R")]


def test_the_checker_names_a_senior_certified_teacher_who_leaves_below_the_minimum():
    inst = quota_instance()
    plan = solved(inst)
    forged = plan.model_copy(update={"moves": [with_move(inst, plan, "ws", "R", "physics")
                                               .moves[-1]]})
    [finding] = [f for f in check_plan(inst, forged) if f.constraint.startswith("sending.")]
    assert finding.constraint == "sending.section_min_keep" and finding.scope == "W:physics"
    assert "教师ws（工号ws）" in finding.zh and "W学校（W）" in finding.zh
    assert "持高级中学教师资格的在编教师1人，高中部须保留1人，至多净调出0人" in finding.zh
    assert "1 established teachers with a senior-secondary certificate, 1 of whom" in finding.en


def test_the_greedy_clerk_keeps_both_sections():
    for inst, expected in ((instance([C, U], [C1, J1], rules=free_rules()), []),
                           (instance([C, U], [C1, J1, S1], rules=free_rules()), [("s1", "C")]),
                           (quota_instance(), [("wj", "R")])):
        plan = greedy_plan(inst)
        assert [(m.staff_no, m.to_school) for m in plan.moves] == expected
        assert check_plan(inst, plan) == []


def test_the_explanations_count_only_what_is_truly_filled():
    inst = instance([C, U], [C1, J1], rules=free_rules())
    forged = with_move(inst, solved(inst), "j1", "C", "physics")
    [slot] = shortage_results(inst, forged.moves, None)
    assert (slot.arrivals, slot.filled, slot.unfilled) == (1, 0, 1)


def test_section_figures_are_refused_where_they_do_not_fit():
    with pytest.raises(ValidationError, match="only a complete secondary school"):
        school("P", level="junior", staff=[staffing("physics", 1, senior=(1, 0, 0))])
    with pytest.raises(ValidationError, match="senior section"):
        staffing("physics", in_post=1, shortage=0, senior=(1, 1, 0))
    with pytest.raises(ValidationError, match="senior section"):
        staffing("physics", in_post=1, senior=(2, 0, 0))
    with pytest.raises(ValidationError, match="senior section: min_keep"):
        staffing("physics", in_post=2, senior=(1, 0, 2))


SECTIONLESS_SHA256 = "f42668e2a4ffb932314d69a2230815dcc21a21834292e7dcc309028bae5f8ad1"
"""`instance_sha256` of `sectionless()` as computed before section figures existed."""


def sectionless() -> Instance:
    return instance([school("A", "urban", staff=[staffing("math", 2, shortage=1)]),
                     school("B", "rural", level="complete_secondary",
                            staff=[staffing("pe", 1, min_keep=1)])],
                    [teacher("a1", "A"), teacher("b1", "B", "pe")], rules=free_rules())


def test_an_instance_without_section_figures_is_written_and_hashed_as_before():
    """Old plan files name their instance by this hash, and old instance files have no
    `senior` key: an instance without section figures must dump to the same JSON."""
    inst = sectionless()
    assert all(set(e.model_dump(by_alias=True)) == {"subject", "in_post", "shortage", "min_keep"}
               for s in inst.schools for e in s.staffing)
    assert instance_sha256(inst) == SECTIONLESS_SHA256
    with_sections = instance([C, U], [C1, J1])
    again = Instance.model_validate_json(with_sections.model_dump_json())
    assert again.model_dump() == with_sections.model_dump()
    assert '"senior":{"in_post":1,"shortage":1,"min_keep":1}' in with_sections.model_dump_json()


def test_what_if_screens_out_a_junior_certified_teacher_for_a_senior_slot():
    from optimizer.whatif import candidates

    inst = instance([C, U], [C1, J1, S1], rules=free_rules())
    answer = candidates(inst, solved(inst), "C", "physics", k=5)
    assert [o.staff_no for o in answer.options] == ["s1"]
    excluded = {key: group.code for group in answer.excluded for key in group.keys}
    assert excluded["j1"] == "capacity.section"
