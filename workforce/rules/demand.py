"""Subject demand (学科需求): how many full-time teachers of each subject a school needs, and
how many it has — one definition for the optimizer's instance builder and the staffing reports.

For a primary or secondary school and a subject (domain.md §4)::

    need = Σ over the school's grades of classes × weekly periods of the subject in that grade
           ÷ the standard weekly load of one teacher of that subject in the grade's band

(bands: grades 1–6 primary, 7–9 junior, 10–12 senior). From the reference date of Guangdong's
daily PE lesson (autumn 2026) PE has 5 periods a week in every grade it covers. Per-school parts:

- psychology: 1.0 when the school has at least the threshold number of pupils (the plan gives
  two contradictory pairs of thresholds; ``data/norms/staffing.yaml`` says which one is used),
  else a part-time share (0.5);
- special education: 1.0 resource teacher at a regular school with ≥ 5 disabled pupils; a
  special school needs 2.5 special-education teachers per class;
- kindergartens need 2 ``preschool`` teachers per class (carers are not teachers).

In post = established + temporary teachers whose main subject it is, active, at the school —
except that a teacher on a secondment whose planned end is before the reference date and whose
actual end is not yet recorded is counted at the school they return to (``from_school``).
``established`` is the 在编 part of it: the staffing minimum the rotation keeps is counted in
established teachers only (temporary staff are not rotated and their contracts are not posts),
so the optimizer's instance takes its ``in_post`` from it.

A complete secondary school (完全中学, grades 7–12) has a junior and a senior section: a teacher
without a senior-secondary certificate (高级中学 or an equivalent: 中职, 高校) can teach only the
junior section, so they count only towards the junior section's need. The shortage is the senior
section's (need − senior-certified teachers) plus the junior section's (need − the others − the
senior-certified beyond the senior need); a junior teacher beyond the junior need does not hide a
senior shortage. Such a subject also carries the senior section's own figures
(:class:`SeniorSectionDemand`: its need, its senior-certified teachers, the slots only they can
fill, the fewest of them to keep), which the optimizer's instance takes so that a rotation
keeps to the same reading (``optimizer.instance.SeniorSection``).

From need and in post (with a tolerance, 0.25 FTE by default, for periods that colleagues or a
teacher shared between schools (走教) can absorb):

- ``shortage`` / ``surplus`` = the positive part of need − in post / in post − need (FTE);
- ``shortage_slots`` = max(0, ⌈need − in post − tolerance⌉): posts worth filling;
- ``min_keep`` = max(0, ⌈need − tolerance⌉): the fewest teachers of the subject the school
  must keep (a sending school may not drop below it);
- ``spare`` = max(0, in post − min_keep): teachers who could leave without creating a shortage.

Norms are data (``data/norms/*.yaml``, each value with its source); :func:`load_norms` reads them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.orm import Session

from workforce.config import DATA_DIR, read_yaml
from workforce.models import Certificate, RotationRecord, School, Teacher

NORMS_DIR = DATA_DIR / "norms"
COUNTED_POST_TYPES = ("established", "temporary")
"""Post types counted in post at a public school: 在编 and 临聘. Which post types count, by
ownership, is the ``subject_staffing`` scope of ``data/reports/scopes.yaml`` (a private school's
own teachers, post type 其他, count there)."""
SENIOR_CERTIFICATE_LEVELS = ("senior", "vocational", "vocational_practice", "higher")
"""Certificates valid for senior-secondary teaching (高级中学, and per domain.md §5 the vocational
and higher-education ones)."""


class DemandError(ValueError):
    """School data the rule cannot work with; ``zh`` and ``en`` say what and where."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class DemandNorms:
    """The norms of the rule, as loaded from ``data/norms/``."""

    periods: Mapping[str, tuple[int, ...]]
    """subject → weekly periods per class in grades 1–12."""
    daily_pe_periods: int
    daily_pe_from: dt.date
    daily_pe_grades: frozenset[int]
    loads: Mapping[str, Mapping[str, int]]
    """band (primary / junior / senior) → subject → periods a full-time teacher teaches."""
    grades_by_level: Mapping[str, tuple[int, ...]]
    pupils_per_staff: Mapping[str, float]
    kindergarten_teachers_per_class: float
    kindergarten_carers_per_class: float
    special_teachers_per_class: float
    resource_teacher_min_disabled: int
    psychology_thresholds: Mapping[str, int]
    """primary / secondary → pupils from which a full-time psychology teacher is needed."""
    psychology_school_kind: Mapping[str, str]
    psychology_part_time_fte: float
    tolerance: float

    def weekly_periods(self, subject: str, grade: int, as_of: dt.date) -> int:
        """Periods a week of ``subject`` for one class of ``grade`` on the date ``as_of``."""
        if subject == "pe" and as_of >= self.daily_pe_from and grade in self.daily_pe_grades:
            return self.daily_pe_periods
        return self.periods[subject][grade - 1]


