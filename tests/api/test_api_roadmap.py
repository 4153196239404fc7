"""``/api/roadmap``: the personnel office gets the multi-year roadmap as JSON, the first year
checked; clerks and auditors are refused; bad input is named; nothing in the registry changes."""

from __future__ import annotations

import pytest
from conftest import District
from fastapi.testclient import TestClient
from plan_fixtures import build_plan_district
from sqlalchemy import func, select
from sqlmodel import Session

from workforce.models import AuditLog, RotationPlan, School


@pytest.fixture
def schools(district: District, engine) -> dict[str, School]:  # type: ignore[no-untyped-def]
    return build_plan_district(district, engine)


def _counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return (session.execute(select(func.count()).select_from(AuditLog)).scalar_one(),
                session.execute(select(func.count()).select_from(RotationPlan)).scalar_one())


def test_roadmap_for_the_personnel_office(client: TestClient, district, schools, engine):
    before = _counts(engine)
    answer = client.get("/api/roadmap", headers=district.headers["hr"],
                        params={"from": 2026, "years": 3, "time_limit_s": 30})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "optimal"
    assert [y["year"] for y in body["years"]] == [2026, 2027, 2028]
    assert [y["approved"] for y in body["years"]] == [True, False, False]
    assert body["first_year_findings"] == []
    assert body["first_year_plan"]["status"] in ("optimal", "feasible")
    first = body["years"][0]
    assert {q["name"] for q in first["quotas"]} >= {"quota.district_share", "quota.key_share"}
    assert all(q["met"] for q in first["quotas"])  # the first year's quotas are hard
    assert [lv["name"] for lv in body["objectives"]] == [
        "quota_shortfall", "rural_shortage_filled", "uncovered", "key_spread", "preference",
        "distance"]
    assert _counts(engine) == before


@pytest.mark.parametrize("role", ["clerk_r1", "auditor"])
def test_clerks_and_auditors_are_refused(client: TestClient, district, schools, role):
    answer = client.get("/api/roadmap", headers=district.headers[role], params={"from": 2026})
    assert answer.status_code == 403


def test_bad_input_is_named(client: TestClient, district, schools):
    too_long = client.get("/api/roadmap", headers=district.headers["hr"],
                          params={"from": 2026, "years": 7})
    county = client.get("/api/roadmap", headers=district.headers["hr"],
                        params={"from": 2026, "county": "某县"})
    assert (too_long.status_code, county.status_code) == (422, 422)
    assert "规划年数须为 1–6（交流期加冷静期），不能为 7" in too_long.text
    assert "某县" in county.text
