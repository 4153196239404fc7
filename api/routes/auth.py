"""Signing in and out: bearer tokens for API clients, cookie sessions for the pages."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import CurrentUser, SessionDep, bearer_scheme, forget_recent_users
from api.schemas.accounts import SessionStarted, TokenIssued, UserPublic
from api.security import end_session, is_own_host, start_session
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.signin import sign_in
from workforce.accounts.tokens import issue_token, revoke_token
from workforce.services.errors import Forbidden

router = APIRouter(prefix="/auth", tags=["auth"])

Username = Annotated[str, Form(max_length=64, description="用户名")]
Password = Annotated[str, Form(max_length=256, description="密码")]


def client_address(request: Request) -> str:
    """The address the sign-in limits count failures against: the connection's peer, or —
    only when the peer is one of the configured proxies (``WORKFORCE_TRUSTED_PROXIES``) —
    the nearest address in ``X-Forwarded-For`` that is not itself a trusted proxy. From
    anyone else the header is ignored: a guesser cannot pick a fresh address per attempt."""
    peer = request.client.host if request.client else "unknown"
    proxies = trusted_proxies(request.app.state.settings.trusted_proxies)
    if not _is_in(peer, proxies):
        return peer
    forwarded = [
        part.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for part in header.split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if not _is_in(address, proxies):
            return address if _is_address(address) else peer
    return peer


@lru_cache(maxsize=8)
def trusted_proxies(setting: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """The networks of the setting ``"127.0.0.1, 10.0.0.0/8"``."""
    parts = (part.strip() for part in setting.split(","))
    return tuple(ip_network(part, strict=False) for part in parts if part)


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_in(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def refuse_cross_site(request: Request) -> None:
    """Login CSRF: a browser sign-in posted by another site is refused (403). A browser says
    where a request comes from in ``Origin`` (or ``Sec-Fetch-Site``); it must be the server's
    own host (the one the request was sent to; the scheme is not compared, as a TLS proxy
    in front changes it) or that of ``WORKFORCE_PUBLIC_ORIGIN``.
    Clients that send neither (scripts, ``curl``) are not browsers and carry no ambient
    credentials to abuse."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise Forbidden(ACCOUNT_MESSAGES.text("csrf_failed"))
    origin = request.headers.get("origin")
    if origin is None:
        return
    if not is_own_host(request, origin):
        raise Forbidden(ACCOUNT_MESSAGES.text("csrf_failed"))


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
    """登录网页（签名 Cookie 会话）/ Sign in to the pages with a signed session cookie.

    Refused when posted by another site (login CSRF): see :func:`refuse_cross_site`."""
    refuse_cross_site(request)
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
