"""Key-teacher and talent goals on a district built by hand, as of 2025-06-30."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.rules import load_rules
from workforce.reports.talent import Goal, default_talent_targets, talent_report

AS_OF = dt.date(2025, 6, 30)
D = dt.date


@pytest.fixture
def district(build):  # type: ignore[no-untyped-def]
    urban = build.school("U1", zone="urban", level="primary", pupils=1000)
    rural = build.school("R1", zone="rural", level="primary", pupils=200, town="源南")
    kinder = build.school("K1", zone="urban", level="kindergarten", pupils=90)
    t = {
        name: build.teacher(school, main_subject=subject)
        for name, school, subject in [
            ("a", urban, "math"),
            ("b", urban, "chinese"),
            ("c", urban, "math"),
            ("d", rural, "math"),
            ("e", rural, "english"),
            ("f", rural, "pe"),
            ("g", kinder, "preschool"),
            ("gone", urban, "math"),
        ]
    }
    t["gone"].status = "retired"
    build.designation(t["a"], "key_teacher", "district", D(2023, 1, 1), D(2025, 12, 31))
    build.designation(t["a"], "studio_host", "district", D(2023, 1, 1), D(2025, 12, 31))
    build.designation(t["b"], "key_teacher", "city", D(2024, 1, 1), D(2026, 12, 31))
    # expired yesterday: not counted now, but counted at the 2022–2024 year ends
    build.designation(t["c"], "key_teacher", "district", D(2022, 1, 1), D(2025, 6, 29))
    build.designation(t["d"], "rising_star", "district", D(2024, 9, 1), D(2027, 8, 31))
    build.designation(t["e"], "subject_leader", "city", D(2025, 1, 1), D(2027, 12, 31))
    build.designation(t["f"], "key_teacher", "school", D(2024, 1, 1), D(2026, 12, 31))
    # head teacher renewed: two terms, one teacher
    build.designation(t["g"], "key_head_teacher", "district", D(2021, 9, 1), D(2024, 8, 31))
    build.designation(t["g"], "key_head_teacher", "district", D(2024, 9, 1), D(2027, 8, 31))
    build.designation(t["gone"], "key_teacher", "district", D(2024, 1, 1), D(2026, 12, 31))
    build.session.commit()
    return t


def _goal(report, zh):  # type: ignore[no-untyped-def]
    return next(r for r in report.view("talent.goals").rows if r["target_key"]["zh"] == zh)


def test_targets_are_data_with_sources() -> None:
    goals = {g.key: g for g in default_talent_targets().goals}
    assert {k: g.target for k, g in goals.items()} == {
        "key_teachers": 700,
        "key_head_teachers": 300,
        "studios": 60,
        "famous_principals": 10,
        "famous_head_teachers": 20,
        "famous_teachers": 30,
        "ideology_studios_district": 6,
        "ideology_studios_city": 2,
    }
    assert "700名区级骨干教师" in goals["key_teachers"].source
    rules = load_rules()
    assert goals["key_teachers"].key_teacher_rule
    assert goals["key_teachers"].tiers(rules) == ("district", "city", "province", "national")
    assert goals["key_teachers"].counted_kinds(rules) == tuple(rules.quotas.key_kinds)


def test_current_counts_against_targets(session, district) -> None:  # type: ignore[no-untyped-def]
    report = talent_report(session, as_of=AS_OF)
    key = _goal(report, "区级骨干教师")
    # a (district), b (city), d (rising star), e (subject leader); not c (expired yesterday),
    # f (school tier) nor the retired teacher.
    assert (key["current"], key["target"], key["gap"]) == (4, 700, 696)
    assert key["attainment"] == pytest.approx(4 / 700)
    assert _goal(report, "区级骨干班主任")["current"] == 1
    assert _goal(report, "区级三名工作室")["current"] == 1
    assert _goal(report, "名校长")["current"] == 0


def test_exact_tier_counts_only_that_tier(session, district) -> None:  # type: ignore[no-untyped-def]
    targets = default_talent_targets()
    own = Goal(
        key="key_teachers",
        zh="区级骨干教师",
        en="District key teachers",
        kinds=("key_teacher", "subject_leader", "teaching_expert", "rising_star"),
        tier="district",
        tier_match="exact",
        target=700,
        year=2025,
        source="test",
    )
    goals = tuple(own if g.key == "key_teachers" else g for g in targets.goals)
    report = talent_report(session, as_of=AS_OF, targets=targets.model_copy(update={"goals": goals}))
    key = _goal(report, "区级骨干教师")
    assert key["current"] == 2  # a and d; b and e are city tier
    assert key["tier_rule"] == {"zh": "仅区级", "en": "District (county) only"}


def test_the_key_teacher_goal_follows_the_rotation_rules_definition(session, district) -> None:  # type: ignore[no-untyped-def]
    """One definition: raising quotas.key_min_tier to city changes the 700 goal's count."""
    city = load_rules(overrides={"quotas.key_min_tier": "city"})
    report = talent_report(session, as_of=AS_OF, rotation_rules=city)
    key = _goal(report, "区级骨干教师")
    assert key["current"] == 2  # b and e hold city designations
    assert key["tier_rule"]["zh"] == "市级及以上"
    default = _goal(talent_report(session, as_of=AS_OF), "区级骨干教师")
    assert default["kinds"]["zh"] == "骨干教师、学科带头人、教学能手、教坛新秀"
    assert default["tier_rule"]["zh"] == "区级及以上"


