"""A small district built by hand for registry-side tests: one urban quality primary school
with surplus PE teachers (6 in post, 4 to keep; one a district key teacher) and two rural
primary schools short of PE — so this year's rotation has an obvious best move."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from workforce.models import Certificate, Designation, School, Teacher


def add_school(session: Session, code: str, **fields: object) -> School:
    values: dict[str, object] = dict(
        code=code,
        name=f"{code}学校",
        town="东埔",
        zone="urban",
        level="primary",
        pupils=600,
        classes_by_grade=[2, 2, 2, 2, 2, 2],
        post_ceiling=40,
        lat=23.74,
        lon=114.70,
    )
    values.update(fields)
    school = School(**values)
    session.add(school)
    session.flush()
    return school


def add_teacher(session: Session, staff_no: str, school: School, **fields: object) -> Teacher:
    values: dict[str, object] = dict(
        staff_no=staff_no,
        name=f"教师{staff_no}",
        gender="female",
        birth_date=dt.date(1985, 5, 1),
        post_type="established",
        school_id=school.id,
        joined_school_on=dt.date(2012, 9, 1),
        main_subject="math",
    )
    values.update(fields)
    teacher = Teacher(**values)
    session.add(teacher)
    session.flush()
    session.add(
        Certificate(
            teacher_id=teacher.id,
            level="primary",
            subject=teacher.main_subject,
            number=f"C{staff_no}",
        )
    )
    return teacher


def build_small_district(session: Session) -> dict[str, School]:
    urban = add_school(session, "U1", is_quality=True)
    rural_a = add_school(
        session,
        "R1",
        zone="rural",
        town="埔前",
        lat=23.80,
        lon=114.80,
        classes_by_grade=[1, 1, 1, 1, 1, 1],
        pupils=200,
    )
    rural_b = add_school(
        session,
        "R2",
        zone="rural",
        town="源南",
        lat=23.65,
        lon=114.62,
        classes_by_grade=[1, 1, 1, 1, 1, 1],
        pupils=180,
    )
    add_school(session, "K1", level="kindergarten", classes_by_grade=[2, 2, 2])
    for n in range(6):
        teacher = add_teacher(session, f"UPE{n}", urban, main_subject="pe")
        if n == 0:
            session.add(
                Designation(
                    teacher_id=teacher.id,
                    kind="key_teacher",
                    tier="district",
                    subject="pe",
                    term_start=dt.date(2024, 9, 1),
                    term_end=dt.date(2027, 8, 31),
                )
            )
    for n in range(6):
        add_teacher(session, f"UMA{n}", urban)
    for n in range(4):
        add_teacher(session, f"RA{n}", rural_a, joined_school_on=dt.date(2022, 9, 1))
        add_teacher(session, f"RB{n}", rural_b, joined_school_on=dt.date(2022, 9, 1))
    session.commit()
    return {"U1": urban, "R1": rural_a, "R2": rural_b}
