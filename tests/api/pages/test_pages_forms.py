"""The pages' forms and language: sign-in (wrong password, rate limit, CSRF), sign-out, the
language switch, CSRF refusals, the import wizard (dry run → commit, problems with row and
column, the error workbook), the audit log's filters and a plan page's refusals."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import PASSWORD, District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from page_helpers import csrf_of, hidden_value, signed_in, token_for
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from optimizer import SolveSettings
from workforce.accounts.models import ApiToken
from workforce.models import AuditLog, School
from workforce.plans import propose_plan


def test_wrong_password_is_shown_on_the_form_then_the_rate_limit(
    app: FastAPI, district: District
) -> None:
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    form = {"username": "hr", "password": "not the password", "csrf_token": token}
    wrong = client.post("/login", data=form)
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.text
    for _ in range(4):
        client.post("/login", data=form)
    locked = client.post("/login", data=form)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.text
    assert int(locked.headers["Retry-After"]) > 0


def test_sign_in_without_the_csrf_token_is_refused(app: FastAPI, district: District) -> None:
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    refused = client.post("/login", data={"username": "hr", "password": "whatever-long"})
    assert refused.status_code == 403
    assert "校验令牌" in refused.text


def test_sign_in_goes_back_to_the_page_asked_for_and_only_on_this_site(
    app: FastAPI, district: District
) -> None:
    client = TestClient(app, follow_redirects=False)
    for wanted, expected in (("/audit", "/audit"), ("//evil.example/x", "/")):
        client.cookies.clear()
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"username": "admin", "password": PASSWORD, "csrf_token": token, "next": wanted},
        )
        assert answer.headers["location"] == expected


API_NEXTS = (
    "/api/exports/teachers.xlsx?unmask=true",
    "/api/teachers?unmask=true",
    "/api",
    "/%61pi/exports/teachers.csv?unmask=true",
    "/x/../api/teachers/1?unmask=true",
    "/%2e%2e/api/teachers?unmask=true",
    "/./api/exports/teachers.csv?unmask=true",
    # file downloads and unmaskings among the pages: the plan file holds every birth date
    "/plans/3/plan.json",
    "/plans/%33/plan%2ejson",
    "/plans/3/workbook.xlsx",
    "/teachers/1?unmask=true",
)


def test_sign_in_never_goes_on_to_the_json_api(
    app: FastAPI, district: District, engine: Engine
) -> None:
    """A link ``/login?next=/api/exports/teachers.xlsx?unmask=true`` sent to an HR officer:
    once they signed in, their browser downloaded every teacher's full ID number, recorded
    as their unmasking (the redirect after their own sign-in is this site's request, so the
    refusal of another site's unmasking did not apply). The sign-in goes to the dashboard."""
    client = TestClient(app, follow_redirects=False)
    for wanted in API_NEXTS:
        client.cookies.clear()
        form = client.get("/login", params={"next": wanted})
        assert hidden_value(form.text, "next") == "/", wanted
        answer = client.post(
            "/login",
            data={
                "username": "hr",
                "password": PASSWORD,
                "csrf_token": csrf_of(form.text),
                "next": wanted,
            },
        )
        assert answer.headers["location"] == "/", wanted
        signed = client.get("/login", params={"next": wanted})  # already signed in
        assert signed.headers["location"] == "/", wanted
    with Session(engine) as session:
        unmaskings = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert unmaskings == []
    assert len(API_NEXTS) == 11
    for page in ("/teachers?school_id=1", "/apiary", "/plans/policy?year=2026"):  # pages: kept
        client.cookies.clear()
        form = client.get("/login", params={"next": page})
        answer = client.post(
            "/login",
            data={"username": "hr", "password": PASSWORD, "csrf_token": csrf_of(form.text),
                  "next": page},
        )  # fmt: skip
        assert answer.headers["location"] == page


def test_a_form_post_without_the_token_is_refused_while_signed_in(
    app: FastAPI, district: District
) -> None:
    hr = signed_in(app, "hr")
    for path, data in (
        ("/logout", {}),
        ("/plans/solve", {"year": "2026", "time_limit": "5"}),
        ("/imports/abc/commit", {"entity": "auto"}),
    ):
        answer = hr.post(path, data=data)
        assert answer.status_code == 403, path
        assert "校验令牌" in answer.text
    assert hr.get("/teachers").status_code == 200  # still signed in


def test_sign_out_ends_the_session(app: FastAPI, district: District) -> None:
    hr = signed_in(app, "hr")
    answer = hr.post("/logout", data={"csrf_token": token_for(hr)})
    assert answer.headers["location"] == "/login"
    assert hr.get("/teachers").status_code == 303


def _follow(client: TestClient, path: str, limit: int = 6) -> list[tuple[str, int]]:
    """The addresses a browser visits from ``path`` following redirects, with their status."""
    visited = []
    for _ in range(limit):
        answer = client.get(path)
        visited.append((path, answer.status_code))
        if answer.status_code != 303:
            break
        path = answer.headers["location"]
    return visited


SESSION_ENDINGS = {
    "password reset": {"password": "reset by the chief 2026"},
    "deactivated": {"active": False},
    "expired": None,
}


@pytest.mark.parametrize("ending", SESSION_ENDINGS)
def test_a_browser_whose_session_ended_on_the_server_reaches_the_sign_in_form(
    app: FastAPI, district: District, engine: Engine, ending: str
) -> None:
    """A password reset, a deactivation or the session's 12 hours ending leave the browser a
    cookie naming the user; the next page sends it to the sign-in form. It used to bounce
    between the page and /login (which saw a user in the cookie and sent it back) until the
    browser gave up: "too many redirects", and no way back in without clearing cookies."""
    clerk = signed_in(app, "clerk_a")
    teacher = f"/teachers/{district.teachers_a[0].id}"
    assert clerk.get(teacher).status_code == 200
    change = SESSION_ENDINGS[ending]
    if change is None:
        with Session(engine) as session:
            session.execute(
                update(ApiToken)
                .where(ApiToken.user_id == district.users["clerk_a"].id)  # type: ignore[arg-type]
                .values(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
            )
            session.commit()
        app.state.recent_users.forget()
    else:
        user_id = district.users["clerk_a"].id
        admin = TestClient(app).patch(
            f"/api/users/{user_id}", headers=district.headers["admin"], json=change
        )
        assert admin.status_code == 200, admin.text
    sign_in_form = f"/login?next={quote(teacher, safe='')}"
    assert _follow(clerk, teacher) == [(teacher, 303), (sign_in_form, 200)]
    # the form is shown to such a cookie when the browser goes to /login first, too
    clerk.cookies.clear()
    clerk = signed_in(app, "hr")
    with Session(engine) as session:
        session.execute(update(ApiToken).values(revoked=True))
        session.commit()
    app.state.recent_users.forget()
    assert _follow(clerk, "/login?next=%2Faudit") == [("/login?next=%2Faudit", 200)]


def test_a_sign_in_form_open_in_another_tab_still_works_after_a_page_was_refused(
    app: FastAPI, district: District
) -> None:
    """Dropping an ended session must not drop a visitor's own sign-in form token: a form
    open in one tab is still accepted after another tab was sent to sign in."""
    browser = TestClient(app, follow_redirects=False)
    form = browser.get("/login")
    assert browser.get("/teachers").status_code == 303  # the other tab
    answer = browser.post(
        "/login", data={"username": "hr", "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_sign_in(
    app: FastAPI, district: District, engine: Engine
) -> None:
    """A clerk's session ends while they fill in a correction; sending it leads to sign-in,
    then back to the teacher's page — not to the form's POST address, which as a GET is a
    405 in JSON."""
    clerk = signed_in(app, "clerk_a")
    teacher = f"/teachers/{district.teachers_a[0].id}"
    token = token_for(clerk, teacher)
    with Session(engine) as session:
        session.execute(update(ApiToken).values(revoked=True))
        session.commit()
    app.state.recent_users.forget()
    sent = clerk.post(
        f"{teacher}/corrections",
        data={"csrf_token": token, "field": "title", "proposed_value": "一级", "reason": "已评"},
        headers={"Referer": f"http://testserver{teacher}?tab=records"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/login?next={quote(teacher + '?tab=records', safe='')}"
    form = clerk.get(sent.headers["location"])
    back = clerk.post(
        "/login",
        data={
            "username": "clerk_a",
            "password": PASSWORD,
            "csrf_token": csrf_of(form.text),
            "next": hidden_value(form.text, "next"),
        },
    )
    assert back.headers["location"] == f"{teacher}?tab=records"
    assert clerk.get(back.headers["location"]).status_code == 200


def test_the_language_switch_is_remembered(app: FastAPI, district: District) -> None:
    hr = signed_in(app, "hr")
    assert "教师名册" in hr.get("/teachers").text
    english = hr.get("/teachers", params={"lang": "en"})
    assert "Teachers" in english.text and "教师名册" not in english.text
    assert english.cookies.get("lang") == "en"
    assert "教师名册" not in hr.get("/teachers").text
    assert "教师名册" in hr.get("/teachers", params={"lang": "zh"}).text
    refused = signed_in(app, "clerk_a").get("/audit", params={"lang": "en"})
    assert refused.status_code == 403 and "not allowed" in refused.text


SCHOOL_HEADER = "学校代码,学校名称,所在街道/镇,城乡类别,学段\n"


def _upload(client: TestClient, name: str, content: str) -> tuple[str, str]:
    """Upload a CSV as schools; returns (the report page, the commit path)."""
    page = client.get("/imports").text
    answer = client.post(
        "/imports",
        data={"csrf_token": csrf_of(page), "entity": "schools"},
        files={"file": (name, io.BytesIO(content.encode("utf-8")), "text/csv")},
    )
    assert answer.status_code == 200, answer.text[:500]
    commit = (
        answer.text.split('action="/imports/')[1].split('"')[0] if "/commit" in answer.text else ""
    )
    return answer.text, commit


def test_import_wizard_dry_run_then_commit(app: FastAPI, district: District, engine) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    report, commit = _upload(
        hr,
        "学校.csv",
        SCHOOL_HEADER + "C001,新城小学,上城,城区,小学\nA001,东埔小学,新街,城区,小学\n",
    )
    assert "预检查通过" in report
    assert "东埔" in report and "新街" in report  # the field-by-field change of A001's town
    with Session(engine) as session:
        assert session.exec(select(School).where(School.code == "C001")).first() is None
    done = hr.post(f"/imports/{commit}", data={"csrf_token": csrf_of(report), "entity": "schools"})
    assert "已导入" in done.text
    with Session(engine) as session:
        assert session.exec(select(School).where(School.code == "C001")).one().name == "新城小学"
    other = signed_in(app, "admin")
    assert (
        other.post(
            f"/imports/{commit}", data={"csrf_token": token_for(other), "entity": "schools"}
        ).status_code
        == 404
    )  # an upload belongs to the session that made it


def test_import_problems_name_row_and_column_and_come_as_a_workbook(
    app: FastAPI, district: District, tmp_path: Path
) -> None:
    hr = signed_in(app, "hr")
    report, _ = _upload(hr, "bad.csv", SCHOOL_HEADER + "C002,新城二小,上城,火星,小学\n")
    assert "未导入任何数据" in report
    assert "火星" in report and ">2<" in report and "D" in report  # row 2, column D (城乡类别)
    link = report.split('href="/imports/')[1].split('"')[0]
    workbook = hr.get(f"/imports/{link}")
    assert workbook.status_code == 200
    path = tmp_path / "errors.xlsx"
    path.write_bytes(workbook.content)
    cells = [c.value for row in load_workbook(path).worksheets[0].iter_rows() for c in row]
    assert "火星" in cells


def test_an_upload_of_another_type_is_refused_clearly(app: FastAPI, district: District) -> None:
    hr = signed_in(app, "hr")
    answer = hr.post(
        "/imports",
        data={"csrf_token": token_for(hr), "entity": "auto"},
        files={"file": ("notes.txt", io.BytesIO(b"hello"), "text/plain")},
    )
    assert answer.status_code == 422
    assert "notes.txt" in answer.text


def test_the_audit_log_filters(app: FastAPI, district: District) -> None:
    admin = signed_in(app, "admin")
    everything = admin.get("/audit").text
    assert "T001" in everything and "A001" in everything
    schools_only = admin.get("/audit", params={"entity": "school"}).text
    assert "A001" in schools_only and ">T001<" not in schools_only
    assert admin.get("/audit", params={"since": "yesterday"}).status_code == 422


def test_a_plan_page_shows_the_plan_and_refuses_changes_to_readers(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        for school in session.exec(select(School)):
            school.classes_by_grade, school.pupils, school.post_ceiling = [2] * 6, 500, 30
            session.add(school)
        session.flush()
        record, _, plan = propose_plan(
            session, year=2026, actor="hr", settings=SolveSettings(time_limit_s=5)
        )
        session.commit()
    auditor = signed_in(app, "auditor")
    page = auditor.get(f"/plans/{record.id}")
    assert page.status_code == 200 and "方案" in page.text
    assert 'action="/plans/' not in page.text  # no controls for a reader
    refused = auditor.post(
        f"/plans/{record.id}/approve", data={"csrf_token": csrf_of(page.text), "version": "1"}
    )
    assert refused.status_code == 403
    assert signed_in(app, "clerk_a").get(f"/plans/{record.id}").status_code == 403
    letters = auditor.get(f"/plans/{record.id}/letters.pdf")
    assert letters.status_code == 200 and letters.content.startswith(b"%PDF")
    assert auditor.get(f"/plans/{record.id}/workbook.xlsx").content.startswith(b"PK")
    hr = signed_in(app, "hr")
    hr.post(f"/plans/{record.id}/apply", data={"csrf_token": token_for(hr)})
    after = hr.get(f"/plans/{record.id}").text
    assert "请先勾选确认" in after
    with Session(engine) as session:
        assert not session.exec(select(AuditLog).where(AuditLog.action == "apply")).first()
