"""``GET /healthz``: whether this server can do its work — for a reverse proxy, systemd's
watchdog scripts or a monitoring check. No sign-in; it reveals no data.

200 ``{"status": "ok", ...}`` when the database answers and its schema is at the migration head
this software ships; 503 with ``status: "unavailable"`` (database unreachable) or
``"migration_needed"`` (run ``workforce migrate``) otherwise.
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])


@cache
def migration_head() -> str | None:
    """The newest migration this installed software ships."""
    from alembic.script import ScriptDirectory

    from workforce.db import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    """数据库可连接且结构为最新 / The database answers and its schema is current."""
    from alembic.migration import MigrationContext

    head = migration_head()
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable", "error": type(error).__name__,
             "migration_head": head},
            status_code=503,
        )  # fmt: skip
    ok = current == head
    return JSONResponse(
        {"status": "ok" if ok else "migration_needed", "database": "ok", "migration": current,
         "migration_head": head},
        status_code=200 if ok else 503,
    )  # fmt: skip
