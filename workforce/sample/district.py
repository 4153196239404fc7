"""``generate_district``: the whole synthetic district for one seed, size and reference date."""

from __future__ import annotations

import datetime as dt
import random

from workforce.rules.demand import DemandNorms, default_norms
from workforce.sample import calibration as cal
from workforce.sample.careers import (
    make_certificates,
    make_designations,
    make_exemptions,
    make_rotations,
    make_training,
    make_wishes,
)
from workforce.sample.people import make_teachers
from workforce.sample.records import District
from workforce.sample.schools import make_schools, size_classes
from workforce.sample.staffing import allocate_posts, public_cells

DEFAULT_AS_OF = dt.date(2026, 9, 1)


class SampleError(ValueError):
    """A request the generator cannot honour; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def generate_district(
    teachers: int = cal.BASE_TEACHERS,
    seed: int = 2021,
    as_of: dt.date = DEFAULT_AS_OF,
    norms: DemandNorms | None = None,
) -> District:
    """A Yuancheng-like synthetic district, deterministic for ``seed``.

    ``teachers`` counts the teachers of public primary and secondary schools (the special school
    included); school counts, pupils, kindergarten staff and private schools scale with it
    (``teachers / 3400``). ``as_of`` is the reference date: the start of the rotation year
    whose wishes are recorded, and the date the demand rule (daily PE from autumn 2026) uses.
    """
    if teachers < 100:
        raise SampleError(
            f"样本区至少需要100名教师（收到 {teachers}）",
            f"a sample district needs at least 100 teachers (got {teachers})",
        )
    norms = norms or default_norms()
    rng = random.Random(seed)
    scale = teachers / cal.BASE_TEACHERS
    schools, _ = make_schools(rng, scale, norms)
    # Choose class sizes for which the staffed demand matches the teacher count (m ≈ 1).
    wanted = sum(cell[3] for cell in public_cells(schools, as_of, norms))
    size_classes(schools, norms, wanted / teachers)
    posts = allocate_posts(rng, schools, teachers, as_of, norms)
    people = make_teachers(rng, posts, as_of)
    by_code = {s.code: s for s in schools}
    district = District(seed=seed, as_of=as_of, teachers_target=teachers)
    district.schools = schools
    district.teachers = people
    district.certificates = make_certificates(rng, people, by_code, as_of)
    district.designations = make_designations(rng, people, by_code, as_of, scale)
    district.rotations = make_rotations(rng, people, by_code, as_of)
    district.training = make_training(rng, people, as_of)
    district.exemptions = make_exemptions(rng, people, as_of)
    district.wishes = make_wishes(rng, people, by_code, as_of)
    return district
