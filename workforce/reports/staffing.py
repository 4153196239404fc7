"""Subject staffing (学科师资配置): need, in post and shortage or surplus per school and subject,
PE + arts teachers per 100 pupils, full-time psychology teachers, resource teachers, the
temporary-teacher share and teachers teaching outside their certified subject.

Need, in post, shortage and surplus are exactly :func:`workforce.rules.demand.demand_by_school`
(one definition shared with the optimizer), over the teachers in post on the as-of date
(:func:`teachers_in_post_on`: active, or left or retired after it, employed by then, at the
school they taught at that day); so are the psychology thresholds (the plan's two
versions, the one applied named by ``data/norms/staffing.yaml``) and the resource-teacher
threshold. Indicators of this report (``data/targets/staffing.yaml``):

* PE + arts per 100 pupils = in post of pe + music + art × 100 ÷ pupils, ≥ 0.9 at primary,
  junior and nine-year schools (教督〔2017〕6号; a school exactly at 0.9 meets it);
* psychology: a school with pupils ≥ the applied threshold (threshold included) needs a
  full-time psychology teacher (main subject psychology, in post ≥ 1); others a part-time one;
* resource teacher: a regular school with disabled pupils ≥ the threshold (5, included) needs a
  teacher whose main subject is special_ed;
* temporary share = 临聘 teachers ÷ all teachers in post (on the as-of date) at the school;
* out of field = a teacher in post whose main subject is not the subject of any of their
  teaching certificates (a teacher with no certificate is out of field too).

Pupils, classes and disabled pupils, and the certificates, are the registry's present ones (it
keeps no history of them).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session

from workforce.bulkwork import cyclic_gc_paused
from workforce.codes import code_list
from workforce.config import DATA_DIR, read_yaml
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
from workforce.reports.messages import REPORTS, columns, view_title
from workforce.reports.result import Note, Report, View
from workforce.reports.scope import ReportError, default_scopes, school_by_code
from workforce.rules.demand import (
    DemandError,
    DemandNorms,
    InPostTeacher,
    default_norms,
    demand_by_school,
)

STAFFING_TARGETS = DATA_DIR / "targets" / "staffing.yaml"


class FocusSubjects(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: tuple[str, ...]
    source: str


class PerPupilSubjects(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    subjects: tuple[str, ...]
    threshold: float
    source: str
    """The school levels evaluated are the indicator's scope (``data/reports/scopes.yaml``:
    ``pe_arts_per_100_pupils``), the one place they are set."""


class StaffingTargets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    focus_subjects: FocusSubjects
    pe_arts_per_100_pupils: PerPupilSubjects


def load_staffing_targets(path: Path | None = None) -> StaffingTargets:
    path = path or STAFFING_TARGETS
    try:
        return StaffingTargets(**read_yaml(path))
    except (ValidationError, TypeError, yaml.YAMLError) as exc:
        raise ReportError.of("bad_targets", path=str(path), detail=str(exc)) from None


@lru_cache
def default_staffing_targets() -> StaffingTargets:
    return load_staffing_targets()


@cyclic_gc_paused()
def staffing_report(
    session: Session,
    *,
    as_of: dt.date,
    school: str | None = None,
    norms: DemandNorms | None = None,
    targets: StaffingTargets | None = None,
    county: str | None = None,
) -> Report:
    """Staffing of every active school, one county's (``county``) or one school on ``as_of``;
    with counties recorded and no county asked for, the subject totals of each county."""
    norms = norms or default_norms()
    targets = targets or default_staffing_targets()
    only = school_by_code(session, school)
    every_school = frames.schools(session)
    schools = county_schools(every_school, county).rename(
        columns={"code": "school_code", "name": "school_name"}
    )
    check_school_in_county(only, county)
    # Only the schools reported on: one county's (or one school's) report is not held up by
    # another county's school whose class counts are missing.
    wanted = [only.id] if only is not None else schools["id"].tolist()
    teachers = teachers_in_post_on(session, as_of, only.id if only else None)
    try:
        demand = demand_by_school(
            session, as_of, norms, school_ids=None if county is None and only is None else wanted,
            in_post_teachers=[
                InPostTeacher(*row) for row in zip(
                    teachers["id"].tolist(), teachers["school_id"].tolist(),
                    teachers["main_subject"].tolist(), teachers["post_type"].tolist(),
                    strict=True,
                )
            ],
        )  # fmt: skip
    except DemandError as exc:
        raise ReportError(exc.zh, exc.en) from None
    schools = schools[schools["id"].isin(list(demand))]
    if only is not None:
        schools = schools[schools["id"] == only.id]
    subjects = _subject_table(demand, schools)
    certified = _certificate_subjects(session)
    views = [
        _view(
            "staffing.subjects",
            subjects,
            (
                "school_code",
                "school_name",
                "zone",
                "level",
                "subject",
                "need",
                "in_post",
                "shortage",
                "surplus",
                "shortage_slots",
            ),
        ),
        _view(
            "staffing.subject_totals",
            _subject_totals(subjects, targets),
            ("subject", "focus", "need", "in_post", "shortage", "surplus", "schools_short"),
        ),
        _view(
            "staffing.pe_arts",
            _pe_arts(subjects, schools, targets),
            (
                "school_code",
                "school_name",
                "zone",
                "level",
                "pupils",
                "pe_arts_teachers",
                "per_100_pupils",
                "threshold",
                "meets",
            ),
        ),
        _view(
            "staffing.psychology",
            _psychology(subjects, schools, norms),
            (
                "school_code",
                "school_name",
                "level",
                "pupils",
                "threshold",
                "full_time_required",
                "psychology_teachers",
                "meets",
            ),
        ),
        _view(
            "staffing.resource",
            _resource(subjects, schools, norms),
            (
                "school_code",
                "school_name",
                "level",
                "disabled_pupils",
                "resource_required",
                "resource_teachers",
                "meets",
            ),
        ),
        _view(
            "staffing.schools",
            _school_people(teachers, schools, certified),
            (
                "school_code",
                "school_name",
                "zone",
                "level",
                "teachers",
                "temporary",
                "temporary_share",
                "out_of_field",
                "out_of_field_share",
            ),
        ),
        _view(
            "staffing.out_of_field",
            _out_of_field(teachers, schools, certified),
            (
                "staff_no",
                "name",
                "school_code",
                "school_name",
                "main_subject",
                "post_type",
                "certificate_subjects",
            ),
        ),
    ]
    if county is None and only is None and has_counties(every_school):  # not for one school
        views.append(
            _view(
                "staffing.counties",
                _county_totals(subjects, every_school, targets),
                (
                    "county",
                    "subject",
                    "focus",
                    "need",
                    "in_post",
                    "shortage",
                    "surplus",
                    "schools_short",
                ),
            )  # fmt: skip
        )
    zh, en = REPORTS["staffing"]
    return Report(
        name="staffing",
        zh=zh,
        en=en,
        as_of=as_of,
        parameters={"school": school, **county_parameter(county)},
        views=views,
        notes=_notes(norms, targets),
        scope=scoped_note(
            default_scopes().note(
                "subject_staffing", "pe_arts_per_100_pupils", "psychology_teachers"
            ),
            county,
            only,
        ),
        unit=school_unit(only),
    )


IN_POST_COLUMNS = ("id", "staff_no", "name", "school_id", "post_type", "main_subject",
                   "first_employed_on", "joined_school_on")  # fmt: skip


def teachers_in_post_on(session: Session, day: dt.date, school_id: int | None = None
                        ) -> pd.DataFrame:
    """The teachers in post on ``day`` (:data:`IN_POST_COLUMNS`), each at the school they
    taught at that day (:func:`frames.schools_on`); of one school when ``school_id`` is given.
    In post: active now and employed by ``day`` (:func:`frames.employed_by`), or left or
    retired after it (:func:`frames.former_in_service`) — a report dated in the past counts
    who was there, not today's staff. One on secondment today was away, as today."""
    names = list(IN_POST_COLUMNS)
    teachers = (
        frames.teachers(session, ("active",), columns=names)
        if school_id is None
        else frames.teachers_of_school_on(session, school_id, day, ("active",), names)
    )
    teachers = teachers[frames.employed_by(teachers, day)]
    later = frames.former_in_service(session, day)
    if len(later):
        teachers = pd.concat([teachers, later[names]], ignore_index=True)
    teachers = teachers.reset_index(drop=True)
    teachers["school_id"] = frames.schools_on(session, teachers, day)
    if school_id is not None:
        teachers = teachers[teachers["school_id"] == school_id].reset_index(drop=True)
    return teachers


