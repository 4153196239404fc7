"""The teachers themselves: name, gender, age, ID number, education, title, dates.

Education is assigned by exact quota per stage, so the district reproduces the plan's 2020
qualification baseline (annex 1). Years at the current school are drawn so that the
configured share of established teachers has served ≥ 6 years there (the exchange condition).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from workforce.idnumber import check_character
from workforce.rules.retirement import default_category
from workforce.sample import calibration as cal
from workforce.sample.names import person_name
from workforce.sample.records import SampleTeacher
from workforce.sample.staffing import Post

AREA_CODE = "441602"
"""Yuancheng District's administrative area code (GB/T 2260), the first six ID digits."""
FEMALE_SHARE = {"kindergarten": 0.98, "primary": 0.78, "junior": 0.62, "senior": 0.52}
SECOND_SUBJECTS = {
    "chinese": ("politics", "history", "music"),
    "math": ("science", "it", "pe"),
    "english": ("music", "art"),
    "science": ("math", "it"),
    "politics": ("history", "chinese"),
    "pe": ("science",),
    "music": ("art",),
    "art": ("music", "it"),
}
"""Plausible second subjects a teacher may also teach (兼课)."""


class IdNumbers:
    """Unique valid GB 11643 numbers for area 441602 that match birth date and gender."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def make(self, birth: dt.date, gender: str) -> str:
        while True:
            sequence = self._rng.randrange(0, 500) * 2 + (1 if gender == "male" else 0)
            first17 = f"{AREA_CODE}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self._used:
                self._used.add(first17)
                return first17 + check_character(first17)


def _birth_date(rng: random.Random, as_of: dt.date, post: Post, gender: str) -> dt.date:
    if post.post_type == "established":
        low, high = 23, (59 if gender == "male" else 54)
        age = min(high, max(low, round(rng.triangular(low, high, 40))))
    else:  # temporary and private staff are younger
        age = rng.randint(22, 45)
    return as_of - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def _title(rng: random.Random, career_years: int) -> str:
    if career_years < 1:
        return "none"
    if career_years < 5:
        return rng.choice(("third", "second", "second"))
    if career_years < 12:
        return rng.choice(("second", "first", "first"))
    if career_years < 20:
        return rng.choice(("first", "first", "senior"))
    return "principal_senior" if rng.random() < 0.01 else rng.choice(("first", "senior", "senior"))


def make_teachers(rng: random.Random, posts: list[Post], as_of: dt.date) -> list[SampleTeacher]:
    """One teacher per post, with a principal per school and head teachers per class."""
    ids = IdNumbers(rng)
    teachers: list[SampleTeacher] = []
    for number, post in enumerate(posts, start=1):
        stage = cal.STAGE_OF_LEVEL[post.school.level]
        female = FEMALE_SHARE[stage] * (0.5 if post.subject == "pe" else 1.0)
        gender = "female" if rng.random() < female else "male"
        birth = _birth_date(rng, as_of, post, gender)
        start_year = min(as_of.year, birth.year + rng.randint(22, 25))
        first_employed = dt.date(start_year, 9, 1) if start_year < as_of.year else as_of
        career = as_of.year - first_employed.year
        others = SECOND_SUBJECTS.get(post.subject, ())
        second = [rng.choice(others)] if others and rng.random() < 0.2 else []
        teachers.append(
            SampleTeacher(
                staff_no=f"T{number:06d}",
                name=person_name(rng, gender),
                gender=gender,
                birth_date=birth,
                id_number=None if rng.random() < cal.MISSING_ID_SHARE else ids.make(birth, gender),
                post_type=post.post_type,
                first_employed_on=first_employed,
                school_code=post.school.code,
                joined_school_on=first_employed,
                main_subject=post.subject,
                other_subjects=second,
                education="",
                title=_title(rng, career),
                is_head_teacher=False,
                is_principal=False,
                retirement_category=default_category(gender),
            )
        )
    _assign_education(rng, teachers, posts)
    _assign_years_at_school(rng, teachers, as_of)
    _assign_roles(rng, teachers, posts, as_of)
    return teachers


_EDUCATION_QUOTA = {
    # stage → (share that reaches the indicator, education if it does, otherwise)
    "kindergarten": (cal.QUALIFICATION_BASELINE["kindergarten_associate_or_above"],
                     ("associate", "associate", "bachelor"), ("secondary_vocational",)),
    "primary": (cal.QUALIFICATION_BASELINE["primary_bachelor_or_above"],
                ("bachelor",) * 19 + ("master",), ("associate",) * 9 + ("secondary_vocational",)),
    "junior": (cal.QUALIFICATION_BASELINE["junior_bachelor_or_above"],
               ("bachelor",) * 15 + ("master",), ("associate",)),
    "senior": (cal.QUALIFICATION_BASELINE["senior_postgraduate"],
               ("master",) * 12 + ("doctorate",), ("bachelor",)),
}  # fmt: skip


def _assign_education(rng: random.Random, teachers: list[SampleTeacher], posts: list[Post]) -> None:
    """Exact quotas per stage: round(share × teachers) reach the annex-1 indicator."""
    by_stage: dict[str, list[int]] = defaultdict(list)
    for i, post in enumerate(posts):
        by_stage[cal.STAGE_OF_LEVEL[post.school.level]].append(i)
    for stage, members in by_stage.items():
        share, reached, not_reached = _EDUCATION_QUOTA[stage]
        rng.shuffle(members)
        cut = round(share * len(members))
        for k, i in enumerate(members):
            teachers[i].education = rng.choice(reached if k < cut else not_reached)


def _assign_years_at_school(
    rng: random.Random, teachers: list[SampleTeacher], as_of: dt.date
) -> None:
    """Exactly ELIGIBLE_SHARE of established teachers have ≥ 6 years at their school."""
    established = [t for t in teachers if t.post_type == "established"]
    long_careers = [t for t in established if (as_of - t.first_employed_on).days >= 6 * 366]
    rng.shuffle(long_careers)
    eligible = {id(t) for t in long_careers[: round(cal.ELIGIBLE_SHARE * len(established))]}
    for teacher in teachers:
        career_days = (as_of - teacher.first_employed_on).days
        if id(teacher) in eligible:
            days = rng.randint(6 * 366, career_days)
        else:
            days = rng.randint(0, min(career_days, 6 * 365 - 10))
        teacher.joined_school_on = as_of - dt.timedelta(days=days)


def _assign_roles(
    rng: random.Random, teachers: list[SampleTeacher], posts: list[Post], as_of: dt.date
) -> None:
    """One principal per school (an experienced teacher, in post for 0–8 years and never longer
    than at the school); one head teacher (班主任) per class."""
    by_school: dict[str, list[int]] = defaultdict(list)
    for i, post in enumerate(posts):
        by_school[post.school.code].append(i)
    for members in by_school.values():
        school = posts[members[0]].school
        seniority = sorted(members, key=lambda i: teachers[i].first_employed_on)
        principal = teachers[rng.choice(seniority[: max(1, len(seniority) // 5)])]
        principal.is_principal = True
        in_post = as_of - dt.timedelta(days=rng.randint(0, 8 * 365))
        principal.principal_since = max(in_post, principal.joined_school_on)
        if principal.title in ("none", "third", "second"):
            principal.title = "first"
        candidates = [i for i in members if not teachers[i].is_principal]
        candidates.sort(key=lambda i: (teachers[i].main_subject not in cal.MAIN_SUBJECTS
                                       and teachers[i].main_subject != "preschool",
                                       rng.random()))  # fmt: skip
        for i in candidates[: min(sum(school.classes_by_grade), int(len(candidates) * 0.7))]:
            teachers[i].is_head_teacher = True
