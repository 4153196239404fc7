"""Qualification indicators on a district built by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.reports.qualifications import qualifications_report

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    kinder = build.school("K1", level="kindergarten")
    primary = build.school("P1", level="primary")
    rural = build.school("P2", level="primary", zone="rural")
    nine = build.school("N1", level="nine_year", zone="rural")
    senior = build.school("S1", level="senior")
    special = build.school("X1", level="special")
    k1 = build.teacher(kinder, education="associate", main_subject="preschool")
    build.certificate(k1, "kindergarten", "preschool")
    build.teacher(kinder, education="secondary_vocational", main_subject="preschool")
    build.teacher(primary, education="bachelor")
    build.teacher(primary, education="master")
    build.teacher(primary, education="associate")
    build.teacher(rural, education=None)  # no recorded education: not qualified
    build.teacher(primary, education="doctorate", status="retired")  # not counted
    upper = build.teacher(nine, education="bachelor")  # junior certificate → junior stage
    build.certificate(upper, "junior", "chinese")
    lower = build.teacher(nine, education="associate")  # primary certificate → primary stage
    build.certificate(lower, "primary", "chinese")
    build.teacher(senior, education="master")
    for _ in range(4):
        build.teacher(senior, education="bachelor")
    build.teacher(special, education="bachelor")
    build.session.commit()


def _rows(report, view):  # type: ignore[no-untyped-def]
    return {r["indicator"]["zh"]: r for r in report.view(view).rows}


def test_rates_now_by_stage_and_zone(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(qualifications_report(session, as_of=AS_OF), "qualifications.indicators")
    kinder = rows["幼儿园专任教师大专以上学历比例"]
    assert (kinder["teachers"], kinder["qualified"], kinder["rate"]) == (2, 1, 0.5)
    assert rows["幼儿园专任教师持有教师资格证比例"]["rate"] == 0.5
    primary = rows["小学专任教师本科以上学历比例"]
    # P1: bachelor, master, associate; P2: none recorded; N1 lower: associate → 2 of 5
    assert (primary["teachers"], primary["qualified"], primary["rate"]) == (5, 2, 0.4)
    assert primary["urban_rate"] == pytest.approx(2 / 3)
    assert primary["rural_rate"] == 0
    junior = rows["初中专任教师本科率"]
    assert (junior["teachers"], junior["rate"]) == (1, 1.0)
    senior = rows["高中阶段学校专任教师研究生以上学历比例"]
    assert senior["rate"] == pytest.approx(0.2)  # 1 of 5: between annex 2's 15% and annex 1's 25%


def test_both_targets_and_both_baselines_each_with_its_source(session, district) -> None:  # type: ignore[no-untyped-def]
    report = qualifications_report(session, as_of=AS_OF)
    rows = [
        r
        for r in report.view("qualifications.targets").rows
        if r["indicator"]["zh"] == "小学专任教师本科以上学历比例"
    ]
    targets = {(r["figure"], r["source"][:7]) for r in rows if r["figure_kind"] == "target"}
    assert targets == {(0.75, "规划附件1 主"), (0.70, "规划附件2（二")}
    assert {r["meets"] for r in rows if r["figure_kind"] == "target"} == {False}
    assert next(r for r in rows if r["figure"] == 0.70)["rate_gap"] == -30.0
    senior = [
        r
        for r in report.view("qualifications.targets").rows
        if r["indicator"]["zh"].startswith("高中") and r["figure_kind"] == "target"
    ]
    assert sorted(r["figure"] for r in senior) == [0.15, 0.25]
    assert [r["meets"] for r in sorted(senior, key=lambda r: r["figure"])] == [True, False]
    baselines = [
        r["figure"]
        for r in report.view("qualifications.targets").rows
        if r["indicator"]["zh"] == "初中专任教师本科率" and r["figure_kind"] == "baseline"
    ]
    assert baselines == [0.8615, 0.962]


def test_per_school_rates(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = {
        r["school_code"]: r
        for r in qualifications_report(session, as_of=AS_OF).view("qualifications.schools").rows
    }
    assert "X1" not in rows  # special school: no stage
    assert rows["N1"]["primary_bachelor_plus"] == 0 and rows["N1"]["junior_bachelor_plus"] == 1
    assert rows["P1"]["primary_bachelor_plus"] == pytest.approx(2 / 3)
    assert rows["P1"]["senior_postgraduate"] is None


def test_people_hired_after_the_date_are_not_counted(session, build) -> None:  # type: ignore[no-untyped-def]
    primary = build.school("P1", level="primary")
    build.teacher(primary, education="associate", first_employed_on=dt.date(2010, 9, 1))
    build.teacher(primary, education="master", first_employed_on=dt.date(2025, 9, 1))
    # no first-employment date: joining the school after the date tells the same
    build.teacher(
        primary, education="master", first_employed_on=None, joined_school_on=dt.date(2025, 9, 1)
    )
    build.session.commit()
    counted = []
    for day, expected in ((dt.date(2025, 6, 30), (1, 0)), (dt.date(2025, 12, 31), (3, 2))):
        rows = _rows(qualifications_report(session, as_of=day), "qualifications.indicators")
        row = rows["小学专任教师本科以上学历比例"]
        counted.append((row["teachers"], row["qualified"]))
        assert (row["teachers"], row["qualified"]) == expected, day
    assert len(counted) == 2