def _view(key: str, table: pd.DataFrame, keys: tuple[str, ...]) -> View:
    zh, en = view_title(key)
    return View(key=key, zh=zh, en=en, columns=columns(*keys), rows=frames.records(table, keys))


def _subject_table(demand: dict, schools: pd.DataFrame) -> pd.DataFrame:  # type: ignore[type-arg]
    rows = [
        {
            "id": school_id,
            "subject": s.subject,
            "need": s.need,
            "in_post": s.in_post,
            "shortage": s.shortage,
            "surplus": s.surplus,
            "shortage_slots": s.shortage_slots,
        }
        for school_id, school in demand.items()
        for s in school.subjects.values()
    ]
    table = pd.DataFrame(
        rows, columns=["id", "subject", "need", "in_post", "shortage", "surplus", "shortage_slots"]
    )
    table = schools[
        ["id", "school_code", "school_name", "zone", "level", "pupils", "disabled_pupils"]
    ].merge(table, on="id")
    return table.sort_values(["school_code", "subject"], kind="stable")


def _subject_totals(subjects: pd.DataFrame, targets: StaffingTargets) -> pd.DataFrame:
    totals = (
        subjects.assign(short=subjects["shortage_slots"] > 0)
        .groupby("subject")
        .agg(
            need=("need", "sum"),
            in_post=("in_post", "sum"),
            shortage=("shortage", "sum"),
            surplus=("surplus", "sum"),
            schools_short=("short", "sum"),
        )
        .reset_index()
    )
    totals["focus"] = totals["subject"].isin(targets.focus_subjects.value)
    for column in ("need", "shortage", "surplus"):
        totals[column] = totals[column].round(2)
    return totals.sort_values(["focus", "shortage"], ascending=[False, False], kind="stable")


