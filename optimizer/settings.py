"""How to solve: back-end, time limit, determinism and arc pruning (`SolveSettings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SolveSettings(BaseModel):
    """Settings of one solve; recorded in the plan so that the plan can be reproduced."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["highs", "scip", "cpsat"] = Field(
        "highs", description="highs / scip: MIP over teacher groups; cpsat: the same model on CP-SAT."
    )
    time_limit_s: float = Field(60.0, gt=0, description="Wall-clock budget for all levels.")
    threads: int = Field(1, ge=1, description="Solver threads; 1 keeps the result deterministic.")
    seed: int = Field(0, description="Random seed handed to the solver.")
    relative_gap: float = Field(
        0.0, ge=0, description="Stop a level when its relative gap is at most this."
    )
    nearest_destinations: int | None = Field(
        None, ge=1,
        description="Arc pruning: per teacher group and subject keep only this many nearest "
        "schools short of the subject (plus wished and pinned ones). None = no pruning.",
    )
    nearest_swaps: int = Field(
        2, ge=0, description="With pruning: this many nearest schools where only a swap is "
        "possible (no shortage, but teachers of that subject who may leave).",
    )
    prune_above_arcs: int = Field(
        400_000, ge=1,
        description="When nearest_destinations is None and the exact model would have more arcs "
        "than this, prune to `auto_nearest` destinations; the plan says so.",
    )
    auto_nearest: int = Field(8, ge=1, description="Shortage destinations kept by automatic "
                              "pruning.")
    auto_swaps: int = Field(2, ge=0, description="Swap destinations kept by automatic pruning.")
    lp_guided: bool = Field(
        True, description="Solve each level's LP relaxation first and search around it "
        "(see optimizer.levels); False runs the plain MIP."
    )
    groups_per_slot: int = Field(
        20, ge=1, description="With pruning: per school short of a subject, the nearest teacher "
        "groups that could fill it keep their arc there."
    )
    groups_per_open_slot: int = Field(
        2, ge=1, description="With pruning: per school and subject it could take in only by a "
        "swap (no shortage, no 10% quota), the nearest groups that could come keep their arc "
        "there, so that every place of the exact model is in the pruned one too."
    )
    principal_posts_kept: int = Field(
        30, ge=1, description="With pruning: the nearest allowed principal posts kept per "
        "principal (plus wished and pinned ones)."
    )
    relax_when_infeasible: bool = Field(
        True, description="On infeasibility, compute the smallest relaxation and the conflicts."
    )
