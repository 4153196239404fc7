"""The independent checker catches hand-broken plans, each with the rule's name."""

from __future__ import annotations

from datetime import date

import pytest

from optimizer import Pin, check_plan
from optimizer.instance import Exemption
from tests.optimizer.factories import instance, key_designation, school, staffing, teacher

SCHOOLS = [school("U", "urban", staff=[staffing("math", 3), staffing("pe", 3)]),
           school("R", "rural", lat=23.80, staff=[staffing("math", 1), staffing("pe", 0, shortage=1)]),
           school("J", "rural", level="senior", lat=23.82, staff=[staffing("pe", 0, shortage=1)])]
TEACHERS = [teacher("u1", "U", "pe", designations=[key_designation()]), teacher("u2", "U", "math"),
            teacher("r1", "R", "math"), teacher("y1", "U", "math", joined_school_on=date(2024, 9, 1))]
INSTANCE = instance(SCHOOLS, TEACHERS, **{"quotas.district_share": 0.25,
                                          "quotas.school_share": 0})


@pytest.fixture(scope="module")
def plan():
    from optimizer import SolveSettings, solve

    made = solve(INSTANCE, SolveSettings(time_limit_s=10))
    assert made.status == "optimal" and check_plan(INSTANCE, made) == []
    return made


def broken(plan, **changes):
    """A copy of the plan with its first move changed."""
    first = plan.moves[0].model_copy(update=changes)
    return plan.model_copy(update={"moves": [first, *plan.moves[1:]]})


def names(instance, plan) -> set[str]:
    return {f.constraint for f in check_plan(instance, plan)}


def test_the_valid_plan_moves_the_pe_teacher(plan):
    assert [(m.staff_no, m.to_school) for m in plan.moves] == [("u1", "R")]


def test_duplicate_move(plan):
    twice = plan.model_copy(update={"moves": plan.moves * 2})
    assert "move.once" in names(INSTANCE, twice)


def test_subject_not_teachable(plan):
    assert "move.subject" in names(INSTANCE, broken(plan, subject="music"))


def test_certificate_does_not_cover_a_senior_school(plan):
    assert "move.certificate" in names(INSTANCE, broken(plan, to_school="J"))


def test_capacity_and_direction_and_ceiling(plan):
    inst = INSTANCE.model_copy(update={"schools": [
        SCHOOLS[0], SCHOOLS[1].model_copy(update={"post_ceiling": 0}), SCHOOLS[2]]})
    assert "capacity.post_ceiling" in names(inst, plan)
    found = names(INSTANCE, broken(plan, subject="math"))
    assert "capacity.subject" in found and "plan.figures" in found  # shortage figures now false


def test_ineligible_teacher_and_wrong_dates(plan):
    deferred = TEACHERS[0].model_copy(update={"exemptions": [
        Exemption(reason="deferred", from_date=date(2026, 1, 1))]})
    inst = INSTANCE.model_copy(update={"teachers": [deferred, *TEACHERS[1:]]})
    assert "eligibility.exemption" in names(inst, plan)
    assert "plan.terms" in names(INSTANCE, broken(plan, planned_end=date(2030, 1, 1)))


def test_pins_are_checked(plan):
    stay = INSTANCE.with_pins([Pin(kind="must_stay", staff_no="u1")])
    assert "pin.must_stay" in names(stay, plan)
    go = INSTANCE.with_pins([Pin(kind="must_go", staff_no="u2", school="R")])
    assert "pin.must_go" in names(go, plan)
    banned = INSTANCE.with_pins([Pin(kind="forbid", staff_no="u1", school="R")])
    assert "pin.forbid" in names(banned, plan)


def test_quota_shortfall_and_false_figures(plan):
    empty = plan.model_copy(update={"moves": []})
    assert "quota.district_share" in names(INSTANCE, empty)
    lying = plan.model_copy(update={"quotas": [
        plan.quotas[0].model_copy(update={"achieved": 9}), *plan.quotas[1:]]})
    assert names(INSTANCE, lying) == {"plan.figures"}


def test_key_share_is_checked(plan):
    non_key = TEACHERS[0].model_copy(update={"designations": []})
    inst = INSTANCE.model_copy(update={"teachers": [non_key, *TEACHERS[1:]]})
    assert {"quota.key_share", "plan.figures"} <= names(inst, plan)


def test_an_infeasible_plan_must_explain_itself(plan):
    silent = plan.model_copy(update={"status": "infeasible", "moves": []})
    assert names(INSTANCE, silent) == {"plan.figures"}
