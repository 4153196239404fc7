"""The registry on one reference date, as the optimizer's plain-data :class:`optimizer.Instance`.

This is the only bridge from the database to the solver: it reads the schools in scope, their
teachers and everything the rotation rules look at, and computes the figures that belong to
registry-side rules — subject demand (:mod:`workforce.rules.demand`) and statutory retirement
(:mod:`workforce.rules.retirement`). The optimizer then needs no database, and a saved instance
reproduces its plan.

Scope (who takes part): active **public** schools of the compulsory-education levels — the 2014
opinion (教育部等《关于推进县（区）域内义务教育学校校长教师交流轮岗的意见》) concerns
义务教育学校: primary, junior secondary, nine-year and complete secondary schools. Kindergartens,
senior and special schools are out of scope by default (``levels`` widens it). Teachers: active
staff of those schools (temporary staff too — the rules decide who may rotate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from optimizer import Instance, RotationRules
from optimizer.instance import Designation as InstanceDesignation
from optimizer.instance import Exemption as InstanceExemption
from optimizer.instance import Pin, SeniorSection, SubjectStaffing
from optimizer.instance import School as InstanceSchool
from optimizer.instance import Teacher as InstanceTeacher
from workforce.dates import years_between
from workforce.models import (
    Certificate,
    Designation,
    Exemption,
    RotationRecord,
    RotationWish,
    School,
    Teacher,
)
from workforce.rules.demand import SubjectDemand, demand_by_school
from workforce.rules.local import rotation_rules as rules_in_force
from workforce.rules.retirement import default_category, retirement_date

TEACHER_COLUMNS = (
    "id", "staff_no", "name", "school_id", "gender", "birth_date", "post_type", "main_subject",
    "joined_school_on", "is_principal", "principal_since", "retirement_category",
    "retirement_confirmed_on",
)  # fmt: skip
"""The teacher columns the instance is made of: reading only these skips decoding the others
(JSON lists, timestamps, the encrypted ID number) of every teacher."""
CHILD_COLUMNS = {
    "certificates": ("teacher_id", "level", "subject"),
    "designations": ("teacher_id", "kind", "tier", "term_start", "term_end"),
    "exemptions": ("teacher_id", "reason", "from_on", "until_on"),
    "rotations": ("teacher_id", "kind", "start_on", "actual_end_on", "planned_end_on"),
    "wishes": ("teacher_id", "school_id"),
}
"""The columns of each child table the instance is made of."""
CHILD_TABLES = {
    "certificates": Certificate,
    "designations": Designation,
    "exemptions": Exemption,
    "rotations": RotationRecord,
    "wishes": RotationWish,
}
"""The child tables of a teacher that the instance reads."""
COMPULSORY_LEVELS = ("primary", "junior", "nine_year", "complete_secondary")
"""School levels in scope by default: compulsory education (义务教育学校)."""
CERTIFICATE_LEVELS_KNOWN_TO_THE_OPTIMIZER = {"kindergarten", "primary", "junior", "senior"}
"""Vocational certificates are valid for senior-secondary cultural courses (domain.md §5)."""
CERTIFICATE_LEVEL_EQUIVALENT = {
    "vocational": "senior",
    "vocational_practice": "senior",
    "higher": "senior",
}


def school_year_start(year: int) -> dt.date:
    """The reference date of a rotation year: 1 September (the autumn term)."""
    return dt.date(year, 9, 1)


def year_being_planned(today: dt.date) -> int:
    """The rotation year an office plans on ``today``: this year's until its 1 September,
    next year's from then on (in December 2026 the 2026 moves have started; the plans made
    now are 2027's)."""
    return today.year if today < school_year_start(today.year) else today.year + 1


