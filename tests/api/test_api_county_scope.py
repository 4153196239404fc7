"""Users scoped to a county of a prefecture city (``User.county``): a two-county registry —
school A001 in 东源县, B001 in 和平县 — an HR officer and an auditor of 东源县, and the city-level
HR officer and auditor of the fixture. The county's users see and act on 东源县 only: lists hold
its rows alone (counted), the other county's teacher, school, plan and job answer 404, their
export rows and import rows are refused; the city's users see both counties."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import District
from plan_fixtures import build_plan_district, keep_plan
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from optimizer import Plan, SolveSettings
from optimizer.plan import Provenance, SolverStats
from workforce import audit
from workforce.accounts.models import Correction, User
from workforce.accounts.tokens import issue_token
from workforce.io.validate import NUMBER_ELSEWHERE, NUMBER_NAMED
from workforce.models import AuditLog, RotationPlan, School, SolveJob, Teacher

EAST, WEST = "东源县", "和平县"


@pytest.fixture
def upload_dir(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("WORKFORCE_UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def city(district: District, engine: Engine) -> District:
    """The fixture's district split into two counties, with 东源县's HR officer and auditor."""
    with Session(engine, expire_on_commit=False) as session:
        for school, county in ((district.school_a, EAST), (district.school_b, WEST)):
            row = session.get(School, school.id)
            assert row is not None
            row.county = county
            row.classes_by_grade, row.pupils, row.post_ceiling = [2] * 6, 500, 30  # staffing
            session.add(row)
        for key, role in (("hr_east", "hr"), ("auditor_east", "auditor")):
            user = User(username=key, display_name=key, role=role, county=EAST,
                        password_hash=district.users["hr"].password_hash)  # fmt: skip
            session.add(user)
            session.flush()
            token, _ = issue_token(session, user=user)
            district.users[key] = user
            district.headers[key] = {"Authorization": f"Bearer {token}"}
        session.commit()
    return district


def _plan(engine: Engine, county: str | None, status: str = "draft") -> int:
    with Session(engine) as session:
        record = RotationPlan(year=2026, status=status, solver_status="optimal",
                              instance_json="{}", plan_json="{}", county=county,
                              created_by="fixture")  # fmt: skip
        session.add(record)
        session.commit()
        assert record.id is not None
        return record.id


def test_lists_hold_the_county_only_and_the_city_sees_both(client, city):
    counts = {}
    for key in ("hr_east", "auditor_east", "hr", "auditor"):
        teachers = client.get("/api/teachers", headers=city.headers[key]).json()
        schools = client.get("/api/schools", headers=city.headers[key]).json()
        counts[key] = (teachers["count"], len(teachers["data"]), schools["count"])
        if key.endswith("_east"):
            assert {t["school_id"] for t in teachers["data"]} == {city.school_a.id}
            assert [s["code"] for s in schools["data"]] == ["A001"]
    assert counts == {"hr_east": (3, 3, 1), "auditor_east": (3, 3, 1),
                      "hr": (5, 5, 2), "auditor": (5, 5, 2)}  # fmt: skip
    # the search box finds no teacher of the other county, by name or by ID number
    for q in ("王五", city.id_numbers["T101"]):
        found = {
            key: client.post("/api/teachers/search", json={"q": q}, headers=city.headers[key])
            .json()["count"]
            for key in ("hr_east", "hr")
        }  # fmt: skip
        assert found == {"hr_east": 0, "hr": 1}


def test_the_city_filters_teachers_by_county_in_the_api_and_on_the_page(client, city):
    """``county`` narrows the teacher list (API list and search, the page and its Excel link);
    the page offers the filter to whoever sees more than one county, not to a county's user."""
    city_hr = city.headers["hr"]
    listed = client.get("/api/teachers", headers=city_hr, params={"county": WEST}).json()
    assert sorted(t["staff_no"] for t in listed["data"]) == ["T101", "T102"]
    assert listed["count"] == 2
    searched = client.post("/api/teachers/search", headers=city_hr,
                           json={"county": EAST, "limit": 50}).json()  # fmt: skip
    assert sorted(t["staff_no"] for t in searched["data"]) == ["T001", "T002", "T003"]
    page = client.get("/teachers", headers=city_hr, params={"county": WEST}).text
    rows = page.split('data-testid="teacher-list"')[1].split("</table>")[0]
    assert "王五" in rows and "张三" not in rows
    choices = page.split('data-testid="county-filter"')[1].split("</select>")[0]
    assert f'<option value="{WEST}" selected>' in choices and f'<option value="{EAST}">' in choices
    export = page.split('data-testid="teacher-export"')[0].rsplit('href="', 1)[1]
    assert "county=%E5%92%8C%E5%B9%B3%E5%8E%BF" in export  # the Excel link keeps the filter
    own = client.get("/teachers", headers=city.headers["hr_east"]).text
    assert 'data-testid="county-filter"' not in own