@dataclass(frozen=True)
class SeniorSectionDemand:
    """The senior section of a complete secondary school in one subject (FTE = full-time
    teachers): only senior-certified teachers teach there."""

    need: float
    in_post: int
    """Teachers counted in post who hold a senior-secondary certificate."""
    established: int
    """The 在编 ones among them."""
    shortage: float
    """need − in_post, at least 0."""
    shortage_slots: int
    """max(0, ⌈shortage − tolerance⌉): the subject's shortage slots that only a
    senior-certified teacher can fill."""
    min_keep: int
    """max(0, ⌈need − tolerance⌉): the fewest senior-certified teachers the section keeps."""


@dataclass(frozen=True)
class SubjectDemand:
    """Need and supply of one subject at one school (FTE = full-time teachers)."""

    subject: str
    need: float
    in_post: int
    shortage: float
    surplus: float
    shortage_slots: int
    min_keep: int
    spare: int
    established: int = 0
    """The 在编 teachers among ``in_post`` (the staffing minimum the rotation keeps)."""
    senior: SeniorSectionDemand | None = None
    """At a complete secondary school whose teachers' certificates were counted: its senior
    section's figures; None elsewhere."""


@dataclass(frozen=True)
class SchoolDemand:
    """All subjects of one school, as read from the registry."""

    school_id: int
    code: str
    level: str
    zone: str
    subjects: Mapping[str, SubjectDemand]


def band_of_grade(grade: int) -> str:
    """The load band of a school grade: 1–6 primary, 7–9 junior, 10–12 senior."""
    return "primary" if grade <= 6 else "junior" if grade <= 9 else "senior"


def _value(node: Mapping[str, Any], key: str) -> Any:
    return node[key]["value"]


def load_norms(directory: Path = NORMS_DIR) -> DemandNorms:
    """Read the norms from ``course_hours.yaml``, ``teaching_loads.yaml`` and ``staffing.yaml``."""

    def read(name: str) -> dict[str, Any]:
        path = directory / name
        try:
            return read_yaml(path)
        except (OSError, yaml.YAMLError) as exc:
            raise DemandError(
                f"无法读取编制标准文件 {path}：{exc}", f"cannot read {path}: {exc}"
            ) from exc

    hours, loads, staffing = (
        read("course_hours.yaml"),
        read("teaching_loads.yaml"),
        read("staffing.yaml"),
    )
    periods = {s: tuple(node["value"]) for s, node in hours["periods"].items()}
    for subject, row in periods.items():
        if len(row) != 12:
            raise DemandError(
                f"course_hours.yaml 中“{subject}”的课时应有12个年级，实有{len(row)}个",
                f"course_hours.yaml: {subject!r} must list 12 grades, not {len(row)}",
            )
    daily = hours["daily_pe"]
    psychology = staffing["psychology"]
    chosen = _value(psychology, "thresholds_from")
    thresholds = _value(psychology, "thresholds")
    if chosen not in thresholds:
        raise DemandError(
            f"staffing.yaml 中 psychology.thresholds_from 应为 {sorted(thresholds)} 之一，"
            f"实为“{chosen}”",
            f"staffing.yaml: psychology.thresholds_from must be one of {sorted(thresholds)}",
        )
    return DemandNorms(
        periods=periods,
        daily_pe_periods=_value(daily, "periods"),
        daily_pe_from=_value(daily, "from"),
        daily_pe_grades=frozenset(_value(daily, "grades")),
        loads={band: dict(node["value"]) for band, node in loads["loads"].items()},
        grades_by_level={
            level: tuple(range(first, last + 1))
            for level, (first, last) in staffing["grades_by_level"]["value"].items()
        },
        pupils_per_staff=dict(staffing["pupils_per_staff"]["value"]),
        kindergarten_teachers_per_class=_value(staffing["kindergarten"], "teachers_per_class"),
        kindergarten_carers_per_class=_value(staffing["kindergarten"], "carers_per_class"),
        special_teachers_per_class=_value(staffing["special_school"], "teachers_per_class"),
        resource_teacher_min_disabled=_value(staffing["resource_teacher"], "min_disabled_pupils"),
        psychology_thresholds=dict(thresholds[chosen]),
        psychology_school_kind=dict(_value(psychology, "school_kind")),
        psychology_part_time_fte=_value(psychology, "part_time_fte"),
        tolerance=staffing["tolerance"]["value"],
    )


