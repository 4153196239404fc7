"""Reports of a city of two counties: each report limited to one county (``county=``) and its
by-county view, every county's figures recomputed here from the rows built (independently of
the report code) and summing to the whole; a registry without counties has no county view."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from workforce.reports.qualifications import qualifications_report
from workforce.reports.rotation import rotation_report
from workforce.reports.scope import ReportError
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import default_talent_targets, talent_report
from workforce.reports.training import training_report

AS_OF = dt.date(2025, 6, 30)
PAST = dt.date(2024, 3, 15)
COUNTIES = ("东源县", "和平县")


def _expected(k: int) -> dict[str, int]:
    """What county ``k`` was built with (see :func:`_county`)."""
    urban, rural = 8 + 4 * k, 5 + k
    return {
        "urban": urban,
        "teachers": urban + rural,
        "done": (urban + 1) // 2 + (rural + 1) // 2,  # every other teacher, from the first
        "key": 2 + k,
        "moved": 1 + k,
    }


def _county(build, k: int, county: str | None) -> None:  # type: ignore[no-untyped-def]
    """An urban quality primary school and a rural one; every other teacher has done the 360
    hours; the first 2 + k urban teachers are district key teachers; the first 1 + k of them
    were seconded to the rural school on 2024-09-01."""
    prefix = "AB"[k]
    urban = build.school(f"{prefix}U", county=county, is_quality=True, pupils=400 + 100 * k,
                         classes_by_grade=[2] * 6)  # fmt: skip
    rural = build.school(f"{prefix}R", county=county, zone="rural", town="源南", pupils=200,
                         classes_by_grade=[1] * 6)  # fmt: skip
    expected = _expected(k)
    for school, count in (
        (urban, expected["urban"]),
        (rural, expected["teachers"] - expected["urban"]),
    ):
        for n in range(count):
            teacher = build.teacher(school, staff_no=f"{school.code}{n:02d}")
            build.training(teacher, 360 if n % 2 == 0 else 100, dt.date(2023, 3, 1))
            build.certificate(teacher, "primary", "chinese", dt.date(2030, 1, 1))
            if school is urban and n < expected["key"]:
                build.designation(teacher, "key_teacher", "district", dt.date(2023, 1, 1),
                                  dt.date(2026, 12, 31))  # fmt: skip
            if school is urban and n < expected["moved"]:
                build.rotation(teacher, urban, rural, dt.date(2024, 9, 1),
                               planned_end=dt.date(2025, 8, 31))  # fmt: skip


@pytest.fixture
def city(build):  # type: ignore[no-untyped-def]
    for k, county in enumerate(COUNTIES):
        _county(build, k, county)
    build.session.commit()


def _rows(report, key: str, county: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return [r for r in report.view(key).rows if r["county"] == county]


@pytest.mark.parametrize("as_of", [AS_OF, PAST])
def test_training_by_county(session, city, as_of) -> None:  # type: ignore[no-untyped-def]
    whole = training_report(session, as_of=as_of)
    district = whole.view("training.district").rows[0]
    checked = 0
    for k, county in enumerate(COUNTIES):
        (row,) = _rows(whole, "training.counties", county)
        assert (row["scope_group"], row["teachers"], row["done"]) == (
            "headline", _expected(k)["teachers"], _expected(k)["done"])  # fmt: skip
        alone = training_report(session, as_of=as_of, county=county)
        assert alone.view("training.district").rows[0]["teachers"] == row["teachers"]
        assert alone.view("training.district").rows[0]["done"] == row["done"]
        assert {r["school_code"][0] for r in alone.view("training.teachers").rows} == {"AB"[k]}
        assert [v.key for v in alone.views] == [v.key for v in whole.views][:-1]
        assert alone.parameters["county"] == county and county in alone.scope.zh  # type: ignore[union-attr]
        checked += 1
    assert checked == 2
    rows = whole.view("training.counties").rows
    assert sum(r["teachers"] for r in rows) == district["teachers"] == 13 + 18
    assert sum(r["done"] for r in rows) == district["done"]


def test_talent_by_county(session, city) -> None:  # type: ignore[no-untyped-def]
    whole = talent_report(session, as_of=AS_OF)
    goals = {r["target_key"]["en"]: r for r in whole.view("talent.goals").rows}
    key_goal = next(g for g in goals if "key teachers" in g.lower() and "head" not in g.lower())
    rows = whole.view("talent.counties").rows
    assert [r["county"] for r in rows] == list(COUNTIES)
    for k, row in enumerate(rows):
        assert row["key_teachers"] == _expected(k)["key"]
        assert row["pupils"] == 400 + 100 * k + 200 and row["schools"] == 2
        assert row["evaluated_key_teachers"] == _expected(k)["key"]
        assert row["per_100_pupils"] == pytest.approx(100 * _expected(k)["key"] / row["pupils"])
        alone = talent_report(session, as_of=AS_OF, county=row["county"])
        assert alone.view("talent.per_100_district").rows[0]["key_teachers"] == _expected(k)["key"]
        current = {r["target_key"]["en"]: r["current"] for r in alone.view("talent.goals").rows}
        assert current[key_goal] == row["key_teachers"]
    assert sum(r["key_teachers"] for r in rows) == goals[key_goal]["current"] == 2 + 3
    summary = whole.view("talent.per_100_district").rows[0]
    assert sum(r["pupils"] for r in rows) == summary["pupils"]
    assert sum(r["evaluated_key_teachers"] for r in rows) == summary["key_teachers"]


def test_a_countys_talent_report_has_no_district_target(session, build) -> None:  # type: ignore[no-untyped-def]
    """The goals are the district's (700 区级骨干教师): a county's count against them read as
    falling short (the old code: 甲县 target 700, gap 697, not met, and the chart's 700 line).
    A county's report shows its counts and no target, gap, attainment or verdict; the scope
    line says why, and the chart draws no target line."""
    import matplotlib.pyplot as plt

    from workforce.reports.charts import CHARTS

    for county in ("甲县", "乙县"):
        school = build.school(f"{county}1", county=county)
        for _ in range(3):
            teacher = build.teacher(school)
            build.designation(teacher, "key_teacher", "district", dt.date(2021, 1, 1),
                              dt.date(2027, 12, 31))  # fmt: skip
    build.session.commit()
    as_of = dt.date(2026, 1, 31)
    whole = talent_report(session, as_of=as_of).view("talent.goals").rows[0]
    assert (whole["target"], whole["due_figure"], whole["gap"], whole["verdict"]) == (
        700, 6, 694, "not_met")  # fmt: skip
    report = talent_report(session, as_of=as_of, county="甲县")
    rows = report.view("talent.goals").rows
    assert all(
        (r["target"], r["gap"], r["attainment"], r["verdict"]) == (None, None, None, None)
        for r in rows
    )
    assert len(rows) == len(default_talent_targets().goals) == 8
    assert (rows[0]["due_figure"], rows[0]["current"]) == (3, 3)  # its own counts stay
    assert "目标为全区目标，不分县（区）" in report.scope.zh  # type: ignore[union-attr]
    assert "the targets are the district's" in report.scope.en  # type: ignore[union-attr]
    for language in ("zh", "en"):
        fig = CHARTS["talent"](report, language)
        try:
            ax = fig.axes[0]
            assert not [line for line in ax.get_lines() if line.get_linestyle() == "--"]
            assert ax.get_ylim()[1] < 10  # scaled to the county's 3, not to 700
            legend = [t.get_text() for t in ax.get_legend().get_texts()]
            assert not any("700" in t for t in legend), legend
        finally:
            plt.close(fig)


def test_qualifications_by_county(session, city) -> None:  # type: ignore[no-untyped-def]
    whole = qualifications_report(session, as_of=AS_OF)
    indicators = whole.view("qualifications.indicators").rows
    primary = [r for r in indicators if r["stage"] == "primary"]
    assert primary
    for indicator in primary:
        rows = [r for r in whole.view("qualifications.counties").rows
                if r["indicator"] == indicator["indicator"]]  # fmt: skip
        assert [r["teachers"] for r in rows] == [_expected(k)["teachers"] for k in (0, 1)]
        assert sum(r["qualified"] for r in rows) == indicator["qualified"]
        for row in rows:
            alone = qualifications_report(session, as_of=AS_OF, county=row["county"])
            (same,) = [r for r in alone.view("qualifications.indicators").rows
                       if r["indicator"] == indicator["indicator"]]  # fmt: skip
            assert (same["teachers"], same["qualified"], same["rate"]) == (
                row["teachers"], row["qualified"], row["rate"])  # fmt: skip


def test_staffing_by_county(session, city) -> None:  # type: ignore[no-untyped-def]
    whole = staffing_report(session, as_of=AS_OF)
    totals = {r["subject"]: r for r in whole.view("staffing.subject_totals").rows}
    checked = 0
    for subject, total in totals.items():
        rows = [r for r in whole.view("staffing.counties").rows if r["subject"] == subject]
        assert sum(r["in_post"] for r in rows) == total["in_post"]
        assert sum(r["schools_short"] for r in rows) == total["schools_short"]
        assert sum(r["need"] for r in rows) == pytest.approx(total["need"], abs=0.02)
        checked += 1
    chinese = {r["county"]: r["in_post"] for r in whole.view("staffing.counties").rows
               if r["subject"] == "chinese"}  # fmt: skip
    assert chinese == {c: _expected(k)["teachers"] for k, c in enumerate(COUNTIES)}
    assert checked == len(totals) >= 2
    alone = staffing_report(session, as_of=AS_OF, county="和平县")
    assert {r["school_code"] for r in alone.view("staffing.subjects").rows} == {"BU", "BR"}
    assert {r["subject"]: r["in_post"] for r in alone.view("staffing.subject_totals").rows} == {
        r["subject"]: r["in_post"] for r in _rows(whole, "staffing.counties", "和平县")}  # fmt: skip


def test_rotation_judged_per_county(session, city) -> None:  # type: ignore[no-untyped-def]
    whole = rotation_report(session, as_of=AS_OF)
    years = {r["year"]: r for r in whole.view("rotation.years").rows}
    county_rows = [r for r in whole.view("rotation.counties").rows if r["year"] == 2024]
    assert [r["county"] for r in county_rows] == list(COUNTIES)
    for k, row in enumerate(county_rows):
        expected = _expected(k)
        assert (row["established"], row["moved"], row["key_moved"]) == (
            expected["teachers"], expected["moved"], expected["moved"])  # fmt: skip
        assert row["district_quota"] == math.ceil(0.05 * expected["teachers"])
        assert row["district_met"] is (expected["moved"] >= row["district_quota"])
        assert (row["scope_schools"], row["scope_base"]) == (1, expected["urban"])
        alone = rotation_report(session, as_of=AS_OF, county=row["county"])
        same = next(r for r in alone.view("rotation.years").rows if r["year"] == 2024)
        assert same == {k: v for k, v in row.items() if k != "county"}
        assert {r["school_code"] for r in alone.view("rotation.schools").rows} == {"AB"[k] + "U"}
    for key in ("established", "moved", "key_moved", "scope_base", "scope_moved"):
        assert sum(r[key] for r in county_rows) == years[2024][key], key
    # 13 在编 teachers need 1 move (met by 1), 18 need 1 (met by 2): both met; the whole's 31
    # need 2 (3 moved) — judged per county, the verdicts are the counties' own.
    assert [r["district_met"] for r in county_rows] == [True, True]
    schools = whole.view("rotation.schools")
    assert "county" in [c.key for c in schools.columns]
    assert {(r["school_code"], r["county"]) for r in schools.rows} == {
        ("AU", "东源县"), ("BU", "和平县")}  # fmt: skip
    past = rotation_report(session, as_of=PAST)
    past_rows = [r for r in past.view("rotation.counties").rows if r["year"] == 2024]
    assert [r["year_status"] for r in past_rows] == ["not_yet_due"] * 2
    assert [r["moved"] for r in past_rows] == [0, 0]  # the secondments start after PAST


def test_the_whole_city_row_is_judged_as_the_counties_are(session, build) -> None:  # type: ignore[no-untyped-def]
    """With counties the whole registry's row sums the counties' quotas and is met only when
    every county is (the note says so). The old code pooled the city: ⌈5% × 20⌉ = 1 quota,
    met by 甲县's one move, while 乙县 (quota 1, no move) fell short."""
    a_urban = build.school("A1", county="甲县", zone="urban")
    a_rural = build.school("A2", county="甲县", zone="rural", town="源南")
    b_urban = build.school("B1", county="乙县", zone="urban")
    build.school("B2", county="乙县", zone="rural", town="源南")
    for _ in range(9):
        build.teacher(a_urban)
    for _ in range(10):
        build.teacher(b_urban)
    moved = build.teacher(a_rural, joined_school_on=dt.date(2023, 9, 1))
    build.rotation(moved, a_urban, a_rural, dt.date(2023, 9, 1), kind="transfer")
    build.session.commit()
    report = rotation_report(session, as_of=dt.date(2024, 6, 30))
    city = next(r for r in report.view("rotation.years").rows if r["year"] == 2023)
    counties = [r for r in report.view("rotation.counties").rows if r["year"] == 2023]
    figures = {r["county"]: (r["established"], r["moved"], r["district_quota"], r["district_met"])
               for r in counties}  # fmt: skip
    assert figures == {"甲县": (10, 1, 1, True), "乙县": (10, 0, 1, False)}
    assert len(figures) == 2
    assert (city["established"], city["moved"], city["district_quota"], city["district_met"]) == (
        20, 1, 2, False)  # fmt: skip
    # no county moved a key teacher: not met in either, so not in the city
    assert (city["key_met"], city["key_met_other"]) == (False, False)
    assert city["district_met_other"] is False
    note = next(n for n in report.notes if n.zh.startswith("分县"))
    assert "应交流人数为各县（区）之和" in note.zh and "均达标时全市方为达标" in note.zh
    assert "sum of the counties' quotas" in note.en and "every county is met" in note.en


def test_an_unknown_county_is_named(session, city) -> None:  # type: ignore[no-untyped-def]
    for make in (training_report, talent_report, qualifications_report, staffing_report,
                 rotation_report):  # fmt: skip
        with pytest.raises(ReportError) as error:
            make(session, as_of=AS_OF, county="龙川县")
        assert "龙川县" in error.value.zh and "东源县、和平县" in error.value.zh


def test_a_registry_without_counties_has_no_county_view(session, build) -> None:  # type: ignore[no-untyped-def]
    _county(build, 0, None)
    build.session.commit()
    made = 0
    for make in (training_report, talent_report, qualifications_report, staffing_report,
                 rotation_report):  # fmt: skip
        report = make(session, as_of=AS_OF)
        assert not [v.key for v in report.views if v.key.endswith(".counties")]
        assert all(c.key != "county" for v in report.views for c in v.columns)
        assert "county" not in report.parameters and "县（区）" not in (
            report.scope.zh if report.scope else ""
        )
        made += 1
    assert made == 5


def test_cli_county_scope_and_by_county_sheets(build, city, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    import openpyxl
    from typer.testing import CliRunner

    from workforce.cli import app

    runner = CliRunner()
    day = ["--as-of", AS_OF.isoformat()]
    sheets = {"training": "分县（区）", "talent": "分县（区）", "qualifications": "分县（区）",
              "staffing": "分县（区）学科汇总", "rotation": "分县（区）逐年完成情况"}  # fmt: skip
    for name, sheet_name in sheets.items():
        out = tmp_path / f"{name}.xlsx"
        result = runner.invoke(app, ["report", name, *day, "--out", str(out)])
        assert result.exit_code == 0, result.output
        sheet = openpyxl.load_workbook(out)[sheet_name]
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "县（区）" in cells and set(COUNTIES) <= set(cells), name
        assert not [c for c in cells if c in ("None", "headline", "primary")], name
        alone = tmp_path / f"{name}-和平县.json"
        result = runner.invoke(
            app, ["report", name, *day, "--county", "和平县", "--out", str(alone)]
        )
        assert result.exit_code == 0, result.output
        report = json.loads(alone.read_text(encoding="utf-8"))
        assert report["parameters"]["county"] == "和平县"
        assert not [v for v in report["views"] if v["key"].endswith(".counties")]
    unknown = runner.invoke(app, ["report", "rotation", "--county", "龙川县", "--out",
                                  str(tmp_path / "x.xlsx")])  # fmt: skip
    assert (
        unknown.exit_code == 2 and "龙川县" in unknown.output and "Traceback" not in unknown.output
    )


def test_a_school_of_another_county_is_refused_not_answered_empty(session, build) -> None:  # type: ignore[no-untyped-def]
    """--school A1 --county 乙县 (A1 is in 甲县) used to give an empty report that read as
    'no teachers'; it is refused naming the school and its county, in both languages."""
    a = build.school("A1", name="东城小学", county="甲县", classes_by_grade=[1] * 6)
    build.school("B1", county="乙县", classes_by_grade=[1] * 6)
    build.teacher(a)
    build.session.commit()
    refused = 0
    for make in (training_report, staffing_report):
        with pytest.raises(ReportError) as err:
            make(session, as_of=dt.date(2025, 6, 30), school="A1", county="乙县")
        assert err.value.zh == "学校“东城小学”（A1）不属于县（区）“乙县”，属于“甲县”"
        assert err.value.en == "school 东城小学 (A1) is not in county '乙县' but in '甲县'"
        refused += 1
        # its own county, or no county, still answers
        assert make(session, as_of=dt.date(2025, 6, 30), school="A1", county="甲县")
        assert make(session, as_of=dt.date(2025, 6, 30), school="A1")
    assert refused == 2
