"""The plans API end to end on a small hand-made district: solve job → poll → the plan →
pin → re-solve → compare → approve (If-Match) → apply, never twice; the registry changing
under an approved plan; stopping a job; files; and what a school's clerk sees of a plan."""

from __future__ import annotations

import time

import pytest
from conftest import District
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from plan_fixtures import build_plan_district, keep_plan
from sqlmodel import Session, select

from workforce.models import AuditLog, School, Teacher


@pytest.fixture
def schools(district: District, engine) -> dict[str, School]:  # type: ignore[no-untyped-def]
    return build_plan_district(district, engine)


def _finished_job(client: TestClient, headers: dict[str, str], job: dict) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while not job["finished"]:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        answer = client.get(f"/api/plans/jobs/{job['id']}", headers=headers)
        assert answer.status_code == 200
        job = answer.json()
    assert job["status"] == "done", job["error"]
    return job


def test_solve_pin_resolve_compare_approve_apply(client, district, schools, engine):
    hr = district.headers["hr"]
    started = client.post("/api/plans/jobs", headers=hr, json={"year": 2026, "time_limit_s": 20})
    assert started.status_code == 202 and started.headers["Location"].endswith(
        str(started.json()["id"])
    )
    done = _finished_job(client, hr, started.json())
    first_id = done["plan_id"]
    first = client.get(f"/api/plans/{first_id}", headers=hr)
    assert first.headers["ETag"] == '"1"'
    plan = first.json()["plan"]
    # the job kept each level as the solver settled it: the plan's levels, titled
    assert [(lv["number"], lv["name"], lv["value"]) for lv in done["levels"]] == [
        (n, o["name"], o["value"]) for n, o in enumerate(plan["objectives"], start=1)]
    assert len(done["levels"]) == 3 and done["levels"][0]["title_zh"] == "农村学校缺口补充（加权）"
    assert plan["status"] == "optimal" and plan["moves"] and plan["quotas"]
    assert all(m["reasons"] for m in plan["moves"])
    assert {"best_bound", "relative_gap", "shortages", "conflicts", "relaxation"} <= set(plan)
    kept = plan["moves"][0]["staff_no"]

    refused = client.post(
        f"/api/plans/{first_id}/resolve",
        headers=hr,
        json={"pins": [{"kind": "must_go", "staff_no": kept, "school": "X9"}]},
    )
    assert refused.status_code == 422 and "X9" in refused.json()["detail"]["zh"]
    job = client.post(
        f"/api/plans/{first_id}/resolve",
        headers=hr,
        json={"pins": [{"kind": "must_stay", "staff_no": kept}], "time_limit_s": 20},
    )
    assert job.status_code == 202 and job.json()["parent_plan_id"] == first_id
    second_id = _finished_job(client, hr, job.json())["plan_id"]
    second = client.get(f"/api/plans/{second_id}", headers=hr).json()
    assert second["registry"]["parent_id"] == first_id
    assert second["pins"] == [{"kind": "must_stay", "staff_no": kept, "school": None, "note": ""}]
    assert kept not in {m["staff_no"] for m in second["plan"]["moves"]}

    comparison = client.get(
        "/api/plans/compare", headers=hr, params={"a": first_id, "b": second_id}
    ).json()
    assert kept in {m["staff_no"] for m in comparison["only_in_a"]}
    assert comparison["a"]["moves"] == len(plan["moves"])
    assert {q["scope"] for q in comparison["quotas"]} >= {"district"}

    listed = client.get("/api/plans", headers=hr, params={"year": 2026}).json()
    assert [p["id"] for p in listed["data"]] == [second_id, first_id]

    url = f"/api/plans/{second_id}"
    comment = {"comment": "经人事股研究同意"}
    assert client.post(f"{url}/approve", headers=hr, json=comment).status_code == 428
    no_comment = client.post(f"{url}/approve", headers={**hr, "If-Match": '"1"'}, json={})
    assert no_comment.status_code == 422
    stale = client.post(f"{url}/approve", headers={**hr, "If-Match": '"7"'}, json=comment)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    approved = client.post(f"{url}/approve", headers={**hr, "If-Match": '"1"'}, json=comment)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approval_comment"] == "经人事股研究同意"
    assert client.get(f"/api/plans/{first_id}", headers=hr).json()["registry"]["status"] == (
        "superseded"
    )

    applied = client.post(f"{url}/apply", headers=hr)
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    again = client.post(f"{url}/apply", headers=hr)
    assert again.status_code == 409 and again.json()["code"] == "already_applied"
    moved = second["plan"]["moves"][0]
    with Session(engine) as session:
        teacher = session.exec(select(Teacher).where(Teacher.staff_no == moved["staff_no"])).one()
        assert session.get(School, teacher.school_id).code == moved["to_school"]
        assert len(session.exec(select(AuditLog).where(AuditLog.action == "apply")).all()) == 1


