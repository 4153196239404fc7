"""Registry services directly: audit in the same transaction, the atomic version claim,
code parsing, and corrections."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from workforce.accounts.models import User
from workforce.models import AuditLog, Teacher
from workforce.services.corrections import (
    CorrectionCreate,
    CorrectionReview,
    accept_correction,
    propose_correction,
)
from workforce.services.errors import InvalidInput, NotFound, StaleVersion, VersionRequired
from workforce.services.schools import SchoolCreate, create_school
from workforce.services.teachers import TeacherCreate, TeacherUpdate, create_teacher, update_teacher


def _school(session: Session, code: str = "S1"):
    return create_school(
        session,
        actor="hr",
        data=SchoolCreate(code=code, name="学校", town="上城", zone="城区", level="小学"),
    )


def _teacher(session: Session, school_id: int) -> Teacher:
    return create_teacher(
        session,
        actor="hr",
        data=TeacherCreate(
            staff_no="T1",
            name="张三",
            gender="女",
            birth_date="1988-02-03",
            post_type="在编",
            school_id=school_id,
            joined_school_on="2012-09-01",
            main_subject="语文",
        ),
    )


def test_codes_are_parsed_from_labels(session):
    school = _school(session)
    assert (school.zone, school.level) == ("urban", "primary")
    with pytest.raises(ValueError, match="舞蹈"):
        TeacherUpdate(main_subject="舞蹈")


def test_change_and_audit_entry_share_the_transaction(session):
    school = _school(session)
    _teacher(session, school.id)
    session.rollback()
    assert session.exec(select(Teacher)).all() == []
    assert session.exec(select(AuditLog)).all() == []


def test_two_writers_with_the_same_version_one_wins(engine):
    with Session(engine) as setup:
        teacher = _teacher(setup, _school(setup).id)
        setup.commit()
        teacher_id = teacher.id
    with Session(engine) as first, Session(engine) as second:
        first.get(Teacher, teacher_id)
        second.get(Teacher, teacher_id)
        update_teacher(
            first, actor="a", teacher_id=teacher_id, data=TeacherUpdate(name="张叁"), version=1
        )
        first.commit()
        with pytest.raises(StaleVersion) as refused:
            update_teacher(
                second, actor="b", teacher_id=teacher_id, data=TeacherUpdate(name="章三"), version=1
            )
    assert refused.value.extra["current"]["name"] == "张叁"
    assert refused.value.extra["current_version"] == 2
    with Session(engine) as session:  # the search's pinyin initials follow the new name
        assert session.get(Teacher, teacher_id).name_initials == "zs"


def test_update_needs_a_version(session):
    teacher = _teacher(session, _school(session).id)
    with pytest.raises(VersionRequired):
        update_teacher(
            session, actor="a", teacher_id=teacher.id, data=TeacherUpdate(name="x"), version=None
        )


def test_update_checks_values_against_each_other(session):
    teacher = _teacher(session, _school(session).id)
    with pytest.raises(InvalidInput, match="joined"):
        update_teacher(
            session,
            actor="a",
            teacher_id=teacher.id,
            data=TeacherUpdate(joined_school_on=dt.date(1980, 1, 1)),
            version=1,
        )


def test_correction_outside_the_clerks_school_is_not_found(session):
    school = _school(session)
    other = _school(session, "S2")
    teacher = _teacher(session, school.id)
    clerk = User(
        username="c", display_name="c", role="clerk", school_id=other.id, password_hash="-"
    )
    data = CorrectionCreate(
        teacher_id=teacher.id, field="name", proposed_value="张叁", reason="错字"
    )
    with pytest.raises(NotFound):
        propose_correction(session, actor="c", viewer=clerk, data=data)


def test_accepted_correction_updates_the_teacher(session):
    school = _school(session)
    teacher = _teacher(session, school.id)
    clerk = User(
        username="c", display_name="c", role="clerk", school_id=school.id, password_hash="-"
    )
    data = CorrectionCreate(
        teacher_id=teacher.id, field="education", proposed_value="本科", reason="补交学历"
    )
    correction = propose_correction(session, actor="c", viewer=clerk, data=data)
    hr = User(username="hr", display_name="hr", role="hr", password_hash="-")
    accept_correction(
        session, actor="hr", viewer=hr, correction_id=correction.id, data=CorrectionReview()
    )
    assert (teacher.education, teacher.version, correction.status) == ("bachelor", 2, "accepted")
