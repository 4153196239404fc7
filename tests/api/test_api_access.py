"""Every route × every role (and no credentials at all): the status each gets.

School-bound data is asked for as school A's; ``clerk_b`` (a clerk of school B) must get
404 or 403 for it — never the data. Each (route, role) pair runs on a fresh database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from api_helpers import id_number
from conftest import PASSWORD, District
from sqlmodel import Session

from workforce.accounts.models import Correction
from workforce.models import Designation, School, TrainingRecord

Setup = Callable[[District, Session], dict[str, Any]]


def teacher_a(d: District, _s: Session) -> dict[str, Any]:
    return {"teacher": d.teachers_a[0].id, "school": d.school_a.id, "user": d.users["hr"].id}


def with_records(d: District, s: Session) -> dict[str, Any]:
    t = d.teachers_a[0].id
    designation = Designation(
        teacher_id=t,
        kind="key_teacher",
        tier="district",
        term_start=dt.date(2024, 9, 1),
        term_end=dt.date(2027, 8, 31),
    )
    training = TrainingRecord(teacher_id=t, date=dt.date(2024, 3, 1), hours=12, category="online")
    correction = Correction(
        teacher_id=t,
        field="title",
        current_value=None,
        proposed_value="first",
        reason="职称已评",
        proposed_by="clerk_a",
    )
    empty = School(code="C001", name="空校", town="源南", zone="rural", level="primary")
    s.add_all([designation, training, correction, empty])
    s.commit()
    return {
        **teacher_a(d, s),
        "designation": designation.id,
        "training": training.id,
        "correction": correction.id,
        "empty_school": empty.id,
    }


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: dict[str, int]
    setup: Setup = teacher_a
    body: Any = None


def everyone(status: int, **others: int) -> dict[str, int]:
    return {**{r: status for r in ("admin", "hr", "clerk_a", "clerk_b", "auditor")}, **others}


READ_OWN = everyone(200, clerk_b=404)
DISTRICT_WRITE = everyone(403, admin=200, hr=200)
CREATED = everyone(403, admin=201, hr=201)
NO_CONTENT = everyone(403, admin=204, hr=204)
ADMIN_ONLY = everyone(403, admin=200)

NEW_TEACHER = {
    "staff_no": "T950",
    "name": "新教师",
    "gender": "female",
    "birth_date": "1996-04-02",
    "id_number": id_number(dt.date(1996, 4, 2), 950),
    "post_type": "established",
    "school_id": "{school}",
    "joined_school_on": "2021-09-01",
    "main_subject": "art",
}
NEW_SCHOOL = {"code": "N001", "name": "新校", "town": "源西", "zone": "urban", "level": "junior"}
NEW_USER = {"username": "hr2", "display_name": "人事二", "role": "hr", "password": PASSWORD}
DESIGNATION = {
    "kind": "骨干教师",
    "tier": "区级",
    "term_start": "2025-09-01",
    "term_end": "2028-08-31",
}
TRAINING = {"date": "2025-05-20", "hours": "8", "category": "集中培训"}

CASES = {
    "me": Case("GET", "/api/auth/me", everyone(200)),
    "revoke token": Case("DELETE", "/api/auth/token", everyone(204)),
    "change password": Case(
        "POST",
        "/api/users/me/password",
        everyone(204),
        body={"current_password": PASSWORD, "new_password": "another long password"},
    ),
    "list users": Case("GET", "/api/users", ADMIN_ONLY),
    "create user": Case("POST", "/api/users", everyone(403, admin=201), body=NEW_USER),
    "read user": Case("GET", "/api/users/{user}", ADMIN_ONLY),
    "update user": Case("PATCH", "/api/users/{user}", ADMIN_ONLY, body={"display_name": "改名"}),
    "list schools": Case("GET", "/api/schools", everyone(200)),
    "read school": Case("GET", "/api/schools/{school}", READ_OWN),
    "create school": Case("POST", "/api/schools", CREATED, body=NEW_SCHOOL),
    "update school": Case(
        "PATCH", "/api/schools/{school}", DISTRICT_WRITE, body={"pupils": 640, "version": 1}
    ),
    "deactivate school": Case(
        "POST",
        "/api/schools/{empty_school}/deactivate",
        DISTRICT_WRITE,
        with_records,
        body={"version": 1},
    ),
    "list teachers": Case("GET", "/api/teachers", everyone(200)),
    "read teacher": Case("GET", "/api/teachers/{teacher}", READ_OWN),
    "create teacher": Case("POST", "/api/teachers", CREATED, body=NEW_TEACHER),
    "update teacher": Case(
        "PATCH", "/api/teachers/{teacher}", DISTRICT_WRITE, body={"title": "二级", "version": 1}
    ),
    "deactivate teacher": Case(
        "POST", "/api/teachers/{teacher}/deactivate", DISTRICT_WRITE, body={"version": 1}
    ),
    "list designations": Case("GET", "/api/teachers/{teacher}/designations", READ_OWN),
    "add designation": Case(
        "POST", "/api/teachers/{teacher}/designations", CREATED, body=DESIGNATION
    ),
    "withdraw designation": Case(
        "DELETE", "/api/designations/{designation}", NO_CONTENT, with_records
    ),
    "list training": Case("GET", "/api/teachers/{teacher}/training", READ_OWN),
    "add training": Case("POST", "/api/teachers/{teacher}/training", CREATED, body=TRAINING),
    "withdraw training": Case("DELETE", "/api/training/{training}", NO_CONTENT, with_records),
    "list corrections": Case("GET", "/api/corrections", everyone(200), with_records),
    "read correction": Case("GET", "/api/corrections/{correction}", READ_OWN, with_records),
    "propose correction": Case(
        "POST",
        "/api/corrections",
        everyone(403, admin=201, clerk_a=201, clerk_b=404),
        body={
            "teacher_id": "{teacher}",
            "field": "education",
            "proposed_value": "本科",
            "reason": "学历证书已补交",
        },
    ),
    "accept correction": Case(
        "POST", "/api/corrections/{correction}/accept", DISTRICT_WRITE, with_records, body={}
    ),
    "reject correction": Case(
        "POST",
        "/api/corrections/{correction}/reject",
        DISTRICT_WRITE,
        with_records,
        body={"note": "证据不足"},
    ),
    "audit log": Case("GET", "/api/audit", everyone(403, admin=200, auditor=200)),
}


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


ROLES = ("admin", "hr", "clerk_a", "clerk_b", "auditor", "nobody")
READS = [name for name, case in CASES.items() if case.method == "GET"]
WRITES = [
    (name, role)
    for name, case in CASES.items()
    if case.method != "GET"
    for role in ROLES
    if case.expected.get(role, 401) < 400
]


def _check(client, district, case: Case, ids: dict[str, Any], role: str) -> None:
    headers = district.headers.get(role, {})
    response = client.request(
        case.method, _fill(case.path, ids), json=_fill(case.body, ids), headers=headers
    )
    expected = case.expected.get(role, 401)
    assert response.status_code == expected, (role, response.text)
    if expected >= 400:
        assert set(response.json()) >= {"detail", "code"}
        assert "张三" not in response.text


def _prepare(district, engine, case: Case) -> dict[str, Any]:
    with Session(engine, expire_on_commit=False) as session:
        return case.setup(district, session)


@pytest.mark.parametrize("name", READS)
def test_read_route_answers_each_role_as_its_rights_say(client, district, engine, name):
    case = CASES[name]
    ids = _prepare(district, engine, case)
    for role in ROLES:
        _check(client, district, case, ids, role)


@pytest.mark.parametrize(("name", "winner"), WRITES)
def test_write_route_refuses_all_but_the_rightful_roles(client, district, engine, name, winner):
    """The refused roles are tried first (they change nothing), then one rightful role."""
    case = CASES[name]
    ids = _prepare(district, engine, case)
    for role in ROLES:
        if case.expected.get(role, 401) >= 400:
            _check(client, district, case, ids, role)
    _check(client, district, case, ids, winner)


def test_every_route_is_in_the_matrix(client):
    spec = client.get("/api/openapi.json").json()
    routes = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    public = {
        ("POST", "/api/auth/token"),
        ("POST", "/api/auth/session"),
        ("DELETE", "/api/auth/session"),
    }
    covered = {(c.method, c.path.replace("{empty_school}", "{school}")) for c in CASES.values()}
    placeholders = {
        "{teacher}": "{teacher_id}",
        "{school}": "{school_id}",
        "{user}": "{user_id}",
        "{designation}": "{designation_id}",
        "{training}": "{record_id}",
        "{correction}": "{correction_id}",
    }
    normalised = set()
    for method, path in covered:
        for short, long in placeholders.items():
            path = path.replace(short, long)
        normalised.add((method, path))
    assert routes - public - normalised == set()
