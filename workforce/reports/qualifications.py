"""Qualification indicators (教师学历与持证指标, annex 1 of the plan): the rate now, by urban or
rural and by school, against every 2020 baseline and 2025 target the plan gives, each with its
source (``data/targets/qualifications.yaml``). Where the plan states two figures for one
indicator both are shown; the report never picks one.

rate = teachers meeting the measure ÷ teachers of the indicator's stage (both counted among
the configured statuses). A teacher's stage is their school's level; schools spanning two
stages (nine-year, complete secondary) place a teacher in the upper stage when they hold a
certificate of that level or higher (see the YAML). Education is compared by the rank of
``data/codes/education_levels.csv`` (本科 includes 硕士 and 博士); a teacher with no recorded
education does not meet an education measure. "Certified" = holds at least one teaching
certificate (any level).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlmodel import Session

from workforce.bulkwork import cyclic_gc_paused
from workforce.codes import code_list
from workforce.config import DATA_DIR, read_yaml
from workforce.reports import frames
from workforce.reports.counties import (
    county_names,
    county_parameter,
    county_schools,
    has_counties,
    scoped_note,
)
from workforce.reports.leavers import undated_leavers_notes
from workforce.reports.messages import REPORTS, columns, view_title
from workforce.reports.result import Column, Note, Report, View
from workforce.reports.scope import ReportError, default_scopes

QUALIFICATION_TARGETS = DATA_DIR / "targets" / "qualifications.yaml"


class Figure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    year: int
    source: str


class Measure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    education_at_least: str | None = None
    certified: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Measure:
        if (self.education_at_least is None) == (not self.certified):
            raise ValueError("a measure is either education_at_least or certified")
        if self.education_at_least and self.education_at_least not in code_list("education_levels"):
            raise ValueError(f"unknown education level {self.education_at_least!r}")
        return self


class Indicator(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    zh: str
    en: str
    stage: str
    measure: Measure
    baselines: tuple[Figure, ...]
    targets: tuple[Figure, ...]


class QualificationTargets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    counted_statuses: tuple[str, ...]
    stage_by_school_level: dict[str, tuple[str, ...]]
    indicators: tuple[Indicator, ...]


def load_qualification_targets(path: Path | None = None) -> QualificationTargets:
    path = path or QUALIFICATION_TARGETS
    try:
        return QualificationTargets(**read_yaml(path))
    except (ValidationError, TypeError, yaml.YAMLError) as exc:
        raise ReportError.of("bad_targets", path=str(path), detail=str(exc)) from None


@lru_cache
def default_qualification_targets() -> QualificationTargets:
    return load_qualification_targets()


@cyclic_gc_paused()
def qualifications_report(
    session: Session,
    *,
    as_of: dt.date,
    targets: QualificationTargets | None = None,
    county: str | None = None,
) -> Report:
    """Qualification rates of the teachers on the registry employed on ``as_of`` (people hired
    after it are not counted; education and certificates are the registry's present ones), of
    every school or of one county's (``county``); with counties recorded and no county asked
    for, each county's rates beside."""
    targets = targets or default_qualification_targets()
    every_school = frames.schools(session)
    in_county = county_schools(every_school, county)
    people = staged_teachers(session, targets, as_of)
    if county is not None:
        people = people[people["school_id"].isin(in_county["id"])].reset_index(drop=True)
    for indicator in targets.indicators:
        people[indicator.key] = _meets(people, indicator.measure)

    indicator_rows, benchmark_rows = [], []
    for indicator in targets.indicators:
        scope = people[people["stage"] == indicator.stage]
        rate = _rate(scope, indicator.key)
        label = {"zh": indicator.zh, "en": indicator.en}
        indicator_rows.append(
            {
                "indicator": label,
                "stage": indicator.stage,
                "teachers": len(scope),
                "qualified": int(scope[indicator.key].sum()),
                "rate": rate,
                "urban_rate": _rate(scope[scope["zone"] == "urban"], indicator.key),
                "rural_rate": _rate(scope[scope["zone"] == "rural"], indicator.key),
            }
        )
        for kind, figures in (("baseline", indicator.baselines), ("target", indicator.targets)):
            for figure in figures:
                benchmark_rows.append(
                    {
                        "indicator": label,
                        "figure_kind": kind,
                        "figure_year": figure.year,
                        "figure": figure.value,
                        "source": figure.source,
                        "rate": rate,
                        "rate_gap": None if rate is None else round(100 * (rate - figure.value), 2),
                        "meets": None
                        if rate is None or kind == "baseline"
                        else rate >= figure.value,
                    }
                )

    label_column = Column(key="indicator", zh="指标", en="Indicator", kind="label")
    views = [
        View(
            key="qualifications.indicators",
            zh=view_title("qualifications.indicators")[0],
            en=view_title("qualifications.indicators")[1],
            columns=[
                label_column,
                *columns("stage", "teachers", "qualified", "rate", "urban_rate", "rural_rate"),
            ],
            rows=indicator_rows,
        ),
        View(
            key="qualifications.targets",
            zh=view_title("qualifications.targets")[0],
            en=view_title("qualifications.targets")[1],
            columns=[
                label_column,
                *columns(
                    "figure_kind", "figure_year", "figure", "source", "rate", "rate_gap", "meets"
                ),
            ],
            rows=benchmark_rows,
        ),
        _school_view(people, targets),
    ]
    if county is None and has_counties(every_school):
        views.append(_county_view(people, every_school, targets))
    zh, en = REPORTS["qualifications"]
    return Report(
        name="qualifications",
        zh=zh,
        en=en,
        as_of=as_of,
        parameters=county_parameter(county),
        views=views,
        notes=[
            *_notes(),
            *undated_leavers_notes(session, None if county is None else in_county["id"].tolist()),
        ],
        scope=scoped_note(default_scopes().note("qualification_rates"), county),
    )


def staged_teachers(
    session: Session, targets: QualificationTargets, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Counted teachers (employed on ``as_of`` when given) with school, stage, education rank
    and certificate facts."""
    names = ("id", "school_id", "education", "first_employed_on", "joined_school_on")
    teachers = frames.teachers(session, targets.counted_statuses, columns=names)
    if as_of is not None:  # in service on the date: employed by then, serving or left since
        teachers = teachers[frames.employed_by(teachers, as_of)]
        later = frames.former_in_service(session, as_of)[list(names)]
        teachers = pd.concat([teachers, later], ignore_index=True) if len(later) else teachers
        teachers = teachers.reset_index(drop=True)
        teachers["school_id"] = frames.schools_on(session, teachers, as_of)  # the date's school
    schools = frames.schools(session).rename(
        columns={"id": "school_id", "code": "school_code", "name": "school_name"}
    )
    people = teachers.merge(
        schools[["school_id", "school_code", "school_name", "zone", "level"]],
        on="school_id",
        how="left",
    )
    certificate_rank = {c.code: int(c.extra["rank"]) for c in code_list("certificate_levels").codes}
    certs = frames.certificates(session)
    best = certs.assign(rank=certs["level"].map(certificate_rank)).groupby("teacher_id")["rank"]
    people["certificate_rank"] = people["id"].map(best.max()).fillna(0).astype(int)
    people["certified"] = people["id"].isin(set(certs["teacher_id"]))
    education_rank = {c.code: int(c.extra["rank"]) for c in code_list("education_levels").codes}
    people["education_rank"] = people["education"].map(education_rank).fillna(0).astype(int)
    people["stage"] = [
        _stage(level, rank, targets.stage_by_school_level, certificate_rank)
        for level, rank in zip(people["level"], people["certificate_rank"], strict=True)
    ]
    return people


def _stage(
    level: str, certificate_rank: int, stages: dict[str, tuple[str, ...]], ranks: dict[str, int]
) -> str | None:
    options = stages.get(level)
    if not options:
        return None
    upper = options[-1]
    return upper if len(options) == 1 or certificate_rank >= ranks[upper] else options[0]


def _meets(people: pd.DataFrame, measure: Measure) -> pd.Series:
    if measure.certified:
        return people["certified"]
    floor = int(code_list("education_levels").attribute(measure.education_at_least or "", "rank"))
    return people["education_rank"] >= floor


def _rate(scope: pd.DataFrame, key: str) -> float | None:
    return float(scope[key].mean()) if len(scope) else None


def _school_view(people: pd.DataFrame, targets: QualificationTargets) -> View:
    """Each school's rate of every indicator of its stages (None where it has no such stage)."""
    staged = people[people["stage"].notna()]
    by = ["school_code", "school_name", "zone", "level"]
    table = staged.groupby(by).size().rename("teachers").reset_index()
    for indicator in targets.indicators:
        in_stage = staged[staged["stage"] == indicator.stage]
        rates = in_stage.groupby(by)[indicator.key].mean().rename(indicator.key).reset_index()
        table = table.merge(rates, on=by, how="left")
    indicator_columns = [
        Column(key=i.key, zh=i.zh, en=i.en, kind="percent") for i in targets.indicators
    ]
    keys = (*by, "teachers", *(i.key for i in targets.indicators))
    zh, en = view_title("qualifications.schools")
    return View(
        key="qualifications.schools",
        zh=zh,
        en=en,
        columns=[*columns(*by, "teachers"), *indicator_columns],
        rows=frames.records(table.sort_values("school_code"), keys),
    )


def _county_view(
    people: pd.DataFrame, schools: pd.DataFrame, targets: QualificationTargets
) -> View:
    """Each county's teachers, qualified teachers and rate per indicator (counts sum to the
    district's)."""
    county_of = dict(zip(schools["id"], county_names(schools), strict=True))
    people = people.assign(county=people["school_id"].map(county_of))
    rows = []
    for name in sorted(set(county_of.values())):
        mine = people[people["county"] == name]
        for indicator in targets.indicators:
            scope = mine[mine["stage"] == indicator.stage]
            rows.append(
                {
                    "county": name,
                    "indicator": {"zh": indicator.zh, "en": indicator.en},
                    "stage": indicator.stage,
                    "teachers": len(scope),
                    "qualified": int(scope[indicator.key].sum()),
                    "rate": _rate(scope, indicator.key),
                }
            )
    zh, en = view_title("qualifications.counties")
    return View(
        key="qualifications.counties",
        zh=zh,
        en=en,
        columns=[
            *columns("county"),
            Column(key="indicator", zh="指标", en="Indicator", kind="label"),
            *columns("stage", "teachers", "qualified", "rate"),
        ],
        rows=rows,
    )


def _notes() -> list[Note]:
    return [
        Note(
            zh="比例 = 达标人数 ÷ 该学段统计日在职教师数（统计日已参加工作，现为在岗、借调，或在统计日"
            "后离职、退休者；未登记离岗日期的离职者不计入）。九年一贯制、完全中学的教师按所持最高教师"
            "资格证归入高学段（持初中及以上资格归初中，持高中资格归高中），否则归低学段；特殊教育"
            "学校不计入。学历按 GB/T 4658 等级比较（本科以上含硕士、博士），未登记学历者计为"
            "未达标；持证 = 至少持有一本教师资格证。学历与资格证为登记册现有记录（未记录取得日期，"
            "统计日期在过去时不回溯）。",
            en="Rate = qualified ÷ teachers of the stage in service on the as-of date (employed "
            "by then; active or seconded now, or left or retired after the date; leavers without "
            "a leaving date are not counted). In nine-year and "
            "complete secondary schools a teacher belongs to the upper stage when holding a "
            "certificate of that level or higher; special schools are not counted. Education "
            "compares by GB/T 4658 rank; no recorded education does not qualify; certified = "
            "holds at least one teaching certificate. Education and certificates are the "
            "registry's present records (no dates of award: not rolled back to a past date).",
        ),
        Note(
            zh="规划对同一指标给出不同数字时（附件1与附件2的目标、第一章与附件1的基数）全部列出并"
            "注明出处，由区教育局确定采用哪一个；系统不作取舍。",
            en="Where the plan gives two figures for one indicator (annex 1 vs annex 2 targets, "
            "chapter 1 vs annex 1 baselines) both are listed with their sources; the bureau "
            "decides which applies.",
        ),
    ]
