"""``rotate-secret`` while others write: a writer still holding the old key (a server not yet
restarted, a command started before) never stores an ID number, or signs a link of the audit
chain, under a key the database no longer has. A write committed after the rotation is
refused, whole; a write already under way when the rotation starts is waited for and
re-encrypted with the rest. On SQLite (a file) and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from workforce import audit_chain, config
from workforce.models import School, Teacher
from workforce.sample import generate_district, load_district
from workforce.secret import SecretKeyMismatch, _decrypt, check_secret_key, rotate_secret_key
from workforce.services.schools import SchoolUpdate, update_school
from workforce.services.teachers import TeacherCreate, create_teacher

NEW_KEY = "the-new-secret-key-of-the-registry-0123456789abcdef"
NUMBER = "441602199007052225"  # a valid GB 11643 number (checked by the service)


@pytest.fixture
def registry(engine: Engine) -> dict[str, str]:
    """A small district whose every ID number is stored under the process's (old) key."""
    load_district(engine, generate_district(teachers=100, seed=5))
    check_secret_key(engine, config.get_settings().secret_key)
    with Session(engine) as session:
        rows = session.exec(select(Teacher.staff_no, Teacher.id_number_encrypted)
                            .where(Teacher.id_number_encrypted.is_not(None))).all()  # fmt: skip
    old = config.get_settings().secret_key
    numbers = {staff_no: _decrypt(old, token) for staff_no, token in rows}
    assert len(numbers) > 60
    return numbers


def _under(engine: Engine, key: str) -> dict[str, str]:
    """Every stored ID number, decrypted with ``key`` (raises if one is not under it)."""
    with Session(engine) as session:
        rows = session.exec(select(Teacher.staff_no, Teacher.id_number_encrypted)
                            .where(Teacher.id_number_encrypted.is_not(None))).all()  # fmt: skip
    return {staff_no: _decrypt(key, token) for staff_no, token in rows}


def _chain_intact(engine: Engine, key: str) -> bool:
    with Session(engine) as session:
        return audit_chain.verify(session, key).intact


def _new_teacher(session: Session) -> Teacher:
    school_id = session.exec(select(Teacher.school_id)).first()
    return create_teacher(session, actor="hr", data=TeacherCreate(
        staff_no="NEW1", name="新教师", gender="female", birth_date=dt.date(1990, 7, 5),
        id_number=NUMBER, post_type="established", school_id=school_id,
        joined_school_on=dt.date(2015, 9, 1), main_subject="math",
    ))  # fmt: skip


def test_a_write_under_the_old_key_after_the_rotation_is_refused_whole(engine, registry):
    old = config.get_settings().secret_key  # the writers of this process keep it
    assert rotate_secret_key(engine, old, NEW_KEY, actor="admin") == len(registry)
    with Session(engine) as session, pytest.raises(SecretKeyMismatch):
        _new_teacher(session)
        session.commit()
    with Session(engine) as session, pytest.raises(SecretKeyMismatch):  # a change, no number
        school = session.exec(select(School).where(School.active)).first()
        update_school(session, actor="hr", school_id=school.id,
                      data=SchoolUpdate(name="改名后的学校"), version=school.version)
        session.commit()
    with Session(engine) as session:
        assert session.exec(select(School).where(School.name == "改名后的学校")).first() is None
    assert _under(engine, NEW_KEY) == registry  # nothing written, all readable
    assert _chain_intact(engine, NEW_KEY)


def test_a_rotation_waits_for_a_write_under_way_and_re_encrypts_it(engine, registry):
    old = config.get_settings().secret_key
    written, rotated, errors = threading.Event(), threading.Event(), []

    def write() -> None:
        try:
            with Session(engine) as session:
                _new_teacher(session)
                session.flush()  # the row written, the transaction open
                written.set()
                time.sleep(0.5)  # the rotation starts meanwhile
                assert not rotated.is_set()  # it waits for this write
                session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            written.set()

    def rotate() -> None:
        written.wait(10)
        try:
            rotate_secret_key(engine, old, NEW_KEY, actor="admin")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        rotated.set()

    threads = [threading.Thread(target=write), threading.Thread(target=rotate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    stored = _under(engine, NEW_KEY)
    assert stored == {**registry, "NEW1": NUMBER}  # the new number too, under the new key
    assert _chain_intact(engine, NEW_KEY)
