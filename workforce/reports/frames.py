"""Set-based loading of the registry into pandas frames for the reports.

Each function is one SQL query (aggregated in the database where a report needs a sum), so a
report over 100,000 teachers costs a handful of queries, never one per teacher. Reports built
together may share their reads: inside :func:`shared_reads` each table (schools, teachers,
certificates, designations, rotations) is read once for the session and every report gets its
own copy of the frame (pandas copies on write), filtered as it asked. Dates come
back as ``datetime.date`` objects; :func:`day_array` turns a column into ``datetime64[D]`` when a
report compares dates in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from workforce.models import (
    Certificate,
    Designation,
    RotationRecord,
    School,
    Teacher,
    TrainingRecord,
)
from workforce.rules.leaving import GONE

SCHOOL_COLUMNS = (
    "id",
    "code",
    "name",
    "town",
    "zone",
    "level",
    "ownership",
    "is_quality",
    "is_weak",
    "pupils",
    "disabled_pupils",
    "active",
    "county",
)
TEACHER_COLUMNS = (
    "id",
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "post_type",
    "first_employed_on",
    "school_id",
    "joined_school_on",
    "main_subject",
    "education",
    "title",
    "is_head_teacher",
    "is_principal",
    "retirement_category",
    "retirement_confirmed_on",
    "status",
    "left_on",
)


def _frame(session: Session, statement, columns: Iterable[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The statement's rows as a frame, built column by column.

    The driver's rows are taken as they are and each column's result conversion (on SQLite:
    text to date, 0/1 to bool) runs once per distinct value, not once per row and cell
    through SQLAlchemy's row objects (half the cost of reading 100,000 teachers). pandas
    inspecting each row object would cost seconds more.
    """
    names = list(columns)
    connection = session.connection()
    result = connection.execute(statement)
    description = result.cursor.description
    rows = result.cursor.fetchall()
    result.close()
    if not rows:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in names})
    dialect = connection.dialect
    return pd.DataFrame(
        {
            name: _converted(list(values), column.type, dialect, described[1])
            for name, values, column, described in zip(
                names, zip(*rows, strict=True), statement.selected_columns, description,
                strict=True,
            )
        }
    )  # fmt: skip


def _converted(values: list[Any], sql_type: TypeEngine, dialect: Dialect, code: Any) -> list[Any]:  # type: ignore[type-arg]
    """``values`` through the column type's result conversion, once per distinct value."""
    process = sql_type.dialect_impl(dialect).result_processor(dialect, code)
    if process is None:
        return values
    if len(set(map(type, values)) - {type(None)}) > 1:  # 1 == 1.0 == True: no shared cache
        return [process(value) for value in values]
    done = {value: process(value) for value in set(values)}
    return list(map(done.__getitem__, values))


SHARED_READS = "workforce.reports.shared_reads"
"""``Session.info`` key of the frames read once for reports built together."""


@contextmanager
def shared_reads(session: Session) -> Iterator[None]:
    """Let the reports built in this block on ``session`` share one read of each table.

    For building several reports over the same registry (all reports at once): a
    100,000-teacher district's teacher table costs about a second per read. The reads are
    kept only inside the block, so no report outside it sees them; the reports only read.
    """
    session.info[SHARED_READS] = {}
    try:
        yield
    finally:
        session.info.pop(SHARED_READS, None)


