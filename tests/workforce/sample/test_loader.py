"""Loading a generated district into the real database: counts, ids, audit, no duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce.idnumber import decrypt
from workforce.models import (
    AuditLog,
    Certificate,
    Designation,
    Exemption,
    RotationRecord,
    RotationWish,
    School,
    Teacher,
    TrainingRecord,
)
from workforce.pinyin import name_initials
from workforce.rules.demand import demand_by_school
from workforce.sample import SampleError, generate_district, load_district

TABLES = {
    "schools": School,
    "teachers": Teacher,
    "certificates": Certificate,
    "designations": Designation,
    "training_records": TrainingRecord,
    "rotation_records": RotationRecord,
    "exemptions": Exemption,
    "rotation_wishes": RotationWish,
}


def test_round_trip(engine: Engine) -> None:
    district = generate_district(600, seed=11)
    counts = load_district(engine, district)

    with Session(engine) as session:
        stored = {name: session.scalar(select(func.count()).select_from(model))
                  for name, model in TABLES.items()}  # fmt: skip
        assert stored == counts == district.counts()
        entry = session.exec(select(AuditLog).where(AuditLog.action == "load_sample")).one()
        assert entry[0].after["teachers"] == len(district.teachers)
        sample = district.teachers[0] if district.teachers[0].id_number else district.teachers[1]
        row = session.exec(select(Teacher).where(Teacher.staff_no == sample.staff_no)).one()[0]
        assert row.id_number_encrypted != sample.id_number
        assert decrypt(row.id_number_encrypted) == sample.id_number
        school = session.exec(select(School).where(School.code == sample.school_code)).one()[0]
        assert row.school_id == school.id
        demand = demand_by_school(session, district.as_of)
        assert len(demand) == len(district.schools)
        initials = session.execute(select(Teacher.name, Teacher.name_initials)).all()
        assert len(initials) == len(district.teachers)  # the search's pinyin initials, all kept
        assert [i for n, i in initials] == [name_initials(n) for n, _ in initials]
        assert all(i for _, i in initials)


def test_loading_twice_is_refused(session: Session) -> None:
    district = generate_district(300, seed=5)
    load_district(session, district)
    session.commit()
    with pytest.raises(SampleError) as error:
        load_district(session, district)
    assert "不能重复载入" in error.value.zh
    session.rollback()
    assert session.scalar(select(func.count()).select_from(School)) == len(district.schools)
