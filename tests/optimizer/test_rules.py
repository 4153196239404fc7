"""The rule definitions (optimizer.rules) and the rules file, each pinned to its source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.constraints import CATALOGUE
from optimizer.instance import Exemption
from optimizer.rules import (
    add_years,
    cert_covers,
    eligibility_blockers,
    eligible_since,
    haversine_km,
    is_available,
    is_key,
    junior_section_slots,
    load_rules,
    max_senior_net_loss,
    move_direction,
    move_preference,
    principal_direction_ok,
    share_target,
    slots_filled,
)
from tests.optimizer.factories import AS_OF, RULES, key_designation, school, staffing, teacher


def test_defaults_match_the_plan_and_carry_sources():
    assert RULES.quotas.district_share == 0.05
    assert RULES.quotas.school_share == 0.10
    assert RULES.quotas.key_share == 0.20
    assert RULES.eligibility.min_years_at_school == 6
    assert "5%" in RULES.sources["quotas.district_share"].text
    for info in CATALOGUE.values():
        for key in info.rule_keys:
            assert key in RULES.sources, (info.name, key)


def test_overrides_by_dotted_key_or_nested_and_unknown_refused():
    assert load_rules(overrides={"quotas.district_share": 0.04}).quotas.district_share == 0.04
    assert load_rules(overrides={"terms": {"secondment_years": 2}}).terms.secondment_years == 2
    with pytest.raises(KeyError):
        load_rules(overrides={"quotas.no_such_rule": 1})


@pytest.mark.parametrize(("fields", "constraint"), [
    ({"joined_school_on": date(2021, 9, 2)}, "eligibility.service_years"),
    ({"retirement_date": date(2031, 9, 1)}, "eligibility.retirement_margin"),
    ({"exemptions": [Exemption(reason="pregnancy", from_date=date(2026, 3, 1),
                               until=date(2027, 3, 1))]}, "eligibility.exemption"),
    ({"last_rotation_end": date(2024, 7, 31)}, "eligibility.cooldown"),
    ({"post_type": "temporary"}, "eligibility.established_post"),
    ({"on_secondment": True}, "eligibility.on_secondment"),
])
def test_each_eligibility_rule_blocks_and_its_boundary_passes(fields, constraint):
    blocked = teacher("t", "U", **fields)
    assert [b.constraint for b in eligibility_blockers(blocked, AS_OF, RULES)] == [constraint]
    assert eligibility_blockers(teacher("t", "U"), AS_OF, RULES) == []


CAPPED = load_rules(overrides={"eligibility.max_age_male": 55, "eligibility.max_age_female": 50})


@settings(max_examples=300, deadline=None)
@given(
    joined=st.dates(date(2000, 1, 1), date(2027, 1, 1)),
    retirement=st.dates(date(2026, 1, 1), date(2040, 1, 1)),
    last_end=st.none() | st.dates(date(2015, 1, 1), date(2026, 12, 31)),
    born=st.dates(date(1965, 1, 1), date(2000, 1, 1)),
    gender=st.sampled_from(["male", "female"]),
    post_type=st.sampled_from(["established", "temporary"]),
    seconded=st.booleans(),
    exempt=st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2027, 1, 1)),
                              st.none() | st.dates(date(2024, 1, 1), date(2028, 1, 1))),
                    max_size=2),
    capped=st.booleans(),
)
def test_available_exactly_when_nothing_blocks(joined, retirement, last_end, born, gender,
                                               post_type, seconded, exempt, capped):
    """`is_available` stops at the first unmet condition; it must agree with the full list of
    blockers (which the explanations show) for any teacher, with and without age caps."""
    rules = CAPPED if capped else RULES
    exemptions = [Exemption(reason="illness", from_date=start, until=until)
                  for start, until in exempt if until is None or until >= start]
    t = teacher("t", "U", joined_school_on=joined, retirement_date=retirement,
                last_rotation_end=last_end, birth_date=born, gender=gender, post_type=post_type,
                on_secondment=seconded, exemptions=exemptions)
    blockers = eligibility_blockers(t, AS_OF, rules)
    assert is_available(t, AS_OF, rules) == (not blockers)
    order = ["eligibility.established_post", "eligibility.on_secondment",
             "eligibility.service_years", "eligibility.retirement_margin",
             "eligibility.exemption", "eligibility.cooldown", "eligibility.age_cap"]
    assert [b.constraint for b in blockers] == sorted((b.constraint for b in blockers),
                                                       key=order.index)


def test_boundaries_six_years_exactly_and_more_than_five_to_retirement():
    assert not eligibility_blockers(teacher("t", "U", joined_school_on=date(2020, 9, 1)), AS_OF, RULES)
    assert eligibility_blockers(teacher("t", "U", retirement_date=date(2031, 9, 1)), AS_OF, RULES)
    assert not eligibility_blockers(teacher("t", "U", retirement_date=date(2031, 9, 2)), AS_OF, RULES)


def test_age_cap_only_when_set():
    old = teacher("t", "U", gender="male", birth_date=date(1970, 1, 1))
    assert not eligibility_blockers(old, AS_OF, RULES)
    capped = load_rules(overrides={"eligibility.max_age_male": 50})
    assert [b.constraint for b in eligibility_blockers(old, AS_OF, capped)] == ["eligibility.age_cap"]


def test_the_age_cap_never_depends_on_the_day_of_birth():
    """Users without an unmasking see a birth date as its month. Counted to the day, a
    capped teacher's eligibility on dates a user picks (plans, what-ifs, reports dated in
    the past) flipped on the birthday and told it, and with it the ID number. Ages count from
    the first of the birth month, as personnel forms (出生年月) do."""
    capped = load_rules(overrides={"eligibility.max_age_male": 50})
    days = [date(2027, 2, 1) + timedelta(days=n) for n in range(90)]
    verdicts = {
        tuple(bool(eligibility_blockers(teacher("t", "U", gender="male", birth_date=born),
                                        day, capped)) for day in days)  # fmt: skip
        for born in (date(1976, 3, d) for d in range(1, 32))
    }
    assert len(verdicts) == 1  # the same verdicts for all 31 birth days, on each of 90 days
    (verdict,) = verdicts
    assert verdict.index(True) == days.index(date(2027, 3, 1))  # 51 from the month's first
    assert sum(verdict) == 90 - 28


def test_eligible_since_takes_the_later_of_service_and_cooldown():
    t = teacher("t", "U", joined_school_on=date(2015, 9, 1), last_rotation_end=date(2022, 7, 31))
    assert eligible_since(t, RULES) == date(2025, 7, 31)


def test_key_teacher_needs_kind_tier_and_validity():
    assert is_key(teacher("t", "U", designations=[key_designation()]), AS_OF, RULES)
    assert not is_key(teacher("t", "U", designations=[key_designation("school")]), AS_OF, RULES)
    lapsed = key_designation().model_copy(update={"valid_until": date(2026, 8, 31)})
    assert not is_key(teacher("t", "U", designations=[lapsed]), AS_OF, RULES)


def test_share_target_rounds_up_exactly():
    assert share_target(0.05, 20) == 1
    assert share_target(0.05, 21) == 2
    assert share_target(0.10, 7) == 1
    assert share_target(0.10, 0) == 0


def test_certificate_covers_its_level_and_below():
    junior = school("J", level="nine_year")
    assert cert_covers(["junior"], junior, RULES)
    assert cert_covers(["senior"], junior, RULES)
    assert not cert_covers(["primary"], junior, RULES)
    assert not cert_covers([], school("K", level="kindergarten"), RULES)


def test_directions():
    urban, rural = school("U", "urban"), school("R", "rural")
    quality, plain = school("Q", "urban", quality=True), school("P", "urban")
    assert move_direction(urban, rural, RULES) == "urban_to_rural"
    assert move_direction(rural, urban, RULES) == "rural_to_urban"
    assert move_direction(quality, plain, RULES) == "quality_to_non_quality"
    assert move_direction(plain, school("P2", "urban"), RULES) is None
    no_reverse = load_rules(overrides={"directions.rural_to_urban": False,
                                       "directions.non_quality_to_quality": False})
    assert move_direction(rural, urban, no_reverse) is None
    assert not principal_direction_ok(urban, plain, RULES)
    assert principal_direction_ok(urban, school("W", "urban", weak=True), RULES)


def test_distance_and_dates():
    assert haversine_km(23.74, 114.70, 23.74, 114.70) == 0
    assert 110 < haversine_km(23.0, 114.0, 24.0, 114.0) < 112
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_preference_wishes_volunteers_and_move_cost():
    keen = teacher("t", "U", wishes=["R"], volunteer=True)
    assert move_preference(keen, "R", RULES) == 6 + 4 - 3
    assert move_preference(teacher("t", "U"), "R", RULES) == -3


@pytest.mark.parametrize(("senior", "moved", "junior", "loss", "filled"), [
    # no section figures: every teacher counts alike
    (None, (3, 0, 0, 0), None, None, 2),
    # senior section short of 1 of the 2 slots: junior-certified arrivals take only the other
    ((1, 1, 1), (2, 0, 0, 0), 1, (0, "sending.section_shortage_kept"), 1),
    ((1, 1, 1), (2, 0, 1, 0), 1, (0, "sending.section_shortage_kept"), 2),
    # a senior-certified teacher swapped for a junior-certified one: nothing filled
    ((1, 1, 1), (1, 1, 0, 1), 1, (0, "sending.section_shortage_kept"), 0),
    # senior section not short: no junior limit, its minimum kept
    ((3, 0, 1), (3, 0, 0, 0), None, (2, "sending.section_min_keep"), 2),
])
def test_complete_secondary_sections(senior, moved, junior, loss, filled):
    """A subject short of 2 with 3 in post: the junior section's slots, the senior section's
    net loss, and the slots (arrivals, departures, senior-certified arrivals, departures)
    truly fill."""
    entry = staffing("physics", in_post=3, shortage=2, senior=senior)
    assert junior_section_slots(entry) == junior
    assert max_senior_net_loss(entry) == loss
    assert slots_filled(entry, *moved) == filled