def test_apply_names_the_teachers_who_moved_since_the_plan_was_made(client, district, schools):
    hr = district.headers["hr"]
    plan_id = keep_plan(client.app.state.engine, status="approved")
    moves = client.get(f"/api/plans/{plan_id}", headers=hr).json()["plan"]["moves"]
    moved = moves[0]["staff_no"]
    teacher = client.get("/api/teachers", headers=hr, params={"q": moved}).json()["data"][0]
    other = next(s for code, s in schools.items() if code != moves[0]["from_school"])
    changed = client.patch(
        f"/api/teachers/{teacher['id']}",
        headers=hr,
        json={"school_id": other.id, "version": teacher["version"]},
    )
    assert changed.status_code == 200
    refused = client.post(f"/api/plans/{plan_id}/apply", headers=hr)
    assert refused.status_code == 409 and refused.json()["code"] == "registry_changed"
    assert moved in refused.json()["detail"]["zh"] and moved in refused.json()["detail"]["en"]
    named = [(t["staff_no"], t["name"], t["rule"]) for t in refused.json()["teachers"]]
    assert named == [(moved, teacher["name"], "registry.teacher_moved")]
    assert client.get(f"/api/plans/{plan_id}", headers=hr).json()["registry"]["status"] == (
        "approved"
    )


def test_a_clerk_sees_only_the_moves_touching_their_school(client, district, schools):
    plan_id = keep_plan(client.app.state.engine)
    full = client.get(f"/api/plans/{plan_id}", headers=district.headers["hr"]).json()["plan"]
    destinations = {m["to_school"] for m in full["moves"]}
    assert "R1" in destinations and len(destinations) > 1
    own = client.get(f"/api/plans/{plan_id}", headers=district.headers["clerk_r1"]).json()["plan"]
    assert own["moves"] and all("R1" in (m["from_school"], m["to_school"]) for m in own["moves"])
    assert {s["school"] for s in own["shortages"]} <= {"R1"}
    assert {q["scope"] for q in own["quotas"]} <= {"district", "R1"}
    other = client.get(f"/api/plans/{plan_id}", headers=district.headers["clerk_a"]).json()
    assert other["plan"]["moves"] == []
    names = {m["name"] for m in full["moves"]} - {m["name"] for m in own["moves"]}
    letters = client.get(f"/api/plans/{plan_id}/notices.xlsx", headers=district.headers["clerk_r1"])
    assert letters.status_code == 200 and letters.content.startswith(b"PK")
    compared = client.get(
        "/api/plans/compare",
        headers=district.headers["clerk_a"],
        params={"a": plan_id, "b": plan_id},
    ).json()
    assert compared["same"] == 0 and not any(n in str(compared) for n in names)
    for path, body in ((f"/api/plans/{plan_id}/resolve", {}), ("/api/plans/jobs", {"year": 2026})):
        assert client.post(path, headers=district.headers["clerk_r1"], json=body).status_code == 403


def test_a_stopped_job_makes_no_plan(client, district, schools):
    hr = district.headers["hr"]
    job = client.post("/api/plans/jobs", headers=hr, json={"year": 2026, "time_limit_s": 30})
    stopped = client.post(f"/api/plans/jobs/{job.json()['id']}/stop", headers=hr)
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    time.sleep(0.5)
    state = client.get(f"/api/plans/jobs/{job.json()['id']}", headers=hr).json()
    assert state["status"] == "stopped" and state["plan_id"] is None
    assert client.get("/api/plans/jobs/999", headers=hr).status_code == 404


def test_the_plan_workbook_and_notice_letters(client, district, schools, tmp_path):
    plan_id = keep_plan(client.app.state.engine)
    auditor = district.headers["auditor"]
    workbook = client.get(f"/api/plans/{plan_id}.xlsx", headers=auditor)
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    from urllib.parse import unquote  # named as the office files it, not plan-1.xlsx

    named = unquote(workbook.headers["content-disposition"].split("''", 1)[1])
    assert named == f"2026年度交流轮岗方案-方案{plan_id}-草稿.xlsx"
    pdf = client.get(f"/api/plans/{plan_id}/notices.pdf", headers=auditor)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    notices = client.get(
        f"/api/plans/{plan_id}/notices.xlsx", headers=auditor, params={"lang": "en"}
    )
    path = tmp_path / "notices.xlsx"
    path.write_bytes(notices.content)
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    moves = client.get(f"/api/plans/{plan_id}", headers=auditor).json()["plan"]["moves"]
    assert rows[0][0] == "Staff no." and len(rows) == len(moves) + 1
    assert "交流轮岗方案" in rows[1][-1] and rows[1][rows[0].index("Draft")] == "yes"  # a draft's
    assert client.get("/api/plans/999.xlsx", headers=auditor).status_code == 404
    assert client.get(f"/api/plans/{plan_id}/notices.doc", headers=auditor).status_code == 422


