"""Key-teacher and talent goals (骨干教师与名师培养目标) against the plan's 2025 targets.

The goals (700 区级骨干教师, 300 区级骨干班主任, 60 三名工作室, 10 名校长, 20 名班主任, 30 名教师)
and the per-100-pupils threshold are data in ``data/targets/talent.yaml``, each with its source
and the tier rule it counts by (``exact`` or ``at_least``; the file says why).

Counting: a goal counts **distinct teachers** holding, on the day, a designation of one of the
goal's kinds at the goal's tier (or above, for ``at_least``), valid that day
(``term_start <= day <= term_end``: a designation that ended yesterday no longer counts).

* current — on the as-of date, teachers serving on it (employed by then, :func:`frames.employed_by`,
  and active or seconded, or left or retired after it: :func:`frames.in_service_on`);
* year by year — on 31 December of each year from the baseline to the last year end before the
  as-of date, from the terms, of holders employed by then (:class:`Stock`), a holder who left
  or retired up to the day before their leaving date (a leaver with no date on record: up to
  the term's end, and the notes say how many have none);
* projection to the target year — linear at the present pace: pace = (count on the as-of date −
  count on the baseline date 2020-12-31) ÷ years between them; projected = count on the as-of
  date + pace × years from the as-of date to the target year's 31 December (never below 0).
  Both counts here are from the terms (as the year ends), so the pace is not distorted by who
  has since left.
  Once the target year is over the report shows the actual year-end count instead.
* key teachers per 100 pupils — the county evaluation's indicator (≥ 1, 教督〔2017〕6号) for each
  school of the configured levels: serving teachers of the school who are key teachers by
  :func:`optimizer.rules.is_key` on the as-of date, × 100 ÷ pupils.

One county's report (``county``) counts, on each day above, the teachers teaching at one of
its schools on that day (:func:`frames.schools_on`): a teacher who transferred between
counties counts in the county they were in at each year end. The goals are the district's:
a county's report shows its counts and projection but no target, gap, attainment or verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlmodel import Session

from optimizer.rules import TIERS, RotationRules
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
from workforce.reports.keyteachers import key_kinds, key_teacher_ids, key_tiers, rule_designations
from workforce.reports.leavers import undated_leavers_notes
from workforce.reports.messages import REPORTS, columns, view_title
from workforce.reports.result import Column, Note, Report, View
from workforce.reports.scope import ReportError, default_scopes
from workforce.rules.leaving import SERVING
from workforce.rules.local import rotation_rules as rules_in_force

TALENT_TARGETS = DATA_DIR / "targets" / "talent.yaml"
EXPIRY_WINDOW_DAYS = 365


class Goal(BaseModel):
    """A goal counts the holders of ``kinds`` at ``tier`` (or above, ``at_least``); or, with
    ``key_teacher_rule``, the key teachers of the rotation rules' one definition (the kinds and
    minimum tier of ``data/rules/rotation.yaml``), so that 区级骨干教师 means one thing
    everywhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    zh: str
    en: str
    key_teacher_rule: bool = False
    kinds: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    """When given, only designations of these subjects count (e.g. politics: 思政 studios)."""
    tier: str | None = None
    tier_match: Literal["exact", "at_least"] = "at_least"
    target: int
    year: int
    source: str

    @model_validator(mode="after")
    def _one_definition(self) -> Goal:
        if self.key_teacher_rule == bool(self.kinds or self.tier):
            raise ValueError(
                f"goal {self.key}: either key_teacher_rule: true or kinds and tier, not both"
            )
        if self.tier is not None and self.tier not in TIERS:
            raise ValueError(f"goal {self.key}: unknown tier {self.tier!r}")
        return self

    def counted_kinds(self, rules: RotationRules) -> tuple[str, ...]:
        return key_kinds(rules) if self.key_teacher_rule else self.kinds

    def tiers(self, rules: RotationRules) -> tuple[str, ...]:
        """The tiers this goal counts."""
        if self.key_teacher_rule:
            return key_tiers(rules)
        assert self.tier is not None
        return (self.tier,) if self.tier_match == "exact" else TIERS[TIERS.index(self.tier) :]

    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


class PerPupilRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float
    source: str
    definition: str
    """The school levels evaluated are the indicator's scope (``data/reports/scopes.yaml``:
    ``key_teachers_per_100_pupils``), the one place they are set."""


class TalentTargets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    goals: tuple[Goal, ...]
    baseline_date: dt.date
    baseline_source: str
    key_teachers_per_100_pupils: PerPupilRule


def load_talent_targets(path: Path | None = None) -> TalentTargets:
    """Read ``data/targets/talent.yaml`` (or ``path``); a broken file is a ReportError."""
    path = path or TALENT_TARGETS
    try:
        return TalentTargets(**read_yaml(path))
    except (ValidationError, TypeError, yaml.YAMLError) as exc:
        raise ReportError.of("bad_targets", path=str(path), detail=str(exc)) from None


@lru_cache
def default_talent_targets() -> TalentTargets:
    return load_talent_targets()


@cyclic_gc_paused()
def talent_report(
    session: Session,
    *,
    as_of: dt.date,
    targets: TalentTargets | None = None,
    rotation_rules: RotationRules | None = None,
    county: str | None = None,
) -> Report:
    """Designations against the plan's goals on ``as_of``, district-wide or among the teachers
    of one county's schools (``county``: on each day counted a teacher counts where they
    taught that day, :func:`frames.schools_on`; no targets, they are the district's); with
    counties recorded and no county asked for, each county's figures beside."""
    targets = targets or default_talent_targets()
    rotation_rules = rotation_rules or rules_in_force()
    every_school = frames.schools(session)
    schools = county_schools(every_school, county)
    designations = frames.designations(session)
    every_teacher = frames.teachers(
        session,
        columns=("id", "staff_no", "name", "school_id", "main_subject", "status",
                 "first_employed_on", "joined_school_on"),
    )  # fmt: skip
    stock = Stock(session, every_teacher, None if county is None else set(schools["id"]))
    teachers = every_teacher.copy()
    teachers["school_id"] = frames.schools_on(session, teachers, as_of)  # the date's school
    if county is not None:
        teachers = teachers[teachers["school_id"].isin(schools["id"])].reset_index(drop=True)
    designations["start_day"] = frames.day_array(designations["term_start"])
    designations["term_end_day"] = frames.day_array(designations["term_end"])
    former = frames.former_teachers(session)
    designations["end_day"] = _held_until(designations, former)
    people = teachers.merge(
        schools[["id", "code", "name", "zone", "level"]].rename(
            columns={"id": "school_id", "code": "school_code", "name": "school_name"}
        ),
        on="school_id",
        how="left",
    )
    # Serving on the as-of date: employed by then and active or seconded now, or left or
    # retired since (a past date's count keeps the teachers who left after it, and leaves out
    # those hired after it).
    employed = people["status"].isin(SERVING) & frames.employed_by(people, as_of)
    serving = set(people.loc[employed, "id"]) | (
        set(frames.former_in_service(session, as_of, former=former)["id"]) & set(people["id"])
    )
    matches = {goal.key: _matching(designations, goal, rotation_rules) for goal in targets.goals}

    per_pupil = _per_pupil_views(
        targets, designations, people, schools, serving, as_of, rotation_rules
    )
    views = [
        _goals_view(targets, matches, serving, as_of, rotation_rules, stock),
        _by_year_view(targets, matches, as_of, stock),
        _breakdown_view("talent.zones", "zone", targets, matches, serving, people, as_of),
        _breakdown_view(
            "talent.subjects", "main_subject", targets, matches, serving, people, as_of
        ),
        _expiring_view(designations, people, serving, as_of),
        *per_pupil,
    ]
    if county is None and has_counties(every_school):
        views.append(
            _county_view(targets, matches, serving, people, per_pupil[0], every_school, as_of)
        )
    zh, en = REPORTS["talent"]
    return Report(
        name="talent",
        zh=zh,
        en=en,
        as_of=as_of,
        parameters=county_parameter(county),
        views=views,
        notes=[
            *_notes(targets),
            *undated_leavers_notes(
                session, None if county is None else schools["id"].tolist(), former=former
            ),
        ],
        scope=scoped_note(_scope(county), county),
    )


