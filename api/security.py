"""Cookie sessions for the pages, with CSRF protection.

The session cookie is signed by Starlette's ``SessionMiddleware`` (itsdangerous) with a key
derived from the settings' secret key; it holds the user id, a per-session CSRF token and the
session's own random token, whose hash is a row of ``apitoken`` like a bearer token's. So a
session ends on the server: signing out revokes that row, and changing or resetting the
password revokes every row of the user (:func:`workforce.accounts.tokens.revoke_user_tokens`);
a copy of the cookie kept from before is refused from then on.
Every unsafe request (POST, PUT, PATCH, DELETE) that relies on the cookie must echo that
token, in the ``X-CSRF-Token`` header or a ``csrf_token`` form field, so that another site
cannot make a signed-in browser change anything. Requests with a bearer token carry no
ambient credentials and need no CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from sqlmodel import Session

from workforce.accounts.messages import ACCOUNT_MESSAGES
from workforce.accounts.models import User
from workforce.accounts.tokens import issue_token, revoke_token
from workforce.services.errors import Forbidden

SESSION_COOKIE = "workforce_session"
SESSION_MAX_AGE = 12 * 60 * 60
"""Seconds; like a bearer token, a browser session lasts one working day."""
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
F = TypeVar("F", bound=Callable[..., Any])


def start_session(request: Request, session: Session, user: User) -> str:
    """Sign ``user`` in on this browser; returns the new session's CSRF token.

    The old session is discarded first, so a session id planted before sign-in is useless.
    The session's token is stored (hashed) and committed here.
    """
    request.session.clear()
    sid, _ = issue_token(session, user=user, lifetime=dt.timedelta(seconds=SESSION_MAX_AGE))
    session.commit()
    csrf = secrets.token_urlsafe(32)
    request.session.update({"user_id": user.id, "sid": sid, "csrf": csrf})
    return csrf


def end_session(request: Request, session: Session) -> None:
    """Sign out: the session's token is revoked in the database (committed), so the cookie
    is refused even where a copy of it was kept, and the cookie is cleared."""
    sid = session_token(request)
    if sid is not None:
        revoke_token(session, token=sid)
        session.commit()
    request.session.clear()


def session_token(request: Request) -> str | None:
    """The server-side token of this browser's session (None: not signed in)."""
    sid = request.session.get("sid")
    return sid if isinstance(sid, str) else None


def session_user_id(request: Request) -> int | None:
    user_id = request.session.get("user_id")
    return user_id if isinstance(user_id, int) else None


def csrf_token(request: Request) -> str | None:
    """The CSRF token pages put in their forms (``<input name="csrf_token">``)."""
    token = request.session.get("csrf")
    return token if isinstance(token, str) else None