def _county_totals(
    subjects: pd.DataFrame, schools: pd.DataFrame, targets: StaffingTargets
) -> pd.DataFrame:
    """:func:`_subject_totals` of each county's schools, county by county (they sum to the
    district's subject totals)."""
    county_of = dict(zip(schools["id"], county_names(schools), strict=True))
    counties = subjects["id"].map(county_of)
    parts = [
        _subject_totals(subjects[counties == name], targets).assign(county=name)
        for name in sorted(set(counties))
    ]
    if not parts:
        return pd.DataFrame(columns=["county", "subject", "focus", "need", "in_post",
                                     "shortage", "surplus", "schools_short"])  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _in_post(subjects: pd.DataFrame, wanted: tuple[str, ...]) -> pd.Series:
    return subjects[subjects["subject"].isin(wanted)].groupby("id")["in_post"].sum()


def _pe_arts(
    subjects: pd.DataFrame, schools: pd.DataFrame, targets: StaffingTargets
) -> pd.DataFrame:
    rule = targets.pe_arts_per_100_pupils
    levels = default_scopes()["pe_arts_per_100_pupils"].levels
    table = schools[schools["level"].isin(levels)].copy()
    table["pe_arts_teachers"] = table["id"].map(_in_post(subjects, rule.subjects)).fillna(0)
    table["pe_arts_teachers"] = table["pe_arts_teachers"].astype(int)
    table["per_100_pupils"] = (100 * table["pe_arts_teachers"] / table["pupils"]).where(
        table["pupils"] > 0
    )
    table["threshold"] = rule.threshold
    # round before comparing: 9 teachers for 1000 pupils is 0.9 exactly, not 0.8999…
    table["meets"] = (table["per_100_pupils"].round(9) >= rule.threshold).where(
        table["per_100_pupils"].notna()
    )
    return table.sort_values("school_code")