def test_the_other_countys_teacher_and_school_are_not_found(client, city):
    west_teacher, east_teacher = city.teachers_b[0], city.teachers_a[0]
    checked = 0
    for key in ("hr_east", "auditor_east"):
        headers = city.headers[key]
        assert client.get(f"/api/teachers/{west_teacher.id}", headers=headers).status_code == 404
        assert client.get(f"/api/schools/{city.school_b.id}", headers=headers).status_code == 404
        assert client.get(f"/api/teachers/{east_teacher.id}", headers=headers).status_code == 200
        checked += 1
    assert checked == 2
    hr = city.headers["hr_east"]
    patched = client.patch(f"/api/teachers/{west_teacher.id}", headers=hr,
                           json={"name": "改名", "version": west_teacher.version})  # fmt: skip
    assert patched.status_code == 404
    moved = client.patch(f"/api/teachers/{east_teacher.id}", headers=hr,
                         json={"school_id": city.school_b.id, "version": east_teacher.version})  # fmt: skip
    assert (moved.status_code, moved.json()["code"]) == (422, "school_unknown")  # as a missing one
    assert client.post("/api/schools", headers=hr, json={
        "code": "C001", "name": "新校", "town": "东埔", "zone": "rural", "level": "primary",
        "county": WEST,
    }).status_code == 403  # fmt: skip
    assert (
        client.get(f"/api/teachers/{west_teacher.id}", headers=city.headers["hr"]).json()["name"]
        == west_teacher.name
    )


def test_exports_hold_the_county_rows_only(client, city):
    rows = {}
    for key in ("hr_east", "hr"):
        text = client.get("/api/exports/teachers.csv", headers=city.headers[key]).text
        rows[key] = sorted(r[0] for r in list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:])
    assert rows == {"hr_east": ["T001", "T002", "T003"],
                    "hr": ["T001", "T002", "T003", "T101", "T102"]}  # fmt: skip
    other = client.get("/api/exports/teachers.csv", params={"school": "B001"},
                       headers=city.headers["hr_east"])  # fmt: skip
    assert other.status_code == 404


def test_the_city_exports_one_county_and_unmasks_only_its_teachers(client, city, engine):
    """``county=`` narrows an export: the city's HR gets 和平县's rows alone (file named after
    it), and unmasking writes an audit entry for 和平县's teachers only; a county's user gets
    their county whether they name it or not, and naming the other is 403; an unknown county
    is 422 naming the recorded ones."""

    def staff(response) -> list[str]:
        assert response.status_code == 200, response.text
        table = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
        return sorted(r[0] for r in table[1:])

    city_hr, east_hr = city.headers["hr"], city.headers["hr_east"]
    west = client.get("/api/exports/teachers.csv", headers=city_hr,
                      params={"county": WEST, "unmask": True})  # fmt: skip
    assert staff(west) == ["T101", "T102"]
    assert "teachers-%E5%92%8C%E5%B9%B3%E5%8E%BF.csv" in west.headers["content-disposition"]
    with Session(engine) as session:
        unmasked = session.exec(select(AuditLog.entity_key).where(AuditLog.action == "unmask")).all()
    assert sorted(unmasked) == ["T101", "T102"]
    assert staff(client.get("/api/exports/teachers.csv", headers=east_hr,
                            params={"county": EAST})) == ["T001", "T002", "T003"]  # fmt: skip
    refused = client.get("/api/exports/teachers.csv", headers=east_hr, params={"county": WEST})
    assert refused.status_code == 403 and WEST in refused.json()["detail"]["zh"]
    unknown = client.get("/api/exports/teachers.csv", headers=city_hr, params={"county": "龙川县"})
    assert unknown.status_code == 422
    assert EAST in unknown.json()["detail"]["zh"] and WEST in unknown.json()["detail"]["zh"]


def test_an_export_named_after_a_county_with_a_path_in_it_stays_a_download(client, city, engine):
    """A county is text HR typed: one written ``../和平/县`` names the download, and is not a
    path (the file was once written at it: outside the temporary folder, or nowhere)."""
    odd = "../和平/县"
    with Session(engine) as session:
        school = session.get(School, city.school_b.id)
        assert school is not None
        school.county = odd
        session.add(school)
        session.commit()
    for suffix in ("csv", "xlsx"):
        answer = client.get(f"/api/exports/teachers.{suffix}", headers=city.headers["hr"],
                            params={"county": odd})  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert "..%2F" in answer.headers["content-disposition"]  # the name, quoted as a name
    rows = list(csv.reader(io.StringIO(client.get(
        "/api/exports/teachers.csv", headers=city.headers["hr"], params={"county": odd}
    ).text.lstrip("\ufeff"))))  # fmt: skip
    assert sorted(r[0] for r in rows[1:]) == ["T101", "T102"]


def test_a_download_name_with_quotes_or_line_breaks_stays_one_header(client, city, engine):
    """A county HR typed with a quote, a semicolon or a line break names the download: the
    name is percent-encoded whole into ``filename*`` — no second header, no cut-off name —
    and reads back as typed."""
    from urllib.parse import unquote

    names = ('和平"县', "和平;县 filename=x.exe", "和平\r\nSet-Cookie: a=1", "和平\n县")
    for odd in names:
        with Session(engine) as session:
            school = session.get(School, city.school_b.id)
            assert school is not None
            school.county = odd
            session.add(school)
            session.commit()
        answer = client.get("/api/exports/teachers.csv", headers=city.headers["hr"],
                            params={"county": odd})  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert "set-cookie" not in answer.headers
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith("attachment; filename*=UTF-8''"), disposition
        encoded = disposition.removeprefix("attachment; filename*=UTF-8''")
        assert not set(encoded) & set('"; \r\n'), disposition
        assert unquote(encoded) == f"teachers-{odd}.csv"
    assert len(names) == 4