def test_year_end_counts_and_projection(session, district) -> None:  # type: ignore[no-untyped-def]
    report = talent_report(session, as_of=AS_OF)
    rows = {r["date"]: r for r in report.view("talent.by_year").rows}
    assert list(rows) == [
        "2020-12-31",
        "2021-12-31",
        "2022-12-31",
        "2023-12-31",
        "2024-12-31",
        "2025-06-30",
    ]
    assert [rows[d]["key_teachers"] for d in rows] == [0, 0, 1, 2, 5, 5]
    assert [rows[d]["key_head_teachers"] for d in rows] == [0, 1, 1, 1, 1, 1]
    # pace = (5 − 0) ÷ 4.4956 years; projected = 5 + pace × 0.5038 years = 5.56
    key = _goal(report, "区级骨干教师")
    years = (AS_OF - D(2020, 12, 31)).days / 365.2425
    ahead = (D(2025, 12, 31) - AS_OF).days / 365.2425
    assert key["projection"] == pytest.approx(round(5 + 5 / years * ahead, 1))
    assert key["projection_basis"] == "projected"


def test_after_the_target_year_the_actual_year_end_count_is_shown(session, district) -> None:  # type: ignore[no-untyped-def]
    key = _goal(talent_report(session, as_of=D(2026, 3, 1)), "区级骨干教师")
    # on 2025-12-31: a, b, d, e and the since-retired teacher (terms alone)
    assert (key["due_date"], key["due_figure"], key["verdict"]) == ("2025-12-31", 5, "not_met")
    assert (key["projection"], key["projection_basis"]) == (None, None)
    assert key["current"] == 3  # b, d, e on 2026-03-01 (a's term ended on 2025-12-31)


def test_a_goal_past_its_due_date_is_judged_on_that_date(session, district, build) -> None:  # type: ignore[no-untyped-def]
    """Growth after the due date does not make a missed target met: 6 by 2025 with 5 on
    2025-12-31 is 未达标 even when 6 hold a designation in 2026."""
    for name in ("c", "f", "g"):
        build.designation(district[name], "key_teacher", "district", D(2026, 1, 1), D(2028, 12, 31))
    build.session.commit()
    targets = default_talent_targets()
    goals = tuple(
        g.model_copy(update={"target": 6}) if g.key == "key_teachers" else g for g in targets.goals
    )
    report = talent_report(
        session, as_of=D(2026, 3, 1), targets=targets.model_copy(update={"goals": goals})
    )
    key = _goal(report, "区级骨干教师")
    assert (key["current"], key["due_figure"], key["verdict"]) == (6, 5, "not_met")
    assert (key["gap"], key["attainment"]) == (1, pytest.approx(5 / 6))
    before = _goal(talent_report(session, as_of=AS_OF), "区级骨干教师")
    assert (before["verdict"], before["due_figure"]) == ("not_yet_due", None)


