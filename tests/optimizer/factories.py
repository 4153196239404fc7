"""Small hand-made and random instances for the optimizer tests.

`school(...)` and `teacher(...)` build valid records with defaults that make a teacher available
on AS_OF (10 years at the school, 20 years to retirement, established post, primary and junior
certificates); tests override only what they are about. `district(...)` draws a random small
district from a `random.Random`.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from optimizer.instance import (
    Designation,
    Instance,
    Pin,
    School,
    SeniorSection,
    SubjectStaffing,
    Teacher,
)
from optimizer.rules import RotationRules, load_rules

AS_OF = date(2026, 9, 1)
RULES = load_rules()


def staffing(subject: str, in_post: int = 2, shortage: int = 0, min_keep: int = 0,
             senior: tuple[int, int, int] | None = None) -> SubjectStaffing:
    """One subject's staffing; `senior` = the senior section's (in_post, shortage, min_keep)
    at a complete secondary school."""
    return SubjectStaffing(subject=subject, in_post=in_post, shortage=shortage, min_keep=min_keep,
                           senior=None if senior is None else SeniorSection(
                               in_post=senior[0], shortage=senior[1], min_keep=senior[2]))


def school(code: str, zone: str = "urban", *, quality: bool = False, weak: bool = False,
           level: str = "primary", ceiling: int = 50, lat: float = 23.74, lon: float = 114.70,
           staff: list[SubjectStaffing] | None = None) -> School:
    return School(code=code, name=f"{code}学校", zone=zone, is_quality=quality, is_weak=weak,
                  level=level, post_ceiling=ceiling, lat=lat, lon=lon, staffing=staff or [])


def teacher(staff_no: str, school_code: str, subject: str = "math", **fields: Any) -> Teacher:
    record: dict[str, Any] = dict(
        staff_no=staff_no, name=f"教师{staff_no}", school=school_code, gender="female",
        post_type="established", main_subject=subject, can_teach=[subject],
        cert_levels=["primary", "junior"], joined_school_on=date(2016, 9, 1),
        retirement_date=date(2046, 9, 1),
    )
    record.update(fields)
    return Teacher(**record)


def key_designation(tier: str = "district") -> Designation:
    return Designation(kind="key_teacher", tier=tier, valid_from=date(2024, 1, 1),
                       valid_until=date(2027, 12, 31))


def instance(schools: list[School], teachers: list[Teacher], *, pins: list[Pin] | None = None,
             rules: RotationRules | None = None, **overrides: Any) -> Instance:
    """An instance on AS_OF; `overrides` are rule overrides by dotted key."""
    chosen = rules or (load_rules(overrides=overrides) if overrides else RULES)
    return Instance(year=2026, as_of=AS_OF, rules=chosen, schools=schools, teachers=teachers,
                    pins=pins or [])


def free_rules(**overrides: Any) -> RotationRules:
    """Rules with every quota off, so a test isolates one other rule."""
    return load_rules(overrides={"quotas.district_share": 0, "quotas.school_share": 0,
                                 "quotas.key_share": 0, **overrides})


SUBJECTS = ("math", "pe", "music")


def district(rng: random.Random, *, max_schools: int = 5, max_teachers: int = 12,
             max_available: int = 6, sections: bool = False) -> Instance:
    """A random small district: 2–`max_schools` schools (at least one urban and one rural),
    up to `max_teachers` teachers of whom at most `max_available` may rotate, no principals.
    `sections`: also complete secondary schools with their senior sections' figures, and
    teachers with senior-level certificates (`with_sections`); without it the draws are
    those of before sections existed."""
    n_schools = rng.randint(2, max_schools)
    schools = []
    for i in range(n_schools):
        zone = "urban" if i == 0 else "rural" if i == 1 else rng.choice(["urban", "rural"])
        staff = [staffing(j, in_post=rng.randint(0, 3), shortage=rng.choice([0, 0, 1, 2]),
                          min_keep=0) for j in SUBJECTS]
        staff = [s.model_copy(update={"min_keep": rng.randint(0, s.in_post)}) for s in staff]
        schools.append(school(f"S{i}", zone, quality=rng.random() < 0.3,
                              level=rng.choice(["primary", "junior"]),
                              ceiling=rng.randint(2, 8), lat=23.7 + rng.random() / 10,
                              lon=114.6 + rng.random() / 10, staff=staff))
    teachers = []
    available = 0
    for k in range(rng.randint(2, max_teachers)):
        home = rng.choice(schools).code
        subject = rng.choice(SUBJECTS)
        extra = rng.sample(SUBJECTS, rng.randint(0, 1))
        fields: dict[str, Any] = dict(
            can_teach=[subject, *extra],
            cert_levels=rng.choice([["primary"], ["junior"], ["primary", "junior"]]),
            designations=[key_designation()] if rng.random() < 0.3 else [],
            volunteer=rng.random() < 0.3,
            wishes=rng.sample([s.code for s in schools if s.code != home],
                              rng.randint(0, min(2, n_schools - 1))),
        )
        if available >= max_available or rng.random() < 0.3:
            fields["joined_school_on"] = date(2023, 9, 1)
        else:
            available += 1
        teachers.append(teacher(f"T{k:02d}", home, subject, **fields))
    if sections:
        schools, teachers = with_sections(rng, schools, teachers)
    share = rng.choice([0.0, 0.1, 0.3])
    return instance(schools, teachers, rules=load_rules(overrides={
        "quotas.district_share": share, "quotas.school_share": rng.choice([0.0, 0.1, 0.5]),
        "quotas.key_share": rng.choice([0.0, 0.2, 0.5])}))


def with_sections(rng: random.Random, schools: list[School], teachers: list[Teacher]
                  ) -> tuple[list[School], list[Teacher]]:
    """The rural school S1 and each other school with probability 0.4 become complete
    secondary schools, each subject with random senior-section figures within its own (often
    all of its shortage the senior section's); about half of the teachers get a senior-level
    certificate too (it covers every school level)."""
    changed = []
    for s in schools:
        if s.code != "S1" and rng.random() >= 0.4:
            changed.append(s)
            continue
        staff = []
        for e in s.staffing:
            senior_in = rng.randint(0, e.in_post)
            shortage = rng.choice([e.shortage, rng.randint(0, e.shortage)])
            staff.append({**e.model_dump(), "senior": {
                "in_post": senior_in, "shortage": shortage,
                "min_keep": rng.randint(0, senior_in)}})
        changed.append(School.model_validate({**s.model_dump(), "level": "complete_secondary",
                                              "staffing": staff}))
    certified = [Teacher.model_validate({**t.model_dump(by_alias=True),
                                         "cert_levels": [*t.cert_levels, "senior"]})
                 if rng.random() < 0.5 else t for t in teachers]
    return changed, certified