def test_plans_of_the_other_county_or_the_whole_registry_are_refused(client, city, engine):
    east, west, whole = _plan(engine, EAST), _plan(engine, WEST), _plan(engine, None)
    listed = client.get("/api/plans", headers=city.headers["hr_east"]).json()
    assert listed["count"] == 1 and [p["id"] for p in listed["data"]] == [east]
    assert listed["data"][0]["county"] == EAST
    assert client.get("/api/plans", headers=city.headers["hr"]).json()["count"] == 3
    west_only = client.get("/api/plans", headers=city.headers["hr"], params={"county": WEST})
    assert [(p["id"], p["county"]) for p in west_only.json()["data"]] == [(west, WEST)]
    hr = city.headers["hr_east"]
    for plan_id in (west, whole):
        assert client.get(f"/api/plans/{plan_id}", headers=hr).status_code == 404
        approve = client.post(f"/api/plans/{plan_id}/approve", json={"comment": "同意"},
                              headers={**hr, "If-Match": '"1"'})  # fmt: skip
        assert approve.status_code == 404
        assert client.post(f"/api/plans/{plan_id}/apply", headers=hr).status_code == 404
        for letters in (f"/api/plans/{plan_id}/notices.pdf", f"/plans/{plan_id}/letters.pdf"):
            assert client.get(letters, headers=hr).status_code == 404, letters
    with Session(engine) as session:
        statuses = [session.get(RotationPlan, i).status for i in (west, whole)]  # type: ignore[union-attr]
    assert statuses == ["draft", "draft"]
    for county in (WEST, None):
        solve = client.post("/api/plans/jobs", headers=hr,
                            json={"year": 2026, "county": county or WEST})  # fmt: skip
        assert solve.status_code == 403
    with Session(engine) as session:
        jobs = [SolveJob(year=2026, county=c, created_by="hr") for c in (EAST, WEST, None)]
        session.add_all(jobs)
        session.commit()
        job_ids = [job.id for job in jobs]
    seen = [client.get(f"/api/plans/jobs/{i}", headers=hr).status_code for i in job_ids]
    assert seen == [200, 404, 404]
    assert [client.get(f"/api/plans/jobs/{i}", headers=city.headers["hr"]).status_code
            for i in job_ids] == [200, 200, 200]  # fmt: skip


def test_a_city_solves_one_county_at_a_time_never_the_counties_together(client, city, engine):
    """Teachers rotate within their county: in a registry of two counties a plan without a
    county (which would move teachers across the border and judge the 5% on the whole city) is
    refused by the lifecycle, the API (422 naming both counties) and the web form, which asks
    the city's HR for the county and shows each plan's and job's county; nothing is queued by a
    refusal. A county's HR solves their own county as before, without being asked."""
    from workforce.plans import PlanError, propose_plan

    def jobs() -> list[tuple[str | None, str]]:
        with Session(engine) as session:
            return [(j.county, j.created_by) for j in session.exec(select(SolveJob)).all()]

    with Session(engine) as session, pytest.raises(PlanError) as refused:
        propose_plan(session, year=2026, actor="hr", settings=SolveSettings(time_limit_s=5))
    assert refused.value.key == "county_required"
    assert f"{EAST}、{WEST}" in refused.value.zh and f"{EAST}, {WEST}" in refused.value.en
    with Session(engine) as session:
        assert session.exec(select(RotationPlan)).all() == []
    city_hr = city.headers["hr"]
    whole = client.post("/api/plans/jobs", headers=city_hr, json={"year": 2026, "time_limit_s": 5})
    assert whole.status_code == 422 and whole.json()["code"] == "county_required"
    assert EAST in whole.json()["detail"]["zh"] and WEST in whole.json()["detail"]["zh"]
    assert jobs() == []
    west = client.post("/api/plans/jobs", headers=city_hr,
                       json={"year": 2026, "time_limit_s": 5, "county": WEST})  # fmt: skip
    assert west.status_code in (200, 201, 202), west.text
    assert west.json()["county"] == WEST and jobs() == [(WEST, "hr")]
    # the web page: the city's HR picks the county; the county's HR is not asked
    page = client.get("/plans", params={"year": 2026}, headers=city_hr).text
    form = page.split('data-testid="solve-county"')[1].split("</select>")[0]
    assert f'<option value="{EAST}">' in form and f'<option value="{WEST}">' in form
    assert f"<td>{WEST}</td>" in page.split("</table>")[-2]  # the jobs table shows the county
    assert 'data-testid="solve-county"' not in client.get(
        "/plans", params={"year": 2026}, headers=city.headers["hr_east"]).text  # fmt: skip
    unnamed = client.post("/plans/solve", headers=city_hr, data={"year": "2026", "time_limit": "5"},
                          follow_redirects=False)  # fmt: skip
    assert unnamed.status_code == 303 and jobs() == [(WEST, "hr")]
    shown = client.get(unnamed.headers["location"], headers=city_hr).text
    assert "方案须按县（区）分别编制" in shown
    east = client.post("/plans/solve", headers=city_hr, follow_redirects=False,
                       data={"year": "2026", "time_limit": "5", "county": EAST})  # fmt: skip
    assert east.status_code == 303 and east.headers["location"].startswith("/plans/jobs/")
    own = client.post("/plans/solve", headers=city.headers["hr_east"], follow_redirects=False,
                      data={"year": "2026", "time_limit": "5"})  # fmt: skip
    assert own.status_code == 303 and own.headers["location"].startswith("/plans/jobs/")
    assert jobs() == [(WEST, "hr"), (EAST, "hr"), (EAST, "hr_east")]
    job_page = client.get(east.headers["location"], headers=city_hr).text
    assert f'data-testid="job-county">{EAST}<' in job_page  # which county the job solves
    build_plan_district(city, engine)  # the kept plan (solved once per run) is of this one
    kept = _kept_plan(engine, EAST)
    plan_page = client.get(f"/plans/{kept}", headers=city_hr)
    assert plan_page.status_code == 200 and f'data-testid="plan-county">{EAST}<' in plan_page.text


