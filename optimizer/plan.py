"""The optimizer's output (`Plan`): the moves with their reasons, the quota and shortage figures,
the proof (per-level objective, bound, gap), and — when the rules cannot all hold — the conflicts
and the smallest relaxation. Every text is given in Chinese (`zh`, shown first) and English.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from optimizer.settings import SolveSettings

ParamValue = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reason(_Strict):
    """One structured reason: a code (a constraint name or an explanation code), its numbers, and
    the rendered text."""

    code: str
    params: dict[str, ParamValue] = Field(default_factory=dict)
    zh: str
    en: str


class Move(_Strict):
    """One teacher or principal moving for the plan's year."""

    staff_no: str
    name: str
    role: Literal["teacher", "principal"]
    from_school: str
    to_school: str
    subject: str | None = Field(description="Subject taught at the destination; None for a principal.")
    kind: Literal["secondment", "transfer"]
    start: date
    planned_end: date | None = Field(description="End of a secondment term; None for a transfer.")
    wish_rank: int | None = Field(description="Rank of the destination in the teacher's wishes.")
    distance_km: float
    is_key: bool
    reasons: list[Reason]


class QuotaResult(_Strict):
    """A quota: its target, what the plan achieves, and the margin (achieved − target)."""

    name: str = Field(description="Constraint name, e.g. quota.school_share.")
    scope: str = Field(description="'district' or a school code.")
    base: int = Field(description="The count the share is taken of.")
    target: int
    achieved: int
    margin: int
    met: bool
    reasons: list[Reason] = Field(default_factory=list)


class ShortageResult(_Strict):
    """A rural shortage (school, subject) and how much of it the plan fills."""

    school: str
    subject: str
    slots: int
    weight: int
    arrivals: int
    departures: int
    filled: int = Field(description="min(slots, max(0, arrivals − departures)).")
    unfilled: int
    reasons: list[Reason] = Field(default_factory=list, description="Why part stays unfilled.")


class ObjectiveLevel(_Strict):
    """One level of the lexicographic objective."""

    name: Literal["rural_shortage_filled", "preference", "distance"]
    sense: Literal["max", "min"]
    value: float | None
    bound: float | None
    relative_gap: float | None
    proven_optimal: bool


class SolverStats(_Strict):
    backend: str
    wall_time_s: float
    build_time_s: float
    time_to_first_plan_s: float | None = Field(
        description="Seconds until the first complete plan (end of level 1)."
    )
    nodes: int | None
    groups: int = Field(description="Groups of interchangeable teachers.")
    arcs: int = Field(description="Flow variables group → (destination, subject).")
    pruned: bool
    pruning: str = Field(description="How arcs were pruned; the bound is for the pruned model.")
    level_methods: list[str] = Field(
        default_factory=list, description="How each level was solved (see optimizer.levels)."
    )


class Provenance(_Strict):
    optimizer_version: str
    settings: SolveSettings
    created_at: datetime
    instance_sha256: str = Field(description="SHA-256 of the instance JSON the plan was made from.")
    method: str = Field(description="'lexicographic MIP', 'greedy baseline', …")


class Conflict(_Strict):
    """A rule that cannot hold, in plain words with its numbers."""

    constraint: str
    scope: str
    params: dict[str, ParamValue] = Field(default_factory=dict)
    zh: str
    en: str


class RelaxationItem(_Strict):
    """Part of the smallest relaxation: lower `constraint` at `scope` from target to achievable."""

    constraint: str
    scope: str
    target: int
    achievable: int
    relax_by: int
    zh: str
    en: str


class Plan(_Strict):
    """A rotation plan for one year, or the reasons why none exists."""

    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    year: int
    objectives: list[ObjectiveLevel] = Field(default_factory=list)
    best_bound: float | None = Field(None, description="Bound of the first objective level.")
    relative_gap: float | None = Field(None, description="Largest gap over the levels.")
    stats: SolverStats
    moves: list[Move] = Field(default_factory=list)
    quotas: list[QuotaResult] = Field(default_factory=list)
    shortages: list[ShortageResult] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    relaxation: list[RelaxationItem] = Field(default_factory=list)
    provenance: Provenance

    @property
    def optimised(self) -> bool:
        """Whether the moves come from the optimizer: False for the greedy clerk's plan handed
        back when no objective level was solved within the time limit (moves, no levels)."""
        return bool(self.objectives) or not self.moves

    def content(self) -> dict[str, Any]:
        """The plan without timings and creation time: equal for equal instance and settings."""
        data = self.model_dump(mode="json", exclude={"provenance": {"created_at"}})
        for key in ("wall_time_s", "build_time_s", "time_to_first_plan_s"):
            data["stats"].pop(key)
        return data
