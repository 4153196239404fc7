"""Signing in with username and password, with a rate limit on failures.

Failed attempts are rows in ``signinattempt`` (not process memory), so the limit holds
across server workers and restarts. Within :data:`FAILURE_WINDOW`:

- a username is locked after :data:`MAX_FAILURES_PER_USERNAME` failures since its last
  successful sign-in (guessing one account's password);
- a client address is locked after :data:`MAX_FAILURES_PER_CLIENT` failures (guessing many
  accounts from one place). It is higher because a school's clerks may share one address.

The attempt is committed even when the sign-in fails, so the caller must not roll it back.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import func
from sqlmodel import Session, select

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import SignInAttempt, User
from workforce.accounts.passwords import verify_password
from workforce.accounts.users import find_user
from workforce.models import utcnow
from workforce.services.errors import RateLimited, Unauthenticated

FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 20


def sign_in(session: Session, *, username: str, password: str, client: str) -> User:
    """The active user with these credentials; raises :class:`RateLimited` when locked and
    :class:`Unauthenticated` when wrong (the same message for unknown users and wrong
    passwords, so usernames cannot be probed)."""
    now = utcnow()
    username = username[:64]
    client = client[:64]
    _refuse_when_locked(session, username=username, client=client, now=now)
    user = find_user(session, username=username)
    ok = verify_password(user.password_hash if user else None, password)
    session.add(SignInAttempt(username=username, client=client, at=now, succeeded=ok))
    session.commit()
    if not ok or user is None:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("bad_credentials"))
    if not user.active:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("user_inactive"))
    return user


def _refuse_when_locked(session: Session, *, username: str, client: str, now: dt.datetime) -> None:
    since = now - FAILURE_WINDOW
    last_success = session.exec(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.username == username, SignInAttempt.succeeded, SignInAttempt.at >= since
        )
    ).one()
    user_since = max(since, last_success) if last_success else since
    checks = (
        (SignInAttempt.username == username, user_since, MAX_FAILURES_PER_USERNAME),
        (SignInAttempt.client == client, since, MAX_FAILURES_PER_CLIENT),
    )
    for condition, start, limit in checks:
        failures = session.exec(
            select(SignInAttempt.at)
            .where(condition, SignInAttempt.at > start, SignInAttempt.succeeded.is_(False))
            .order_by(SignInAttempt.at.desc())
            .limit(limit)
        ).all()
        if len(failures) >= limit:
            unlock_at = failures[-1] + FAILURE_WINDOW
            wait = max(1, math.ceil((unlock_at - now).total_seconds()))
            raise RateLimited(
                ACCOUNT_MESSAGES.text("too_many_failures", minutes=math.ceil(wait / 60)),
                extra={"retry_after": wait},
            )
