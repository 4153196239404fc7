"""The quota-base rule (:func:`optimizer.rules.counts_in_quota_base`, 符合交流条件教师) for many
teachers at once, for the rotation report: tens of thousands of teachers are judged on every
reference day, and calling the rule teacher by teacher (it builds every blocker with its
figures) was most of the report's time over 100,000 teachers.

The same conditions as :func:`optimizer.rules.eligibility_blockers` (and, for the ``service``
reading, :func:`optimizer.rules.meets_service_conditions`), with the same date arithmetic
(:func:`optimizer.rules.add_years`: 29 February becomes 28 February): established post,
not on secondment, years at the school, the retirement margin, exemptions in force, the
cool-down after a rotation and the age caps. ``tests/workforce/reports/test_eligibility.py``
checks the result against the rule itself, teacher by teacher, on every edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.rules import RotationRules, add_years

NO_LIMIT = np.iinfo(np.int64).max
"""An ordinal no day reaches: an age cap that does not apply, an exemption without end."""


@dataclass(frozen=True)
class QuotaPeople:
    """Teachers as the quota-base rule reads them, one array entry each (dates as ordinals).

    Build it with :meth:`of_columns` (one sequence per attribute of
    :class:`optimizer.instance.Teacher` that the rule reads) or :meth:`of` (objects with those
    attributes); then :meth:`counts_in_quota_base` judges all of them on a day."""

    established: np.ndarray
    on_secondment: np.ndarray
    service_from: np.ndarray
    """The day the years at the school are served (joined + ``min_years_at_school``)."""
    retirement: np.ndarray
    cooldown_until: np.ndarray
    """The day the cool-down ends (last rotation end + ``cooldown_years``); 0 without one."""
    age_cap: np.ndarray
    birth_year: np.ndarray
    birth_md: np.ndarray
    """Birth month × 100 + 1, to tell whether the birth month has come in a year: ages count
    from its first day (`optimizer.rules.age_by_birth_month`)."""
    exempt_index: np.ndarray
    exempt_from: np.ndarray
    exempt_until: np.ndarray

    def __len__(self) -> int:
        return len(self.established)

    @classmethod
    def of(cls, teachers: Sequence[Any], rules: RotationRules) -> QuotaPeople:
        """From objects with the rule's attributes (``post_type``, ``on_secondment``,
        ``joined_school_on``, ``retirement_date``, ``last_rotation_end``, ``gender``,
        ``birth_date``, ``exemptions``)."""
        return cls.of_columns(
            post_type=[t.post_type for t in teachers],
            on_secondment=[t.on_secondment for t in teachers],
            joined=[t.joined_school_on for t in teachers],
            retirement=[t.retirement_date for t in teachers],
            last_rotation_end=[t.last_rotation_end for t in teachers],
            gender=[t.gender for t in teachers],
            birth=[t.birth_date for t in teachers],
            exemptions=[t.exemptions for t in teachers],
            rules=rules,
        )

    @classmethod
    def of_columns(
        cls,
        *,
        post_type: Sequence[str],
        on_secondment: Sequence[bool],
        joined: Sequence[dt.date],
        retirement: Sequence[dt.date],
        last_rotation_end: Sequence[dt.date | None],
        gender: Sequence[str],
        birth: Sequence[dt.date | None],
        exemptions: Sequence[Sequence[Any]],
        rules: RotationRules,
    ) -> QuotaPeople:
        """One sequence per attribute, all of the same length; ``exemptions`` holds each
        teacher's exemptions (objects with ``from_date`` and ``until``, None = open)."""
        elig = rules.eligibility
        caps = {"male": elig.max_age_male}
        female_cap = elig.max_age_female
        index, starts, ends = [], [], []
        for i, held in enumerate(exemptions):
            for exemption in held:
                index.append(i)
                starts.append(exemption.from_date.toordinal())
                ends.append(exemption.until.toordinal() if exemption.until else NO_LIMIT)
        return cls(
            established=np.array([p == "established" for p in post_type], dtype=bool),
            on_secondment=np.array(on_secondment, dtype=bool),
            service_from=ordinals(joined, elig.min_years_at_school),
            retirement=ordinals(retirement),
            cooldown_until=ordinals(last_rotation_end, elig.cooldown_years),
            age_cap=np.array(
                [
                    NO_LIMIT if (cap := caps.get(g, female_cap)) is None or b is None else cap
                    for g, b in zip(gender, birth, strict=True)
                ],
                dtype=np.int64,
            ),
            birth_year=_distinct(birth, lambda b: b.year if b else 0),
            birth_md=_distinct(birth, lambda b: b.month * 100 + 1 if b else 0),
            exempt_index=np.array(index, dtype=np.intp),
            exempt_from=np.array(starts, dtype=np.int64),
            exempt_until=np.array(ends, dtype=np.int64),
        )  # fmt: skip

    def meets_service_conditions(self, day: dt.date, rules: RotationRules) -> np.ndarray:
        """:func:`optimizer.rules.meets_service_conditions` for every teacher on ``day``."""
        ok = ~self.on_secondment & (self.service_from <= day.toordinal())
        if rules.eligibility.established_only:
            ok &= self.established
        return ok

    def available(self, day: dt.date, rules: RotationRules) -> np.ndarray:
        """:func:`optimizer.rules.is_available` (no eligibility blocker) on ``day``."""
        elig = rules.eligibility
        on = day.toordinal()
        ok = self.meets_service_conditions(day, rules)
        ok &= self.retirement > add_years(day, elig.min_years_to_retirement).toordinal()
        ok &= ~(self.cooldown_until > on)
        age = day.year - self.birth_year - (day.month * 100 + day.day < self.birth_md)
        ok &= ~(age > self.age_cap)
        if len(self.exempt_index):
            in_force = (self.exempt_from <= on) & (on <= self.exempt_until)
            ok[self.exempt_index[in_force]] = False
        return ok

    def counts_in_quota_base(self, day: dt.date, rules: RotationRules) -> np.ndarray:
        """:func:`optimizer.rules.counts_in_quota_base` for every teacher on ``day``, as the
        configured ``quotas.school_quota_base`` reads it."""
        if rules.quotas.school_quota_base == "available":
            return self.available(day, rules)
        return self.meets_service_conditions(day, rules)


def ordinals(days: Sequence[dt.date | None], years: int = 0) -> np.ndarray:
    """The ordinal of each day ``years`` later (:func:`~optimizer.rules.add_years`); 0 for
    None, which every comparison with a real day treats as long past."""
    return _distinct(days, lambda d: add_years(d, years).toordinal() if d is not None else 0)


def _distinct(values: Sequence[Any], convert: Callable[[Any], int]) -> np.ndarray:
    """``convert`` of each value as an int array, computed once per distinct value (dates
    repeat a lot among 100,000 teachers)."""
    done = {value: convert(value) for value in set(values)}
    return np.fromiter(map(done.__getitem__, values), dtype=np.int64, count=len(values))
