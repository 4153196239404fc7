"""Dependencies shared by the routes: the database session, the signed-in user, the
permission checks. Routes declare them through the ``Annotated`` aliases below."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.security import session_user_id
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.roles import Permission, allows
from workforce.accounts.tokens import user_for_token
from workforce.services.errors import Forbidden, Unauthenticated
from workforce.services.versioning import parse_version

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="POST /api/auth/token 取得的访问令牌 / token from POST /api/auth/token",
)


def get_session(request: Request) -> Iterator[Session]:
    """A session on the app's engine; routes that change data call ``session.commit()``,
    anything uncommitted is rolled back when the request ends."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    """The user of a bearer token, else of the session cookie; 401 when neither is valid."""
    if credentials is not None:
        return user_for_token(session, token=credentials.credentials)
    user_id = session_user_id(request)
    if user_id is None:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("not_signed_in"))
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthenticated(ACCOUNT_MESSAGES.text("user_inactive"))
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(permission: Permission) -> Callable[[User], User]:
    """A dependency giving the current user if their role has ``permission``, else 403."""

    def check(user: CurrentUser) -> User:
        if not allows(user.role, permission):
            raise Forbidden(ACCOUNT_MESSAGES.text("forbidden", role=user.role))
        return user

    return check


Reader = Annotated[User, Depends(require(Permission.read_registry))]
Editor = Annotated[User, Depends(require(Permission.write_registry))]
Proposer = Annotated[User, Depends(require(Permission.propose_correction))]
Reviewer = Annotated[User, Depends(require(Permission.review_correction))]
AuditReader = Annotated[User, Depends(require(Permission.read_audit))]
Administrator = Annotated[User, Depends(require(Permission.manage_users))]


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
