"""Who is a key teacher (骨干教师) on a day, by the rotation rules' one definition
(:func:`optimizer.rules.is_key`: a designation of a key kind, at the minimum tier or above,
valid that day), applied to the designations loaded in bulk."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from optimizer.instance import Designation as RuleDesignation
from optimizer.instance import Teacher as RuleTeacher
from optimizer.rules import RotationRules, is_key


def rule_designations(designations: pd.DataFrame) -> dict[int, list[RuleDesignation]]:
    """The registry's designations per teacher id, as the rule functions read them."""
    held: dict[int, list[RuleDesignation]] = {}
    for teacher_id, kind, tier, start, end in zip(
        designations["teacher_id"],
        designations["kind"],
        designations["tier"],
        designations["term_start"],
        designations["term_end"],
        strict=True,
    ):
        held.setdefault(int(teacher_id), []).append(
            RuleDesignation.model_construct(kind=kind, tier=tier, valid_from=start, valid_until=end)
        )
    return held


def is_key_on(designations: list[RuleDesignation], day: dt.date, rules: RotationRules) -> bool:
    """Whether a teacher holding ``designations`` is a key teacher on ``day``."""
    return is_key(RuleTeacher.model_construct(designations=designations), day, rules)


def key_teacher_ids(
    held: dict[int, list[RuleDesignation]], day: dt.date, rules: RotationRules
) -> set[int]:
    """Ids of the teachers who are key teachers on ``day``."""
    return {
        teacher_id
        for teacher_id, designations in held.items()
        if is_key_on(designations, day, rules)
    }
