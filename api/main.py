"""The application factory: ``create_app(settings)`` builds the HTTP API.

Routes live under ``/api``, the OpenAPI description at ``/api/openapi.json`` and the
interactive documentation at ``/api/docs`` — both off in production unless
``WORKFORCE_API_DOCS=true``. Every response carries the security headers
(:class:`api.security.SecurityHeaders`). ``workforce serve`` runs it with uvicorn.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from fastapi import Depends, FastAPI
from starlette.middleware.sessions import SessionMiddleware

from api import health
from api.docs_assets import install_docs
from api.errors import install_error_handlers
from api.pages import install_pages
from api.redaction import install_log_redaction
from api.routes import (
    audit,
    auth,
    corrections,
    exports,
    imports,
    plans,
    records,
    reports,
    roadmap,
    schools,
    teachers,
    users,
    whatif,
)
from api.security import SESSION_COOKIE, SESSION_MAX_AGE, SecurityHeaders, csrf_protect
from api.uploads import BodySizeLimit
from workforce.accounts.recent import RecentUsers
from workforce.config import Settings, get_settings
from workforce.db import make_engine

API_PREFIX = "/api"
DOCS_PATH = f"{API_PREFIX}/docs"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    install_log_redaction()  # again: the server may have configured its logging since
    _freeze_startup_objects()
    yield
    app.state.engine.dispose()


@cache
def _freeze_startup_objects() -> None:
    """Once per process, when the first app starts: what exists by then (modules, classes,
    the app; about 250,000 objects in a web worker) lives as long as the process, so it is
    moved out of the cycle collector's sight. A full collection then checks only what the
    requests made: measured 200–360 ms → 10–30 ms a full collection in a worker serving the
    teacher list and dashboard, where every such pause stalls all of the worker's requests."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application with its own database engine, configured by ``settings``
    (by default the environment's, see :class:`workforce.config.Settings`)."""
    settings = settings or get_settings()
    docs = (
        settings.api_docs
        if settings.api_docs is not None
        else (settings.environment != "production")
    )
    app = FastAPI(
        title="教师队伍管理与交流轮岗系统 API / Teacher workforce API",
        description="源城区教育局 — 教师名册、培训、骨干教师、交流轮岗 / Yuancheng District "
        "teacher registry and rotation planning.",
        version="0.1.0",
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
        docs_url=None,  # served with local assets below (no CDN on an intranet), when on
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.recent_users = RecentUsers()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.derived_key("session-cookie").hex(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    app.add_middleware(
        SecurityHeaders, docs_path=DOCS_PATH, production=settings.environment == "production"
    )
    app.add_middleware(BodySizeLimit)
    install_error_handlers(app)
    install_log_redaction()
    routers = (auth, users, schools, teachers, records, corrections, audit)
    for module in (*routers, imports, exports, reports, plans):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(csrf_protect)])
    app.include_router(whatif.router, prefix=API_PREFIX, dependencies=[Depends(csrf_protect)])
    app.include_router(roadmap.router, prefix=API_PREFIX, dependencies=[Depends(csrf_protect)])
    install_pages(app)
    app.include_router(health.router)
    if docs:
        install_docs(app, docs_url=DOCS_PATH, openapi_url=f"{API_PREFIX}/openapi.json",
                     title=app.title)  # fmt: skip
    return app
