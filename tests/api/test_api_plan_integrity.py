"""The plans API's integrity rules: apply refuses (409) when the registry changed so that a
move no longer keeps the rules, naming each teacher and rule; once the year's plan is applied,
solving or approving another needs the supplementary choice; with the second-person setting
the drafter cannot approve; the dashboard shows the year's applied plan."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import District
from plan_fixtures import build_plan_district, keep_plan
from sqlalchemy import update
from sqlmodel import Session, select

from api.pages.dashboard_figures import latest_plan
from workforce.models import AuditLog, Exemption, RotationPlan, Teacher


@pytest.fixture
def hr(district: District, engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    build_plan_district(district, engine)
    return district.headers["hr"]


def test_apply_names_each_teacher_and_rule_the_registry_now_breaks(client, hr, engine):
    plan_id = keep_plan(engine, status="approved")
    moves = client.get(f"/api/plans/{plan_id}", headers=hr).json()["plan"]["moves"]
    exempted = moves[:2]
    with Session(engine) as session:
        for move in exempted:
            staff_no = move["staff_no"]
            teacher = session.exec(select(Teacher).where(Teacher.staff_no == staff_no)).one()
            session.add(
                Exemption(
                    teacher_id=teacher.id,
                    reason="illness",
                    from_on=dt.date(2026, 6, 1),
                    until_on=dt.date(2027, 8, 31),
                )
            )
        session.commit()
        audit_before = len(session.exec(select(AuditLog)).all())
    refused = client.post(f"/api/plans/{plan_id}/apply", headers=hr)
    body = refused.json()
    assert (refused.status_code, body["code"]) == (409, "rules_now_broken")
    named = [(t["staff_no"], t["name"], t["rule"]) for t in body["teachers"]]
    assert named == [(m["staff_no"], m["name"], "eligibility.exemption") for m in exempted]
    for move in exempted:
        assert f"{move['staff_no']} {move['name']}" in body["detail"]["zh"]
        assert f"{move['staff_no']} {move['name']}" in body["detail"]["en"]
    assert client.get(f"/api/plans/{plan_id}", headers=hr).json()["registry"]["status"] == (
        "approved"
    )
    with Session(engine) as session:
        assert len(session.exec(select(AuditLog)).all()) == audit_before


def test_an_applied_year_needs_the_supplementary_choice(client, hr, engine):
    applied_id = keep_plan(engine, status="approved")
    assert client.post(f"/api/plans/{applied_id}/apply", headers=hr).status_code == 200
    draft_id = keep_plan(engine)
    solve = client.post("/api/plans/jobs", headers=hr, json={"year": 2026, "time_limit_s": 1})
    assert (solve.status_code, solve.json()["code"]) == (409, "year_applied")
    assert "补充方案" in solve.json()["detail"]["zh"]
    resolve = client.post(f"/api/plans/{draft_id}/resolve", headers=hr, json={"time_limit_s": 1})
    assert (resolve.status_code, resolve.json()["code"]) == (409, "year_applied")
    approve = client.post(
        f"/api/plans/{draft_id}/approve",
        headers={**hr, "If-Match": '"1"'},
        json={"comment": "同意"},
    )
    assert (approve.status_code, approve.json()["code"]) == (409, "year_applied")
    # the draft was solved on the registry before the application moved its teachers: not
    # even as a supplementary plan (it would carry out the same rotation again)
    supplementary = client.post(
        f"/api/plans/{draft_id}/approve",
        headers={**hr, "If-Match": '"1"'},
        json={"comment": "补充交流", "supplementary": True},
    )
    assert supplementary.status_code == 409, supplementary.text
    assert supplementary.json()["code"] == "instance_before_applied"
    moved = client.get(f"/api/plans/{applied_id}", headers=hr).json()["plan"]["moves"]
    named = [t["staff_no"] for t in supplementary.json()["teachers"]]
    assert named == [m["staff_no"] for m in moved] and len(named) > 0
    other_year = client.post(
        "/api/plans/jobs",
        headers=hr,
        json={"year": 2027, "time_limit_s": 1, "supplementary": True},
    )
    assert (other_year.status_code, other_year.json()["code"]) == (409, "nothing_to_supplement")
    with Session(engine) as session:
        assert latest_plan(session, 2026).id == applied_id  # the dashboard's plan


def test_the_dashboard_shows_the_applied_plan_not_a_newer_draft(engine, hr):
    applied_id = keep_plan(engine, status="draft")
    newer_id = keep_plan(engine)
    with Session(engine) as session:
        session.execute(
            update(RotationPlan).where(RotationPlan.id == applied_id).values(status="applied")
        )
        session.commit()
        shown = latest_plan(session, 2026)
    assert newer_id > applied_id and (shown.id, shown.status) == (applied_id, "applied")


def test_with_second_person_approval_the_drafter_cannot_approve(client, district, hr, engine, env):
    env.setenv("WORKFORCE_PLAN_APPROVAL_SECOND_PERSON", "true")
    from workforce import config

    config.get_settings.cache_clear()
    with Session(engine) as session:
        plan_id = keep_plan(engine)
        session.execute(
            update(RotationPlan).where(RotationPlan.id == plan_id).values(created_by="hr")
        )
        session.commit()
    refused = client.post(
        f"/api/plans/{plan_id}/approve",
        headers={**hr, "If-Match": '"1"'},
        json={"comment": "同意"},
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "drafter_cannot_approve")
    approved = client.post(
        f"/api/plans/{plan_id}/approve",
        headers={**district.headers["admin"], "If-Match": '"1"'},
        json={"comment": "复核同意"},
    )
    assert approved.status_code == 200
    assert (approved.json()["approved_by"], approved.json()["approval_comment"]) == (
        "admin",
        "复核同意",
    )


def test_a_county_plan_applied_counts_for_the_whole_registry_of_that_one_county(
    client, hr, engine
):
    """Every school carries the one county's name: the county's plan was applied (as
    ``workforce plan`` keeps it). The plans page, which solves the whole registry, says the
    year's plan is applied and offers the supplementary choice, and a solve of the whole
    registry without that choice is refused — the same teachers are not rotated twice."""
    from workforce.models import School

    with Session(engine) as session:
        for school in session.exec(select(School)):
            school.county = "源城区"
            session.add(school)
        session.commit()
    plan_id = keep_plan(engine, status="approved")
    with Session(engine) as session:
        session.execute(
            update(RotationPlan).where(RotationPlan.id == plan_id).values(county="源城区")
        )
        session.commit()
    assert client.post(f"/api/plans/{plan_id}/apply", headers=hr).status_code == 200
    page = client.get("/plans", params={"year": 2026}, headers=hr).text
    assert 'data-testid="year-applied"' in page and 'data-testid="solve-supplementary"' in page
    assert f'href="/plans/{plan_id}"' in page
    solve = client.post("/api/plans/jobs", headers=hr, json={"year": 2026, "time_limit_s": 1})
    assert (solve.status_code, solve.json()["code"]) == (409, "year_applied")
    assert str(plan_id) in solve.json()["detail"]["zh"]