def _scope(county: str | None) -> Note:
    """Who the goals count; for a county, that the targets are the district's and not judged."""
    per_pupil = default_scopes().note("key_teachers_per_100_pupils")
    if county is None:
        return Note(
            zh="培养目标：全区统计日在职教师（在岗、借调及统计日后离职、退休者）；" + per_pupil.zh,
            en="Goals: every teacher of the district serving on the as-of date (active, seconded, "
            "or left or retired after it); " + per_pupil.en,
        )
    return Note(
        zh="培养目标：本县（区）学校统计日在职教师（在岗、借调及统计日后离职、退休者），逐年数按各日期"
        "所在学校计；目标为全区目标，不分县（区），本表不列目标、差距、完成比例与达标评定；"
        + per_pupil.zh,
        en="Goals: the teachers of the county's schools serving on the as-of date (active, "
        "seconded, or left or retired after it), each year's count by the school on that day; "
        "the targets are the district's, not split by county, so no target, gap, attainment or "
        "verdict is shown; " + per_pupil.en,
    )


@dataclass
class Stock:
    """Who of a goal's matching designations counts on a day: the holders employed by then
    (:func:`frames.employed_by`: a designation entered with a term starting before the holder
    was hired does not count before the hiring); for one county (``schools``, its school ids)
    only those teaching at one of its schools that day (:func:`frames.schools_on`), so a past
    year end counts the county's teachers of that day, not of the as-of date."""

    session: Session
    teachers: pd.DataFrame
    """Every teacher (``id``, ``school_id``, ``first_employed_on``, ``joined_school_on``),
    whatever the status."""
    schools: set[int] | None
    _members: dict[dt.date, set[int]] = field(default_factory=dict)

    @property
    def district(self) -> bool:
        """Whether this counts the whole district, the goals' own scope."""
        return self.schools is None

    def on(self, matching: pd.DataFrame, day: dt.date) -> set[int]:
        """The distinct holders of ``matching`` valid on ``day`` counted here."""
        if day not in self._members:
            counted = frames.employed_by(self.teachers, day)
            if self.schools is not None:
                counted &= frames.schools_on(self.session, self.teachers, day).isin(self.schools)
            self._members[day] = set(self.teachers.loc[counted, "id"].astype(int))
        return holders(matching, day) & self._members[day]


def _held_until(designations: pd.DataFrame, former: pd.DataFrame) -> np.ndarray:
    """Each designation's last day as a teacher of the district: its term's end, or for a
    holder who left or retired (``former``: :func:`frames.former_teachers`) the day before
    they left service when that comes first (a term runs on past a leaving; the teacher is no
    longer a serving key teacher). When they left is :func:`frames.service_ends`: a leaving
    not on record (no leaving date, or a retirement date after today) cuts nothing."""
    ends = designations["term_end_day"].to_numpy()
    if not len(former) or not len(designations):
        return ends
    last = {
        int(t): np.datetime64(d - dt.timedelta(days=1), "D")
        for t, d in zip(former["id"], frames.service_ends(former, ()), strict=True)
        if d != dt.date.min
    }
    if not last:
        return ends
    cut = np.array(
        [last.get(int(t), np.datetime64("NaT")) for t in designations["teacher_id"]],
        dtype="datetime64[D]",
    )
    earlier = ~np.isnat(cut) & (cut < ends)
    return np.where(earlier, cut, ends)


