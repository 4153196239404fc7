"""Signing in with username and password, with limits on failures that an attacker cannot
turn against the account's owner.

Failed attempts are rows in ``signinattempt`` (not process memory), so the limits hold
across server workers and restarts. Within :data:`FAILURE_WINDOW`:

- one client guessing one account: the pair (username, client address) is locked after
  :data:`MAX_FAILURES_PER_USERNAME` failures since that pair's last success. Only the
  guesser's own address is locked: an attacker cannot lock an administrator out this way;
- one client guessing many accounts: its address is locked after
  :data:`MAX_FAILURES_PER_CLIENT` failures. It is higher because a school's clerks may share
  one address;
- many clients guessing one account: from :data:`ACCOUNT_BACKOFF_AFTER` failures on, the
  account backs off exponentially (2 s, 4 s, … at most :data:`MAX_BACKOFF`) for every
  address that is not *known* for it, a known address being one it signed in from
  successfully within :data:`KNOWN_CLIENT_FOR`. The owner at their usual address is not
  slowed; a distributed guesser is.

The client address is the connection's peer, or the ``X-Forwarded-For`` address only when
the peer is a configured proxy (:func:`api.routes.auth.client_address`).

The same limits guard the current-password check of a password change
(:func:`check_current_password`): a stolen session cannot guess its way to the password.

The attempt is committed even when the sign-in fails, so the caller must not roll it back.
It is recorded — as a failure — *before* the limits are judged, and made a success only once
the password is right: the guard is the state change itself. Judged first and recorded after
the password check (tens of milliseconds of hashing), eight guesses sent together all found
the four failures on file and were all checked where the limit allows one. Now each request
counts every other one recorded by then, its own row committed first, so of requests sent
together only one can find the limit not yet reached; one refused as locked takes its row
back out (a refusal is not a guess).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, select

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import SignInAttempt, User
from workforce.accounts.passwords import verify_password
from workforce.accounts.users import find_user
from workforce.models import utcnow
from workforce.services.errors import RateLimited, Unauthenticated

FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
"""Per (username, client) pair."""
MAX_FAILURES_PER_CLIENT = 20
ACCOUNT_BACKOFF_AFTER = 10
"""Failures of one account, from all addresses, before it backs off for unknown addresses."""
MAX_BACKOFF = dt.timedelta(minutes=15)
KNOWN_CLIENT_FOR = dt.timedelta(days=90)


def sign_in(session: Session, *, username: str, password: str, client: str) -> User:
    """The active user with these credentials; raises :class:`RateLimited` when locked and
    :class:`Unauthenticated` when wrong (the same message for unknown users and wrong
    passwords, so usernames cannot be probed)."""
    now = utcnow()
    username = username[:64]
    client = client[:64]
    attempt = _attempt_within_limits(session, username=username, client=client, now=now)
    user = find_user(session, username=username)
    ok = verify_password(user.password_hash if user else None, password)
    attempt.succeeded = ok
    session.add(attempt)
    session.commit()
    if not ok or user is None:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("bad_credentials"))
    if not user.active:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("user_inactive"))
    return user


def check_current_password(session: Session, *, user: User, password: str, client: str) -> None:
    """A password change's check of the current password, under the sign-in limits: raises
    :class:`RateLimited` when locked, :class:`Unauthenticated` when wrong; returns the password
    hash it was checked against (the change is written over that one only). The attempt is
    recorded and committed either way, as a sign-in's is: call it before making changes."""
    now = utcnow()
    client = client[:64]
    checked = user.password_hash
    attempt = _attempt_within_limits(session, username=user.username, client=client, now=now)
    ok = verify_password(checked, password)
    attempt.succeeded = ok
    session.add(attempt)
    session.commit()
    if not ok:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("bad_credentials"))
    return checked


def _attempt_within_limits(
    session: Session, *, username: str, client: str, now: dt.datetime
) -> SignInAttempt:
    """This attempt, recorded and committed as a failure, once the limits — counting every
    other attempt recorded by then, those sent at the same moment included — allow it; else
    its row is taken out again and :class:`RateLimited` raised."""
    attempt = SignInAttempt(username=username, client=client, at=now, succeeded=False)
    session.add(attempt)
    session.commit()
    assert attempt.id is not None
    try:
        _refuse_when_locked(session, username=username, client=client, now=now, own=attempt.id)
    except RateLimited:
        session.delete(attempt)
        session.commit()
        raise
    return attempt


def _refuse_when_locked(
    session: Session, *, username: str, client: str, now: dt.datetime, own: int
) -> None:
    """:class:`RateLimited` when the failures recorded, other than attempt ``own``, reach a
    limit (see the module docstring)."""
    since = now - FAILURE_WINDOW
    pair = (SignInAttempt.username == username, SignInAttempt.client == client)
    pair_success = _last_success(session, *pair, since=since)
    account_success = _last_success(session, SignInAttempt.username == username, since=since)
    checks = (
        (and_(*pair), max(since, pair_success or since), MAX_FAILURES_PER_USERNAME),
        (SignInAttempt.client == client, since, MAX_FAILURES_PER_CLIENT),
    )
    for condition, start, limit in checks:
        failures = _failures(session, condition, start, limit, own)
        if len(failures) >= limit:
            _refuse(failures[-1] + FAILURE_WINDOW, now)
    account_start = max(since, account_success or since)
    failures = _failures(
        session, SignInAttempt.username == username, account_start, ACCOUNT_BACKOFF_AFTER + 20,
        own,
    )
    if len(failures) >= ACCOUNT_BACKOFF_AFTER and not _known_client(session, username, client, now):
        steps = len(failures) - ACCOUNT_BACKOFF_AFTER + 1
        backoff = min(MAX_BACKOFF, dt.timedelta(seconds=2**steps))
        if now < failures[0] + backoff:
            _refuse(failures[0] + backoff, now)


def _last_success(session: Session, *conditions: Any, since: dt.datetime) -> dt.datetime | None:
    return session.exec(
        select(func.max(SignInAttempt.at)).where(
            *conditions, SignInAttempt.succeeded, SignInAttempt.at >= since
        )
    ).one()


def _failures(
    session: Session, condition: Any, start: dt.datetime, limit: int, own: int
) -> list:
    """The times of the newest ``limit`` failures matching ``condition`` after ``start``,
    newest first, attempt ``own`` left out (a request's own row, recorded before it is
    judged)."""
    return list(
        session.exec(
            select(SignInAttempt.at)
            .where(condition, SignInAttempt.at > start, SignInAttempt.succeeded.is_(False),
                   SignInAttempt.id != own)
            .order_by(SignInAttempt.at.desc())
            .limit(limit)
        ).all()
    )


def _known_client(session: Session, username: str, client: str, now: dt.datetime) -> bool:
    """Whether ``username`` signed in successfully from ``client`` within KNOWN_CLIENT_FOR."""
    return (
        _last_success(
            session,
            SignInAttempt.username == username,
            SignInAttempt.client == client,
            since=now - KNOWN_CLIENT_FOR,
        )
        is not None
    )


def _refuse(unlock_at: dt.datetime, now: dt.datetime) -> None:
    wait = max(1, math.ceil((unlock_at - now).total_seconds()))
    raise RateLimited(
        ACCOUNT_MESSAGES.text("too_many_failures", minutes=math.ceil(wait / 60)),
        extra={"retry_after": wait},
    )
