"""A district where this year's rotation has an obvious plan, for the plan API tests
(imported by name): the API fixture's schools A001 and B001 given classes (their teachers
arrived too recently to be due to rotate), plus the small
hand-made district of ``tests/workforce/district.py`` (U1 with surplus PE teachers, rural R1
and R2 short of PE), and a clerk of R1."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from optimizer import Plan, SolveSettings
from tests.workforce.district import build_small_district
from workforce.accounts.models import User
from workforce.accounts.tokens import issue_token
from workforce.models import RotationPlan, School, Teacher
from workforce.plans import propose_plan
from workforce.snapshot import build_instance

if TYPE_CHECKING:  # conftest imports this module for its `plan_district` fixture
    from conftest import District

FAST = SolveSettings(time_limit_s=20)


def build_plan_district(district: District, engine: Engine) -> dict[str, School]:
    """Adds the small district and ``clerk_r1`` (with its bearer headers) to ``district``."""
    with Session(engine, expire_on_commit=False) as session:
        for school in session.exec(select(School)):
            school.classes_by_grade, school.pupils, school.post_ceiling = [2] * 6, 500, 30
            session.add(school)
        for teacher in session.exec(select(Teacher)):
            teacher.joined_school_on = dt.date(2023, 9, 1)  # too recent to be due to rotate
            session.add(teacher)
        schools = build_small_district(session)
        clerk = User(
            username="clerk_r1",
            display_name="R1校专干",
            role="clerk",
            school_id=schools["R1"].id,
            password_hash=district.users["hr"].password_hash,
        )
        session.add(clerk)
        session.flush()
        token, _ = issue_token(session, user=clerk)
        session.commit()
    district.users["clerk_r1"] = clerk
    district.headers["clerk_r1"] = {"Authorization": f"Bearer {token}"}
    return schools


def keep_plan(engine: Engine, *, status: str = "draft") -> int:
    """Keep a draft of the plan district (solved once per test run) with ``status``; its id."""
    with Session(engine, expire_on_commit=False) as session:
        instance_json, plan_json = _plan_json(session)
        record = RotationPlan(
            year=2026,
            status=status,
            solver_status="optimal",
            moves=len(Plan.model_validate_json(plan_json).moves),
            instance_json=instance_json,
            plan_json=plan_json,
            created_by="fixture",
        )
        session.add(record)
        session.commit()
        assert record.id is not None
        return record.id


_CACHE: dict[str, tuple[str, str]] = {}
"""The plan district's instance and plan JSON, solved once per test run: every test builds
the same district, so the solve would give the same plan."""


def _plan_json(session: Session) -> tuple[str, str]:
    if "plan" not in _CACHE:
        # the registry's instance as it is, whatever counties a test gave the schools: the
        # tests that need a county set it on the kept record
        instance = build_instance(session, year=2026)
        record, _, _ = propose_plan(session, year=2026, actor="fixture", settings=FAST,
                                    instance=instance)  # fmt: skip
        session.rollback()
        _CACHE["plan"] = (record.instance_json, record.plan_json)
    return _CACHE["plan"]
