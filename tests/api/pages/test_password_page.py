"""Changing one's own password on the pages (``/account/password``): every role may; the
current password is checked under the sign-in limits, the new one must be strong and typed
twice alike; once changed, every session and token of the user ends — this browser is sent to
sign in with the new password — and the change is in the audit log without either password."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import csrf_of, signed_in, token_for
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from workforce.accounts.signin import MAX_FAILURES_PER_USERNAME
from workforce.models import AuditLog

NEW = "school gate plum blossom 2026"


def _change(client: TestClient, current: str, new: str, again: str | None = None):  # type: ignore[no-untyped-def]
    form = {
        "csrf_token": token_for(client, "/account/password"),
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }
    return client.post("/account/password", data=form)


@pytest.mark.parametrize("role", ["clerk_a", "auditor", "hr", "admin"])
def test_every_role_changes_their_own_password_and_signs_in_again_with_it(
    app: FastAPI, district: District, engine: Engine, role: str
) -> None:
    browser = signed_in(app, role)
    form = browser.get("/account/password")
    assert form.status_code == 200
    assert 'name="current_password"' in form.text
    assert 'href="/account/password"' in browser.get("/teachers").text  # offered on every page
    other_browser = signed_in(app, role)
    bearer = district.headers[role]
    changed = _change(browser, PASSWORD, NEW)
    assert changed.status_code == 303 and changed.headers["location"] == "/login"
    login = browser.get("/login")
    assert login.status_code == 200 and "密码已修改" in login.text  # this browser: sign in again
    ended = [
        browser.get("/teachers").status_code,
        other_browser.get("/teachers").status_code,
        TestClient(app).get("/api/auth/me", headers=bearer).status_code,
    ]
    assert ended == [303, 303, 401]
    for password, status in ((PASSWORD, 401), (NEW, 303)):
        answer = browser.post(
            "/login",
            data={"username": role, "password": password, "csrf_token": csrf_of(login.text)},
        )
        assert answer.status_code == status, password
    assert browser.get("/teachers").status_code == 200
    with Session(engine) as session:
        entries = session.exec(
            select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_key == role)
        ).all()
    assert [(e.actor, e.note) for e in entries] == [(role, "password changed")]
    assert PASSWORD not in str(entries[0].model_dump()) and NEW not in str(entries[0].model_dump())


def test_a_refused_change_is_shown_on_the_form_and_keeps_the_user_signed_in(
    app: FastAPI, district: District
) -> None:
    clerk = signed_in(app, "clerk_a")
    cases = [
        (_change(clerk, "not my password", NEW), 401, "用户名或密码错误"),
        (_change(clerk, PASSWORD, NEW, again=NEW + "!"), 422, "两次输入的新密码不一致"),
        (_change(clerk, PASSWORD, "12345678901"), 422, "密码"),
    ]
    for answer, status, words in cases:
        assert answer.status_code == status, answer.text[:300]
        assert words in answer.text
        assert 'data-testid="password-problem"' in answer.text
        assert PASSWORD not in answer.text and NEW not in answer.text
    assert len(cases) == 3
    assert clerk.get("/teachers").status_code == 200  # still signed in, password unchanged
    assert signed_in(app, "clerk_a").get("/teachers").status_code == 200


def test_guessing_the_current_password_on_the_form_is_rate_limited(
    app: FastAPI, district: District
) -> None:
    """A browser left signed in cannot be used to guess the password through the form."""
    clerk = signed_in(app, "clerk_a")
    tries = [_change(clerk, f"guess {n}", NEW) for n in range(MAX_FAILURES_PER_USERNAME + 1)]
    assert [t.status_code for t in tries] == [401] * MAX_FAILURES_PER_USERNAME + [429]
    assert int(tries[-1].headers["Retry-After"]) > 0
    assert _change(clerk, PASSWORD, NEW).status_code == 429  # the right one waits too


def test_the_change_needs_the_forms_csrf_token(app: FastAPI, district: District) -> None:
    clerk = signed_in(app, "clerk_a")
    forged = clerk.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )
    assert forged.status_code == 403 and "校验令牌" in forged.text
    assert clerk.get("/teachers").status_code == 200
