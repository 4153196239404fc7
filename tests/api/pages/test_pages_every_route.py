"""Every page route × every role (and no session): the status each gets, walked from the app's
own routes so that a page added without a line here fails the test.

Reads are answered 200 to the roles that may see them and refused (403 page) to the others; a
record of school A is "not found" for the clerk of school B. Every form post is sent by each
role that may not make it — with the session's CSRF token, so only the role stands in the
way — and must be refused without a registry change or an audit entry; the posts of the
rightful roles are the other page tests' subject. Without a session a page (or a post) leads
to the sign-in form.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import signed_in, token_for
from plan_fixtures import build_plan_district, keep_plan
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce.accounts.models import Correction, User
from workforce.models import AuditLog, RotationPlan, School, SolveJob, Teacher

ROLES = ("admin", "hr", "clerk_a", "clerk_b", "auditor", "nobody")
EVERYONE = ("admin", "hr", "clerk_a", "clerk_b", "auditor")
DISTRICT = ("admin", "hr", "auditor")
MANAGERS = ("admin", "hr")


def shown_to(*roles: str, clerk_b: int = 403) -> dict[str, int]:
    """200 for ``roles``, 403 for the other signed-in roles (``clerk_b``: the clerk of the
    other school, 404 where the record is school A's)."""
    expected = {role: (200 if role in roles else 403) for role in EVERYONE}
    if "clerk_b" not in roles:
        expected["clerk_b"] = clerk_b
    return expected


def refused_to(*roles: str, **others: int) -> dict[str, int]:
    """The roles a form post must refuse, with their status (403; ``others`` override)."""
    return {**{role: 403 for role in roles}, **others}


NOT_MANAGERS = ("clerk_a", "clerk_b", "auditor")

READS: dict[str, dict[str, int]] = {
    "/": shown_to(*EVERYONE),
    "/account/password": shown_to(*EVERYONE),
    "/teachers": shown_to(*EVERYONE),
    "/teachers/{teacher}": shown_to("admin", "hr", "clerk_a", "auditor", clerk_b=404),
    "/teachers.xlsx": shown_to(*EVERYONE),
    "/corrections": shown_to(*EVERYONE),
    "/users": shown_to("admin"),
    "/imports": shown_to(*MANAGERS),
    "/imports/{upload}/errors.xlsx": {**shown_to(), "admin": 404, "hr": 404},
    "/imports/templates/{entity}.xlsx": shown_to(*MANAGERS),
    "/plans/{plan}/letters.pdf": shown_to(*DISTRICT),
    "/plans/policy": shown_to(*MANAGERS),
    "/plans": shown_to(*DISTRICT),
    "/plans/jobs/{job}": shown_to(*DISTRICT),
    "/plans/jobs/{job}/status": shown_to(*DISTRICT),
    "/plans/compare?a={plan}&b={other_plan}": shown_to(*DISTRICT),
    "/plans/{plan}/teachers?q=U": shown_to(*DISTRICT),
    "/plans/{plan}": shown_to(*DISTRICT),
    "/plans/{plan}/workbook.xlsx": shown_to(*DISTRICT),
    "/plans/{plan}/plan.json": shown_to(*MANAGERS),
    "/roadmap": shown_to(*MANAGERS),
    "/reports": shown_to(*EVERYONE),
    "/reports/{report}.xlsx?school={school}": shown_to(
        "admin", "hr", "clerk_a", "auditor", clerk_b=404
    ),  # fmt: skip
    "/reports/{report}?school={school}": shown_to("admin", "hr", "clerk_a", "auditor", clerk_b=404),
    "/audit": shown_to("admin", "auditor"),
    "/audit/chain": shown_to("admin", "auditor"),
}
"""Each GET page (its address with the test's records) and the status per signed-in role."""

SEARCHES: dict[str, tuple[dict[str, str], dict[str, int]]] = {
    "/teachers": ({"q": "张"}, shown_to(*EVERYONE)),
}
"""The form posts that change nothing (the teacher search, by POST to keep ID numbers out of
addresses): walked for every role like the pages."""

WRITES: dict[str, tuple[dict[str, str], dict[str, int]]] = {
    "/teachers/{teacher}/edit": ({"title": "一级"}, refused_to(*NOT_MANAGERS)),
    "/teachers/{teacher}/leave": (
        {"status": "left", "left_on": "2026-07-01", "version": "1"}, refused_to(*NOT_MANAGERS)
    ),
    "/teachers/{teacher}/corrections": (
        {"field": "title", "proposed_value": "一级", "reason": "已评"},
        refused_to("hr", "auditor", clerk_b=404),
    ),
    "/corrections/{correction}/accept": ({"note": "同意"}, refused_to(*NOT_MANAGERS)),
    "/corrections/{correction}/reject": ({"note": "不同意"}, refused_to(*NOT_MANAGERS)),
    "/users": (
        {"username": "x9", "display_name": "某", "role": "admin", "password": "a long pass 9x"},
        refused_to("hr", *NOT_MANAGERS),
    ),
    "/users/{user}": ({"action": "deactivate"}, refused_to("hr", *NOT_MANAGERS)),
    "/imports": ({"entity": "auto"}, refused_to(*NOT_MANAGERS)),
    "/imports/{upload}/commit": ({"entity": "auto"}, refused_to(*NOT_MANAGERS)),
    "/imports/{upload}/cancel": ({}, refused_to(*NOT_MANAGERS)),
    "/plans/solve": ({"year": "2026", "time_limit": "5"}, refused_to(*NOT_MANAGERS)),
    "/plans/jobs/{job}/stop": ({}, refused_to(*NOT_MANAGERS)),
    "/plans/{plan}/pins": ({"staff_no": "UPE0", "kind": "stay"}, refused_to(*NOT_MANAGERS)),
    "/plans/{plan}/pins/remove": ({"staff_no": "UPE0"}, refused_to(*NOT_MANAGERS)),
    "/plans/{plan}/resolve": ({"time_limit": "5"}, refused_to(*NOT_MANAGERS)),
    "/plans/{plan}/approve": (
        {"version": "1", "confirm": "yes", "comment": "同意"},
        refused_to(*NOT_MANAGERS),
    ),
    "/plans/{plan}/apply": ({"confirm": "yes"}, refused_to(*NOT_MANAGERS)),
}
"""Each form post (its address, a form that would be accepted from the rightful roles) and
the roles that must be refused."""

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/healthz")}
"""Signing in and out and the health check: every role, tested in test_pages_forms.py."""
OWN_ACCOUNT = {("POST", "/account/password")}
"""Changing one's own password: every signed-in role, on their own account only (it names
no other); tested in test_password_page.py."""
WRITE_PATHS = {
    "/corrections/{correction}/accept": "/corrections/{correction_id}/{decision}",
    "/corrections/{correction}/reject": "/corrections/{correction_id}/{decision}",
}


def page_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route outside ``/api`` and ``/static`` (HEAD left out)."""
    try:  # FastAPI ≥ 0.160 includes routers lazily: their routes are reached through this
        from fastapi.routing import iter_route_contexts

        routes: Any = list(iter_route_contexts(app.routes))
    except ImportError:
        routes = app.routes
    found = set()
    for route in routes:
        path = route.path
        if path.startswith(("/api/", "/static")) or path == "/api":
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, path))
    return found


PLACEHOLDERS = {
    "{teacher}": "{teacher_id}",
    "{user}": "{user_id}",
    "{upload}": "{token}",
    "{plan}": "{plan_id}",
    "{job}": "{job_id}",
    "{correction}": "{correction_id}",
    "{report}": "{name}",
}


def _route_of(method: str, address: str) -> tuple[str, str]:
    path = WRITE_PATHS.get(address, address).split("?")[0]
    for short, long in PLACEHOLDERS.items():
        path = path.replace(short, long)
    return method, path


def test_every_page_route_is_in_the_table(app: FastAPI) -> None:
    routes = page_routes(app)
    covered = {_route_of("GET", a) for a in READS}
    covered |= {_route_of("POST", a) for a in (*SEARCHES, *WRITES)}
    assert routes - PUBLIC - OWN_ACCOUNT == covered
    assert len(covered) == 43  # 26 pages, the search, 16 form posts (accept/reject: one route)


def _records(district: District, engine: Engine) -> dict[str, Any]:
    build_plan_district(district, engine)
    plan, other_plan = keep_plan(engine), keep_plan(engine)
    with Session(engine, expire_on_commit=False) as session:
        job = SolveJob(year=2026, created_by="hr")
        correction = Correction(
            teacher_id=district.teachers_a[0].id,
            field="title",
            current_value=None,
            proposed_value="first",
            reason="职称已评",
            proposed_by="clerk_a",
        )
        session.add_all([job, correction])
        session.commit()
        return {
            "teacher": district.teachers_a[0].id,
            "user": district.users["clerk_b"].id,
            "upload": "0123456789abcdef0123456789abcdef",
            "plan": plan,
            "other_plan": other_plan,
            "job": job.id,
            "correction": correction.id,
            "entity": "teachers",
            "report": "training",
            "school": "A001",
        }


def _state(engine: Engine) -> tuple[int, ...]:
    """What a refused post must leave as it was: audit entries, accounts (and which are
    active), teachers' versions, corrections by status, plans by status, solve jobs."""
    with Session(engine) as session:
        return tuple(
            session.execute(query).scalar_one()
            for query in (
                select(func.count()).select_from(AuditLog),
                select(func.count()).select_from(User).where(User.active),  # type: ignore[arg-type]
                select(func.count()).select_from(User),
                select(func.coalesce(func.sum(Teacher.version), 0)),
                select(func.count()).select_from(Correction).where(Correction.status == "pending"),
                select(func.count()).select_from(Correction),
                select(func.count())
                .select_from(RotationPlan)
                .where(RotationPlan.status == "draft"),
                select(func.count()).select_from(SolveJob),
            )
        )


def _client(app: FastAPI, role: str) -> TestClient:
    if role == "nobody":
        return TestClient(app, follow_redirects=False)
    return signed_in(app, role)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_each_page_and_is_refused_each_post_it_may_not_make(
    app: FastAPI, district: District, engine: Engine, role: str
) -> None:
    ids = _records(district, engine)
    client = _client(app, role)
    token = "" if role == "nobody" else token_for(client, "/reports")
    checked = []
    for address, expected in READS.items():
        answer = client.get(address.format(**ids))
        want = expected.get(role, 303)
        assert answer.status_code == want, (role, address, answer.text[:300])
        if want == 303:
            assert answer.headers["location"].startswith("/login?next=")
        if want == 403:
            assert "无权" in answer.text, (role, address)  # the role's refusal, not another
        if want in (403, 404):
            assert "张三" not in answer.text
        checked.append(address)
    for address, (form, expected) in SEARCHES.items():
        answer = client.post(address.format(**ids), data={**form, "csrf_token": token})
        want = expected.get(role, 303)
        assert answer.status_code == want, (role, address, answer.text[:300])
        if want == 200:
            assert ("张三" in answer.text) is (role != "clerk_b")
        checked.append(address)
    before = _state(engine)
    for address, (form, refused) in WRITES.items():
        if role not in refused and role != "nobody":
            continue
        answer = client.post(address.format(**ids), data={**form, "csrf_token": token})
        want = refused.get(role, 303)
        assert answer.status_code == want, (role, address, answer.text[:300])
        if want == 403:
            assert "无权" in answer.text, (role, address)  # not the CSRF check's refusal
        if want == 303:
            assert answer.headers["location"].startswith("/login?next=")
        checked.append(address)
    assert _state(engine) == before, role
    refused_posts = {"admin": 0, "hr": 3, "clerk_a": 16, "clerk_b": 17, "auditor": 17}
    assert len(checked) == len(READS) + len(SEARCHES) + refused_posts.get(role, len(WRITES))


# A county's HR officer and auditor (东源县, school A) before the other county's records
# (和平县, school B): its teacher, correction, plan and solve job are not found; the lists hold
# none of its teachers; every change to them is refused and changes nothing.
EAST, WEST = "东源县", "和平县"
COUNTY_READS: dict[str, tuple[int, int]] = {
    "/": (200, 200),
    "/account/password": (200, 200),
    "/teachers": (200, 200),
    "/teachers/{teacher}": (404, 404),
    "/teachers.xlsx": (200, 200),
    "/corrections": (200, 200),
    "/users": (403, 403),
    "/imports": (200, 403),
    "/imports/{upload}/errors.xlsx": (404, 403),
    "/imports/templates/{entity}.xlsx": (200, 403),
    "/plans/{plan}/letters.pdf": (404, 404),
    "/plans/policy": (200, 403),
    "/plans": (200, 200),
    "/plans/jobs/{job}": (404, 404),
    "/plans/jobs/{job}/status": (404, 404),
    "/plans/compare?a={plan}&b={other_plan}": (404, 404),
    "/plans/{plan}/teachers?q=U": (404, 404),
    "/plans/{plan}": (404, 404),
    "/plans/{plan}/workbook.xlsx": (404, 404),
    "/plans/{plan}/plan.json": (404, 403),  # an auditor may not unmask at all
    "/roadmap": (200, 403),
    "/reports": (200, 200),
    "/reports/{report}.xlsx?school={school}": (404, 404),
    "/reports/{report}?school={school}": (404, 404),
    "/audit": (403, 200),
    "/audit/chain": (403, 200),
}
"""Each page with the other county's records: (county HR's status, county auditor's)."""
REFUSED_DECISION = 303
"""A decision the reviewer may not make comes back to the inbox with the refusal shown."""
COUNTY_WRITES: dict[str, tuple[dict[str, str], int, int]] = {
    "/teachers/{teacher}/edit": ({"title": "一级"}, 404, 403),
    "/teachers/{teacher}/leave": ({"status": "left", "version": "1"}, 404, 403),
    "/teachers/{teacher}/corrections": (
        {"field": "title", "proposed_value": "一级", "reason": "已评"},
        403,
        403,
    ),
    "/corrections/{correction}/accept": ({"note": "同意"}, REFUSED_DECISION, 403),
    "/corrections/{correction}/reject": ({"note": "不同意"}, REFUSED_DECISION, 403),
    "/users": (WRITES["/users"][0], 403, 403),
    "/users/{user}": ({"action": "deactivate"}, 403, 403),
    "/imports": ({"entity": "auto"}, 422, 403),
    "/imports/{upload}/commit": ({"entity": "auto"}, 404, 403),
    "/imports/{upload}/cancel": ({}, 404, 403),
    "/plans/solve": ({"year": "2026", "time_limit": "5", "county": WEST}, 403, 403),
    "/plans/jobs/{job}/stop": ({}, 404, 403),
    "/plans/{plan}/pins": ({"staff_no": "UPE0", "kind": "stay"}, 404, 403),
    "/plans/{plan}/pins/remove": ({"staff_no": "UPE0"}, 404, 403),
    "/plans/{plan}/resolve": ({"time_limit": "5"}, 404, 403),
    "/plans/{plan}/approve": ({"version": "1", "confirm": "yes", "comment": "同意"}, 404, 403),
    "/plans/{plan}/apply": ({"confirm": "yes"}, 404, 403),
}
"""Each form post on the other county's records: its form, county HR's status, auditor's."""


def test_the_county_tables_cover_every_page_route(app: FastAPI) -> None:
    assert set(COUNTY_READS) == set(READS)
    assert set(COUNTY_WRITES) | set(SEARCHES) == set(WRITES) | {"/teachers"}


def _other_county(district: District, engine: Engine) -> dict[str, Any]:
    """The fixture's schools split into two counties, a county HR officer and auditor of 东源县,
    and 和平县's teacher, correction, plans and solve job."""
    ids = _records(district, engine)
    with Session(engine, expire_on_commit=False) as session:
        for school, county in ((district.school_a, EAST), (district.school_b, WEST)):
            row = session.get(School, school.id)
            assert row is not None
            row.county = county
            session.add(row)
        for username, role in (("hr_east", "hr"), ("auditor_east", "auditor")):
            session.add(User(username=username, display_name=username, role=role, county=EAST,
                             password_hash=district.users["hr"].password_hash))  # fmt: skip
        for plan_id in (ids["plan"], ids["other_plan"]):
            plan = session.get(RotationPlan, plan_id)
            assert plan is not None
            plan.county = WEST
            session.add(plan)
        job = session.get(SolveJob, ids["job"])
        assert job is not None
        job.county = WEST
        correction = Correction(
            teacher_id=district.teachers_b[0].id,
            field="title",
            current_value=None,
            proposed_value="first",
            reason="职称已评",
            proposed_by="clerk_b",
        )
        session.add_all([job, correction])
        session.commit()
        return {
            **ids,
            "teacher": district.teachers_b[0].id,
            "correction": correction.id,
            "school": "B001",
        }


@pytest.mark.parametrize(("role", "column"), [("hr_east", 1), ("auditor_east", 2)])
def test_a_countys_user_gets_nothing_of_the_other_county_on_any_page(
    app: FastAPI, district: District, engine: Engine, role: str, column: int
) -> None:
    ids = _other_county(district, engine)
    other_teacher = district.teachers_b[0].name  # 王五, of 和平县
    client = signed_in(app, role)
    token = token_for(client, "/reports")
    checked = 0
    for address, statuses in COUNTY_READS.items():
        answer = client.get(address.format(**ids))
        want = statuses[column - 1]
        assert answer.status_code == want, (role, address, answer.text[:300])
        if answer.headers["content-type"].startswith("text/html"):
            assert other_teacher not in answer.text, (role, address)
        checked += 1
    answer = client.post("/teachers", data={"q": other_teacher[0], "csrf_token": token})
    assert answer.status_code == 200 and other_teacher not in answer.text
    checked += 1
    before = _state(engine)
    for address, (form, *statuses) in COUNTY_WRITES.items():
        answer = client.post(address.format(**ids), data={**form, "csrf_token": token})
        want = statuses[column - 1]
        assert answer.status_code == want, (role, address, answer.text[:300])
        if want == REFUSED_DECISION:
            assert answer.headers["location"] == "/corrections"
        checked += 1
    assert _state(engine) == before, role
    assert checked == len(COUNTY_READS) + 1 + len(COUNTY_WRITES) == 44