def test_a_countys_hr_approves_their_own_countys_plan(client, city, engine):
    build_plan_district(city, engine)
    plan_id = keep_plan(engine)
    with Session(engine) as session:
        record = session.get(RotationPlan, plan_id)
        assert record is not None
        record.county = EAST
        session.add(record)
        session.commit()
    approved = client.post(f"/api/plans/{plan_id}/approve", json={"comment": "同意"},
                           headers={**city.headers["hr_east"], "If-Match": '"1"'})  # fmt: skip
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_an_import_row_of_the_other_county_is_refused_at_its_row_and_column(
    client, city, engine, upload_dir
):
    exported = client.get("/api/exports/teachers.csv", params={"unmask": True},
                          headers=city.headers["hr"]).text  # fmt: skip
    lines = exported.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["T001", "T002", "T003", "T101", "T102"]
    lines[1] = lines[1].replace(",A001,", ",B001,")  # T001 moved to 和平县
    content = "\n".join(lines).encode()
    answers = {}
    for key in ("hr_east", "hr"):
        answers[key] = client.post(
            "/api/imports", headers=city.headers[key], data={"entity": "teachers"},
            files={"file": ("teachers.csv", io.BytesIO(content), "text/csv")},
        ).json()  # fmt: skip
    refused = answers["hr_east"]
    assert refused["status"] == "failed", refused["problems"]
    places = sorted((p["row"], p["header"]) for p in refused["problems"])
    # rows 5 and 6: teachers of 和平县 (at the staff number) at a school of 和平县 (at the school);
    # row 2: a teacher of 东源县 moved to a school of 和平县
    assert places == [(2, "学校代码"), (5, "学校代码"), (5, "工号"), (6, "学校代码"), (6, "工号")]
    texts = " ".join(p["message"]["zh"] for p in refused["problems"])
    assert "和平县" in texts and "B001" in texts and "T101" in texts
    assert answers["hr"]["status"] == "dry_run" and not answers["hr"]["problems"]


def test_an_id_number_of_the_other_county_is_refused_without_naming_its_teacher(
    client, city, upload_dir, engine
):
    # 东源县's HR officer types 和平县's T101's ID number for a new teacher: refused (the number
    # is one person's), but not "belongs to T101" — else any ID number could be matched to a
    # staff number of another county, row by row. A number of their own county is named, and
    # the city's HR officer is told the other teacher in both cases.
    exported = client.get("/api/exports/teachers.csv", params={"unmask": True},
                          headers=city.headers["hr"]).text  # fmt: skip
    header, *rows = exported.splitlines()
    by_staff_no = {row.split(",")[0]: row for row in rows}
    west_number, east_number = city.id_numbers["T101"], city.id_numbers["T002"]
    new_rows = [
        by_staff_no["T001"]
        .replace("T001", "N001", 1)
        .replace(city.id_numbers["T001"], west_number),
        by_staff_no["T003"]
        .replace("T003", "N003", 1)
        .replace(city.id_numbers["T003"], east_number),
    ]
    content = "\n".join([header, *new_rows]).encode()
    texts = {}
    for key in ("hr_east", "hr"):
        answer = client.post(
            "/api/imports", headers=city.headers[key], data={"entity": "teachers"},
            files={"file": ("teachers.csv", io.BytesIO(content), "text/csv")},
        ).json()  # fmt: skip
        assert answer["status"] == "failed", answer
        problems = [p for p in answer["problems"] if p["header"] == "身份证号"]
        assert [p["row"] for p in problems] == [2, 3], answer["problems"]
        texts[key] = [p["message"]["zh"] for p in problems]
    # "registered in another county" still says the number is a teacher's (a dry run of one
    # birth month's numbers found 和平县's T101's): logged against T101 as an unmasking
    with Session(engine) as session:
        logged = session.exec(select(AuditLog.actor, AuditLog.entity_key, AuditLog.note).where(
            AuditLog.action == "unmask").order_by(AuditLog.id)).all()  # fmt: skip
    east = sorted((key, note) for actor, key, note in logged if actor == "hr_east")
    assert east == [("T002", NUMBER_NAMED), ("T101", NUMBER_ELSEWHERE)], logged
    assert "其他县（区）" in texts["hr_east"][0] and "T101" not in " ".join(texts["hr_east"])
    assert "T002" in texts["hr_east"][1]
    assert "T101" in texts["hr"][0] and "T002" in texts["hr"][1]


