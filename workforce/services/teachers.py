"""Registry services for teachers: create, update (optimistic concurrency), deactivate.

ID numbers arrive in clear in a request, are validated (GB 11643) and stored only as
ciphertext plus keyed hash (:mod:`workforce.idnumber`); audit entries show them masked.
Teachers are never deleted: one who leaves or retires keeps their history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import update
from sqlmodel import Session, select

from workforce import audit
from workforce.accounts.audit_scope import STAFF_NO_FORBIDDEN
from workforce.idnumber import (
    IdNumberError,
    birth_date_beside_number,
    birth_month,
    decrypt,
    encrypt,
    lookup_hash,
    mask,
    parse_id_number,
)
from workforce.io.plausible import plausibility
from workforce.models import School, Teacher, utcnow
from workforce.pinyin import name_initials
from workforce.rules.leaving import GONE, SERVING, leaving_date_conflict
from workforce.services.changes import changes_of
from workforce.services.errors import Conflict, InvalidInput, NotFound
from workforce.services.fields import (
    CareerDay,
    Day,
    Education,
    Gender,
    PersonName,
    PostType,
    RetirementCategory,
    Subject,
    TeacherStatus,
    Title,
)
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.versioning import claim_next_version

STAFF_NO = "^[^\\s" + re.escape(STAFF_NO_FORBIDDEN.strip()) + "]+$"
"""A staff number: no spaces and none of the audit keys' separators (``STAFF_NO_FORBIDDEN``)."""
NULLABLE_FIELDS = frozenset(
    {
        "id_number",
        "first_employed_on",
        "education",
        "title",
        "retirement_category",
        "retirement_confirmed_on",
        "left_on",
    }
)


