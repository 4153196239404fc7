"""Continuing-education hours (继续教育学时): what a teacher owes in a cycle and how far along
the teacher is.

Defaults and their sources are in ``data/rules/training.yaml`` (every value configurable):
cycles are district-wide calendar windows (2021–2025, 2026–2030); 360 class hours per cycle;
120 hours in the probation year of a new teacher; pro-rata for a teacher who joins mid-cycle.

**What a teacher owes** (:func:`required_hours`), with ``f`` = first employment as a teacher
(``Teacher.first_employed_on``) and the cycle ``[S, E]``:

* ``f`` unknown, or ``f <= S``: the full ``hours_per_cycle`` (360). A missing date is read as
  "employed before the cycle": the conservative reading, never an excuse for fewer hours.
* ``S < f <= E`` (joined mid-cycle): the requirement accrues day by day — at the probation rate
  (``probation_hours`` per ``probation_years``) during the probation year and at the cycle rate
  (``hours_per_cycle`` over the cycle's length) afterwards, both counted inside the cycle only.
  E.g. first employed 2023-09-01 in 2021–2025: 120 (probation year) + 360 × 487 / 1826 days
  (96.01) = 216.01, rounded up to 217.
  The sum is rounded up to ``round_required_up_to`` (1 hour). With ``pro_rata_mid_cycle`` off,
  every teacher owes the full amount.
* ``f > E``: nothing (the teacher belongs to a later cycle).

**Progress** (:func:`assess`) on the as-of date ``d`` (``S <= d``), from the hours dated in
``[S, min(d, E)]``:

* ``remaining`` = max(0, required − hours);
* ``years_left`` = days from ``d`` to ``E`` ÷ 365.2425 (0 once the cycle is over);
* ``standard_pace`` = required ÷ the years from max(S, f) to E: the teacher's own even pace
  (72 h/year for a full cycle);
* ``needed_pace`` = remaining ÷ max(years_left, ``min_remaining_years``) — the floor keeps a few
  hours short in the cycle's last weeks from reading as an impossible yearly pace; undefined
  (None) once the cycle is over with hours short;
* ``pace_ratio`` = needed_pace ÷ standard_pace.

**Status**, exactly one of:

* ``done`` (已完成): hours ≥ required;
* ``on_track`` (进度正常): pace_ratio ≤ ``on_track_max_ratio`` (1.25, i.e. ≤ 90 h/year for a
  full cycle);
* ``at_risk`` (有风险): ≤ ``at_risk_max_ratio`` (1.5, ≤ 108 h/year);
* ``behind`` (滞后): ≤ ``max_credible_ratio`` (2.0, ≤ 144 h/year: the fastest credible pace);
* ``cannot_finish`` (周期内无法完成): above the credible pace, or the cycle is over and the
  hours are short.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workforce.config import DATA_DIR, read_yaml

DEFAULT_TRAINING_RULES = DATA_DIR / "rules" / "training.yaml"
DAYS_PER_YEAR = 365.2425

Status = Literal["done", "on_track", "at_risk", "behind", "cannot_finish"]
STATUSES: tuple[Status, ...] = ("done", "on_track", "at_risk", "behind", "cannot_finish")
"""Statuses from best to worst (the order of report columns)."""


class TrainingRuleError(ValueError):
    """A training rule or a request against it is not valid; carries zh and en text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


class Cycle(BaseModel):
    """One district-wide training cycle, both ends inclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Cycle:
        if self.end < self.start:  # both languages: a county's file is refused in its words
            raise TrainingRuleError(
                f"培训周期 {self.name} 的结束日期 {self.end} 早于开始日期 {self.start}",
                f"cycle {self.name} ends on {self.end}, before it starts on {self.start}")
        return self

    @property
    def days(self) -> int:
        """Length in days, both ends counted."""
        return (self.end - self.start).days + 1


class PolicySource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    document: str


class TrainingRules(BaseModel):
    """The settings of the training rule (see the module docstring for their meaning)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cycles: tuple[Cycle, ...]
    hours_per_cycle: float = Field(360, gt=0)
    probation_hours: float = Field(120, ge=0)
    probation_years: int = Field(1, ge=0)
    pro_rata_mid_cycle: bool = True
    round_required_up_to: float = Field(1, gt=0)
    on_track_max_ratio: float = Field(1.25, gt=0)
    at_risk_max_ratio: float = Field(1.5, gt=0)
    max_credible_ratio: float = Field(2.0, gt=0)
    min_remaining_years: float = Field(0.25, ge=0)
    counted_statuses: tuple[str, ...] = ("active", "seconded")
    sources: dict[str, PolicySource] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ratios_ordered(self) -> TrainingRules:
        if not self.on_track_max_ratio <= self.at_risk_max_ratio <= self.max_credible_ratio:
            order = "on_track_max_ratio ≤ at_risk_max_ratio ≤ max_credible_ratio"
            raise TrainingRuleError(
                f"须满足 {order}（进度正常、有风险、滞后三档的上限依次增大）",
                f"{order} must hold (the limits of on track, at risk and behind grow in turn)")
        names = [c.name for c in self.cycles]
        if twice := sorted({n for n in names if names.count(n) > 1}):
            raise TrainingRuleError(f"有两个培训周期同名（{'、'.join(twice)}）",
                                    f"two training cycles share a name ({', '.join(twice)})")
        return self

    def cycle(self, name: str) -> Cycle:
        """The cycle called ``name`` (e.g. ``"2021-2025"``)."""
        for cycle in self.cycles:
            if cycle.name == name:
                return cycle
        known = "、".join(c.name for c in self.cycles)
        raise TrainingRuleError(
            f"培训周期“{name}”不存在（已配置：{known}）",
            f"unknown training cycle {name!r} (configured: {known})",
        )

    def cycle_on(self, day: dt.date) -> Cycle:
        """The cycle that contains ``day``."""
        for cycle in self.cycles:
            if cycle.start <= day <= cycle.end:
                return cycle
        known = "、".join(f"{c.name}（{c.start.isoformat()}至{c.end.isoformat()}）"
                         for c in self.cycles)
        known_en = "; ".join(f"{c.name} ({c.start.isoformat()} to {c.end.isoformat()})"
                             for c in self.cycles)
        raise TrainingRuleError(
            f"{day.isoformat()} 不在任何已配置的培训周期内；已配置的周期：{known}",
            f"{day.isoformat()} is in no configured training cycle; the cycles: {known_en}",
        )