def _county_view(
    targets: TalentTargets,
    matches: dict[str, pd.DataFrame],
    serving: set[int],
    people: pd.DataFrame,
    per_school: View,
    schools: pd.DataFrame,
    as_of: dt.date,
) -> View:
    """Each county's current count per goal (serving teachers, by the school they teach at)
    and its key teachers per 100 pupils over the schools evaluated: every figure sums to the
    district's."""
    county_of_school = dict(zip(schools["code"], county_names(schools), strict=True))
    county_of_teacher = dict(
        zip(people["id"], people["school_code"].map(county_of_school), strict=True)
    )
    names = sorted(set(county_of_school.values()))
    rows = {
        name: {"county": name, **{g.key: 0 for g in targets.goals}, "schools": 0,
               "schools_meeting": 0, "pupils": 0, "evaluated_key_teachers": 0}
        for name in names
    }  # fmt: skip
    for goal in targets.goals:
        for teacher_id in holders(matches[goal.key], as_of) & serving:
            rows[county_of_teacher[teacher_id]][goal.key] += 1
    for school in per_school.rows:
        if school["in_evaluation"]:
            row = rows[county_of_school[school["school_code"]]]
            row["schools"] += 1
            row["schools_meeting"] += bool(school["meets"])
            row["pupils"] += school["pupils"]
            row["evaluated_key_teachers"] += school["key_teachers"]
    threshold = targets.key_teachers_per_100_pupils.threshold
    for row in rows.values():
        evaluated, pupils = row["evaluated_key_teachers"], row["pupils"]
        row["per_100_pupils"] = 100 * evaluated / pupils if pupils else None
        row["threshold"] = threshold
    zh, en = view_title("talent.counties")
    return View(
        key="talent.counties",
        zh=zh,
        en=en,
        columns=[
            *columns("county"),
            *_goal_columns(targets),
            *columns(
                "schools",
                "schools_meeting",
                "pupils",
                "evaluated_key_teachers",
                "per_100_pupils",
                "threshold",
            ),
        ],  # fmt: skip
        rows=list(rows.values()),
    )


def _matching(designations: pd.DataFrame, goal: Goal, rules: RotationRules) -> pd.DataFrame:
    mask = designations["kind"].isin(goal.counted_kinds(rules)) & designations["tier"].isin(
        goal.tiers(rules)
    )
    if goal.subjects:
        mask &= designations["subject"].isin(list(goal.subjects))
    return designations.loc[mask, ["teacher_id", "start_day", "end_day"]]


def holders(designations: pd.DataFrame, day: dt.date) -> set[int]:
    """Distinct teachers with one of ``designations`` valid on ``day`` (term ends included)."""
    on = np.datetime64(day, "D")
    valid = (designations["start_day"].to_numpy() <= on) & (
        on <= designations["end_day"].to_numpy()
    )
    return set(designations.loc[valid, "teacher_id"].astype(int))


def projection(
    targets: TalentTargets, goal: Goal, matching: pd.DataFrame, as_of: dt.date, stock: Stock
) -> tuple[float, str]:
    """(figure, basis): the actual year-end count once the target year is over, else the
    linear projection at the pace since the baseline date (see the module docstring); each
    count of ``stock``'s teachers on its own day."""
    if as_of >= goal.end():
        return float(len(stock.on(matching, goal.end()))), "actual"
    start = len(stock.on(matching, targets.baseline_date))
    now = len(stock.on(matching, as_of))
    years = (as_of - targets.baseline_date).days / 365.2425
    pace = (now - start) / years if years > 0 else 0.0
    ahead = (goal.end() - as_of).days / 365.2425
    return max(0.0, round(now + pace * ahead, 1)), "projected"


def _goal_columns(targets: TalentTargets) -> list[Column]:
    return [Column(key=g.key, zh=g.zh, en=g.en, kind="int") for g in targets.goals]


