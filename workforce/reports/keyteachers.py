"""Who is a key teacher (骨干教师, and so a 区级骨干教师) on a day, by the rotation rules' one
definition (:func:`optimizer.rules.is_key`: a designation of a kind in ``quotas.key_kinds``, at
``quotas.key_min_tier`` or above, valid that day; ``data/rules/rotation.yaml``), applied to the
designations loaded in bulk. :func:`key_kinds` and :func:`key_tiers` give the same definition as
lists, for SQL (the teacher list's key-teacher filter, the demo summary) and for the talent
report's 700 区级骨干教师 goal: every place that counts key teachers reads it from here.

The rule functions read attributes only; the light views below carry exactly the attributes
of :class:`optimizer.instance.Designation` and ``Teacher.designations`` that they read, because
building a pydantic instance per teacher costs seconds over a 100,000-teacher district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import pandas as pd

from optimizer.rules import TIERS, RotationRules, is_key
from workforce.rules.local import rotation_rules as rules_in_force

if TYPE_CHECKING:
    from optimizer.instance import Teacher as RuleTeacher


def key_kinds(rules: RotationRules | None = None) -> tuple[str, ...]:
    """Designation kinds that make a key teacher (``quotas.key_kinds``)."""
    return tuple((rules or default_rules()).quotas.key_kinds)


def key_tiers(rules: RotationRules | None = None) -> tuple[str, ...]:
    """Tiers that count: ``quotas.key_min_tier`` and every tier above it (as ``is_key``)."""
    rules = rules or default_rules()
    return TIERS[TIERS.index(rules.quotas.key_min_tier) :]


def default_rules() -> RotationRules:
    """The rotation rules in force (`workforce.rules.local`: the shipped defaults with the
    deployment's own, read again when its file changes)."""
    return rules_in_force()


@dataclass(frozen=True, slots=True)
class DesignationView:
    """A designation as :func:`optimizer.rules.is_key` reads it."""

    kind: str
    tier: str
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True, slots=True)
class _DesignationHolder:
    designations: list[DesignationView]


def rule_designations(designations: pd.DataFrame) -> dict[int, list[DesignationView]]:
    """The registry's designations per teacher id, as the rule functions read them."""
    held: dict[int, list[DesignationView]] = {}
    for teacher_id, kind, tier, start, end in zip(
        designations["teacher_id"],
        designations["kind"],
        designations["tier"],
        designations["term_start"],
        designations["term_end"],
        strict=True,
    ):
        held.setdefault(int(teacher_id), []).append(DesignationView(kind, tier, start, end))
    return held


def is_key_on(designations: list[DesignationView], day: dt.date, rules: RotationRules) -> bool:
    """Whether a teacher holding ``designations`` is a key teacher on ``day``."""
    return is_key(cast("RuleTeacher", _DesignationHolder(designations)), day, rules)


def key_teacher_ids(
    held: dict[int, list[DesignationView]], day: dt.date, rules: RotationRules
) -> set[int]:
    """Ids of the teachers who are key teachers on ``day``."""
    return {
        teacher_id
        for teacher_id, designations in held.items()
        if is_key_on(designations, day, rules)
    }
