"""Rotation compliance (交流轮岗完成情况) year by year, from the rotation history.

The quotas and who counts are the rotation rules' own definitions (:mod:`optimizer.rules`,
``data/rules/rotation.yaml``): ``quotas.district_share`` (5% of 在编 teachers),
``quotas.school_share`` of the quota base at each school in scope
(:func:`~optimizer.rules.in_school_quota_scope`: urban or quality), the base itself
(:func:`~optimizer.rules.counts_in_quota_base`), key teachers (:func:`~optimizer.rules.is_key`)
and their share (``quotas.key_share``, 20%), and the whole-person rounding of a quota
(:func:`~optimizer.rules.share_target`). ``data/targets/rotation.yaml`` holds the 2021 baseline
(3.2%) and the year the quotas start (2022).

Scope: the public schools of the compulsory-education levels, as for the optimizer
(:data:`workforce.snapshot.COMPULSORY_LEVELS`; ``levels`` widens it). For year Y, with the
reference day R = 1 September of Y:

* moved = distinct 在编 teachers with a rotation record starting in Y (transfer or secondment)
  and by the as-of date, out of a school of the base, counted as the optimizer counts it
  (:func:`~optimizer.rules.counts_toward_district_share`: only urban → rural and quality →
  non-quality moves when ``quotas.reverse_flows_count`` is off); the key share's base is
  :func:`~optimizer.rules.in_key_share_base`'s;
* the base (``quotas.district_share_base``): ``whole_district`` = every public school (the
  plan's 全区在编教师总数), ``compulsory`` = the schools of ``levels``; the other reading is
  shown beside the configured one, and so is the other reading of ``quotas.key_share_base``;
* a year whose reference day is after the as-of date is "not yet due" (no verdict); places and
  years at a school are rebuilt from every record, later ones included;
* 在编 teachers = established teachers employed by R (first employment) and in service then:
  status active or seconded, or left or retired after R (``frames.service_ends``: the leaving
  date, ``left_on``; a retiree without one by the retirement date, not after today — a later
  date cannot be right for a teacher already retired; a leaver without one is counted in no
  year, and the notes say how many), at a school in scope on R
  (their current school when the registry cannot tell where they were);
* district share = moved ÷ 在编 teachers, against ``district_share`` from the quota year on;
* key share = moved teachers who were key teachers on their move's start day ÷ moved;
* each school in scope: its quota base on R (each teacher's school and years there are rebuilt
  from the rotation history: a teacher with a transfer or secondment starting later was at its
  source school — applying a plan moves a seconded teacher too — since the previous transfer or
  first employment), moved = base or not, teachers who
  left it in Y; quota = ``share_target(school_share, base)``; met when moved ≥ quota. A school's
  zone and quality are today's (the registry keeps no history of them). A move that starts on
  the reference day itself happens after it: the teacher still counts at the source school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session

from optimizer.rules import (
    RotationRules,
    counts_toward_district_share,
    in_key_share_base,
    in_school_quota_scope,
    share_target,
)
from workforce.bulkwork import cyclic_gc_paused
from workforce.config import DATA_DIR, read_yaml
from workforce.reports import frames
from workforce.reports.counties import (
    county_names,
    county_parameter,
    county_schools,
    has_counties,
    scoped_note,
)
from workforce.reports.keyteachers import DesignationView, is_key_on, rule_designations
from workforce.reports.leavers import undated_leavers_notes
from workforce.reports.messages import REPORTS, columns, enum_label, view_title
from workforce.reports.result import Note, Report, View
from workforce.reports.rotation_history import (
    DayCounts,
    careers,
    day_counts,
    history_of,
    read_exemptions,
)
from workforce.reports.scope import ReportError
from workforce.rules.leaving import GONE, SERVING
from workforce.rules.local import rotation_rules as rules_in_force
from workforce.snapshot import COMPULSORY_LEVELS

if TYPE_CHECKING:
    from optimizer.instance import School as RuleSchool

ROTATION_TARGETS = DATA_DIR / "targets" / "rotation.yaml"


class YearFigure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    share: float | None = None
    source: str


class ReferenceDay(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    month: int
    day: int
    source: str


class RotationTargets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline: YearFigure
    quotas_from_year: YearFigure
    reference_day: ReferenceDay


def load_rotation_targets(path: Path | None = None) -> RotationTargets:
    path = path or ROTATION_TARGETS
    try:
        return RotationTargets(**read_yaml(path))
    except (ValidationError, TypeError, yaml.YAMLError) as exc:
        raise ReportError.of("bad_targets", path=str(path), detail=str(exc)) from None


@lru_cache
def default_rotation_targets() -> RotationTargets:
    return load_rotation_targets()


@dataclass(frozen=True, slots=True)
class SchoolView:
    """A school as :func:`optimizer.rules.in_school_quota_scope` reads one."""

    zone: str
    is_quality: bool


@dataclass(frozen=True)
class Setting:
    """What every year of one report reads: the rules, the schools of each reading of the
    district share's base (``scopes``), the urban or quality schools whose quotas are judged
    (``quota_schools``, plain rows in the schools' order), every school as the rules read it
    (``views``, by id), the rules under each reading of the key share's base and the key-kind
    designations held."""

    as_of: dt.date
    rules: RotationRules
    targets: RotationTargets
    scopes: dict[str, set[int]]
    quota_schools: list[Any]
    views: dict[int, RuleSchool]
    key_rules: dict[str, RotationRules]
    held: dict[int, list[DesignationView]]


YEAR_KEYS = (
    "year",
    "reference_day",
    "year_status",
    "district_base",
    "established",
    "moved",
    "moved_share",
    "plan_figure",
    "district_target",
    "district_quota",
    "district_met",
    "district_base_other",
    "established_other",
    "moved_other",
    "moved_share_other",
    "district_met_other",
    "key_base",
    "key_base_moved",
    "key_moved",
    "key_share",
    "key_target",
    "key_met",
    "key_base_other",
    "key_base_moved_other",
    "key_moved_other",
    "key_share_other",
    "key_met_other",
    "scope_schools",
    "scope_schools_met",
    "scope_base",
    "scope_moved",
)
SCHOOL_KEYS = (
    "year",
    "year_status",
    "school_code",
    "school_name",
    "zone",
    "is_quality",
    "quota_base",
    "moved",
    "moved_share",
    "school_target",
    "quota",
    "meets",
)
COUNTY_SCHOOL_KEYS = (*SCHOOL_KEYS[:2], "county", *SCHOOL_KEYS[2:])
"""The school rows' columns when counties are recorded."""


@cyclic_gc_paused()
def rotation_report(
    session: Session,
    *,
    as_of: dt.date,
    rules: RotationRules | None = None,
    targets: RotationTargets | None = None,
    levels: Iterable[str] = COMPULSORY_LEVELS,
    county: str | None = None,
) -> Report:
    """Rotation compliance for each year from the baseline year to the as-of year, over the
    public schools of ``levels`` (by default the rotation's own scope: compulsory education,
    as :mod:`workforce.snapshot` builds the optimizer's instance), of every county or of one
    (``county``).

    A city rotates within each county (one plan per county, :mod:`workforce.plans.counties`),
    so with counties recorded the quotas are judged per county too: the district share's base
    is the county's 在编 teachers (as :func:`workforce.snapshot.district_established` counts
    it for a county's plan), its moves those out of its schools; the by-county view has a
    row per year and county, whose counts sum to the whole registry's row, and that row's
    quota is the counties' quotas summed, met only when every county is
    (:func:`_judge_by_counties`)."""
    rules = rules or rules_in_force()
    targets = targets or default_rotation_targets()
    teachers = frames.teachers(  # 在编 teachers only: no other post type counts anywhere here
        session,
        (*SERVING, *GONE),
        post_types=("established",),
        columns=(
            "id", "gender", "birth_date", "post_type", "first_employed_on", "school_id",
            "joined_school_on", "retirement_category", "retirement_confirmed_on", "status",
            "left_on",
        ),
    )  # fmt: skip
    schools = frames.schools(session)
    in_county = county_schools(schools, county)
    all_moves = frames.rotations(session)
    # Places and years at a school are rebuilt from every record (a transfer made after the
    # as-of date still tells where the teacher was before it); only the moves that had
    # started by the as-of date are counted as moves.
    history = history_of(all_moves)
    moves = all_moves[frames.day_array(all_moves["start_on"]) <= np.datetime64(as_of, "D")]
    designations = frames.designations(session)
    exemptions = read_exemptions(session)
    public = in_county[in_county["ownership"] == "public"]
    counted = public[public["level"].isin(list(levels))]
    views = {
        int(row.id): cast("RuleSchool", SchoolView(row.zone, bool(row.is_quality)))
        for row in frames.plain_rows(schools)
    }
    setting = Setting(
        as_of=as_of,
        rules=rules,
        targets=targets,
        scopes={
            "whole_district": set(public["id"].astype(int)),
            "compulsory": set(counted["id"].astype(int)),
        },
        quota_schools=[
            row for row in frames.plain_rows(counted)
            if in_school_quota_scope(views[int(row.id)])
        ],
        views=views,
        key_rules={  # the rules under each reading of the key share's base
            reading: rules.model_copy(
                update={"quotas": rules.quotas.model_copy(update={"key_share_base": reading})}
            )
            for reading in OTHER_KEY_BASE
        },
        # Only the key kinds: the designations are read for key-teacher status alone.
        held=rule_designations(designations[designations["kind"].isin(rules.quotas.key_kinds)]),
    )  # fmt: skip
    roster, rebuilt = careers(teachers, history, exemptions, rules)
    moves = moves[moves["teacher_id"].isin({c.id for c in rebuilt})]
    # What each move counts toward, asked of the rules once per move (not once per year and
    # county): the district share; the key share's base under each reading; a key teacher
    # on the move's start day.
    sources = [int(a) for a in moves["from_school_id"]]
    moves = moves.assign(
        counts=np.array(
            [
                _counts(views.get(a), views.get(int(b)), rules)
                for a, b in zip(sources, moves["to_school_id"], strict=True)
            ],
            dtype=bool,
        ),
        key=np.array(
            [
                is_key_on(setting.held.get(int(teacher), []), start, rules)
                for teacher, start in zip(moves["teacher_id"], moves["start_on"], strict=True)
            ],
            dtype=bool,
        ),
        **{
            f"key_base_{reading}": np.array(
                [a in views and in_key_share_base(views[a], key_rules) for a in sources],
                dtype=bool,
            )
            for reading, key_rules in setting.key_rules.items()
        },
    )
    start_years = np.array([d.year for d in moves["start_on"]], dtype=int)
    known = setting.scopes["whole_district"] | setting.scopes["compulsory"]
    quota_ids = {int(row.id) for row in setting.quota_schools}

    first_year = min([targets.baseline.year, *(d.year for d in moves["start_on"])])
    by_county = has_counties(schools)
    county_of = dict(zip(schools["id"].astype(int), county_names(schools), strict=True))
    counties = sorted({county_of[s] for s in known}) if by_county and county is None else []
    year_rows, school_rows, county_rows = [], [], []
    for year in range(first_year, as_of.year + 1):
        day = dt.date(year, targets.reference_day.month, targets.reference_day.day)
        counts = day_counts(day, roster, rebuilt, known, quota_ids, exemptions, rules)
        moved_year = moves[start_years == year]
        year_row, schools_of_year = _year(year, day, counts, moved_year, setting)
        year_rows.append(year_row)
        if by_county:
            for row, school in zip(schools_of_year, setting.quota_schools, strict=True):
                row["county"] = county_of[int(school.id)]
        school_rows.extend(schools_of_year)
        of_year = []
        for name in counties:
            subset = {s for s in known if county_of[s] == name}
            row, _ = _year(year, day, counts, moved_year, setting, subset)
            of_year.append({"county": name, **row})
        if of_year:
            _judge_by_counties(year_row, of_year)
        county_rows.extend(of_year)

    zh, en = REPORTS["rotation"]
    return Report(
        name="rotation",
        zh=zh,
        en=en,
        as_of=as_of,
        parameters=county_parameter(county),
        views=[
            View(
                key="rotation.years",
                zh=view_title("rotation.years")[0],
                en=view_title("rotation.years")[1],
                columns=columns(*YEAR_KEYS),
                rows=year_rows,
            ),
            View(
                key="rotation.schools",
                zh=view_title("rotation.schools")[0],
                en=view_title("rotation.schools")[1],
                columns=columns(*(COUNTY_SCHOOL_KEYS if by_county else SCHOOL_KEYS)),
                rows=school_rows,
            ),
            *(
                [
                    View(
                        key="rotation.counties",
                        zh=view_title("rotation.counties")[0],
                        en=view_title("rotation.counties")[1],
                        columns=columns("county", *YEAR_KEYS),
                        rows=county_rows,
                    )
                ]
                if counties
                else []
            ),
        ],
        notes=[
            *_notes(rules, targets),
            *([COUNTY_NOTE] if counties else []),
            *undated_leavers_notes(
                session,
                None if county is None else in_county["id"].tolist(),
                post_types=("established",),
            ),
        ],
        scope=scoped_note(_scope(rules), county),
    )


OTHER_DISTRICT_BASE = {"whole_district": "compulsory", "compulsory": "whole_district"}
OTHER_KEY_BASE = {"urban_quality_moves": "all_moves", "all_moves": "urban_quality_moves"}


def _counts(
    source: RuleSchool | None, destination: RuleSchool | None, rules: RotationRules
) -> bool:
    """Whether a move counts toward the district share, as the optimizer counts it
    (:func:`optimizer.rules.counts_toward_district_share`); a move from or to a school the
    registry no longer holds counts only when every move does."""
    if source is None or destination is None:
        return rules.quotas.reverse_flows_count
    return counts_toward_district_share(source, destination, rules)


def _district_moves(moved_year: pd.DataFrame, scope: set[int]) -> pd.DataFrame:
    """The moves of the year counted toward the district share under a base reading: from a
    school of that base and counted by the rules (the ``counts`` column); one per teacher
    (the first of the year)."""
    kept = moved_year[moved_year["from_school_id"].isin(scope) & moved_year["counts"]]
    return kept.sort_values("start_on", kind="stable").drop_duplicates("teacher_id")


def _key_base_moves(district_moves: pd.DataFrame, reading: str) -> pd.DataFrame:
    """The moves the key-teacher share is a share of under ``reading`` of
    ``quotas.key_share_base`` (:func:`optimizer.rules.in_key_share_base`, asked once per move:
    the ``key_base_<reading>`` column)."""
    return district_moves[district_moves[f"key_base_{reading}"]]


_share_target = lru_cache(maxsize=4096)(share_target)
""":func:`optimizer.rules.share_target` once per (share, base): thousands of school rows share a
few bases."""


def _year(
    year: int,
    day: dt.date,
    counts: DayCounts,
    moved_year: pd.DataFrame,
    setting: Setting,
    subset: set[int] | None = None,
) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    """One year's district row and school rows, from the schools' counts on the reference day
    and the year's moves; over the schools of ``subset`` only when given (one county's).

    ``setting.scopes`` holds the schools of each reading of the district share's base
    (``quotas.district_share_base``): the configured reading gives the main figures, the
    other is shown beside them. A year whose reference day is after the as-of date is not
    yet due: its figures so far are shown, with no verdict."""
    rules, targets = setting.rules, setting.targets
    due = day <= setting.as_of
    status = (
        "not_yet_due"
        if not due
        else ("assessed" if year >= targets.quotas_from_year.year else "before_quotas")
    )
    judged = status == "assessed"
    scopes = setting.scopes
    quota_schools = setting.quota_schools
    if subset is not None:
        scopes = {reading: schools & subset for reading, schools in scopes.items()}
        quota_schools = [row for row in quota_schools if int(row.id) in subset]
    scope_moves = moved_year[moved_year["from_school_id"].isin(scopes["compulsory"])]
    left_from = (
        scope_moves.drop_duplicates(["teacher_id", "from_school_id"])
        .groupby("from_school_id")
        .size()
    )
    school_rows = []
    for school in quota_schools:
        quota_base = counts.quota_base.get(int(school.id), 0)
        moved = int(left_from.get(school.id, 0))
        quota = _share_target(rules.quotas.school_share, quota_base)
        school_rows.append(
            {
                "year": year,
                "year_status": status,
                "school_code": school.code,
                "school_name": school.name,
                "zone": school.zone,
                "is_quality": bool(school.is_quality),
                "quota_base": quota_base,
                "moved": moved,
                "moved_share": moved / quota_base if quota_base else None,
                "school_target": rules.quotas.school_share,
                "quota": quota,
                "meets": moved >= quota if judged else None,
            }
        )

    def district(reading: str) -> dict:  # type: ignore[type-arg]
        scope = scopes[reading]
        established = sum(counts.established.get(s, 0) for s in scope)
        movers = _district_moves(moved_year, scope)
        quota = _share_target(rules.quotas.district_share, established)
        return {
            "established": established,
            "moved": len(movers),
            "moved_share": len(movers) / established if established else None,
            "district_quota": quota if status != "before_quotas" else None,
            "district_met": len(movers) >= quota if judged else None,
            "movers": movers,
        }

    def key(movers: pd.DataFrame, reading: str) -> dict:  # type: ignore[type-arg]
        in_base = _key_base_moves(movers, reading)
        key_moved = int(in_base["key"].sum())
        share = key_moved / len(in_base) if len(in_base) else None
        return {
            "key_base_moved": len(in_base),
            "key_moved": key_moved,
            "key_share": share,
            "key_met": (share is not None and share >= rules.quotas.key_share) if judged else None,
        }

    q = rules.quotas
    main = district(q.district_share_base)
    other = district(OTHER_DISTRICT_BASE[q.district_share_base])
    key_main = key(main["movers"], q.key_share_base)
    key_other = key(main["movers"], OTHER_KEY_BASE[q.key_share_base])
    row = {
        "year": year,
        "reference_day": day.isoformat(),
        "year_status": status,
        "district_base": q.district_share_base,
        **{k: v for k, v in main.items() if k != "movers"},
        "plan_figure": targets.baseline.share if year == targets.baseline.year else None,
        "district_target": q.district_share if status != "before_quotas" else None,
        "district_base_other": OTHER_DISTRICT_BASE[q.district_share_base],
        **{f"{k}_other": v for k, v in other.items() if k not in ("movers", "district_quota")},
        "key_base": q.key_share_base,
        **key_main,
        "key_target": q.key_share if status != "before_quotas" else None,
        "key_base_other": OTHER_KEY_BASE[q.key_share_base],
        **{f"{k}_other": v for k, v in key_other.items()},
        "scope_schools": len(school_rows),
        "scope_schools_met": sum(bool(r["meets"]) for r in school_rows) if judged else None,
        "scope_base": sum(r["quota_base"] for r in school_rows),
        "scope_moved": sum(r["moved"] for r in school_rows),
    }
    return row, school_rows


def _judge_by_counties(city: dict, counties: list[dict]) -> None:  # type: ignore[type-arg]
    """Make the whole registry's row of a year judge as the counties are judged (each county
    rotates under its own plan): its district quota is the sum of the counties' quotas, and
    each verdict (district and key shares, both readings) is met only when every county's
    is. Pooled over the city, the whole-person rounding would give a smaller quota (⌈5% × 20⌉
    = 1 against 1 + 1) and a county falling short could read as met."""
    if city["district_quota"] is not None:
        city["district_quota"] = sum(row["district_quota"] for row in counties)
    for verdict in ("district_met", "district_met_other", "key_met", "key_met_other"):
        if city[verdict] is not None:
            city[verdict] = all(row[verdict] for row in counties)


COUNTY_NOTE = Note(
    zh="分县（区）：各县（区）分别制定交流方案，全区比例、骨干比例按各县（区）在编教师与交流人数"
    "分别评定（在编基数口径相同，按县计）；全市一行的人数为全市合计，应交流人数为各县（区）之和，"
    "各县（区）均达标时全市方为达标。",
    en="By county: each county rotates under its own plan, so the district and key-teacher "
    "shares are judged per county (the same base reading, counted within the county); the "
    "whole registry's row counts the whole city, its quota is the sum of the counties' quotas, "
    "and it is met only when every county is met.",
)


def _scope(rules: RotationRules) -> Note:
    """The district share's base as configured, the school quotas' schools."""
    base = rules.quotas.district_share_base
    zh_base = enum_label("district_share_base", base, "zh")
    en_base = enum_label("district_share_base", base, "en")
    return Note(
        zh=f"全区比例基数：{zh_base}；学校比例：义务教育阶段公办城区学校、优质学校",
        en=f"District share base: {en_base}; school quotas: public urban or quality schools "
        "of compulsory education",
    )


def _notes(rules: RotationRules, targets: RotationTargets) -> list[Note]:
    q = rules.quotas
    base_zh = {
        "whole_district": "全区公办学校在编教师总数（规划原文“全区在编教师总数”）",
        "compulsory": "仅义务教育学校及完全中学在编教师",
    }
    base_en = {
        "whole_district": "every 在编 teacher of the district's public schools",
        "compulsory": "the 在编 teachers of compulsory and complete-secondary schools",
    }
    key_zh = {
        "urban_quality_moves": "城区学校、优质学校的交流人数（规划“其中”）",
        "all_moves": "全部交流人数",
    }
    key_en = {
        "urban_quality_moves": "the moves out of urban and quality schools",
        "all_moves": "every move",
    }
    other = OTHER_DISTRICT_BASE[q.district_share_base]
    other_key = OTHER_KEY_BASE[q.key_share_base]
    return [
        Note(
            zh=f"全区：每年交流人数 ≥ 在编教师的 {q.district_share:.0%}（自{targets.quotas_from_year.year}"
            f"年起；{targets.quotas_from_year.source}）。{targets.baseline.year}年规划数："
            f"{targets.baseline.share:.1%}（{targets.baseline.source}）。",
            en=f"District: moved ≥ {q.district_share:.0%} of 在编 teachers each year from "
            f"{targets.quotas_from_year.year}; the plan's {targets.baseline.year} figure: "
            f"{targets.baseline.share:.1%}.",
        ),
        Note(
            zh=f"在编基数口径（交流轮岗规则中的全区比例基数，可在实例目录的 rules/rotation.yaml 中按本地设置，与交流方案"
            f"同一设置）：{base_zh[q.district_share_base]}；“另一口径”各列按"
            f"{base_zh[other]}计算，供对照。"
            f"{'各方向的交流（含乡村→城区、薄弱→优质跟岗）均计入' if q.reverse_flows_count else '仅城区→乡村、优质→薄弱的交流计入'}"
            "交流人数（交流规则设置：反向交流是否计入）。",
            en=f"Base of the district share (quotas.district_share_base, the same setting as the "
            f"optimizer's): {base_en[q.district_share_base]}; the 'other reading' columns use "
            f"{base_en[other]}. "
            f"{'Moves in every direction count (reverse flows too)' if q.reverse_flows_count else 'Only urban → rural and quality → non-quality moves count'}"
            " (quotas.reverse_flows_count).",
        ),
        Note(
            zh=f"城区学校、优质学校：交流人数 ≥ 符合交流条件教师的 {q.school_share:.0%}"
            f"（交流规则设置“学校比例基数”：{'按任教年限与在编身份' if q.school_quota_base == 'service' else '仅当年可交流者'}；"
            "人数向上取整）。",
            en=f"Urban or quality schools: moved ≥ {q.school_share:.0%} of the teachers meeting "
            f"the exchange conditions (quotas.school_quota_base = {q.school_quota_base}; "
            "rounded up to whole people).",
        ),
        Note(
            zh=f"骨干教师（区级骨干教师、学科带头人、教学能手、教坛新秀等，见交流规则设置的骨干称号类别；"
            f"{q.key_min_tier == 'district' and '区级' or q.key_min_tier}及以上，交流开始日有效）"
            f"占{key_zh[q.key_share_base]}的比例 ≥ {q.key_share:.0%}（交流规则设置的骨干比例基数）；"
            f"“另一口径”按{key_zh[other_key]}计算。",
            en=f"Key teachers (quotas.key_kinds, tier {q.key_min_tier} or above, valid on the "
            f"move's start day) ≥ {q.key_share:.0%} of {key_en[q.key_share_base]} "
            f"(quotas.key_share_base); the 'other reading' uses {key_en[other_key]}.",
        ),
        Note(
            zh=f"基数日：每年{targets.reference_day.month}月{targets.reference_day.day}日；"
            f"{targets.reference_day.source}。基数日在统计日期之后的年度“尚未评定”。"
            "在编人数含当时在岗、后来离职或退休者（按离岗日期；未登记离岗日期的离职者不计）；"
            "任教学校按全部调动、借调记录还原，任教年限按调动记录（均含统计日期之后的记录），"
            "交流人数只计统计日期前已开始的交流；学校城乡、优质属性按当前登记。",
            en="Reference day: 1 September of each year; a year whose reference day is after the "
            "as-of date is not yet due. 在编 counts teachers in service then, "
            "including those who left or retired later (by their leaving date; a leaver with "
            "no leaving date on record is not counted); schools "
            "are rebuilt from every transfer and secondment on record, years there from the "
            "transfers (later records included); "
            "moves count only when they started by the as-of date; school zone and quality "
            "are today's.",
        ),
    ]
