"""Creating and changing accounts; every change is written to the audit log."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import func, update
from sqlmodel import Session, select

from workforce import audit
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.passwords import hash_password
from workforce.accounts.roles import Role, is_school_bound, may_have_county
from workforce.accounts.scope import recorded_counties
from workforce.accounts.tokens import revoke_user_tokens
from workforce.db import begin_write
from workforce.models import School
from workforce.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from workforce.services.fields import PlainText

ACCOUNTS_LOCK = (0x75736572, 0)
"""PostgreSQL advisory lock of account changes (SQLite: the write lock itself)."""
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")


class UserCreate(BaseModel):
    username: str = Field(max_length=64, description="登录名（字母、数字、._-）")
    display_name: Annotated[str, PlainText] = Field(min_length=1, max_length=100,
                                                    description="姓名")
    role: Role
    school_id: int | None = Field(default=None, description="学校人事专干所属学校")
    county: str | None = Field(
        default=None, max_length=50, description="限定的县（区）（区人事股、审计人员）；空为全市"
    )
    password: str = Field(max_length=256)


class UserUpdate(BaseModel):
    display_name: Annotated[str, PlainText] | None = Field(default=None, min_length=1,
                                                           max_length=100)
    role: Role | None = None
    school_id: int | None = None
    county: str | None = Field(default=None, max_length=50, description="空（null）为全市")
    active: bool | None = None
    password: str | None = Field(default=None, max_length=256)


def user_snapshot(user: User) -> dict[str, Any]:
    """The audit view of an account (never the password hash)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "school_id": user.school_id,
        "county": user.county,
        "active": user.active,
    }


def create_user(session: Session, *, actor: str, data: UserCreate) -> User:
    """A new account; refuses a taken username, a clerk without a school and a weak password."""
    if not _USERNAME.match(data.username):
        raise InvalidInput(ACCOUNT_MESSAGES.text("username_invalid", username=data.username))
    if session.exec(select(User.id).where(User.username == data.username)).first() is not None:
        raise Conflict(ACCOUNT_MESSAGES.text("username_taken", username=data.username))
    _check_school(session, role=data.role, school_id=data.school_id)
    _check_county(session, role=data.role, county=data.county)
    user = User(
        username=data.username,
        display_name=data.display_name,
        role=data.role.value,
        school_id=data.school_id,
        county=data.county,
        password_hash=hash_password(data.password, (data.username, data.display_name)),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="user",
        entity_key=user.username,
        after=user_snapshot(user),
    )
    return user


def update_user(session: Session, *, actor: User | str, user_id: int, data: UserUpdate) -> User:
    """Change an account; an administrator cannot lock themself out, and the last active
    administrator stays one (:func:`_keep_an_admin`). A role that may not be
    scoped to a county (admin, clerk) drops the county; ``county`` null makes the user
    city-level. ``actor`` is the signed-in administrator, or the name of the operator at the
    console (``workforce update-user``), who holds no account to lock out."""
    begin_write(session, lock=ACCOUNTS_LOCK)  # two admins demoting each other queue
    user = get_user(session, user_id=user_id)
    changes = data.model_dump(exclude_unset=True)
    actor_name = actor if isinstance(actor, str) else actor.username
    if (
        not isinstance(actor, str)
        and user.id == actor.id
        and (changes.get("active") is False or changes.get("role", Role.admin) != Role.admin)
    ):
        raise Forbidden(ACCOUNT_MESSAGES.text("cannot_demote_self"))
    before = user_snapshot(user)
    if changes.get("role", user.role) is None:  # sent as null: no role is no change
        changes.pop("role")
    role = Role(changes.get("role", user.role))
    school_id = changes.get("school_id", user.school_id if is_school_bound(role) else None)
    _check_school(session, role=role, school_id=school_id)
    county = changes.get("county", user.county if may_have_county(role) else None)
    _check_county(session, role=role, county=county)
    user.role, user.school_id, user.county = role.value, school_id, county
    if "display_name" in changes and changes["display_name"] is not None:
        user.display_name = changes["display_name"]
    if changes.get("active") is not None:
        user.active = changes["active"]
    _keep_an_admin(session, user, was_admin=before["role"] == Role.admin and before["active"])
    if changes.get("password") is not None:
        user.password_hash = hash_password(changes["password"], (user.username, user.display_name))
    if changes.get("password") is not None or (before["active"] and not user.active):
        # a deactivation ends the sessions too: activating the account again must not bring
        # back a cookie or token from before (one stolen, the reason it was deactivated)
        revoke_user_tokens(session, user_id=user.id)  # type: ignore[arg-type]
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor_name,
        action="update",
        entity="user",
        entity_key=user.username,
        before=before,
        after=user_snapshot(user),
        note="password reset" if changes.get("password") else None,
    )
    return user


def _keep_an_admin(session: Session, user: User, *, was_admin: bool) -> None:
    """Refuse a change that leaves no active administrator (no one could manage accounts on
    the web any more). Counted after the change, inside the accounts' write transaction, so
    two administrators demoting each other at once cannot both pass."""
    if not was_admin or (user.role == Role.admin and user.active):
        return
    others = select(func.count()).select_from(User)
    others = others.where(User.role == Role.admin, User.active, User.id != user.id)  # type: ignore[arg-type]
    if session.execute(others).scalar_one() == 0:
        raise Forbidden(ACCOUNT_MESSAGES.text("last_admin", username=user.username))


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(ACCOUNT_MESSAGES.text("user_not_found", key=user_id))
    return user


def find_user(session: Session, *, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def _check_school(session: Session, *, role: Role, school_id: int | None) -> None:
    if is_school_bound(role):
        if school_id is None:
            raise InvalidInput(ACCOUNT_MESSAGES.text("clerk_needs_school"))
        if session.get(School, school_id) is None:
            raise InvalidInput(ACCOUNT_MESSAGES.text("unknown_school", school_id=school_id))
    elif school_id is not None:
        raise InvalidInput(ACCOUNT_MESSAGES.text("school_only_for_clerks"))


def _check_county(session: Session, *, role: Role, county: str | None) -> None:
    """A county only for the roles that may have one, and only one that schools carry."""
    if county is None:
        return
    if not may_have_county(role):
        raise InvalidInput(ACCOUNT_MESSAGES.text("county_not_for_role"))
    known = recorded_counties(session)
    if county not in known:
        listed = "、".join(known) or "—"
        raise InvalidInput(ACCOUNT_MESSAGES.text("unknown_county", county=county, known=listed))


def change_own_password(
    session: Session, *, user: User, current: str, new: str, client: str = "cli"
) -> None:
    """Replace the password after checking the current one under the sign-in limits (from
    ``client``; the check is committed at once), audited without either password; every
    token and browser session of the user ends (whoever knew the old password signed out)."""
    from workforce.accounts.signin import check_current_password  # signin imports this module

    checked = check_current_password(session, user=user, password=current, client=client)
    # the new hash only over the one the current password was checked against: an
    # administrator's reset committed in between is not overwritten (its new password would
    # stop working and the old one, perhaps stolen, start again), the change is refused
    changed = session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == checked)  # type: ignore[arg-type]
        .values(password_hash=hash_password(new, (user.username, user.display_name, current)))
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(ACCOUNT_MESSAGES.text("password_changed_meanwhile"))
    session.refresh(user)
    revoke_user_tokens(session, user_id=user.id)  # type: ignore[arg-type]
    audit.record(
        session,
        actor=user.username,
        action="update",
        entity="user",
        entity_key=user.username,
        note="password changed",
    )
