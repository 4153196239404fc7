"""Teachers: list and search, detail with their records, create, update (optimistic
concurrency), deactivate. ID numbers are masked unless an allowed role asks with
``unmask=true``, which is written to the audit log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Literal, Protocol

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlmodel import Session, select

from api.deps import Editor, IfMatch, Reader, SessionDep, chosen_version
from api.messages import API_MESSAGES
from api.redaction import looks_like_id_number
from api.schemas.common import Page
from api.schemas.registry import (
    CertificatePublic,
    DesignationPublic,
    ExemptionPublic,
    RotationPublic,
    TeacherDetail,
    TeacherPublic,
    TrainingPublic,
)
from api.security import refuse_cross_site_disclosure
from workforce.accounts.models import User
from workforce.accounts.scope import get_visible, restrict
from workforce.idnumber import birth_month
from workforce.models import (
    Certificate,
    Designation,
    Exemption,
    RotationRecord,
    School,
    Teacher,
    TrainingRecord,
)
from workforce.services.disclosure import (
    disclose_id_numbers,
    record_id_number_search,
    record_number_refused,
)
from workforce.services.errors import InvalidInput
from workforce.services.fields import Day, PostType, Subject, TeacherStatus, Zone
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.queries import TeacherFilters, list_teacher_rows
from workforce.services.teachers import (
    IdNumberTaken,
    TeacherCreate,
    TeacherUpdate,
    create_teacher,
    deactivate_teacher,
    masked_id_number,
    update_teacher,
)

router = APIRouter(prefix="/teachers", tags=["teachers"])

Unmask = Annotated[
    bool,
    Query(description="显示完整身份证号（仅管理员和人事股，记入审计日志）/ show full ID numbers"),
]


class TeacherPatch(TeacherUpdate):
    version: int | None = Field(default=None, ge=1, description="读取时的版本号（或 If-Match）")


class TeacherDeactivate(BaseModel):
    status: Literal["left", "retired"] = Field(default="left", description="离职 left / 退休")
    left_on: Day | None = Field(
        default=None, description="离岗日期：不再在岗的第一天；默认当天 / first day out of service"
    )
    version: int | None = Field(default=None, ge=1, description="读取时的版本号（或 If-Match）")


class ShownTeacher(Protocol):
    """What showing a teacher's ID number needs: a Teacher, or a row of these columns."""

    id: int | None
    staff_no: str
    id_number_encrypted: str | None


def _id_numbers(
    session: Session, user: User, teachers: Sequence[ShownTeacher], unmask: bool
) -> dict[int, str | None]:
    """What each teacher's ``id_number`` shows: clear (audited) or masked."""
    if unmask:
        shown = disclose_id_numbers(
            session, actor=user.username, role=user.role, teachers=teachers, purpose="view"
        )
        session.commit()
        return {t.id: shown.get(t.id) for t in teachers if t.id is not None}
    return {t.id: masked_id_number(t) for t in teachers if t.id is not None}


def _public(session: Session, user: User, teacher: Teacher, unmask: bool) -> TeacherPublic:
    shown = _id_numbers(session, user, [teacher], unmask)
    values = {name: getattr(teacher, name) for name in LISTED_FIELDS}
    return TeacherPublic.model_validate(_shown_row(values, shown[teacher.id], unmask))


def _shown_row(values: dict[str, object], id_number: str | None, unmask: bool) -> dict:
    """A teacher's listed values as shown: the number as disclosed, the birth date as its
    month unless the number is disclosed too (the day would give the number back)."""
    born = values["birth_date"]
    return {
        **values,
        "id_number": id_number,
        "birth_month": birth_month(born),  # type: ignore[arg-type]
        "birth_date": born if unmask else None,
    }


def visible_teacher(session: Session, user: User, teacher_id: int) -> Teacher:
    """The teacher ``user`` may see, or "not found" (another county's looks the same)."""
    return get_visible(
        session,
        user,
        Teacher,
        teacher_id,
        REGISTRY_MESSAGES.text("teacher_not_found", key=teacher_id),
    )


def check_visible_school(session: Session, user: User, school_id: int) -> None:
    """422 ``school_unknown`` for a school outside the user's scope (a county's HR: another
    county's school), the answer a missing school gets. The teacher page's edit form checks
    a change of school with it too."""
    found = restrict(select(School.id).where(School.id == school_id), user, School)
    if session.exec(found).first() is None:
        raise InvalidInput(REGISTRY_MESSAGES.text("school_unknown", key=school_id))


