"""Reports dated in the past count the teachers in service on that date, among them those who
retired after it (their retirement date tells, as in the rotation report); the day a teacher
retires (the first day of the month they reach the age, or the HR-confirmed date) they are no
longer counted."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.reports.qualifications import qualifications_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report

D = dt.date


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    school = build.school("P1", level="primary")
    serving = build.teacher(school, education="bachelor")
    build.training(serving, 360, D(2022, 3, 1))
    build.designation(serving, "key_teacher", "district", D(2022, 1, 1), D(2026, 12, 31))
    # male_60, born July 1964: retires 2024-07-01 (statutory, no delay for his birth year)
    aged = build.teacher(
        school, education="master", gender="male", birth_date=D(1964, 7, 15), status="retired"
    )
    build.training(aged, 100, D(2022, 3, 1))
    build.designation(aged, "key_teacher", "district", D(2022, 1, 1), D(2026, 12, 31))
    # HR-confirmed early retirement on 2025-03-01
    early = build.teacher(
        school, education="associate", status="retired", retirement_confirmed_on=D(2025, 3, 1)
    )
    build.training(early, 360, D(2023, 3, 1))
    # retired, but the recorded dates say 2040 (after today): not relied on, never counted
    build.teacher(school, education="doctorate", status="retired")
    build.teacher(school, education="bachelor", status="left")  # no leaving date: not counted
    build.session.commit()


# as-of date → (teachers counted, of them bachelor or above, done with 360 h, key teachers)
EXPECTED = {
    D(2024, 6, 30): (3, 2, 2, 2),  # the day before the statutory retirement: all three
    D(2024, 7, 1): (2, 1, 2, 1),  # he retires that day: the serving teacher and the early one
    D(2025, 2, 28): (2, 1, 2, 1),
    D(2025, 3, 1): (1, 1, 1, 1),  # the confirmed date: only the serving teacher
}


@pytest.mark.parametrize("as_of", list(EXPECTED))
def test_teachers_retired_after_the_date_are_counted_on_it(session, district, as_of) -> None:  # type: ignore[no-untyped-def]
    teachers, qualified, done, key = EXPECTED[as_of]
    rows = qualifications_report(session, as_of=as_of).view("qualifications.indicators").rows
    primary = next(r for r in rows if r["indicator"]["zh"] == "小学专任教师本科以上学历比例")
    (training,) = training_report(session, as_of=as_of).view("training.district").rows
    goals = talent_report(session, as_of=as_of).view("talent.goals").rows
    key_teachers = next(r for r in goals if r["target_key"]["zh"] == "区级骨干教师")
    figures = (primary["teachers"], primary["qualified"], training["done"],
               key_teachers["current"])  # fmt: skip
    assert figures == (teachers, qualified, done, key)
    assert training["teachers"] == teachers


def test_teachers_who_left_after_the_date_are_counted_on_it(session, build) -> None:  # type: ignore[no-untyped-def]
    """A teacher who left (离职/调出) was counted on no date before the registry kept the day
    they left: a September report printed in December left out everyone who had left since.
    With the leaving date each report counts them up to the day before it — a retiree too,
    by the recorded day rather than the statutory one."""
    from workforce.reports.rotation import rotation_report

    school = build.school("P1", level="primary")
    serving = build.teacher(school, education="bachelor")
    build.training(serving, 360, D(2022, 3, 1))
    build.designation(serving, "key_teacher", "district", D(2022, 1, 1), D(2026, 12, 31))
    resigned = build.teacher(school, education="master", status="left", left_on=D(2025, 3, 1))
    build.training(resigned, 360, D(2023, 3, 1))
    build.designation(resigned, "key_teacher", "district", D(2022, 1, 1), D(2026, 12, 31))
    # statutory retirement in 2040, but HR recorded the day she actually left: 2024-09-01
    early = build.teacher(school, education="associate", status="retired", left_on=D(2024, 9, 1))
    build.training(early, 100, D(2023, 3, 1))
    build.teacher(school, education="bachelor", status="left")  # no leaving date: not counted
    build.session.commit()
    # as-of date → (teachers counted, of them bachelor or above, done with 360 h, key
    # teachers, 在编 on the rotation report's reference day of that year)
    expected = {
        D(2024, 8, 31): (3, 2, 2, 2),
        D(2024, 9, 1): (2, 2, 2, 2),  # she left that day
        D(2025, 2, 28): (2, 2, 2, 2),
        D(2025, 3, 1): (1, 1, 1, 1),  # and he that day
    }
    checked = 0
    for as_of, (teachers, qualified, done, key) in expected.items():
        rows = qualifications_report(session, as_of=as_of).view("qualifications.indicators").rows
        primary = next(r for r in rows if r["indicator"]["zh"] == "小学专任教师本科以上学历比例")
        (training,) = training_report(session, as_of=as_of).view("training.district").rows
        goals = talent_report(session, as_of=as_of).view("talent.goals").rows
        key_teachers = next(r for r in goals if r["target_key"]["zh"] == "区级骨干教师")
        figures = (primary["teachers"], training["teachers"], primary["qualified"],
                   training["done"], key_teachers["current"])  # fmt: skip
        assert figures == (teachers, teachers, qualified, done, key), as_of
        checked += 1
    assert checked == 4
    # the rotation report's 在编 on each 1 September: 2023 all three, 2024 she had left that
    # day, 2025 he had left in March
    years = {r["year"]: r["established"]
             for r in rotation_report(session, as_of=D(2025, 12, 31)).view("rotation.years").rows}
    assert [years[y] for y in (2023, 2024, 2025)] == [3, 2, 1]
    # the key teacher's designation ends with his leaving: the 2024 year-end row counts him,
    # the 2025 one does not
    report = talent_report(session, as_of=D(2025, 12, 31))
    by_year = {r["date"]: r["key_teachers"] for r in report.view("talent.by_year").rows}
    assert (by_year["2024-12-31"], by_year["2025-12-31"]) == (2, 1)
    # the one leaver with no date is counted on no date, and every report says so
    made = [make(session, as_of=D(2025, 3, 1)) for make in (
        qualifications_report, training_report, talent_report, rotation_report)]  # fmt: skip
    for made_report in made:
        said = [n.zh for n in made_report.notes if n.zh.startswith("另有")]
        assert said == [said[0]] and said[0].startswith("另有 1 名离职、退休教师"), made_report.name
    assert len(made) == 4


def test_a_finished_cycle_counts_who_served_on_its_last_day(session, build) -> None:  # type: ignore[no-untyped-def]
    """The 2021–2025 cycle reported in 2026: a teacher who retired in 2026 was in the cycle to
    its end and counts; one who retired in 2025 before its last day does not."""
    school = build.school("P1", level="primary")
    build.training(build.teacher(school), 360, D(2022, 1, 1))
    build.teacher(school, status="retired", retirement_confirmed_on=D(2026, 2, 1))
    build.teacher(school, status="retired", retirement_confirmed_on=D(2025, 12, 31))
    build.session.commit()
    report = training_report(session, as_of=D(2026, 9, 1), cycle="2021-2025")
    (row,) = report.view("training.district").rows
    assert (row["teachers"], row["done"], row["cannot_finish"]) == (2, 1, 1)


def test_a_goal_is_judged_without_the_key_teachers_retired_before_its_due_date(
    session, build
) -> None:  # type: ignore[no-untyped-def]
    """Designations run past a holder's retirement. On the due date (2025-12-31) a teacher who
    retired before it is no longer one of the district's key teachers: the due-date figure,
    the year-end row and the current count of that day agree."""
    school = build.school("P1")
    term = (D(2023, 1, 1), D(2026, 12, 31))
    build.designation(build.teacher(school), "key_teacher", "district", *term)
    gone = build.teacher(school, status="retired", retirement_confirmed_on=D(2025, 9, 1))
    build.designation(gone, "key_teacher", "district", *term)
    after = build.teacher(school, status="retired", retirement_confirmed_on=D(2026, 3, 1))
    build.designation(after, "key_teacher", "district", *term)
    build.session.commit()
    checked = 0
    # as-of date → (due-date figure, current count, 2024-12-31 row, 2025-12-31 row)
    for as_of, expected in (
        (D(2025, 12, 31), (2, 2, 3, 2)),
        (D(2026, 6, 30), (2, 1, 3, 2)),
    ):
        report = talent_report(session, as_of=as_of)
        goal = next(
            r for r in report.view("talent.goals").rows if r["target_key"]["zh"] == "区级骨干教师"
        )
        years = {r["date"]: r["key_teachers"] for r in report.view("talent.by_year").rows}
        figures = (goal["due_figure"], goal["current"], years["2024-12-31"], years["2025-12-31"])
        assert figures == expected, as_of
        assert goal["gap"] == 700 - expected[0]
        checked += 1
    assert checked == 2


def test_teachers_are_reported_where_they_taught_on_the_date(session, build) -> None:  # type: ignore[no-untyped-def]
    """A transfer made after the as-of date (school_id already the new school) still leaves
    the teacher at the source school on that date, in its county; so does a move a plan has
    applied ahead of its start (the registry moves the teacher when the plan is applied)."""
    a = build.school("A1", county="甲县", level="primary")
    b = build.school("B1", county="乙县", level="primary")
    moved = build.teacher(b, education="master", joined_school_on=D(2025, 9, 1))
    build.training(moved, 360, D(2023, 1, 1))
    build.rotation(moved, a, b, D(2025, 9, 1), kind="transfer")
    ahead = build.teacher(b, education="master", joined_school_on=D(2027, 9, 1))
    build.rotation(ahead, a, b, D(2027, 9, 1), kind="secondment", planned_end=D(2030, 8, 31))
    build.teacher(a, education="associate")
    build.session.commit()

    def where(as_of):  # type: ignore[no-untyped-def]
        """{county: (training teachers, done, qualification teachers, qualified)}"""
        figures = {}
        for county in ("甲县", "乙县"):
            (row,) = training_report(session, as_of=as_of, county=county).view(
                "training.district").rows  # fmt: skip
            rows = qualifications_report(session, as_of=as_of, county=county).view(
                "qualifications.indicators").rows  # fmt: skip
            q = next(r for r in rows if r["indicator"]["zh"] == "小学专任教师本科以上学历比例")
            figures[county] = (row["teachers"], row["done"], q["teachers"], q["qualified"])
        return figures

    cases = {
        D(2025, 6, 30): {"甲县": (3, 1, 3, 2), "乙县": (0, 0, 0, 0)},
        D(2025, 9, 1): {"甲县": (2, 0, 2, 1), "乙县": (1, 1, 1, 1)},  # the transfer's first day
        # cycle 2026–2030: the 2023 hours are the last cycle's; the plan's move is ahead
        D(2026, 12, 1): {"甲县": (2, 0, 2, 1), "乙县": (1, 0, 1, 1)},
    }
    for as_of, expected in cases.items():
        assert where(as_of) == expected, as_of
    assert len(cases) == 3
    # one school, on a date before the transfer: the teacher is the source school's
    report = training_report(session, as_of=D(2025, 6, 30), school="A1")
    assert {r["staff_no"] for r in report.view("training.teachers").rows} == {
        moved.staff_no, ahead.staff_no, "T0003"}  # fmt: skip
    report = training_report(session, as_of=D(2025, 6, 30), school="B1")
    assert report.view("training.teachers").rows == []


def test_key_teachers_are_counted_in_the_county_where_they_taught_on_the_date(
    session, build
) -> None:  # type: ignore[no-untyped-def]
    """A key teacher transferred from 甲县 to 乙县 on 2025-09-01 is 甲县's before that day, in
    the county scope, the by-county view and the per-100-pupils figure of the school."""
    a = build.school("A1", county="甲县", pupils=100)
    b = build.school("B1", county="乙县", pupils=100)
    moved = build.teacher(b, joined_school_on=D(2025, 9, 1))
    build.rotation(moved, a, b, D(2025, 9, 1), kind="transfer")
    build.designation(moved, "key_teacher", "district", D(2023, 1, 1), D(2026, 12, 31))
    build.session.commit()
    checked = 0
    for as_of, home in ((D(2025, 6, 30), "甲县"), (D(2025, 9, 1), "乙县")):
        for county in ("甲县", "乙县"):
            goals = talent_report(session, as_of=as_of, county=county).view("talent.goals").rows
            current = next(r for r in goals if r["target_key"]["zh"] == "区级骨干教师")["current"]
            assert current == (1 if county == home else 0), (as_of, county)
            checked += 1
        report = talent_report(session, as_of=as_of)
        by_county = {r["county"]: r["key_teachers"] for r in report.view("talent.counties").rows}
        assert by_county == {"甲县": int(home == "甲县"), "乙县": int(home == "乙县")}
        per_school = {
            r["school_code"]: r["key_teachers"]
            for r in report.view("talent.per_100_pupils").rows
        }
        assert per_school == {"A1": int(home == "甲县"), "B1": int(home == "乙县")}
    assert checked == 4


def test_a_countys_past_key_teachers_are_counted_where_they_taught_each_year(
    session, build
) -> None:  # type: ignore[no-untyped-def]
    """A key teacher (terms 2021–2026) transferred 甲县 → 乙县 on 2023-09-01 is 甲县's at the
    2021 and 2022 year ends and 乙县's from 2023; the projection follows (the old code
    counted every year in 乙县, the county on the report date, and 甲县 never)."""
    a = build.school("A1", county="甲县")
    b = build.school("B1", county="乙县")
    moved = build.teacher(b, joined_school_on=D(2023, 9, 1))
    build.rotation(moved, a, b, D(2023, 9, 1), kind="transfer")
    build.designation(moved, "key_teacher", "district", D(2021, 1, 1), D(2026, 12, 31))
    build.teacher(a)
    build.session.commit()
    expected = {
        #      2020 … 2023 year ends, 2024-06-30; current; projection to 2025-12-31
        "甲县": ([0, 1, 1, 0, 0], 0, 0.0),
        "乙县": ([0, 0, 0, 1, 1], 1, 1.4),
    }
    for county, (years, current, projected) in expected.items():
        report = talent_report(session, as_of=D(2024, 6, 30), county=county)
        counts = [r["key_teachers"] for r in report.view("talent.by_year").rows]
        goal = next(r for r in report.view("talent.goals").rows
                    if r["target_key"]["zh"] == "区级骨干教师")  # fmt: skip
        assert (counts, goal["current"], goal["projection"]) == (years, current, projected), county
    assert len(expected) == 2
    # a due date passed: the due-date figure is the county's on that day
    for county, due in (("甲县", 0), ("乙县", 1)):
        goal = talent_report(session, as_of=D(2026, 1, 31), county=county).view(
            "talent.goals").rows[0]  # fmt: skip
        assert goal["due_figure"] == due, county


def test_key_teachers_hired_after_the_date_are_not_counted(session, build) -> None:  # type: ignore[no-untyped-def]
    """A serving teacher first employed on 2024-09-01 (with a designation recorded from 2022)
    was not a teacher of the district on 2023-06-30: not a current key teacher, not in the
    per-100-pupils count (the old code read the status only: 1 and 1); from the hiring day on
    they are."""
    school = build.school("P1")
    build.teacher(school)
    hired = build.teacher(school, first_employed_on=D(2024, 9, 1), joined_school_on=D(2024, 9, 1))
    build.designation(hired, "key_teacher", "district", D(2022, 1, 1), D(2026, 12, 31))
    build.session.commit()
    figures = {}
    for as_of in (D(2023, 6, 30), D(2024, 9, 1)):
        talent = talent_report(session, as_of=as_of)
        goal = next(r for r in talent.view("talent.goals").rows
                    if r["target_key"]["zh"] == "区级骨干教师")  # fmt: skip
        per_100 = talent.view("talent.per_100_district").rows[0]["key_teachers"]
        figures[as_of] = (goal["current"], per_100)
    assert figures == {D(2023, 6, 30): (0, 0), D(2024, 9, 1): (1, 1)}
    # the year ends: from the hiring on, not from the term's start (the old code: 1 from 2022)
    by_year = talent_report(session, as_of=D(2025, 6, 30)).view("talent.by_year").rows
    counts = {row["date"]: row["key_teachers"] for row in by_year if row["date"] >= "2022"}
    assert counts == {"2022-12-31": 0, "2023-12-31": 0, "2024-12-31": 1, "2025-06-30": 1}


def test_reports_built_together_with_shared_reads_are_the_same(session, build) -> None:  # type: ignore[no-untyped-def]
    """Inside frames.shared_reads each table is read once for all reports; the retirees and
    the moves after the date come from those shared reads then. Every report, on a past date
    and on one after the moves, is byte for byte what it is alone."""
    from workforce.reports import frames
    from workforce.reports.rotation import rotation_report
    from workforce.reports.staffing import staffing_report

    a = build.school("A1", county="甲县", classes_by_grade=[1] * 6)
    b = build.school("B1", county="乙县", classes_by_grade=[1] * 6, zone="rural")
    moved = build.teacher(b, joined_school_on=D(2025, 9, 1), education="master")
    build.rotation(moved, a, b, D(2025, 9, 1), kind="transfer")
    build.designation(moved, "key_teacher", "district", D(2023, 1, 1), D(2026, 12, 31))
    old = build.teacher(a, status="retired", retirement_confirmed_on=D(2025, 3, 1))
    build.designation(old, "key_teacher", "district", D(2023, 1, 1), D(2026, 12, 31))
    build.training(old, 200, D(2023, 1, 1))
    build.teacher(a)
    build.session.commit()
    makers = (training_report, qualifications_report, talent_report, staffing_report,
              rotation_report)  # fmt: skip
    compared = 0
    for as_of in (D(2024, 12, 31), D(2025, 12, 31)):
        alone = [make(session, as_of=as_of).model_dump_json() for make in makers]
        with frames.shared_reads(session):
            together = [make(session, as_of=as_of).model_dump_json() for make in makers]
        for one, other in zip(alone, together, strict=True):
            assert one == other
            compared += 1
    assert compared == 10


def test_the_note_on_leavers_without_a_date_counts_the_schools_reported_on(session, build) -> None:  # type: ignore[no-untyped-def]
    """Two counties: each county's report counts its own undated leavers; a report with none
    says nothing; a leaver with a date, or a retiree whose statutory date has passed, is
    placed in time and not in the count."""
    from workforce.reports.leavers import undated_leavers

    a = build.school("A1", county="甲县", level="primary")
    b = build.school("B1", county="乙县", level="primary")
    build.teacher(a)
    build.teacher(b)
    build.teacher(a, status="left")  # no date
    build.teacher(a, status="retired")  # born 1985: statutory date ahead, no date
    build.teacher(b, status="left", left_on=D(2025, 3, 1))
    build.teacher(b, status="retired", gender="male", birth_date=D(1960, 1, 15))  # 2020
    build.session.commit()
    assert undated_leavers(session, None) == 2
    notes = {
        county: [n.zh for n in training_report(session, as_of=D(2025, 1, 1), county=county).notes
                 if n.zh.startswith("另有")]
        for county in ("甲县", "乙县")
    }  # fmt: skip
    assert notes["甲县"] == [notes["甲县"][0]] and notes["甲县"][0].startswith("另有 2 名")
    assert notes["乙县"] == []
