"""Pins chosen on a plan page and not yet solved with: the office's pending decisions
(must stay, must go to S, forbid S, must move), kept in the user's signed session for one
plan at a time until they re-solve. Pins already solved with are part of the plan's instance.
"""

from __future__ import annotations

from fastapi import Request

from api.i18n.catalogue import UI
from optimizer import Pin
from workforce.services.errors import InvalidInput

MAX_PENDING = 40
"""Pending pins per plan: enough for a working session, small enough for the cookie."""


def pending_pins(request: Request, plan_id: int) -> list[Pin]:
    stored = request.session.get("pins") or {}
    if stored.get("plan_id") != plan_id:
        return []
    return [Pin.model_validate(p) for p in stored.get("pins", [])]


def _keep(request: Request, plan_id: int, pins: list[Pin]) -> None:
    request.session["pins"] = {"plan_id": plan_id, "pins": [p.model_dump() for p in pins]}


def add_pending(request: Request, plan_id: int, pin: Pin) -> None:
    """Add ``pin``, replacing a pending pin on the same teacher."""
    pins = [p for p in pending_pins(request, plan_id) if p.staff_no != pin.staff_no]
    if len(pins) >= MAX_PENDING:
        raise InvalidInput(UI.text("pin_too_many", limit=MAX_PENDING))
    _keep(request, plan_id, [*pins, pin])


def remove_pending(request: Request, plan_id: int, staff_no: str) -> None:
    _keep(request, plan_id, [p for p in pending_pins(request, plan_id) if p.staff_no != staff_no])


def clear_pending(request: Request) -> None:
    request.session.pop("pins", None)
