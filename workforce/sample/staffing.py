"""How many teachers of each subject each school has: the demand rule times a staffing factor.

Public primary and secondary schools get ``need × factor(zone, subject group) × m`` teachers
per subject, where ``m`` makes the district total exactly the requested number of teachers;
rural schools are thin in PE, music, art, science and psychology, urban schools have more
than they need (:data:`.calibration.STAFFING_FACTOR`). Private schools are staffed to need
with their own staff (post type ``other``); kindergartens with 1.7 teachers per class.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from workforce.rules.demand import DemandNorms, subject_need
from workforce.sample import calibration as cal
from workforce.sample.records import SampleSchool


@dataclass(frozen=True, slots=True)
class Post:
    """One teacher to be made: where, which main subject, which kind of post."""

    school: SampleSchool
    subject: str
    post_type: str


def subject_group(subject: str) -> str:
    if subject in cal.MAIN_SUBJECTS:
        return "main"
    return "shortage" if subject in cal.SHORTAGE_SUBJECTS else "other"


def _stochastic_round(rng: random.Random, value: float) -> int:
    whole = math.floor(value)
    return whole + (1 if rng.random() < value - whole else 0)


def allocate_posts(
    rng: random.Random,
    schools: list[SampleSchool],
    teachers: int,
    as_of: dt.date,
    norms: DemandNorms,
) -> list[Post]:
    """Every teacher post of the district; exactly ``teachers`` in public primary/secondary."""
    public = public_cells(schools, as_of, norms)
    posts: list[Post] = []
    for school in schools:
        if school.level == "kindergarten":
            classes = sum(school.classes_by_grade)
            count = _stochastic_round(rng, classes * cal.KINDERGARTEN_TEACHERS_PER_CLASS)
            for _ in range(max(1, count)):
                posts.append(Post(school, "preschool", _kindergarten_post_type(rng, school)))
        elif school.ownership == "private":
            for subject, value in _need(school, as_of, norms).items():
                posts += [Post(school, subject, "other")] * _stochastic_round(rng, value)
    scale = teachers / sum(wanted for *_, wanted in public)
    counts = [_stochastic_round(rng, wanted * scale) for *_, wanted in public]
    _match_total(rng, public, counts, teachers)
    for (school, subject, _, _), count in zip(public, counts, strict=True):
        temporary = cal.TEMPORARY_SHARE[school.zone]
        for _ in range(count):
            post_type = "temporary" if rng.random() < temporary else "established"
            posts.append(Post(school, subject, post_type))
    return posts


Cell = tuple[SampleSchool, str, float, float]
"""A public school, a subject, its need (FTE) and the teachers wanted (need × staffing factor)."""


def _need(school: SampleSchool, as_of: dt.date, norms: DemandNorms) -> dict[str, float]:
    return subject_need(
        level=school.level,
        classes_by_grade=school.classes_by_grade,
        pupils=school.pupils,
        disabled_pupils=school.disabled_pupils,
        as_of=as_of,
        norms=norms,
    )


def public_cells(schools: list[SampleSchool], as_of: dt.date, norms: DemandNorms) -> list[Cell]:
    """Need and wanted teachers of every subject of every public primary/secondary school."""
    cells: list[Cell] = []
    for school in schools:
        if school.ownership != "public" or school.level == "kindergarten":
            continue
        for subject, value in _need(school, as_of, norms).items():
            factor = 1.0 if school.level == "special" else (
                cal.STAFFING_FACTOR[(school.zone, subject_group(subject))])  # fmt: skip
            cells.append((school, subject, value, value * factor))
    return cells


def _kindergarten_post_type(rng: random.Random, school: SampleSchool) -> str:
    if school.ownership == "private":
        return "other"
    return (
        "temporary"
        if rng.random() < cal.TEMPORARY_SHARE["kindergarten_public"]
        else ("established")
    )


def _match_total(
    rng: random.Random,
    cells: list[Cell],
    counts: list[int],
    teachers: int,
) -> None:
    """Add or remove single teachers in urban main/other subjects until the total is exact."""
    adjustable = [
        i for i, (school, subject, need, _) in enumerate(cells)
        if school.zone == "urban" and subject_group(subject) != "shortage" and need >= 1
    ]  # fmt: skip
    if not adjustable:
        adjustable = list(range(len(cells)))
    difference = teachers - sum(counts)
    while difference:
        step = 1 if difference > 0 else -1
        pool = [i for i in adjustable if counts[i] + step >= 0] or [
            i for i, count in enumerate(counts) if count + step >= 0
        ]
        i = rng.choices(pool, [cells[j][2] + 0.01 for j in pool])[0]
        counts[i] += step
        difference -= step
