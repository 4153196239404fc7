"""Which audit entries a county's user sees: those about their county's schools, teachers (and
the teachers' records), corrections and plans. An entry names what it is about by ``entity``
and ``entity_key``, and — for an entry about a teacher — by ``teacher_id``, fixed when it is
written (:func:`workforce.audit.record_many`): a teacher's entries follow the teacher, not the
staff number, which can be changed and later given to a teacher of another county. The key of
a plan pin starts with the plan's id (``12:S001``), so the key's head — up to the first ``/``,
``|`` or ``:`` — is matched against the county's plan ids or school codes, one indexed look-up
per entry. An entry about a teacher whose teacher migration 0014 could not resolve (a number
no teacher held at the time, as far as the log tells) is city-level: matched by its number, it
would show a teacher of another county who holds that number now. Entries about accounts, the
district's sample data or the secret key are city-level.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, exists, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from workforce.accounts.models import Correction
from workforce.audit import KEY_SEPARATORS
from workforce.models import AuditLog, RotationPlan, School, Teacher

SEPARATORS = KEY_SEPARATORS
"""What ends the leading key in an entity key."""
STAFF_NO_FORBIDDEN = " " + "".join(SEPARATORS)
"""What a staff number may not hold: with a separator in it, its entries' key head would be
another staff number (``T001/9`` read as ``T001``), shown to that teacher's county."""
CITY_LEVEL = frozenset({"user", "district", "instance"})
"""Entities no county's user sees."""
BY_PLAN = frozenset({"rotation_plan", "plan_pin"})


class key_head(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """The part of a text before the first of :data:`SEPARATORS` (all of it without one)."""

    type = String()
    inherit_cache = True
    name = "key_head"


@compiles(key_head, "postgresql")
def _key_head_postgresql(element: key_head, compiler: Any, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    for separator in SEPARATORS:
        text = f"split_part({text}, '{separator}', 1)"
    return text


@compiles(key_head)
def _key_head_sqlite(element: key_head, compiler: Any, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    for separator in SEPARATORS:
        at = f"instr({text}, '{separator}')"
        text = f"(CASE WHEN {at} > 0 THEN substr({text}, 1, {at} - 1) ELSE {text} END)"
    return text


def audit_in_county(county: str) -> Any:
    """The condition on AuditLog rows that keeps the entries about ``county``."""
    schools = select(School.id).where(School.county == county)
    head = key_head(AuditLog.entity_key)
    plan_ids = select(cast(RotationPlan.id, String)).where(RotationPlan.county == county)
    teachers = select(Teacher.id).where(Teacher.school_id.in_(schools))  # type: ignore[union-attr]
    corrections = select(cast(Correction.id, String)).where(Correction.teacher_id.in_(teachers))
    of_teacher = exists().where(
        Teacher.id == AuditLog.teacher_id,
        Teacher.school_id.in_(schools),  # type: ignore[union-attr]
    )
    about_teachers = AuditLog.entity.not_in(CITY_LEVEL | BY_PLAN | {"school", "correction"})
    return or_(
        (AuditLog.entity == "school")
        & AuditLog.entity_key.in_(select(School.code).where(School.county == county)),
        AuditLog.entity.in_(BY_PLAN) & head.in_(plan_ids),
        (AuditLog.entity == "correction") & AuditLog.entity_key.in_(corrections),
        about_teachers & of_teacher,
    )
