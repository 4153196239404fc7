"""The rotation report's bulk quota-base rule gives, teacher by teacher and day by day, what the
rule itself (``optimizer.rules.counts_in_quota_base``) gives: every blocker at its edges
(29 February joins, the day a cool-down or exemption ends, birthdays on the day, age caps),
under both readings of ``quotas.school_quota_base`` and with the optional conditions on."""

from __future__ import annotations

import datetime as dt
import random
import typing
from collections import Counter
from dataclasses import dataclass, field

import pytest

from optimizer.rules import (
    EligibilityRules,
    QuotaRules,
    counts_in_quota_base,
    eligibility_blockers,
    load_rules,
)
from workforce.reports.eligibility import QuotaPeople

D = dt.date
DAYS = [D(y, m, d) for y in (2020, 2022, 2024, 2026) for m, d in ((2, 28), (2, 29), (9, 1))
        if not (m == 2 and d == 29 and y % 4)]  # fmt: skip


@dataclass
class Exempt:
    reason: str
    from_date: dt.date
    until: dt.date | None


@dataclass
class Person:
    post_type: str
    on_secondment: bool
    joined_school_on: dt.date
    retirement_date: dt.date
    last_rotation_end: dt.date | None
    gender: str
    birth_date: dt.date
    exemptions: list[Exempt] = field(default_factory=list)


def _near(rng: random.Random, day: dt.date, years: int) -> dt.date:
    """A day around ``years`` before ``day`` (the rule's edges), sometimes on 29 February."""
    if rng.random() < 0.15:
        return D(rng.choice([2008, 2012, 2016, 2020]), 2, 29)
    return day - dt.timedelta(days=round(years * 365.25) + rng.randint(-2, 2))


def _people(count: int) -> list[Person]:
    rng = random.Random(20261205)
    people = []
    for _ in range(count):
        day = rng.choice(DAYS)
        exemptions = []
        if rng.random() < 0.15:
            start = rng.choice([day, day + dt.timedelta(days=rng.randint(-400, 30))])
            until = rng.choice([None, rng.choice(DAYS), start + dt.timedelta(rng.randint(0, 800))])
            exemptions.append(Exempt("illness", start, until))
        people.append(
            Person(
                post_type=rng.choice(["established"] * 5 + ["temporary", "other"]),
                on_secondment=rng.random() < 0.1,
                joined_school_on=_near(rng, day, rng.choice([6, 6, 12])),
                retirement_date=_near(rng, day, rng.choice([-5, -15, -15])),
                last_rotation_end=None if rng.random() < 0.7 else _near(rng, day, 3),
                gender=rng.choice(["male", "female"]),
                birth_date=_near(rng, day, rng.choice([45, 50, 55])),
                exemptions=exemptions,
            )
        )
    return people


RULE_SETS = {
    "default": {},
    "service": {"quotas.school_quota_base": "service"},
    "age caps": {"eligibility.max_age_male": 50, "eligibility.max_age_female": 45},
    "any post": {"eligibility.established_only": False, "eligibility.cooldown_years": 0},
}


@pytest.mark.parametrize("overrides", RULE_SETS.values(), ids=list(RULE_SETS))
def test_bulk_quota_base_equals_the_rule_teacher_by_teacher(overrides) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules(overrides=overrides)
    people = _people(1500)
    bulk = QuotaPeople.of(people, rules)
    assert len(bulk) == 1500
    checked = 0
    verdicts: Counter[bool] = Counter()
    blockers: Counter[str] = Counter()
    for day in DAYS:
        got = bulk.counts_in_quota_base(day, rules).tolist()
        want = [counts_in_quota_base(p, day, rules) for p in people]  # type: ignore[arg-type]
        mismatched = [(people[i], day) for i, (g, w) in enumerate(zip(got, want, strict=True))
                      if g != w]  # fmt: skip
        assert not mismatched, mismatched[:3]
        checked += len(got)
        verdicts.update(want)
        for p in people:
            blockers.update(b.constraint for b in eligibility_blockers(p, day, rules))  # type: ignore[arg-type]
    assert checked == 1500 * len(DAYS) == 1500 * 10
    assert verdicts[True] > 1000 and verdicts[False] > 1000
    # every condition the rule knows was met and failed somewhere in the sample
    expected = {"eligibility.on_secondment", "eligibility.service_years",
                "eligibility.retirement_margin", "eligibility.exemption"}  # fmt: skip
    if rules.eligibility.established_only:
        expected.add("eligibility.established_post")
    if rules.eligibility.cooldown_years:
        expected.add("eligibility.cooldown")
    if rules.eligibility.max_age_male is not None:
        expected.add("eligibility.age_cap")
    assert expected <= {k for k, n in blockers.items() if n >= 20}
    # a blocker the bulk rule does not know of fails here when the sample meets it
    assert set(blockers) <= BULK_BLOCKERS, set(blockers) - BULK_BLOCKERS


BULK_READS = {
    "min_years_at_school",
    "min_years_to_retirement",
    "cooldown_years",
    "established_only",
    "max_age_male",
    "max_age_female",
}
"""The eligibility settings :class:`QuotaPeople` reads from the rules (none is copied)."""
BULK_BLOCKERS = {
    "eligibility.established_post",
    "eligibility.on_secondment",
    "eligibility.service_years",
    "eligibility.retirement_margin",
    "eligibility.exemption",
    "eligibility.cooldown",
    "eligibility.age_cap",
}
"""The rule's blockers :meth:`QuotaPeople.available` has a condition for."""


def test_a_new_eligibility_setting_cannot_pass_the_bulk_rule_by() -> None:
    """The bulk rule reads every threshold from the rules object, so changing a value cannot
    make it diverge; a new condition (a new setting, or a new quota-base reading) would be
    ignored by it unless it learns it: this fails until it does (and the comparison above
    covers the new setting)."""
    assert set(EligibilityRules.model_fields) == BULK_READS
    base = QuotaRules.model_fields["school_quota_base"].annotation
    assert set(typing.get_args(base)) == {"service", "available"}
