"""Signing in and out: bearer tokens for API clients, cookie sessions for the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import CurrentUser, SessionDep, bearer_scheme, forget_recent_users
from api.schemas.accounts import SessionStarted, TokenIssued, UserPublic
from api.security import end_session, start_session
from workforce.accounts.signin import sign_in
from workforce.accounts.tokens import issue_token, revoke_token

router = APIRouter(prefix="/auth", tags=["auth"])

Username = Annotated[str, Form(max_length=64, description="用户名")]
Password = Annotated[str, Form(max_length=256, description="密码")]


def client_address(request: Request) -> str:
    """The address the rate limit counts failures against."""
    return request.client.host if request.client else "unknown"


@router.post("/token", response_model=TokenIssued)
def create_token(
    request: Request, session: SessionDep, username: Username, password: Password
) -> TokenIssued:
    """用户名和密码换取访问令牌 / Exchange username and password for a bearer token."""
    user = sign_in(session, username=username, password=password, client=client_address(request))
    token, row = issue_token(session, user=user)
    session.commit()
    return TokenIssued(access_token=token, expires_at=row.expires_at)


@router.delete("/token", status_code=204)
def delete_token(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Response:
    """注销当前访问令牌 / Revoke the bearer token of this request."""
    if credentials is not None:
        revoke_token(session, token=credentials.credentials)
        session.commit()
        forget_recent_users(request)
    return Response(status_code=204)


@router.post("/session", response_model=SessionStarted)
def create_session(
    request: Request, session: SessionDep, username: Username, password: Password
) -> SessionStarted:
    """登录网页（签名 Cookie 会话）/ Sign in to the pages with a signed session cookie."""
    user = sign_in(session, username=username, password=password, client=client_address(request))
    csrf = start_session(request, session, user)
    return SessionStarted(user=UserPublic.model_validate(user), csrf_token=csrf)


@router.delete("/session", status_code=204)
def delete_session(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """退出网页登录（会话在服务器端作废）/ Sign out of the pages; the session ends on the server."""
    end_session(request, session)
    forget_recent_users(request)
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> UserPublic:
    """当前登录用户 / The signed-in user."""
    return UserPublic.model_validate(user)
