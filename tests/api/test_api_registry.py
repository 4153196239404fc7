"""Schools, records, corrections, the audit log, users and the error format."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from workforce.models import AuditLog, Teacher


def test_clerk_lists_only_their_own_school(client, district):
    h = district.headers["clerk_b"]
    teachers = client.get("/api/teachers", headers=h).json()
    assert [t["staff_no"] for t in teachers["data"]] == ["T101", "T102"]
    assert teachers["count"] == 2
    schools = client.get("/api/schools", headers=h).json()
    assert [s["code"] for s in schools["data"]] == ["B001"]
    other = client.get(f"/api/teachers?school_id={district.school_a.id}", headers=h).json()
    assert other == {"data": [], "count": 0}
    found = client.get("/api/teachers", params={"q": "T001"}, headers=h).json()
    assert found["count"] == 0


def test_school_update_conflict_and_deactivation_rules(client, district):
    h = district.headers["hr"]
    school = district.school_a.id
    ok = client.patch(
        f"/api/schools/{school}", json={"zone": "农村"}, headers={**h, "If-Match": "1"}
    )
    assert (ok.status_code, ok.json()["zone"], ok.json()["version"]) == (200, "rural", 2)
    stale = client.patch(f"/api/schools/{school}", json={"pupils": 10, "version": 1}, headers=h)
    assert stale.status_code == 409 and stale.json()["current"]["zone"] == "rural"
    busy = client.post(f"/api/schools/{school}/deactivate", json={"version": 2}, headers=h)
    assert (busy.status_code, busy.json()["code"]) == (409, "school_has_teachers")
    taken = client.post(
        "/api/schools",
        json={"code": "B001", "name": "重复", "town": "源西", "zone": "urban", "level": "primary"},
        headers=h,
    )
    assert (taken.status_code, taken.json()["code"]) == (409, "school_code_taken")


def test_teacher_cannot_move_to_an_inactive_school(client, district):
    h = district.headers["admin"]
    created = client.post(
        "/api/schools",
        json={
            "code": "Z001",
            "name": "撤并校",
            "town": "源南",
            "zone": "rural",
            "level": "primary",
        },
        headers=h,
    ).json()
    client.post(f"/api/schools/{created['id']}/deactivate", json={"version": 1}, headers=h)
    teacher = district.teachers_a[0]
    moved = client.patch(
        f"/api/teachers/{teacher.id}", json={"school_id": created["id"], "version": 1}, headers=h
    )
    assert (moved.status_code, moved.json()["code"]) == (422, "school_inactive")


def test_records_are_added_and_withdrawn_with_audit(client, district, engine):
    h = district.headers["hr"]
    teacher = district.teachers_a[0]
    designation = client.post(
        f"/api/teachers/{teacher.id}/designations",
        json={
            "kind": "学科带头人",
            "tier": "市级",
            "term_start": "2025-09-01",
            "term_end": "2028-08-31",
        },
        headers=h,
    )
    assert designation.status_code == 201, designation.text
    reversed_term = client.post(
        f"/api/teachers/{teacher.id}/designations",
        json={
            "kind": "骨干教师",
            "tier": "区级",
            "term_start": "2025-09-01",
            "term_end": "2024-08-31",
        },
        headers=h,
    )
    assert reversed_term.status_code == 422 and "任期" in reversed_term.json()["detail"]["zh"]
    training = client.post(
        f"/api/teachers/{teacher.id}/training",
        json={"date": "2025/5/20", "hours": 7.5, "category": "校本研修"},
        headers=h,
    )
    assert training.status_code == 201 and training.json()["hours"] in ("7.5", 7.5)
    too_many = client.post(
        f"/api/teachers/{teacher.id}/training",
        json={"date": "2025-05-20", "hours": -3, "category": "online"},
        headers=h,
    )
    assert too_many.status_code == 422
    assert client.delete(f"/api/training/{training.json()['id']}", headers=h).status_code == 204
    assert client.get(f"/api/teachers/{teacher.id}/training", headers=h).json() == []
    with Session(engine) as session:
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.entity == "training").order_by(AuditLog.id)
        ).all()
    assert actions == ["create", "delete"]


def test_correction_from_clerk_is_applied_by_hr_with_audit(client, district, engine):
    teacher = district.teachers_a[1]
    proposal = client.post(
        "/api/corrections",
        json={
            "teacher_id": teacher.id,
            "field": "title",
            "proposed_value": "一级教师",
            "reason": "2024年已评一级",
        },
        headers=district.headers["clerk_a"],
    )
    assert proposal.status_code == 201, proposal.text
    assert (proposal.json()["current_value"], proposal.json()["proposed_value"]) == (None, "first")
    listed = client.get("/api/corrections?status=proposed", headers=district.headers["hr"]).json()
    assert listed["count"] == 1
    assert client.get("/api/corrections", headers=district.headers["clerk_b"]).json()["count"] == 0
    accepted = client.post(
        f"/api/corrections/{proposal.json()['id']}/accept", json={}, headers=district.headers["hr"]
    )
    assert accepted.json()["status"] == "accepted" and accepted.json()["reviewed_by"] == "hr"
    again = client.post(
        f"/api/corrections/{proposal.json()['id']}/reject", json={}, headers=district.headers["hr"]
    )
    assert (again.status_code, again.json()["code"]) == (409, "correction_closed")
    with Session(engine) as session:
        refreshed = session.get(Teacher, teacher.id)
        update = session.exec(
            select(AuditLog).where(AuditLog.entity == "teacher", AuditLog.action == "update")
        ).one()
    assert (refreshed.title, refreshed.version) == ("first", 2)
    assert (update.actor, update.after["title"]) == ("hr", "first")


def test_correction_refuses_protected_fields_and_bad_values(client, district):
    h = district.headers["clerk_a"]
    teacher = district.teachers_a[0].id
    school = client.post(
        "/api/corrections",
        json={"teacher_id": teacher, "field": "school_id", "proposed_value": 2, "reason": "调动"},
        headers=h,
    )
    assert (school.status_code, school.json()["code"]) == (422, "correction_field")
    bad = client.post(
        "/api/corrections",
        json={
            "teacher_id": teacher,
            "field": "main_subject",
            "proposed_value": "舞蹈",
            "reason": "改",
        },
        headers=h,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "correction_value")


def test_audit_log_filters(client, district):
    h = district.headers["auditor"]
    everything = client.get("/api/audit", headers=h).json()
    assert everything["count"] == 7  # two schools and five teachers created by the fixture
    teachers = client.get("/api/audit?entity=teacher&entity_key=T001", headers=h).json()
    assert [e["action"] for e in teachers["data"]] == ["create"]
    assert client.get("/api/audit?actor=someone", headers=h).json()["count"] == 0
    assert client.get("/api/audit?since=2999-01-01", headers=h).json()["count"] == 0


def test_user_administration(client, district):
    h = district.headers["admin"]
    clerk = client.post(
        "/api/users",
        json={"username": "clerk_c", "display_name": "C", "role": "clerk", "password": "x" * 12},
        headers=h,
    )
    assert (clerk.status_code, clerk.json()["code"]) == (422, "clerk_needs_school")
    short = client.post(
        "/api/users",
        json={"username": "hr3", "display_name": "H", "role": "hr", "password": "short"},
        headers=h,
    )
    assert (short.status_code, short.json()["code"]) == (422, "password_too_short")
    me = district.users["admin"].id
    demote = client.patch(f"/api/users/{me}", json={"role": "hr"}, headers=h)
    assert (demote.status_code, demote.json()["code"]) == (403, "cannot_demote_self")
    listed = client.get("/api/users", headers=h).json()
    assert listed["count"] == 5 and "password_hash" not in listed["data"][0]


def test_errors_have_one_shape(client, district):
    h = district.headers["hr"]
    missing = client.get("/api/teachers/999999", headers=h)
    assert missing.status_code == 404
    assert missing.json()["code"] == "teacher_not_found"
    assert set(missing.json()["detail"]) == {"zh", "en"}
    no_route = client.get("/api/nothing-here", headers=h)
    assert (no_route.status_code, no_route.json()["code"]) == (404, "route_not_found")
    bad_query = client.get("/api/teachers?limit=0", headers=h)
    assert bad_query.status_code == 422
    assert bad_query.json()["errors"][0]["loc"] == ["query", "limit"]
    bad_json = client.post(
        "/api/teachers", content=b"{not json", headers={**h, "Content-Type": "application/json"}
    )
    assert bad_json.status_code == 422 and bad_json.json()["code"] == "invalid_request"


@pytest.mark.postgres
def test_a_code_taken_by_a_request_committed_meanwhile_is_a_409_in_words(client, district,
                                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two new schools of one code sent together both pass the service's check, which reads
    before either commits; the database's unique constraint refuses the second. That was an
    unhandled IntegrityError, a 500. (Here the check is skipped, as it is for the second of
    two concurrent requests.) Any other integrity error stays a fault of ours."""
    from workforce.services import schools

    monkeypatch.setattr(schools, "_refuse_taken_code", lambda *a, **k: None)
    taken = client.post("/api/schools", headers=district.headers["admin"], json={
        "code": "B001", "name": "重复", "town": "源西", "zone": "urban", "level": "primary"})  # fmt: skip
    assert (taken.status_code, taken.json()["code"]) == (409, "written_meanwhile")
    assert "刚被另一请求写入" in taken.json()["detail"]["zh"]
