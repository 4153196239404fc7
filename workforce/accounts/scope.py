"""The one place that limits what a user may see: every list, detail, export and report
query goes through :func:`restrict` (or :func:`get_visible` for a single record).

District roles (admin, hr, auditor) see the whole district. A school clerk sees only their
own school, its teachers and the teachers' records (certificates, designations, training,
rotations, exemptions, wishes, corrections). Another school's record is reported as not
found — not as forbidden — so a clerk cannot even learn that it exists.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import false, select
from sqlmodel import Session, SQLModel

from workforce.accounts.roles import is_school_bound
from workforce.models import School, Teacher
from workforce.services.errors import NotFound
from workforce.services.messages import Text

Statement = TypeVar("Statement")
Model = TypeVar("Model", bound=SQLModel)


class Viewer(Protocol):
    """What scoping needs to know of a user."""

    role: str
    school_id: int | None


def restrict(statement: Statement, viewer: Viewer, model: type[SQLModel]) -> Statement:
    """``statement`` (a SELECT over ``model``) limited to the rows ``viewer`` may see.

    ``model`` is School, Teacher, or any table with a ``teacher_id`` column. A table the
    function does not know is refused for school-bound users rather than shown in full.
    """
    if not is_school_bound(viewer.role):
        return statement
    if viewer.school_id is None:
        return statement.where(false())  # type: ignore[attr-defined]
    if model is School:
        condition: Any = School.id == viewer.school_id
    elif model is Teacher:
        condition = Teacher.school_id == viewer.school_id
    elif "teacher_id" in model.model_fields:
        own_teachers = select(Teacher.id).where(Teacher.school_id == viewer.school_id)
        condition = model.teacher_id.in_(own_teachers)  # type: ignore[attr-defined]
    else:
        condition = false()
    return statement.where(condition)  # type: ignore[attr-defined]


def get_visible(
    session: Session, viewer: Viewer, model: type[Model], record_id: int, not_found: Text
) -> Model:
    """The record ``record_id`` of ``model`` if ``viewer`` may see it; else :class:`NotFound`
    with ``not_found`` (the same answer whether it is missing or belongs to another school)."""
    statement = restrict(select(model).where(model.id == record_id), viewer, model)  # type: ignore[attr-defined]
    record = session.execute(statement).scalars().first()
    if record is None:
        raise NotFound(not_found)
    return record
