"""Server-rendered pages for the personnel office and school clerks, under ``/``.

:func:`install_pages` adds them to the app built by :func:`api.main.create_app`: the page
routes (sign-in, dashboard, teachers, imports, plans, audit log), all behind the API's CSRF
check, and the static files (stylesheet, a little vanilla JavaScript) under ``/static``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.security import csrf_protect

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install_pages(app: FastAPI) -> None:
    """Add every page router (behind the CSRF check) and the static files to ``app``.

    The page modules are imported here, not when the package is: a module that needs only a
    helper of the package (``api.pages.rendering``'s ``flash``, say) would otherwise load every
    page and the API routes they use — and ``api.solving``, imported first, met itself half
    made through ``api.routes.whatif``."""
    from api.pages import (
        account,
        audit,
        corrections,
        dashboard,
        imports,
        letters,
        plans,
        policy,
        reports,
        roadmap,
        signin,
        teacher_export,
        teacher_forms,
        teachers,
        users,
    )

    for module in (
        signin,
        account,
        dashboard,
        teachers,
        teacher_export,
        teacher_forms,
        corrections,
        users,
        imports,
        letters,
        policy,
        plans,
        roadmap,
        reports,
        audit,
    ):
        app.include_router(module.router, dependencies=[Depends(csrf_protect)])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