def test_the_audit_view_of_a_countys_auditor_holds_their_county(client, city, engine):
    for teacher in (city.teachers_a[0], city.teachers_b[0]):
        changed = client.patch(f"/api/teachers/{teacher.id}", headers=city.headers["hr"],
                               json={"title": "first", "version": teacher.version})  # fmt: skip
        assert changed.status_code == 200
    keys = {}
    for key in ("auditor_east", "auditor"):
        entries = client.get("/api/audit", params={"entity": "teacher", "action": "update"},
                             headers=city.headers[key]).json()  # fmt: skip
        keys[key] = (entries["count"], sorted(e["entity_key"] for e in entries["data"]))
    assert keys == {"auditor_east": (1, ["T001"]), "auditor": (2, ["T001", "T101"])}
    everything = client.get("/api/audit", headers=city.headers["auditor_east"]).json()
    with Session(engine) as session:
        about_west = session.exec(select(AuditLog).where(AuditLog.entity_key.in_(
            ["T101", "T102", "B001"]))).all()  # fmt: skip
    assert len(about_west) >= 3  # created by the fixture and changed above
    assert not {e["entity_key"] for e in everything["data"]} & {"T101", "T102", "B001"}
    assert {"T001", "A001"} <= {e["entity_key"] for e in everything["data"]}


def test_a_teachers_entries_follow_the_teacher_not_a_staff_number_given_again(client, city):
    # 和平县's T101 is renumbered W101, and the freed T101 is then given to 东源县's T001. Keyed by
    # staff number, 东源县's auditor saw the first T101's history (its creation, its ID number
    # masked or not) and W101's own history lost everything from before the change.
    west, east = city.teachers_b[0], city.teachers_a[0]
    hr = city.headers["hr"]
    for teacher, number in ((west, "W101"), (east, "T101")):
        current = client.get(f"/api/teachers/{teacher.id}", headers=hr).json()
        changed = client.patch(f"/api/teachers/{teacher.id}", headers=hr,
                               json={"staff_no": number, "version": current["version"]})  # fmt: skip
        assert changed.status_code == 200, changed.text

    def entries(role: str, **params: str) -> list[tuple[str, str, str]]:
        answer = client.get("/api/audit", params={"limit": 500, **params},
                            headers=city.headers[role]).json()  # fmt: skip
        assert answer["count"] == len(answer["data"])
        return sorted((e["entity"], e["action"], e["entity_key"]) for e in answer["data"])

    east_view = entries("auditor_east")
    about_the_west_teacher = entries("auditor", teacher="W101")
    # W101's whole history from the city's view: its creation under T101, the change of number
    assert about_the_west_teacher == [("teacher", "create", "T101"), ("teacher", "update", "W101")]
    assert not set(about_the_west_teacher) & set(entries("auditor_east", teacher="W101"))
    assert ("teacher", "create", "T101") not in east_view  # the west teacher's creation
    assert ("teacher", "update", "W101") not in east_view
    # the east teacher's own history is whole under its new number: created as T001, renumbered
    east_teacher = entries("auditor_east", teacher="T101")
    assert ("teacher", "create", "T001") in east_teacher
    assert ("teacher", "update", "T101") in east_teacher
    assert set(east_teacher) <= set(east_view)


def test_id_numbers_stay_masked_for_the_countys_auditor_and_unmasking_is_audited(
    client, city, engine
):
    teacher = city.teachers_a[0]
    shown = client.get(f"/api/teachers/{teacher.id}", params={"unmask": True},
                       headers=city.headers["hr_east"])  # fmt: skip
    assert shown.json()["id_number"] == city.id_numbers["T001"]
    masked = client.get(f"/api/teachers/{teacher.id}", headers=city.headers["hr_east"])
    assert set(masked.json()["id_number"]) == {"*"}
    refused = client.get(f"/api/teachers/{teacher.id}", params={"unmask": True},
                         headers=city.headers["auditor_east"])  # fmt: skip
    assert refused.status_code == 403
    export = client.get("/api/exports/teachers.csv", headers=city.headers["auditor_east"]).text
    assert not any(number in export for number in city.id_numbers.values())
    with Session(engine) as session:
        unmasked = session.exec(select(AuditLog).where(AuditLog.action == "unmask")).all()
    assert [(e.actor, e.entity_key) for e in unmasked] == [("hr_east", "T001")]


def test_reports_and_whatif_keep_to_the_county(client, city):
    hr = city.headers["hr_east"]
    # every report is the user's own county, whatever county= asks for
    own_talent = client.get("/api/reports/talent", headers=hr)
    assert own_talent.status_code == 200, own_talent.text
    asked_other = client.get("/api/reports/talent", params={"county": WEST}, headers=hr)
    east_by_city = client.get("/api/reports/talent", params={"county": EAST},
                              headers=city.headers["hr"])  # fmt: skip
    assert own_talent.json() == asked_other.json() == east_by_city.json()
    assert client.get("/api/reports/staffing", params={"school": "B001"},
                      headers=hr).status_code == 404  # fmt: skip
    own = client.get("/api/reports/staffing", params={"school": "A001"}, headers=hr)
    assert own.status_code == 200, own.text
    assert client.get("/api/reports/talent", headers=city.headers["hr"]).status_code == 200
    asked = client.get("/api/whatif/candidates", headers=hr,
                       params={"year": 2026, "school": "B001", "subject": "math"})  # fmt: skip
    assert asked.status_code == 404
    asked = client.get("/api/whatif/destinations", headers=hr,
                       params={"year": 2026, "staff_no": "T101"})  # fmt: skip
    assert asked.status_code == 404


