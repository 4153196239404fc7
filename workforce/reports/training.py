"""Training compliance (继续教育学时完成情况): per teacher, school, subject, level, urban or rural,
and the district; plus the teaching certificates whose re-registration (定期注册) is at risk
because the hours are short.

Every figure follows :mod:`workforce.rules.training` (hours owed, statuses and their exact
definitions). Who is counted: teachers whose status is in the rule's ``counted_statuses``
(active, seconded) and who were employed on the as-of date and, when the cycle is over, on its
last day (:func:`frames.employed_by`: ``first_employed_on`` not after either, or when it is
unknown ``joined_school_on``): a teacher hired after a cycle is outside it. Hours: the training
records dated from the cycle's start to the as-of date (or the cycle's end, if earlier).
Completion rate = teachers ``done`` ÷ teachers counted.

A certificate's re-registration is at risk when its ``valid_until`` falls inside the cycle
(re-registration is due within it, or is already overdue) and its holder's status is not
``done``: completing the hours is a condition of re-registration.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlmodel import Session

from workforce.bulkwork import cyclic_gc_paused
from workforce.reports import frames
from workforce.reports.counties import (
    check_school_in_county,
    county_names,
    county_parameter,
    county_schools,
    has_counties,
    school_unit,
    scoped_note,
)
from workforce.reports.leavers import undated_leavers_notes
from workforce.reports.messages import REPORTS, columns, view_title
from workforce.reports.result import Note, Report, View
from workforce.reports.scope import default_scopes, school_by_code
from workforce.rules.local import training_rules
from workforce.rules.training import (
    STATUSES,
    Assessment,
    TrainingRules,
    assess,
)

TEACHER_VIEW = (
    "staff_no",
    "name",
    "school_code",
    "school_name",
    "zone",
    "level",
    "main_subject",
    "post_type",
    "first_employed_on",
    "hours",
    "required",
    "remaining",
    "years_left",
    "standard_pace",
    "needed_pace",
    "status",
)
SUMMARY = ("teachers", *STATUSES, "completion_rate")


SCHOOL_COLUMNS = ("school_code", "school_name", "zone", "level")
"""How the report names a school: what its by-school view groups on (the dashboard too)."""


@cyclic_gc_paused()
def training_report(
    session: Session,
    *,
    as_of: dt.date,
    cycle: str | None = None,
    school: str | None = None,
    rules: TrainingRules | None = None,
    county: str | None = None,
) -> Report:
    """Training compliance on ``as_of`` in ``cycle`` (default: the cycle containing ``as_of``),
    for the district, one county's schools (``county``, :mod:`workforce.reports.counties`) or
    one school (by code). With counties recorded and no county asked for, a by-county view."""
    rules = rules or training_rules()
    the_cycle = rules.cycle(cycle) if cycle else rules.cycle_on(as_of)
    only = school_by_code(session, school)
    every_school = frames.schools(session)
    in_county = county_schools(every_school, county)
    check_school_in_county(only, county)
    people = assessed_teachers(session, the_cycle.name, as_of, rules, only.id if only else None)
    if county is not None:
        people = people[people["school_id"].isin(in_county["id"])]
    # by county only for a report of several counties' schools: one school's (a clerk's) would
    # show its own figures under its county's name
    by_county = county is None and only is None and has_counties(every_school)
    if by_county:
        people["county"] = people["school_id"].map(
            dict(zip(every_school["id"], county_names(every_school), strict=True))
        )
    scope = default_scopes()["training_completion"]
    schools = people.drop_duplicates("school_id")
    group_of = {  # per school: its ownership and level decide
        school_id: scope.group(str(ownership), str(level))
        for school_id, ownership, level in zip(
            schools["school_id"], schools["ownership"], schools["level"], strict=True
        )
    }
    people["scope_group"] = people["school_id"].map(group_of)
    people = people[people["scope_group"].notna()]
    headline = people[people["scope_group"] == "headline"]

    views = [
        _district_view(people, narrowed_to="school" if only else "county" if county else None),
        _summary_view("training.schools", people, list(SCHOOL_COLUMNS), SCHOOL_COLUMNS),
        _summary_view("training.subjects", headline, ["main_subject"], ("main_subject",)),
        _summary_view("training.levels", people, ["level"], ("level",)),
        _summary_view(
            "training.school_types",
            people,
            ["scope_group", "ownership", "level"],
            ("scope_group", "ownership", "level"),
        ),
        _summary_view("training.zones", headline, ["zone"], ("zone",)),
        _teacher_view(people),
        _certificate_view(session, people, the_cycle.start, the_cycle.end, as_of),
    ]
    if by_county:  # each county's teachers, by scope group (they sum to the district view)
        views.append(
            _summary_view("training.counties", people, ["county", "scope_group"],
                          ("county", "scope_group"))
        )  # fmt: skip
    zh, en = REPORTS["training"]
    return Report(
        name="training",
        zh=zh,
        en=en,
        as_of=as_of,
        parameters={"cycle": the_cycle.name, "school": school, **county_parameter(county)},
        views=views,
        notes=[
            *_notes(rules, the_cycle.name),
            *undated_leavers_notes(
                session,
                [only.id] if only else None if county is None else in_county["id"].tolist(),
            ),
        ],
        scope=scoped_note(default_scopes().note("training_completion"), county, only),
        unit=school_unit(only),
    )


def assessed_teachers(
    session: Session,
    cycle_name: str,
    as_of: dt.date,
    rules: TrainingRules,
    school_id: int | None = None,
) -> pd.DataFrame:
    """One row per counted teacher with school fields, hours and the rule's assessment."""
    cycle = rules.cycle(cycle_name)
    wanted = ["id", "staff_no", "name", "school_id", "post_type", "first_employed_on",
              "joined_school_on", "main_subject"]  # fmt: skip
    last_day = min(as_of, cycle.end)
    teachers = (
        frames.teachers(session, rules.counted_statuses, columns=wanted)
        if school_id is None
        else frames.teachers_of_school_on(
            session, school_id, last_day, rules.counted_statuses, wanted
        )
    )
    # A teacher who left or retired since that day was in service on it and is counted (a few,
    # read apart).
    later = frames.former_in_service(session, last_day)
    if len(later):
        teachers = pd.concat([teachers, later[wanted]], ignore_index=True)
    # Employed by the as-of date and, for a cycle already over, by its last day: a teacher
    # first employed after the cycle is outside it (they owe nothing in it, and are not "done");
    # one whose first employment is not recorded, when they joined their school after it.
    teachers = teachers[frames.employed_by(teachers, last_day)]
    # Where each taught on that day: a move recorded (or applied by a plan) after it does not
    # take the teacher out of the school, or the county, of the day.
    teachers["school_id"] = frames.schools_on(session, teachers, last_day)
    if school_id is not None:
        teachers = teachers[teachers["school_id"] == school_id]
    schools = frames.schools(session).rename(
        columns={"id": "school_id", "code": "school_code", "name": "school_name"}
    )
    people = teachers.merge(
        schools[["school_id", "school_code", "school_name", "zone", "level", "ownership"]],
        on="school_id",
        how="left",
    )
    hours = frames.training_hours(session, cycle.start, min(as_of, cycle.end))
    people["hours"] = people["id"].map(hours).fillna(0.0).astype(float)
    # Teachers employed before the cycle owe the same, so (hours, start) repeats a lot: assess
    # each distinct pair once (a teacher employed by the cycle's start owes what one employed
    # on it does).
    first = np.maximum(_ordinals(people["first_employed_on"]), cycle.start.toordinal())
    which = (
        pd.DataFrame({"hours": people["hours"].to_numpy(), "first": first})
        .groupby(["hours", "first"], sort=False)
        .ngroup()
        .to_numpy()
    )
    _, sample = np.unique(which, return_index=True)
    distinct: list[Assessment] = [
        assess(hours, first_on, cycle, as_of, rules)
        for hours, first_on in zip(
            people["hours"].to_numpy()[sample].tolist(),
            people["first_employed_on"].to_numpy()[sample].tolist(),
            strict=True,
        )
    ]
    for field in ("required", "remaining", "years_left", "standard_pace", "needed_pace", "status"):
        values = [getattr(r, field) for r in distinct]
        column = np.array(values, dtype=object if field == "status" else float)
        people[field] = column[which] if len(distinct) else column
    return people.iloc[_by_school_and_staff_no(people)].reset_index(drop=True)


