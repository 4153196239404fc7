"""The roadmap's output (`Roadmap`): per year the moves, returns, quotas and shortages; the
objective levels with their bounds; and the first year's plan, checked as a one-year plan."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from optimizer.instance import Pin
from optimizer.plan import Plan


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoadmapMove(_Strict):
    staff_no: str
    name: str
    from_school: str
    to_school: str
    subject: str
    is_key: bool
    returns_on: date | None = Field(
        description="End of the secondment term; None past the horizon's view (a transfer)."
    )


class RoadmapReturn(_Strict):
    """A secondee back at the home school from this year: the host's slot reopens, the home
    post (held while away) is taken again."""

    staff_no: str
    name: str
    home_school: str
    host_school: str | None = Field(description="None for a secondment begun before the roadmap.")
    subject: str
    on: date


class RoadmapQuota(_Strict):
    name: str = Field(description="quota.district_share, quota.school_share or quota.key_share.")
    scope: str = Field(description="'district' or a school code.")
    required: int
    achieved: int
    met: bool


class RoadmapShortage(_Strict):
    """A (school, subject) short of teachers in a year: projected slots before the moves, and
    those left with the moves in force (a secondee's home vacancy counts as one)."""

    school: str
    subject: str
    slots: int
    left: int


class RoadmapYear(_Strict):
    year: int
    as_of: date
    approved: bool = Field(
        description="True for the first year (the plan HR approves); later years are indicative."
    )
    moves: list[RoadmapMove] = Field(default_factory=list)
    returns: list[RoadmapReturn] = Field(default_factory=list)
    quotas: list[RoadmapQuota] = Field(default_factory=list)
    eligible: int = Field(description="Teachers who may rotate on this year's date (the cohort).")
    newly_eligible: int = Field(description="Of them, those not eligible the year before.")
    retired: int = Field(description="Teachers gone by retirement since the first year.")
    shortage_slots: int = Field(description="Projected shortage slots before the moves.")
    shortage_left: int = Field(description="Slots still open after the moves in force this year.")
    shortages: list[RoadmapShortage] = Field(
        default_factory=list, description="Per school and subject, where open."
    )
    key_moves: int


class RoadmapLevel(_Strict):
    name: Literal[
        "quota_shortfall",
        "rural_shortage_filled",
        "uncovered",
        "key_spread",
        "preference",
        "distance",
    ]
    sense: Literal["max", "min"]
    value: float | None
    bound: float | None
    proven_optimal: bool


class Roadmap(_Strict):
    """A multi-year rotation roadmap, or why none exists (status infeasible)."""

    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    first_year: int
    years: list[RoadmapYear] = Field(default_factory=list)
    objectives: list[RoadmapLevel] = Field(default_factory=list)
    cohort: int = Field(0, description="Teachers eligible in at least one year of the horizon.")
    uncovered: list[str] = Field(
        default_factory=list, description="Staff numbers of that cohort who never rotate."
    )
    assumptions: dict[str, str] = Field(default_factory=dict)
    first_year_plan: Plan | None = Field(
        None,
        description="The first year as a one-year plan, "
        "made from the instance with `first_year_pins` added.",
    )
    first_year_pins: list[Pin] = Field(
        default_factory=list,
        description="The pins that hold the one-year optimizer to the roadmap's first year.",
    )
    first_year_findings: list[str] = Field(
        default_factory=list,
        description="The independent checker's findings on the first "
        "year's plan (optimizer.check.check_plan); empty when it is a valid one-year plan.",
    )
    groups: int = 0
    variables: int = 0
    wall_time_s: float = 0.0
    cpu_time_s: float = 0.0
    pruned_to: int | None = Field(
        None,
        description="Nearest destinations kept per (group, year, "
        "subject) when pruned; the bounds are then the pruned model's.",
    )
    note: str = Field("", description="Diagnostics (English): pruning, why no roadmap.")