def _normalise_id_number(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_id_number(value).value
    except IdNumberError as error:
        raise ValueError(f"{error.zh} / {error.en}") from None


class TeacherBase(BaseModel):
    name: Annotated[str, PersonName] = Field(min_length=1, max_length=50, description="姓名")
    gender: Gender
    birth_date: Day
    post_type: PostType = Field(description="在编 established / 临聘 temporary / other")
    first_employed_on: CareerDay | None = Field(default=None, description="参加工作时间")
    school_id: int = Field(description="任教学校")
    joined_school_on: CareerDay = Field(description="到本校任教时间")
    main_subject: Subject = Field(description="主教学科")
    other_subjects: list[Subject] = Field(default_factory=list, max_length=10)
    education: Education | None = None
    title: Title | None = None
    is_head_teacher: bool = Field(default=False, description="班主任")
    is_principal: bool = Field(default=False, description="校长")
    retirement_category: RetirementCategory | None = None
    retirement_confirmed_on: Day | None = None


class TeacherCreate(TeacherBase):
    staff_no: str = Field(min_length=1, max_length=32, pattern=STAFF_NO, description="工号")
    id_number: str | None = Field(default=None, max_length=32, description="身份证号（明文提交）")

    _id_number = field_validator("id_number")(_normalise_id_number)

    @model_validator(mode="after")
    def _consistent(self) -> TeacherCreate:
        _check_consistency(
            id_number=self.id_number,
            birth_date=self.birth_date,
            gender=self.gender,
            first_employed_on=self.first_employed_on,
            joined_school_on=self.joined_school_on,
        )
        return self


class TeacherUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are, ``null`` clears an optional one."""

    staff_no: str | None = Field(default=None, min_length=1, max_length=32, pattern=STAFF_NO)
    id_number: str | None = Field(default=None, max_length=32)
    name: Annotated[str, PersonName] | None = Field(default=None, min_length=1, max_length=50)
    gender: Gender | None = None
    birth_date: Day | None = None
    post_type: PostType | None = None
    first_employed_on: CareerDay | None = None
    school_id: int | None = None
    joined_school_on: CareerDay | None = None
    main_subject: Subject | None = None
    other_subjects: list[Subject] | None = Field(default=None, max_length=10)
    education: Education | None = None
    title: Title | None = None
    is_head_teacher: bool | None = None
    is_principal: bool | None = None
    retirement_category: RetirementCategory | None = None
    retirement_confirmed_on: Day | None = None
    status: TeacherStatus | None = None
    left_on: Day | None = Field(
        default=None,
        description="离岗日期：离职、调出或退休后不再在岗的第一天；状态改为离职或退休而未填时为当天",
    )

    _id_number = field_validator("id_number")(_normalise_id_number)


def _check_consistency(
    *,
    id_number: str | None,
    birth_date: dt.date,
    gender: str,
    first_employed_on: dt.date | None,
    joined_school_on: dt.date,
    sent: Collection[str] | None = None,
) -> None:
    """Refuse values that contradict each other (raised as ``ValueError`` for validation);
    the career dates' bounds only for the fields ``sent`` (None: all, a new teacher's) — an
    edit of another field of a record that predates them is not refused for them."""
    if id_number is not None:
        parsed = parse_id_number(id_number)
        if parsed.birth_date != birth_date:
            # the day the number holds is not said: it would disclose the number's birth date
            # to an editor who only sees its month (docs/security.md, "The masking rule")
            raise ValueError(
                REGISTRY_MESSAGES.text("id_birth_date", birth_date=birth_date).joined()
            )
        if parsed.gender != gender:
            raise ValueError(REGISTRY_MESSAGES.text("id_gender").joined())
    if joined_school_on < birth_date.replace(day=1):
        # by the month: an editor sees a number-holder's birth month only, and a refusal
        # that turned on the day would tell it (and the number with it)
        raise ValueError(REGISTRY_MESSAGES.text("joined_before_birth").joined())
    if first_employed_on is not None and first_employed_on > joined_school_on:
        raise ValueError(REGISTRY_MESSAGES.text("employed_after_joining").joined())
    _within_a_career(birth_date, first_employed_on, joined_school_on, sent)


def _within_a_career(
    birth_date: dt.date,
    first_employed_on: dt.date | None,
    joined_school_on: dt.date,
    sent: Collection[str] | None,
) -> None:
    """The import's bounds on a teacher's dates (``data/rules/import_limits.yaml``), for the
    edit and a new teacher too: born after the earliest birth date and not in the future,
    first employed not in the future, arrival at most ``arrival_ahead_days`` ahead. An
    arrival on 9999-12-31 was saved through the API and the page, and every page and report
    reading the teacher's years at the school failed after it."""
    bounds = plausibility()
    today = dt.date.today()
    late = {"birth_date": birth_date > today or birth_date < bounds.earliest_birth_date,
            "first_employed_on": first_employed_on is not None and first_employed_on > today,
            "joined_school_on": joined_school_on > today + dt.timedelta(
                days=bounds.arrival_ahead_days)}  # fmt: skip
    for field, wrong in late.items():
        if wrong and (sent is None or field in sent):
            zh, en = CAREER_DATES[field]
            given = {"birth_date": birth_date, "first_employed_on": first_employed_on,
                     "joined_school_on": joined_school_on}[field]  # fmt: skip
            raise ValueError(REGISTRY_MESSAGES.text(
                "date_out_of_range", field_zh=zh, field_en=en, date=given,
                earliest=bounds.earliest_birth_date, ahead=bounds.arrival_ahead_days).joined())


CAREER_DATES = {
    "birth_date": ("出生日期", "birth date"),
    "first_employed_on": ("参加工作时间", "first employment"),
    "joined_school_on": ("到本校任教时间", "arrival at the school"),
}
"""The teacher dates :func:`_within_a_career` bounds, as the forms and sheets name them."""


def teacher_snapshot(teacher: Teacher) -> dict[str, Any]:
    """The values the audit log and a conflict answer show: the ID number masked."""
    values = teacher.model_dump(
        exclude={
            "id_number_encrypted",
            "id_number_hash",
            "name_initials",
            "created_at",
            "updated_at",
        }
    )
    values["id_number_masked"] = masked_id_number(teacher)
    return values


def masked_id_number(teacher: Teacher) -> str | None:
    if teacher.id_number_encrypted is None:
        return None
    return mask(decrypt(teacher.id_number_encrypted))


