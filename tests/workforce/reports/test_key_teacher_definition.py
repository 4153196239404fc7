"""One definition of 区级骨干教师 / key teacher: the talent report, the demo summary and the
teacher list's key-teacher filter count the same people on the sample district (they
disagreed, 640 vs 826, when each had its own rule)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from optimizer.rules import load_rules
from workforce.models import Teacher
from workforce.reports.talent import talent_report
from workforce.sample import generate_district, load_district
from workforce.sample.summary import district_summary, summary_lines
from workforce.services.key_teachers import key_teacher_ids


def test_report_summary_and_filter_agree_on_the_sample_district(session: Session) -> None:
    sample = generate_district(teachers=3400, seed=2021)
    load_district(session, sample)
    session.commit()
    serving = set(
        session.scalars(select(Teacher.id).where(Teacher.status.in_(["active", "seconded"])))
    )
    checked = 0
    for day in (sample.as_of, dt.date(2024, 12, 31)):
        goal = next(
            r
            for r in talent_report(session, as_of=day).view("talent.goals").rows
            if r["target_key"]["en"] == "District key teachers"
        )
        summary = district_summary(session, day)
        listed = set(session.scalars(key_teacher_ids(day))) & serving
        assert goal["current"] == summary.key_teachers == len(listed), day
        assert goal["current"] > (600 if day == sample.as_of else 300), day  # all key kinds
        checked += 1
    assert checked == 2
    lines = summary_lines(district_summary(session, sample.as_of), "zh")
    assert any("2025年目标 700" in line and "2025年目标 300" in line for line in lines)


def test_a_changed_rule_changes_the_summary_too(session: Session) -> None:
    sample = generate_district(teachers=600, seed=3)
    load_district(session, sample)
    session.commit()
    wide = district_summary(session, sample.as_of)
    narrow = district_summary(
        session, sample.as_of, rules=load_rules(overrides={"quotas.key_kinds": ["key_teacher"]})
    )
    assert 0 < narrow.key_teachers < wide.key_teachers