def load_training_rules(
    path: Path | str | None = None, overrides: dict[str, Any] | None = None
) -> TrainingRules:
    """Read the training rules YAML (``{key: {value, source}}``); ``overrides`` replaces values
    by key (``{"hours_per_cycle": 300}``). Unknown keys are refused."""
    raw = read_yaml(Path(path or DEFAULT_TRAINING_RULES))
    values = {key: leaf["value"] for key, leaf in raw.items()}
    sources = {key: PolicySource(**leaf["source"]) for key, leaf in raw.items()}
    for key, value in (overrides or {}).items():
        if key not in values:
            raise TrainingRuleError(f"未知的培训规则“{key}”", f"unknown training rule {key!r}")
        values[key] = value
    return TrainingRules(**values, sources=sources)


@lru_cache
def default_training_rules() -> TrainingRules:
    """The repository's defaults, read once."""
    return load_training_rules()


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _overlap_days(start: dt.date, stop: dt.date, cycle: Cycle) -> int:
    """Days of ``[start, stop)`` inside the cycle."""
    end_exclusive = cycle.end + dt.timedelta(days=1)
    return max(0, (min(stop, end_exclusive) - max(start, cycle.start)).days)


def required_hours(first_employed_on: dt.date | None, cycle: Cycle, rules: TrainingRules) -> float:
    """Class hours the teacher owes in ``cycle`` (see the module docstring)."""
    if first_employed_on is None or first_employed_on <= cycle.start:
        return rules.hours_per_cycle
    if first_employed_on > cycle.end:
        return 0.0
    if not rules.pro_rata_mid_cycle:
        return rules.hours_per_cycle
    probation_end = _add_years(first_employed_on, rules.probation_years)
    probation_days = (probation_end - first_employed_on).days
    probation_part = (
        rules.probation_hours
        * _overlap_days(first_employed_on, probation_end, cycle)
        / probation_days
        if probation_days
        else 0.0
    )
    after_end = cycle.end + dt.timedelta(days=1)
    regular_part = (
        rules.hours_per_cycle * _overlap_days(probation_end, after_end, cycle) / cycle.days
    )
    unit = rules.round_required_up_to
    # round(…, 9) first: 215.99999999 from float division must not become 216 + 1 unit.
    return math.ceil(round((probation_part + regular_part) / unit, 9)) * unit


@dataclass(frozen=True)
class Assessment:
    """One teacher's standing in one cycle on one date (hours are class hours 学时)."""

    hours: float
    required: float
    remaining: float
    years_left: float
    standard_pace: float
    needed_pace: float | None
    """Hours a year still needed; None when the cycle is over with hours short."""
    status: Status


def assess(
    hours: float,
    first_employed_on: dt.date | None,
    cycle: Cycle,
    as_of: dt.date,
    rules: TrainingRules,
) -> Assessment:
    """Classify ``hours`` (counted in the cycle up to ``as_of``) against what the teacher owes.

    ``as_of`` must not precede the cycle; after the cycle's end the cycle is over and any
    shortfall is final (``cannot_finish``)."""
    if as_of < cycle.start:
        raise TrainingRuleError(
            f"统计日期 {as_of.isoformat()} 早于培训周期 {cycle.name} 的开始",
            f"as-of date {as_of.isoformat()} is before the start of cycle {cycle.name}",
        )
    required = required_hours(first_employed_on, cycle, rules)
    remaining = max(0.0, required - hours)
    years_left = max(0, (cycle.end - as_of).days) / DAYS_PER_YEAR
    counted_from = max(cycle.start, first_employed_on or cycle.start)
    span_years = ((cycle.end - counted_from).days + 1) / DAYS_PER_YEAR
    standard_pace = required / span_years if span_years > 0 else 0.0
    # The cycle's last day is inside it (both ends inclusive): the floor applies on it too.
    window = max(years_left, rules.min_remaining_years) if as_of <= cycle.end else 0.0
    needed_pace = (remaining / window if window else None) if remaining else 0.0
    return Assessment(
        hours=hours,
        required=required,
        remaining=remaining,
        years_left=years_left,
        standard_pace=standard_pace,
        needed_pace=needed_pace,
        status=_status(remaining, years_left, needed_pace, standard_pace, rules),
    )


def _status(
    remaining: float, years_left: float, needed: float | None, standard: float, rules: TrainingRules
) -> Status:
    if remaining <= 0:
        return "done"
    if needed is None or standard <= 0:
        return "cannot_finish"
    ratio = needed / standard
    if ratio <= rules.on_track_max_ratio:
        return "on_track"
    if ratio <= rules.at_risk_max_ratio:
        return "at_risk"
    if ratio <= rules.max_credible_ratio:
        return "behind"
    return "cannot_finish"