TEACHER_PAGE = TypeAdapter(Page[TeacherPublic])
LISTED_FIELDS = tuple(
    name for name in TeacherPublic.model_fields if name not in {"id_number", "birth_month"}
)
LISTED_COLUMNS = (*(getattr(Teacher, name) for name in LISTED_FIELDS), Teacher.id_number_encrypted)
"""The list reads only what a page shows, and the encrypted number to mask."""


@router.get("", response_model=Page[TeacherPublic])
def list_teachers_route(
    request: Request,
    session: SessionDep,
    user: Reader,
    school_id: int | None = None,
    subject: Subject | None = None,
    post_type: PostType | None = None,
    status: TeacherStatus | None = None,
    zone: Zone | None = None,
    county: Annotated[str | None, Query(max_length=50, description="所属县（区）")] = None,
    key_teacher: Annotated[bool | None, Query(description="区级及以上在任骨干教师")] = None,
    leaving_undated: Annotated[bool, Query(
        description="只列离职、退休但未登记离岗日期的教师 / only teachers out of service with "
        "no leaving date")] = False,  # fmt: skip
    q: Annotated[
        str | None,
        Query(
            max_length=50,
            description="工号（精确）、姓名（前缀）；身份证号请用 POST /api/teachers/search",
        ),
    ] = None,
    unmask: Unmask = False,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """教师列表与查询（按权限范围）/ List and search the teachers you may see.

    An ID number in ``q`` is refused (422, without the number): it would stand in the
    address, and so in every access log and proxy log on the way; it goes by
    ``POST /teachers/search``. The page is validated and written to JSON here, in the
    request's worker thread, and returned as the finished response: FastAPI would otherwise
    validate the returned model a second time, in one more trip through the thread pool."""
    if looks_like_id_number(q):
        raise InvalidInput(API_MESSAGES.text("id_search_by_post"))
    if unmask:
        refuse_cross_site_disclosure(request)
    filters = TeacherFilters(
        school_id=school_id,
        subject=subject,
        post_type=post_type,
        status=status,
        zone=zone,
        county=county,
        key_teacher=key_teacher,
        q=q,
        leaving_undated=leaving_undated,
    )
    return _teacher_page(session, user, filters, unmask=unmask, skip=skip, limit=limit)


class TeacherSearch(BaseModel):
    """The teacher list's filters in a request body: how an ID number is searched for."""

    q: str | None = Field(
        default=None,
        max_length=50,
        description="身份证号（仅管理员和人事股）或工号（精确）、姓名（前缀）",
    )
    school_id: int | None = None
    subject: Subject | None = None
    post_type: PostType | None = None
    status: TeacherStatus | None = None
    zone: Zone | None = None
    county: str | None = Field(default=None, max_length=50, description="所属县（区）")
    key_teacher: bool | None = None
    leaving_undated: bool = Field(
        default=False, description="只列离职、退休但未登记离岗日期的教师"
    )
    unmask: bool = Field(
        default=False, description="完整身份证号（仅管理员和人事股，记入审计日志）"
    )
    skip: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=500)


@router.post("/search", response_model=Page[TeacherPublic])
def search_teachers_route(session: SessionDep, user: Reader, body: TeacherSearch) -> Response:
    """按身份证号等查询教师（条件在请求体中）/ Search the teachers you may see, the
    criteria (an ID number among them) in the body, out of every address and access log."""
    filters = TeacherFilters(
        school_id=body.school_id,
        subject=body.subject,
        post_type=body.post_type,
        status=body.status,
        zone=body.zone,
        county=body.county,
        key_teacher=body.key_teacher,
        q=body.q,
        leaving_undated=body.leaving_undated,
    )
    return _teacher_page(
        session, user, filters, unmask=body.unmask, skip=body.skip, limit=body.limit
    )


def _teacher_page(
    session: Session, user: User, filters: TeacherFilters, *, unmask: bool, skip: int, limit: int
) -> Response:
    """One page of the teacher list as the finished JSON response."""
    rows, count = list_teacher_rows(
        session, viewer=user, filters=filters, columns=LISTED_COLUMNS, skip=skip, limit=limit
    )
    shown = _id_numbers(session, user, rows, unmask)
    unseen = []
    if count > len(rows) and looks_like_id_number(filters.q):
        # the count tells that the number is a teacher's even for a page past the match
        # (skip 1): the matches the page leaves out are found all the same
        every, _ = list_teacher_rows(
            session, viewer=user, filters=filters, columns=LISTED_COLUMNS, skip=0, limit=count
        )
        on_page = {row.id for row in rows}
        unseen = [row for row in every if row.id not in on_page]
    # an unmasked page is logged already, teacher by teacher
    found = unseen if unmask else [*rows, *unseen]
    if record_id_number_search(session, actor=user.username, query=filters.q, found=found):
        session.commit()
    data = [
        _shown_row({name: row._mapping[name] for name in LISTED_FIELDS}, shown[row.id], unmask)
        for row in rows
    ]
    page = TEACHER_PAGE.validate_python({"data": data, "count": count})
    return Response(TEACHER_PAGE.dump_json(page), media_type="application/json")


