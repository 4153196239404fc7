"""The school an export or a report is narrowed to, through the one scoping function
(:func:`workforce.accounts.scope.restrict`): a district role may name any school by its code
or none (the whole district); a school clerk always gets their own school, and naming another
one answers 404 exactly like a code that does not exist."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from api.routes.messages import WORK_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.roles import is_school_bound
from workforce.accounts.scope import restrict
from workforce.models import School
from workforce.services.errors import NotFound


def visible_school(session: Session, user: User, code: str | None) -> School | None:
    """The school ``code`` names (the clerk's own when None); None = the whole district."""
    if code is None and not is_school_bound(user.role):
        return None
    statement = select(School) if code is None else select(School).where(School.code == code)
    school = session.execute(restrict(statement, user, School)).scalars().first()
    if school is None:
        raise NotFound(WORK_MESSAGES.text("school_not_visible", code=code or ""))
    return school
