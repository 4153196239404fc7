"""The part of a plan a school's clerk may see: the moves that leave or reach their school,
their school's rural shortages, the quotas, conflicts and relaxations of the district and of
their school, and the pins on their school's teachers or naming their school. Everything
else in a plan concerns other schools' teachers, which a clerk may not see (the registry's
scoping rule, :mod:`workforce.accounts.scope`, applied to a plan's contents)."""

from __future__ import annotations

from optimizer import Instance, Pin, Plan

DISTRICT = "district"


def plan_for_school(plan: Plan, school: str) -> Plan:
    """``plan`` cut down to what concerns the school with code ``school``."""
    scopes = {DISTRICT, school}
    return plan.model_copy(
        update={
            "moves": [m for m in plan.moves if school in (m.from_school, m.to_school)],
            "quotas": [q for q in plan.quotas if q.scope in scopes],
            "shortages": [s for s in plan.shortages if s.school == school],
            "conflicts": [c for c in plan.conflicts if c.scope in scopes],
            "relaxation": [r for r in plan.relaxation if r.scope in scopes],
        }
    )


def pins_for_school(instance: Instance, school: str) -> list[Pin]:
    """The instance's pins on teachers of ``school`` or naming it as a destination."""
    own = {t.staff_no for t in instance.teachers if t.school == school}
    return [p for p in instance.pins if p.staff_no in own or p.school == school]
