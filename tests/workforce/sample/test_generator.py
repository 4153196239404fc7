"""The generator: deterministic, calibrated to the plan's figures, valid personal data."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from workforce.dates import years_between
from workforce.idnumber import parse_id_number
from workforce.rules.demand import school_demand
from workforce.sample import District, SampleError, generate_district
from workforce.sample import calibration as cal
from workforce.sample.schools import STAGE_GRADES, apportion
from workforce.sample.summary import INDICATORS

FIVE_SUBJECTS = ("pe", "music", "art", "science", "psychology")


@pytest.fixture(scope="module")
def district() -> District:
    return generate_district()


def _school(district: District):
    return {s.code: s for s in district.schools}


def test_same_seed_same_district() -> None:
    first, second = generate_district(400, seed=7), generate_district(400, seed=7)
    assert first == second
    assert generate_district(400, seed=8).teachers != first.teachers


def test_too_small_a_district_is_refused() -> None:
    with pytest.raises(SampleError) as error:
        generate_district(50)
    assert "100" in error.value.zh


def test_apportion_is_exact() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(apportion(65932, [0.3, 1.7, 2.2, 0.01])) == 65932


def test_school_counts_and_pupils_match_the_plan(district: District) -> None:
    assert Counter(s.level for s in district.schools) == cal.SCHOOLS_BY_LEVEL
    pupils: Counter[str] = Counter()
    for school in district.schools:
        grades = range(1, 4) if school.level == "kindergarten" else None
        first = {"kindergarten": 1, "primary": 1, "junior": 7, "nine_year": 1,
                 "complete_secondary": 7, "senior": 10, "special": 1}[school.level]  # fmt: skip
        for offset, n in enumerate(school.pupils_by_grade):
            grade = (grades or range(first, 13))[offset]
            if school.level in ("kindergarten", "special"):
                pupils[school.level] += n
            else:
                stage = next(s for s in ("primary", "junior", "senior") if grade in STAGE_GRADES[s])
                pupils[stage] += n
    assert pupils == cal.PUPILS_BY_STAGE
    names = {s.name for s in district.schools}
    assert {"东埔中学", "埔前中心小学", "啸仙中学", "阳光学校"} <= names
    assert len(names) == len(district.schools)


def test_teacher_count_and_post_mix(district: District) -> None:
    school = _school(district)
    public = [t for t in district.teachers if school[t.school_code].ownership == "public"
              and school[t.school_code].level != "kindergarten"]  # fmt: skip
    assert len(public) == 3400
    temporary = sum(t.post_type == "temporary" for t in public) / len(public)
    assert 0.05 < temporary < 0.15
    assert sum(t.is_principal for t in district.teachers) == len(district.schools)
    assert len({t.staff_no for t in district.teachers}) == len(district.teachers)


def test_qualification_rates_reproduce_the_2020_baseline(district: District) -> None:
    school = _school(district)
    certified = {c.staff_no for c in district.certificates}
    for indicator, (stage, educations) in INDICATORS.items():
        members = [t for t in district.teachers
                   if cal.STAGE_OF_LEVEL[school[t.school_code].level] == stage]  # fmt: skip
        if educations is None:
            reached = sum(t.staff_no in certified for t in members)
        else:
            reached = sum(t.education in educations for t in members)
        assert reached / len(members) == pytest.approx(
            cal.QUALIFICATION_BASELINE[indicator], abs=0.005
        ), indicator


def test_share_meeting_the_six_year_condition(district: District) -> None:
    school = _school(district)
    established = [t for t in district.teachers if t.post_type == "established"
                   and school[t.school_code].level != "kindergarten"]  # fmt: skip
    share = sum(years_between(t.joined_school_on, district.as_of) >= 6 for t in established) / len(
        established
    )
    assert 0.30 <= share <= 0.45
    assert all(t.joined_school_on >= t.first_employed_on for t in district.teachers)


def test_rural_shortages_and_urban_surpluses(district: District) -> None:
    returning = {r.staff_no: r.from_school for r in district.rotations
                 if r.kind == "secondment" and r.actual_end_on is None
                 and r.planned_end_on is not None and r.planned_end_on < district.as_of}  # fmt: skip
    assert returning, "some secondees return in the reference year"
    in_post: dict[str, Counter[str]] = defaultdict(Counter)
    for t in district.teachers:
        if t.post_type in ("established", "temporary"):
            in_post[returning.get(t.staff_no, t.school_code)][t.main_subject] += 1
    short: Counter[str] = Counter()
    spare: Counter[str] = Counter()
    for s in district.schools:
        if s.ownership != "public" or s.level == "kindergarten":
            continue
        demand = school_demand(level=s.level, classes_by_grade=s.classes_by_grade,
                               pupils=s.pupils, disabled_pupils=s.disabled_pupils,
                               in_post=in_post[s.code], as_of=district.as_of)  # fmt: skip
        for subject, d in demand.items():
            (short if s.zone == "rural" else spare)[subject] += (
                d.shortage_slots if s.zone == "rural" else d.spare
            )
    for subject in FIVE_SUBJECTS:
        assert short[subject] >= 10, subject
    for subject in ("pe", "music", "art", "science", "chinese", "math", "english"):
        assert spare[subject] >= 10, subject


def test_key_teachers_and_designation_terms(district: District) -> None:
    as_of = district.as_of
    valid = [d for d in district.designations if d.term_start <= as_of <= d.term_end]
    key = {d.staff_no for d in valid if (d.kind, d.tier) == ("key_teacher", "district")}
    assert 600 <= len(key) < 700
    heads = {d.staff_no for d in valid if d.kind == "key_head_teacher"}
    assert len(heads) < 300
    expiring = [d for d in valid if d.term_end < as_of + dt.timedelta(days=365)]
    assert 0.15 < len(expiring) / len(valid) < 0.35
    assert any(d.term_end < as_of for d in district.designations), "some terms lapsed"
    assert {d.tier for d in valid} >= {"school", "district", "city", "province"}


def test_rotation_history_follows_the_plan_shares(district: District) -> None:
    school = _school(district)
    established = sum(t.post_type == "established" and school[t.school_code].level
                      in ("primary", "junior", "nine_year", "complete_secondary")
                      and not t.is_principal for t in district.teachers)  # fmt: skip
    by_year = Counter(r.start_on.year for r in district.rotations)
    assert by_year[2021] / established == pytest.approx(0.032, abs=0.004)
    for year in (2022, 2023, 2024, 2025):
        assert by_year[year] / established == pytest.approx(0.05, abs=0.006)
    for r in district.rotations:
        assert r.from_school != r.to_school
        if r.kind == "secondment":
            assert (
                r.planned_end_on is not None and 1 <= r.planned_end_on.year - r.start_on.year <= 3
            )


def test_wishes_exemptions_and_training(district: District) -> None:
    assert district.wishes and district.exemptions
    ranks = Counter((w.staff_no, w.rank) for w in district.wishes)
    assert max(ranks.values()) == 1
    assert {e.reason for e in district.exemptions} <= {"pregnancy", "nursing", "illness"}
    assert all(r.date < district.as_of for r in district.training)
    assert any(r.category == "probation" for r in district.training)


def test_id_numbers_are_valid_and_match_the_teacher(district: District) -> None:
    present = [t for t in district.teachers if t.id_number]
    assert 0.05 < 1 - len(present) / len(district.teachers) < 0.15
    for teacher in present:
        parsed = parse_id_number(teacher.id_number)
        assert parsed.value.startswith("441602")
        assert parsed.birth_date == teacher.birth_date
        assert parsed.gender == teacher.gender
    assert len({t.id_number for t in present}) == len(present)


def test_larger_districts_scale_the_schools() -> None:
    big = generate_district(6800, seed=3)
    assert Counter(s.level for s in big.schools)["primary"] == 94
    assert len({s.town for s in big.schools}) > 7
