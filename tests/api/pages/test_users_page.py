"""The administrator's user management page: create (a refusal keeps the form and says why),
deactivate and activate, reset a password (the old one stops working), assign a clerk's
school — each change audited; nobody else may open it."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import csrf_of, internal_codes, signed_in
from sqlmodel import Session, select

from workforce.accounts.models import User
from workforce.models import AuditLog

NEW_PASSWORD = "a brand new passphrase for the clerk"


def _audit(engine) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.entity == "user")).all()
        return [(a.action, a.entity_key, a.note) for a in rows]


def test_the_administrator_creates_changes_and_resets_accounts(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in(app, "admin")
    page = admin.get("/users").text
    assert "用户管理" in page and "共 5 个账号" in page
    assert internal_codes(page) == ["clerk_a", "clerk_b"]  # login names, data not codes
    form = {
        "csrf_token": csrf_of(page),
        "username": "clerk-c",
        "display_name": "C校专干",
        "role": "clerk",
        "school_id": str(district.school_a.id),
        "password": PASSWORD,
    }
    assert admin.post("/users", data=form).status_code == 303
    with Session(engine) as session:
        created = session.exec(select(User).where(User.username == "clerk-c")).one()
        assert (created.role, created.school_id, created.active) == (
            "clerk",
            district.school_a.id,
            True,
        )
    token = csrf_of(admin.get("/users").text)
    school_b = str(district.school_b.id)
    for data in (
        {"action": "school", "school_id": school_b},
        {"action": "deactivate"},
        {"action": "activate"},
        {"action": "password", "password": NEW_PASSWORD},
    ):
        answer = admin.post(f"/users/{created.id}", data={"csrf_token": token, **data})
        assert answer.status_code == 303, data
    shown = admin.get("/users").text
    assert "已重置 clerk-c 的密码" in shown
    with Session(engine) as session:
        changed = session.get(User, created.id)
        assert (changed.school_id, changed.active) == (district.school_b.id, True)
    assert _audit(engine) == [
        ("create", "clerk-c", None),
        ("update", "clerk-c", None),
        ("update", "clerk-c", None),
        ("update", "clerk-c", None),
        ("update", "clerk-c", "password reset"),
    ]
    clerk = TestClient(app, follow_redirects=False)
    login = {"username": "clerk-c", "csrf_token": csrf_of(clerk.get("/login").text)}
    assert clerk.post("/login", data={**login, "password": PASSWORD}).status_code == 401
    assert clerk.post("/login", data={**login, "password": NEW_PASSWORD}).status_code == 303


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"school_id": ""}, "学校人事专干必须指定所属学校"),
        ({"username": "张 三"}, "用户名"),
        ({"password": "123"}, "密码"),
        ({"username": "hr"}, "已存在"),
    ],
)
def test_a_refused_account_keeps_the_form(
    app: FastAPI, district: District, engine, changes: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in(app, "admin")
    form = {
        "csrf_token": csrf_of(admin.get("/users").text),
        "username": "clerk-d",
        "display_name": "D校专干",
        "role": "clerk",
        "school_id": str(district.school_a.id),
        "password": PASSWORD,
        **changes,
    }
    answer = admin.post("/users", data=form)
    assert answer.status_code in (409, 422)
    problems = answer.text.split('data-testid="user-problems"')[1].split("</div>")[0]
    assert message in problems, problems
    assert f'value="{form["display_name"]}"' in answer.text
    assert PASSWORD not in answer.text
    assert [a for a in _audit(engine) if a[0] == "create"] == []


def test_an_administrator_cannot_deactivate_themself_and_others_cannot_open_the_page(
    app: FastAPI, district: District
) -> None:
    admin = signed_in(app, "admin")
    token = csrf_of(admin.get("/users").text)
    own = district.users["admin"].id
    admin.post(f"/users/{own}", data={"csrf_token": token, "action": "deactivate"})
    assert "不能" in admin.get("/users").text
    for role in ("hr", "clerk_a", "auditor"):
        assert signed_in(app, role).get("/users").status_code == 403
        assert "/users" not in signed_in(app, role).get("/").text


@pytest.mark.parametrize("school_id", ["²", str(2**63)])
def test_a_school_number_that_is_no_number_is_answered_not_a_500(app: FastAPI, district: District,
                                                                  school_id: str) -> None:
    """"²".isdigit() is true and int("²") fails; 2**63 overflows the database integer: five
    forms and lists answered 500 with a JSON body. Each now treats it as no school given."""
    admin = signed_in(app, "admin")
    token = csrf_of(admin.get("/users").text)
    clerk = district.users["clerk_a"].id
    answers = {
        "create": admin.post("/users", data={
            "username": "x1", "display_name": "x", "role": "clerk", "school_id": school_id,
            "password": "a long enough password 123!", "csrf_token": token}),
        "move": admin.post(f"/users/{clerk}", data={
            "action": "school", "school_id": school_id, "csrf_token": token}),
        "search": admin.post("/teachers", data={"school_id": school_id, "csrf_token": token}),
        "list": admin.get("/teachers", params={"school_id": school_id}),
        "export": admin.get("/teachers.xlsx", params={"school_id": school_id}),
    }  # fmt: skip
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert all(status < 500 for status in statuses.values()), statuses
    assert {statuses["list"], statuses["export"]} <= {200, 422} and len(answers) == 5
    assert answers["list"].headers["content-type"].startswith("text/html")
    assert all("internal_error" not in answer.text for answer in answers.values())
