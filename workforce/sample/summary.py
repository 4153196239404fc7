"""A short overview of a district in the registry, as ``workforce demo`` prints it: schools,
teachers, qualification rates against the 2020 baseline, key teachers against the 2025 goal,
and the rural schools' shortages by the subject-demand rule — over the schools the rotation
plan covers (public compulsory schools, ``workforce.snapshot.COMPULSORY_LEVELS``), so that the
plan printed below fills exactly these slots (a rural senior high school's shortage is not the
plan's to fill, and counting it made "体育 52" sit above the plan's "体育: 51/51").

The figures are read from the registry (not from the generator), so the summary also describes
a real district once its data are imported. Labels are the ``sample.*`` messages of the
project catalogue (:mod:`texts`), zh first, en.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlmodel import Session

from optimizer.rules import RotationRules
from texts import text
from workforce.codes import code_list
from workforce.models import Certificate, Designation, School, Teacher
from workforce.reports.keyteachers import default_rules
from workforce.reports.talent import SERVING, Goal, TalentTargets, default_talent_targets
from workforce.rules.demand import demand_by_school
from workforce.sample.calibration import QUALIFICATION_BASELINE, STAGE_OF_LEVEL
from workforce.snapshot import COMPULSORY_LEVELS

SUMMARY_GOALS = ("key_teachers", "key_head_teachers")
"""The talent goals the summary shows (data/targets/talent.yaml: 700 district key teachers and
300 district key head teachers, plan ch.3 §3.3(二)); counted as the talent report counts them."""

INDICATORS: dict[str, tuple[str, frozenset[str] | None]] = {
    # indicator → (stage, educations that count; None = holds a certificate)
    "kindergarten_associate_or_above": (
        "kindergarten",
        frozenset({"associate", "bachelor", "master", "doctorate"}),
    ),
    "kindergarten_certified": ("kindergarten", None),
    "primary_bachelor_or_above": ("primary", frozenset({"bachelor", "master", "doctorate"})),
    "junior_bachelor_or_above": ("junior", frozenset({"bachelor", "master", "doctorate"})),
    "senior_postgraduate": ("senior", frozenset({"master", "doctorate"})),
}


def message(message_id: str, language: str, /, **values: object) -> str:
    return text(f"sample.{message_id}", language, **values)


@dataclass
class DistrictSummary:
    as_of: dt.date
    schools: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(level, ownership) → schools."""
    teachers: Counter[str] = field(default_factory=Counter)
    """public_established, public_temporary, kindergarten, private → active teachers."""
    rates: dict[str, float] = field(default_factory=dict)
    key_teachers: int = 0
    key_head_teachers: int = 0
    goals: dict[str, Goal] = field(default_factory=dict)
    """The talent goals shown, by key (targets and years from data/targets/talent.yaml)."""
    rural_shortage: Counter[str] = field(default_factory=Counter)
    urban_spare: Counter[str] = field(default_factory=Counter)


