"""The subject-demand rule against small schools computed by hand (norms in data/norms)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pytest
from sqlalchemy import insert, select
from sqlmodel import Session

from workforce.models import RotationRecord, School, Teacher
from workforce.rules.demand import (
    DemandError,
    compare,
    default_norms,
    demand_by_school,
    school_demand,
    staff_ceiling,
    subject_need,
)

BEFORE_DAILY_PE = dt.date(2026, 3, 1)
AFTER_DAILY_PE = dt.date(2026, 9, 1)
ONE_CLASS_PER_GRADE = [1, 1, 1, 1, 1, 1]


def test_small_primary_school_before_daily_pe() -> None:
    need = subject_need(
        level="primary", classes_by_grade=ONE_CLASS_PER_GRADE, pupils=300, as_of=BEFORE_DAILY_PE
    )
    # Chinese: grades 1–2 have 8 periods, grades 3–6 have 6; load 14 → (16 + 24) / 14
    assert need["chinese"] == pytest.approx(40 / 14, abs=1e-4)
    # PE: 4 + 4 + 3 × 4 = 20 periods; load 18
    assert need["pe"] == pytest.approx(20 / 18, abs=1e-4)
    # music 2 a week in every grade; load 18
    assert need["music"] == pytest.approx(12 / 18, abs=1e-4)
    # English from grade 3: 3 × 4 = 12; load 15
    assert need["english"] == pytest.approx(12 / 15, abs=1e-4)
    assert need["psychology"] == 0.5  # below 1000 pupils: a part-time share
    assert "physics" not in need and "special_ed" not in need


def test_daily_pe_from_autumn_2026() -> None:
    def pe(as_of: dt.date) -> float:
        return subject_need(
            level="primary", classes_by_grade=ONE_CLASS_PER_GRADE, pupils=300, as_of=as_of
        )["pe"]

    assert pe(dt.date(2026, 8, 31)) == pytest.approx(20 / 18, abs=1e-4)
    assert pe(AFTER_DAILY_PE) == pytest.approx(30 / 18, abs=1e-4)  # 5 periods × 6 grades


def test_daily_pe_date_is_configurable() -> None:
    norms = replace(default_norms(), daily_pe_from=dt.date(2027, 9, 1))
    need = subject_need(
        level="junior", classes_by_grade=[2, 2, 2], pupils=300, as_of=AFTER_DAILY_PE, norms=norms
    )
    assert need["pe"] == pytest.approx(6 * 3 / 16, abs=1e-4)


def test_nine_year_school_uses_both_bands() -> None:
    need = subject_need(
        level="nine_year", classes_by_grade=[1] * 9, pupils=400, as_of=BEFORE_DAILY_PE
    )
    # math: 4 + 4 + 5 × 4 periods at load 14, then 5 × 3 at load 12
    assert need["math"] == pytest.approx(28 / 14 + 15 / 12, abs=1e-4)


def test_psychology_threshold_is_inclusive() -> None:
    def psychology(level: str, grades: list[int], pupils: int) -> float:
        return subject_need(
            level=level, classes_by_grade=grades, pupils=pupils, as_of=BEFORE_DAILY_PE
        )["psychology"]

    assert psychology("primary", ONE_CLASS_PER_GRADE, 999) == 0.5
    assert psychology("primary", ONE_CLASS_PER_GRADE, 1000) == 1.0
    assert psychology("junior", [1, 1, 1], 1199) == 0.5
    assert psychology("junior", [1, 1, 1], 1200) == 1.0


def test_annex2_thresholds_can_be_chosen() -> None:
    annex2 = replace(default_norms(), psychology_thresholds={"primary": 1200, "secondary": 1000})
    need = subject_need(
        level="junior", classes_by_grade=[1, 1, 1], pupils=1000, as_of=BEFORE_DAILY_PE, norms=annex2
    )
    assert need["psychology"] == 1.0


def test_resource_teacher_from_five_disabled_pupils() -> None:
    def special(disabled: int) -> float | None:
        return subject_need(
            level="primary",
            classes_by_grade=ONE_CLASS_PER_GRADE,
            pupils=300,
            disabled_pupils=disabled,
            as_of=BEFORE_DAILY_PE,
        ).get("special_ed")

    assert special(4) is None
    assert special(5) == 1.0


def test_kindergarten_and_special_school_by_class() -> None:
    kg = subject_need(
        level="kindergarten", classes_by_grade=[3, 3, 2], pupils=240, as_of=AFTER_DAILY_PE
    )
    assert kg == {"preschool": 16}
    special = subject_need(
        level="special", classes_by_grade=[1] * 9, pupils=80, as_of=AFTER_DAILY_PE
    )
    assert special["special_ed"] == 22.5


def test_slots_and_minimum_at_the_tolerance_boundary() -> None:
    # Junior school, one class per grade: Chinese 5 periods × 3 / load 12 = 1.25 FTE exactly.
    result = school_demand(
        level="junior", classes_by_grade=[1, 1, 1], pupils=150, in_post={"chinese": 1},
        as_of=BEFORE_DAILY_PE,
    )["chinese"]  # fmt: skip
    assert result.need == 1.25
    assert result.shortage == 0.25
    assert result.shortage_slots == 0  # 1.25 − 1 − 0.25 = 0: within tolerance
    assert result.min_keep == 1
    assert result.spare == 0


def test_shortage_and_surplus() -> None:
    short = compare("pe", need=30 / 18, in_post=0, tolerance=0.25)
    assert (short.shortage_slots, short.min_keep, short.spare) == (2, 2, 0)
    surplus = compare("pe", need=30 / 18, in_post=4, tolerance=0.25)
    assert surplus.shortage_slots == 0
    assert surplus.surplus == pytest.approx(4 - 30 / 18, abs=1e-4)
    assert surplus.spare == 2
    teacher_without_need = school_demand(
        level="junior", classes_by_grade=[1, 1, 1], pupils=150, in_post={"preschool": 1},
        as_of=BEFORE_DAILY_PE,
    )["preschool"]  # fmt: skip
    assert (teacher_without_need.need, teacher_without_need.spare) == (0.0, 1)


def test_staff_ceiling_by_ratio() -> None:
    # 190 primary pupils at 1 : 19 → 10; nine-year: 180 pupils over 9 equal grades
    assert staff_ceiling(level="primary", classes_by_grade=ONE_CLASS_PER_GRADE, pupils=190) == 10
    assert staff_ceiling(level="nine_year", classes_by_grade=[1] * 9, pupils=180) == 11
    assert staff_ceiling(level="kindergarten", classes_by_grade=[2, 2, 2], pupils=180) == 18


def test_bad_school_data_is_named() -> None:
    with pytest.raises(DemandError) as error:
        subject_need(level="primary", classes_by_grade=[1, 1], pupils=60, as_of=AFTER_DAILY_PE)
    assert "6个年级" in error.value.zh
    with pytest.raises(DemandError):
        subject_need(level="college", classes_by_grade=[1], pupils=60, as_of=AFTER_DAILY_PE)


def _teacher(n: int, school_id: int, subject: str, post_type: str = "established") -> dict:
    return dict(
        staff_no=f"T{n:06d}", name=f"教师{n}", gender="female", birth_date=dt.date(1985, 1, 1),
        post_type=post_type, school_id=school_id, joined_school_on=dt.date(2020, 9, 1),
        main_subject=subject, other_subjects=[],
    )  # fmt: skip


def test_demand_from_the_registry_counts_returning_secondees_at_home(session: Session) -> None:
    session.execute(insert(School), [
        dict(code="U", name="城区小学", town="上城街道", zone="urban", level="primary",
             pupils=300, classes_by_grade=ONE_CLASS_PER_GRADE),
        dict(code="R", name="乡村小学", town="埔前镇", zone="rural", level="primary",
             pupils=300, classes_by_grade=ONE_CLASS_PER_GRADE),
    ])  # fmt: skip
    ids = {code: id_ for code, id_ in session.execute(select(School.code, School.id))}
    session.execute(insert(Teacher), [
        _teacher(1, ids["U"], "pe"),
        _teacher(2, ids["R"], "pe"),  # seconded from U, term ended 2026-08-31, not yet back
        _teacher(3, ids["R"], "pe", "temporary"),
        _teacher(4, ids["R"], "pe", "other"),  # not counted
        _teacher(5, ids["R"], "music"),  # seconded from U until 2027: counted at R
    ])  # fmt: skip
    tids = {no: id_ for no, id_ in session.execute(select(Teacher.staff_no, Teacher.id))}
    session.execute(insert(RotationRecord), [
        dict(teacher_id=tids["T000002"], from_school_id=ids["U"], to_school_id=ids["R"],
             kind="secondment", start_on=dt.date(2023, 9, 1), planned_end_on=dt.date(2026, 8, 31)),
        dict(teacher_id=tids["T000005"], from_school_id=ids["U"], to_school_id=ids["R"],
             kind="secondment", start_on=dt.date(2024, 9, 1), planned_end_on=dt.date(2027, 8, 31)),
    ])  # fmt: skip
    session.commit()

    result = demand_by_school(session, AFTER_DAILY_PE)

    urban, rural = result[ids["U"]].subjects, result[ids["R"]].subjects
    assert urban["pe"].in_post == 2
    assert rural["pe"].in_post == 1
    assert rural["pe"].shortage_slots == 1  # need 30/18 = 1.67; 1.67 − 1 − 0.25 → 1
    assert rural["music"].in_post == 1
    assert "music" in urban and urban["music"].in_post == 0
    # before the term ends the secondee still counts where they teach
    assert demand_by_school(session, dt.date(2026, 8, 31))[ids["R"]].subjects["pe"].in_post == 2


def test_established_teachers_are_counted_apart_from_temporary_ones(session: Session) -> None:
    """The staffing minimum the rotation keeps counts 在编 teachers only; the temporary PE
    teacher still teaches (in post) but is not a post the rotation can count on."""
    session.execute(insert(School), [
        dict(code="R", name="乡村小学", town="埔前镇", zone="rural", level="primary",
             pupils=300, classes_by_grade=ONE_CLASS_PER_GRADE),
    ])  # fmt: skip
    rid = session.execute(select(School.id)).scalar_one()
    session.execute(insert(Teacher), [
        _teacher(1, rid, "pe"), _teacher(2, rid, "pe", "temporary"), _teacher(3, rid, "math"),
    ])  # fmt: skip
    session.commit()
    subjects = demand_by_school(session, AFTER_DAILY_PE)[rid].subjects
    assert (subjects["pe"].in_post, subjects["pe"].established) == (2, 1)
    assert (subjects["math"].in_post, subjects["math"].established) == (1, 1)
    assert subjects["chinese"].established == 0 and len(subjects) >= 3


def test_a_junior_certificate_counts_only_towards_the_junior_section() -> None:
    """A complete secondary school (grades 7–12) with two physics teachers who hold only
    junior certificates: they cover the junior section's physics, not the senior one's."""
    classes = [2, 2, 2, 2, 2, 2]
    need = subject_need(level="complete_secondary", classes_by_grade=classes, pupils=600,
                        as_of=AFTER_DAILY_PE)
    senior_need = subject_need(level="senior", classes_by_grade=classes[3:], pupils=0,
                               as_of=AFTER_DAILY_PE)["physics"]
    junior_need = need["physics"] - senior_need
    assert 0 < junior_need <= 2 and senior_need > 0.25  # two junior teachers are enough there
    common = dict(level="complete_secondary", classes_by_grade=classes, pupils=600,
                  in_post={"physics": 2}, as_of=AFTER_DAILY_PE)
    unsplit = school_demand(**common)["physics"]
    split = school_demand(**common, senior_certified={"physics": 0})["physics"]
    assert unsplit.shortage == round(max(0.0, need["physics"] - 2), 4)
    assert split.shortage == round(senior_need, 4) > unsplit.shortage
    assert split.shortage_slots == math.ceil(round(senior_need - 0.25, 6))
    senior = school_demand(**common, senior_certified={"physics": 2})["physics"]
    assert senior.shortage == unsplit.shortage  # senior-certified teachers teach both sections


def test_the_registry_splits_a_complete_secondary_school_by_certificate(session: Session) -> None:
    from workforce.models import Certificate

    session.execute(insert(School), [
        dict(code="W", name="完全中学", town="上城街道", zone="urban", level="complete_secondary",
             pupils=600, classes_by_grade=[2, 2, 2, 2, 2, 2]),
    ])  # fmt: skip
    wid = session.execute(select(School.id)).scalar_one()
    session.execute(insert(Teacher), [_teacher(n, wid, "physics") for n in (1, 2, 3)])
    tids = sorted(session.execute(select(Teacher.id)).scalars())
    session.execute(insert(Certificate), [
        dict(teacher_id=tids[0], level="junior", subject="physics", number="C1"),
        dict(teacher_id=tids[1], level="junior", subject="physics", number="C2"),
        dict(teacher_id=tids[2], level="senior", subject="physics", number="C3"),
    ])  # fmt: skip
    session.commit()
    physics = demand_by_school(session, AFTER_DAILY_PE)[wid].subjects["physics"]
    expected = school_demand(level="complete_secondary", classes_by_grade=[2] * 6, pupils=600,
                             in_post={"physics": 3}, senior_certified={"physics": 1},
                             as_of=AFTER_DAILY_PE)["physics"]
    unsplit = school_demand(level="complete_secondary", classes_by_grade=[2] * 6, pupils=600,
                            in_post={"physics": 3}, as_of=AFTER_DAILY_PE)["physics"]
    assert physics == expected and physics.in_post == physics.established == 3
    assert physics.shortage > unsplit.shortage


def test_a_complete_secondary_school_has_its_senior_sections_figures() -> None:
    """Each subject of a complete secondary school whose certificates were counted carries its
    senior section's figures: the senior grades' need, the senior-certified teachers (and the
    在编 ones among them), the slots only they can fill, the fewest of them to keep. Elsewhere,
    and without the certificates counted, none."""
    from workforce.rules.demand import SeniorSectionDemand

    classes = [2, 2, 2, 2, 2, 2]
    senior_need = subject_need(level="senior", classes_by_grade=classes[3:], pupils=0,
                               as_of=AFTER_DAILY_PE)["physics"]
    common = dict(level="complete_secondary", classes_by_grade=classes, pupils=600,
                  in_post={"physics": 3}, as_of=AFTER_DAILY_PE)
    split = school_demand(**common, established={"physics": 2},
                          senior_certified={"physics": 1},
                          senior_established={"physics": 0})["physics"]
    short = max(0.0, senior_need - 1)
    assert split.senior == SeniorSectionDemand(
        need=senior_need, in_post=1, established=0, shortage=round(short, 4),
        shortage_slots=max(0, math.ceil(round(short - 0.25, 6))),
        min_keep=math.ceil(round(senior_need - 0.25, 6)))
    assert split.senior.shortage_slots <= split.shortage_slots
    assert school_demand(**common)["physics"].senior is None
    by_default = school_demand(**common, senior_certified={"physics": 1})["physics"].senior
    assert by_default is not None and by_default.established == 1  # all of them 在编
    primary = school_demand(level="primary", classes_by_grade=ONE_CLASS_PER_GRADE, pupils=300,
                            in_post={"math": 2}, as_of=AFTER_DAILY_PE,
                            senior_certified={"math": 2})
    assert all(d.senior is None for d in primary.values())
