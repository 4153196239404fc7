"""Page routes answer in HTML, never in JSON: :class:`PageRoute` turns a refusal into a
redirect to the sign-in page (not signed in) or an error page in the user's language
(forbidden, not found, invalid input, the county's rules file unusable …), with the status the
API would give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from api.errors import (
    database_refused,
    key_changed,
    problems_summary,
    refused_data_text,
    status_of,
    taken_meanwhile,
    validation_problems,
)
from api.i18n import page_language
from api.i18n.catalogue import UI
from api.messages import API_MESSAGES
from api.pages.rendering import render
from api.security import session_user_id
from workforce.rules.local import LocalRulesError
from workforce.services.errors import DomainError, Unauthenticated
from workforce.services.messages import Text


def sign_in_redirect(request: Request) -> RedirectResponse:
    """To the sign-in page, and back here afterwards.

    The browser's session is dropped first: a cookie whose session the server no longer
    honours (signed out elsewhere, password changed or reset, account deactivated, the
    12 hours over) still names a user, and ``/login`` sends a browser that names one back to
    ``next`` — which sent it to ``/login`` again, a redirect loop the user could not leave
    without clearing the browser's cookies. "Back here" is the address for a GET; a form's
    POST address has no page (a GET of it is 405), so it is the page the form was on."""
    if session_user_id(request) is not None:  # a visitor's own sign-in form token is kept
        request.session.clear()
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        sent_from = urlsplit(request.headers.get("referer", ""))
        target = (sent_from.path or "/") + (f"?{sent_from.query}" if sent_from.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def error_page(request: Request, text: Text, status_code: int) -> Response:
    """The error page; the user is not looked up again (the error may be about them)."""
    message = text.zh if page_language(request) == "zh" else text.en
    return render(request, "error.html", user=None, status_code=status_code, message=message)


class PageRoute(APIRoute):
    """An API route whose domain and validation errors become pages."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthenticated:
                return sign_in_redirect(request)
            except DomainError as error:
                page = error_page(request, error.text, status_of(error))
                if "retry_after" in error.extra:
                    page.headers["Retry-After"] = str(error.extra["retry_after"])
                return page
            except LocalRulesError as error:  # the county's rules file, edited while serving
                return error_page(request, Text("local_rules_broken", error.zh, error.en), 503)
            except RequestValidationError as error:  # each field with why, in words
                problems = validation_problems(error)
                text = UI.text("invalid_request", each={
                    language: {"fields": problems_summary(problems, language)}
                    for language in ("zh", "en")})  # fmt: skip
                return error_page(request, text, 422)
            except Exception as error:  # the database refused the request: a page, not JSON
                if taken_meanwhile(error):  # a key another request took at the same moment
                    return error_page(request, API_MESSAGES.text("written_meanwhile"), 409)
                if key_changed(error):  # `rotate-secret` ran while serving
                    return error_page(request, API_MESSAGES.text("secret_key_changed"), 503)
                if not database_refused(error):  # an id of 2**63 in the address
                    raise
                return error_page(request, refused_data_text(request), 422)

        return page_handler


def page_router() -> APIRouter:
    """A router for pages: HTML errors, left out of the OpenAPI description."""
    return APIRouter(route_class=PageRoute, include_in_schema=False)