def _psychology(subjects: pd.DataFrame, schools: pd.DataFrame, norms: DemandNorms) -> pd.DataFrame:
    """The schools of the ``psychology_teachers`` scope (``data/reports/scopes.yaml``, which the
    notes quote), each against the threshold of its kind (the demand norms)."""
    levels = set(default_scopes()["psychology_teachers"].levels) & set(norms.psychology_school_kind)
    table = schools[schools["level"].isin(list(levels))].copy()
    table["threshold"] = [
        norms.psychology_thresholds[norms.psychology_school_kind[level]] for level in table["level"]
    ]
    table["full_time_required"] = table["pupils"] >= table["threshold"]
    table["psychology_teachers"] = table["id"].map(_in_post(subjects, ("psychology",))).fillna(0)
    table["psychology_teachers"] = table["psychology_teachers"].astype(int)
    table["meets"] = (table["psychology_teachers"] >= 1).where(table["full_time_required"])
    return table.sort_values("school_code")


def _resource(subjects: pd.DataFrame, schools: pd.DataFrame, norms: DemandNorms) -> pd.DataFrame:
    regular = ~schools["level"].isin(["special", "kindergarten"])
    table = schools[regular & (schools["disabled_pupils"] > 0)].copy()
    table["resource_required"] = table["disabled_pupils"] >= norms.resource_teacher_min_disabled
    table["resource_teachers"] = table["id"].map(_in_post(subjects, ("special_ed",))).fillna(0)
    table["resource_teachers"] = table["resource_teachers"].astype(int)
    table["meets"] = (table["resource_teachers"] >= 1).where(table["resource_required"])
    return table.sort_values("school_code")


def _certificate_subjects(session: Session) -> pd.DataFrame:
    """Distinct (teacher_id, subject) pairs of the teaching certificates."""
    return frames.certificates(session)[["teacher_id", "subject"]].drop_duplicates()


def _out_of_field_mask(teachers: pd.DataFrame, certified: pd.DataFrame) -> pd.Series:
    """True where the teacher holds no certificate in their main subject (a join, not a loop)."""
    matched = teachers[["id", "main_subject"]].merge(
        certified, left_on=["id", "main_subject"], right_on=["teacher_id", "subject"], how="left"
    )
    return pd.Series(matched["teacher_id"].isna().to_numpy(), index=teachers.index)


def _school_people(
    teachers: pd.DataFrame, schools: pd.DataFrame, certified: pd.DataFrame
) -> pd.DataFrame:
    people = teachers.assign(
        temporary=teachers["post_type"] == "temporary",
        out_of_field=_out_of_field_mask(teachers, certified),
    )
    counts = people.groupby("school_id").agg(
        teachers=("id", "size"),
        temporary=("temporary", "sum"),
        out_of_field=("out_of_field", "sum"),
    )
    table = schools.merge(counts, left_on="id", right_index=True, how="left")
    for column in ("teachers", "temporary", "out_of_field"):
        table[column] = table[column].fillna(0).astype(int)
    table["temporary_share"] = (table["temporary"] / table["teachers"]).where(table["teachers"] > 0)
    table["out_of_field_share"] = (table["out_of_field"] / table["teachers"]).where(
        table["teachers"] > 0
    )
    return table.sort_values("school_code")


def _out_of_field(
    teachers: pd.DataFrame, schools: pd.DataFrame, certified: pd.DataFrame
) -> pd.DataFrame:
    outside = teachers[_out_of_field_mask(teachers, certified)].copy()
    held = certified[certified["teacher_id"].isin(set(outside["id"]))]
    listed = held.sort_values("subject").groupby("teacher_id")["subject"].agg("、".join).to_dict()
    outside["certificate_subjects"] = [listed.get(i, "") for i in outside["id"]]
    outside = outside.merge(
        schools[["id", "school_code", "school_name"]],
        left_on="school_id",
        right_on="id",
        suffixes=("", "_school"),
    )
    return outside.sort_values(["school_code", "staff_no"], kind="stable")


