"""Rotation compliance from a hand-built history, 2021–2023 (reference day 1 September)."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.rules import load_rules
from workforce.reports import frames
from workforce.reports.rotation import rotation_report
from workforce.rules.retirement import statutory_retirement_date

D = dt.date


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    urban = build.school("U1", zone="urban")
    rural = build.school("R1", zone="rural", town="源南")
    quality = build.school("Q1", zone="rural", is_quality=True, town="埔前")
    t = {}
    for name, school, joined in [
        ("a", urban, D(2010, 9, 1)),
        ("b", urban, D(2010, 9, 1)),
        ("c", urban, D(2016, 9, 1)),
        ("d", urban, D(2019, 9, 1)),
        ("g", rural, D(2010, 9, 1)),
        ("h", quality, D(2012, 9, 1)),
        ("i", quality, D(2020, 9, 1)),
    ]:
        t[name] = build.teacher(school, joined_school_on=joined, first_employed_on=joined)
    t["e"] = build.teacher(urban, post_type="temporary")  # not 在编
    # f transferred R1 → U1 on 2022-09-01: at R1 since 2010 before that.
    t["f"] = build.teacher(urban, joined_school_on=D(2022, 9, 1), first_employed_on=D(2010, 9, 1))
    build.rotation(t["f"], rural, urban, D(2022, 9, 1), kind="transfer")
    # retired 2022-07-01: 在编 in 2021 only.
    t["j"] = build.teacher(rural, status="retired", retirement_confirmed_on=D(2022, 7, 1))
    build.teacher(rural, status="left")  # no leaving date: never counted
    build.rotation(t["a"], urban, rural, D(2021, 9, 1), planned_end=D(2024, 8, 31))
    build.rotation(t["h"], quality, rural, D(2023, 9, 1), planned_end=D(2024, 8, 31))
    build.rotation(t["b"], urban, rural, D(2023, 9, 1), planned_end=D(2024, 8, 31))
    build.designation(t["a"], "key_teacher", "district", D(2020, 1, 1), D(2023, 12, 31))
    build.designation(t["h"], "rising_star", "district", D(2023, 1, 1), D(2025, 12, 31))
    build.designation(t["b"], "key_teacher", "school", D(2020, 1, 1), D(2025, 12, 31))
    build.session.commit()
    return t


def test_district_and_key_shares_by_year(session, district) -> None:  # type: ignore[no-untyped-def]
    years = {
        r["year"]: r
        for r in rotation_report(session, as_of=D(2023, 12, 31)).view("rotation.years").rows
    }
    assert list(years) == [2021, 2022, 2023]
    assert [(years[y]["established"], years[y]["moved"]) for y in years] == [(9, 1), (8, 1), (8, 2)]
    assert years[2021]["moved_share"] == pytest.approx(1 / 9)
    assert years[2021]["plan_figure"] == 0.032
    assert years[2021]["district_target"] is None and years[2021]["district_met"] is None
    assert (years[2022]["district_target"], years[2022]["district_met"]) == (0.05, True)
    # key teachers moved: a (2021), none (2022: f holds nothing), h but not b (school tier).
    # The key share is of the moves out of urban or quality schools (the plan's 其中): f's
    # 2022 transfer R1 → U1 is out of a rural school, so 2022 has no base under the default
    # reading and 0 of 1 under "all moves".
    assert [years[y]["key_share"] for y in years] == [1.0, None, 0.5]
    assert [years[y]["key_share_other"] for y in years] == [1.0, 0.0, 0.5]
    assert (years[2022]["key_base"], years[2022]["key_base_other"]) == (
        "urban_quality_moves",
        "all_moves",
    )
    assert (years[2022]["key_met"], years[2023]["key_met"]) == (False, True)


def test_urban_and_quality_school_quotas(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = {
        (r["year"], r["school_code"]): r
        for r in rotation_report(session, as_of=D(2023, 12, 31)).view("rotation.schools").rows
    }
    assert {code for _, code in rows} == {"U1", "Q1"}  # R1 is neither urban nor quality
    # 2021: a and b have ≥ 6 years (a moves on the reference day: still counted); c has 5.
    assert (rows[(2021, "U1")]["quota_base"], rows[(2021, "U1")]["moved"]) == (2, 1)
    assert rows[(2021, "U1")]["meets"] is None  # quotas apply from 2022
    # 2022: a is away on secondment; c reaches exactly 6 years on the reference day; f's
    # transfer starts that day, so f is still R1's.
    u1 = rows[(2022, "U1")]
    assert (u1["quota_base"], u1["moved"], u1["quota"], u1["meets"]) == (2, 0, 1, False)
    assert rows[(2022, "Q1")]["meets"] is False
    # 2023: b moves (base: b, c; f has 1 year at U1); h moves from Q1.
    u1 = rows[(2023, "U1")]
    assert (u1["quota_base"], u1["moved"], u1["moved_share"], u1["meets"]) == (2, 1, 0.5, True)
    assert (rows[(2023, "Q1")]["quota_base"], rows[(2023, "Q1")]["meets"]) == (1, True)
    years = {
        r["year"]: r
        for r in rotation_report(session, as_of=D(2023, 12, 31)).view("rotation.years").rows
    }
    assert (years[2023]["scope_schools"], years[2023]["scope_schools_met"]) == (2, 2)
    assert (years[2023]["scope_base"], years[2023]["scope_moved"]) == (3, 2)


def test_a_past_date_rebuilds_places_from_later_transfers(session, build) -> None:  # type: ignore[no-untyped-def]
    """A transfer made after the as-of date still tells where the teacher was before it: the
    quota base of 2022 and 2023 must count x at U1 (old code dropped the 2024 record first,
    lost x from U1's base and judged U1 as meeting its quota)."""
    urban = build.school("U1", zone="urban")
    rural = build.school("R1", zone="rural", town="源南")
    x = build.teacher(rural, joined_school_on=D(2024, 9, 1), first_employed_on=D(2010, 9, 1))
    build.rotation(x, urban, rural, D(2024, 9, 1), kind="transfer")
    mover = build.teacher(urban, joined_school_on=D(2010, 9, 1), first_employed_on=D(2010, 9, 1))
    build.rotation(mover, urban, rural, D(2022, 9, 1), planned_end=D(2025, 8, 31))
    for _ in range(9):
        build.teacher(urban, joined_school_on=D(2010, 9, 1), first_employed_on=D(2010, 9, 1))
    build.session.commit()
    rows = {
        r["year"]: r
        for r in rotation_report(session, as_of=D(2023, 12, 31)).view("rotation.schools").rows
        if r["school_code"] == "U1"
    }
    assert sorted(rows) == [2021, 2022, 2023]
    # 2022: x, the mover and 9 more = 11 with ≥ 6 years → quota ⌈1.1⌉ = 2, one moved: not met.
    assert (rows[2022]["quota_base"], rows[2022]["quota"], rows[2022]["meets"]) == (11, 2, False)
    # Only what was known by the date is counted as a move: x's 2024 transfer is not.
    assert rows[2023]["moved"] == 0 and rows[2023]["quota_base"] == 10


def test_a_teacher_seconded_after_the_reference_day_counts_at_the_home_school(session, build) -> None:  # type: ignore[no-untyped-def]
    """Applying a plan moves a seconded teacher's school and joined date to the destination
    (workforce.plans.lifecycle): before the secondment starts the teacher is still at the
    home school, in its quota base. The old code rebuilt places from transfers only, put the
    teacher at A2 on 2024-09-01 and judged A1 on a base of 10 (quota 1, met by the move)."""
    home = build.school("A1", zone="urban")
    away = build.school("A2", zone="rural", town="源南")
    for _ in range(10):
        build.teacher(home, joined_school_on=D(2010, 9, 1))
    seconded = build.teacher(away, joined_school_on=D(2024, 9, 2), first_employed_on=D(2008, 9, 1))
    build.rotation(seconded, home, away, D(2024, 9, 2), planned_end=D(2026, 8, 31))
    build.session.commit()
    report = rotation_report(session, as_of=D(2024, 12, 31))
    rows = {r["year"]: r for r in report.view("rotation.schools").rows if r["school_code"] == "A1"}
    # 10 + the seconded teacher (at A1 since first employment in 2008) = 11 → quota ⌈1.1⌉ = 2
    expected = {2023: (11, 0, 2, False), 2024: (11, 1, 2, False)}
    for year, figures in expected.items():
        row = rows[year]
        assert (row["quota_base"], row["moved"], row["quota"], row["meets"]) == figures, year
    assert len(expected) == 2
    years = {r["year"]: r for r in report.view("rotation.years").rows}
    assert years[2024]["established"] == 11  # all 在编 at the two schools on 2024-09-01


def test_a_year_whose_reference_day_is_after_the_date_is_not_yet_due(session, district) -> None:  # type: ignore[no-untyped-def]
    report = rotation_report(session, as_of=D(2023, 6, 30))
    years = {r["year"]: r for r in report.view("rotation.years").rows}
    assert sorted(years) == [2021, 2022, 2023]
    assert years[2023]["year_status"] == "not_yet_due"
    assert (years[2023]["district_met"], years[2023]["key_met"]) == (None, None)
    assert years[2023]["scope_schools_met"] is None
    assert years[2022]["year_status"] == "assessed" and years[2021]["year_status"] == "before_quotas"
    schools_2023 = [r for r in report.view("rotation.schools").rows if r["year"] == 2023]
    assert len(schools_2023) == 2
    assert all(r["meets"] is None and r["year_status"] == "not_yet_due" for r in schools_2023)


def test_district_share_base_is_the_whole_district_with_the_other_reading_beside(
    session, district, build
) -> None:  # type: ignore[no-untyped-def]
    """全区在编教师总数 counts kindergarten and senior-school 在编 teachers too (not private ones);
    the compulsory reading is shown beside it, and the setting switches the two."""
    kg = build.school("K1", level="kindergarten")
    senior = build.school("S1", level="senior")
    private = build.school("P1", level="primary", ownership="private")
    for school in (kg, kg, senior):
        build.teacher(school, joined_school_on=D(2010, 9, 1), first_employed_on=D(2010, 9, 1))
    build.teacher(private, post_type="other")
    build.session.commit()
    years = {
        r["year"]: r
        for r in rotation_report(session, as_of=D(2023, 12, 31)).view("rotation.years").rows
    }
    assert len(years) == 3
    assert (years[2022]["district_base"], years[2022]["district_base_other"]) == (
        "whole_district",
        "compulsory",
    )
    assert (years[2022]["established"], years[2022]["established_other"]) == (11, 8)
    assert years[2022]["moved_share"] == pytest.approx(1 / 11)
    assert years[2022]["moved_share_other"] == pytest.approx(1 / 8)
    assert years[2022]["district_quota"] == 1
    switched = load_rules(overrides={"quotas.district_share_base": "compulsory"})
    years = {
        r["year"]: r
        for r in rotation_report(session, as_of=D(2023, 12, 31), rules=switched)
        .view("rotation.years")
        .rows
    }
    assert (years[2022]["established"], years[2022]["established_other"]) == (8, 11)


def test_reverse_flows_can_be_left_out_of_the_district_share(session, district) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules(overrides={"quotas.reverse_flows_count": False})
    years = {
        r["year"]: r
        for r in rotation_report(session, as_of=D(2023, 12, 31), rules=rules)
        .view("rotation.years")
        .rows
    }
    assert len(years) == 3
    # f's 2022 transfer R1 → U1 is a reverse flow (rural → urban).
    assert [years[y]["moved"] for y in years] == [1, 0, 2]
    assert years[2022]["district_met"] is False


def test_with_reverse_flows_left_out_only_forward_moves_count_as_the_optimizer_counts(
    session, build
) -> None:  # type: ignore[no-untyped-def]
    """A lateral move (rural → rural, neither quality) is no forward flow: the optimizer's
    ``counts_toward_district_share`` leaves it out when reverse flows do not count, and so
    must the report (it once left out only the reverse flows and counted the lateral move)."""
    urban = build.school("U1", zone="urban")
    rural = build.school("R1", zone="rural", town="源南")
    other = build.school("R2", zone="rural", town="埔前")
    lateral = build.teacher(rural, joined_school_on=D(2010, 9, 1), first_employed_on=D(2010, 9, 1))
    forward = build.teacher(urban, joined_school_on=D(2010, 9, 1), first_employed_on=D(2010, 9, 1))
    build.rotation(lateral, rural, other, D(2022, 9, 1), planned_end=D(2025, 8, 31))
    build.rotation(forward, urban, rural, D(2022, 9, 1), planned_end=D(2025, 8, 31))
    build.session.commit()
    cases = {True: 2, False: 1}
    for counts, moved in cases.items():
        rules = load_rules(overrides={"quotas.reverse_flows_count": counts})
        years = {
            r["year"]: r
            for r in rotation_report(session, as_of=D(2022, 12, 31), rules=rules)
            .view("rotation.years")
            .rows
        }
        assert years[2022]["moved"] == moved, counts
    assert len(cases) == 2


def test_a_retiree_without_a_usable_retirement_date_is_not_in_the_base(session, build) -> None:  # type: ignore[no-untyped-def]
    """A teacher recorded retired whose retirement date (statutory: 2040, no confirmed date)
    is after today was not in service on every reference day to 2040: the 在编 base does not
    count them, as the qualification and training reports do not (frames.in_service_on);
    one retired 2023-07-01 counts in 2021 and 2022."""
    school = build.school("U1", zone="urban")
    build.teacher(school)
    build.teacher(school, status="retired")  # born 1985: statutory retirement in 2040
    build.teacher(school, status="retired", retirement_confirmed_on=D(2023, 7, 1))
    build.session.commit()
    years = {
        r["year"]: r["established"]
        for r in rotation_report(session, as_of=D(2025, 12, 31)).view("rotation.years").rows
    }
    assert years == {2021: 2, 2022: 2, 2023: 1, 2024: 1, 2025: 1}


def test_a_teacher_imported_without_a_retirement_category_gets_the_default(build) -> None:  # type: ignore[no-untyped-def]
    # 退休类别 is optional in the import. Beside a teacher who has one, the empty cell was read
    # as NaN, not None — and NaN is not falsy: the report ended in KeyError: nan for everyone.
    urban = build.school("U1", zone="urban")
    born = D(1968, 5, 1)
    without = build.teacher(urban, birth_date=born)
    build.teacher(urban, birth_date=born, retirement_category="female_50")
    build.teacher(urban, birth_date=born, retirement_category="female_50",
                  retirement_confirmed_on=D(2018, 6, 1))  # fmt: skip
    build.session.commit()
    report = rotation_report(build.session, as_of=D(2023, 12, 31))
    assert report.view("rotation.years").rows  # computed, no KeyError
    table = frames.teachers(build.session, ("active",), columns=frames.RETIREMENT_COLUMNS + (
        "id",))  # fmt: skip
    dates = dict(zip(table["id"].tolist(), frames.retirement_dates(table), strict=True))
    assert len(dates) == 3
    assert dates[without.id] == statutory_retirement_date(born, "female_55")
    assert sorted(dates.values()) == sorted([statutory_retirement_date(born, "female_55"),
                                             statutory_retirement_date(born, "female_50"),
                                             D(2018, 6, 1)])  # fmt: skip