@lru_cache
def default_norms() -> DemandNorms:
    """The norms in ``data/norms/`` (read once)."""
    return load_norms()


def _grades(level: str, classes_by_grade: Sequence[int], norms: DemandNorms) -> tuple[int, ...]:
    if level not in norms.grades_by_level:
        raise DemandError(f"未知的学校类型“{level}”", f"unknown school level {level!r}")
    grades = norms.grades_by_level[level]
    if not classes_by_grade:
        raise DemandError(
            f"未填写各年级班数（应填{len(grades)}个年级），无法按课时计算学科需求与编制；"
            "请在学校信息中补填“各年级班数”后再生成方案",
            f"the class counts of its {len(grades)} grades are missing, so subject demand and "
            "the post ceiling cannot be computed; fill in the school's classes by grade first",
        )
    if len(classes_by_grade) != len(grades):
        raise DemandError(
            f"{level} 学校应填写{len(grades)}个年级的班数，实为{len(classes_by_grade)}个",
            f"a {level} school has {len(grades)} grades; classes_by_grade has "
            f"{len(classes_by_grade)} entries",
        )
    if any(c < 0 for c in classes_by_grade):
        raise DemandError("班数不能为负数", "class counts cannot be negative")
    return grades


def subject_need(
    *,
    level: str,
    classes_by_grade: Sequence[int],
    pupils: int,
    disabled_pupils: int = 0,
    as_of: dt.date,
    norms: DemandNorms | None = None,
) -> dict[str, float]:
    """Full-time teachers needed per subject (only subjects with a positive need)."""
    norms = norms or default_norms()
    grades = _grades(level, classes_by_grade, norms)
    classes = sum(classes_by_grade)
    if level == "kindergarten":
        return {"preschool": classes * norms.kindergarten_teachers_per_class} if classes else {}
    need: dict[str, float] = defaultdict(float)
    if level == "special":
        if classes:
            need["special_ed"] = classes * norms.special_teachers_per_class
    else:
        for grade, count in zip(grades, classes_by_grade, strict=True):
            loads = norms.loads[band_of_grade(grade)]
            for subject in norms.periods:
                periods = norms.weekly_periods(subject, grade, as_of)
                if count and periods:
                    need[subject] += count * periods / loads[subject]
        if disabled_pupils >= norms.resource_teacher_min_disabled:
            need["special_ed"] += 1.0
    if pupils > 0:
        threshold = norms.psychology_thresholds[norms.psychology_school_kind[level]]
        need["psychology"] = 1.0 if pupils >= threshold else norms.psychology_part_time_fte
    return {subject: round(value, 4) for subject, value in need.items()}


def _ceil(value: float) -> int:
    """Ceiling that ignores floating-point dust (2.0000000001 → 2)."""
    return math.ceil(round(value, 6))