def _goals_view(
    targets: TalentTargets,
    matches: dict[str, pd.DataFrame],
    serving: set[int],
    as_of: dt.date,
    rules: RotationRules,
    stock: Stock,
) -> View:
    """Each goal's counts; its target, gap, attainment and verdict only district-wide (a
    county's count against the district's target would read as falling short)."""
    rows = []
    for goal in targets.goals:
        current = len(holders(matches[goal.key], as_of) & serving)
        due = as_of >= goal.end()
        # A target is judged on its due date, by the stock on that day (from the terms); the
        # current figure is shown beside it, never in its place.
        on_due = len(stock.on(matches[goal.key], goal.end())) if due else None
        judged = on_due if on_due is not None else current
        figure, basis = projection(targets, goal, matches[goal.key], as_of, stock)
        target = goal.target if stock.district else None
        if target is None:
            verdict = None
        elif on_due is None:
            verdict = "not_yet_due"
        else:
            verdict = "met" if on_due >= target else "not_met"
        rows.append(
            {
                "target_key": {"zh": goal.zh, "en": goal.en},
                "kinds": _kinds_label(goal, rules),
                "tier_rule": _tier_label(goal, rules),
                "target": target,
                "target_year": goal.year,
                "due_date": goal.end().isoformat(),
                "due_figure": on_due,
                "verdict": verdict,
                "current": current,
                "gap": None if target is None else target - judged,
                "attainment": None if target is None else judged / target,
                "projection": None if due else figure,
                "projection_basis": None if due else basis,
                "source": goal.source,
            }
        )
    keys = (
        "target_key",
        "kinds",
        "tier_rule",
        "target",
        "target_year",
        "due_date",
        "due_figure",
        "verdict",
        "current",
        "gap",
        "attainment",
        "projection",
        "projection_basis",
        "source",
    )
    zh, en = view_title("talent.goals")
    return View(key="talent.goals", zh=zh, en=en, columns=columns(*keys), rows=rows)


def _kinds_label(goal: Goal, rules: RotationRules) -> dict[str, str]:
    kinds, subjects = code_list("designation_kinds"), code_list("subjects")
    counted = goal.counted_kinds(rules)
    zh = "、".join(kinds.label(k, "zh") for k in counted)
    en = ", ".join(kinds.label(k, "en") for k in counted)
    if goal.subjects:
        zh += "（" + "、".join(subjects.label(s, "zh") for s in goal.subjects) + "）"
        en += " (" + ", ".join(subjects.label(s, "en") for s in goal.subjects) + ")"
    return {"zh": zh, "en": en}


def _tier_label(goal: Goal, rules: RotationRules) -> dict[str, str]:
    tiers = code_list("designation_tiers")
    counted = goal.tiers(rules)
    lowest = counted[0]
    if len(counted) == 1:
        return {"zh": f"仅{tiers.label(lowest, 'zh')}", "en": f"{tiers.label(lowest, 'en')} only"}
    return {
        "zh": f"{tiers.label(lowest, 'zh')}及以上",
        "en": f"{tiers.label(lowest, 'en')} and above",
    }


def _by_year_view(
    targets: TalentTargets, matches: dict[str, pd.DataFrame], as_of: dt.date, stock: Stock
) -> View:
    days = [
        dt.date(y, 12, 31)
        for y in range(targets.baseline_date.year, as_of.year + 1)
        if dt.date(y, 12, 31) < as_of
    ]
    days.append(as_of)
    rows = [
        {
            "date": day.isoformat(),
            **{g.key: len(stock.on(matches[g.key], day)) for g in targets.goals},
        }
        for day in days
    ]
    date_column = Column(
        key="date", zh="日期（年末或统计日）", en="Date (year end or as-of)", kind="date"
    )
    zh, en = view_title("talent.by_year")
    return View(
        key="talent.by_year",
        zh=zh,
        en=en,
        columns=[date_column, *_goal_columns(targets)],
        rows=rows,
    )


