"""Pins chosen on a plan page and not yet solved with: the office's pending decisions (must
stay, must go to S, forbid S, must move), kept in the database (:class:`PlanPin`), one row per
user, plan and teacher, until the user re-solves with them.

They used to live in the signed session cookie, which a browser caps at about 4 KB (some 40
pins); in the database a working session may hold a pin on every teacher of a large plan.
Pins already solved with are part of the plan's instance. Adding and removing a pending pin is
audited (entity ``plan_pin``) like every other change a user makes.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlmodel import Session

from api.i18n.catalogue import UI
from optimizer import Pin
from workforce import audit
from workforce.accounts.models import User
from workforce.models import PlanPin
from workforce.services.errors import InvalidInput

MAX_PENDING = 2000
"""Pending pins per user and plan: more than the movers of the largest district's plan; a
bound so that one form cannot grow a table without end."""


def pending_pins(session: Session, user: User, plan_id: int) -> list[Pin]:
    """The user's pending pins on the plan, in the order they were chosen."""
    rows = session.scalars(
        select(PlanPin)
        .where(PlanPin.plan_id == plan_id, PlanPin.username == user.username)
        .order_by(PlanPin.id)
    )
    return [
        Pin(kind=r.kind, staff_no=r.staff_no, school=r.school)  # type: ignore[arg-type]
        for r in rows
    ]


def _audit(session: Session, user: User, plan_id: int, action: str, pin: dict | None) -> None:
    audit.record(
        session,
        actor=user.username,
        action=action,
        entity="plan_pin",
        entity_key=f"{plan_id}:{pin['staff_no'] if pin else '*'}",
        before=pin if action != "create" else None,
        after=pin if action == "create" else None,
    )


def add_pending(session: Session, user: User, plan_id: int, pin: Pin) -> None:
    """Add ``pin``, replacing a pending pin of the user on the same teacher."""
    existing = session.scalars(
        select(PlanPin).where(
            PlanPin.plan_id == plan_id,
            PlanPin.username == user.username,
            PlanPin.staff_no == pin.staff_no,
        )
    ).one_or_none()
    if existing is None:
        count = session.execute(
            select(func.count())
            .select_from(PlanPin)
            .where(PlanPin.plan_id == plan_id, PlanPin.username == user.username)
        ).scalar_one()
        if count >= MAX_PENDING:
            raise InvalidInput(UI.text("pin_too_many", limit=MAX_PENDING))
        existing = PlanPin(plan_id=plan_id, username=user.username, staff_no=pin.staff_no, kind="")
    existing.kind, existing.school = pin.kind, pin.school
    session.add(existing)
    session.flush()
    _audit(session, user, plan_id, "create", pin.model_dump())


def remove_pending(session: Session, user: User, plan_id: int, staff_no: str) -> None:
    """Drop the user's pending pin on ``staff_no`` (nothing when there is none)."""
    removed = session.execute(
        delete(PlanPin).where(
            PlanPin.plan_id == plan_id,
            PlanPin.username == user.username,
            PlanPin.staff_no == staff_no,
        )
    )
    if removed.rowcount:  # type: ignore[attr-defined]
        _audit(session, user, plan_id, "delete", {"staff_no": staff_no})


def clear_pending(session: Session, user: User, plan_id: int) -> None:
    """Drop the user's pending pins on the plan (they went into a re-solve)."""
    session.execute(
        delete(PlanPin).where(PlanPin.plan_id == plan_id, PlanPin.username == user.username)
    )
