"""Shared fixtures: an isolated environment and a real, migrated database per test.

By default each test gets its own SQLite file, copied from one migrated template.
With ``WORKFORCE_TEST_DATABASE_URL`` set (CI points it at a real PostgreSQL server),
the same tests run against that server instead: it is migrated once, and every table
is emptied before each test. Tests that use the ``engine`` fixture are marked
``postgres`` automatically, so CI can select exactly the database tests for that run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from workforce import config, db

TEST_SECRET = "test-secret-key-that-is-only-used-by-the-test-suite"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def _clear_caches() -> None:
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _home_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A test that reads the settings without the ``env`` fixture still writes its home (the
    generated secret, uploads) under the test run's temporary folder, not ``./var``."""
    with pytest.MonkeyPatch.context() as patch:
        if "WORKFORCE_HOME" not in os.environ:
            patch.setenv("WORKFORCE_HOME", str(tmp_path_factory.mktemp("home")))
        yield


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine | None]:
    url = os.environ.get("WORKFORCE_TEST_DATABASE_URL")
    if not url:
        yield None
        return
    engine = db.make_engine(_database_of_this_worker(url))
    db.migrate(engine)
    yield engine
    engine.dispose()


def _database_of_this_worker(url: str) -> str:
    """Each pytest-xdist worker gets its own PostgreSQL database, created on demand."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = db.make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def database_url(tmp_path: Path, _sqlite_template: Path, _postgres_engine: Engine | None) -> str:
    """The URL of an empty, migrated database for this test."""
    if _postgres_engine is not None:
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with _postgres_engine.begin() as conn:
            # A solve job a previous test started runs in its own process and may still hold
            # a connection (and locks): end every other session on this worker's database.
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return _postgres_engine.url.render_as_string(hide_password=False)
    path = tmp_path / "workforce.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """A hermetic environment: no WORKFORCE_* variables leak in; test settings."""
    for key in list(os.environ):
        if key.startswith("WORKFORCE_") and key != "WORKFORCE_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("WORKFORCE_ENVIRONMENT", "test")
    monkeypatch.setenv("WORKFORCE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WORKFORCE_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("WORKFORCE_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    monkeypatch.setenv("WORKFORCE_UPLOAD_DIR", str(tmp_path / "uploads"))
    _clear_caches()
    yield monkeypatch
    _clear_caches()


@pytest.fixture
def away_from_the_registry(env: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], Path]:
    """Call it to continue in a new, empty current folder with no registry configured — an
    auditor's fresh install (no home, no database URL, no secret key); returns the folder."""

    def leave() -> Path:
        folder = tmp_path / "away"
        folder.mkdir()
        for name in ("WORKFORCE_DATABASE_URL", "WORKFORCE_SECRET_KEY", "WORKFORCE_HOME"):
            env.delenv(name, raising=False)
        env.chdir(folder)
        if db.get_engine.cache_info().currsize:
            db.get_engine().dispose()
        _clear_caches()
        return folder

    return leave


@pytest.fixture
def engine(env: pytest.MonkeyPatch, database_url: str) -> Iterator[Engine]:
    """The engine of this test's database; also what ``get_engine()`` returns."""
    env.setenv("WORKFORCE_DATABASE_URL", database_url)
    _clear_caches()
    engine = db.get_engine()
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
