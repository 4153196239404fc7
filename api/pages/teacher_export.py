"""The teacher list, as filtered on its page, as an Excel file (``/teachers.xlsx`` with the
list's own query, parsed by the list's own :func:`~api.pages.teachers.list_criteria`: school,
subject, post type, status, key teacher, attention, search and sort): every matching teacher
the user may see, in the list's order, not only the page on screen, written by the reports'
workbook writer (:func:`workforce.reports.xlsx.write_xlsx`: title rows with the district, the
date and the filter in words, the header frozen, codes as their labels). No ID numbers and no
birth dates: the list shows neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlmodel import Session

from api.deps import Reader, SessionDep
from api.downloads import download, written_file
from api.i18n import page_language, translator
from api.pages.routing import page_router
from api.pages.teachers import ListCriteria, list_criteria, notice_days
from workforce.accounts.models import User
from workforce.accounts.scope import restrict
from workforce.codes import code_list
from workforce.models import School, Teacher
from workforce.reports.counties import school_unit
from workforce.reports.result import Column, Note, Report, View
from workforce.reports.xlsx import write_xlsx
from workforce.services.queries import TeacherFilters, list_teacher_rows

router = page_router()

CHUNK = 5_000
"""Teachers read per query (the list query names its page's ids in an IN list)."""
COLUMNS = (
    ("staff_no", "staff_no", "text"),
    ("name", "name", "text"),
    ("school_name", "school", "text"),
    ("main_subject", "field_subject", "code:subjects"),
    ("post_type", "field_post_type", "code:post_types"),
    ("status", "field_status", "code:teacher_statuses"),
)
"""(row key, UI message id of the header, kind): the list page's columns."""


def _rows(
    session: Session, user: User, filters: TeacherFilters, order: str | None
) -> list[dict[str, object]]:
    columns = (Teacher.staff_no, Teacher.name, Teacher.school_id, Teacher.main_subject,
               Teacher.post_type, Teacher.status)  # fmt: skip
    schools = {i: n for i, n in session.execute(select(School.id, School.name)).all()}
    rows: list[dict[str, object]] = []
    while True:
        chunk, count = list_teacher_rows(
            session, viewer=user, filters=filters, columns=columns, skip=len(rows), limit=CHUNK,
            order=order,
        )  # fmt: skip
        rows += [
            {"staff_no": r.staff_no, "name": r.name, "school_name": schools.get(r.school_id, ""),
             "main_subject": r.main_subject, "post_type": r.post_type, "status": r.status}
            for r in chunk
        ]  # fmt: skip
        if not chunk or len(rows) >= count:
            return rows


def _words(filters: TeacherFilters, session: Session, user: User, language: str) -> str:
    """The filter in words, for the sheet's title rows (a school by name when ``user`` may
    see it, else by its number)."""
    t = translator(language)  # type: ignore[arg-type]
    parts = []
    own = _own_school(session, user)
    if filters.school_id is None and own is not None:  # a clerk's list is their school's
        parts.append(f"{t('school')}：{own.name}")
    elif filters.school_id is None and user.county:  # a county officer's, their county's
        parts.append(f"{t('county')}：{user.county}")
    if filters.school_id is not None:
        shown = restrict(select(School.name).where(School.id == filters.school_id), user, School)
        name = session.execute(shown).scalar()
        parts.append(f"{t('school')}：{name or filters.school_id}")
    for key, list_name in (("subject", "subjects"), ("post_type", "post_types"),
                           ("status", "teacher_statuses")):  # fmt: skip
        value = getattr(filters, key)
        if value:
            parts.append(f"{t('field_' + key)}：{code_list(list_name).label(value, language)}")
    if filters.key_teacher is not None:
        parts.append(f"{t('key_teacher')}：{t('yes' if filters.key_teacher else 'no')}")
    if filters.attention_days is not None:
        parts.append(f"{t('needs_attention')}：{t('attention_filter')}")
    if filters.leaving_undated:
        parts.append(f"{t('needs_attention')}：{t('attention_leaving_filter')}")
    if filters.q:
        parts.append(f"{t('search')}：{filters.q}")
    return ("；" if language == "zh" else "; ").join(parts) or t("teacher_list_all")


def _own_school(session: Session, user: User) -> School | None:
    """The school a clerk is bound to (None for every other user)."""
    return session.get(School, user.school_id) if user.school_id is not None else None


@router.get("/teachers.xlsx")
def teacher_list_workbook(
    request: Request,
    session: SessionDep,
    user: Reader,
    criteria: Annotated[ListCriteria, Depends(list_criteria)],
) -> Response:
    """Every teacher of the filtered list, as the list page shows them."""
    filters = criteria.filters(notice_days(request))
    language = page_language(request)
    zh, en = translator("zh"), translator("en")
    view = View(
        key="teachers",
        zh=zh("teacher_list_title"),
        en=en("teacher_list_title"),
        columns=[Column(key=k, zh=zh(m), en=en(m), kind=kind) for k, m, kind in COLUMNS],
        rows=_rows(session, user, filters, criteria.order),
    )
    report = Report(
        name="teachers",
        zh=zh("teacher_list_title"),
        en=en("teacher_list_title"),
        as_of=dt.date.today(),
        views=[view],
        scope=Note(
            zh=zh("teacher_list_scope", what=_words(filters, session, user, "zh")),
            en=en("teacher_list_scope", what=_words(filters, session, user, "en")),
        ),
        unit=school_unit(_own_school(session, user)),  # a clerk's list is their school's
    )
    content = written_file("teachers.xlsx", lambda path: write_xlsx(report, path, language))
    return download(content, f"{report.title(language)}-{report.as_of.isoformat()}.xlsx")
