"""Requests and answers of the plans API: solve jobs, plans as kept in the registry, and a
plan with its content."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from optimizer import Pin, Plan
from workforce.models import SolveJob

MAX_TIME_LIMIT_S = 600
DEFAULT_TIME_LIMIT_S = 30
Backend = Literal["highs", "scip", "cpsat"]


class SolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, description="方案年度 / the school year planned")
    time_limit_s: float = Field(
        DEFAULT_TIME_LIMIT_S, ge=1, le=MAX_TIME_LIMIT_S, description="求解时限（秒）"
    )
    backend: Backend = Field("highs", description="求解器 / solver back-end")
    supplementary: bool = Field(
        False,
        description="补充方案：该年度方案已执行后再求解须明确选择 / a supplementary plan "
        "(required once the year's plan has been applied)",
    )
    county: str | None = Field(
        None,
        max_length=50,
        description="只编制该县（区）的方案；限定到县（区）的用户默认为其县（区）/ solve this "
        "county's plan (a county-scoped user: their own county by default)",
    )


class ApproveRequest(BaseModel):
    """Approving a draft: the approver's comment (stored and audited) and, once the year's plan
    has been applied, the explicit choice of a supplementary plan."""

    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=500, description="审批意见 / the approval comment")
    supplementary: bool = Field(False, description="补充方案 / a supplementary plan")


class ResolveRequest(BaseModel):
    """Re-solve a plan's instance: ``pins`` are added (replacing earlier pins of the same
    teachers), the pins of the staff numbers in ``unpin`` are dropped."""

    model_config = ConfigDict(extra="forbid")

    pins: list[Pin] = Field(default_factory=list, max_length=500)
    unpin: list[str] = Field(default_factory=list, max_length=500, description="取消锁定的工号")
    time_limit_s: float = Field(DEFAULT_TIME_LIMIT_S, ge=1, le=MAX_TIME_LIMIT_S)
    backend: Backend | None = Field(None, description="默认沿用原方案的求解器")
    supplementary: bool = Field(False, description="补充方案 / a supplementary plan")


class JobLevel(BaseModel):
    """An objective level the running solve has settled: the plan found so far and its proof."""

    number: int = Field(description="第几层（从1起）/ the level's place in the order, from 1")
    name: str = Field(description="rural_shortage_filled | preference | distance")
    title_zh: str
    title_en: str
    value: float | None = Field(description="None: not solved within the time limit")
    bound: float | None
    relative_gap: float | None
    proven_optimal: bool

    @classmethod
    def of(cls, stored: dict) -> JobLevel:
        from optimizer.constraints import OBJECTIVES

        info = OBJECTIVES[stored["name"]]
        return cls(title_zh=info.zh, title_en=info.en, **{
            key: stored.get(key) for key in ("number", "name", "value", "bound",
                                             "relative_gap", "proven_optimal")})  # fmt: skip


class JobPublic(BaseModel):
    """A solve job's state, as polled while it runs."""

    id: int
    year: int
    county: str | None = Field(
        default=None, description="所属县（区）: the county whose plan the job makes (None: the "
        "whole registry, a registry of one county)")
    status: str = Field(description="queued | running | done | failed | stopped")
    stage: str
    finished: bool
    plan_id: int | None = Field(description="The draft the job made, once done.")
    parent_plan_id: int | None
    elapsed_s: float
    error: str | None = Field(description="The failure's first line.")
    levels: list[JobLevel] = Field(
        default_factory=list,
        description="已求得的目标层（逐层求解，先得者先显示）/ the objective levels settled so "
        "far, in order: a plan exists once level 1 is here")
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, job: SolveJob, finished_statuses: tuple[str, ...]) -> JobPublic:
        started = (job.started_at or job.created_at).replace(tzinfo=None)
        end = (job.finished_at or dt.datetime.now(dt.UTC)).replace(tzinfo=None)  # both UTC
        assert job.id is not None
        return cls(
            id=job.id,
            year=job.year,
            county=job.county,
            status=job.status,
            stage=job.stage,
            finished=job.status in finished_statuses,
            plan_id=job.plan_id,
            parent_plan_id=job.parent_plan_id,
            elapsed_s=round(max(0.0, (end - started).total_seconds()), 1),
            error=job.error.splitlines()[0] if job.error else None,
            levels=[JobLevel.of(level) for level in job.levels or ()],
            created_by=job.created_by,
            created_at=job.created_at,
        )


class PlanSummary(BaseModel):
    """A plan as kept in the registry: its life-cycle status and version."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    year: int
    county: str | None = Field(
        default=None, description="所属县（区）: the county the plan is of (None: the whole "
        "registry, a registry of one county)")
    status: str = Field(description="draft | approved | applied | superseded")
    supplementary: bool = Field(description="补充方案: approved after the year's plan was applied")
    approval_comment: str | None = Field(description="审批意见 / the approver's comment")
    solver_status: str
    gap: float | None
    moves: int
    parent_id: int | None
    created_by: str
    created_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    applied_by: str | None
    applied_at: dt.datetime | None
    version: int


class PlanDetail(BaseModel):
    """A plan with its content: moves with reasons, quotas, shortages, conflicts, the
    smallest relaxation, the solver's status, bound and gap; and the pins it was solved with."""

    registry: PlanSummary
    plan: Plan
    pins: list[Pin]