def test_a_clerk_cannot_see_another_users_solve_job(client, district, schools):
    started = client.post("/api/plans/jobs", headers=district.headers["hr"],
                          json={"year": 2026, "time_limit_s": 20})  # fmt: skip
    job_id = started.json()["id"]
    assert client.get(f"/api/plans/jobs/{job_id}", headers=district.headers["hr"]).status_code == 200
    other = client.get(f"/api/plans/jobs/{job_id}", headers=district.headers["clerk_r1"])
    assert other.status_code == 404
    client.post(f"/api/plans/jobs/{job_id}/stop", headers=district.headers["hr"])


def test_a_fourth_unfinished_solve_of_one_user_is_refused_with_a_wait(client, district, schools,
                                                                       env):  # fmt: skip
    from workforce import config

    env.setenv("WORKFORCE_WEB_RUNS_SOLVES", "false")  # the jobs stay queued
    config.get_settings.cache_clear()
    hr = district.headers["hr"]
    started = [client.post("/api/plans/jobs", headers=hr, json={"year": 2026, "time_limit_s": 20})
               for _ in range(4)]  # fmt: skip
    assert [s.status_code for s in started] == [202, 202, 202, 429]
    refused = started[3]
    assert refused.json()["code"] == "too_many_jobs" and refused.headers["Retry-After"] == "60"
    assert refused.json()["detail"]["zh"].startswith("您已有 3 个求解任务在排队或运行中")
    client.post(f"/api/plans/jobs/{started[0].json()['id']}/stop", headers=hr)
    again = client.post("/api/plans/jobs", headers=hr, json={"year": 2026, "time_limit_s": 20})
    assert again.status_code == 202


def test_the_notice_workbook_carries_the_document_number_of_the_letters(client, district, schools,
                                                                        tmp_path):  # fmt: skip
    """The notice workbook, made for mail merges, gives each letter the 文号 the PDF prints:
    the one the office asks for, else the setting's; a draft's none yet."""
    approved = keep_plan(client.app.state.engine, status="approved")
    draft = keep_plan(client.app.state.engine)
    hr = district.headers["hr"]

    def numbers(plan_id: int, **params: str) -> list[str]:
        answer = client.get(f"/api/plans/{plan_id}/notices.xlsx", headers=hr, params=params)
        assert answer.status_code == 200, answer.text
        path = tmp_path / f"notices-{plan_id}.xlsx"
        path.write_bytes(answer.content)
        rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
        column = rows[0].index("文号")
        return [row[column] for row in rows[1:]]

    given = numbers(approved, doc_no="源城教人〔2026〕88号")
    assert given and set(given) == {"源城教人〔2026〕88号"}
    assert set(numbers(approved)) == {f"源城教人〔2026〕{approved}号"}
    assert set(numbers(draft, doc_no="源城教人〔2026〕88号")) == {"（审批后编号）"}
    moves = client.get(f"/api/plans/{approved}", headers=hr).json()["plan"]["moves"]
    assert len(given) == len(moves) > 0


def test_the_signed_plan_file_is_an_audited_unmasking_and_checks_away_from_the_registry(
        client, district, schools, tmp_path, away_from_the_registry):
    """HR downloads the plan file (for an auditor) and it checks on a machine without the
    registry with the registry's public key. Its instance holds every teacher's full birth
    date — the day a masked ID number hides — so it is for the roles that may unmask, each
    download is an audit entry, and another site's link cannot make a browser take it."""
    from sqlmodel import Session, select
    from typer.testing import CliRunner

    from workforce import config
    from workforce.cli import app
    from workforce.models import AuditLog
    from workforce.plans.signing import public_key

    plan_id = keep_plan(client.app.state.engine)
    key = public_key(config.get_settings().secret_key)
    answer = client.get(f"/api/plans/{plan_id}.json", headers=district.headers["hr"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["registry_signature"]["public_key"] == key
    with Session(client.app.state.engine) as session:
        logged = session.exec(select(AuditLog).where(AuditLog.entity == "rotation_plan",
                                                     AuditLog.action == "unmask")).all()
    assert [(e.actor, e.entity_key) for e in logged] == [("hr", str(plan_id))]
    refused = 0
    for role in ("auditor", "clerk_r1"):
        got = client.get(f"/api/plans/{plan_id}.json", headers=district.headers[role])
        assert got.status_code == 403, (role, got.status_code)
        refused += 1
    assert refused == 2
    assert client.get("/api/plans/999.json", headers=district.headers["hr"]).status_code == 404
    path = tmp_path / "plan.json"
    path.write_bytes(answer.content)
    away_from_the_registry()
    checked = CliRunner().invoke(app, ["check-plan", str(path), "--no-verify-bound",
                                       "--trust-key", key])
    assert checked.exit_code == 0, checked.output
    assert "依据：文件由公钥" in checked.output and f"方案 #{plan_id}" in checked.output