def test_the_admin_assigns_a_county_that_schools_carry_and_it_is_audited(client, city, engine):
    admin = city.headers["admin"]
    body = {"username": "hr_west", "display_name": "和平人事", "role": "hr",
            "password": "a long uncommon phrase for west"}  # fmt: skip
    unknown = client.post("/api/users", headers=admin, json={**body, "county": "龙川县"})
    assert unknown.status_code == 422 and "东源县" in unknown.text and "和平县" in unknown.text
    not_for_admin = client.post("/api/users", headers=admin,
                                json={**body, "role": "admin", "county": WEST})  # fmt: skip
    assert not_for_admin.status_code == 422
    created = client.post("/api/users", headers=admin, json={**body, "county": WEST})
    assert created.status_code == 201 and created.json()["county"] == WEST
    user_id = created.json()["id"]
    city_level = client.patch(f"/api/users/{user_id}", headers=admin, json={"county": None})
    assert city_level.status_code == 200 and city_level.json()["county"] is None
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.entity == "user",
                                                      AuditLog.entity_key == "hr_west")
                               .order_by(AuditLog.id)).all()  # fmt: skip
    assert [(e.action, (e.before or {}).get("county"), e.after["county"]) for e in entries] == [
        ("create", None, WEST), ("update", WEST, None)]  # fmt: skip
    assert client.patch(f"/api/users/{city.users['hr_east'].id}", headers=city.headers["hr_east"],
                        json={"county": None}).status_code == 403  # fmt: skip


def test_schools_are_placed_in_a_county_and_a_countys_user_keeps_them_in_theirs(
    client, city, engine
):
    """The county of a school through the API: the city's HR places and moves schools (trimmed,
    blank meaning not recorded), a county's HR creates schools in their county only and cannot
    move one out of it; every change is in the audit log and the lists follow it."""
    city_hr, east_hr = city.headers["hr"], city.headers["hr_east"]
    new = {"name": "新校", "town": "东埔", "zone": "rural", "level": "primary"}
    # a county's HR: no county given → theirs; their own named → theirs; another → 403
    mine = client.post("/api/schools", headers=east_hr, json={**new, "code": "E002"})
    named = client.post("/api/schools", headers=east_hr,
                        json={**new, "code": "E003", "county": f" {EAST} "})  # fmt: skip
    other = client.post("/api/schools", headers=east_hr,
                        json={**new, "code": "E004", "county": WEST})  # fmt: skip
    assert (mine.status_code, mine.json()["county"]) == (201, EAST)
    assert (named.status_code, named.json()["county"]) == (201, EAST)
    assert other.status_code == 403
    refusal = other.json()["detail"]
    assert EAST in refusal["zh"] and WEST in refusal["zh"] and WEST in refusal["en"]
    # the city's HR: as named, trimmed; blank is "not recorded"
    west = client.post("/api/schools", headers=city_hr,
                       json={**new, "code": "W002", "county": f"{WEST} "})  # fmt: skip
    unrecorded = client.post("/api/schools", headers=city_hr,
                             json={**new, "code": "U001", "county": "  "})  # fmt: skip
    assert (west.status_code, west.json()["county"]) == (201, WEST)
    assert (unrecorded.status_code, unrecorded.json()["county"]) == (201, None)
    # a county's HR cannot move their school to another county, nor clear its county
    school = mine.json()
    for county, fragment in ((WEST, WEST), (None, "取消")):
        moved = client.patch(f"/api/schools/{school['id']}", headers=east_hr,
                             json={"county": county, "version": school["version"]})  # fmt: skip
        assert moved.status_code == 403 and fragment in moved.json()["detail"]["zh"]
    renamed = client.patch(f"/api/schools/{school['id']}", headers=east_hr,
                           json={"name": "东埔新校", "version": school["version"]})  # fmt: skip
    assert (renamed.status_code, renamed.json()["county"]) == (200, EAST)
    # the city's HR moves 和平县's new school to 东源县: now in the county's list and filter
    west_school = west.json()
    moved = client.patch(f"/api/schools/{west_school['id']}", headers=city_hr,
                         json={"county": EAST, "version": west_school["version"]})  # fmt: skip
    assert (moved.status_code, moved.json()["county"]) == (200, EAST)
    listed = client.get("/api/schools", headers=east_hr).json()
    assert sorted(s["code"] for s in listed["data"]) == ["A001", "E002", "E003", "W002"]
    filtered = client.get("/api/schools", headers=city_hr, params={"county": WEST}).json()
    assert [s["code"] for s in filtered["data"]] == ["B001"] and filtered["count"] == 1
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.entity == "school")
                               .order_by(AuditLog.id)).all()  # fmt: skip
    changes = [(e.action, e.entity_key, (e.before or {}).get("county"), e.after["county"])
               for e in entries if e.entity_key in ("E002", "E003", "W002", "U001")]  # fmt: skip
    assert changes == [
        ("create", "E002", None, EAST), ("create", "E003", None, EAST),
        ("create", "W002", None, WEST), ("create", "U001", None, None),
        ("update", "E002", EAST, EAST), ("update", "W002", WEST, EAST),
    ]  # fmt: skip


def _solved(engine: Engine, county: str | None) -> int:
    """A stored draft plan of this year for ``county``: a valid plan without moves."""
    plan = Plan(
        status="optimal", year=dt.date.today().year,
        stats=SolverStats(backend="highs", wall_time_s=0.1, build_time_s=0.0,
                          time_to_first_plan_s=None, nodes=None, groups=1, arcs=1,
                          pruned=False, pruning="none"),
        provenance=Provenance(optimizer_version="test", settings=SolveSettings(),
                              created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                              instance_sha256="0" * 64, method="by hand"),
    )  # fmt: skip
    with Session(engine) as session:
        record = RotationPlan(year=plan.year, status="draft", solver_status="optimal",
                              instance_json="{}", plan_json=plan.model_dump_json(),
                              county=county, created_by="fixture")  # fmt: skip
        session.add(record)
        session.flush()
        assert record.id is not None
        # as every stored plan, with its audit entry (the dashboard's kept figures follow it)
        audit.record(session, actor="fixture", action="create", entity="rotation_plan",
                     entity_key=str(record.id))  # fmt: skip
        session.commit()
        return record.id