def _breakdown_view(
    key: str,
    by: str,
    targets: TalentTargets,
    matches: dict[str, pd.DataFrame],
    serving: set[int],
    people: pd.DataFrame,
    as_of: dt.date,
) -> View:
    group_of = dict(zip(people["id"], people[by], strict=True))
    table: dict[str, dict[str, int]] = {}
    for goal in targets.goals:
        for teacher_id in holders(matches[goal.key], as_of) & serving:
            row = table.setdefault(group_of[teacher_id], {g.key: 0 for g in targets.goals})
            row[goal.key] += 1
    rows = [{by: group, **counts} for group, counts in sorted(table.items())]
    zh, en = view_title(key)
    return View(key=key, zh=zh, en=en, columns=[*columns(by), *_goal_columns(targets)], rows=rows)


def _expiring_view(
    designations: pd.DataFrame, people: pd.DataFrame, serving: set[int], as_of: dt.date
) -> View:
    horizon = as_of + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    soon = designations[
        (designations["start_day"] <= np.datetime64(as_of, "D"))
        & (designations["term_end_day"] >= np.datetime64(as_of, "D"))
        & (designations["term_end_day"] <= np.datetime64(horizon, "D"))
        & designations["teacher_id"].isin(serving)
    ].merge(
        people[["id", "staff_no", "name", "school_code", "school_name"]],
        left_on="teacher_id",
        right_on="id",
    )
    soon["days_left"] = [(d - as_of).days for d in soon["term_end"]]
    soon = soon.sort_values(["term_end", "school_code", "staff_no"], kind="stable")
    keys = (
        "staff_no",
        "name",
        "school_code",
        "school_name",
        "kind",
        "tier",
        "subject",
        "term_start",
        "term_end",
        "days_left",
    )
    zh, en = view_title("talent.expiring")
    return View(
        key="talent.expiring", zh=zh, en=en, columns=columns(*keys), rows=frames.records(soon, keys)
    )


def _per_pupil_views(
    targets: TalentTargets,
    designations: pd.DataFrame,
    people: pd.DataFrame,
    schools: pd.DataFrame,
    serving: set[int],
    as_of: dt.date,
    rules: RotationRules,
) -> list[View]:
    rule = targets.key_teachers_per_100_pupils
    key_ids = key_teacher_ids(rule_designations(designations), as_of, rules) & serving
    per_school = people.loc[people["id"].isin(key_ids)].groupby("school_id").size()
    table = (
        schools.loc[schools["active"].astype(bool)]
        .rename(columns={"code": "school_code", "name": "school_name"})
        .copy()
    )
    table["key_teachers"] = table["id"].map(per_school).fillna(0).astype(int)
    table["per_100_pupils"] = (100 * table["key_teachers"] / table["pupils"]).where(
        table["pupils"] > 0
    )
    table["threshold"] = rule.threshold
    table["in_evaluation"] = table["level"].isin(
        default_scopes()["key_teachers_per_100_pupils"].levels
    )
    table["meets"] = (table["per_100_pupils"] >= rule.threshold).where(
        table["in_evaluation"] & table["per_100_pupils"].notna()
    )
    table = table.sort_values("school_code")
    keys = (
        "school_code",
        "school_name",
        "zone",
        "level",
        "pupils",
        "key_teachers",
        "per_100_pupils",
        "threshold",
        "in_evaluation",
        "meets",
    )
    zh, en = view_title("talent.per_100_pupils")
    per_school_view = View(
        key="talent.per_100_pupils",
        zh=zh,
        en=en,
        columns=columns(*keys),
        rows=frames.records(table, keys),
    )
    scope = table[table["in_evaluation"]]
    pupils = int(scope["pupils"].sum())
    key_teachers = int(scope["key_teachers"].sum())
    summary = {
        "schools": len(scope),
        "schools_meeting": int(scope["meets"].fillna(False).sum()),
        "pupils": pupils,
        "key_teachers": key_teachers,
        "per_100_pupils": 100 * key_teachers / pupils if pupils else None,
        "threshold": rule.threshold,
    }
    zh, en = view_title("talent.per_100_district")
    summary_view = View(
        key="talent.per_100_district",
        zh=zh,
        en=en,
        columns=columns(
            "schools", "schools_meeting", "pupils", "key_teachers", "per_100_pupils", "threshold"
        ),
        rows=[summary],
    )
    return [per_school_view, summary_view]


