"""Instance and plan: validation, JSON round trip, determinism, reproducibility."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from optimizer import Instance, Pin, Plan, SolveSettings, solve
from tests.optimizer.factories import district, instance, school, staffing, teacher


def test_instance_refuses_inconsistent_data():
    a = school("A")
    with pytest.raises(ValidationError, match="duplicate school"):
        instance([a, a], [])
    with pytest.raises(ValidationError, match="duplicate staff"):
        instance([a], [teacher("t", "A"), teacher("t", "A")])
    with pytest.raises(ValidationError, match="unknown school"):
        instance([a], [teacher("t", "B")])
    with pytest.raises(ValidationError, match="wished"):
        instance([a], [teacher("t", "A", wishes=["Z"])])
    with pytest.raises(ValidationError, match="contradictory pins"):
        instance([a, school("B")], [teacher("t", "A")],
                 pins=[Pin(kind="must_stay", staff_no="t"), Pin(kind="must_move", staff_no="t")])
    with pytest.raises(ValidationError, match="min_keep"):
        staffing("pe", in_post=1, min_keep=2)
    with pytest.raises(ValidationError, match="school is required"):
        Pin(kind="must_go", staff_no="t")


def test_main_subject_is_always_teachable():
    assert teacher("t", "A", "pe", can_teach=["music"]).can_teach == ["music", "pe"]


def test_teachers_given_the_same_fields_share_the_set_but_stay_independent():
    a = teacher("a", "".join(["A"]), "".join(["p", "e"]), volunteer=True)  # new str objects
    b = teacher("b", "".join(["A"]), "".join(["p", "e"]), volunteer=True)
    c = teacher("c", "A", "pe")
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__  # shared: memory
    assert "volunteer" in a.model_fields_set and "volunteer" not in c.model_fields_set
    assert a.school is b.school and a.can_teach[0] is b.can_teach[0]  # interned codes
    copied = c.model_copy(update={"volunteer": True})
    assert "volunteer" in copied.model_fields_set
    assert "volunteer" not in c.model_fields_set  # the copy's set is its own
    assert "volunteer" not in teacher("d", "A", "pe").model_fields_set
    assert [t.model_dump(exclude_unset=True)["staff_no"] for t in (a, b, c)] == ["a", "b", "c"]


def test_json_round_trip_of_instance_and_plan():
    inst = district(random.Random(3))
    assert Instance.model_validate_json(inst.model_dump_json()) == inst
    assert Instance.model_validate_json(inst.model_dump_json(by_alias=True)) == inst
    plan = solve(inst, SolveSettings(time_limit_s=10))
    assert Plan.model_validate_json(plan.model_dump_json()) == plan


def test_same_instance_and_settings_give_the_same_plan():
    inst = district(random.Random(9))
    settings = SolveSettings(time_limit_s=10)
    first, second = solve(inst, settings), solve(inst, settings)
    assert first.content() == second.content()


def test_a_plan_can_be_reproduced_from_what_it_records():
    inst = district(random.Random(11))
    plan = solve(inst, SolveSettings(time_limit_s=10, backend="scip"))
    again = solve(inst, plan.provenance.settings)
    assert again.content() == plan.content()
    assert plan.provenance.instance_sha256 == again.provenance.instance_sha256


@pytest.mark.parametrize("backend", ["highs", "scip", "cpsat"])
def test_every_back_end_reaches_the_same_optimum(backend):
    inst = district(random.Random(21))
    reference = solve(inst, SolveSettings(time_limit_s=10))
    plan = solve(inst, SolveSettings(time_limit_s=10, backend=backend, lp_guided=False))
    assert plan.status == reference.status
    assert [o.value for o in plan.objectives[:2]] == [o.value for o in reference.objectives[:2]]


CACHE_DISTRICTS = 40
"""Random districts on which who may rotate is compared with the rule, teacher by teacher."""


def test_who_may_rotate_is_the_rule_for_every_teacher_and_follows_a_copy_with_another_date():
    # The solve asks `available_staff` and `quota_base` instead of the rule for every teacher
    # each time; a copy that shares the teachers list but has another date or other rules
    # (what-if simulations, the roadmap's later years) must not see the original's answer.
    from collections import Counter
    from datetime import timedelta

    from optimizer.rules import counts_in_quota_base, is_available, load_rules

    def by_rule(inst: Instance) -> tuple[frozenset[str], dict[str, int]]:
        return (frozenset(t.staff_no for t in inst.teachers
                          if is_available(t, inst.as_of, inst.rules)),
                dict(Counter(t.school for t in inst.teachers
                             if counts_in_quota_base(t, inst.as_of, inst.rules))))

    teachers = changed_by_date = changed_by_rules = 0
    for seed in range(CACHE_DISTRICTS):
        original = district(random.Random(seed))
        first = (original.available_staff, original.quota_base)
        assert first == by_rule(original), seed
        later = original.model_copy(update={"as_of": original.as_of + timedelta(days=8 * 365)})
        assert later.teachers is original.teachers  # the copy shares the list
        assert (later.available_staff, later.quota_base) == by_rule(later), seed
        eased = original.model_copy(update={"rules": load_rules(overrides={
            "eligibility.min_years_at_school": 0, "quotas.school_quota_base": "service"})})
        assert (eased.available_staff, eased.quota_base) == by_rule(eased), seed
        assert (original.available_staff, original.quota_base) == first, seed
        teachers += len(original.teachers)
        changed_by_date += later.available_staff != first[0]
        changed_by_rules += eased.available_staff != first[0]
    # the copies did change who may rotate, so a stale answer would have failed above
    assert teachers > 5 * CACHE_DISTRICTS and changed_by_date >= 10 and changed_by_rules >= 10