def test_breakdowns_by_zone_and_subject(session, district) -> None:  # type: ignore[no-untyped-def]
    report = talent_report(session, as_of=AS_OF)
    zones = {r["zone"]: r for r in report.view("talent.zones").rows}
    assert (zones["urban"]["key_teachers"], zones["rural"]["key_teachers"]) == (2, 2)
    assert zones["urban"]["key_head_teachers"] == 1
    subjects = {r["main_subject"]: r for r in report.view("talent.subjects").rows}
    assert subjects["math"]["key_teachers"] == 2 and subjects["english"]["key_teachers"] == 1


def test_expiring_within_twelve_months(session, district) -> None:  # type: ignore[no-untyped-def]
    rows = talent_report(session, as_of=AS_OF).view("talent.expiring").rows
    assert [(r["kind"], r["term_end"], r["days_left"]) for r in rows] == [
        ("key_teacher", "2025-12-31", 184),
        ("studio_host", "2025-12-31", 184),
    ]


def test_key_teachers_per_100_pupils(session, district) -> None:  # type: ignore[no-untyped-def]
    report = talent_report(session, as_of=AS_OF)
    schools = {r["school_code"]: r for r in report.view("talent.per_100_pupils").rows}
    # R1: d and e are key teachers (district rising star, city subject leader): 2 per 200
    # pupils = exactly 1.0 → meets.
    assert (schools["R1"]["key_teachers"], schools["R1"]["per_100_pupils"]) == (2, 1.0)
    assert schools["R1"]["meets"] is True
    assert (schools["U1"]["per_100_pupils"], schools["U1"]["meets"]) == (0.2, False)
    assert schools["K1"]["in_evaluation"] is False and schools["K1"]["meets"] is None
    (summary,) = report.view("talent.per_100_district").rows
    assert (summary["schools"], summary["schools_meeting"], summary["key_teachers"]) == (2, 1, 4)
    assert summary["per_100_pupils"] == pytest.approx(400 / 1200)


def test_ideology_studios_count_politics_studio_hosts_by_exact_tier(session, build) -> None:  # type: ignore[no-untyped-def]
    school = build.school("U1")
    hosts = [build.teacher(school, main_subject="politics") for _ in range(4)]
    build.designation(hosts[0], "studio_host", "district", D(2023, 1, 1), D(2026, 12, 31), "politics")
    build.designation(hosts[1], "studio_host", "district", D(2023, 1, 1), D(2026, 12, 31), "politics")
    build.designation(hosts[2], "studio_host", "city", D(2023, 1, 1), D(2026, 12, 31), "politics")
    build.designation(hosts[3], "studio_host", "district", D(2023, 1, 1), D(2026, 12, 31), "math")
    build.session.commit()
    report = talent_report(session, as_of=AS_OF)
    district = _goal(report, "区级思政名师工作室")
    city = _goal(report, "市级思政名师工作室")
    assert (district["current"], district["target"]) == (2, 6)
    assert (city["current"], city["target"]) == (1, 2)
    assert district["kinds"]["zh"] == "工作室主持人（道德与法治）"
    assert _goal(report, "区级三名工作室")["current"] == 4  # every studio, district tier and up
    assert any("优质思政课" in note.zh for note in report.notes)


def test_the_per_100_pupils_levels_are_the_scope_files(session, district, narrow_scope) -> None:  # type: ignore[no-untyped-def]
    """The levels evaluated come from data/reports/scopes.yaml alone (talent.yaml once held
    its own copy, which the report used while its notes quoted the scope)."""
    from workforce.reports import talent

    narrow_scope(talent, "key_teachers_per_100_pupils", ("kindergarten",))
    rows = {
        r["school_code"]: r["in_evaluation"]
        for r in talent_report(session, as_of=AS_OF).view("talent.per_100_pupils").rows
    }
    assert rows == {"U1": False, "R1": False, "K1": True}