def get_teacher(session: Session, *, teacher_id: int) -> Teacher:
    teacher = session.get(Teacher, teacher_id)
    if teacher is None:
        raise NotFound(REGISTRY_MESSAGES.text("teacher_not_found", key=teacher_id))
    return teacher


def create_teacher(session: Session, *, actor: str, data: TeacherCreate) -> Teacher:
    _refuse_inactive_school(session, school_id=data.school_id)
    _refuse_taken_staff_no(session, staff_no=data.staff_no, teacher_id=None)
    values = data.model_dump(exclude={"id_number"})
    teacher = Teacher(**values, **_protected_id_number(session, data.id_number, teacher_id=None))
    teacher.name_initials = name_initials(teacher.name)
    session.add(teacher)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="teacher",
        entity_key=teacher.staff_no,
        after=teacher_snapshot(teacher),
    )
    return teacher


def update_teacher(
    session: Session, *, actor: str, teacher_id: int, data: TeacherUpdate, version: int | None
) -> Teacher:
    """Apply the fields set in ``data`` if ``version`` is still the current one."""
    teacher = get_teacher(session, teacher_id=teacher_id)
    changes = changes_of(data, nullable=NULLABLE_FIELDS)
    before = teacher_snapshot(teacher)
    # The version is claimed before the values are judged (a refusal rolls it back): a stale
    # or missing version is refused alike for every value sent — a number already held by
    # another teacher included, which was otherwise a free test of candidate numbers
    claim_next_version(session, teacher, sent=version, snapshot=teacher_snapshot)
    if "school_id" in changes and changes["school_id"] != teacher.school_id:
        _refuse_inactive_school(session, school_id=changes["school_id"])
    if "staff_no" in changes:
        _refuse_taken_staff_no(session, staff_no=changes["staff_no"], teacher_id=teacher.id)
    if "id_number" in changes:
        changes.update(_protected_id_number(session, changes.pop("id_number"), teacher.id))
    if ("birth_date" in changes and changes["birth_date"] is not None
            and teacher.id_number_encrypted and "id_number" not in data.model_fields_set):
        # a day of the stored month is the stored date: no answer tells which day it is
        changes["birth_date"] = birth_date_beside_number(changes["birth_date"],
                                                         teacher.birth_date)
    if data.id_number is not None and "birth_date" not in data.model_fields_set:
        changes["birth_date"] = _birth_date_of_number(data.id_number, teacher.birth_date)
    merged = {**teacher.model_dump(), **changes}
    _leaving_date(changes, merged, was_serving=teacher.status in SERVING)
    current_id = decrypt(teacher.id_number_encrypted) if teacher.id_number_encrypted else None
    try:
        _check_consistency(
            id_number=data.id_number if "id_number" in data.model_fields_set else current_id,
            birth_date=merged["birth_date"],
            gender=merged["gender"],
            first_employed_on=merged["first_employed_on"],
            joined_school_on=merged["joined_school_on"],
            sent=set(changes),
        )
    except ValueError as error:
        raise InvalidInput(REGISTRY_MESSAGES.text("inconsistent", reason=str(error))) from None
    for key, value in changes.items():
        setattr(teacher, key, value)
    teacher.name_initials = name_initials(teacher.name)
    teacher.updated_at = utcnow()
    session.add(teacher)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="teacher",
        entity_key=teacher.staff_no,
        before=before,
        after=teacher_snapshot(teacher),
    )
    return teacher


def deactivate_teacher(
    session: Session,
    *,
    actor: str,
    teacher_id: int,
    version: int | None,
    status: Literal["left", "retired"] = "left",
    left_on: dt.date | None = None,
) -> Teacher:
    """Mark a teacher as left (离职/调出) or retired from ``left_on`` (the first day out of
    service; default today); the record and its history stay."""
    teacher = get_teacher(session, teacher_id=teacher_id)
    if teacher.status in GONE:
        raise Conflict(
            REGISTRY_MESSAGES.text("already_inactive", entity_zh="该教师", entity_en="the teacher")
        )
    before = teacher_snapshot(teacher)
    claim_next_version(session, teacher, sent=version, snapshot=teacher_snapshot)
    left_on = left_on or dt.date.today()
    conflict = leaving_date_conflict(status, left_on, teacher.joined_school_on)
    if conflict is not None:
        raise InvalidInput(REGISTRY_MESSAGES.text(
            conflict, left_on=left_on, joined=teacher.joined_school_on))  # fmt: skip
    teacher.status = status
    teacher.left_on = left_on
    session.add(teacher)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="deactivate",
        entity="teacher",
        entity_key=teacher.staff_no,
        before=before,
        after=teacher_snapshot(teacher),
    )
    return teacher


