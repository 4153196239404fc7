"""The district's schools: how many of each type, where, how many pupils and classes.

Counts by type and pupils by stage are the plan's end-2020 figures (:mod:`.calibration`) times
the scale; pupils are shared between schools by random weights (rural schools smaller, quality
schools larger) with largest-remainder rounding, so every stage total is exact.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from workforce.rules.demand import DemandNorms, staff_ceiling
from workforce.sample import calibration as cal
from workforce.sample.names import NAMED_SCHOOLS, Area, SchoolNamer, make_areas
from workforce.sample.records import SampleSchool

CODE_LETTER = {
    "kindergarten": "K",
    "primary": "P",
    "junior": "J",
    "nine_year": "N",
    "complete_secondary": "C",
    "senior": "S",
    "special": "X",
}
STAGE_GRADES = {
    "primary": range(1, 7),
    "junior": range(7, 10),
    "senior": range(10, 13),
    "kindergarten": range(1, 4),
    "special": range(1, 10),
}
STAGE_WEIGHT = {  # how big a level's section of a stage is, relative to a school of that stage
    ("nine_year", "primary"): 0.5,
    ("nine_year", "junior"): 0.6,
    ("complete_secondary", "junior"): 0.8,
}


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into integers that sum to it exactly."""
    if not weights:
        return []
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _specs(
    rng: random.Random, level: str, count: int, scale: float, areas: list[Area]
) -> list[tuple[Area, bool, bool]]:
    """(area, private, quality) for each school of ``level``: named schools first."""
    by_name = {a.name: a for a in areas}
    named = [(by_name[town], False, quality) for _, lvl, town, quality in NAMED_SCHOOLS
             if lvl == level][:count]  # fmt: skip
    rest = count - len(named)
    private = min(rest, round(cal.PRIVATE_SCHOOLS.get(level, 0) * scale))
    rural_total = round(cal.RURAL_SHARE.get(level, 0) * count)
    rural = max(0, rural_total - sum(1 for a, _, _ in named if a.zone == "rural"))
    urban_areas = [a for a in areas if a.zone == "urban"]
    rural_areas = [a for a in areas if a.zone == "rural"]
    specs = list(named)
    for i in range(rest):
        is_private = i < private
        area = rng.choice(rural_areas if (not is_private and i - private < rural) else urban_areas)
        quality = not is_private and area.zone == "urban" and rng.random() < 0.2
        specs.append((area, is_private, quality))
    return specs


def make_schools(
    rng: random.Random, scale: float, norms: DemandNorms
) -> tuple[list[SampleSchool], dict[str, str]]:
    """All schools of the district and the full name of each school's street or town."""
    areas = make_areas(rng, scale)
    namer = SchoolNamer(rng)
    schools: list[SampleSchool] = []
    for level, base in cal.SCHOOLS_BY_LEVEL.items():
        count = max(1, round(base * scale))
        named_names = [name for name, lvl, _, _ in NAMED_SCHOOLS if lvl == level]
        for i, (area, private, quality) in enumerate(_specs(rng, level, count, scale, areas)):
            name = named_names[i] if i < len(named_names) else namer.name(area, level, private)
            weak = (
                not private
                and not quality
                and rng.random() < (0.6 if area.zone == "rural" else 0.08)
            )
            schools.append(
                SampleSchool(
                    code=f"YC-{CODE_LETTER[level]}-{i + 1:03d}",
                    name=name,
                    town=area.full_name,
                    zone=area.zone,
                    level=level,
                    ownership="private" if private else "public",
                    is_quality=quality,
                    is_weak=weak,
                    pupils_by_grade=[0] * len(norms.grades_by_level[level]),
                    classes_by_grade=[],
                    disabled_pupils=0,
                    post_ceiling=0,
                    lat=round(area.lat + rng.uniform(-0.008, 0.008), 5),
                    lon=round(area.lon + rng.uniform(-0.008, 0.008), 5),
                )
            )
    _assign_pupils(rng, schools, scale, norms)
    _assign_disabled_pupils(rng, schools, scale)
    size_classes(schools, norms, 1.0)
    return schools, {a.full_name: a.zone for a in areas}


