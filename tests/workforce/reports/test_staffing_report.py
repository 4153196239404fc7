"""Staffing figures on a district built by hand, with schools exactly at the thresholds."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.reports.staffing import staffing_report
from workforce.rules.demand import demand_by_school

AS_OF = dt.date(2025, 9, 1)


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    # 1000 pupils: exactly the primary psychology threshold (ch.3); 5 disabled pupils: exactly
    # the resource-teacher threshold; 9 PE + arts teachers: exactly 0.9 per 100 pupils.
    primary = build.school(
        "P1", level="primary", pupils=1000, disabled_pupils=5, classes_by_grade=[4, 4, 4, 4, 4, 4]
    )
    junior = build.school(
        "J1",
        level="junior",
        pupils=1199,
        disabled_pupils=4,
        classes_by_grade=[8, 8, 8],
        zone="rural",
    )
    kinder = build.school("K1", level="kindergarten", pupils=150, classes_by_grade=[2, 2, 1])
    for subject, count in (
        ("pe", 4),
        ("music", 3),
        ("art", 2),
        ("psychology", 1),
        ("special_ed", 1),
    ):
        for _ in range(count):
            teacher = build.teacher(primary, main_subject=subject)
            build.certificate(teacher, "primary", subject)
    build.teacher(primary, main_subject="chinese", post_type="temporary")  # no certificate
    math = build.teacher(primary, main_subject="math")
    build.certificate(math, "primary", "chinese")  # certified in another subject
    build.teacher(primary, main_subject="math", status="retired")  # not in post
    maths = build.teacher(junior, main_subject="math")
    build.certificate(maths, "junior", "math")
    for _ in range(7):
        teacher = build.teacher(kinder, main_subject="preschool")
        build.certificate(teacher, "kindergarten", "preschool")
    build.session.commit()


def _rows(report, view, key="school_code"):  # type: ignore[no-untyped-def]
    return {r[key]: r for r in report.view(view).rows}


def test_need_and_in_post_are_the_demand_rule(session, district) -> None:  # type: ignore[no-untyped-def]
    report = staffing_report(session, as_of=AS_OF)
    rows = {(r["school_code"], r["subject"]): r for r in report.view("staffing.subjects").rows}
    # kindergarten: 5 classes × 2 teachers = 10 needed, 7 in post → 3 short.
    kinder = rows[("K1", "preschool")]
    assert (kinder["need"], kinder["in_post"], kinder["shortage"], kinder["surplus"]) == (
        10,
        7,
        3,
        0,
    )
    demand = demand_by_school(session, AS_OF)
    for (code, subject), row in rows.items():
        school = next(d for d in demand.values() if d.code == code)
        expected = school.subjects[subject]
        assert (row["need"], row["in_post"], row["shortage"]) == (
            expected.need,
            expected.in_post,
            expected.shortage,
        )
    totals = _rows(report, "staffing.subject_totals", "subject")
    assert totals["pe"]["focus"] is True and totals["math"]["focus"] is False
    assert totals["preschool"]["schools_short"] == 1


def test_pe_and_arts_per_100_pupils_exactly_at_the_threshold(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(staffing_report(session, as_of=AS_OF), "staffing.pe_arts")
    assert (rows["P1"]["pe_arts_teachers"], rows["P1"]["per_100_pupils"]) == (9, 0.9)
    assert rows["P1"]["meets"] is True
    assert (rows["J1"]["pe_arts_teachers"], rows["J1"]["meets"]) == (0, False)
    assert "K1" not in rows


def test_psychology_threshold_applied_and_included(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(staffing_report(session, as_of=AS_OF), "staffing.psychology")
    assert (rows["P1"]["threshold"], rows["P1"]["full_time_required"], rows["P1"]["meets"]) == (
        1000,
        True,
        True,
    )
    # 1199 pupils: one below the secondary threshold of chapter 3 → part-time suffices.
    assert (rows["J1"]["threshold"], rows["J1"]["full_time_required"]) == (1200, False)
    assert rows["J1"]["meets"] is None


def test_resource_teacher_at_five_disabled_pupils(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(staffing_report(session, as_of=AS_OF), "staffing.resource")
    assert (
        rows["P1"]["resource_required"],
        rows["P1"]["resource_teachers"],
        rows["P1"]["meets"],
    ) == (True, 1, True)
    assert (rows["J1"]["resource_required"], rows["J1"]["meets"]) == (False, None)


def test_temporary_share_and_out_of_field(session, district) -> None:  # type: ignore[no-untyped-def]
    report = staffing_report(session, as_of=AS_OF)
    schools = _rows(report, "staffing.schools")
    assert (schools["P1"]["teachers"], schools["P1"]["temporary"]) == (13, 1)
    assert schools["P1"]["temporary_share"] == pytest.approx(1 / 13)
    assert (schools["P1"]["out_of_field"], schools["J1"]["out_of_field"]) == (2, 0)
    outside = report.view("staffing.out_of_field").rows
    assert sorted((r["main_subject"], r["certificate_subjects"]) for r in outside) == [
        ("chinese", ""),
        ("math", "chinese"),
    ]


def test_one_school(session, district) -> None:  # type: ignore[no-untyped-def]
    report = staffing_report(session, as_of=AS_OF, school="J1")
    assert {r["school_code"] for r in report.view("staffing.subjects").rows} == {"J1"}
    assert [r["school_code"] for r in report.view("staffing.schools").rows] == ["J1"]


def test_a_private_schools_own_teachers_count_in_post(session, build) -> None:  # type: ignore[no-untyped-def]
    """Private schools' teachers are post type 其他: their PE/arts and psychology teachers and
    their preschool teachers fill the school's need (scope subject_staffing,
    data/reports/scopes.yaml); a public school's 其他 staff still do not."""
    private = build.school("M1", level="primary", ownership="private", pupils=1000,
                           classes_by_grade=[4, 4, 4, 4, 4, 4])  # fmt: skip
    kinder = build.school("MK", level="kindergarten", ownership="private", pupils=150,
                          classes_by_grade=[2, 2, 1])  # fmt: skip
    public = build.school("P9", level="primary", pupils=1000, classes_by_grade=[4, 4, 4, 4, 4, 4])
    for subject, count in (("pe", 4), ("music", 3), ("art", 2), ("psychology", 1)):
        for _ in range(count):
            build.teacher(private, main_subject=subject, post_type="other")
            build.teacher(public, main_subject=subject, post_type="other")
    for _ in range(10):
        build.teacher(kinder, main_subject="preschool", post_type="other")
    build.session.commit()
    report = staffing_report(session, as_of=AS_OF)
    pe_arts = {r["school_code"]: r for r in report.view("staffing.pe_arts").rows}
    psychology = {r["school_code"]: r for r in report.view("staffing.psychology").rows}
    assert (pe_arts["M1"]["pe_arts_teachers"], pe_arts["M1"]["meets"]) == (9, True)
    assert (pe_arts["P9"]["pe_arts_teachers"], pe_arts["P9"]["meets"]) == (0, False)
    assert (psychology["M1"]["psychology_teachers"], psychology["M1"]["meets"]) == (1, True)
    demand = demand_by_school(session, AS_OF)
    preschool = demand[kinder.id].subjects["preschool"]
    assert (preschool.in_post, preschool.shortage) == (10, 0)


