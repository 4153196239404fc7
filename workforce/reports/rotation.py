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
  status active or seconded, or retired with a retirement date after R (the registry keeps no
  leaving date, so teachers who left are not counted in any year), at a school in scope on R
  (their current school when the registry cannot tell where they were);
* district share = moved ÷ 在编 teachers, against ``district_share`` from the quota year on;
* key share = moved teachers who were key teachers on their move's start day ÷ moved;
* each school in scope: its quota base on R (each teacher's school and years there are rebuilt
  from the transfer history: a teacher who transferred later was at the transfer's source
  school, since the previous transfer or first employment), moved = base or not, teachers who
  left it in Y; quota = ``share_target(school_share, base)``; met when moved ≥ quota. A school's
  zone and quality are today's (the registry keeps no history of them). A move that starts on
  the reference day itself happens after it: the teacher still counts at the source school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlmodel import Session

from optimizer.rules import (
    RotationRules,
    counts_in_quota_base,
    counts_toward_district_share,
    in_key_share_base,
    in_school_quota_scope,
    load_rules,
    share_target,
)
from workforce.bulkwork import cyclic_gc_paused
from workforce.config import DATA_DIR
from workforce.models import Exemption
from workforce.reports import frames
from workforce.reports.keyteachers import DesignationView, is_key_on, rule_designations
from workforce.reports.messages import REPORTS, columns, enum_label, view_title
from workforce.reports.result import Note, Report, View
from workforce.reports.scope import ReportError
from workforce.rules.retirement import default_category, retirement_date
from workforce.snapshot import COMPULSORY_LEVELS

if TYPE_CHECKING:
    from optimizer.instance import School as RuleSchool
    from optimizer.instance import Teacher as RuleTeacher

ROTATION_TARGETS = DATA_DIR / "targets" / "rotation.yaml"
IN_SERVICE = ("active", "seconded")
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


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
        return RotationTargets(**yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, TypeError, yaml.YAMLError) as exc:
        raise ReportError.of("bad_targets", path=str(path), detail=str(exc)) from None


@lru_cache
def default_rotation_targets() -> RotationTargets:
    return load_rotation_targets()


@dataclass(frozen=True, slots=True)
class ExemptionView:
    """An exemption as the eligibility rule reads one."""

    reason: str
    from_date: dt.date
    until: dt.date | None


@dataclass(frozen=True, slots=True)
class SchoolView:
    """A school as :func:`optimizer.rules.in_school_quota_scope` reads one."""

    zone: str
    is_quality: bool


@dataclass(slots=True)
class TeacherOnDay:
    """A teacher as the rule functions read one (the attributes of
    :class:`optimizer.instance.Teacher` that eligibility and key status use), rebuilt for a
    past reference day."""

    post_type: str
    gender: str
    birth_date: dt.date
    joined_school_on: dt.date
    retirement_date: dt.date
    on_secondment: bool = False
    last_rotation_end: dt.date | None = None
    exemptions: list[ExemptionView] = field(default_factory=list)
    designations: list[DesignationView] = field(default_factory=list)
    """The key-kind designations (all that key-teacher status reads)."""


@dataclass(frozen=True, slots=True)
class Career:
    """What a report needs of one established teacher for every year, computed once."""

    id: int
    school_id: int
    joined_school_on: dt.date
    first_employed_on: dt.date | None
    employed_since: dt.date
    in_service_until: dt.date | None
    """Last day in service: None = still serving; a retiree's retirement date."""
    post_type: str
    gender: str
    birth_date: dt.date
    retirement_date: dt.date
    records: tuple = ()  # type: ignore[type-arg]