def build_instance(
    session: Session,
    *,
    year: int,
    as_of: dt.date | None = None,
    rules: RotationRules | None = None,
    pins: Iterable[Pin] = (),
    levels: Iterable[str] = COMPULSORY_LEVELS,
    county: str | None = None,
) -> Instance:
    """Read the registry and return the instance of the ``year`` rotation.

    ``county`` limits it to the schools of one county (teachers rotate within their county:
    a prefecture city runs the policy per county-level unit; ``NO_COUNTY`` for the schools
    without one). A teacher's wishes for schools outside the instance are dropped: they cannot
    be granted in this rotation. None takes every school in scope, as in a registry of one
    county (where ``School.county`` is empty).

    A fixed number of queries whatever the district's size: schools, demand (three queries),
    teachers, then certificates, designations, exemptions, rotations and wishes of those
    teachers, each as one set-based query.
    """
    as_of = as_of or school_year_start(year)
    rules = rules or rules_in_force()
    # Plain rows, not ORM objects: nothing here is changed, and building ~11,000 mapped
    # objects was half of the sample district's 2 s read.
    schools = session.execute(
        select(School.__table__).where(*_in_scope(levels, county)).order_by(School.code)
    ).all()
    school_ids = {s.id: s for s in schools}
    demand = demand_by_school(session, as_of, school_ids=school_ids)
    teachers = session.execute(
        select(*_columns(Teacher, TEACHER_COLUMNS))
        .where(Teacher.school_id.in_(list(school_ids)), Teacher.status.in_(["active", "seconded"]))
        .order_by(Teacher.staff_no)
    ).all()
    teacher_ids = [t.id for t in teachers]
    children = _children_by_teacher(session, teacher_ids, year)
    code_of = dict(session.execute(select(School.id, School.code)).all())

    instance_schools = [
        InstanceSchool(
            code=s.code,
            name=s.name,
            zone=s.zone,
            is_quality=s.is_quality,
            is_weak=s.is_weak,
            level=s.level,
            post_ceiling=s.post_ceiling,
            lat=s.lat if s.lat is not None else 0.0,
            lon=s.lon if s.lon is not None else 0.0,
            staffing=[_staffing(d) for d in demand[s.id].subjects.values()]
            if s.id in demand
            else [],
        )
        for s in schools
    ]
    term_years = rules.principals.term_years
    in_scope = {s.code for s in schools}
    instance_teachers = [
        _instance_teacher(t, children, code_of, as_of, term_years, in_scope) for t in teachers
    ]
    return Instance(
        year=year,
        as_of=as_of,
        rules=rules,
        schools=instance_schools,
        teachers=instance_teachers,
        pins=list(pins),
        district_established=district_established(session, county),
    )


def _staffing(demand: SubjectDemand) -> SubjectStaffing:
    """One subject of a school as the optimizer sees it, from the demand rule: the 在编
    teachers in post (the minimum is kept in them), the shortage slots, and — at a complete
    secondary school — its senior section's: the senior-certified 在编 teachers, the slots only
    they can fill and the fewest of them to keep (``optimizer.instance.SeniorSection``)."""
    senior = demand.senior
    return SubjectStaffing(
        subject=demand.subject,
        in_post=demand.established,
        shortage=demand.shortage_slots,
        min_keep=min(demand.min_keep, demand.established),
        senior=None if senior is None else SeniorSection(
            in_post=senior.established,
            shortage=senior.shortage_slots,
            min_keep=min(senior.min_keep, senior.established),
        ),
    )


def district_established(session: Session, county: str | None = None) -> int:
    """在编 teachers of all the district's active public schools, every level (kindergartens,
    senior and special schools too): the plan's 全区在编教师总数, the district share's base when
    ``quotas.district_share_base`` is ``whole_district``. Teachers in post or seconded, as in
    the instance. With ``county``, that county's (the share is judged per county)."""
    return session.execute(
        select(func.count())
        .select_from(Teacher)
        .join(School, School.id == Teacher.school_id)
        .where(
            School.active.is_(True),
            School.ownership == "public",
            *_of_county(county),
            Teacher.post_type == "established",
            Teacher.status.in_(["active", "seconded"]),
        )
    ).scalar_one()


def _in_scope(levels: Iterable[str], county: str | None) -> list:
    """The conditions on a school in scope: active, public, of the given levels, and of the
    county when one is given."""
    return [
        School.active.is_(True),
        School.ownership == "public",
        School.level.in_(list(levels)),
        *_of_county(county),
    ]


def _of_county(county: str | None) -> list:
    """The condition on a school of ``county`` (none when no county is given). NO_COUNTY
    takes NULL and "" alike, as `counties` lists them: a county stored as a blank string must
    not leave its school out of every rotation."""
    if county == NO_COUNTY:
        return [or_(School.county.is_(None), School.county == NO_COUNTY)]
    return [] if county is None else [School.county == county]


NO_COUNTY = ""
"""``build_instance(county=NO_COUNTY)``: the schools whose county is not recorded."""


def counties(session: Session, *, levels: Iterable[str] = COMPULSORY_LEVELS) -> list[str]:
    """The counties of the schools in scope, sorted; ``NO_COUNTY`` ("") first when some schools
    have no county recorded. ``[NO_COUNTY]`` is a registry of one county (nothing recorded),
    ``[]`` an empty one. Each county is one rotation instance (``build_instance(county=c)``):
    teachers rotate within their county."""
    found = (
        session.execute(select(School.county).where(*_in_scope(levels, None)).distinct())
        .scalars()
        .all()
    )
    return sorted({c or NO_COUNTY for c in found})


