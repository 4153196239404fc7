"""Training compliance figures on a district built by hand (cycle 2021–2025, as of 2025-06-30:
184 days = 0.504 years left)."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.reports.scope import ReportError
from workforce.reports.training import training_report

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    urban = build.school("U1", zone="urban", level="primary")
    junior = build.school("U2", zone="urban", level="junior")
    rural = build.school("R1", zone="rural", level="primary", town="源南")
    t = {}
    t["done"] = build.teacher(urban, main_subject="math")
    build.training(t["done"], 200, dt.date(2022, 3, 1))
    build.training(t["done"], 160, dt.date(2024, 3, 1))
    t["short"] = build.teacher(urban)
    build.training(t["short"], 200, dt.date(2023, 5, 1))
    build.training(t["short"], 50, dt.date(2020, 12, 31))  # before the cycle: not counted
    build.training(t["short"], 100, dt.date(2025, 7, 15))  # after the as-of date: not counted
    # joined mid-cycle: owes 217 (probation 120 + 96.01 rounded up); 67 left over 0.504 years
    # = 133/year against their own 92.9/year → ratio 1.43 → at risk.
    t["joiner"] = build.teacher(
        junior, first_employed_on=dt.date(2023, 9, 1), joined_school_on=dt.date(2023, 9, 1)
    )
    build.training(t["joiner"], 150, dt.date(2024, 6, 1))
    # probation year 2024-09-01..2025-08-31: owes 120 + 360 × 122/1826 (24.05) → 145;
    # 45 left → 89.3/year against 108.7/year → on track.
    t["probation"] = build.teacher(
        rural,
        first_employed_on=dt.date(2024, 9, 1),
        joined_school_on=dt.date(2024, 9, 1),
        main_subject="math",
    )
    build.training(t["probation"], 100, dt.date(2025, 3, 1))
    # 60 left → 119/year vs 72/year → ratio 1.65 → behind.
    t["behind"] = build.teacher(rural)
    build.training(t["behind"], 300, dt.date(2024, 1, 1))
    t["left"] = build.teacher(urban, status="left")
    t["future"] = build.teacher(rural, first_employed_on=dt.date(2025, 9, 1))
    build.certificate(t["short"], "primary", "chinese", dt.date(2025, 8, 31), number="P-1")
    build.certificate(t["done"], "primary", "math", dt.date(2025, 8, 31), number="P-2")
    build.certificate(t["behind"], "primary", "chinese", dt.date(2027, 1, 1), number="P-3")
    build.certificate(t["joiner"], "junior", "chinese", dt.date(2024, 12, 31), number="J-1")
    build.session.commit()
    return t


def _by(rows, key):  # type: ignore[no-untyped-def]
    return {row[key]: row for row in rows}


def test_per_teacher_hours_required_and_status(session, district) -> None:  # type: ignore[no-untyped-def]
    report = training_report(session, as_of=AS_OF)
    rows = _by(report.view("training.teachers").rows, "staff_no")
    assert len(rows) == 5  # the leaver and the not-yet-employed teacher are not counted
    done = rows[district["done"].staff_no]
    assert (done["hours"], done["required"], done["remaining"], done["status"]) == (
        360,
        360,
        0,
        "done",
    )
    short = rows[district["short"].staff_no]
    assert (short["hours"], short["remaining"], short["status"]) == (200, 160, "cannot_finish")
    assert short["years_left"] == pytest.approx(184 / 365.2425)
    assert short["needed_pace"] == pytest.approx(160 / (184 / 365.2425))
    joiner = rows[district["joiner"].staff_no]
    assert (joiner["required"], joiner["remaining"], joiner["status"]) == (217, 67, "at_risk")
    probation = rows[district["probation"].staff_no]
    assert (probation["required"], probation["status"]) == (145, "on_track")
    assert rows[district["behind"].staff_no]["status"] == "behind"


def test_summaries_by_school_subject_level_zone_and_district(session, district) -> None:  # type: ignore[no-untyped-def]
    report = training_report(session, as_of=AS_OF)
    (total,) = report.view("training.district").rows
    assert total["teachers"] == 5
    assert (
        total["done"],
        total["on_track"],
        total["at_risk"],
        total["behind"],
        total["cannot_finish"],
    ) == (1, 1, 1, 1, 1)
    assert total["completion_rate"] == pytest.approx(0.2)
    schools = _by(report.view("training.schools").rows, "school_code")
    assert schools["U1"]["teachers"] == 2 and schools["U1"]["completion_rate"] == 0.5
    assert schools["R1"]["completion_rate"] == 0
    zones = _by(report.view("training.zones").rows, "zone")
    assert (zones["urban"]["teachers"], zones["rural"]["teachers"]) == (3, 2)
    subjects = _by(report.view("training.subjects").rows, "main_subject")
    assert (subjects["math"]["done"], subjects["math"]["on_track"]) == (1, 1)
    levels = _by(report.view("training.levels").rows, "level")
    assert levels["junior"]["at_risk"] == 1


def test_certificates_due_in_the_cycle_with_hours_short(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = training_report(session, as_of=AS_OF).view("training.certificates").rows
    # P-2's holder is done, P-3 is due after the cycle; J-1 already lapsed in the cycle.
    assert [r["certificate_no"] for r in rows] == ["J-1", "P-1"]
    assert rows[1]["days_to_expiry"] == 62
    assert rows[0]["days_to_expiry"] == -181


def test_one_school_and_an_explicit_cycle(session, district) -> None:  # type: ignore[no-untyped-def]
    report = training_report(session, as_of=AS_OF, school="R1")
    assert {r["school_code"] for r in report.view("training.teachers").rows} == {"R1"}
    later = training_report(session, as_of=dt.date(2026, 6, 30), cycle="2021-2025")
    assert later.parameters["cycle"] == "2021-2025"
    statuses = {r["status"] for r in later.view("training.teachers").rows}
    assert statuses <= {"done", "cannot_finish"}  # the cycle is over: shortfalls are final


def test_unknown_school_is_a_clear_error(session, district) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportError) as err:
        training_report(session, as_of=AS_OF, school="NOPE")
    assert "NOPE" in err.value.zh and "unknown school code" in err.value.en


def test_result_is_json_serialisable(session, district) -> None:  # type: ignore[no-untyped-def]
    report = training_report(session, as_of=AS_OF)
    text = report.model_dump_json()
    assert '"training.teachers"' in text and "NaN" not in text


def test_a_finished_cycle_leaves_out_teachers_hired_after_it(session, build) -> None:  # type: ignore[no-untyped-def]
    """Run in 2026 for the 2021–2025 cycle, a teacher first employed in 2026 is outside that
    cycle: not counted "done" with 0 hours owed."""
    school = build.school("P1")
    old = build.teacher(school, first_employed_on=dt.date(2010, 9, 1))
    build.training(old, 360, dt.date(2024, 5, 1))
    build.teacher(school, first_employed_on=dt.date(2026, 2, 1))
    build.teacher(school, first_employed_on=dt.date(2012, 9, 1))  # 0 hours: not done
    build.session.commit()
    report = training_report(session, as_of=dt.date(2026, 9, 1), cycle="2021-2025")
    (district,) = report.view("training.district").rows
    assert (district["teachers"], district["done"], district["completion_rate"]) == (2, 1, 0.5)
    assert len(report.view("training.teachers").rows) == 2


def test_a_teacher_without_a_first_employment_date_counts_from_joining_the_school(session, build) -> None:  # type: ignore[no-untyped-def]
    """With no first-employment date on record, when the teacher joined the school tells
    (frames.employed_by): one who joined on 2024-09-01 is not counted on 2023-06-30 (the old
    code read the missing date as "before any cycle": 2 teachers, 50% done)."""
    school = build.school("P1")
    done = build.teacher(school)
    build.training(done, 360, dt.date(2022, 5, 1))
    build.teacher(school, first_employed_on=None, joined_school_on=dt.date(2024, 9, 1))
    build.session.commit()
    figures = {}
    for as_of in (dt.date(2023, 6, 30), dt.date(2024, 9, 1)):
        (district,) = training_report(session, as_of=as_of).view("training.district").rows
        figures[as_of] = (district["teachers"], district["done"], district["completion_rate"])
    assert figures == {dt.date(2023, 6, 30): (1, 1, 1.0), dt.date(2024, 9, 1): (2, 1, 0.5)}


def test_kindergarten_and_private_teachers_are_shown_apart_from_the_headline(session, build) -> None:  # type: ignore[no-untyped-def]
    """360 h is about 中小学 teachers: kindergarten and private-school teachers get their own
    rows (data/reports/scopes.yaml, training_completion), not mixed into the headline."""
    primary = build.school("P1")
    kinder = build.school("K1", level="kindergarten")
    private = build.school("M1", ownership="private")
    done = build.teacher(primary)
    build.training(done, 360, dt.date(2023, 1, 1))
    build.teacher(primary)
    build.teacher(kinder, main_subject="preschool")
    build.teacher(private, post_type="other")
    private_done = build.teacher(private, post_type="other")
    build.training(private_done, 360, dt.date(2023, 1, 1))
    build.session.commit()
    report = training_report(session, as_of=AS_OF)
    rows = {r["scope_group"]: r for r in report.view("training.district").rows}
    assert list(rows) == ["headline", "kindergarten", "private"]
    assert (rows["headline"]["teachers"], rows["headline"]["completion_rate"]) == (2, 0.5)
    assert (rows["kindergarten"]["teachers"], rows["kindergarten"]["done"]) == (1, 0)
    assert (rows["private"]["teachers"], rows["private"]["completion_rate"]) == (2, 0.5)
    zones = report.view("training.zones").rows
    assert sum(r["teachers"] for r in zones) == 2  # headline only
    assert len(report.view("training.teachers").rows) == 5


def test_counts_are_whole_numbers_in_the_json(session, district) -> None:  # type: ignore[no-untyped-def]
    """Every column of kind int holds an int in the JSON the API serves (2, not 2.0)."""
    import json

    data = json.loads(training_report(session, as_of=AS_OF).model_dump_json())
    cells = [
        row[column["key"]]
        for view in data["views"]
        for column in view["columns"]
        if column["kind"] == "int"
        for row in view["rows"]
        if row.get(column["key"]) is not None
    ]
    assert len(cells) > 50
    assert [c for c in cells if not isinstance(c, int)] == []


def test_one_schools_workbook_reads_as_the_schools_not_the_districts(session, district) -> None:  # type: ignore[no-untyped-def]
    # A clerk's download: its first sheet was 全区汇总 and its 填报单位 the bureau, for one school.
    from workforce.reports.xlsx import title_lines

    school = training_report(session, as_of=AS_OF, school="R1")
    whole = training_report(session, as_of=AS_OF)
    assert (school.views[0].zh, whole.views[0].zh) == ("本校汇总", "全区汇总")
    made_on = dt.date(2026, 12, 8)
    school_lines, whole_lines = (title_lines(r, "zh", made_on) for r in (school, whole))
    name = school.scope.zh.split("学校：", 1)[1].split("（", 1)[0]
    assert school_lines[2].startswith(f"填报单位：{name}　") and name
    assert whole_lines[2].startswith("填报单位：源城区教育局")
    assert "学校：" in school_lines[1] and "学校：" not in whole_lines[1]


def test_each_view_says_which_teachers_it_counts_and_they_add_up(session, district, build) -> None:  # type: ignore[no-untyped-def]
    # 按学科 and 按城乡 count the primary and secondary total, 按学校 and 按学段 every group:
    # the sheets' totals differed with nothing saying why.
    kindergarten = build.school("K1", zone="urban", level="kindergarten")
    build.teacher(kindergarten)
    build.session.commit()
    report = training_report(session, as_of=AS_OF)
    totals = {view.key: (view.zh, sum(r["teachers"] for r in view.rows)) for view in report.views
              if view.key in ("training.subjects", "training.zones", "training.schools",
                              "training.levels")}  # fmt: skip
    district_rows = {r["scope_group"]: r["teachers"] for r in report.view("training.district").rows}
    everyone, headline = sum(district_rows.values()), district_rows["headline"]
    assert everyone > headline > 0  # the fixture has teachers outside the total
    assert totals == {
        "training.subjects": ("按学科（仅中小学教师总体）", headline),
        "training.zones": ("按城乡（仅中小学教师总体）", headline),
        "training.schools": ("按学校（含单列的幼儿园、民办学校）", everyone),
        "training.levels": ("按学段（含单列的幼儿园、民办学校）", everyone),
    }