def _notes(targets: TalentTargets) -> list[Note]:
    rule = targets.key_teachers_per_100_pupils
    return [
        Note(
            zh="计数口径：同一教师持有多个符合条件的称号只计1人；称号在任期内（任期开始日至结束日，"
            "含两端）有效，昨日到期者不再计入。“及以上”表示该层级及以上均计入（理由随人才目标"
            "设置一同登记）。区级骨干教师按交流轮岗规则的同一定义计"
            "（交流轮岗规则中的骨干称号类别与最低层级，可在实例目录的 rules/rotation.yaml 中按本地设置），"
            "与交流方案、教师名单筛选一致。",
            en="Distinct teachers; a designation counts from its term start to its term end, "
            "both included (one that ended yesterday does not). 'and above' = that tier and "
            "higher (the reason is recorded with the talent targets). District key teachers "
            "follow the rotation "
            "rules' one definition (quotas.key_kinds, quotas.key_min_tier), as the optimizer "
            "and the teacher list's filter do.",
        ),
        Note(
            zh="现有数只计统计日在职教师（统计日已参加工作，现为在岗、借调，或统计日后离职、退休者）；逐年数据、到期日"
            "人数与预计数按任期推算，已离职、退休者的称号只计至离岗日期前一日（未登记离岗日期的离职者"
            "不截断，往年数含其后离职者）。",
            en="Current counts the teachers serving on the as-of date (employed by then, and "
            "active or seconded now, or left or retired after it); year-end counts, the due-date figure and the "
            "projection come from the terms, the designation of a teacher who left or retired "
            "counted up to the day before the leaving date (a leaver with no leaving date on "
            "record is not cut, so past years include them).",
        ),
        Note(
            zh="预计方法：年均净增 =（统计日人数 − 基期人数）÷ 间隔年数，预计数 = 统计日人数 + 年均"
            f"净增 × 距目标年末年数；基期 {targets.baseline_date}。{targets.baseline_source}。"
            "目标到期（目标年12月31日）后，按到期日人数评定达标与否，差距与完成比例按到期日人数"
            "计算，现有数另列。",
            en="Projection: yearly net gain = (count on the as-of date − count on the baseline "
            f"date {targets.baseline_date}) ÷ years between; projected = count now + gain × "
            "years to the target year's end. Once due (31 December of the target year) a goal is "
            "judged by the count on its due date (gap and share too); the current count is "
            "shown beside it.",
        ),
        Note(
            zh=f"每百名学生县级及以上骨干教师数 ≥ {rule.threshold:g}："
            f"{rule.source}。{rule.definition}。",
            en=f"County-level-or-above key teachers per 100 pupils ≥ {rule.threshold:g} "
            f"(教督〔2017〕6号), for levels {', '.join(default_scopes()['key_teachers_per_100_pupils'].levels)}; key teacher as defined "
            "by optimizer.rules.is_key.",
        ),
        Note(
            zh="规划中登记册无数据、本表未列的项目：20节区级优质思政课（课例，非教师称号；第三章第二节"
            "（一））；申报高级教师前须有1年以上农村或薄弱学校任教经历（登记册只记现有职称，无晋升日期，"
            "无法标记）。",
            en="Plan items the registry holds no data for, so not listed: 20 district model "
            "ideology-and-politics lessons (lessons, not designations); a year of rural or weak-"
            "school service before applying for 高级教师 (the registry keeps the current title, "
            "not the date of a promotion).",
        ),
        *[
            Note(
                zh=f"{g.zh} {g.target}（{g.year}年）：{g.source}",
                en=f"{g.en}: {g.target} by {g.year}; source: {g.source}",
            )
            for g in targets.goals
        ],
    ]
