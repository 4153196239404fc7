"""Corrections against newer edits: a correction records the teacher's version and the value
it was made against; accepting it after HR changed the same field is refused with both values
(HR's value stays), after a change of another field it is applied."""

from __future__ import annotations

import datetime as dt

from api_helpers import id_number
from conftest import District
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from workforce.accounts.models import Correction
from workforce.models import AuditLog, Teacher


def _propose(
    client: TestClient, district: District, teacher: Teacher, field: str, value: str
) -> dict:
    answer = client.post(
        "/api/corrections",
        json={"teacher_id": teacher.id, "field": field, "proposed_value": value, "reason": "核实"},
        headers=district.headers["clerk_a"],
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _hr_edit(client: TestClient, district: District, teacher: Teacher, **fields: object) -> None:
    hr = district.headers["hr"]
    current = client.get(f"/api/teachers/{teacher.id}", headers=hr).json()
    edited = client.patch(
        f"/api/teachers/{teacher.id}", headers=hr, json={**fields, "version": current["version"]}
    )
    assert edited.status_code == 200, edited.text


def test_accepting_after_hr_changed_the_same_field_is_refused_with_both_values(
    client, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    teacher = district.teachers_a[1]
    proposal = _propose(client, district, teacher, "title", "一级教师")
    _hr_edit(client, district, teacher, title="高级教师")

    refused = client.post(
        f"/api/corrections/{proposal['id']}/accept", json={}, headers=district.headers["hr"]
    )
    body = refused.json()
    assert (refused.status_code, body.get("code")) == (409, "correction_outdated")
    assert proposal["teacher_version"] == 1
    assert (body["proposal_based_on"], body["current_value"], body["proposed_value"]) == (
        None,
        "senior",
        "first",
    )
    assert (body["proposal_teacher_version"], body["current_teacher_version"]) == (1, 2)
    assert "senior" in body["detail"]["zh"] and "first" in body["detail"]["en"]
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).title == "senior"
        assert session.get(Correction, proposal["id"]).status == "proposed"
        assert not session.exec(select(AuditLog).where(AuditLog.action == "accept")).first()
    rejected = client.post(
        f"/api/corrections/{proposal['id']}/reject",
        json={"note": "已按职称证书更新"},
        headers=district.headers["hr"],
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_accepting_after_a_change_of_another_field_applies_the_correction(
    client, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    teacher = district.teachers_a[1]
    proposal = _propose(client, district, teacher, "title", "一级教师")
    _hr_edit(client, district, teacher, is_head_teacher=True)
    accepted = client.post(
        f"/api/corrections/{proposal['id']}/accept", json={}, headers=district.headers["hr"]
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    with Session(engine) as session:
        refreshed = session.get(Teacher, teacher.id)
        assert (refreshed.title, refreshed.is_head_teacher, refreshed.version) == ("first", True, 3)


def test_a_proposed_birth_date_is_shown_as_its_month_except_to_who_may_unmask(
    client, district: District
) -> None:  # type: ignore[no-untyped-def]
    """A birth date correction proposes the day the ID number holds (an accepted one must
    agree with it): beside a fully masked number, clerks and auditors see birth dates as
    months everywhere — the teacher, the audit log and so the correction too. Reviewers, who
    may unmask ID numbers, see the proposed day they decide on."""
    teacher = district.teachers_a[1]
    proposal = _propose(client, district, teacher, "birth_date", "1990-05-17")
    assert proposal["proposed_value"] == "1990-05"  # the proposing clerk's own answer too
    seen = {}
    for role in ("clerk_a", "auditor", "hr", "admin"):
        one = client.get(f"/api/corrections/{proposal['id']}", headers=district.headers[role])
        listed = client.get("/api/corrections", headers=district.headers[role]).json()["data"]
        assert one.status_code == 200 and listed[0] == one.json()
        seen[role] = one.json()["proposed_value"]
    assert seen == {
        "clerk_a": "1990-05", "auditor": "1990-05", "hr": "1990-05-17", "admin": "1990-05-17"
    }  # fmt: skip


def test_an_outdated_birth_date_correction_shows_the_dates_on_file_as_months(
    client, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    """The refusal of an outdated correction quoted the birth date it was made against and the
    current one in full: the day the current ID number holds, to a reviewer without an
    unmasking. They are now months, as everywhere; the proposal stays as proposed (it is what
    the reviewer judges)."""
    teacher = district.teachers_a[0]  # 张三, born 1980-03-12, male
    before = dt.date(1980, 3, 12)
    day = 20
    proposal = _propose(client, district, teacher, "birth_date", before.replace(day=3).isoformat())
    _hr_edit(client, district, teacher, birth_date=before.replace(day=day).isoformat(),
             id_number=id_number(before.replace(day=day), 11))  # the number holds the day
    refused = client.post(
        f"/api/corrections/{proposal['id']}/accept", json={}, headers=district.headers["admin"]
    )
    body = refused.json()
    assert (refused.status_code, body.get("code")) == (409, "correction_outdated")
    month = before.isoformat()[:7]
    assert (body["proposal_based_on"], body["current_value"]) == (month, month)
    assert body["proposed_value"] == before.replace(day=3).isoformat()
    for shown in (before.isoformat(), before.replace(day=day).isoformat()):
        assert shown not in refused.text, shown
    assert month in body["detail"]["zh"] and month in body["detail"]["en"]