def _read(session: Session, table: str, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``load()``, or, inside :func:`shared_reads`, the table's one shared read (a copy)."""
    shared = session.info.get(SHARED_READS)
    if shared is None:
        return load()
    if table not in shared:
        shared[table] = load()
    return shared[table].copy(deep=False)


def schools(session: Session) -> pd.DataFrame:
    """Every school, one row each."""
    statement = select(*(getattr(School, c) for c in SCHOOL_COLUMNS))
    return _read(session, "schools", lambda: _frame(session, statement, SCHOOL_COLUMNS))


def teachers(
    session: Session,
    statuses: Iterable[str] | None = None,
    school_id: int | None = None,
    columns: Iterable[str] = TEACHER_COLUMNS,
    *,
    post_types: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Teachers, optionally only those with one of ``statuses``, at one school and of one of
    ``post_types``, with only the ``columns`` a report reads (each column read costs a
    conversion per row: a report that needs a subset asks the database for it)."""
    names = list(columns)
    if SHARED_READS in session.info:
        every = _read(
            session, "teachers", lambda: _teachers(session, None, None, list(TEACHER_COLUMNS))
        )
        if statuses is not None:
            every = every[every["status"].isin(list(statuses))]
        if school_id is not None:
            every = every[every["school_id"] == school_id]
        if post_types is not None:
            every = every[every["post_type"].isin(list(post_types))]
        return every[names].reset_index(drop=True)
    return _teachers(session, statuses, school_id, names, post_types)


def employed_by(teachers: pd.DataFrame, day: dt.date) -> pd.Series:
    """Which teachers were employed on ``day``: first employed by then (when the date is not
    recorded, joined their school by then). Needs the ``first_employed_on`` and
    ``joined_school_on`` columns. A report dated in the past must not count people hired after
    its date."""
    first = teachers["first_employed_on"]
    joined = teachers["joined_school_on"]
    return pd.Series(
        [
            (f <= day) if f is not None and f == f else (j is not None and j <= day)
            for f, j in zip(first, joined, strict=True)
        ],
        index=teachers.index,
        dtype=bool,
    )


def teachers_of_school_on(
    session: Session,
    school_id: int,
    day: dt.date,
    statuses: Iterable[str],
    columns: Iterable[str],
) -> pd.DataFrame:
    """The teachers who may have been at ``school_id`` on ``day`` (:func:`schools_on` decides):
    those there now and those with a rotation record out of it starting after ``day``; two
    small queries instead of reading the whole district for one school (its dashboard)."""
    names = list(columns)
    here = teachers(session, statuses, school_id, names)
    leaving = session.execute(
        select(RotationRecord.teacher_id)
        .where(RotationRecord.from_school_id == school_id, RotationRecord.start_on > day)
        .distinct()
    ).scalars().all()
    if not leaving:
        return here
    statement = select(*(getattr(Teacher, c) for c in names)).where(
        Teacher.id.in_(list(leaving)), Teacher.status.in_(list(statuses))
    )
    away = _frame(session, statement, names)
    both = pd.concat([here, away[~away["id"].isin(here["id"])]], ignore_index=True)
    return both


def schools_on(session: Session, teachers: pd.DataFrame, day: dt.date) -> pd.Series:
    """Each teacher's school on ``day`` (``id`` and ``school_id`` columns): the source school
    of their first rotation record (transfer or secondment) starting after ``day`` — the
    registry moves a teacher when the move is recorded, or when a plan is applied, ahead of
    its start — else the current school. On a move's first day the teacher is at the new
    school. (The rotation report's reference day reads a move starting on it as after it:
    :func:`workforce.reports.rotation_history.place_on`.)"""
    if SHARED_READS in session.info:
        moves = rotations(session)
        later = moves.loc[day_array(moves["start_on"]) > np.datetime64(day, "D"),
                          ["teacher_id", "from_school_id", "start_on"]]  # fmt: skip
    else:  # only the moves after the day, three columns: most of the history is older
        statement = select(
            RotationRecord.teacher_id, RotationRecord.from_school_id, RotationRecord.start_on
        ).where(RotationRecord.start_on > day)
        later = _frame(session, statement, ("teacher_id", "from_school_id", "start_on"))
    current = teachers["school_id"]
    if not len(later) or not len(teachers):
        return current.copy()
    first = later.sort_values("start_on", kind="stable").drop_duplicates("teacher_id")
    source = pd.Series(
        first["from_school_id"].to_numpy(dtype=np.int64),
        index=first["teacher_id"].to_numpy(dtype=np.int64),
    )
    placed = teachers["id"].astype(np.int64).map(source)
    return placed.fillna(current).astype(current.dtype)


RETIREMENT_COLUMNS = ("birth_date", "gender", "retirement_category", "retirement_confirmed_on")
"""What :func:`retirement_dates` reads of a teacher."""


def retirement_dates(teachers: pd.DataFrame) -> list[dt.date]:
    """Each teacher's retirement date (:func:`workforce.rules.retirement.retirement_date`: the
    HR-confirmed date, else the statutory one), computed once per distinct (birth date,
    category, confirmed date). Needs :data:`RETIREMENT_COLUMNS`. A teacher without a category
    (退休类别 is optional in the import) gets the default of their gender: a column holding
    some empty cells reads them as NaN, not None, and NaN is not falsy — one teacher imported
    without it ended the rotation report for everyone."""
    from workforce.rules.retirement import default_category, retirement_date

    keys = list(
        zip(
            teachers["birth_date"].tolist(),
            [c if isinstance(c, str) and c else default_category(g) for c, g in zip(
                teachers["retirement_category"].tolist(), teachers["gender"].tolist(), strict=True
            )],
            [None if pd.isna(c) else c for c in teachers["retirement_confirmed_on"].tolist()],
            strict=True,
        )
    )  # fmt: skip
    done = {key: retirement_date(*key) for key in set(keys)}
    return list(map(done.__getitem__, keys))


def service_ends(teachers: pd.DataFrame, serving: Iterable[str], today: dt.date | None = None
                 ) -> list[dt.date]:
    """Each teacher's first day out of service (`workforce.rules.leaving`): ``date.max`` for one
    still serving (status in ``serving``); the recorded leaving date (``left_on``) of one who
    left or retired; for a retiree without it, the retirement date — one after ``today`` (the
    real date: the teacher is already retired) cannot be right and is not relied on; else
    ``date.min``: a leaver whose leaving date was not recorded is not counted on any day.
    Needs ``status``, ``left_on`` and :data:`RETIREMENT_COLUMNS`."""
    today = today or dt.date.today()
    status = teachers["status"].tolist()
    left_on = teachers["left_on"].tolist()
    serves = set(serving)
    known = [isinstance(d, dt.date) and not pd.isna(d) for d in left_on]  # NaT is a date too
    ends = [
        dt.date.max if s in serves else d if k else dt.date.min
        for s, d, k in zip(status, left_on, known, strict=True)
    ]
    unknown = [i for i, (s, k) in enumerate(zip(status, known, strict=True))
               if s == "retired" and not k]  # fmt: skip
    if unknown:
        statutory = retirement_dates(teachers.iloc[unknown])
        for i, day in zip(unknown, statutory, strict=True):
            ends[i] = day if day <= today else dt.date.min
    return ends


def in_service_on(
    teachers: pd.DataFrame,
    day: dt.date,
    serving: Iterable[str],
    today: dt.date | None = None,
) -> pd.Series:
    """Which teachers were in service on ``day``: employed by then (:func:`employed_by`) and
    not out of service yet (:func:`service_ends` after ``day``). A report dated in the past
    counts the teachers who left or retired after its date, as the rotation report does.
    Needs ``status``, ``left_on``, ``first_employed_on``, ``joined_school_on`` and
    :data:`RETIREMENT_COLUMNS`."""
    ends = service_ends(teachers, serving, today)
    later = pd.Series([day < end for end in ends], index=teachers.index, dtype=bool)
    return employed_by(teachers, day) & later


def former_teachers(session: Session) -> pd.DataFrame:
    """The teachers who left or retired (every column of :data:`TEACHER_COLUMNS`) — a few
    percent of the registry, read apart so that the reports' reads of everyone stay as narrow
    as they were."""
    if SHARED_READS in session.info:
        every = _read(
            session, "teachers", lambda: _teachers(session, None, None, list(TEACHER_COLUMNS))
        )
        return every[every["status"].isin(GONE)].reset_index(drop=True)
    return _teachers(session, GONE, None, list(TEACHER_COLUMNS))


def former_in_service(session: Session, day: dt.date, today: dt.date | None = None,
                      former: pd.DataFrame | None = None) -> pd.DataFrame:
    """The teachers who left or retired after ``day`` and were in service on it
    (:func:`in_service_on`), every column of :data:`TEACHER_COLUMNS`; of ``former`` when the
    caller has read them already (:func:`former_teachers`)."""
    former = former_teachers(session) if former is None else former
    if not len(former):
        return former
    return former[in_service_on(former, day, (), today)].reset_index(drop=True)


def _teachers(
    session: Session,
    statuses: Iterable[str] | None,
    school_id: int | None,
    names: list[str],
    post_types: Iterable[str] | None = None,
) -> pd.DataFrame:
    statement = select(*(getattr(Teacher, c) for c in names))
    if statuses is not None:
        statement = statement.where(Teacher.status.in_(list(statuses)))
    if school_id is not None:
        statement = statement.where(Teacher.school_id == school_id)
    if post_types is not None:
        statement = statement.where(Teacher.post_type.in_(list(post_types)))
    return _frame(session, statement, names)


def training_hours(session: Session, start: dt.date, end: dt.date) -> pd.Series:
    """Hours per teacher dated in ``[start, end]`` (a SUM … GROUP BY in the database)."""
    statement = (
        select(TrainingRecord.teacher_id, func.sum(TrainingRecord.hours))
        .where(TrainingRecord.date >= start, TrainingRecord.date <= end)
        .group_by(TrainingRecord.teacher_id)
    )
    frame = _frame(session, statement, ("teacher_id", "hours"))
    return frame.set_index("teacher_id")["hours"].astype(float)


def certificates(session: Session) -> pd.DataFrame:
    return _read(session, "certificates", lambda: _certificates(session))


def certificates_expiring(
    session: Session,
    start: dt.date,
    end: dt.date,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Certificates whose registration ends from ``start`` to ``end`` (both included), with
    ``columns`` (default :data:`CERTIFICATE_COLUMNS`): a filter in SQL, or on the shared
    frame inside :func:`shared_reads`."""
    names = tuple(columns or CERTIFICATE_COLUMNS)
    if SHARED_READS in session.info:
        every = certificates(session)
        until = day_array(every["valid_until"])
        keep = (until >= np.datetime64(start, "D")) & (until <= np.datetime64(end, "D"))
        return every.loc[keep, list(names)].reset_index(drop=True)
    return _certificates(
        session, Certificate.valid_until >= start, Certificate.valid_until <= end, names=names
    )


CERTIFICATE_COLUMNS = ("teacher_id", "level", "subject", "number", "valid_until")


def _certificates(
    session: Session, *where: Any, names: tuple[str, ...] = CERTIFICATE_COLUMNS
) -> pd.DataFrame:
    """The certificates' ``names`` columns, those matching ``where`` (all without)."""
    statement = select(*(getattr(Certificate, c) for c in names)).where(*where)
    return _frame(session, statement, names)


def designations(session: Session) -> pd.DataFrame:
    return _read(session, "designations", lambda: _designations(session))


def _designations(session: Session) -> pd.DataFrame:
    statement = select(
        Designation.teacher_id,
        Designation.kind,
        Designation.tier,
        Designation.subject,
        Designation.term_start,
        Designation.term_end,
    )
    return _frame(
        session, statement, ("teacher_id", "kind", "tier", "subject", "term_start", "term_end")
    )


def rotations(session: Session) -> pd.DataFrame:
    return _read(session, "rotations", lambda: _rotations(session))


def _rotations(session: Session) -> pd.DataFrame:
    statement = select(
        RotationRecord.teacher_id,
        RotationRecord.from_school_id,
        RotationRecord.to_school_id,
        RotationRecord.kind,
        RotationRecord.start_on,
        RotationRecord.planned_end_on,
        RotationRecord.actual_end_on,
    )
    return _frame(
        session,
        statement,
        (
            "teacher_id",
            "from_school_id",
            "to_school_id",
            "kind",
            "start_on",
            "planned_end_on",
            "actual_end_on",
        ),
    )


def plain_rows(frame: pd.DataFrame) -> list[Any]:
    """The rows as named tuples of plain Python values; much faster than ``itertuples`` over
    pandas' string and object columns, which box every cell."""
    row = namedtuple("Row", list(frame.columns))  # type: ignore[misc]  # noqa: PYI024
    columns = [frame[c].tolist() for c in frame.columns]
    return [row(*values) for values in zip(*columns, strict=True)]


def day_array(series: pd.Series) -> np.ndarray:
    """A column of dates as ``datetime64[D]`` (NaT for None), for comparisons in bulk; day
    precision covers any calendar date (no nanosecond overflow for far-future term ends)."""
    return np.array([d if d is not None else "NaT" for d in series], dtype="datetime64[D]")


def records(frame: pd.DataFrame, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` (only ``keys``) as JSON-ready dicts: NaN/NaT → None, numpy scalars →
    Python values, dates → ISO strings. Works column by column (``tolist`` unboxes numpy
    scalars in C), which keeps 100,000-row views fast."""
    names = tuple(keys)
    columns = [_json_values(frame[name]) for name in names]
    if not names:
        return [{} for _ in range(len(frame))]
    return list(map(_row_maker(names), *columns))


@lru_cache(maxsize=256)
def _row_maker(names: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function of one value per name returning the row ``{name: value, …}`` as a dict
    display with constant keys — as :mod:`dataclasses` generates its methods — which builds a
    row in 60% of the time ``dict(zip(names, values))`` takes (a quarter of a second less for
    the training report's 270,000 rows)."""
    arguments = ", ".join(f"v{i}" for i in range(len(names)))
    items = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(names))
    namespace: dict[str, Any] = {}
    exec(f"def row({arguments}):\n    return {{{items}}}\n", namespace)  # noqa: S102
    return namespace["row"]


def _json_values(series: pd.Series) -> list[Any]:
    values = series.tolist()
    if series.dtype.kind in "iub":
        return values
    if series.dtype.kind == "f":
        if not series.hasnans:  # nothing to convert (most columns)
            return values
        return [None if v != v else v for v in values]  # NaN: the only value ≠ itself
    kinds = set(map(type, values))
    if kinds <= PLAIN_JSON:  # text columns: nothing to convert
        return values
    if kinds <= REPEATING:  # dates and codes repeat: each distinct value converted once
        done = {value: _json_value(value) for value in set(values)}
        return list(map(done.__getitem__, values))
    return [_json_value(v) for v in values]


PLAIN_JSON = frozenset({str, type(None)})
REPEATING = frozenset({str, type(None), dt.date})
"""Value types that never compare equal across types, so distinct values can key a cache."""


def _json_value(value: Any) -> Any:
    if type(value) is str:
        return value
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):  # a numpy scalar inside an object column
        return value.item()
    return value
