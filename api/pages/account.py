"""The signed-in user's own password (``/account/password``), for every role.

Accounts are made, and passwords reset, by an administrator, who therefore knows them; the
pages offered no way to change one's own (only ``POST /api/users/me/password``, out of a
school clerk's reach), so the administrator went on knowing every password, and an entry
"by clerk_a" in the audit log could have been anyone who did. The change goes through
:func:`workforce.accounts.users.change_own_password` as the API's: the current password is
checked under the sign-in limits, the new one must be strong, the change is audited, and
every session and token of the user ends — this one too: the browser is sent to sign in
with the new password.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import CurrentUser, SessionDep, forget_recent_users
from api.i18n import page_language
from api.i18n.catalogue import UI
from api.pages.rendering import flash, render
from api.pages.routing import page_router
from api.routes.auth import client_address
from workforce.accounts.users import change_own_password
from workforce.services.errors import InvalidInput, RateLimited, Unauthenticated
from workforce.services.messages import Text

router = page_router()

Password = Annotated[str, Form(max_length=256)]


def _form(
    request: Request, user: object, *, status_code: int = 200, problem: Text | None = None
) -> Response:
    message = None
    if problem is not None:
        message = problem.zh if page_language(request) == "zh" else problem.en
    return render(request, "password.html", user=user, status_code=status_code, problem=message)


@router.get("/account/password")
def password_page(request: Request, user: CurrentUser) -> Response:
    return _form(request, user)


@router.post("/account/password")
def change_password_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    current_password: Password = "",
    new_password: Password = "",
    new_password_again: Password = "",
) -> Response:
    """Change the password; a refusal (wrong current password 401, too many tries 429, the
    two new ones differ or the new one is weak 422) is shown on the form."""
    if new_password != new_password_again:
        return _form(request, user, status_code=422, problem=UI.text("passwords_differ"))
    try:
        change_own_password(
            session,
            user=user,
            current=current_password,
            new=new_password,
            client=client_address(request),
        )
    except Unauthenticated as error:  # the current password: not a reason to sign out
        session.rollback()
        return _form(request, user, status_code=401, problem=error.text)
    except RateLimited as error:
        session.rollback()
        answer = _form(request, user, status_code=429, problem=error.text)
        answer.headers["Retry-After"] = str(error.extra.get("retry_after", 60))
        return answer
    except InvalidInput as error:
        session.rollback()
        return _form(request, user, status_code=422, problem=error.text)
    session.commit()
    forget_recent_users(request)
    request.session.clear()  # this session ended with the others
    flash(request, "success", UI.text("password_changed"))
    return RedirectResponse("/login", status_code=303)
