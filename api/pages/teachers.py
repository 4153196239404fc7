"""The teacher list (filters, search, paging) and the teacher page (details with the ID number
masked, certificates, designations, training hours this cycle, rotation history, exemptions),
with HR's edit form and a clerk's correction form (:mod:`api.pages.teacher_forms`).

Every query goes through the registry's scoped services (``list_teachers``, ``visible_teacher``),
so a clerk sees their own school only and another school's teacher is "not found".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from api.deps import Reader, SessionDep
from api.i18n import page_language
from api.i18n.catalogue import UI
from api.messages import API_MESSAGES
from api.pages.plan_moves import parse_page
from api.pages.rendering import render
from api.pages.routing import page_router
from api.pages.teacher_attention import attention_context
from api.pages.teacher_forms import editing_context
from api.pages.teacher_values import form_number
from api.redaction import looks_like_id_number
from api.routes.teachers import visible_teacher
from workforce.accounts.models import User
from workforce.codes import code_list
from workforce.dates import years_between
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
from workforce.reports.messages import enum_label
from workforce.rules.local import training_rules
from workforce.rules.training import assess
from workforce.services.disclosure import record_id_number_search
from workforce.services.errors import InvalidInput
from workforce.services.key_teachers import key_designation
from workforce.services.messages import REGISTRY_MESSAGES, Text
from workforce.services.queries import (
    SORT_COLUMNS,
    SchoolFilters,
    TeacherFilters,
    list_schools,
    list_teachers,
)
from workforce.services.teachers import masked_id_number

router = page_router()

PAGE_SIZE = 50
FILTER_LISTS = {"subject": "subjects", "post_type": "post_types", "status": "teacher_statuses"}
ATTENTION_CHOICES = "^(|yes|leaving)$"
"""The list's 需关注 filter: certificate registrations or key-teacher terms expiring (``yes``),
teachers out of service with no leaving date (``leaving``)."""


def parse_code(list_name: str, value: str | None) -> str | None:
    """The code a filter names (blank means any); an unknown value is a clear 422."""
    if not value:
        return None
    codes = code_list(list_name)
    code = codes.parse(value)
    if code is None:
        raise InvalidInput(
            REGISTRY_MESSAGES.text(
                "unknown_code",
                value=value,
                list_name=list_name,
                choices_zh="、".join(c.zh for c in codes.codes),
                choices=", ".join(codes.code_values),
            )
        )
    return code


def visible_schools(session: Session, user: User) -> list[School]:
    """The schools the user may see, by type (the school levels' order: kindergartens,
    primary, …) and then code, as the school pickers list them."""
    rows, _ = list_schools(session, viewer=user, filters=SchoolFilters(), skip=0, limit=10_000)
    levels = {code: i for i, code in enumerate(code_list("school_levels").code_values)}
    return sorted(rows, key=lambda s: (levels.get(s.level, len(levels)), s.code))


def key_teachers_among(session: Session, teacher_ids: list[int | None]) -> set[int]:
    """Which of these teachers are key teachers today (one query for the page)."""
    if not teacher_ids:
        return set()
    statement = select(Designation.teacher_id).where(
        Designation.teacher_id.in_(teacher_ids),  # type: ignore[attr-defined]
        *key_designation(dt.date.today()),
    )
    return set(session.exec(statement).all())


@dataclass(frozen=True)
class ListCriteria:
    """The list's filters as the form or the address gives them (text, parsed here)."""

    school_id: str | None
    subject: str | None
    post_type: str | None
    status: str | None
    key_teacher: str | None
    q: str | None
    sort: str | None
    attention: str | None = None
    county: str | None = None

    def query(self, page: int, sort: str | None = None) -> str:
        """The address of a page of this list; an ID number is left out of it (its search
        has one answer, and the address would put it in the logs)."""
        shown = {
            "county": self.county,
            "school_id": self.school_id,
            "subject": self.subject,
            "post_type": self.post_type,
            "status": self.status,
            "key_teacher": self.key_teacher,
            "q": None if looks_like_id_number(self.q) else self.q,
            "attention": self.attention,
            "sort": sort if sort is not None else self.sort,
            "page": page,
        }
        return "/teachers?" + urlencode({k: v for k, v in shown.items() if v})

    def filters(self, notice_days: int) -> TeacherFilters:
        """The query's filters (an unknown code is a clear 422); ``notice_days``: how far
        ahead the attention filter looks (the setting ``expiry_notice_days``)."""
        school_id = self.school_id
        return TeacherFilters(
            school_id=form_number(school_id),
            subject=parse_code("subjects", self.subject),
            post_type=parse_code("post_types", self.post_type),
            status=parse_code("teacher_statuses", self.status),
            county=self.county or None,
            key_teacher={"yes": True, "no": False}.get(self.key_teacher or ""),
            q=self.q,
            attention_days=notice_days if self.attention == "yes" else None,
            leaving_undated=self.attention == "leaving",
        )

    @property
    def order(self) -> str | None:
        """The sort the list is in (a key of ``SORT_COLUMNS``, ``-`` first: descending);
        an unknown one is none."""
        return self.sort if (self.sort or "").removeprefix("-") in SORT_COLUMNS else None