def test_the_pe_arts_levels_are_the_scope_files(session, district, narrow_scope) -> None:  # type: ignore[no-untyped-def]
    """The levels evaluated come from data/reports/scopes.yaml alone (the targets file once
    held its own copy, which the report used while the notes quoted the scope)."""
    from workforce.reports import staffing

    assert set(_rows(staffing_report(session, as_of=AS_OF), "staffing.pe_arts")) >= {"P1", "J1"}
    narrow_scope(staffing, "pe_arts_per_100_pupils", ("primary",))
    assert set(_rows(staffing_report(session, as_of=AS_OF), "staffing.pe_arts")) == {"P1"}


def test_the_psychology_schools_are_the_scope_files(session, district, build, narrow_scope) -> None:  # type: ignore[no-untyped-def]
    """The psychology view covers the levels of data/reports/scopes.yaml (which its note
    quotes): it once took the demand norms' school kinds, special schools included, while the
    scope left them out."""
    from workforce.reports import staffing

    build.school("T1", level="special", pupils=120, classes_by_grade=[1] * 9)
    build.session.commit()
    assert "T1" not in _rows(staffing_report(session, as_of=AS_OF), "staffing.psychology")
    narrow_scope(staffing, "psychology_teachers", ("special",))
    assert set(_rows(staffing_report(session, as_of=AS_OF), "staffing.psychology")) == {"T1"}


