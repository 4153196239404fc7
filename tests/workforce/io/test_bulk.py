"""Bulk loading: on SQLite a table about to receive many rows has its indexes dropped and
built again in the caller's transaction; unique indexes still refuse duplicates, a failure
rolls the indexes back with the rows, and PostgreSQL keeps its indexes throughout."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tests.workforce.io.conftest import (
    SCHOOLS_HEADER,
    SCHOOLS_ROWS,
    TEACHERS_HEADER,
    TEACHERS_ROWS,
    WriteCsv,
    count,
)
from workforce.io import bulk
from workforce.io.bulk import indexes_rebuilt_after
from workforce.io.importer import import_file
from workforce.models import School

SCHOOL_TABLE = School.__table__  # type: ignore[attr-defined]


def indexes(engine_or_connection: Engine | Connection, table: str) -> list[dict[str, Any]]:
    """The table's indexes as the database reports them (name, columns, uniqueness)."""
    found = inspect(engine_or_connection).get_indexes(table)
    return sorted(
        ({k: index[k] for k in ("name", "column_names", "unique")} for index in found),
        key=lambda index: index["name"],
    )


def add_school(session: Session, code: str) -> None:
    session.add(School(code=code, name=f"学校{code}", town="埔前", zone="rural", level="primary"))
    session.flush()


def test_an_import_that_rebuilds_the_indexes_leaves_them_as_they_were(
    engine, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(bulk, "BULK_LOAD_ROWS", 2)  # the 2-teacher sheet counts as a bulk load
    before = {table: indexes(engine, table) for table in ("teacher", "auditlog", "school")}
    for name, header, rows in (
        ("schools.csv", SCHOOLS_HEADER, SCHOOLS_ROWS),
        ("teachers.csv", TEACHERS_HEADER, TEACHERS_ROWS),
    ):
        report = import_file(engine, write_csv(name, header, rows), actor="clerk")
        assert report.status == "committed"
    assert {table: indexes(engine, table) for table in before} == before
    assert any(index["name"] == "ix_teacher_staff_no" for index in before["teacher"])
    assert count(engine, "teacher") == 2


def test_indexes_are_gone_inside_the_block_on_sqlite_only_and_back_after_it(engine):
    before = indexes(engine, "school")
    with Session(engine) as session:
        add_school(session, "S00")  # opens the write transaction
        connection = session.connection()
        with indexes_rebuilt_after(connection, {SCHOOL_TABLE: 2}, minimum_rows=2):
            inside = indexes(connection, "school")
            add_school(session, "S01")
            add_school(session, "S02")
        assert indexes(connection, "school") == before
        session.commit()
    assert inside == ([] if engine.dialect.name == "sqlite" else before)
    assert indexes(engine, "school") == before
    assert count(engine, "school") == 3


def test_a_table_holding_more_rows_than_it_receives_keeps_its_indexes(engine):
    before = indexes(engine, "school")
    with Session(engine) as session:
        for code in ("S00", "S01", "S02"):
            add_school(session, code)
        connection = session.connection()
        with indexes_rebuilt_after(connection, {SCHOOL_TABLE: 2}, minimum_rows=2):
            assert indexes(connection, "school") == before
        with indexes_rebuilt_after(connection, {SCHOOL_TABLE: 1}, minimum_rows=2):
            assert indexes(connection, "school") == before


def test_a_duplicate_is_refused_by_the_rebuilt_unique_index_and_nothing_stays(engine):
    before = indexes(engine, "school")
    with Session(engine) as session:
        add_school(session, "S00")
        connection = session.connection()
        with (
            pytest.raises(IntegrityError, match="(?i)unique"),
            indexes_rebuilt_after(connection, {SCHOOL_TABLE: 2}, minimum_rows=2),
        ):
            add_school(session, "S01")
            add_school(session, "S01")
        session.rollback()
    assert indexes(engine, "school") == before
    assert count(engine, "school") == 0


def cache_size(connection: Connection) -> int | None:
    """SQLite's page cache setting (negative: KiB); None on PostgreSQL, which has none."""
    if connection.dialect.name != "sqlite":
        return None
    return connection.exec_driver_sql("PRAGMA cache_size").scalar_one()


def test_only_the_bulk_import_gets_the_large_page_cache(engine):
    with engine.connect() as connection:
        usual = cache_size(connection)
        with bulk.bulk_page_cache(connection):
            during = cache_size(connection)
        after = cache_size(connection)
    if engine.dialect.name == "sqlite":
        assert usual > -bulk.BULK_PAGE_CACHE_KIB  # web and report connections keep SQLite's
        assert during == -bulk.BULK_PAGE_CACHE_KIB
    assert after == usual
