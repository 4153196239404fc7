"""The school (or county) an export, a report or a solve is narrowed to, through the one scoping
function (:func:`workforce.accounts.scope.restrict`): a city-level role may name any school by
its code or none (the whole registry); a user scoped to a county may name a school of that
county, and none means their county; a school clerk always gets their own school, and naming
another one answers 404 exactly like a code that does not exist."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from api.routes.messages import WORK_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.roles import is_school_bound
from workforce.accounts.scope import county_of, recorded_counties, restrict
from workforce.models import School
from workforce.services.errors import Forbidden, InvalidInput, NotFound
from workforce.services.messages import Text


def visible_school(session: Session, user: User, code: str | None) -> School | None:
    """The school ``code`` names (the clerk's own when None); None = every school the user
    sees (the whole registry, or a county user's county: callers still :func:`restrict`)."""
    if code is None and not is_school_bound(user.role):
        return None
    statement = select(School) if code is None else select(School).where(School.code == code)
    school = session.execute(restrict(statement, user, School)).scalars().first()
    if school is None:
        raise NotFound(WORK_MESSAGES.text("school_not_visible", code=code or ""))
    return school


def solve_county(session: Session, user: User, named: str | None) -> str | None:
    """The county a new plan is solved for: the one ``named``, which the schools must carry; a
    county's user solves their own county only (403 for another county or the whole registry).
    None — the whole registry — only for a registry of one county: a plan spanning counties is
    refused here, when it is asked for (422 ``county_required``), as the lifecycle refuses it
    (:func:`workforce.plans.lifecycle.require_one_county`)."""
    county = named_county(session, user, named, refusal="county_out_of_scope")
    if county is None:
        from workforce.plans.lifecycle import PlanError, require_one_county  # the solver's side

        try:
            require_one_county(session)
        except PlanError as refused:
            raise InvalidInput(Text(refused.key, refused.zh, refused.en)) from None
    return county


def export_county(session: Session, user: User, named: str | None) -> str | None:
    """The county an export is narrowed to: the one ``named`` (None: every school the user
    sees); a county's user exports their own county (403 for naming another)."""
    return named_county(session, user, named, refusal="export_county_out_of_scope")


def named_county(session: Session, user: User, named: str | None, *, refusal: str) -> str | None:
    """``named`` for a city-level user (422 when no school carries it); a county's user gets
    their own county, and naming another is 403 with the ``refusal`` message."""
    own = county_of(user)
    if own is not None:
        if named not in (None, own):
            raise Forbidden(WORK_MESSAGES.text(refusal, own=own, county=named))
        return own
    if named is None:
        return None
    counties = recorded_counties(session)
    if named not in counties:
        listed = "、".join(counties) or "—"
        raise InvalidInput(WORK_MESSAGES.text("unknown_county", county=named, known=listed))
    return named
