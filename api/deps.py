"""Dependencies shared by the routes: the database session, the signed-in user, the
permission checks. Routes declare them through the ``Annotated`` aliases below."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.security import session_token, session_user_id
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.recent import RecentUsers
from workforce.accounts.roles import Permission, allows, is_school_bound, role_names
from workforce.accounts.tokens import token_digest, token_holder
from workforce.services.errors import Forbidden, Unauthenticated
from workforce.services.versioning import parse_version

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="POST /api/auth/token 取得的访问令牌 / token from POST /api/auth/token",
)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the app's engine; routes that change data call ``session.commit()``,
    anything uncommitted is rolled back when the request ends.

    Made on the event loop: a new session touches no database until first used (in the
    route's thread), and a trip through the thread pool to make it and another to close it
    cost more CPU than the rest of a small request's dependencies. Closing hands the
    connection back to the pool, which rolls it back: an in-process call for SQLite, done
    here; a network round trip for a database server, done in the thread pool.
    """
    engine = request.app.state.engine
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if engine.dialect.name == "sqlite":
            session.close()
        else:
            await run_in_threadpool(session.close)


SessionDep = Annotated[Session, Depends(get_session)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def get_current_user(request: Request, session: SessionDep, credentials: Credentials) -> User:
    """The user of a bearer token, else of the session cookie; 401 when neither is valid.
    Checked in the database on every request: the account's own routes (``/auth/me``,
    signing out, the password) use this one."""
    return _checked_user(request, session, credentials)[0]


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_recent_user(request: Request, session: SessionDep, credentials: Credentials) -> User:
    """The user of a bearer token, else of the session cookie, as :func:`get_current_user`
    finds it — or found it less than a moment ago (:mod:`workforce.accounts.recent`): what
    the permission checks of every other route use."""
    key = _credential_key(request, credentials)
    recent: RecentUsers = request.app.state.recent_users
    user = recent.get(key)
    if user is None:
        generation = recent.generation()
        user, expires_at = await run_in_threadpool(_checked_user, request, session, credentials)
        recent.keep(key, user, expires_at, checked_in=generation)
    return user


def forget_recent_users(request: Request) -> None:
    """Check every credential in the database again: an account or a token just changed."""
    request.app.state.recent_users.forget()


def _credential_key(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Hashable:
    """What identifies this request's credential (never the clear token); 401 without one."""
    if credentials is not None:
        return ("token", token_digest(credentials.credentials))
    sid = session_token(request)
    if sid is None or session_user_id(request) is None:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("not_signed_in"))
    return ("session", token_digest(sid))


def _checked_user(
    request: Request, session: Session, credentials: HTTPAuthorizationCredentials | None
) -> tuple[User, dt.datetime | None]:
    """The active user of the request's credential and when that credential expires; 401
    otherwise. A session cookie is checked like a bearer token: its server-side token must
    be neither revoked (signed out, password changed) nor expired, and be the cookie user's."""
    if credentials is not None:
        return token_holder(session, token=credentials.credentials)
    return cookie_user(request, session)


def cookie_user(request: Request, session: Session) -> tuple[User, dt.datetime | None]:
    """The active user of the request's session cookie and when its session expires; 401
    (``Unauthenticated``) when there is none, or its server-side token is revoked, expired
    or another user's."""
    sid, user_id = session_token(request), session_user_id(request)
    if sid is None or user_id is None:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("not_signed_in"))
    user, expires_at = token_holder(session, token=sid)
    if user.id != user_id:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("token_invalid"))
    return user, expires_at


def require(permission: Permission) -> Callable[[User], User]:
    """A dependency giving the current user if their role has ``permission``, else 403."""

    async def check(user: Annotated[User, Depends(get_recent_user)]) -> User:
        if not allows(user.role, permission):
            raise Forbidden(ACCOUNT_MESSAGES.text("forbidden", each=role_names(user.role)))
        return user

    return check


Reader = Annotated[User, Depends(require(Permission.read_registry))]
Editor = Annotated[User, Depends(require(Permission.write_registry))]
Proposer = Annotated[User, Depends(require(Permission.propose_correction))]
Reviewer = Annotated[User, Depends(require(Permission.review_correction))]
AuditReader = Annotated[User, Depends(require(Permission.read_audit))]
Administrator = Annotated[User, Depends(require(Permission.manage_users))]
Unmasker = Annotated[User, Depends(require(Permission.unmask_id_numbers))]


def district_reader(user: Reader) -> User:
    """A reader who sees the whole district (admin, hr, auditor); 403 for a school clerk: for
    what shows every school's teachers at once (the plan pages, the signed plan file)."""
    if is_school_bound(user.role):
        raise Forbidden(ACCOUNT_MESSAGES.text("forbidden", each=role_names(user.role)))
    return user


DistrictReader = Annotated[User, Depends(district_reader)]


def if_match_version(
    if_match: Annotated[
        str | None,
        Header(description='读取时的版本号 / the version you read (ETag), e.g. "3"'),
    ] = None,
) -> int | None:
    return parse_version(if_match)


IfMatch = Annotated[int | None, Depends(if_match_version)]


def chosen_version(header: int | None, body: int | None) -> int | None:
    """The version the client read: the ``If-Match`` header, else the body's ``version``."""
    return header if header is not None else body
