"""Registry services for schools: create, update (optimistic concurrency), deactivate.

Schools are never deleted — rotation history and audit entries refer to them — only
deactivated, and only once no active teacher remains.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import func, update
from sqlmodel import Session, select

from workforce import audit
from workforce.models import School, Teacher, utcnow
from workforce.rules.leaving import SERVING
from workforce.school_codes import SCHOOL_CODE_PATTERN
from workforce.services.changes import changes_of
from workforce.services.errors import Conflict, NotFound
from workforce.services.fields import Ownership, PlainText, SchoolLevel, Zone
from workforce.services.messages import REGISTRY_MESSAGES, Text
from workforce.services.versioning import claim_next_version


def _county(value: str | None) -> str | None:
    """A county name as the registry keeps it: trimmed, blank meaning not recorded (as the
    import's 所属县区 column reads it)."""
    if value is None:
        return None
    return value.strip() or None


County = Annotated[
    Annotated[str, Field(max_length=50)] | None,
    AfterValidator(_county),
    Field(
        description="所属县（区）/ the county whose teachers rotate with this school's (a "
        "prefecture city); blank or null: not recorded (a registry of one county). A user "
        "scoped to a county places new schools in that county and may not move one out of it",
    ),
]


class SchoolBase(BaseModel):
    name: Annotated[str, PlainText] = Field(min_length=1, max_length=100, description="学校名称")
    town: str = Field(min_length=1, max_length=50, description="所在街道或镇")
    county: County = None
    zone: Zone = Field(description="urban 城区 / rural 农村")
    level: SchoolLevel = Field(description="学段 (school_levels)")
    ownership: Ownership = "public"
    is_quality: bool = Field(default=False, description="优质学校")
    is_weak: bool = Field(default=False, description="薄弱学校")
    pupils: int = Field(default=0, ge=0, le=100_000)
    disabled_pupils: int = Field(default=0, ge=0, le=10_000)
    classes_by_grade: list[int] = Field(default_factory=list, max_length=12)
    post_ceiling: int = Field(default=0, ge=0, le=10_000, description="核定编制")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class SchoolCreate(SchoolBase):
    code: str = Field(
        min_length=1, max_length=32, pattern=SCHOOL_CODE_PATTERN, description="学校代码"
    )


class SchoolUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    code: str | None = Field(default=None, min_length=1, max_length=32, pattern=SCHOOL_CODE_PATTERN)
    name: Annotated[str, PlainText] | None = Field(default=None, min_length=1, max_length=100)
    town: str | None = Field(default=None, min_length=1, max_length=50)
    county: County = None
    zone: Zone | None = None
    level: SchoolLevel | None = None
    ownership: Ownership | None = None
    is_quality: bool | None = None
    is_weak: bool | None = None
    pupils: int | None = Field(default=None, ge=0, le=100_000)
    disabled_pupils: int | None = Field(default=None, ge=0, le=10_000)
    classes_by_grade: list[int] | None = Field(default=None, max_length=12)
    post_ceiling: int | None = Field(default=None, ge=0, le=10_000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


def school_snapshot(school: School) -> dict[str, Any]:
    """The values the audit log and a conflict answer show."""
    return school.model_dump(exclude={"created_at", "updated_at"})


def get_school(session: Session, *, school_id: int) -> School:
    school = session.get(School, school_id)
    if school is None:
        raise NotFound(REGISTRY_MESSAGES.text("school_not_found", key=school_id))
    return school


def create_school(session: Session, *, actor: str, data: SchoolCreate) -> School:
    _refuse_taken_code(session, code=data.code, school_id=None)
    school = School(**data.model_dump())
    session.add(school)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="school",
        entity_key=school.code,
        after=school_snapshot(school),
    )
    return school


def update_school(
    session: Session, *, actor: str, school_id: int, data: SchoolUpdate, version: int | None
) -> School:
    """Apply the fields set in ``data`` if ``version`` is still the current one."""
    school = get_school(session, school_id=school_id)
    changes = changes_of(data, nullable={"lat", "lon", "county"})
    if "code" in changes:
        _refuse_taken_code(session, code=changes["code"], school_id=school.id)
    before = school_snapshot(school)
    claim_next_version(session, school, sent=version, snapshot=school_snapshot)
    for key, value in changes.items():
        setattr(school, key, value)
    school.updated_at = utcnow()
    session.add(school)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="school",
        entity_key=school.code,
        before=before,
        after=school_snapshot(school),
    )
    return school


def deactivate_school(
    session: Session, *, actor: str, school_id: int, version: int | None
) -> School:
    """Mark a school inactive; refused while teachers still work there.

    The school is claimed — its version, then ``active`` → false, each a conditional UPDATE —
    before its teachers are counted, and a refusal rolls the claim back. A teacher written to
    the school claims the school's row too (``teachers._refuse_inactive_school``): whichever
    comes second waits for the other's transaction and then sees it (the count, a teacher
    there; the teacher's claim, an inactive school), on SQLite as on PostgreSQL."""
    school = get_school(session, school_id=school_id)
    if not school.active:
        raise Conflict(_already_inactive())
    before = school_snapshot(school)
    claim_next_version(session, school, sent=version, snapshot=school_snapshot)
    deactivated = session.execute(
        update(School)
        .where(School.id == school.id, School.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if deactivated != 1:
        raise Conflict(_already_inactive())
    session.refresh(school)
    working = session.exec(
        select(func.count())
        .select_from(Teacher)
        .where(Teacher.school_id == school.id, Teacher.status.in_(SERVING))
    ).one()
    if working:
        raise Conflict(
            REGISTRY_MESSAGES.text("school_has_teachers", name=school.name, count=working)
        )
    audit.record(
        session,
        actor=actor,
        action="deactivate",
        entity="school",
        entity_key=school.code,
        before=before,
        after=school_snapshot(school),
    )
    return school


def _already_inactive() -> Text:
    return REGISTRY_MESSAGES.text("already_inactive", entity_zh="该学校", entity_en="the school")


def _refuse_taken_code(session: Session, *, code: str, school_id: int | None) -> None:
    other = session.exec(select(School.id).where(School.code == code)).first()
    if other is not None and other != school_id:
        raise Conflict(REGISTRY_MESSAGES.text("school_code_taken", code=code))