def list_criteria(
    school_id: Annotated[str | None, Query(max_length=12)] = None,
    subject: Annotated[str | None, Query(max_length=32)] = None,
    post_type: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    key_teacher: Annotated[str | None, Query(pattern="^(|yes|no)$")] = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
    attention: Annotated[str | None, Query(pattern=ATTENTION_CHOICES)] = None,
    sort: Annotated[str | None, Query(max_length=16)] = None,
    county: Annotated[str | None, Query(max_length=50)] = None,
) -> ListCriteria:
    """The list's criteria from an address: the list page's and its Excel export's (one
    parser, so the export always has exactly the list's filters). An ID number in the address
    is refused: the search form sends it by POST, out of the access log."""
    if looks_like_id_number(q):
        raise InvalidInput(API_MESSAGES.text("id_search_by_post"))
    return ListCriteria(school_id, subject, post_type, status, key_teacher, q, sort, attention,
                        county)  # fmt: skip


@router.get("/teachers")
def teacher_list(
    request: Request,
    session: SessionDep,
    user: Reader,
    criteria: Annotated[ListCriteria, Depends(list_criteria)],
    page: Annotated[str, Query(max_length=20)] = "1",
) -> Response:
    """The list, filtered and sorted by the address (links, paging). A page number that is
    not one is answered on the list (page 1, 422) with what is wrong; one past the end shows
    the last page."""
    number = parse_page(page)
    if number is None:
        error = UI.text("page_invalid", value=page)
        return _list_page(request, session, user, criteria, 1, error=error)
    return _list_page(request, session, user, criteria, number)


@router.post("/teachers")
def teacher_search(
    request: Request,
    session: SessionDep,
    user: Reader,
    school_id: Annotated[str | None, Form(max_length=12)] = None,
    subject: Annotated[str | None, Form(max_length=32)] = None,
    post_type: Annotated[str | None, Form(max_length=32)] = None,
    status: Annotated[str | None, Form(max_length=32)] = None,
    key_teacher: Annotated[str | None, Form(pattern="^(|yes|no)$")] = None,
    q: Annotated[str | None, Form(max_length=50)] = None,
    attention: Annotated[str | None, Form(pattern=ATTENTION_CHOICES)] = None,
    county: Annotated[str | None, Form(max_length=50)] = None,
) -> Response:
    """The search form: its fields in the body, so that an ID number never stands in an
    address (and so in no access or proxy log, no browser history)."""
    criteria = ListCriteria(school_id, subject, post_type, status, key_teacher, q, None, attention,
                            county)  # fmt: skip
    return _list_page(request, session, user, criteria, 1)