SCHOOL_KINDS = {"primary": ("小学", "primary"), "secondary": ("中学", "secondary")}
"""The psychology thresholds' school kinds (data/norms/staffing.yaml) in words."""


def _notes(norms: DemandNorms, targets: StaffingTargets) -> list[Note]:
    rule = targets.pe_arts_per_100_pupils
    thresholds = norms.psychology_thresholds.items()
    applied = ", ".join(f"{kind} ≥ {n}" for kind, n in thresholds)
    applied_zh = "、".join(
        f"{SCHOOL_KINDS.get(kind, (kind,))[0]}{n}人" for kind, n in thresholds
    )
    subjects = code_list("subjects")
    focus_zh = "、".join(subjects.label(s, "zh") for s in targets.focus_subjects.value)
    focus_en = ", ".join(subjects.label(s, "en") for s in targets.focus_subjects.value)
    return [
        Note(
            zh="需求、在岗、缺编与超编均按学科需求规则计算（按课时标准、周课时与教师标准工作量"
            "计算；在岗 = 统计日在岗、以该学科为主教学科的教师：公办学校计在编、临聘，民办学校计其自有"
            "教师（登记为“其他”），见本表的统计范围），单位为专任教师数（折合人数，可有小数）。",
            en="Need, in post, shortage and surplus come from workforce.rules.demand (periods ÷ "
            "standard load; in post = established + temporary teachers in post on the as-of date "
            "with that main subject), in full-time teachers.",
        ),
        Note(
            zh="统计日期决定所用课时标准（如每天一节体育课的起始日期）与在岗教师：统计日已参加工作、"
            "现为在岗或统计日后离职、退休者，按统计日所在学校计；学生数、班级数、残疾学生数与教师资格证"
            "为登记册现有数据，统计日期在过去时不回溯。",
            en="The as-of date picks the curriculum norms in force (e.g. the start of daily PE) "
            "and the teachers in post: employed by then, active now or left or retired after it, "
            "at the school they taught at that day; pupils, classes, disabled pupils and "
            "certificates are the registry's present figures, not rolled back to a past date.",
        ),
        Note(
            zh=f"重点学科（结构性缺编）：{focus_zh}；{targets.focus_subjects.source}",
            en=f"Focus subjects: {focus_en} (plan annex 2, 二.3).",
        ),
        Note(
            zh=f"每百名学生体育、艺术专任教师数 ≥ {rule.threshold:g}（含本数）；{rule.source}",
            en=f"PE + arts teachers per 100 pupils ≥ {rule.threshold:g} (included), "
            "教督〔2017〕6号.",
        ),
        Note(
            zh=f"心理健康专职教师门槛（采用编制标准设置中选定的版本）：{applied_zh}"
            "（学生数达到门槛含本数）。规划第三章为小学1000人、中学1200人，附件2为中学1000人、"
            "小学1200人。",
            en=f"Full-time psychology teacher thresholds applied (the version the staffing norms "
            f"select): "
            f"{applied} pupils (threshold included). The plan's ch.3 says primary 1000 / "
            "secondary 1200; annex 2 swaps them.",
        ),
        Note(
            zh=f"资源教师：普通学校随班就读残疾学生 ≥ {norms.resource_teacher_min_disabled} 人"
            "须配专职资源教师（主教学科为特殊教育的教师计入）；规划第三章第八节。",
            en=f"Resource teacher: a regular school with ≥ {norms.resource_teacher_min_disabled} "
            "disabled pupils needs one (a teacher whose main subject is special_ed counts); "
            "plan ch.3 §8.",
        ),
        Note(
            zh="跨学科任教：主教学科不在本人任何教师资格证的学科之内（无证者亦计入）。临聘占比 = "
            "临聘教师 ÷ 统计日在岗教师。",
            en="Out of field: main subject not among the subjects of the teacher's certificates "
            "(no certificate counts too). Temporary share = 临聘 ÷ teachers in post on the date.",
        ),
    ]
