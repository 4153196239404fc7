"""Every route × every role (and no credentials at all): the status each gets.

School-bound data is asked for as school A's; ``clerk_b`` (a clerk of school B) must get
404 or 403 for it — never the data. Each (route, role) pair runs on a fresh database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from api_helpers import id_number
from conftest import PASSWORD, District
from fastapi import UploadFile
from plan_fixtures import build_plan_district, keep_plan
from sqlmodel import Session

from api.uploads import save_upload
from workforce.accounts.models import Correction
from workforce.config import get_settings
from workforce.io.error_report import write_error_report
from workforce.io.importer import import_file
from workforce.models import Designation, School, SolveJob, TrainingRecord


@pytest.fixture(autouse=True)
def upload_dir(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("WORKFORCE_UPLOAD_DIR", str(tmp_path / "uploads"))


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


SCHOOLS_CSV = "学校代码,学校名称,所在街道/镇,城乡类别,学段\n{code},新城小学,上城,{zone},小学\n"


def _upload(d: District, s: Session, code: str, zone: str) -> str:
    """An upload of a one-school CSV made by ``hr`` (and dry-run), its upload id."""
    content = io.BytesIO(SCHOOLS_CSV.format(code=code, zone=zone).encode())
    file = UploadFile(content, filename="学校.csv")
    root = get_settings().upload_dir
    upload = asyncio.run(
        save_upload(root, file, owner=d.users["hr"].id, entity="schools", language="zh")
    )
    report = import_file(s.get_bind(), upload.path, actor="hr", dry_run=True)  # type: ignore[arg-type]
    if report.problems:
        write_error_report(report, upload.error_report)
    return upload.token


def with_upload(d: District, s: Session) -> dict[str, Any]:
    return {**teacher_a(d, s), "upload_id": _upload(d, s, "C009", "城区")}


def with_bad_upload(d: District, s: Session) -> dict[str, Any]:
    return {**teacher_a(d, s), "upload_id": _upload(d, s, "C009", "火星")}


def files_of(d: District, s: Session) -> dict[str, Any]:
    return {**teacher_a(d, s), "entity": "teachers", "file_format": "xlsx", "name": "training"}


def with_plan(d: District, s: Session, status: str = "draft") -> dict[str, Any]:
    engine = s.get_bind()
    build_plan_district(d, engine)  # type: ignore[arg-type]
    job = SolveJob(year=2026, created_by="hr")
    s.add(job)
    s.commit()
    plan_id = keep_plan(engine, status=status)  # type: ignore[arg-type]
    return {**files_of(d, s), "plan_id": plan_id, "job_id": job.id}


def with_approved_plan(d: District, s: Session) -> dict[str, Any]:
    return with_plan(d, s, status="approved")


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: dict[str, int]
    setup: Setup = teacher_a
    body: Any = None
    files: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def everyone(status: int, **others: int) -> dict[str, int]:
    return {**{r: status for r in ("admin", "hr", "clerk_a", "clerk_b", "auditor")}, **others}


READ_OWN = everyone(200, clerk_b=404)
DISTRICT_WRITE = everyone(403, admin=200, hr=200)
CREATED = everyone(403, admin=201, hr=201)
NO_CONTENT = everyone(403, admin=204, hr=204)
ADMIN_ONLY = everyone(403, admin=200)
OWN_UPLOAD = everyone(403, hr=200, admin=404)
"""An upload belongs to who made it (hr here): another importer gets 404 like a missing one."""
STARTED = everyone(403, admin=202, hr=202)

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
    "search teachers": Case("POST", "/api/teachers/search", everyone(200), body={"q": "张"}),
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
    "audit chain": Case("GET", "/api/audit/chain", everyone(403, admin=200, auditor=200)),
    "import upload": Case(
        "POST",
        "/api/imports",
        everyone(403, admin=201, hr=201),
        files={"file": ("学校.csv", SCHOOLS_CSV.format(code="C008", zone="城区").encode())},
    ),
    "import commit": Case("POST", "/api/imports/{upload_id}/commit", OWN_UPLOAD, with_upload),
    "import errors": Case(
        "GET", "/api/imports/{upload_id}/errors.xlsx", OWN_UPLOAD, with_bad_upload
    ),
    "import cancel": Case(
        "DELETE", "/api/imports/{upload_id}", everyone(403, hr=204, admin=404), with_upload
    ),
    "template": Case("GET", "/api/templates/{entity}.xlsx", everyone(200), files_of),
    "export": Case("GET", "/api/exports/{entity}.{file_format}?school=A001", READ_OWN, files_of),
    "report": Case("GET", "/api/reports/{name}?school=A001", READ_OWN, files_of),
    "report workbook": Case("GET", "/api/reports/{name}.xlsx?school=A001", READ_OWN, files_of),
    "report chart": Case("GET", "/api/reports/{name}.png?school=A001", READ_OWN, files_of),
    "start solve": Case("POST", "/api/plans/jobs", STARTED, body={"year": 2026, "time_limit_s": 1}),
    # a clerk sees only the solve jobs they started (#9.9): another's is not found
    "read job": Case("GET", "/api/plans/jobs/{job_id}", everyone(200, clerk_a=404, clerk_b=404),
                     with_plan),  # fmt: skip
    "stop job": Case("POST", "/api/plans/jobs/{job_id}/stop", DISTRICT_WRITE, with_plan),
    "list plans": Case("GET", "/api/plans", everyone(200)),
    "read plan": Case("GET", "/api/plans/{plan_id}", everyone(200), with_plan),
    "compare plans": Case(
        "GET", "/api/plans/compare?a={plan_id}&b={plan_id}", everyone(200), with_plan
    ),
    "plan workbook": Case("GET", "/api/plans/{plan_id}.xlsx", everyone(200), with_plan),
    "signed plan file": Case("GET", "/api/plans/{plan_id}.json",
                             everyone(403, admin=200, hr=200), with_plan),
    "notice letters": Case(
        "GET", "/api/plans/{plan_id}/notices.{file_format}", everyone(200), with_plan
    ),
    "re-solve": Case(
        "POST",
        "/api/plans/{plan_id}/resolve",
        STARTED,
        with_plan,
        body={"unpin": ["UPE0"], "time_limit_s": 1},
    ),
    "approve plan": Case(
        "POST",
        "/api/plans/{plan_id}/approve",
        DISTRICT_WRITE,
        with_plan,
        headers={"If-Match": "1"},
        body={"comment": "同意"},
    ),
    "apply plan": Case("POST", "/api/plans/{plan_id}/apply", DISTRICT_WRITE, with_approved_plan),
    "whatif candidates": Case("GET", "/api/whatif/candidates?year=2026&school=R1&subject=pe&k=1",
                              DISTRICT_WRITE, with_plan),
    "whatif destinations": Case("GET", "/api/whatif/destinations?year=2026&staff_no=UPE1&k=1",
                                DISTRICT_WRITE, with_plan),
    "whatif policy": Case("GET", "/api/whatif/policy?year=2026&rule=quotas.school_share%3D0.15"
                          "&time_limit_s=20", DISTRICT_WRITE, with_plan),
    "whatif marginal": Case("GET", "/api/whatif/marginal?year=2026&top=3", DISTRICT_WRITE,
                            with_plan),
    "roadmap": Case("GET", "/api/roadmap?from=2026&years=2&time_limit_s=20", DISTRICT_WRITE,
                    with_plan),
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
    headers = {**district.headers.get(role, {}), **case.headers}
    response = client.request(
        case.method,
        _fill(case.path, ids),
        json=_fill(case.body, ids),
        files=case.files,
        headers=headers,
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
    covered = {
        (c.method, c.path.split("?")[0].replace("{empty_school}", "{school}"))
        for c in CASES.values()
    }
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


def test_a_refusal_names_the_role_in_words_not_its_code(client, district):  # type: ignore[no-untyped-def]
    refused = client.post("/api/schools", headers=district.headers["clerk_a"], json={
        "code": "C001", "name": "新校", "town": "源西", "zone": "urban", "level": "primary"})  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["detail"]["zh"] == "您的角色（学校人事专干）无权执行此操作"
    assert "School clerk" in refused.json()["detail"]["en"]
    unmask = client.get(f"/api/teachers/{district.teachers_a[0].id}?unmask=true",
                        headers=district.headers["auditor"])  # fmt: skip
    assert unmask.status_code == 403 and "（审计" in unmask.json()["detail"]["zh"]