@dataclass(frozen=True)
class Roster:
    """The established teachers with no rotation on record, as arrays for counting in bulk."""

    careers: list[Career]
    school_id: np.ndarray
    joined: np.ndarray
    since: np.ndarray
    until: np.ndarray
    """Last day in service, exclusive bound for the test ``until > day``; far future if serving."""

    @classmethod
    def of(cls, careers: list[Career]) -> Roster:
        never = dt.date(9999, 12, 31).toordinal()

        def days(ordinals: list[int]) -> np.ndarray:  # date → ordinal is fast; numpy's parse not
            return (np.array(ordinals, dtype=np.int64) - EPOCH_ORDINAL).astype("datetime64[D]")

        return cls(
            careers=careers,
            school_id=np.array([c.school_id for c in careers], dtype=np.int64),
            joined=days([c.joined_school_on.toordinal() for c in careers]),
            since=days([c.employed_since.toordinal() for c in careers]),
            until=days([
                c.in_service_until.toordinal() if c.in_service_until else never for c in careers
            ]),
        )  # fmt: skip


def _careers(teachers: pd.DataFrame, history: dict) -> list[Career]:  # type: ignore[type-arg]
    """Established teachers still serving or retired (leavers have no leaving date)."""
    careers = []
    kept = teachers[
        (teachers["post_type"] == "established") & teachers["status"].isin([*IN_SERVICE, "retired"])
    ]
    for t in frames.plain_rows(kept):
        records = tuple(history.get(int(t.id), ()))
        category = t.retirement_category or default_category(t.gender)
        retires = retirement_date(t.birth_date, category, t.retirement_confirmed_on)
        since = t.first_employed_on or min([t.joined_school_on, *(r.start_on for r in records)])
        careers.append(
            Career(
                id=int(t.id),
                school_id=int(t.school_id),
                joined_school_on=t.joined_school_on,
                first_employed_on=t.first_employed_on,
                employed_since=since,
                in_service_until=None if t.status in IN_SERVICE else retires,
                post_type=t.post_type,
                gender=t.gender,
                birth_date=t.birth_date,
                retirement_date=retires,
                records=records,
            )
        )
    return careers


