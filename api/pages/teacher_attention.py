"""The teacher page's answers to "what needs attention" (issue #13, item 8): certificate
registrations and key-teacher terms expired or expiring (:mod:`workforce.services.attention`),
the past training cycles with their hours and outcome, this year's rotation wishes, and
whether the teacher may rotate this year — the optimizer's own eligibility rules
(:func:`optimizer.rules.eligibility_blockers` on the teacher as the rotation sees them), each
reason in the optimizer's words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from api.i18n import Language
from optimizer.messages import blocker_text
from optimizer.rules import eligibility_blockers
from workforce.models import Certificate, Designation, RotationWish, School, Teacher, TrainingRecord
from workforce.reports.keyteachers import key_kinds, key_tiers
from workforce.reports.messages import enum_label
from workforce.rules.leaving import SERVING
from workforce.rules.local import rotation_rules as rules_in_force
from workforce.rules.local import training_rules
from workforce.rules.training import assess
from workforce.services.attention import row_state
from workforce.snapshot import instance_teacher_of, school_year_start


def attention_context(
    session: Session,
    teacher: Teacher,
    certificates: list[Certificate],
    designations: list[Designation],
    training: list[TrainingRecord],
    language: Language,
    days: int,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """What the page's flags, past cycles, wishes and rotation answer need."""
    today = today or dt.date.today()
    latest_certificate = max(
        (c for c in certificates if c.valid_until), key=lambda c: c.valid_until, default=None
    )
    keys = [d for d in designations if d.kind in key_kinds() and d.tier in key_tiers()]
    latest_key = max(keys, key=lambda d: d.term_end, default=None)
    flags = []
    if latest_certificate is not None:
        state = row_state(latest_certificate.valid_until, today, days)
        if state:
            flags.append(("certificate_" + state, latest_certificate.valid_until))
    if latest_key is not None:
        state = row_state(latest_key.term_end, today, days)
        lapsed_long_ago = latest_key.term_end < today - dt.timedelta(days=days)
        if state and not lapsed_long_ago:
            flags.append(("designation_" + state, latest_key.term_end))
    return {
        "flags": flags if teacher.status in SERVING else [],
        "row_state": lambda end: row_state(end, today, days),
        "past_cycles": past_cycles(teacher, training, today, language),
        "wishes": _wishes(session, teacher, today.year),
        "rotation": _rotation(session, teacher, today.year, language),
    }


def past_cycles(
    teacher: Teacher, records: list[TrainingRecord], today: dt.date, language: Language
) -> list[dict[str, Any]]:
    """Each finished cycle the teacher served in (or has hours in): hours, required, outcome."""
    rules = training_rules()
    rows = []
    for cycle in rules.cycles:
        if cycle.end >= today:
            continue
        hours = sum((r.hours for r in records if cycle.start <= r.date <= cycle.end), Decimal(0))
        served = teacher.first_employed_on is not None and teacher.first_employed_on <= cycle.end
        if not hours and not served:
            continue
        outcome = assess(float(hours), teacher.first_employed_on, cycle, cycle.end, rules)
        rows.append(
            {
                "name": cycle.name,
                "hours": hours,
                "required": outcome.required,
                "status": enum_label("training_status", outcome.status, language),
            }
        )
    return rows


def _wishes(session: Session, teacher: Teacher, year: int) -> list[tuple[int, str]]:
    statement = (
        select(RotationWish.rank, School.name)
        .join(School, School.id == RotationWish.school_id)  # type: ignore[arg-type]
        .where(RotationWish.teacher_id == teacher.id, RotationWish.year == year)
        .order_by(RotationWish.rank)
    )
    return [(rank, name) for rank, name in session.exec(statement).all()]


def _rotation(session: Session, teacher: Teacher, year: int, language: Language) -> dict:
    """May the teacher rotate in ``year``'s rotation, and if not, every reason why."""
    if teacher.status not in SERVING:
        return {"year": year, "applies": False, "reasons": []}
    rules = rules_in_force()
    subject = instance_teacher_of(session, teacher.id, year=year, rules=rules)  # type: ignore[arg-type]
    as_of = school_year_start(year)
    lang = 0 if language == "zh" else 1
    reasons = [blocker_text(b, lang) for b in eligibility_blockers(subject, as_of, rules)]
    return {"year": year, "applies": True, "reasons": reasons}
