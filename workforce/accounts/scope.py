"""The one place that limits what a user may see: every list, detail, export and report
query goes through :func:`restrict` (or :func:`get_visible` for a single record).

District roles (admin, hr, auditor) without a county see the whole registry. A school clerk
sees only their own school, its teachers and the teachers' records (certificates, designations,
training, rotations, exemptions, wishes, corrections) and the plans that hold their school
(narrowed to it by :mod:`workforce.plans.school_view`). An HR officer or auditor scoped to a
county of a prefecture city (``User.county``) sees that county's schools (``School.county``),
their teachers and records, and the rotation plans and solve jobs of that county — never a
whole-registry plan, which holds every county's teachers. Another school's or county's record
is reported as not found — not as forbidden — so its existence is not even disclosed.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import false, select
from sqlmodel import Session, SQLModel

from workforce.accounts.audit_scope import audit_in_county
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.roles import is_school_bound
from workforce.models import AuditLog, RotationPlan, School, SolveJob, Teacher
from workforce.services.errors import Forbidden, NotFound
from workforce.services.messages import Text

Statement = TypeVar("Statement")
Model = TypeVar("Model", bound=SQLModel)


class Viewer(Protocol):
    """What scoping needs to know of a user."""

    role: str
    school_id: int | None
    county: str | None


def county_of(viewer: Viewer) -> str | None:
    """The county ``viewer`` is scoped to; None for city-level users and for clerks (who are
    narrower: one school)."""
    return None if is_school_bound(viewer.role) else viewer.county


def scope_key(viewer: Viewer) -> tuple[bool, int | None, str | None]:
    """What tells apart the rows ``viewer`` may see (:func:`restrict`), as a key for figures
    kept across requests: a clerk's school, a county user's county, or the whole registry.
    Two users with one key see the same rows; a key without the county gave a county's HR
    the whole registry's counts, or the other way round, whichever was asked first."""
    return (is_school_bound(viewer.role), viewer.school_id, county_of(viewer))


def is_city_level(viewer: Viewer) -> bool:
    """Whether ``viewer`` sees the whole registry (no school, no county)."""
    return not is_school_bound(viewer.role) and viewer.county is None


def placed_county(viewer: Viewer, county: str | None, *, new: bool) -> str | None:
    """The county a school created (``new``) or moved by ``viewer`` is placed in. A city-level
    user places it as named (None: not recorded). A county's user places schools in their own
    county only: a new school without a county goes there, and naming another county — or
    none, for a school on file — is 403, so no school leaves the county through its own user
    (as an import by that user refuses such a row, :mod:`workforce.io.county_scope`)."""
    own = county_of(viewer)
    if own is None or county == own:
        return county
    if county is None and new:
        return own
    if county is None:
        raise Forbidden(ACCOUNT_MESSAGES.text("school_county_cleared", own=own))
    raise Forbidden(ACCOUNT_MESSAGES.text("school_county_out_of_scope", own=own, county=county))


def sees_county(viewer: Viewer, county: str | None) -> bool:
    """Whether ``viewer`` may see a plan or solve job of ``county`` (None: the whole
    registry's), for lists already read; a county's user sees their county's only."""
    own = county_of(viewer)
    return own is None or county == own


def recorded_counties(session: Session) -> list[str]:
    """Every county a school carries (any school, active or not), sorted: what an account's
    county, an export's or a solve's may name. Schools without a county are not one."""
    found = session.execute(select(School.county).where(School.county.is_not(None)).distinct())  # type: ignore[union-attr]
    return sorted(c for c in found.scalars() if c)


def county_school_ids(county: str) -> Any:
    """A subquery of the ids of ``county``'s schools."""
    return select(School.id).where(School.county == county)


def restrict(statement: Statement, viewer: Viewer, model: type[SQLModel]) -> Statement:
    """``statement`` (a SELECT over ``model``) limited to the rows ``viewer`` may see.

    ``model`` is School, Teacher, RotationPlan, SolveJob, AuditLog (a county's user:
    :mod:`workforce.accounts.audit_scope`) or any table with a ``teacher_id`` column. A table the function does not know is refused for scoped users rather than shown
    in full.
    """
    if is_city_level(viewer):
        return statement
    county = county_of(viewer)
    if county is not None:
        return statement.where(_in_county(model, county))  # type: ignore[attr-defined]
    if viewer.school_id is None:
        return statement.where(false())  # type: ignore[attr-defined]
    if model is School:
        condition: Any = School.id == viewer.school_id
    elif model is Teacher:
        condition = Teacher.school_id == viewer.school_id
    elif "teacher_id" in model.model_fields:
        own_teachers = select(Teacher.id).where(Teacher.school_id == viewer.school_id)
        condition = model.teacher_id.in_(own_teachers)  # type: ignore[attr-defined]
    elif model in (RotationPlan, SolveJob):
        # the plans holding the clerk's school: its county's and the whole registry's (the
        # plan's content is then narrowed to the school by workforce.plans.school_view)
        own_county = select(School.county).where(School.id == viewer.school_id)
        condition = model.county.is_(None) | model.county.in_(own_county)  # type: ignore[attr-defined]
    else:
        condition = false()
    return statement.where(condition)  # type: ignore[attr-defined]


def _in_county(model: type[SQLModel], county: str) -> Any:
    """The condition on ``model``'s rows that keeps those of ``county``."""
    if model is School:
        return School.county == county
    if model is Teacher:
        return Teacher.school_id.in_(county_school_ids(county))  # type: ignore[attr-defined]
    if model is RotationPlan:
        return RotationPlan.county == county
    if model is SolveJob:
        return SolveJob.county == county
    if model is AuditLog:
        return audit_in_county(county)
    if "teacher_id" in model.model_fields:
        teachers = select(Teacher.id).where(Teacher.school_id.in_(county_school_ids(county)))  # type: ignore[attr-defined]
        return model.teacher_id.in_(teachers)  # type: ignore[attr-defined]
    return false()


def get_visible(
    session: Session, viewer: Viewer, model: type[Model], record_id: int, not_found: Text
) -> Model:
    """The record ``record_id`` of ``model`` if ``viewer`` may see it; else :class:`NotFound`
    with ``not_found`` (the same answer whether it is missing or belongs to another school
    or county)."""
    statement = restrict(select(model).where(model.id == record_id), viewer, model)  # type: ignore[attr-defined]
    record = session.execute(statement).scalars().first()
    if record is None:
        raise NotFound(not_found)
    return record