def _leaving_date(changes: dict[str, Any], merged: dict[str, Any], *, was_serving: bool) -> None:
    """The leaving date that goes with an update's status (`workforce.rules.leaving`): a
    teacher marked left or retired without one left today; one back in service (re-employed)
    has none any more; a date that contradicts the status or the arrival is refused."""
    if merged["status"] in GONE and was_serving and "left_on" not in changes:
        changes["left_on"] = merged["left_on"] = dt.date.today()
    if merged["status"] in SERVING and "left_on" not in changes:
        changes["left_on"] = merged["left_on"] = None
    conflict = leaving_date_conflict(merged["status"], merged["left_on"],
                                     merged["joined_school_on"])  # fmt: skip
    if conflict is not None:
        raise InvalidInput(REGISTRY_MESSAGES.text(
            conflict, left_on=merged["left_on"], joined=merged["joined_school_on"]))  # fmt: skip


def _birth_date_of_number(id_number: str, stored: dt.date) -> dt.date:
    """The birth date of a teacher given a new ID number and no birth date: the number's, when
    it lies in the month on file (the month is what the editor sees); else refused, saying the
    month. Judged against the stored day, the refusal quoted it — and which refusal came (the
    birth date's, or the gender's for a number of the other sex) told it too."""
    born = parse_id_number(id_number).birth_date
    if (born.year, born.month) != (stored.year, stored.month):
        raise InvalidInput(REGISTRY_MESSAGES.text("id_birth_month", month=birth_month(stored)))
    return born


class IdNumberTaken(Conflict):
    """The ID number sent is another teacher's (``holder``, a staff number). The answer tells
    the sender so, as a search by number does: the caller rolls back, then records the
    disclosure (`workforce.services.disclosure.record_number_refused`) and commits it."""

    def __init__(self, holder: str) -> None:
        super().__init__(REGISTRY_MESSAGES.text("id_number_taken"))
        self.holder = holder


def _protected_id_number(
    session: Session, id_number: str | None, teacher_id: int | None
) -> dict[str, str | None]:
    if id_number is None:
        return {"id_number_encrypted": None, "id_number_hash": None}
    digest = lookup_hash(id_number)
    other = session.exec(
        select(Teacher.id, Teacher.staff_no).where(Teacher.id_number_hash == digest)
    ).first()
    if other is not None and other[0] != teacher_id:
        raise IdNumberTaken(other[1])
    return {"id_number_encrypted": encrypt(id_number), "id_number_hash": digest}


def _refuse_inactive_school(session: Session, *, school_id: int) -> None:
    """Claim the school for a teacher written to it: an UPDATE of its row that changes nothing
    but matches only an active school. Until this transaction ends, a deactivation of the
    school waits for it (the row's lock on PostgreSQL, the write lock on SQLite) and then
    counts this teacher; a deactivation that came first makes this match no row."""
    claimed = session.execute(
        update(School)
        .where(School.id == school_id, School.active.is_(True))
        .values(version=School.version)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1:
        return
    school = session.get(School, school_id, populate_existing=True)
    if school is None:
        raise InvalidInput(REGISTRY_MESSAGES.text("school_unknown", key=school_id))
    raise InvalidInput(REGISTRY_MESSAGES.text("school_inactive", name=school.name))


def _refuse_taken_staff_no(session: Session, *, staff_no: str, teacher_id: int | None) -> None:
    other = session.exec(select(Teacher.id).where(Teacher.staff_no == staff_no)).first()
    if other is not None and other != teacher_id:
        raise Conflict(REGISTRY_MESSAGES.text("staff_no_taken", staff_no=staff_no))
