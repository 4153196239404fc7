"""``/api/whatif``: the personnel office asks who could fill a vacancy and where a teacher could
go; the figures are those of a real re-solve with the move pinned; clerks and auditors are
refused; a question changes nothing in the registry."""

from __future__ import annotations

import pytest
from conftest import District
from fastapi.testclient import TestClient
from plan_fixtures import build_plan_district, keep_plan
from sqlalchemy import func, select
from sqlmodel import Session

from optimizer import Pin, SolveSettings, solve
from workforce.models import AuditLog, RotationPlan, School
from workforce.plans import load_plan


@pytest.fixture
def schools(district: District, engine) -> dict[str, School]:  # type: ignore[no-untyped-def]
    return build_plan_district(district, engine)


def _counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return (session.execute(select(func.count()).select_from(AuditLog)).scalar_one(),
                session.execute(select(func.count()).select_from(RotationPlan)).scalar_one())


def test_candidates_for_a_vacancy_match_a_pinned_re_solve(client: TestClient, district, schools,
                                                          engine):
    plan_id = keep_plan(engine)
    before = _counts(engine)
    answer = client.get("/api/whatif/candidates", headers=district.headers["hr"],
                        params={"year": 2026, "school": "R1", "subject": "pe", "k": 3})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["base_plan_id"] == plan_id
    options = body["answer"]["options"]
    assert 0 < len(options) <= 3
    assert {o["from_school"] for o in options} == {"U1"}  # the surplus PE teachers
    with Session(engine) as session:
        instance, plan = load_plan(session.get(RotationPlan, plan_id))
    checked = 0
    for option in options:
        pinned = solve(instance.with_pins([Pin(kind="must_go", staff_no=option["staff_no"],
                                               school="R1")]), SolveSettings(time_limit_s=20))
        assert [lv["after"] for lv in option["levels"]] == [o.value for o in pinned.objectives]
        assert [lv["before"] for lv in option["levels"]] == [o.value for o in plan.objectives]
        checked += 1
    assert checked == len(options)
    reasons = {g["code"]: g for g in body["answer"]["excluded"]}
    assert reasons["eligibility.service_years"]["count"] > 0  # A001/B001 teachers too recent
    assert _counts(engine) == before  # a question changes nothing


def test_destinations_of_a_teacher(client: TestClient, district, schools, engine):
    keep_plan(engine)
    answer = client.get("/api/whatif/destinations", headers=district.headers["admin"],
                        params={"year": 2026, "staff_no": "UPE1"})
    assert answer.status_code == 200, answer.text
    options = answer.json()["answer"]["options"]
    destinations = {o["to_school"] for o in options}
    assert {"R1", "R2"} <= destinations and "U1" not in destinations
    assert all(o["status"] in ("optimal", "feasible") for o in options)
    assert all(o["staff_no"] == "UPE1" and o["subject"] == "pe" for o in options)


def test_without_a_kept_plan_one_is_solved_and_not_kept(client: TestClient, district, schools,
                                                        engine):
    before = _counts(engine)
    answer = client.get("/api/whatif/candidates", headers=district.headers["hr"],
                        params={"year": 2026, "school": "R2", "subject": "pe", "k": 2})
    assert answer.status_code == 200, answer.text
    assert answer.json()["base_plan_id"] is None
    assert answer.json()["answer"]["options"]
    assert _counts(engine) == before


@pytest.mark.parametrize("role", ["clerk_a", "clerk_r1", "auditor"])
def test_only_the_personnel_office_may_ask(client: TestClient, district, schools, engine, role):
    keep_plan(engine)
    for path, params in (("candidates", {"school": "R1", "subject": "pe"}),
                         ("destinations", {"staff_no": "UPE1"})):
        answer = client.get(f"/api/whatif/{path}", headers=district.headers[role],
                            params={"year": 2026, **params})
        assert answer.status_code == 403, (role, path, answer.text)


def test_an_unknown_school_or_teacher_is_named(client: TestClient, district, schools, engine):
    keep_plan(engine)
    hr = district.headers["hr"]
    bad_school = client.get("/api/whatif/candidates", headers=hr,
                            params={"year": 2026, "school": "ZZ9", "subject": "pe"})
    bad_teacher = client.get("/api/whatif/destinations", headers=hr,
                             params={"year": 2026, "staff_no": "NOBODY"})
    assert (bad_school.status_code, bad_teacher.status_code) == (422, 422)
    assert "ZZ9" in bad_school.text and "NOBODY" in bad_teacher.text


def test_a_from_date_outside_the_year_is_refused_by_name(client: TestClient, district, schools,
                                                         engine):
    keep_plan(engine)
    hr = district.headers["hr"]
    later = client.get("/api/whatif/destinations", headers=hr,
                       params={"year": 2026, "staff_no": "UPE1", "from": "2026-11-02"})
    outside = client.get("/api/whatif/destinations", headers=hr,
                         params={"year": 2026, "staff_no": "UPE1", "from": "2027-09-01"})
    assert later.status_code == 200, later.text
    assert later.json()["answer"]["as_of"] == "2026-11-02"
    assert outside.status_code == 422
    assert outside.json()["code"] == "whatif_invalid" and "2027-09-01" in outside.text


