"""The teacher list's filters and counts on a generated district, checked against the same
filters written out in Python over every teacher: page by page, for the district and for a
clerk, and the kept counts follow every change to the registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from optimizer.rules import load_rules
from workforce.accounts.models import User
from workforce.models import Designation, School, Teacher
from workforce.reports.keyteachers import DesignationView, is_key_on
from workforce.sample import District, generate_district, load_district
from workforce.services.designations import DesignationCreate, create_designation
from workforce.services.queries import TeacherFilters, list_teachers
from workforce.services.teachers import TeacherCreate, create_teacher

PAGE = 37


@pytest.fixture
def sample(engine: Engine) -> District:
    district = generate_district(teachers=300, seed=7)
    load_district(engine, district)
    return district


def _all_pages(session: Session, viewer: User, filters: TeacherFilters, as_of: dt.date):  # type: ignore[no-untyped-def]
    ids, counts, skip = [], set(), 0
    while True:
        rows, count = list_teachers(
            session, viewer=viewer, filters=filters, skip=skip, limit=PAGE, as_of=as_of
        )
        counts.add(count)
        ids += [t.id for t in rows]
        if len(rows) < PAGE:
            return ids, counts
        skip += PAGE


def _key_teacher_ids(session: Session, as_of: dt.date) -> set[int]:
    """Key teachers by the rotation rules' own is_key, one designation at a time."""
    rules = load_rules()
    return {
        d.teacher_id
        for d in session.exec(select(Designation))
        if is_key_on([DesignationView(d.kind, d.tier, d.term_start, d.term_end)], as_of, rules)
    }


def test_every_filter_matches_the_same_filter_written_out(session: Session, sample: District):
    as_of = sample.as_of
    teachers = session.exec(select(Teacher)).all()
    zone_of = {s.id: s.zone for s in session.exec(select(School))}
    keys = _key_teacher_ids(session, as_of)
    assert 0 < len(keys) < len(teachers)
    busiest = max(zone_of, key=lambda s: sum(t.school_id == s for t in teachers))
    someone = teachers[len(teachers) // 2]
    surname = someone.name[0]
    cases: dict[str, tuple[TeacherFilters, Callable[[Teacher], bool]]] = {
        "all": (TeacherFilters(), lambda t: True),
        "school": (TeacherFilters(school_id=busiest), lambda t: t.school_id == busiest),
        "subject": (TeacherFilters(subject="math"), lambda t: t.main_subject == "math"),
        "zone": (TeacherFilters(zone="rural"), lambda t: zone_of[t.school_id] == "rural"),
        "subject+zone": (
            TeacherFilters(subject="math", zone="rural"),
            lambda t: t.main_subject == "math" and zone_of[t.school_id] == "rural",
        ),
        "key": (TeacherFilters(key_teacher=True), lambda t: t.id in keys),
        "not key": (TeacherFilters(key_teacher=False), lambda t: t.id not in keys),
        "key+zone": (
            TeacherFilters(key_teacher=True, zone="urban"),
            lambda t: t.id in keys and zone_of[t.school_id] == "urban",
        ),
        "post+status": (
            TeacherFilters(post_type="established", status="active"),
            lambda t: t.post_type == "established" and t.status == "active",
        ),
        "surname": (TeacherFilters(q=surname), lambda t: t.name.startswith(surname)),
        "staff no": (TeacherFilters(q=someone.staff_no), lambda t: t.id == someone.id),
    }
    admin = User(username="hr", display_name="人事", role="hr")
    clerk = User(username="clerk", display_name="专干", role="clerk", school_id=busiest)
    for viewer, sees in ((admin, lambda t: True), (clerk, lambda t: t.school_id == busiest)):
        for name, (filters, matches) in cases.items():
            expected = sorted(t.id for t in teachers if matches(t) and sees(t))
            ids, counts = _all_pages(session, viewer, filters, as_of)
            assert ids == expected, (viewer.role, name)
            assert counts == {len(expected)}, (viewer.role, name)


def test_kept_counts_follow_every_change(session: Session, sample: District):
    as_of = sample.as_of
    viewer = User(username="hr", display_name="人事", role="hr")
    school = session.exec(select(School).where(School.level == "primary")).first()
    assert school is not None

    def count(filters: TeacherFilters) -> int:
        return list_teachers(session, viewer=viewer, filters=filters, skip=0, limit=1, as_of=as_of)[
            1
        ]

    math, key = TeacherFilters(subject="math"), TeacherFilters(key_teacher=True)
    before_math, before_key = count(math), count(key)
    teacher = create_teacher(
        session,
        actor="hr",
        data=TeacherCreate(
            staff_no="NEW1",
            name="新老师",
            gender="female",
            birth_date="1990-05-06",
            post_type="established",
            school_id=school.id,
            joined_school_on="2020-09-01",
            main_subject="math",
        ),
    )
    session.commit()
    assert (count(math), count(key)) == (before_math + 1, before_key)

    create_designation(
        session,
        actor="hr",
        teacher_id=teacher.id,
        data=DesignationCreate(
            kind="key_teacher",
            tier="district",
            term_start=as_of - dt.timedelta(days=30),
            term_end=as_of + dt.timedelta(days=365),
        ),
    )
    session.commit()
    assert (count(math), count(key)) == (before_math + 1, before_key + 1)