def test_each_dashboard_shows_the_plan_of_its_own_scope(client, city, engine):
    """A county's HR sees their county's plan; the city's HR a row per county, each with its
    own plan (or none yet) — a plan of the whole registry is no county's and is not shown."""

    def quotas(user: str) -> str:
        page = client.get("/", headers=city.headers[user]).text
        return page.split('data-testid="dash-quotas"')[1].split("</section>")[0]

    def rows(user: str) -> dict[str, str]:
        table = quotas(user).split('data-testid="dash-county-plans"')[1].split("</table>")[0]
        cells = [row.split("</td>", 1) for row in table.split("<tr><td>")[1:]]
        return {county: rest for county, rest in cells}

    west = _solved(engine, WEST)
    none_yet = f"{dt.date.today().year} 年度尚无交流轮岗方案"
    assert none_yet in quotas("hr_east") and f"/plans/{west}" not in quotas("hr_east")
    city_rows = rows("hr")
    assert sorted(city_rows) == [EAST, WEST]
    assert none_yet in city_rows[EAST] and f'href="/plans/{west}"' in city_rows[WEST]
    east, whole = _solved(engine, EAST), _solved(engine, None)
    assert f'href="/plans/{east}"' in quotas("hr_east") and none_yet not in quotas("hr_east")
    city_rows = rows("hr")
    assert f'href="/plans/{east}"' in city_rows[EAST] and f'href="/plans/{west}"' in city_rows[WEST]
    assert f"/plans/{whole}" not in quotas("hr") and none_yet not in quotas("hr")