@router.get("/{teacher_id}", response_model=TeacherDetail)
def read_teacher(
    request: Request,
    session: SessionDep,
    user: Reader,
    teacher_id: int,
    response: Response,
    unmask: Unmask = False,
) -> TeacherDetail:
    """教师详情：证书、称号、培训、交流经历、暂缓交流 / One teacher with their records."""
    if unmask:
        refuse_cross_site_disclosure(request)
    teacher = visible_teacher(session, user, teacher_id)
    public = _public(session, user, teacher, unmask)

    def children(model):  # type: ignore[no-untyped-def]
        return session.exec(
            select(model).where(model.teacher_id == teacher.id).order_by(model.id)
        ).all()

    training = children(TrainingRecord)
    response.headers["ETag"] = f'"{teacher.version}"'
    return TeacherDetail(
        **public.model_dump(),
        **teacher.model_dump(
            include={
                "first_employed_on",
                "other_subjects",
                "retirement_category",
                "retirement_confirmed_on",
                "created_at",
                "updated_at",
            }
        ),
        certificates=[CertificatePublic.model_validate(c) for c in children(Certificate)],
        designations=[DesignationPublic.model_validate(d) for d in children(Designation)],
        training=[TrainingPublic.model_validate(r) for r in training],
        training_hours_total=sum((r.hours for r in training), Decimal(0)),
        rotations=[RotationPublic.model_validate(r) for r in children(RotationRecord)],
        exemptions=[ExemptionPublic.model_validate(e) for e in children(Exemption)],
    )


@contextmanager
def _number_refusal_recorded(session: Session, user: User) -> Iterator[None]:
    """A change refused because its ID number is another teacher's is rolled back, and the
    disclosure that refusal makes is written and committed before the 409 goes out."""
    try:
        yield
    except IdNumberTaken as refused:
        session.rollback()
        record_number_refused(session, actor=user.username, holder=refused.holder)
        session.commit()
        raise


@router.post("", response_model=TeacherPublic, status_code=201)
def create_teacher_route(
    session: SessionDep, user: Editor, body: TeacherCreate, response: Response
) -> TeacherPublic:
    """新建教师 / Create a teacher."""
    check_visible_school(session, user, body.school_id)
    with _number_refusal_recorded(session, user):
        teacher = create_teacher(session, actor=user.username, data=body)
    session.commit()
    response.headers["ETag"] = f'"{teacher.version}"'
    return _public(session, user, teacher, unmask=False)


@router.patch("/{teacher_id}", response_model=TeacherPublic)
def update_teacher_route(
    session: SessionDep,
    user: Editor,
    teacher_id: int,
    body: TeacherPatch,
    if_match: IfMatch,
    response: Response,
) -> TeacherPublic:
    """修改教师信息（需提供读取时的版本号）/ Change a teacher; send the version you read."""
    changes = TeacherUpdate.model_validate(body.model_dump(exclude_unset=True, exclude={"version"}))
    visible_teacher(session, user, teacher_id)
    if changes.school_id is not None:
        check_visible_school(session, user, changes.school_id)
    with _number_refusal_recorded(session, user):
        teacher = update_teacher(
            session,
            actor=user.username,
            teacher_id=teacher_id,
            data=changes,
            version=chosen_version(if_match, body.version),
        )
    session.commit()
    response.headers["ETag"] = f'"{teacher.version}"'
    return _public(session, user, teacher, unmask=False)


@router.post("/{teacher_id}/deactivate", response_model=TeacherPublic)
def deactivate_teacher_route(
    session: SessionDep,
    user: Editor,
    teacher_id: int,
    body: TeacherDeactivate,
    if_match: IfMatch,
    response: Response,
) -> TeacherPublic:
    """教师离职或退休（不删除）/ Mark a teacher as left or retired; never deleted."""
    visible_teacher(session, user, teacher_id)
    teacher = deactivate_teacher(
        session,
        actor=user.username,
        teacher_id=teacher_id,
        version=chosen_version(if_match, body.version),
        status=body.status,
        left_on=body.left_on,
    )
    session.commit()
    response.headers["ETag"] = f'"{teacher.version}"'
    return _public(session, user, teacher, unmask=False)
