"""Pins chosen on a plan page and not yet solved with: the office's pending decisions (must
stay, must go to S, forbid S, must move), kept in the database (:class:`PlanPin`), one row per
user, plan and teacher, until the user re-solves with them.

They used to live in the signed session cookie, which a browser caps at about 4 KB (some 40
pins); in the database a working session may hold a pin on every teacher of a large plan.
Pins already solved with are part of the plan's instance. Adding and removing a pending pin is
audited (entity ``plan_pin``) like every other change a user makes.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from api.i18n.catalogue import UI
from optimizer import Pin
from workforce import audit
from workforce.accounts.models import User
from workforce.models import PlanPin, utcnow
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


INSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}
"""The engines' ``INSERT … ON CONFLICT``: one statement that adds a pin or replaces it."""


def add_pending(session: Session, user: User, plan_id: int, pin: Pin) -> None:
    """Add ``pin``, replacing a pending pin of the user on the same teacher.

    One ``INSERT … ON CONFLICT DO UPDATE`` on the (plan, user, teacher) key, not a look-up and
    then an insert: of the same pin sent twice at once (a double click, two tabs) both looked
    up nothing, and the second insert failed on the key with a 500. The bound is checked
    before: a race may pass it by a pin or two, which is all it is for.
    """
    known = session.execute(
        select(func.count())
        .select_from(PlanPin)
        .where(PlanPin.plan_id == plan_id, PlanPin.username == user.username)
    ).scalar_one()
    if known >= MAX_PENDING and not _has_pin(session, user, plan_id, pin.staff_no):
        raise InvalidInput(UI.text("pin_too_many", limit=MAX_PENDING))
    insert = INSERTS[session.get_bind().dialect.name]
    session.execute(
        insert(PlanPin)
        .values(
            plan_id=plan_id, username=user.username, staff_no=pin.staff_no,
            kind=pin.kind, school=pin.school, created_at=utcnow(),
        )  # fmt: skip
        .on_conflict_do_update(
            index_elements=["plan_id", "username", "staff_no"],
            set_={"kind": pin.kind, "school": pin.school},
        )
    )
    _audit(session, user, plan_id, "create", pin.model_dump())


def _has_pin(session: Session, user: User, plan_id: int, staff_no: str) -> bool:
    return (
        session.scalars(
            select(PlanPin.id).where(
                PlanPin.plan_id == plan_id,
                PlanPin.username == user.username,
                PlanPin.staff_no == staff_no,
            )
        ).first()
        is not None
    )


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


CLEARED_PER_STATEMENT = 300
"""Pins matched per ``DELETE`` (three parameters each; well within every engine's limit)."""


def clear_pending(session: Session, user: User, plan_id: int, taken: list[Pin]) -> None:
    """Drop the user's pending pins on the plan that went into a re-solve (``taken``, as
    :func:`pending_pins` read them) - not all of them: a pin added or changed meanwhile (in
    another tab) was not in the job and stays pending."""
    mine = (PlanPin.plan_id == plan_id, PlanPin.username == user.username)
    for start in range(0, len(taken), CLEARED_PER_STATEMENT):
        chunk = taken[start : start + CLEARED_PER_STATEMENT]
        session.execute(
            delete(PlanPin).where(
                *mine,
                or_(
                    *(
                        and_(
                            PlanPin.staff_no == pin.staff_no,
                            PlanPin.kind == pin.kind,
                            PlanPin.school.is_(None)  # type: ignore[union-attr]
                            if pin.school is None
                            else PlanPin.school == pin.school,
                        )
                        for pin in chunk
                    )
                ),
            )
        )
