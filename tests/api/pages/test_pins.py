"""Pending pins kept in the database (:mod:`api.pages.pins`): the same pin sent twice at once
(a double click, two tabs) is kept once, never answered with a database error."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import District
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.pages.pins import add_pending, clear_pending, pending_pins
from optimizer import Pin
from workforce.models import AuditLog, PlanPin, RotationPlan


def _plan(engine: Engine) -> int:
    """A plan row for the pins to belong to (the pins service never reads its content)."""
    with Session(engine) as session:
        record = RotationPlan(
            year=2026, status="draft", solver_status="optimal", moves=0,
            instance_json="{}", plan_json="{}", created_by="fixture",
        )  # fmt: skip
        session.add(record)
        session.commit()
        assert record.id is not None
        return record.id


@pytest.mark.postgres
def test_the_same_pin_added_twice_at_once_is_kept_once(engine: Engine, district: District):
    """The first request has inserted its pin and not yet committed when the second one
    looks for it (and finds none): the second must replace the pin, not fail on the unique
    (plan, user, teacher) key."""
    plan_id = _plan(engine)
    hr = district.users["hr"]
    staff_no = district.teachers_a[0].staff_no
    first_pin = Pin(kind="must_stay", staff_no=staff_no)
    second_pin = Pin(kind="must_move", staff_no=staff_no)
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with Session(engine) as session:
                add_pending(session, hr, plan_id, second_pin)
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    with Session(engine) as session:
        add_pending(session, hr, plan_id, first_pin)
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second request reaches its insert and waits for this one
        session.commit()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert failures == []
    with Session(engine) as session:
        assert pending_pins(session, hr, plan_id) == [second_pin]
        rows = session.execute(select(func.count()).select_from(PlanPin)).scalar_one()
        audited = session.exec(select(AuditLog).where(AuditLog.entity == "plan_pin")).all()
    assert rows == 1 and len(audited) == 2


@pytest.mark.postgres
def test_a_resolve_clears_only_the_pins_it_took(engine: Engine, district: District):
    """A re-solve reads the pending pins, starts its job with them, then clears them: a pin
    added or changed in between (another tab) was not in the job and must stay pending."""
    plan_id = _plan(engine)
    hr = district.users["hr"]
    first, second, third = (t.staff_no for t in district.teachers_a[:3])
    with Session(engine) as session:
        add_pending(session, hr, plan_id, Pin(kind="must_stay", staff_no=first))
        add_pending(session, hr, plan_id, Pin(kind="must_stay", staff_no=second))
        session.commit()
        taken = pending_pins(session, hr, plan_id)
    with Session(engine) as other_tab:
        add_pending(other_tab, hr, plan_id, Pin(kind="must_move", staff_no=second))
        add_pending(other_tab, hr, plan_id, Pin(kind="must_move", staff_no=third))
        other_tab.commit()
    with Session(engine) as session:
        clear_pending(session, hr, plan_id, taken)
        session.commit()
        left = pending_pins(session, hr, plan_id)
    assert len(taken) == 2
    assert left == [Pin(kind="must_move", staff_no=second), Pin(kind="must_move", staff_no=third)]