def uses_bearer_token(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def sent_by_other_site(request: Request) -> bool:
    """Whether this request, carrying the browser's cookie, may have been made by another
    site's page: True unless the browser shows it came from this site.

    ``Sec-Fetch-Site`` shows it in current browsers: ``same-origin``, or ``none`` for an
    address typed or bookmarked. Browsers send it to HTTPS addresses only, and older ones (or
    the IE-compatible mode some offices use) not at all; there a ``Referer`` of this server's
    host (or ``WORKFORCE_PUBLIC_ORIGIN``'s) shows it — this site's pages send it to their own
    links (``Referrer-Policy: same-origin``). With neither, nothing shows where the request
    came from: a page can send a link with no ``Referer`` (``rel="noreferrer"``), so that is
    treated as another site's. A bearer token carries no ambient credential: never."""
    if uses_bearer_token(request):
        return False
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in ("same-origin", "none")
    referer = request.headers.get("referer")
    return not referer or not is_own_host(request, referer)


def is_own_host(request: Request, address: str) -> bool:
    """Whether ``address`` (an ``Origin`` or ``Referer``) names a host this server answers
    as: the one the request was sent to, or ``WORKFORCE_PUBLIC_ORIGIN``'s. The scheme is not
    compared (a TLS proxy in front changes it); a default port is left out on both sides, as
    browsers write these headers without it."""
    public = request.app.state.settings.public_origin
    own = {request.url.netloc, *([urlsplit(public).netloc] if public else [])}
    return _host(urlsplit(address).netloc) in {_host(h) for h in own}


def _host(netloc: str) -> str:
    return netloc.lower().removesuffix(":443").removesuffix(":80")


def refuse_cross_site_disclosure(request: Request) -> None:
    """An unmasking (full ID numbers, ``unmask=true``) asked with the browser's session cookie
    from another site's page is refused (403). The session cookie is ``SameSite=Lax``, so a
    link or redirect on any web page — a mail, a forum post — that opens
    ``/api/exports/teachers.xlsx?unmask=true`` is a top-level GET that carries it: a signed-in
    HR officer's browser downloaded every teacher's full number, and the audit log recorded
    one unmasking per teacher under their name, none of which they asked for. The browser
    says where the request comes from in ``Sec-Fetch-Site``; a bearer token (an API client)
    carries no ambient credential, and an address typed or bookmarked is ``none``
    (:func:`sent_by_other_site`, which reads ``Referer`` where a browser sends no
    ``Sec-Fetch-Site``)."""
    if sent_by_other_site(request):
        raise Forbidden(ACCOUNT_MESSAGES.text("cross_site_unmask"))


def reads_own_form(endpoint: F) -> F:
    """Mark a route that reads its (multipart) form itself, after its permission check (the
    uploads, :func:`api.uploads.upload_form`): :func:`csrf_protect` does not read the body
    for it but leaves the form's token to :func:`check_form_csrf`, so a signed-in user
    without the right is refused before a byte of the upload is read or spooled."""
    endpoint.reads_own_form = True  # type: ignore[attr-defined]
    return endpoint


async def csrf_protect(request: Request) -> None:
    """Dependency: refuse an unsafe cookie-authenticated request without the right token."""
    if request.method in SAFE_METHODS or uses_bearer_token(request):
        return
    if session_user_id(request) is None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        if getattr(request.scope.get("endpoint"), "reads_own_form", False):
            request.state.csrf_in_form = True  # checked by check_form_csrf once it is read
            return
        form_value = (await request.form()).get(CSRF_FIELD)
        sent = form_value if isinstance(form_value, str) else None
    _compare_csrf(request, sent)


def check_form_csrf(request: Request, fields: Mapping[str, str]) -> None:
    """The CSRF check :func:`csrf_protect` left to a :func:`reads_own_form` route, on the
    form's text ``fields`` (nothing to do when it was already checked or not needed)."""
    if getattr(request.state, "csrf_in_form", False):
        _compare_csrf(request, fields.get(CSRF_FIELD))


def _compare_csrf(request: Request, sent: str | None) -> None:
    expected = csrf_token(request) or ""
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden(ACCOUNT_MESSAGES.text("csrf_failed"))


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
"""The pages load their script, stylesheet and images from this server only and have no
inline script: an injected ``<script>`` cannot run, and no other site may frame a page."""
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
"""``/api/docs`` (Swagger UI) starts with an inline script; its bundle and stylesheet are
served by this server (no CDN: a bureau intranet reaches none)."""
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response: CSP (with
    ``frame-ancestors 'none'``) and ``X-Frame-Options`` against framing (clickjacking),
    ``nosniff`` so a download is never run as a script, ``Referrer-Policy`` so addresses do
    not leave the site, ``Cache-Control: no-store`` for the API and pages (personal data
    stays out of shared caches; the static files keep their caching), and HSTS in
    production (served over HTTPS)."""

    def __init__(self, app, *, docs_path: str, production: bool) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.docs_path = docs_path
        self.production = production

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_CONTENT_SECURITY_POLICY if path == self.docs_path else CONTENT_SECURITY_POLICY
        static = path.startswith("/static/")

        async def send_with_headers(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"content-security-policy", policy.encode()), *SECURITY_HEADERS]
                if self.production:
                    extra.append(HSTS)
                if not static:
                    extra.append((b"cache-control", b"no-store"))
                headers.extend((n, v) for n, v in extra if n not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