def _instance_teacher(
    t: Row,
    children: dict[str, dict[int, list[Row]]],
    code_of: dict[int, str],
    as_of: dt.date,
    term_years: int,
    in_scope: set[str] | None = None,
) -> InstanceTeacher:
    """One teacher row (columns of the teacher table) and its child rows, as the optimizer
    sees them. A principal's full terms at the school are counted in `term_years` (the rules'
    `principals.term_years`) from ``principal_since`` (or the date they joined the school)."""
    certificates = children["certificates"].get(t.id, [])
    rotations = children["rotations"].get(t.id, [])
    ended = [r.actual_end_on or r.planned_end_on for r in rotations]
    ended = [d for d in ended if d is not None and d <= as_of]
    on_secondment = any(
        r.kind == "secondment"
        and r.start_on <= as_of
        and r.actual_end_on is None
        and (r.planned_end_on is None or r.planned_end_on >= as_of)
        for r in rotations
    )
    cert_levels = sorted(
        {
            CERTIFICATE_LEVEL_EQUIVALENT.get(c.level, c.level)
            for c in certificates
            if CERTIFICATE_LEVEL_EQUIVALENT.get(c.level, c.level)
            in CERTIFICATE_LEVELS_KNOWN_TO_THE_OPTIMIZER
        }
    )
    wished = [code_of[w.school_id] for w in children["wishes"].get(t.id, [])]
    # A wish outside the county (or out of scope) cannot be granted; the teacher who made it
    # still volunteered to rotate.
    wishes = wished if in_scope is None else [w for w in wished if w in in_scope]
    principal_from = max(t.principal_since or t.joined_school_on, t.joined_school_on)
    principal_years = years_between(principal_from, as_of)
    category = t.retirement_category or default_category(t.gender)
    return InstanceTeacher(
        staff_no=t.staff_no,
        name=t.name,
        school=code_of[t.school_id],
        gender=t.gender,
        birth_date=t.birth_date,
        post_type=t.post_type,
        main_subject=t.main_subject,
        can_teach=sorted({t.main_subject, *(c.subject for c in certificates)}),
        cert_levels=cert_levels,
        joined_school_on=t.joined_school_on,
        retirement_date=retirement_date(t.birth_date, category, t.retirement_confirmed_on),
        designations=[
            InstanceDesignation(
                kind=d.kind, tier=d.tier, valid_from=d.term_start, valid_until=d.term_end
            )
            for d in children["designations"].get(t.id, [])
        ],
        exemptions=[
            InstanceExemption(reason=e.reason, **{"from": e.from_on}, until=e.until_on)
            for e in children["exemptions"].get(t.id, [])
        ],
        last_rotation_end=max(ended, default=None),
        on_secondment=on_secondment,
        is_principal=t.is_principal,
        principal_terms_at_school=principal_years // term_years if t.is_principal else 0,
        wishes=[w for w in dict.fromkeys(wishes) if w != code_of[t.school_id]],
        volunteer=bool(wished),
    )


def _columns(model: type, names: Iterable[str]) -> list:
    return [model.__table__.c[name] for name in names]  # type: ignore[attr-defined]


def _select_child(name: str):  # type: ignore[no-untyped-def]
    """The columns of child table ``name`` (``CHILD_COLUMNS``) the instance is made of."""
    return select(*_columns(CHILD_TABLES[name], CHILD_COLUMNS[name]))


def _children_by_teacher(
    session: Session, teacher_ids: list[int], year: int
) -> dict[str, dict[int, list[Row]]]:
    """Each child table of the given teachers as plain rows, grouped by teacher id (one query
    per table)."""
    wanted = set(teacher_ids)
    queries = {
        "certificates": _select_child("certificates").order_by(Certificate.id),
        "designations": _select_child("designations").order_by(
            Designation.term_start, Designation.id
        ),
        "exemptions": _select_child("exemptions").order_by(Exemption.from_on, Exemption.id),
        "rotations": _select_child("rotations").order_by(
            RotationRecord.start_on, RotationRecord.id
        ),
        "wishes": _select_child("wishes")
        .where(RotationWish.year == year)
        .order_by(RotationWish.teacher_id, RotationWish.rank),
    }
    grouped: dict[str, dict[int, list[Row]]] = {}
    for name, query in queries.items():
        by_teacher: dict[int, list[Row]] = defaultdict(list)
        for row in session.execute(query):
            if row.teacher_id in wanted:
                by_teacher[row.teacher_id].append(row)
        grouped[name] = by_teacher
    return grouped


def instance_teacher_of(
    session: Session, teacher_id: int, *, year: int, rules: RotationRules | None = None
) -> InstanceTeacher:
    """One teacher as ``year``'s rotation sees them (the same mapping as
    :func:`build_instance`, their own rows only): what the teacher page asks the optimizer's
    eligibility rules about."""
    rules = rules or rules_in_force()
    row = session.execute(
        select(*_columns(Teacher, TEACHER_COLUMNS)).where(Teacher.id == teacher_id)
    ).one()
    children: dict[str, dict[int, list[Row]]] = {
        name: {teacher_id: list(session.execute(
            _select_child(name).where(model.teacher_id == teacher_id).order_by(model.id)
        ).all())}
        for name, model in CHILD_TABLES.items() if name != "wishes"
    }  # fmt: skip
    children["wishes"] = {
        teacher_id: list(
            session.execute(
                _select_child("wishes")
                .where(RotationWish.teacher_id == teacher_id, RotationWish.year == year)
                .order_by(RotationWish.rank)
            ).all()
        )
    }
    code_of = dict(session.execute(select(School.id, School.code)).all())
    as_of = school_year_start(year)
    return _instance_teacher(row, children, code_of, as_of, rules.principals.term_years)