def compare(subject: str, need: float, in_post: int, tolerance: float,
            established: int | None = None, uncovered: float | None = None,
            senior: SeniorSectionDemand | None = None) -> SubjectDemand:
    """Shortage, surplus, slots and the minimum to keep for one subject (see module docs).

    ``uncovered``: the need the teachers in post cannot cover (FTE), when it is more than
    need − in post — at a complete secondary school, the senior section's need that
    junior-certified teachers cannot teach. ``established`` defaults to ``in_post``;
    ``senior`` is the senior section's figures, kept as given."""
    min_keep = max(0, _ceil(need - tolerance))
    short = max(0.0, need - in_post) if uncovered is None else max(0.0, uncovered)
    return SubjectDemand(
        subject=subject,
        need=need,
        in_post=in_post,
        shortage=round(short, 4),
        surplus=round(max(0.0, in_post - need), 4),
        shortage_slots=max(0, _ceil(short - tolerance)),
        min_keep=min_keep,
        spare=max(0, in_post - min_keep),
        established=in_post if established is None else established,
        senior=senior,
    )


def senior_section(need: float, in_post: int, established: int, tolerance: float
                   ) -> SeniorSectionDemand:
    """The senior section's figures of one subject: ``need`` (FTE) and its ``in_post``
    senior-certified teachers, ``established`` of them 在编, with the same tolerance as the
    subject's own slots and minimum."""
    short = max(0.0, need - in_post)
    return SeniorSectionDemand(
        need=need,
        in_post=in_post,
        established=established,
        shortage=round(short, 4),
        shortage_slots=max(0, _ceil(short - tolerance)),
        min_keep=max(0, _ceil(need - tolerance)),
    )


def section_shortage(junior_need: float, senior_need: float, junior_only: int,
                     senior_certified: int) -> float:
    """The need a complete secondary school's teachers cannot cover (FTE): senior-certified
    teachers cover the senior section first and the junior section with the rest;
    junior-certified teachers only the junior section."""
    senior_short = max(0.0, senior_need - senior_certified)
    spare_senior = max(0.0, senior_certified - senior_need)
    return senior_short + max(0.0, junior_need - junior_only - spare_senior)


def school_demand(
    *,
    level: str,
    classes_by_grade: Sequence[int],
    pupils: int,
    in_post: Mapping[str, int],
    as_of: dt.date,
    disabled_pupils: int = 0,
    norms: DemandNorms | None = None,
    established: Mapping[str, int] | None = None,
    senior_certified: Mapping[str, int] | None = None,
    senior_established: Mapping[str, int] | None = None,
) -> dict[str, SubjectDemand]:
    """Demand and supply of every subject that the school needs or has a teacher of.

    ``in_post`` maps a subject to the number of established + temporary teachers counted at the
    school (see the module docs for who is counted where); ``established`` to the 在编 ones among
    them (default: all); ``senior_certified`` to those with a senior-secondary certificate —
    used at a complete secondary school, where the others count only towards the junior
    section, and each subject gets its senior section's figures (default: all of them
    senior-certified, i.e. no split, no section figures); ``senior_established`` to the 在编
    ones among those (default: ``senior_certified``).
    """
    norms = norms or default_norms()
    need = subject_need(
        level=level,
        classes_by_grade=classes_by_grade,
        pupils=pupils,
        disabled_pupils=disabled_pupils,
        as_of=as_of,
        norms=norms,
    )
    subjects = sorted(set(need) | {s for s, n in in_post.items() if n})
    uncovered: dict[str, float] = {}
    sections: dict[str, SeniorSectionDemand] = {}
    if level == "complete_secondary" and senior_certified is not None:
        junior_grades = len(norms.grades_by_level["junior"])
        senior_need = subject_need(level="senior",
                                   classes_by_grade=classes_by_grade[junior_grades:],
                                   pupils=0, as_of=as_of, norms=norms)
        senior_in_post = senior_certified if senior_established is None else senior_established
        for s in subjects:
            senior = min(senior_certified.get(s, 0), in_post.get(s, 0))
            uncovered[s] = section_shortage(
                need.get(s, 0.0) - senior_need.get(s, 0.0), senior_need.get(s, 0.0),
                in_post.get(s, 0) - senior, senior)
            at_most = in_post.get(s, 0) if established is None else established.get(s, 0)
            sections[s] = senior_section(senior_need.get(s, 0.0), senior,
                                         min(senior_in_post.get(s, 0), senior, at_most),
                                         norms.tolerance)
    return {
        s: compare(s, need.get(s, 0.0), in_post.get(s, 0), norms.tolerance,
                   established=None if established is None else established.get(s, 0),
                   uncovered=uncovered.get(s), senior=sections.get(s))
        for s in subjects
    }