@cyclic_gc_paused()
def rotation_report(
    session: Session,
    *,
    as_of: dt.date,
    rules: RotationRules | None = None,
    targets: RotationTargets | None = None,
    levels: Iterable[str] = COMPULSORY_LEVELS,
) -> Report:
    """Rotation compliance for each year from the baseline year to the as-of year, over the
    public schools of ``levels`` (by default the rotation's own scope: compulsory education,
    as :mod:`workforce.snapshot` builds the optimizer's instance)."""
    rules = rules or load_rules()
    targets = targets or default_rotation_targets()
    teachers = frames.teachers(
        session,
        (*IN_SERVICE, "retired"),
        columns=(
            "id", "gender", "birth_date", "post_type", "first_employed_on", "school_id",
            "joined_school_on", "retirement_category", "retirement_confirmed_on", "status",
        ),
    )  # fmt: skip
    schools = frames.schools(session)
    all_moves = frames.rotations(session)
    # Places and years at a school are rebuilt from every record (a transfer made after the
    # as-of date still tells where the teacher was before it); only the moves that had
    # started by the as-of date are counted as moves.
    history = _history(all_moves)
    moves = all_moves[frames.day_array(all_moves["start_on"]) <= np.datetime64(as_of, "D")]
    designations = frames.designations(session)
    # Only the key kinds: the designations are read for key-teacher status alone.
    held = rule_designations(designations[designations["kind"].isin(rules.quotas.key_kinds)])
    exemptions = _exemptions(session)
    public = schools[schools["ownership"] == "public"]
    counted = public[public["level"].isin(list(levels))]
    scopes = {
        "whole_district": set(public["id"].astype(int)),
        "compulsory": set(counted["id"].astype(int)),
    }
    counted_schools = scopes["compulsory"]
    in_scope = {
        int(row.id): in_school_quota_scope(
            cast("RuleSchool", SchoolView(row.zone, bool(row.is_quality)))
        )
        for row in frames.plain_rows(counted)
    }
    views = {
        int(row.id): cast("RuleSchool", SchoolView(row.zone, bool(row.is_quality)))
        for row in frames.plain_rows(schools)
    }
    careers = _careers(teachers, history)
    roster = Roster.of([c for c in careers if not c.records])
    careers = [c for c in careers if c.records]
    established_ids = {c.id for c in careers}
    moves = moves[moves["teacher_id"].isin(established_ids)]
    moves = moves.assign(
        counts=np.array(
            [
                _counts(views.get(int(a)), views.get(int(b)), rules)
                for a, b in zip(moves["from_school_id"], moves["to_school_id"], strict=True)
            ],
            dtype=bool,
        )
    )
    start_years = np.array([d.year for d in moves["start_on"]], dtype=int)
    key_rules = {  # the rules under each reading of the key share's base
        reading: rules.model_copy(
            update={"quotas": rules.quotas.model_copy(update={"key_share_base": reading})}
        )
        for reading in OTHER_KEY_BASE
    }

    first_year = min([targets.baseline.year, *(d.year for d in moves["start_on"])])
    year_rows, school_rows = [], []
    steady: dict[int, TeacherOnDay] = {}
    for year in range(first_year, as_of.year + 1):
        day = dt.date(year, targets.reference_day.month, targets.reference_day.day)
        year_row, schools_of_year = _year(
            year,
            day,
            as_of,
            careers,
            roster,
            schools,
            moves[start_years == year],
            held,
            exemptions,
            in_scope,
            views,
            key_rules,
            scopes,
            rules,
            targets,
            steady,
        )
        year_rows.append(year_row)
        school_rows.extend(schools_of_year)

    year_keys = (
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
    school_keys = (
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
    zh, en = REPORTS["rotation"]
    return Report(
        name="rotation",
        zh=zh,
        en=en,
        as_of=as_of,
        parameters={},
        views=[
            View(
                key="rotation.years",
                zh=view_title("rotation.years")[0],
                en=view_title("rotation.years")[1],
                columns=columns(*year_keys),
                rows=year_rows,
            ),
            View(
                key="rotation.schools",
                zh=view_title("rotation.schools")[0],
                en=view_title("rotation.schools")[1],
                columns=columns(*school_keys),
                rows=school_rows,
            ),
        ],
        notes=_notes(rules, targets),
        scope=_scope(rules),
    )


def _exemptions(session: Session) -> dict[int, list[ExemptionView]]:
    rows = session.execute(
        select(Exemption.teacher_id, Exemption.reason, Exemption.from_on, Exemption.until_on)
    )
    out: dict[int, list[ExemptionView]] = {}
    for teacher_id, reason, start, until in rows:
        out.setdefault(teacher_id, []).append(ExemptionView(reason, start, until))
    return out


def _history(moves: pd.DataFrame) -> dict[int, list[tuple]]:  # type: ignore[type-arg]
    """Rotation records per teacher, oldest first."""
    ordered = moves.sort_values("start_on", kind="stable")
    history: dict[int, list[tuple]] = {}  # type: ignore[type-arg]
    for record in frames.plain_rows(ordered):
        history.setdefault(int(record.teacher_id), []).append(record)
    return history


def _place_on(teacher, records: list, day: dt.date) -> tuple[int, dt.date] | None:  # type: ignore[no-untyped-def]
    """(school id, joined that school) on ``day``, rebuilt from the transfers; None when the
    registry cannot tell (the teacher joined the current school later with no transfer on
    record, or the first employment date is unknown)."""
    transfers = [r for r in records if r.kind == "transfer"]
    later = [r for r in transfers if r.start_on >= day]
    if not later:
        if teacher.joined_school_on > day:
            return None
        return teacher.school_id, teacher.joined_school_on
    earlier = [r for r in transfers if r.start_on < day]
    joined = earlier[-1].start_on if earlier else teacher.first_employed_on
    if joined is None or joined > day:
        return None
    return int(later[0].from_school_id), joined


def _on_day(
    teacher,
    records: list,
    day: dt.date,
    joined: dt.date,
    held: dict,  # type: ignore[no-untyped-def]
    exemptions: dict,
) -> TeacherOnDay:
    if not records:  # most teachers: no rotation ever
        return TeacherOnDay(
            post_type=teacher.post_type,
            gender=teacher.gender,
            birth_date=teacher.birth_date,
            joined_school_on=joined,
            retirement_date=teacher.retirement_date,
            exemptions=exemptions.get(teacher.id, []),
            designations=held.get(teacher.id, []),
        )
    ended = [r.actual_end_on or r.planned_end_on for r in records]
    return TeacherOnDay(
        post_type=teacher.post_type,
        gender=teacher.gender,
        birth_date=teacher.birth_date,
        joined_school_on=joined,
        retirement_date=teacher.retirement_date,
        on_secondment=any(
            r.kind == "secondment"
            and r.start_on < day
            and (
                (r.actual_end_on or r.planned_end_on) is None
                or (r.actual_end_on or r.planned_end_on) >= day
            )
            for r in records
        ),
        last_rotation_end=max((d for d in ended if d is not None and d <= day), default=None),
        exemptions=exemptions.get(teacher.id, []),
        designations=held.get(teacher.id, []),
    )


OTHER_DISTRICT_BASE = {"whole_district": "compulsory", "compulsory": "whole_district"}
OTHER_KEY_BASE = {"urban_quality_moves": "all_moves", "all_moves": "urban_quality_moves"}


def _counts(source: RuleSchool | None, destination: RuleSchool | None, rules: RotationRules) -> bool:
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


def _key_base_moves(
    district_moves: pd.DataFrame, rules: RotationRules, views: dict[int, RuleSchool]
) -> pd.DataFrame:
    """The moves the key-teacher share is a share of, as ``rules`` read
    ``quotas.key_share_base`` (:func:`optimizer.rules.in_key_share_base`)."""
    mask = np.array(
        [
            s in views and in_key_share_base(views[s], rules)
            for s in map(int, district_moves["from_school_id"])
        ],
        dtype=bool,
    )
    return district_moves[mask]


def _key_count(moves: pd.DataFrame, held: dict, rules: RotationRules) -> int:  # type: ignore[type-arg]
    return sum(
        is_key_on(held.get(int(teacher_id), []), start, rules)
        for teacher_id, start in zip(moves["teacher_id"], moves["start_on"], strict=True)
    )


def _year(
    year: int,
    day: dt.date,
    as_of: dt.date,
    careers: list[Career],
    roster: Roster,
    schools: pd.DataFrame,
    moved_year: pd.DataFrame,
    held: dict,
    exemptions: dict,  # type: ignore[type-arg]
    in_scope: dict[int, bool],
    views: dict[int, RuleSchool],
    key_rules: dict[str, RotationRules],
    scopes: dict[str, set[int]],
    rules: RotationRules,
    targets: RotationTargets,
    steady: dict[int, TeacherOnDay],
) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    """One year's district row and school rows. ``steady`` keeps, across the years, the
    teachers with no rotation on record as the rules read them (the same on every day).

    ``scopes`` holds the schools of each reading of the district share's base
    (``quotas.district_share_base``): the configured reading gives the main figures, the
    other is shown beside them. A year whose reference day is after the as-of date is not
    yet due: its figures so far are shown, with no verdict."""
    base: dict[int, int] = {}
    counts = dict.fromkeys(scopes, 0)
    known = scopes["whole_district"] | scopes["compulsory"]
    # Teachers with no rotation on record (most): at their current school since joining it;
    # counted in bulk, the quota-base rule asked only for those at a school in scope.
    on = np.datetime64(day, "D")
    serving = (roster.since <= on) & (roster.until > on)
    for reading, scope in scopes.items():
        counts[reading] += int((serving & np.isin(roster.school_id, list(scope))).sum())
    scoped = serving & (roster.joined <= on) & np.isin(
        roster.school_id, [s for s in scopes["compulsory"] if in_scope.get(s)]
    )
    for i in np.flatnonzero(scoped):
        teacher = roster.careers[i]
        person = steady.get(teacher.id) or steady.setdefault(
            teacher.id,
            _on_day(teacher, (), day, teacher.joined_school_on, held, exemptions),
        )
        if counts_in_quota_base(cast("RuleTeacher", person), day, rules):
            base[teacher.school_id] = base.get(teacher.school_id, 0) + 1
    for teacher in careers:  # teachers with rotations: place rebuilt for the day
        if teacher.employed_since > day or (
            teacher.in_service_until is not None and teacher.in_service_until <= day
        ):
            continue
        records = teacher.records
        if records:
            place = _place_on(teacher, records, day)
        else:  # no rotation on record: at the current school since joining it
            place = (
                (teacher.school_id, teacher.joined_school_on)
                if teacher.joined_school_on <= day
                else None
            )
        where = place[0] if place else teacher.school_id
        if where not in known:
            continue
        for reading, scope in scopes.items():
            if where in scope:
                counts[reading] += 1
        if place is None or where not in scopes["compulsory"]:
            continue
        school_id, joined = place
        if in_scope.get(school_id):
            if records:
                person = _on_day(teacher, records, day, joined, held, exemptions)
            else:  # the same every year: built once per report
                person = steady.get(teacher.id) or steady.setdefault(
                    teacher.id, _on_day(teacher, records, day, joined, held, exemptions)
                )
            if counts_in_quota_base(cast("RuleTeacher", person), day, rules):
                base[school_id] = base.get(school_id, 0) + 1

    due = day <= as_of
    status = (
        "not_yet_due"
        if not due
        else ("assessed" if year >= targets.quotas_from_year.year else "before_quotas")
    )
    judged = status == "assessed"
    scope_moves = moved_year[moved_year["from_school_id"].isin(scopes["compulsory"])]
    left_from = (
        scope_moves.drop_duplicates(["teacher_id", "from_school_id"])
        .groupby("from_school_id")
        .size()
    )
    school_rows = []
    for school in frames.plain_rows(schools):
        if not in_scope.get(int(school.id)):
            continue
        quota_base = base.get(int(school.id), 0)
        moved = int(left_from.get(school.id, 0))
        quota = share_target(rules.quotas.school_share, quota_base)
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
        established = counts[reading]
        movers = _district_moves(moved_year, scopes[reading])
        quota = share_target(rules.quotas.district_share, established)
        return {
            "established": established,
            "moved": len(movers),
            "moved_share": len(movers) / established if established else None,
            "district_quota": quota if status != "before_quotas" else None,
            "district_met": len(movers) >= quota if judged else None,
            "movers": movers,
        }

    def key(movers: pd.DataFrame, reading: str) -> dict:  # type: ignore[type-arg]
        in_base = _key_base_moves(movers, key_rules[reading], views)
        key_moved = _key_count(in_base, held, rules)
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
    base_zh = {"whole_district": "全区公办学校在编教师总数（规划原文“全区在编教师总数”）",
               "compulsory": "仅义务教育学校及完全中学在编教师"}
    base_en = {"whole_district": "every 在编 teacher of the district's public schools",
               "compulsory": "the 在编 teachers of compulsory and complete-secondary schools"}
    key_zh = {"urban_quality_moves": "城区学校、优质学校的交流人数（规划“其中”）",
              "all_moves": "全部交流人数"}
    key_en = {"urban_quality_moves": "the moves out of urban and quality schools",
              "all_moves": "every move"}
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
            zh=f"在编基数口径（交流规则设置 data/rules/rotation.yaml 中的全区比例基数，与交流方案"
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
            "在编人数含当时在岗、后来退休者，不含已离职者"
            "（登记册无离职日期）；任教学校与年限按全部调动记录还原（含统计日期之后的调动），"
            "交流人数只计统计日期前已开始的交流；学校城乡、优质属性按当前登记。",
            en="Reference day: 1 September of each year; a year whose reference day is after the "
            "as-of date is not yet due. 在编 counts teachers in service then, "
            "including later retirees but not leavers (no leaving date is recorded); schools "
            "and years there are rebuilt from every transfer on record (later ones included); "
            "moves count only when they started by the as-of date; school zone and quality "
            "are today's.",
        ),
    ]