def test_policy_simulation_is_the_changed_plan_beside_the_current(client: TestClient, district,
                                                                 schools, engine):
    from optimizer.simulate import PolicyChanges, changed_instance

    plan_id = keep_plan(engine)
    before = _counts(engine)
    answer = client.get("/api/whatif/policy", headers=district.headers["hr"], params={
        "year": 2026, "rule": ["quotas.school_share=0.15", "objective.subject_weights.pe=9"],
        "posts": ["R1=+1"], "time_limit_s": 20})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["base_plan_id"] == plan_id
    with Session(engine) as session:
        instance, plan = load_plan(session.get(RotationPlan, plan_id))
    changed, _ = changed_instance(instance, PolicyChanges(
        rules={"quotas.school_share": 0.15, "objective.subject_weights.pe": 9},
        post_ceilings={"R1": 1}))
    direct = solve(changed, SolveSettings(time_limit_s=20))
    simulation, comparison = body["simulation"], body["comparison"]
    assert [lv["after"] for lv in simulation["levels"]] == [o.value for o in direct.objectives]
    assert [lv["before"] for lv in simulation["levels"]] == [o.value for o in plan.objectives]
    assert {c["key"] for c in simulation["changes"]} == {
        "quotas.school_share", "objective.subject_weights.pe", "post_ceiling"}
    # the side by side adds up: every move of either plan is added, dropped, redirected or same
    kept = comparison["same"] + len(comparison["changed"])
    assert kept + len(comparison["only_in_a"]) == len(plan.moves)
    assert kept + len(comparison["only_in_b"]) == len(direct.moves)
    assert sum(s["filled_after"] for s in simulation["subjects"]) == sum(
        s.filled for s in direct.shortages)
    assert _counts(engine) == before  # a simulation changes nothing


def test_marginal_values_name_the_rule_and_are_checked(client: TestClient, district, schools,
                                                       engine):
    keep_plan(engine)
    answer = client.get("/api/whatif/marginal", headers=district.headers["hr"],
                        params={"year": 2026, "top": 5})
    assert answer.status_code == 200, answer.text
    values = answer.json()["marginal"]
    assert values["caveat_zh"].startswith("对偶值是局部变化率")
    assert 0 < len(values["entries"]) <= 5
    assert values["checked"] == len(values["entries"])
    for entry in values["entries"]:
        assert entry["rule_zh"] and entry["rule_en"] and entry["source"]
        assert entry["zh"] and "[" not in entry["zh"] and "_" not in entry["zh"]
        assert entry["checked_feasible"] is not None


def test_bad_policy_changes_and_roles_are_refused(client: TestClient, district, schools,
                                                  engine):
    keep_plan(engine)
    hr = district.headers["hr"]
    for params, named in (({"rule": "quotas.urban_share=0.2"}, "quotas.urban_share"),
                          ({"rule": "quotas.school_share=2"}, "quotas.school_share"),
                          ({"posts": "ZZ9=+1"}, "ZZ9")):
        answer = client.get("/api/whatif/policy", headers=hr, params={"year": 2026, **params})
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "whatif_invalid" and named in answer.text
    bad_level = client.get("/api/whatif/marginal", headers=hr,
                           params={"year": 2026, "level": "speed"})
    assert bad_level.status_code == 422
    for role in ("clerk_a", "auditor"):
        for path in ("policy", "marginal"):
            answer = client.get(f"/api/whatif/{path}", headers=district.headers[role],
                                params={"year": 2026})
            assert answer.status_code == 403, (role, path)


def _alias_bomb(levels: int) -> str:
    """A YAML list of ``levels`` nested lists of nine aliases each: a few hundred bytes that
    stand for 9^levels items once the aliases are followed."""
    parts = ["&a0 [x,x,x,x,x,x,x,x,x]"]
    parts += [f"&a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


def test_a_yaml_alias_in_a_rule_value_is_refused_unexpanded(client: TestClient, district,
                                                             schools, engine):
    """A rule value is YAML; an alias makes a few hundred bytes stand for millions of items,
    which the error message quoting the value expanded (9 levels: 7 GB before the process ran
    out of memory). Every alias is refused with the rule named, the answer short."""
    keep_plan(engine)
    values = (_alias_bomb(7), "[&x 1, *x]", "{a: &x 0.1, b: *x}", "&x [1, *x]")
    checked = 0
    for value in values:
        answer = client.get("/api/whatif/policy", headers=district.headers["hr"],
                            params={"year": 2026, "rule": f"quotas.school_share={value}"})
        assert answer.status_code == 422, answer.text[:300]
        body = answer.json()
        assert body["code"] == "whatif_invalid"
        assert "quotas.school_share" in body["detail"]["zh"] and "别名" in body["detail"]["zh"]
        assert "alias" in body["detail"]["en"]
        assert len(answer.content) < 2_000
        checked += 1
    assert checked == 4