def district_summary(
    session: Session,
    as_of: dt.date,
    targets: TalentTargets | None = None,
    rules: RotationRules | None = None,
) -> DistrictSummary:
    """The figures of the summary, in a handful of grouped queries."""
    summary = DistrictSummary(as_of=as_of)
    targets = targets or default_talent_targets()
    rules = rules or default_rules()
    summary.goals = {g.key: g for g in targets.goals if g.key in SUMMARY_GOALS}
    levels: dict[int, tuple[str, str, str]] = {}
    for school_id, level, ownership, zone in session.execute(
        select(School.id, School.level, School.ownership, School.zone).where(School.active)
    ):
        levels[school_id] = (level, ownership, zone)
        summary.schools[(level, ownership)] += 1
    certified = select(Certificate.teacher_id).distinct().scalar_subquery()
    rows = session.execute(
        select(
            Teacher.school_id,
            Teacher.post_type,
            Teacher.education,
            Teacher.id.in_(certified),
            func.count(),
        )
        .where(Teacher.status == "active")
        .group_by(
            Teacher.school_id, Teacher.post_type, Teacher.education, Teacher.id.in_(certified)
        )
    )
    reached: Counter[str] = Counter()
    stage_total: Counter[str] = Counter()
    for school_id, post_type, education, has_certificate, count in rows:
        level, ownership, _ = levels[school_id]
        stage = STAGE_OF_LEVEL[level]
        if level == "kindergarten":
            summary.teachers["kindergarten"] += count
        elif ownership == "private":
            summary.teachers["private"] += count
        elif post_type in ("established", "temporary"):
            summary.teachers[f"public_{post_type}"] += count
        stage_total[stage] += count
        for indicator, (indicator_stage, educations) in INDICATORS.items():
            if indicator_stage == stage and (
                has_certificate if educations is None else education in educations
            ):
                reached[indicator] += count
    summary.rates = {
        indicator: reached[indicator] / stage_total[stage]
        for indicator, (stage, _) in INDICATORS.items()
        if stage_total[stage]
    }
    summary.key_teachers = _holders(session, summary.goals["key_teachers"], rules, as_of)
    summary.key_head_teachers = _holders(session, summary.goals["key_head_teachers"], rules, as_of)
    for demand in demand_by_school(session, as_of).values():
        _, ownership, zone = levels[demand.school_id]
        if ownership != "public" or demand.level not in COMPULSORY_LEVELS:
            continue  # the schools the rotation plan covers
        for subject, d in demand.subjects.items():
            if zone == "rural":
                summary.rural_shortage[subject] += d.shortage_slots
            else:
                summary.urban_spare[subject] += d.spare
    return summary


def _holders(session: Session, goal: Goal, rules: RotationRules, as_of: dt.date) -> int:
    """Serving teachers holding on ``as_of`` a designation the goal counts: the talent report's
    current figure (for the key-teacher goal: the rotation rules' one definition)."""
    return (
        session.scalar(
            select(func.count(distinct(Designation.teacher_id)))
            .join(Teacher, Teacher.id == Designation.teacher_id)
            .where(
                Designation.kind.in_(goal.counted_kinds(rules)),
                Designation.tier.in_(goal.tiers(rules)),
                Designation.term_start <= as_of,
                Designation.term_end >= as_of,
                Teacher.status.in_(SERVING),
            )
        )
        or 0
    )


def summary_lines(summary: DistrictSummary, language: str = "zh") -> list[str]:
    """The summary as printable lines, Chinese first (``language="en"`` for English)."""
    levels, subjects = code_list("school_levels"), code_list("subjects")
    by_level: Counter[str] = Counter()
    private: Counter[str] = Counter()
    for (level, ownership), count in summary.schools.items():
        by_level[level] += count
        private[level] += count if ownership == "private" else 0
    school_items = [
        message("school_item", language, label=levels.label(level, language), count=by_level[level], private=private[level])
        for level in levels.code_values
        if by_level[level]
    ]  # fmt: skip
    separator = "、" if language == "zh" else ", "
    t = summary.teachers

    def subject_items(counts: Counter[str]) -> str:
        items = [f"{subjects.label(s, language)} {n}" for s, n in counts.most_common() if n]
        return separator.join(items) or message("none", language)

    lines = [
        message("title", language, as_of=summary.as_of.isoformat()),
        message("schools", language, items=separator.join(school_items), total=sum(by_level.values())),
        message(
            "teachers", language,
            total=t["public_established"] + t["public_temporary"],
            established=t["public_established"], temporary=t["public_temporary"],
            kindergarten=t["kindergarten"], private=t["private"],
        ),
        message("qualifications", language),
        *(
            message("rate", language, label=message(k, language), rate=rate, baseline=QUALIFICATION_BASELINE[k])
            for k, rate in summary.rates.items()
        ),
        message(
            "key_teachers", language,
            key=summary.key_teachers, key_goal=summary.goals["key_teachers"].target,
            key_year=summary.goals["key_teachers"].year,
            head=summary.key_head_teachers, head_goal=summary.goals["key_head_teachers"].target,
            head_year=summary.goals["key_head_teachers"].year,
        ),
        message("rural_shortage", language, items=subject_items(summary.rural_shortage)),
        message("urban_spare", language, items=subject_items(summary.urban_spare)),
    ]  # fmt: skip
    return lines
