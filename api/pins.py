"""Pins on a plan's teachers, checked against the plan's instance: for the plan pages (pins
made from a form) and the plans API (pins sent as JSON) alike. A pin must name a teacher of
the instance and, for must_go / forbid, one of its schools; must_go not the teacher's own
school (that is no move, and the solve would only come back infeasible)."""

from __future__ import annotations

from pydantic import ValidationError

from api.i18n.catalogue import UI
from optimizer import Instance, Pin
from workforce.services.errors import InvalidInput

PIN_KINDS = ("must_stay", "must_go", "forbid", "must_move")


def check_pin(instance: Instance, pin: Pin) -> Pin:
    """``pin`` if its teacher and school are in ``instance``; else a clear refusal."""
    if pin.staff_no not in {t.staff_no for t in instance.teachers}:
        raise InvalidInput(UI.text("pin_teacher", staff_no=pin.staff_no))
    if pin.school is not None and pin.school not in {s.code for s in instance.schools}:
        raise InvalidInput(UI.text("pin_school", school=pin.school))
    if pin.kind == "must_go":
        teacher = next(t for t in instance.teachers if t.staff_no == pin.staff_no)
        if teacher.school == pin.school:  # no move at all: the solve would find it infeasible
            school = next(s.name for s in instance.schools if s.code == pin.school)
            raise InvalidInput(
                UI.text("pin_own_school", name=teacher.name, staff_no=pin.staff_no, school=school)
            )
    return pin


def make_pin(instance: Instance, *, kind: str, staff_no: str, school: str | None) -> Pin:
    """A pin from a form's fields; the school is used only for must_go / forbid."""
    if not kind:  # the form preselects no kind: a pin is a decision, not a default
        raise InvalidInput(UI.text("pin_kind_missing"))
    if kind not in PIN_KINDS:
        raise InvalidInput(UI.text("pin_kind", kind=kind))
    needs_school = kind in ("must_go", "forbid")
    if needs_school and not school:
        raise InvalidInput(UI.text("pin_school", school=""))
    try:
        pin = Pin(kind=kind, staff_no=staff_no, school=school if needs_school else None)  # type: ignore[arg-type]
    except ValidationError as error:
        raise InvalidInput(UI.text("pin_invalid", reason=str(error.errors()[0]["msg"]))) from None
    return check_pin(instance, pin)
