"""A prefecture city: one rotation per county, solved side by side, one draft per county."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from optimizer import SolveSettings, check_plan, solve
from optimizer.parallel import solve_many
from workforce.cli import app
from workforce.models import Designation, RotationPlan, RotationWish, School, Teacher
from workforce.plans import PlanError, approve_plan
from workforce.plans.counties import propose_county_plans
from workforce.snapshot import NO_COUNTY, build_instance, counties

from ..district import add_school, add_teacher

FAST = SolveSettings(time_limit_s=20)


def add_county(session, prefix: str, county: str | None, lon: float = 114.70) -> None:
    """The small district of tests/workforce/district.py under other codes, in `county`: an
    urban quality school with surplus PE teachers (one a key teacher) and two rural schools
    short of PE."""
    urban = add_school(session, f"{prefix}U1", county=county, is_quality=True, lon=lon)
    rural = [
        add_school(session, f"{prefix}R{n}", county=county, zone="rural", town="埔前",
                   lat=23.80 - 0.15 * n, lon=lon + 0.1, classes_by_grade=[1] * 6, pupils=200)
        for n in (1, 2)
    ]
    for n in range(6):
        teacher = add_teacher(session, f"{prefix}UPE{n}", urban, main_subject="pe")
        if n == 0:
            session.add(Designation(teacher_id=teacher.id, kind="key_teacher", tier="district",
                                    subject="pe", term_start=dt.date(2024, 9, 1),
                                    term_end=dt.date(2027, 8, 31)))
    for n in range(6):
        add_teacher(session, f"{prefix}UMA{n}", urban)
    for school in rural:
        for n in range(4):
            add_teacher(session, f"{school.code}T{n}", school, joined_school_on=dt.date(2022, 9, 1))
    session.flush()


def _city(session) -> None:
    add_county(session, "A", "东源县")
    add_county(session, "B", "和平县", lon=115.0)
    session.commit()


@pytest.mark.postgres
def test_counties_are_listed_and_a_county_instance_keeps_to_its_schools(session):
    add_county(session, "A", "东源县")
    add_county(session, "B", "和平县", lon=115.0)
    add_county(session, "C", None, lon=114.5)
    school = {s.code: s for s in session.exec(select(School))}
    wisher = session.exec(select(Teacher).where(Teacher.staff_no == "AUPE1")).one()
    for rank, code in ((1, "BR1"), (2, "AR2")):  # one wish across the county border
        session.add(RotationWish(teacher_id=wisher.id, year=2026, rank=rank,
                                 school_id=school[code].id))
    session.commit()
    assert school["AU1"].county == "东源县" and school["CU1"].county is None
    assert counties(session) == [NO_COUNTY, "东源县", "和平县"]
    a = build_instance(session, year=2026, county="东源县")
    assert {s.code for s in a.schools} == {"AU1", "AR1", "AR2"}
    assert {t.school for t in a.teachers} == {"AU1", "AR1", "AR2"}
    own = a.teacher_by_staff_no["AUPE1"]
    assert own.wishes == ["AR2"] and own.volunteer  # the wish across the border is dropped
    unrecorded = build_instance(session, year=2026, county=NO_COUNTY)
    assert {s.code for s in unrecorded.schools} == {"CU1", "CR1", "CR2"}
    everything = build_instance(session, year=2026)
    assert len(everything.schools) == 9
    assert everything.teacher_by_staff_no["AUPE1"].wishes == ["BR1", "AR2"]


@pytest.mark.postgres
def test_one_draft_per_county_solved_in_a_process_pool(session):
    _city(session)
    kept = propose_county_plans(session, year=2026, actor="hr", settings=FAST, workers=2)
    session.commit()
    assert [county for county, *_ in kept] == ["东源县", "和平县"]
    for county, record, instance, plan in kept:
        assert record.county == county and record.status == "draft"
        assert plan.status == "optimal" and plan.moves and not check_plan(instance, plan)
        prefix = "A" if county == "东源县" else "B"
        assert all(m.from_school.startswith(prefix) and m.to_school.startswith(prefix)
                   for m in plan.moves)
        # the pool's plan is the plan a solve in this process finds
        alone = solve(instance, FAST)
        assert [(m.staff_no, m.to_school) for m in alone.moves] == [
            (m.staff_no, m.to_school) for m in plan.moves]
    # approving one county's draft leaves the other county's draft a draft
    approve_plan(session, kept[0][1].id, actor="hr", comment="东源县方案同意")
    session.commit()
    statuses = {r.county: r.status for r in session.exec(select(RotationPlan))}
    assert statuses == {"东源县": "approved", "和平县": "draft"}


def test_only_the_named_county_and_an_unknown_one_is_refused(session):
    _city(session)
    kept = propose_county_plans(session, year=2026, actor="hr", settings=FAST, only=["和平县"])
    assert [(c, r.county) for c, r, *_ in kept] == [("和平县", "和平县")]
    with pytest.raises(PlanError) as error:
        propose_county_plans(session, year=2026, actor="hr", settings=FAST, only=["龙川县"])
    assert "龙川县" in error.value.zh and "东源县、和平县" in error.value.zh
    assert "龙川县" in error.value.en


def test_a_registry_without_counties_gets_one_plan_as_before(session):
    add_county(session, "A", None)
    session.commit()
    kept = propose_county_plans(session, year=2026, actor="hr", settings=FAST)
    assert len(kept) == 1 and kept[0][0] is None and kept[0][1].county is None
    assert kept[0][3].status == "optimal"


def test_solve_many_with_any_executor_keeps_the_order(session):
    _city(session)
    instances = [build_instance(session, year=2026, county=c) for c in ("和平县", "东源县")]
    with ThreadPoolExecutor(2) as pool:
        plans = solve_many(instances, FAST, executor=pool)
    assert len(plans) == 2
    for instance, plan in zip(instances, plans, strict=True):
        codes = {s.code for s in instance.schools}
        assert plan.status == "optimal" and {m.to_school for m in plan.moves} <= codes
    assert solve_many([], FAST) == []


def test_plan_command_by_county(engine, tmp_path):
    from sqlmodel import Session

    with Session(engine) as session:
        _city(session)
    runner = CliRunner()
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "--year", "2026", "--time-limit", "20", "--workers",
                                 "2", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "【东源县】" in result.output and "【和平县】" in result.output
    assert "合计：2 个县（区）" in result.output and "2 份方案已证明最优" in result.output
    assert (tmp_path / "plan-东源县.json").exists() and (tmp_path / "plan-和平县.json").exists()
    one = runner.invoke(app, ["plan", "--year", "2026", "--county", "和平县", "--lang", "en"],
                        catch_exceptions=False)
    assert one.exit_code == 0 and "[和平县]" in one.output and "东源县" not in one.output
    listed = runner.invoke(app, ["plans", "list", "--year", "2026"], catch_exceptions=False)
    header, *rows = [line.split("\t") for line in listed.output.splitlines()]
    assert header == ["方案", "县（区）", "状态", "求解结果", "交流人数", "生成人", "时间"]
    assert sorted(r[1] for r in rows) == ["东源县", "和平县", "和平县"]
    assert {(r[2], r[3]) for r in rows} == {("草稿", "最优")}
    bad = runner.invoke(app, ["plan", "--year", "2026", "--county", "龙川县"])
    assert bad.exit_code != 0 and "龙川县" in bad.output


@pytest.mark.postgres
def test_every_county_applies_its_own_plan_of_the_year(session):
    from workforce.plans import apply_plan
    from workforce.plans.lifecycle import applied_plan_over

    _city(session)
    kept = propose_county_plans(session, year=2026, actor="hr", settings=FAST)
    session.commit()
    assert len(kept) == 2
    for county, record, *_ in kept:
        approve_plan(session, record.id, actor="hr", comment=f"{county}方案同意")
        apply_plan(session, record.id, actor="hr")
        session.commit()
    statuses = {r.county: r.status for r in session.exec(select(RotationPlan))}
    assert statuses == {"东源县": "applied", "和平县": "applied"}
    for county, record, *_ in kept:
        assert applied_plan_over(session, 2026, county).id == record.id
    # a whole registry's plan holds every county's teachers: it would be a supplementary one
    assert applied_plan_over(session, 2026, None).id == kept[0][1].id
    # a county's second plan of the year is still refused without the supplementary choice
    (_, again, *_), = propose_county_plans(session, year=2026, actor="hr", settings=FAST,
                                           only=["东源县"])  # fmt: skip
    with pytest.raises(PlanError) as error:
        approve_plan(session, again.id, actor="hr", comment="再来一份")
    assert error.value.key == "year_applied"


@pytest.mark.postgres
def test_a_what_if_question_is_asked_of_its_own_countys_plan(session):
    from workforce.plans.whatif import ask

    _city(session)
    kept = {c: r for c, r, *_ in propose_county_plans(session, year=2026, actor="hr",
                                                     settings=FAST)}  # fmt: skip
    session.commit()
    assert set(kept) == {"东源县", "和平县"}
    checked = 0
    for county, school, staff_no in (("东源县", "AR1", "AUPE1"), ("和平县", "BR1", "BUPE1")):
        base_id, answer = ask(session, question="candidates", year=2026, school=school,
                              subject="pe", k=2)  # fmt: skip
        assert base_id == kept[county].id and answer.options
        base_id, _ = ask(session, question="destinations", year=2026, staff_no=staff_no, k=2)
        assert base_id == kept[county].id
        checked += 1
    assert checked == 2


@pytest.mark.postgres
def test_a_what_if_is_never_asked_of_a_plan_of_the_whole_city(session):
    """A plan of the whole registry (county None: one instance with every county's teachers,
    made before the counties were recorded or by hand) is newer than the counties' own; a
    question about a county's school is still asked of that county's plan, and one about a
    school whose county is not recorded of a plan of those schools only."""
    from workforce.plans import propose_plan
    from workforce.plans.whatif import ask

    _city(session)
    add_county(session, "C", None, lon=114.5)
    session.commit()
    kept = {c: r for c, r, *_ in propose_county_plans(session, year=2026, actor="hr",
                                                     settings=FAST, only=["东源县", "和平县"])}
    # a whole-city plan can no longer be asked for (county_required); as one made before the
    # counties were recorded, from the whole registry's instance
    whole, instance, _ = propose_plan(session, year=2026, actor="hr", settings=FAST,
                                      instance=build_instance(session, year=2026))  # fmt: skip
    session.commit()
    assert whole.county is None and len(instance.schools) == 9
    asked = []
    for county, school, staff_no in (("东源县", "AR1", "AUPE1"), ("和平县", "BR1", "BUPE1")):
        base_id, _ = ask(session, question="candidates", year=2026, school=school,
                         subject="pe", k=1)
        asked.append(base_id == kept[county].id)
        base_id, _ = ask(session, question="destinations", year=2026, staff_no=staff_no, k=1)
        asked.append(base_id == kept[county].id)
    assert asked == [True] * 4
    base_id, answer = ask(session, question="candidates", year=2026, school="CR1",
                          subject="pe", k=1)
    assert base_id is None  # solved now, of the unrecorded schools only
    assert answer.options and {o.staff_no[0] for o in answer.options} == {"C"}
    unrecorded = propose_county_plans(session, year=2026, actor="hr", settings=FAST,
                                      only=[NO_COUNTY])
    session.commit()
    base_id, _ = ask(session, question="candidates", year=2026, school="CR1", subject="pe", k=1)
    assert base_id == unrecorded[0][1].id != whole.id


@pytest.mark.postgres
def test_a_school_without_class_counts_holds_up_only_its_own_countys_plans(session):
    from workforce.plans import apply_plan

    _city(session)
    kept = propose_county_plans(session, year=2026, actor="hr", settings=FAST, only=["东源县"])
    (_, record, *_), = kept
    approve_plan(session, record.id, actor="hr", comment="东源县方案同意")
    session.commit()
    add_school(session, "BNEW", county="和平县", name="新建小学", classes_by_grade=[])
    session.commit()
    # the other county's new school has no class counts: this county still solves and applies
    (_, other, *_), = propose_county_plans(session, year=2026, actor="hr", settings=FAST,
                                           only=["东源县"])  # fmt: skip
    assert other.moves > 0
    apply_plan(session, record.id, actor="hr")
    session.commit()
    assert session.get(RotationPlan, record.id).status == "applied"
    # and its own county is told which school to fix
    from workforce.rules.demand import DemandError

    with pytest.raises(DemandError) as error:
        build_instance(session, year=2026, county="和平县")
    assert "新建小学（BNEW）" in error.value.zh


def test_a_roadmap_names_the_counties_to_choose_from_and_the_unrecorded_schools(session):
    """A roadmap (as a plan) is of one county: without one, a registry of two counties is
    refused naming both, with the plan's own refusal; schools without a county recorded are a
    group of their own, so they too make a county necessary, and the refusal names them."""
    from workforce.plans.roadmap import RoadmapError, roadmap_from_registry

    _city(session)
    session.commit()
    with pytest.raises(RoadmapError) as two:
        roadmap_from_registry(session, first_year=2026, years=2, county=None, time_limit_s=5)
    assert "东源县、和平县" in two.value.zh and "方案须按县（区）分别编制" in two.value.zh
    assert "东源县, 和平县" in two.value.en and "未登记" not in two.value.zh
    add_county(session, "C", None, lon=114.5)
    session.commit()
    with pytest.raises(RoadmapError) as unrecorded:
        roadmap_from_registry(session, first_year=2026, years=2, county=None, time_limit_s=5)
    assert "未登记县（区）的学校" in unrecorded.value.zh
    assert "schools without a county" in unrecorded.value.en
    with pytest.raises(RoadmapError) as unknown:
        roadmap_from_registry(session, first_year=2026, years=2, county="龙川县", time_limit_s=5)
    assert "龙川县" in unknown.value.zh
