"""Read queries of the registry, always scoped to what the viewer may see.

The teacher list serves both browsing (filters, paging, an order) and the search box: ``q``
matches a staff number exactly in any case (as written, upper or lower case: each an index
lookup), an ID number exactly (through its keyed hash — the clear number is never compared;
only for a viewer who may see ID numbers in full: to anyone else a search that answers
"yes, this number is this teacher" would confirm guesses of the masked number — the birth
month shown, the gender, the district's area code leave some 15,000 candidates — so theirs is
refused),
a part of a name anywhere (``小红`` finds 张小红; a Latin-letter name by its start), or, for
Latin letters, the start of the name's pinyin initials (``zxh`` and ``zx`` find 张小红; :mod:`workforce.pinyin`, an indexed
column).

How many teachers match is counted once per filter, scope and day and kept until the registry
changes (:class:`~workforce.services.registry_cache.RegistryCache`): paging through a list or
reopening it does not count 100,000 rows again, and any change makes the next count fresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, or_, select
from sqlmodel import Session

from workforce.accounts.roles import Permission, allows
from workforce.accounts.scope import Viewer, is_city_level, restrict, scope_key
from workforce.idnumber import IdNumberError, lookup_hash, parse_id_number
from workforce.models import School, Teacher
from workforce.services.attention import attention_condition, undated_leaving_condition
from workforce.services.errors import InvalidInput
from workforce.services.key_teachers import (
    key_teacher_condition,
    key_teacher_count,
    key_teacher_ids,
)
from workforce.services.messages import REGISTRY_MESSAGES
from workforce.services.registry_cache import RegistryCache

SORT_COLUMNS = {
    "staff_no": Teacher.staff_no,
    "name": Teacher.name,
    "school": Teacher.school_id,
    "title": Teacher.title,
    "joined": Teacher.joined_school_on,
}
"""The orders a teacher list may be sorted by (``-`` before the key: descending); ties and
no order at all go by id."""

TEACHER_COUNTS: RegistryCache[int] = RegistryCache(max_entries=1024)
"""Matching teachers by (filters, viewer's scope, as-of day), until the registry changes."""


@dataclass(frozen=True)
class TeacherFilters:
    school_id: int | None = None
    subject: str | None = None
    post_type: str | None = None
    status: str | None = None
    zone: str | None = None
    county: str | None = None
    """Teachers of the schools of this county (所属县（区）)."""
    key_teacher: bool | None = None
    q: str | None = None
    attention_days: int | None = None
    """Only teachers whose certificate registration or key-teacher term needs attention,
    with this many days' notice (:mod:`workforce.services.attention`); None: everyone."""
    leaving_undated: bool = False
    """Only teachers out of service with no leaving date on record (the worklist of the
    reports' note on them, :func:`workforce.services.attention.undated_leaving_condition`)."""


@dataclass(frozen=True)
class SchoolFilters:
    zone: str | None = None
    level: str | None = None
    town: str | None = None
    county: str | None = None
    active: bool | None = None
    q: str | None = None


def searched_text(q: str) -> str:
    """The search box's text as the registry stores what it is compared with: full-width
    letters and digits as ASCII (NFKC: ``Ｔ００１９８２`` is ``T001982``, as the import reads
    it), spaces between Chinese characters dropped (``李 芳``, the Excel habit of lining up
    two-character names, finds 李芳), outer spaces trimmed."""
    from workforce.io.cells import person_name

    return person_name(unicodedata.normalize("NFKC", q).strip())


def _search_condition(q: str, viewer: Viewer):  # type: ignore[no-untyped-def]
    """Every term an index answers, except a Chinese part of a name: ``LIKE '%…%'`` reads the
    names (fast enough, and what people expect of a name search). A Latin-letter or digit
    query (a staff number, an ID number, initials) stays index-only, so its single answer
    is found without reading 100,000 names."""
    text = searched_text(q)
    conditions = [Teacher.staff_no.in_(sorted({text, text.upper(), text.lower()}))]  # type: ignore[attr-defined]
    if text.isascii():
        for prefix in sorted({text, text.upper()}):  # the start of a staff number: T00198…
            conditions.append((Teacher.staff_no > prefix) & (Teacher.staff_no < prefix + "\U0010ffff"))
        conditions.append((Teacher.name >= text) & (Teacher.name < text + "\U0010ffff"))
        if text.isalpha():
            initials = text.lower()
            conditions.append(
                (Teacher.name_initials >= initials) & (Teacher.name_initials < initials + "{")
            )
    else:
        conditions.append(Teacher.name.contains(text, autoescape=True))  # type: ignore[attr-defined]
    with contextlib.suppress(IdNumberError):
        number = parse_id_number(text).value
        if not allows(viewer.role, Permission.unmask_id_numbers):
            raise InvalidInput(REGISTRY_MESSAGES.text("id_search_needs_right"))
        conditions.append(Teacher.id_number_hash == lookup_hash(number))
    return or_(*conditions)


def list_teachers(
    session: Session,
    *,
    viewer: Viewer,
    filters: TeacherFilters,
    skip: int,
    limit: int,
    as_of: dt.date | None = None,
    order: str | None = None,
) -> tuple[Sequence[Teacher], int]:
    """One page of the teachers ``viewer`` may see that match ``filters`` (in ``order``, a
    key of :data:`SORT_COLUMNS`, else by id), and how many match in all."""
    page_ids, count = _teacher_page(session, viewer, filters, skip, limit, as_of, order)
    rows_statement = select(Teacher).where(Teacher.id.in_(page_ids)).order_by(*_order_by(order))
    return session.execute(rows_statement).scalars().all(), count


def list_teacher_rows(
    session: Session,
    *,
    viewer: Viewer,
    filters: TeacherFilters,
    columns: Sequence[Any],
    skip: int,
    limit: int,
    as_of: dt.date | None = None,
    order: str | None = None,
) -> tuple[Sequence[Row[Any]], int]:
    """Like :func:`list_teachers`, but only the Teacher ``columns`` of each row: a page for
    the API is read as plain rows, without building an ORM object (and its change tracking)
    per teacher that the response never changes."""
    page_ids, count = _teacher_page(session, viewer, filters, skip, limit, as_of, order)
    rows_statement = select(*columns).where(Teacher.id.in_(page_ids)).order_by(*_order_by(order))
    return session.execute(rows_statement).all(), count


def _teacher_page(
    session: Session,
    viewer: Viewer,
    filters: TeacherFilters,
    skip: int,
    limit: int,
    as_of: dt.date | None,
    order: str | None = None,
) -> tuple[Select[tuple[int]], int]:
    """The ids of the page's teachers (a statement) and how many match in all (counted, or
    kept from an earlier count at the same registry version)."""
    as_of = as_of or dt.date.today()
    conditions = _teacher_conditions(filters, viewer)
    if filters.attention_days is not None:
        conditions.append(attention_condition(as_of, filters.attention_days))
    if filters.leaving_undated:
        conditions.append(undated_leaving_condition())
    if filters.key_teacher and not conditions and is_city_level(viewer) and not order:
        # The district's key teachers, nothing else asked: straight from the designations.
        count_statement = key_teacher_count(as_of)
        page_ids = key_teacher_ids(as_of).offset(skip).limit(limit)
    else:
        if filters.key_teacher is not None:
            condition = key_teacher_condition(as_of)
            conditions.append(condition if filters.key_teacher else ~condition)
        count_statement = restrict(
            select(func.count()).select_from(Teacher).where(*conditions), viewer, Teacher
        )
        # The page's ids first, then their rows: the skipping and sorting work on ids (from
        # the narrowest index that answers), and only the page's rows are read in full.
        page_ids = (
            restrict(select(Teacher.id).where(*conditions), viewer, Teacher)
            .order_by(*_order_by(order))
            .offset(skip)
            .limit(limit)
        )
    count = TEACHER_COUNTS.get(
        session,
        (filters, scope_key(viewer), as_of),
        lambda: session.execute(count_statement).scalar_one(),
    )
    return page_ids, count


def _order_by(order: str | None) -> list[Any]:
    """ORDER BY terms of ``order`` (an unknown one is no order), then the id."""
    key = (order or "").removeprefix("-")
    column = SORT_COLUMNS.get(key)
    if column is None:
        return [Teacher.id]
    return [column.desc() if (order or "").startswith("-") else column.asc(), Teacher.id]


def _teacher_conditions(f: TeacherFilters, viewer: Viewer) -> list[Any]:
    """Conditions on Teacher for every filter but ``key_teacher``."""
    conditions: list[Any] = []
    if f.school_id is not None:
        conditions.append(Teacher.school_id == f.school_id)
    if f.subject:
        conditions.append(Teacher.main_subject == f.subject)
    if f.post_type:
        conditions.append(Teacher.post_type == f.post_type)
    if f.status:
        conditions.append(Teacher.status == f.status)
    if f.zone:
        conditions.append(Teacher.school_id.in_(select(School.id).where(School.zone == f.zone)))
    if f.county and f.county.strip():
        of_county = select(School.id).where(School.county == f.county.strip())
        conditions.append(Teacher.school_id.in_(of_county))
    if f.q and f.q.strip():
        conditions.append(_search_condition(f.q, viewer))
    return conditions


def list_schools(
    session: Session, *, viewer: Viewer, filters: SchoolFilters, skip: int, limit: int
) -> tuple[Sequence[School], int]:
    statement = restrict(select(School), viewer, School)
    f = filters
    if f.zone:
        statement = statement.where(School.zone == f.zone)
    if f.level:
        statement = statement.where(School.level == f.level)
    if f.town:
        statement = statement.where(School.town == f.town)
    if f.county and f.county.strip():
        statement = statement.where(School.county == f.county.strip())
    if f.active is not None:
        statement = statement.where(School.active == f.active)
    if f.q and f.q.strip():
        text = f.q.strip()
        statement = statement.where(or_(School.code == text, School.name.contains(text)))
    count = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = (
        session.execute(statement.order_by(School.code).offset(skip).limit(limit)).scalars().all()
    )
    return rows, count