def _list_page(
    request: Request,
    session: Session,
    user: User,
    criteria: ListCriteria,
    page: int,
    error: Text | None = None,
) -> Response:
    schools = visible_schools(session, user)
    filters = criteria.filters(notice_days(request))
    sort = criteria.order
    rows, count = list_teachers(
        session,
        viewer=user,
        filters=filters,
        skip=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        order=sort,
    )
    pages = max(1, -(-count // PAGE_SIZE))
    if page > pages:  # past the end: the last page (the count is kept, so this is cheap)
        page = pages
        rows, count = list_teachers(
            session,
            viewer=user,
            filters=filters,
            skip=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            order=sort,
        )
    if record_id_number_search(session, actor=user.username, query=filters.q, found=rows):
        session.commit()
    language = page_language(request)
    return render(
        request,
        "teachers.html",
        user=user,
        status_code=422 if error else 200,
        error=None if error is None else (error.zh if language == "zh" else error.en),
        sort=sort or "",
        sort_url=lambda key: criteria.query(1, "-" + key if sort == key else key),
        key_teachers=key_teachers_among(session, [t.id for t in rows]),
        years_at_school=lambda t: years_between(t.joined_school_on, dt.date.today()),
        teachers=rows,
        count=count,
        page=page,
        pages=pages,
        schools=schools,
        school_names={s.id: s.name for s in schools},
        counties=_county_choices(schools),
        filters=filters,
        key_teacher=criteria.key_teacher or "",
        attention=criteria.attention or "",
        q=criteria.q or "",
        code_lists={key: code_list(name).codes for key, name in FILTER_LISTS.items()},
        page_url=criteria.query,
    )


def _county_choices(schools: list[School]) -> list[str]:
    """The county filter's choices: the counties of the schools the user sees, when they are
    more than one group (none for a county's user, a clerk, or a registry of one county)."""
    groups = {s.county or "" for s in schools}
    return sorted(groups - {""}) if len(groups) > 1 else []


def notice_days(request: Request) -> int:
    """The setting ``expiry_notice_days``: how far ahead an expiry is flagged."""
    return int(request.app.state.settings.expiry_notice_days)


def _children(session: Session, model: type, teacher_id: int) -> list:  # type: ignore[type-arg]
    return list(
        session.exec(select(model).where(model.teacher_id == teacher_id).order_by(model.id)).all()  # type: ignore[attr-defined]
    )


def training_this_cycle(teacher: Teacher, records: list[TrainingRecord], today: dt.date) -> dict:  # type: ignore[type-arg]
    """Hours recorded in the cycle containing ``today`` and the training rule's assessment."""
    rules = training_rules()
    cycle = rules.cycle_on(today)
    in_cycle = [r for r in records if cycle.start <= r.date <= min(today, cycle.end)]
    hours = sum((r.hours for r in in_cycle), Decimal(0))
    assessment = assess(float(hours), teacher.first_employed_on, cycle, today, rules)
    return {"cycle": cycle, "records": in_cycle, "hours": hours, "assessment": assessment}


@router.get("/teachers/{teacher_id}")
def teacher_page(request: Request, session: SessionDep, user: Reader, teacher_id: int) -> Response:
    return render_teacher(request, session, user, teacher_id)


def render_teacher(
    request: Request,
    session: Session,
    user: User,
    teacher_id: int,
    *,
    status_code: int = 200,
    **forms: Any,
) -> Response:
    """The teacher page; ``forms`` carries a form sent back (HR's edit, a clerk's correction)
    with what was written in it and what is wrong, so nothing typed is lost."""
    teacher = visible_teacher(session, user, teacher_id)
    rotations = _children(session, RotationRecord, teacher_id)
    school_ids = (
        {teacher.school_id}
        | {r.from_school_id for r in rotations}
        | {r.to_school_id for r in rotations}
    )
    schools = {s.id: s.name for s in session.exec(select(School).where(School.id.in_(school_ids)))}  # type: ignore[union-attr]
    records = _children(session, TrainingRecord, teacher_id)
    training = training_this_cycle(teacher, records, dt.date.today())
    language = page_language(request)
    certificates = _children(session, Certificate, teacher_id)
    designations = _children(session, Designation, teacher_id)
    attention = attention_context(
        session, teacher, certificates, designations, records, language, notice_days(request)
    )
    return render(
        request,
        "teacher.html",
        user=user,
        status_code=status_code,
        teacher=teacher,
        id_number=masked_id_number(teacher),
        birth_month=birth_month(teacher.birth_date),
        school_names=schools,
        certificates=certificates,
        designations=designations,
        **attention,
        training=training,
        training_status=enum_label("training_status", training["assessment"].status, language),
        rotations=rotations,
        exemptions=_children(session, Exemption, teacher_id),
        **editing_context(session, user, teacher, language, forms),
    )
