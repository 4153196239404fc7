"""Database engine and schema management.

SQLite (a file in the instance's home, ``WORKFORCE_HOME``) by default; ``WORKFORCE_DATABASE_URL`` selects another
engine, e.g. ``postgresql+psycopg://user@localhost/workforce``. The schema is always
created by the Alembic migrations in ``migrations/`` — never by ``create_all`` — so a
database made today can be upgraded tomorrow.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from workforce.config import get_settings

if TYPE_CHECKING:  # Alembic is imported when a migration runs: 0.3 s that `workforce plan`
    from alembic.config import Config  # and the API's requests do not need

MIGRATIONS_DIR = Path(str(files("workforce._migrations")))
"""The Alembic scripts: the repository's ``migrations/`` folder, shipped as the package
``workforce._migrations`` so that an installed wheel migrates its database from any folder."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder, foreign keys and WAL.

    A new SQLite file and a new folder for it are made readable by their owner only, whatever
    the umask: the file holds names, birth dates and the encrypted ID numbers, and SQLite gives
    its ``-wal`` and ``-shm`` files the database file's mode. (An empty file is an empty SQLite
    database.) An existing file keeps the mode its administrator gave it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            database = Path(parsed.database)
            database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with suppress(FileExistsError):
                os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def begin_write(session: Session, *, lock: tuple[int, int] | None = None) -> None:
    """Open ``session``'s transaction as a write transaction before anything is read, so a
    check and the write that relies on it see one state and concurrent writers queue.

    SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock at once (the driver would
    otherwise begin only at the first write, after the reads the checks made); a session that
    already wrote in this transaction holds it already. PostgreSQL: the transaction-scoped
    advisory ``lock`` (two integers: what, and of what), when one is given. A writer waiting
    past the busy timeout gets ``sqlalchemy.exc.OperationalError``.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql" and lock is not None:
        connection.execute(text("SELECT pg_advisory_xact_lock(:what, :of)"),
                           {"what": lock[0], "of": lock[1]})  # fmt: skip


def display_url(url: str) -> str:
    """The database's address for messages and logs: a SQLite file's path; any other URL
    without its password — neither the URL's own nor a ``password`` in its query (libpq takes
    one there too)."""
    parsed = make_url(url).difference_update_query(["password"])
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def close_engine() -> None:
    """Close the pooled connections of `get_engine`'s engine, if one was made (a command's
    end). The last connection to close a SQLite database in WAL mode checkpoints the log into
    the database file and removes ``-wal`` and ``-shm``: without it every command left them
    beside the file, holding its last writes (after `workforce demo`, 7 MB of 14), and a
    plain copy of the ``.sqlite3`` file alone missed them."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def schema_head() -> str:
    """The newest migration's revision: the highest four-digit prefix of the scripts' names.

    Each script's revision is its file name's prefix, in one line of history (a test holds
    Alembic's own answer to this one). Read from the names, not from Alembic's
    ``ScriptDirectory``, whose import costs 0.33 s of every command that checks the schema."""
    prefixes = [entry.name[:4] for entry in (MIGRATIONS_DIR / "versions").iterdir()
                if entry.name.endswith(".py") and entry.name[:4].isdigit()]
    return max(prefixes)


def schema_revision(engine: Engine) -> str | None:
    """The revision the database's schema is at (Alembic's ``alembic_version``), or None for a
    database no migration has run on."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine | None = None) -> None:
    """Bring the database schema up to the newest migration (idempotent), then seal into the
    audit chain any entries no link holds (those written before the chain existed)."""
    from alembic import command

    from workforce.audit_chain import seal_pending

    engine = engine or get_engine()
    command.upgrade(alembic_config(engine), "head")
    seal_pending(engine)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
