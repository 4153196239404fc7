"""Rendering a page: the Jinja2 templates of ``api/templates`` with what every page needs —
the language and its ``t()``, the signed-in user, the CSRF token for forms, code labels and
the one-time messages (flashes) left by the previous request."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.i18n import (
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE,
    Language,
    page_language,
    requested_language,
    translator,
)
from api.security import csrf_token
from workforce.accounts.models import User
from workforce.accounts.roles import ROLE_LABELS, Permission, Role, allows, is_school_bound
from workforce.codes import code_list
from workforce.dates import local_time
from workforce.services.messages import Text

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)

FlashKind = Literal["info", "success", "error"]


def flash(request: Request, kind: FlashKind, text: Text) -> None:
    """Leave a message (both languages) for the next page this browser shows."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "zh": text.zh, "en": text.en})
    request.session["flash"] = messages[-5:]


def _pop_flashes(request: Request, language: Language) -> list[dict[str, str]]:
    messages = request.session.pop("flash", [])
    return [{"kind": m["kind"], "text": m[language]} for m in messages]


def code_label(language: Language):  # type: ignore[no-untyped-def]
    """``label(list_name, code)``: a code's label in ``language``; an unknown code as is."""

    def label(list_name: str, code: str | None) -> str:
        if code is None:
            return ""
        try:
            return code_list(list_name).label(code, language)
        except KeyError:
            return code

    return label


def role_label(role: str, language: Language) -> str:
    try:
        zh, en = ROLE_LABELS[Role(role)]
    except ValueError:
        return role
    return zh if language == "zh" else en


def navigation(user: User | None) -> list[tuple[str, str]]:
    """(path, message id) of the pages this user may open, for the menu."""
    if user is None:
        return []
    items = [("/", "nav_dashboard"), ("/teachers", "nav_teachers"), ("/reports", "nav_reports")]
    if allows(user.role, Permission.import_data):
        items.append(("/imports", "nav_imports"))
    if not is_school_bound(user.role):
        items.append(("/plans", "nav_plans"))
    if allows(user.role, Permission.read_audit):
        items.append(("/audit", "nav_audit"))
    if allows(user.role, Permission.review_correction) or allows(
        user.role, Permission.propose_correction
    ):
        items.append(("/corrections", "nav_corrections"))
    if allows(user.role, Permission.manage_users):
        items.append(("/users", "nav_users"))
    return items


def render(
    request: Request,
    template: str,
    *,
    user: User | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page ``template`` for ``user``; remembers a language chosen with ``?lang=``."""
    language = page_language(request)
    other = "en" if language == "zh" else "zh"
    response = templates.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "t": translator(language),
            "label": code_label(language),
            "role_label": lambda role: role_label(role, language),
            "user": user,
            "local_time": local_time,
            "nav": navigation(user),
            "csrf_token": csrf_token(request) or "",
            "flashes": _pop_flashes(request, language),
            "switch_url": local_url(request, lang=other),
            "other_lang": other,
            **context,
        },
        status_code=status_code,
    )
    if requested_language(request):
        response.set_cookie(
            LANG_COOKIE, language, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", httponly=True
        )
    return response


def local_url(request: Request, **params: object) -> str:
    """This page's address with ``params`` set, as a link relative to the site: path and
    query only. Never built from the request's ``Host`` header, which the client chooses (a
    forged Host would otherwise be written into the page's links: host header injection);
    a path starting ``//`` is folded to one ``/`` so the link cannot leave the site."""
    url = request.url.include_query_params(**params)
    path = "/" + url.path.lstrip("/")
    return path + (f"?{url.query}" if url.query else "")