def size_classes(schools: list[SampleSchool], norms: DemandNorms, factor: float) -> None:
    """Classes per grade at the calibrated class sizes × ``factor``, and the post ceiling.

    The special school and kindergartens keep their class sizes; ``factor`` lets the generator
    choose primary/secondary class sizes for which the demand rule matches the teacher count.
    """
    for school in schools:
        grades = norms.grades_by_level[school.level]
        school.classes_by_grade = [
            max(1, round(p / _class_size(school, grade, factor))) if p else 0
            for grade, p in zip(grades, school.pupils_by_grade, strict=True)
        ]
        school.post_ceiling = staff_ceiling(
            level=school.level,
            classes_by_grade=school.classes_by_grade,
            pupils=school.pupils,
            norms=norms,
        )


def _stages_of(level: str) -> list[str]:
    return {
        "kindergarten": ["kindergarten"],
        "primary": ["primary"],
        "junior": ["junior"],
        "nine_year": ["primary", "junior"],
        "complete_secondary": ["junior", "senior"],
        "senior": ["senior"],
        "special": ["special"],
    }[level]


def _assign_pupils(
    rng: random.Random, schools: list[SampleSchool], scale: float, norms: DemandNorms
) -> None:
    for stage, base_total in cal.PUPILS_BY_STAGE.items():
        total = round(base_total * scale)
        members = [s for s in schools if stage in _stages_of(s.level)]
        private = [s for s in members if s.ownership == "private"]
        public = [s for s in members if s.ownership == "public"]
        private_total = round(total * cal.PRIVATE_PUPIL_SHARE.get(stage, 0)) if private else 0
        for group, group_total in ((public, total - private_total), (private, private_total)):
            weights = [_weight(rng, s, stage) for s in group]
            for school, pupils in zip(group, apportion(group_total, weights), strict=True):
                grades = norms.grades_by_level[school.level]
                positions = [i for i, g in enumerate(grades) if g in STAGE_GRADES[stage]]
                # younger cohorts are a little larger (the plan expects rising enrolment)
                grade_weights = [1.0 + 0.03 * (len(positions) - k) + rng.uniform(-0.05, 0.05)
                                 for k in range(len(positions))]  # fmt: skip
                for pos, n in zip(positions, apportion(pupils, grade_weights), strict=True):
                    school.pupils_by_grade[pos] = n


def _weight(rng: random.Random, school: SampleSchool, stage: str) -> float:
    weight = rng.lognormvariate(0, 0.35) * STAGE_WEIGHT.get((school.level, stage), 1.0)
    if school.zone == "rural":
        weight *= 0.35
    if school.is_quality:
        weight *= 1.4
    return weight


def _assign_disabled_pupils(rng: random.Random, schools: list[SampleSchool], scale: float) -> None:
    """A few regular schools teach ≥ 5 disabled pupils (随班就读) and need a resource teacher."""
    regular = [s for s in schools if s.ownership == "public" and s.level in (
        "primary", "junior", "nine_year")]  # fmt: skip
    with_resource_room = set(rng.sample(range(len(regular)), min(len(regular), round(6 * scale))))
    for i, school in enumerate(regular):
        if i in with_resource_room:
            school.disabled_pupils = rng.randint(5, 12)
        elif rng.random() < 0.4:
            school.disabled_pupils = rng.randint(1, 4)


def _class_size(school: SampleSchool, grade: int, factor: float) -> float:
    if school.level in ("kindergarten", "special"):
        return cal.CLASS_SIZE[school.level]
    return cal.CLASS_SIZE["senior" if grade >= 10 else school.zone] * factor