def staff_ceiling(
    *, level: str, classes_by_grade: Sequence[int], pupils: int, norms: DemandNorms | None = None
) -> int:
    """Established-post ceiling (核定编制) by the staff : pupil ratios.

    Pupils are shared between the bands in proportion to their classes; a kindergarten gets
    teachers and carers per class.
    """
    norms = norms or default_norms()
    grades = _grades(level, classes_by_grade, norms)
    classes = sum(classes_by_grade)
    if level == "kindergarten":
        per_class = norms.kindergarten_teachers_per_class + norms.kindergarten_carers_per_class
        return _ceil(classes * per_class)
    if not classes:
        return 0
    if level == "special":
        return _ceil(pupils / norms.pupils_per_staff["special"])
    staff = 0.0
    for grade, count in zip(grades, classes_by_grade, strict=True):
        staff += pupils * count / classes / norms.pupils_per_staff[band_of_grade(grade)]
    return _ceil(staff)


def _counted_post_types() -> Any:
    """SQL condition on Teacher: a post type counted in post at a school of its ownership
    (the ``subject_staffing`` scope of ``data/reports/scopes.yaml``)."""
    from workforce.reports.scope import default_scopes  # the scope file's one loader

    scope = default_scopes()["subject_staffing"]
    conditions = []
    for ownership, post_types in scope.post_types.items():
        at_school = Teacher.school_id.in_(select(School.id).where(School.ownership == ownership))
        if post_types == "all":
            conditions.append(at_school)
        else:
            conditions.append(and_(at_school, Teacher.post_type.in_(list(post_types))))
    return or_(*conditions)


class InPostTeacher(NamedTuple):
    """A teacher :func:`demand_by_school` counts in post when the caller gives them: at
    ``school_id`` (the school on the caller's date) with ``main_subject`` and ``post_type``."""

    id: int
    school_id: int
    main_subject: str
    post_type: str