def test_a_county_without_schools_yet_has_an_empty_dashboard(client, city, engine):
    with Session(engine) as session:
        user = User(username="hr_new", display_name="hr_new", role="hr", county="龙川县",
                    password_hash=city.users["hr"].password_hash)  # fmt: skip
        session.add(user)
        session.flush()
        token, _ = issue_token(session, user=user)
        session.commit()
    page = client.get("/", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200, page.text[-300:]
    schools = page.text.split('data-testid="dash-training-schools"')[1].split("</section>")[0]
    assert "东埔小学" not in schools and "埔前中心小学" not in schools


def test_the_countys_user_sees_the_pages_of_their_county(client, city):
    page = client.get("/teachers", headers=city.headers["hr_east"])
    assert page.status_code == 200
    assert "张三" in page.text and "王五" not in page.text
    # the dashboard: the county's plan section and training, never the city's or the other's
    dashboard = client.get("/", headers=city.headers["hr_east"])
    assert dashboard.status_code == 200
    quotas = dashboard.text.split('data-testid="dash-quotas"')[1].split("</section>")[0]
    assert f"{dt.date.today().year} 年度尚无交流轮岗方案" in quotas
    schools = dashboard.text.split('data-testid="dash-training-schools"')[1]
    schools = schools.split("</section>")[0]
    assert "东埔小学" in schools and "埔前中心小学" not in schools
    assert "埔前中心小学" in client.get("/", headers=city.headers["hr"]).text
    # report pages: the county's own, and a school of the other county is not found (in Chinese)
    hr = city.headers["hr_east"]
    for name in ("training", "talent", "qualifications", "staffing", "rotation"):
        own = client.get(f"/reports/{name}", headers=hr)
        assert own.status_code == 200 and "县（区）：东源县" in own.text, name
        assert "B001" not in own.text and "和平县" not in own.text, name
        other = client.get(f"/reports/{name}", params={"school": "B001"}, headers=hr)
        assert other.status_code == 404 and "B001" in other.text and "学校" in other.text, name
    assert client.get("/reports/training", params={"school": "A001"}, headers=hr).status_code == 200


def _kept_plan(engine: Engine, county: str | None) -> int:
    """A kept draft of the plan district labelled as ``county``'s plan; its id."""
    plan_id = keep_plan(engine)
    with Session(engine) as session:
        record = session.get(RotationPlan, plan_id)
        assert record is not None
        record.county = county
        session.add(record)
        session.commit()
    return plan_id


def test_policy_and_marginal_ask_of_the_countys_plan(client, city, engine):
    build_plan_district(city, engine)  # its schools have no county: the registry has two
    _kept_plan(engine, None)
    west = _kept_plan(engine, WEST)
    hr, city_hr = city.headers["hr_east"], city.headers["hr"]
    asked = {"year": 2026, "top": 2}
    # neither the whole registry's plan nor the other county's newer one is the county's
    assert client.get("/api/whatif/marginal", params=asked, headers=hr).status_code == 404
    policy = client.get("/api/whatif/policy", headers=hr,
                        params={"year": 2026, "rule": "quotas.school_share=0.2"})  # fmt: skip
    assert policy.status_code == 404, policy.text
    page = client.get("/plans/policy", params={"year": 2026, "level": "preference"}, headers=hr)
    assert page.status_code == 404
    east = _kept_plan(engine, EAST)
    page = client.get("/plans/policy", params={"year": 2026, "level": "preference"}, headers=hr)
    assert page.status_code == 200, page.text
    assert city.school_a.name in page.text and city.school_b.name not in page.text
    cases = (({}, 200), ({"county": WEST}, 200), ({"plan_id": west}, 404))
    for extra, status in cases:
        answer = client.get("/api/whatif/marginal", params={**asked, **extra}, headers=hr)
        assert answer.status_code == status, (extra, answer.text)
        if status == 200:
            assert answer.json()["base_plan_id"] == east
    # a city-level user names the county (several are present) unless naming the plan
    unnamed = client.get("/api/whatif/marginal", params=asked, headers=city_hr)
    assert unnamed.status_code == 422, unnamed.text
    assert EAST in unnamed.text and WEST in unnamed.text
    unknown = client.get("/api/whatif/marginal", params={**asked, "county": "某县"},
                         headers=city_hr)  # fmt: skip
    assert unknown.status_code == 422 and "某县" in unknown.text
    for extra, base in (({"county": EAST}, east), ({"county": WEST}, west),
                        ({"plan_id": west}, west)):  # fmt: skip
        answer = client.get("/api/whatif/marginal", params={**asked, **extra}, headers=city_hr)
        assert answer.status_code == 200, answer.text
        assert answer.json()["base_plan_id"] == base


def test_a_countys_roadmap_is_their_own_countys(client, city):
    asked = {"from": 2026, "years": 2, "time_limit_s": 20}
    unnamed = client.get("/api/roadmap", params=asked, headers=city.headers["hr"])
    assert unnamed.status_code == 422 and EAST in unnamed.text and WEST in unnamed.text
    by_city = client.get("/api/roadmap", params={**asked, "county": EAST},
                         headers=city.headers["hr"])  # fmt: skip
    assert by_city.status_code == 200, by_city.text
    timing = ("wall_time_s", "cpu_time_s")
    for extra in ({}, {"county": WEST}):
        own = client.get("/api/roadmap", params={**asked, **extra}, headers=city.headers["hr_east"])
        assert own.status_code == 200, own.text
        expected = {k: v for k, v in by_city.json().items() if k not in timing}
        assert {k: v for k, v in own.json().items() if k not in timing} == expected


def test_a_countys_hr_cannot_decide_the_other_countys_corrections(client, city, engine):
    """A correction about 和平县's teacher is not 东源县's HR's to accept or reject, by the API or
    the inbox's form: it is "not found" (as reading it is), stays proposed, and its values —
    the proposal, the reason, the value on record — are not in the answer."""
    west = city.teachers_b[0]
    proposal = client.post("/api/corrections", headers=city.headers["clerk_b"], json={
        "teacher_id": west.id, "field": "name", "proposed_value": "王五改", "reason": "户口本为准",
    })  # fmt: skip
    assert proposal.status_code == 201, proposal.text
    number = proposal.json()["id"]
    hr = city.headers["hr_east"]
    assert client.get(f"/api/corrections/{number}", headers=hr).status_code == 404
    tried = 0
    for decision in ("accept", "reject"):
        answer = client.post(f"/api/corrections/{number}/{decision}", headers=hr,
                             json={"note": "东源县"})  # fmt: skip
        assert answer.status_code == 404, answer.text
        assert "王五改" not in answer.text and "户口本" not in answer.text
        page = client.post(f"/corrections/{number}/{decision}", headers=hr,
                           data={"note": "东源县"}, follow_redirects=False)  # fmt: skip
        assert page.status_code == 303
        tried += 2
    assert tried == 4
    with Session(engine) as session:
        row = session.get(Correction, number)
        assert row is not None and (row.status, row.reviewed_by) == ("proposed", None)
        assert session.get(Teacher, west.id).name == "王五"  # type: ignore[union-attr]
    accepted = client.post(f"/api/corrections/{number}/accept", headers=city.headers["hr"],
                           json={})  # fmt: skip
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")


def test_a_countys_hr_edits_their_own_countys_teachers_on_the_page_only(client, city, engine):
    """The teacher page's edit form keeps to the county as the API does: another county's
    teacher is "not found" whatever version is sent, a teacher cannot be moved to another
    county's school, and the form's school picker lists the county's schools only."""
    west, east = city.teachers_b[0], city.teachers_a[0]
    hr = city.headers["hr_east"]
    original = json.dumps({"name": west.name}, ensure_ascii=False)
    answers = [
        client.post(f"/teachers/{west.id}/edit", headers=hr, follow_redirects=False,
                    data={"version": str(version), "original": original, "name": "被改"})
        for version in range(1, 4)
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [404, 404, 404]
    moved = client.post(f"/teachers/{east.id}/edit", headers=hr, follow_redirects=False, data={
        "version": str(east.version), "original": json.dumps({"school_id": str(city.school_a.id)}),
        "school_id": str(city.school_b.id),
    })  # fmt: skip
    assert moved.status_code == 422, moved.text
    with Session(engine) as session:
        assert session.get(Teacher, west.id).name == west.name  # type: ignore[union-attr]
        assert session.get(Teacher, east.id).school_id == city.school_a.id  # type: ignore[union-attr]
    page = client.get(f"/teachers/{east.id}", headers=hr).text
    assert "A001 " in page and "B001" not in page
    assert "B001 " in client.get(f"/teachers/{east.id}", headers=city.headers["hr"]).text