def _ordinals(days: pd.Series) -> np.ndarray:
    """Each date's ordinal, 0 for an unknown date (read as "before any cycle"); converted once
    per distinct date."""
    done = {d: d.toordinal() if d is not None else 0 for d in set(days)}
    return np.fromiter(map(done.__getitem__, days), dtype=np.int64, count=len(days))


def _by_school_and_staff_no(people: pd.DataFrame) -> np.ndarray:
    """Positions that order ``people`` by school code, then staff number — what a stable sort
    on the two text columns gives (teachers without a school last), on integer keys: the
    staff numbers sorted once, then the schools' ranks (a tenth of a second less over
    158,000 teachers)."""
    by_staff = np.argsort(people["staff_no"].to_numpy(dtype=object), kind="stable")
    rank, _ = pd.factorize(people["school_code"], sort=True)
    rank = np.where(rank < 0, len(people), rank)[by_staff]
    return by_staff[np.argsort(rank, kind="stable")]


def status_summary(people: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Teachers, counts by status and completion rate for each group of ``by`` (groups
    sorted by ``by``; rows whose ``by`` values are missing left out)."""
    if not len(people):
        counts = pd.DataFrame(columns=[*by, *STATUSES]).set_index(by)
    else:  # one 0/1 column per status, summed per group: the status column is not grouped on
        status = people["status"].to_numpy(dtype=object)
        flags = pd.DataFrame(
            np.column_stack([status == s for s in STATUSES]).astype(np.int64),
            columns=list(STATUSES),
            index=people.index,
        )
        counts = flags.groupby([people[column] for column in by], sort=True).sum()
    counts["teachers"] = counts[list(STATUSES)].sum(axis=1)
    counts["completion_rate"] = (counts["done"] / counts["teachers"]).where(counts["teachers"] > 0)
    return counts.reset_index()


def school_summary(people: pd.DataFrame) -> pd.DataFrame:
    """:func:`status_summary` by school (:data:`SCHOOL_COLUMNS`, in school-code order), grouped
    on the school id rather than on four text columns."""
    table = status_summary(people, ["school_id"])
    named = people.drop_duplicates("school_id")[["school_id", *SCHOOL_COLUMNS]]
    table = table.merge(named, on="school_id", how="inner").dropna(subset=list(SCHOOL_COLUMNS))
    return table.sort_values(list(SCHOOL_COLUMNS), kind="stable").reset_index(drop=True)


GROUPS = ("headline", "kindergarten", "private")


def _district_view(people: pd.DataFrame, *, narrowed_to: str | None = None) -> View:
    """The headline (the scope's 中小学 teachers) first, then each group the scope shows
    separately (kindergarten, private schools) on its own row when it has teachers."""
    table = status_summary(people, ["scope_group"]).set_index("scope_group")
    rows = []
    for group in GROUPS:
        if group in table.index:  # a row of the table is all floats (the rate): counts back to int
            counts = {k: int(table.at[group, k]) for k in ("teachers", *STATUSES)}
            rows.append({"scope_group": group, **counts,
                         "completion_rate": table.at[group, "completion_rate"]})  # fmt: skip
        elif group == "headline":
            rows.append({"scope_group": group, "teachers": 0, **dict.fromkeys(STATUSES, 0),
                         "completion_rate": None})  # fmt: skip
    frame = pd.DataFrame(rows, columns=["scope_group", *SUMMARY])
    # one school's (a clerk's) or one county's report: its first sheet is not 全区汇总
    zh, en = view_title({"school": "training.school_total", "county": "training.county_total"}
                        .get(narrowed_to or "", "training.district"))  # fmt: skip
    return View(
        key="training.district",
        zh=zh,
        en=en,
        columns=columns("scope_group", *SUMMARY),
        rows=frames.records(frame, ("scope_group", *SUMMARY)),
    )


def _summary_view(key: str, people: pd.DataFrame, by: list[str], shown: tuple[str, ...]) -> View:
    table = school_summary(people) if by == list(SCHOOL_COLUMNS) else status_summary(people, by)
    zh, en = view_title(key)
    return View(
        key=key,
        zh=zh,
        en=en,
        columns=columns(*shown, *SUMMARY),
        rows=frames.records(table, (*shown, *SUMMARY)),
    )


def _teacher_view(people: pd.DataFrame) -> View:
    zh, en = view_title("training.teachers")
    return View(
        key="training.teachers",
        zh=zh,
        en=en,
        columns=columns(*TEACHER_VIEW),
        rows=frames.records(people, TEACHER_VIEW),
    )


HOLDER = ("id", "staff_no", "name", "school_code", "school_name", "hours", "required",
          "remaining", "status")  # fmt: skip
"""What the certificate view shows of a certificate's holder."""


def _certificate_view(
    session: Session, people: pd.DataFrame, start: dt.date, end: dt.date, as_of: dt.date
) -> View:
    certs = frames.certificates_expiring(
        session, start, end, columns=("teacher_id", "level", "number", "valid_until")
    )
    short = people.loc[people["status"] != "done", list(HOLDER)]
    short["rank"] = short.index  # people come sorted by school code and staff number
    at_risk = certs.merge(short, left_on="teacher_id", right_on="id", how="inner")
    at_risk = at_risk.rename(columns={"number": "certificate_no", "level": "certificate_level"})
    expiry = np.fromiter(
        (d.toordinal() for d in at_risk["valid_until"]), dtype=np.int64, count=len(at_risk)
    )
    at_risk["days_to_expiry"] = expiry - as_of.toordinal()
    # by expiry, then school code and staff number, then as read (a stable sort on integers)
    at_risk = at_risk.iloc[np.lexsort((np.arange(len(at_risk)), at_risk["rank"], expiry))]
    keys = (
        "staff_no",
        "name",
        "school_code",
        "school_name",
        "certificate_no",
        "certificate_level",
        "valid_until",
        "days_to_expiry",
        "hours",
        "required",
        "remaining",
        "status",
    )
    zh, en = view_title("training.certificates")
    return View(
        key="training.certificates",
        zh=zh,
        en=en,
        columns=columns(*keys),
        rows=frames.records(at_risk, keys),
    )


def _notes(rules: TrainingRules, cycle: str) -> list[Note]:
    the_cycle = rules.cycle(cycle)
    source = rules.sources
    notes = [
        Note(
            zh=f"培训周期 {the_cycle.name}（{the_cycle.start}至{the_cycle.end}），每周期应修"
            f"{rules.hours_per_cycle:g}学时；依据：{source['hours_per_cycle'].document}",
            en=f"Cycle {the_cycle.name} ({the_cycle.start} to {the_cycle.end}): "
            f"{rules.hours_per_cycle:g} class hours per cycle; source: "
            f"{source['hours_per_cycle'].document}",
        ),
        Note(
            zh=f"新教师试用期应修{rules.probation_hours:g}学时；周期中途入职者按在本周期内的"
            f"天数折算（试用期按试用期标准、其后按周期标准），向上取整；参加工作时间缺失者按"
            f"全周期计。依据：{source['probation_hours'].document}",
            en=f"New teachers owe {rules.probation_hours:g} hours in the probation year; a "
            "mid-cycle joiner owes a pro-rata share by days inside the cycle (probation rate, "
            "then cycle rate), rounded up; a missing first-employment date counts as the "
            "full cycle.",
        ),
        Note(
            zh="所需年进度 = 尚缺学时 ÷ 周期剩余年数（至少按"
            f"{rules.min_remaining_years:g}年计）；与本人标准年进度之比 ≤"
            f"{rules.on_track_max_ratio:g} 为进度正常，≤{rules.at_risk_max_ratio:g} 为有风险，"
            f"≤{rules.max_credible_ratio:g} 为滞后，更高或周期已结束仍未完成为周期内无法完成。"
            "（本系统约定，可在实例目录的 rules/training.yaml 中按本地调整）",
            en="Needed pace = hours remaining ÷ years left in the cycle (at least "
            f"{rules.min_remaining_years:g}); as a multiple of the teacher's own even pace: "
            f"≤ {rules.on_track_max_ratio:g} on track, ≤ {rules.at_risk_max_ratio:g} at risk, "
            f"≤ {rules.max_credible_ratio:g} behind, above that (or the cycle over and short) "
            "cannot finish. A convention of this system, set locally in the home's rules/training.yaml.",
        ),
        Note(
            zh="完成率 = 已完成人数 ÷ 统计人数（在岗、借调教师及统计日后离职、退休者，统计日已参加工作；"
            "周期已结束时按周期末日）。优质均衡评估"
            "要求360学时培训完成率100%（教督〔2017〕6号）。",
            en="Completion rate = teachers done ÷ teachers counted (active or seconded, or "
            "left or retired after the date; employed on the as-of date, or the cycle's last day once it "
            "is over). The county evaluation asks for 100% (教督〔2017〕6号).",
        ),
        Note(
            zh="资格注册风险：资格证注册有效期在本周期内（含已过期）且学时未完成者；完成学时是"
            "定期注册的条件（《中小学教师资格定期注册暂行办法》）。",
            en="Re-registration at risk: the certificate's registration ends within the cycle "
            "(or has ended) and the holder's hours are not done; the hours are a condition "
            "of re-registration.",
        ),
    ]
    return notes