def demand_by_school(
    db: Session | Connection,
    as_of: dt.date,
    norms: DemandNorms | None = None,
    school_ids: Collection[int] | None = None,
    in_post_teachers: Collection[InPostTeacher] | None = None,
) -> dict[int, SchoolDemand]:
    """Demand and supply of every active school in the registry, keyed by school id; with
    ``school_ids``, of those schools only (one county's rotation is not held up by another
    county's school whose class counts are missing).

    In post are the registry's active teachers at their current school (the optimizer's
    today); with ``in_post_teachers``, those teachers instead, each at the school given, by
    the same rule (:func:`_count_given`): a report dated in the past passes the teachers in
    post on its date, at the school of that date.

    Four queries whatever the size of the district: the schools, the teachers counted per
    school, subject and post type, those with a senior-secondary certificate (per post type
    too: the senior section's 在编 teachers), and the secondments ending before ``as_of`` that
    are not yet closed.
    """
    norms = norms or default_norms()
    counted = (Teacher.status == "active", _counted_post_types())
    senior = Teacher.id.in_(
        select(Certificate.teacher_id).where(Certificate.level.in_(SENIOR_CERTIFICATE_LEVELS))
    )
    in_post: dict[int, dict[str, int]] = defaultdict(dict)
    established: dict[int, dict[str, int]] = defaultdict(dict)
    senior_certified: dict[int, dict[str, int]] = defaultdict(dict)
    senior_established: dict[int, dict[str, int]] = defaultdict(dict)

    def count(school_id: int, subject: str, post_type: str, has_senior: bool, n: int) -> None:
        is_established = post_type == "established"
        for table, counts in ((in_post, True), (established, is_established),
                              (senior_certified, bool(has_senior)),
                              (senior_established, bool(has_senior) and is_established)):
            if counts:
                table[school_id][subject] = table[school_id].get(subject, 0) + n

    if in_post_teachers is not None:
        _count_given(db, in_post_teachers, as_of, count)
    else:
        rows = db.execute(
            select(Teacher.school_id, Teacher.main_subject, Teacher.post_type, func.count())
            .where(*counted)
            .group_by(Teacher.school_id, Teacher.main_subject, Teacher.post_type)
        )
        for school_id, subject, post_type, n in rows:
            count(school_id, subject, post_type, False, n)
        rows = db.execute(  # apart, so that no expression with parameters is grouped by
            select(Teacher.school_id, Teacher.main_subject, Teacher.post_type, func.count())
            .where(*counted, senior)
            .group_by(Teacher.school_id, Teacher.main_subject, Teacher.post_type)
        )
        for school_id, subject, post_type, n in rows:
            for table, counts in ((senior_certified, True),
                                  (senior_established, post_type == "established")):
                if counts:
                    table[school_id][subject] = table[school_id].get(subject, 0) + n
        returning = db.execute(
            select(
                RotationRecord.teacher_id,
                Teacher.school_id,
                Teacher.main_subject,
                RotationRecord.from_school_id,
                RotationRecord.start_on,
                Teacher.post_type,
                senior,
            )
            .join(Teacher, Teacher.id == RotationRecord.teacher_id)
            .where(
                *counted,
                RotationRecord.kind == "secondment",
                RotationRecord.planned_end_on < as_of,
                RotationRecord.actual_end_on.is_(None),
            )
            .order_by(RotationRecord.teacher_id, RotationRecord.start_on)
        )
        latest = {teacher_id: rest for teacher_id, *rest in returning}
        for school_id, subject, home_id, _start, post_type, has_senior in latest.values():
            if home_id != school_id:
                count(school_id, subject, post_type, has_senior, -1)
                count(home_id, subject, post_type, has_senior, 1)
    schools = db.execute(
        select(
            School.id,
            School.code,
            School.name,
            School.level,
            School.zone,
            School.classes_by_grade,
            School.pupils,
            School.disabled_pupils,
        ).where(
            School.active.is_(True),
            *(() if school_ids is None else (School.id.in_(list(school_ids)),)),
        )
    )
    result: dict[int, SchoolDemand] = {}
    for school_id, code, name, level, zone, classes, pupils, disabled in schools:
        try:
            subjects = school_demand(
                level=level,
                classes_by_grade=classes,
                pupils=pupils,
                disabled_pupils=disabled,
                in_post=in_post.get(school_id, {}),
                as_of=as_of,
                norms=norms,
                established=established.get(school_id, {}),
                senior_certified=senior_certified.get(school_id, {}),
                senior_established=senior_established.get(school_id, {}),
            )
        except DemandError as exc:
            raise DemandError(f"学校 {name}（{code}）：{exc.zh}",
                              f"school {name} ({code}): {exc.en}") from None
        result[school_id] = SchoolDemand(school_id, code, level, zone, subjects)
    return result


def _count_given(
    db: Session | Connection,
    teachers: Collection[InPostTeacher],
    as_of: dt.date,
    count: Callable[[int, str, str, bool, int], None],
) -> None:
    """Count ``teachers`` with :func:`demand_by_school`'s ``count`` as it counts the registry's
    own: only the post types counted at a school of its ownership (the ``subject_staffing``
    scope), each at their school — or, on a secondment whose planned end is before ``as_of``
    and whose actual end is not recorded, at the school they return to — with their
    senior-secondary certificate when they hold one. Three queries: the schools' ownership,
    the senior-certified teachers, the secondments to return from."""
    from workforce.reports.scope import default_scopes  # the scope file's one loader

    scope = default_scopes()["subject_staffing"]
    ownership = dict(db.execute(select(School.id, School.ownership)).all())
    senior = set(
        db.execute(
            select(Certificate.teacher_id)
            .where(Certificate.level.in_(SENIOR_CERTIFICATE_LEVELS))
            .distinct()
        ).scalars()
    )
    returning = db.execute(
        select(RotationRecord.teacher_id, RotationRecord.from_school_id)
        .where(
            RotationRecord.kind == "secondment",
            RotationRecord.planned_end_on < as_of,
            RotationRecord.actual_end_on.is_(None),
        )
        .order_by(RotationRecord.teacher_id, RotationRecord.start_on)
    )
    home = dict(returning.all())  # the latest secondment of each teacher
    for teacher in teachers:
        if scope.counts_teacher(ownership.get(teacher.school_id, ""), teacher.post_type):
            count(home.get(teacher.id, teacher.school_id), teacher.main_subject,
                  teacher.post_type, teacher.id in senior, 1)  # fmt: skip
