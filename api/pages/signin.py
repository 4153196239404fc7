"""Signing in and out of the pages.

The sign-in form carries a CSRF token too: before sign-in the browser gets an anonymous
session holding only that token, so another site cannot sign a browser in to an account of
its choosing. Wrong passwords and the rate limit (:mod:`workforce.accounts.signin`) are
shown on the form with the status the API gives (401, 429 with ``Retry-After``).
"""

from __future__ import annotations

import hmac
import posixpath
import secrets
from typing import Annotated
from urllib.parse import unquote, urlsplit

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep, cookie_user, forget_recent_users
from api.pages.rendering import render
from api.pages.routing import page_router
from api.routes.auth import client_address
from api.security import (
    CSRF_FIELD,
    csrf_token,
    end_session,
    session_user_id,
    start_session,
)
from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.signin import sign_in
from workforce.services.errors import Forbidden, RateLimited, Unauthenticated

router = page_router()


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: a page of this site only — never ``//other.site``, never the
    JSON API or a file download (:func:`_is_page_path`). The pages send only their own addresses here; an API address came
    from a link someone else wrote: ``/login?next=/api/exports/teachers.xlsx?unmask=true``,
    opened by an HR officer who then signs in, downloaded every full ID number in their name
    (the browser counts the redirect after their own sign-in as this site's request)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if not _is_page_path(target):
        return "/"
    return target


def _is_page_path(target: str) -> bool:
    """Whether ``target`` is a page, as the browser and the server read it (percent escapes
    decoded — ``/%61pi`` — and dot segments resolved — ``/x/../api``, ``/%2e/api``): not the
    API, and not a file (a last segment with a dot: ``/plans/3/plan.json``, the plan file with
    every teacher's full birth date, downloaded and audited in the officer's name the same
    way; ``workbook.xlsx``, a report's ``.xlsx``), nor anything asking to ``unmask``."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    normal = posixpath.normpath(path) if path else "/"
    if normal == "/api" or normal.startswith(("/api/", "//api")):
        return False
    return "." not in normal.rsplit("/", 1)[-1] and "unmask" not in unquote(parts.query).lower()


def _session_valid(request: Request, session: Session) -> bool:
    """Whether the browser's cookie still holds a live session (:func:`api.deps.cookie_user`)."""
    try:
        cookie_user(request, session)
    except Unauthenticated:
        return False
    return True


def anonymous_csrf_token(request: Request) -> str:
    """The CSRF token of this browser's session, created for a visitor not yet signed in."""
    token = csrf_token(request)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


@router.get("/login")
def login_page(request: Request, session: SessionDep, next: str | None = None) -> Response:
    """The form; a browser signed in goes on to ``next``. A cookie whose session has ended
    (signed out elsewhere, password changed, account deactivated, expired) is dropped and
    the form shown: sending it on would bring it straight back here."""
    if session_user_id(request) is not None:
        if _session_valid(request, session):
            return RedirectResponse(safe_next(next), status_code=303)
        request.session.clear()
    anonymous_csrf_token(request)
    return render(request, "login.html", user=None, next=safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    expected = csrf_token(request)
    if not expected or not hmac.compare_digest(expected, csrf):
        raise Forbidden(ACCOUNT_MESSAGES.text("csrf_failed"))
    try:
        user = sign_in(
            session, username=username, password=password, client=client_address(request)
        )
    except (Unauthenticated, RateLimited) as error:
        status, headers = 401, {}
        if isinstance(error, RateLimited):
            status, headers = 429, {"Retry-After": str(error.extra.get("retry_after", 60))}
        response = render(
            request,
            "login.html",
            user=None,
            status_code=status,
            next=safe_next(next),
            error=error.text,
            username=username,
        )
        response.headers.update(headers)
        return response
    start_session(request, session, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    end_session(request, session)
    forget_recent_users(request)
    return RedirectResponse("/login", status_code=303)
