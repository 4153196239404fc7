"""On the synthetic sample district the reports give back the figures it is calibrated to
(workforce.sample.calibration, from the plan and domain.md): rotation shares by year, the 2020
qualification baseline, the designation counts, the training shortfall and the rural shortage
in the focus subjects."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from workforce.reports.qualifications import qualifications_report
from workforce.reports.rotation import rotation_report
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report
from workforce.sample import calibration as cal
from workforce.sample import generate_district, load_district


def test_sample_district_reports_match_its_calibration(session: Session) -> None:
    """One load of the 3,400-teacher district, every report checked against it."""
    sample = generate_district(teachers=cal.BASE_TEACHERS, seed=2021)
    load_district(session, sample)
    session.commit()
    as_of = sample.as_of
    assert as_of == dt.date(2026, 9, 1)  # the reference date the calibration speaks of
    check_rotation_shares_by_year(session, as_of)
    check_qualification_rates_at_the_2020_baseline(session, as_of)
    check_designation_counts(session, as_of)
    check_training_shortfall_of_the_last_cycle(session, as_of)
    check_focus_subjects_short_in_rural_schools(session, as_of)


def check_rotation_shares_by_year(session: Session, loaded: dt.date) -> None:
    """The generator is calibrated on the compulsory-school reading of the base; the report's
    default (the plan's 全区在编教师总数) shows that reading beside its own."""
    years = {
        r["year"]: r for r in rotation_report(session, as_of=loaded).view("rotation.years").rows
    }
    assert years[2022]["district_base_other"] == "compulsory"
    for year, share in cal.ROTATION_SHARE_BY_YEAR.items():
        assert years[year]["moved_share_other"] == pytest.approx(share, abs=0.004), year
        assert years[year]["established"] > years[year]["established_other"], year


def check_qualification_rates_at_the_2020_baseline(session: Session, loaded: dt.date) -> None:
    rates = {
        r["indicator"]["en"]: r["rate"]
        for r in qualifications_report(session, as_of=loaded).view("qualifications.indicators").rows
    }
    baseline = cal.QUALIFICATION_BASELINE
    assert rates["Kindergarten teachers with an associate degree or above"] == pytest.approx(
        baseline["kindergarten_associate_or_above"], abs=0.02
    )
    assert rates["Kindergarten teachers holding a teaching certificate"] == pytest.approx(
        baseline["kindergarten_certified"], abs=0.02
    )
    assert rates["Primary teachers with a bachelor's degree or above"] == pytest.approx(
        baseline["primary_bachelor_or_above"], abs=0.02
    )
    assert rates["Junior-secondary teachers with a bachelor's degree or above"] == pytest.approx(
        baseline["junior_bachelor_or_above"], abs=0.02
    )
    assert rates["Senior-secondary teachers with a postgraduate degree"] == pytest.approx(
        baseline["senior_postgraduate"], abs=0.02
    )


def check_designation_counts(session: Session, loaded: dt.date) -> None:
    goals = {
        r["target_key"]["en"]: r["current"]
        for r in talent_report(session, as_of=loaded).view("talent.goals").rows
    }
    key_kinds = ("key_teacher", "subject_leader", "teaching_expert", "rising_star")
    expected_key = sum(
        n for (kind, tier), n in cal.KEY_TEACHERS.items() if kind in key_kinds and tier != "school"
    )
    assert goals["District key teachers"] == pytest.approx(expected_key, rel=0.05)
    assert goals["District key head teachers"] == pytest.approx(
        cal.KEY_TEACHERS[("key_head_teacher", "district")], rel=0.05
    )
    assert goals['District "three famous" studios'] == pytest.approx(
        cal.KEY_TEACHERS[("studio_host", "district")], rel=0.1
    )


def check_training_shortfall_of_the_last_cycle(session: Session, loaded: dt.date) -> None:
    rows = training_report(session, as_of=loaded, cycle="2021-2025").view("training.teachers").rows
    whole_cycle = [r for r in rows if r["first_employed_on"] < "2021-01-01"]
    short = sum(r["status"] != "done" for r in whole_cycle) / len(whole_cycle)
    assert short == pytest.approx(cal.BEHIND_SHARE, abs=0.025)
    current = training_report(session, as_of=loaded).view("training.district").rows[0]
    assert current["behind"] + current["cannot_finish"] == 0  # records keep pace this year


def check_focus_subjects_short_in_rural_schools(session: Session, loaded: dt.date) -> None:
    rows = staffing_report(session, as_of=loaded).view("staffing.subjects").rows
    focus = {"pe", "music", "art", "science"}

    def shortage(zone: str) -> float:
        return sum(r["shortage"] for r in rows if r["zone"] == zone and r["subject"] in focus)

    def surplus(zone: str) -> float:
        return sum(r["surplus"] for r in rows if r["zone"] == zone and r["subject"] in focus)

    assert shortage("rural") > surplus("rural")
    assert surplus("urban") > shortage("urban")
