"""User management for the administrator: the accounts, a new one, and per account deactivate
or activate, reset the password, assign a school clerk's school.

Every change goes through :mod:`workforce.accounts.users` (the API's own services), which
refuse what the API refuses (a weak password, a clerk without a school, locking oneself out)
and write the audit entry; a password reset there also ends the account's sessions. A
refused new account brings the page back with the form as written (the password excepted).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, select

from api.deps import Administrator, SessionDep, forget_recent_users
from api.i18n import page_language
from api.i18n.catalogue import UI
from api.pages.rendering import flash, render
from api.pages.routing import page_router
from api.pages.teacher_values import form_number, form_problems
from workforce.accounts.models import User
from workforce.accounts.roles import ROLE_LABELS
from workforce.accounts.users import UserCreate, UserUpdate, create_user, update_user
from workforce.models import School
from workforce.services.errors import DomainError

router = page_router()


def _page(
    request: Request,
    session: Session,
    admin: User,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    problems: list[str] | None = None,
) -> Response:
    users = session.exec(select(User).order_by(User.role, User.username)).all()
    schools = session.exec(select(School).order_by(School.level, School.code)).all()
    return render(
        request,
        "users.html",
        user=admin,
        status_code=status_code,
        accounts=users,
        schools=schools,
        school_names={s.id: s.name for s in schools},
        roles=list(ROLE_LABELS),
        form=form or {},
        problems=problems or [],
    )


@router.get("/users")
def users_page(request: Request, session: SessionDep, admin: Administrator) -> Response:
    return _page(request, session, admin)


@router.post("/users")
def create_user_page(
    request: Request,
    session: SessionDep,
    admin: Administrator,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    school_id: Annotated[str, Form(max_length=12)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """A new account; a refusal keeps the form (not the password) and says what is wrong."""
    language = page_language(request)
    form = {"username": username, "display_name": display_name, "role": role}
    form["school_id"] = school_id
    try:
        data = UserCreate(
            username=username.strip(),
            display_name=display_name.strip(),
            role=role,  # type: ignore[arg-type]
            school_id=form_number(school_id),
            password=password,
        )
        create_user(session, actor=admin.username, data=data)
    except ValidationError as error:
        session.rollback()
        problems = [
            f"{_label(field, language)}：{p.zh}"
            if language == "zh"
            else f"{_label(field, language)}: {p.en}"
            for field, p in form_problems(error).items()
        ]
        return _page(request, session, admin, status_code=422, form=form, problems=problems)
    except DomainError as error:
        session.rollback()
        message = error.text.zh if language == "zh" else error.text.en
        return _page(request, session, admin, status_code=422, form=form, problems=[message])
    session.commit()
    flash(request, "success", UI.text("user_created", username=data.username))
    return RedirectResponse("/users", status_code=303)


def _label(field: str, language: Any) -> str:
    """A form field's name (``username``, ``display_name``, ``role``, ``password``)."""
    if field not in UI:
        return field
    text = UI.text(field)
    return text.zh if language == "zh" else text.en


@router.post("/users/{user_id}")
def update_user_page(
    request: Request,
    session: SessionDep,
    admin: Administrator,
    user_id: int,
    action: Annotated[str, Form(pattern="^(deactivate|activate|school|password)$")],
    school_id: Annotated[str, Form(max_length=12)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """One change to an account, named by ``action``; a refusal is shown on the list."""
    changes: dict[str, Any] = {
        "deactivate": {"active": False},
        "activate": {"active": True},
        "school": {"school_id": form_number(school_id)},
        "password": {"password": password},
    }[action]
    try:
        account = update_user(
            session, actor=admin, user_id=user_id, data=UserUpdate.model_validate(changes)
        )
    except DomainError as error:
        session.rollback()
        flash(request, "error", error.text)
        return RedirectResponse("/users", status_code=303)
    session.commit()
    forget_recent_users(request)
    message = "password_reset" if action == "password" else "user_updated"
    flash(request, "success", UI.text(message, username=account.username))
    return RedirectResponse("/users", status_code=303)