def test_one_county_or_school_is_not_held_up_by_another_countys_missing_class_counts(
    session, build
) -> None:  # type: ignore[no-untyped-def]
    """A county's clerk (or a school's) gets their staffing report although a school of
    another county has not filled in its class counts yet; the whole city's report still
    names that school."""
    ours = build.school("A1", county="甲县", level="primary", classes_by_grade=[1] * 6)
    build.school("B1", county="乙县", level="primary", classes_by_grade=[])
    build.teacher(ours, main_subject="chinese")
    build.session.commit()
    checked = []
    for scope in ({"county": "甲县"}, {"school": "A1"}):
        report = staffing_report(session, as_of=AS_OF, **scope)
        rows = report.view("staffing.subjects").rows
        assert {r["school_code"] for r in rows} == {"A1"}, scope
        chinese = next(r for r in rows if r["subject"] == "chinese")
        assert chinese["in_post"] == 1
        checked.append(scope)
    assert len(checked) == 2
    from workforce.reports.scope import ReportError

    with pytest.raises(ReportError) as err:
        staffing_report(session, as_of=AS_OF)
    assert "B1" in err.value.zh


def test_a_past_date_says_which_figures_are_todays(session, district) -> None:  # type: ignore[no-untyped-def]
    """Pupils, classes and certificates cannot be rolled back (the registry keeps no history
    of them): a report dated in the past says so beside its figures, as does the
    qualification report for education and certificates."""
    from workforce.reports.qualifications import qualifications_report

    checked = 0
    for report, phrase in (
        (staffing_report(session, as_of=dt.date(2024, 6, 30)), "登记册现有数据，统计日期在过去时不回溯"),
        (qualifications_report(session, as_of=dt.date(2024, 6, 30)), "学历与资格证为登记册现有记录"),
    ):
        assert sum(phrase in note.zh for note in report.notes) == 1, report.name
        checked += 1
    assert checked == 2


def test_a_past_date_counts_the_teachers_in_post_on_it(session, build) -> None:  # type: ignore[no-untyped-def]
    """On 2023-09-30 P1 had three math teachers: one still there, one who left in 2024 and one
    transferred to P2 in 2024; the one hired in 2025 was not there yet. The old code showed
    today's staff (P1 2, P2 1) whatever the date; today's report still does."""
    p1 = build.school("P1", classes_by_grade=[2] * 6, pupils=500)
    p2 = build.school("P2", classes_by_grade=[2] * 6, pupils=500, zone="rural", town="源南")
    build.teacher(p1, main_subject="math")
    build.teacher(p1, main_subject="math", post_type="temporary",
                  first_employed_on=dt.date(2025, 9, 1), joined_school_on=dt.date(2025, 9, 1))
    build.teacher(p1, main_subject="math", status="left", left_on=dt.date(2024, 3, 1))
    moved = build.teacher(p2, main_subject="math", joined_school_on=dt.date(2024, 9, 1))
    build.rotation(moved, p1, p2, dt.date(2024, 9, 1), kind="transfer")
    build.session.commit()
    # as-of date → {school: (math in post, teachers, temporary)}
    expected = {
        dt.date(2023, 9, 30): {"P1": (3, 3, 0), "P2": (0, 0, 0)},
        dt.date(2025, 9, 1): {"P1": (2, 2, 1), "P2": (1, 1, 0)},
    }
    for as_of, figures in expected.items():
        report = staffing_report(session, as_of=as_of)
        math = {r["school_code"]: r["in_post"] for r in report.view("staffing.subjects").rows
                if r["subject"] == "math"}  # fmt: skip
        people = {r["school_code"]: (r["teachers"], r["temporary"])
                  for r in report.view("staffing.schools").rows}  # fmt: skip
        assert {code: (math[code], *people[code]) for code in math} == figures, as_of
    assert len(expected) == 2
    # today's figures are the demand rule's own (the optimizer's), unchanged
    today = demand_by_school(session, dt.date(2025, 9, 1))
    assert {today[s.id].code: today[s.id].subjects["math"].in_post for s in (p1, p2)} == {
        "P1": 2, "P2": 1}  # fmt: skip
    # one school on the past date: the moved and the departed teacher are P1's
    alone = staffing_report(session, as_of=dt.date(2023, 9, 30), school="P1")
    (row,) = [r for r in alone.view("staffing.subjects").rows if r["subject"] == "math"]
    assert row["in_post"] == 3
