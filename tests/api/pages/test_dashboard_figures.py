"""The dashboard's kept figures: computed once, reused while the registry is unchanged, and
never stale after a change — new training hours, a new key-teacher designation, a new plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import District
from fastapi import FastAPI
from page_helpers import signed_in
from plan_fixtures import FAST, build_plan_district
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.main import create_app
from api.pages.dashboard_figures import district_figures
from workforce.plans import propose_plan
from workforce.services.designations import DesignationCreate, create_designation
from workforce.services.training import TrainingCreate, create_training_record


def _full_cycle_of_training(session: Session, teacher_id: int, day: dt.date) -> None:
    create_training_record(
        session,
        actor="hr",
        teacher_id=teacher_id,
        data=TrainingCreate(date=day, hours=Decimal(360), category="school_based"),
    )
    session.commit()


def test_figures_are_reused_until_the_registry_changes(engine: Engine, district: District):
    today = dt.date.today()
    with Session(engine, expire_on_commit=False) as session:
        first = district_figures(session, today)
        assert district_figures(session, today) is first
        done = {s.code: s.done for s in first.training.schools}
        assert done == {"A001": 0, "B001": 0}

        _full_cycle_of_training(session, district.teachers_a[0].id, today)
        after_training = district_figures(session, today)
        assert after_training is not first
        assert {s.code: s.done for s in after_training.training.schools} == {"A001": 1, "B001": 0}

        last_year_end = f"{today.year - 1}"
        before = dict(after_training.key_teachers_by_year)[last_year_end]
        create_designation(
            session,
            actor="hr",
            teacher_id=district.teachers_b[0].id,
            data=DesignationCreate(
                kind="key_teacher",
                tier="district",
                term_start=dt.date(today.year - 1, 1, 1),
                term_end=dt.date(today.year + 1, 12, 31),
            ),
        )
        session.commit()
        after_designation = district_figures(session, today)
        assert dict(after_designation.key_teachers_by_year)[last_year_end] == before + 1


def test_a_new_plan_shows_at_once(engine: Engine, district: District):
    today = dt.date.today()
    build_plan_district(district, engine)
    with Session(engine, expire_on_commit=False) as session:
        assert district_figures(session, today).plan is None
        record, _, plan = propose_plan(session, year=today.year, actor="hr", settings=FAST)
        session.commit()
        shown = district_figures(session, today).plan
    assert shown is not None
    assert (shown.id, shown.status) == (record.id, "draft")
    assert shown.plan.quotas == plan.quotas


def test_a_clerk_sees_their_school_change_on_the_next_view(engine: Engine, district: District):
    app: FastAPI = create_app()
    try:
        clerk = signed_in(app, district.users["clerk_a"].username)
        assert "0.0% / 3" in clerk.get("/").text  # the school's type: done share / teachers
        with Session(engine, expire_on_commit=False) as session:
            _full_cycle_of_training(session, district.teachers_a[1].id, dt.date.today())
        page = clerk.get("/").text
    finally:
        app.state.engine.dispose()
    assert "33.3% / 3" in page
    assert "<title>已完成：1</title>" in page
    assert "0.0% / 3" not in page
