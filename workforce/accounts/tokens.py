"""Bearer tokens for the API: random, stored only as a SHA-256 hash, with an expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import update
from sqlmodel import Session, select

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import ApiToken, User
from workforce.models import utcnow
from workforce.services.errors import Unauthenticated

TOKEN_LIFETIME = dt.timedelta(hours=12)
"""One working day: a token from the morning's sign-in expires overnight."""


def token_digest(token: str) -> str:
    """What is stored of a token, and what identifies it without keeping it in the clear."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, *, user: User, lifetime: dt.timedelta = TOKEN_LIFETIME
) -> tuple[str, ApiToken]:
    """A new token for ``user`` — as signed in: active, with the password hash their password
    was checked against; the clear token is returned once and never stored.

    Refused (:class:`Unauthenticated`) when the user's row no longer says so: a password
    reset, a password change or a deactivation committed after the check and before this
    token revokes the tokens that exist then, not this one. The guard is the state change
    itself — a conditional UPDATE of the user's row that must match, which holds the row
    (PostgreSQL) or the database (SQLite) until the caller commits, so such a change either
    came first and is seen, or waits and then revokes this token too."""
    still = session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash, User.active)  # type: ignore[arg-type]
        .values(password_hash=User.password_hash)
        .execution_options(synchronize_session=False)
    )
    if still.rowcount != 1:  # type: ignore[attr-defined]
        raise Unauthenticated(ACCOUNT_MESSAGES.text("token_invalid"))
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=token_digest(token), expires_at=utcnow() + lifetime)
    session.add(row)
    session.flush()
    return token, row


def token_holder(session: Session, *, token: str) -> tuple[User, dt.datetime]:
    """The active user a token belongs to and when the token expires, in one indexed query;
    raises :class:`Unauthenticated` for an unknown, revoked or expired token or an inactive
    user."""
    found = session.exec(
        select(User, ApiToken.revoked, ApiToken.expires_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if found is None:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("token_invalid"))
    user, revoked, expires_at = found
    if not user.active:  # said first: deactivating revokes the tokens too
        raise Unauthenticated(ACCOUNT_MESSAGES.text("user_inactive"))
    if revoked or expires_at <= utcnow():
        raise Unauthenticated(ACCOUNT_MESSAGES.text("token_invalid"))
    return user, expires_at


def revoke_token(session: Session, *, token: str) -> None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
    if row is not None:
        row.revoked = True
        session.add(row)


def revoke_user_tokens(session: Session, *, user_id: int) -> int:
    """Revoke every bearer token and browser session of a user (their password changed):
    how many were still valid. The caller commits, and forgets recently checked users."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked.is_(False))  # type: ignore[attr-defined]
        .values(revoked=True)
    )
    return result.rowcount or 0
