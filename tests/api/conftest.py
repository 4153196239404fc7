"""API test fixtures: the app built by its factory on the test's real database, a small
district of two schools (A urban, B rural) with teachers, and one account of each role —
including a clerk of each school — with bearer-token headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from api_helpers import id_number
from fastapi import FastAPI
from fastapi.testclient import TestClient
from plan_fixtures import build_plan_district
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.main import create_app
from workforce.accounts.models import User
from workforce.accounts.passwords import hash_password
from workforce.accounts.tokens import issue_token
from workforce.models import School, Teacher
from workforce.services.schools import SchoolCreate, create_school
from workforce.services.teachers import TeacherCreate, create_teacher

PASSWORD = "correct horse battery staple"
ROLES = ("admin", "hr", "clerk_a", "clerk_b", "auditor")


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real argon2 hash of :data:`PASSWORD`, shared so fixtures stay fast."""
    return hash_password(PASSWORD)


@dataclass
class District:
    school_a: School
    school_b: School
    teachers_a: list[Teacher]
    teachers_b: list[Teacher]
    users: dict[str, User]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    id_numbers: dict[str, str] = field(default_factory=dict)
    """Clear ID number by staff number."""


def _school(session: Session, code: str, name: str, zone: str) -> School:
    return create_school(
        session,
        actor="fixture",
        data=SchoolCreate(code=code, name=name, town="东埔", zone=zone, level="primary"),
    )


def _teacher(
    session: Session,
    school: School,
    staff_no: str,
    name: str,
    birth: dt.date,
    sequence: int,
    **extra: object,
) -> tuple[Teacher, str]:
    number = id_number(birth, sequence)
    values: dict[str, object] = dict(
        staff_no=staff_no,
        name=name,
        gender="male" if sequence % 2 else "female",
        birth_date=birth,
        id_number=number,
        post_type="established",
        school_id=school.id,
        joined_school_on=dt.date(2015, 9, 1),
        main_subject="math",
    )
    data = TeacherCreate.model_validate({**values, **extra})
    return create_teacher(session, actor="fixture", data=data), number


@pytest.fixture
def district(engine: Engine, password_hash: str) -> District:
    with Session(engine, expire_on_commit=False) as session:
        school_a = _school(session, "A001", "东埔小学", "urban")
        school_b = _school(session, "B001", "埔前中心小学", "rural")
        rows = [
            (school_a, "T001", "张三", dt.date(1980, 3, 12), 11, {}),
            (school_a, "T002", "张小红", dt.date(1990, 7, 1), 22, {"main_subject": "pe"}),
            (school_a, "T003", "李四", dt.date(1975, 1, 30), 33, {"post_type": "temporary"}),
            (school_b, "T101", "王五", dt.date(1985, 10, 5), 45, {}),
            (school_b, "T102", "赵六", dt.date(1992, 2, 29), 56, {"main_subject": "music"}),
        ]
        teachers_a, teachers_b, numbers = [], [], {}
        for school, staff_no, name, birth, sequence, extra in rows:
            teacher, number = _teacher(session, school, staff_no, name, birth, sequence, **extra)
            (teachers_a if school is school_a else teachers_b).append(teacher)
            numbers[staff_no] = number
        users = {
            "admin": User(username="admin", display_name="管理员", role="admin"),
            "hr": User(username="hr", display_name="人事股", role="hr"),
            "clerk_a": User(
                username="clerk_a", display_name="A校专干", role="clerk", school_id=school_a.id
            ),
            "clerk_b": User(
                username="clerk_b", display_name="B校专干", role="clerk", school_id=school_b.id
            ),
            "auditor": User(username="auditor", display_name="审计", role="auditor"),
        }
        headers = {}
        for key, user in users.items():
            user.password_hash = password_hash
            session.add(user)
            session.flush()
            token, _ = issue_token(session, user=user)
            headers[key] = {"Authorization": f"Bearer {token}"}
        session.commit()
    return District(school_a, school_b, teachers_a, teachers_b, users, headers, numbers)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def app(engine: Engine, district: District) -> Iterator[FastAPI]:
    """The web app (pages and API) on the test's database, holding the small district; page
    tests sign in to it with `page_helpers.signed_in`."""
    app = create_app()
    yield app
    app.state.engine.dispose()


@pytest.fixture
def plan_district(engine: Engine, district: District) -> District:
    """The small district plus the hand-made one a plan can be made for
    (`plan_fixtures.build_plan_district`); page modules that show plans use it with
    `pytestmark = pytest.mark.usefixtures("plan_district")`."""
    build_plan_district(district, engine)
    return district
