"""``/api/docs`` served entirely from this server: Swagger UI's script, style and icon come from
the ``swagger-ui-bundle`` package (Swagger UI 4.15.5, Apache-2.0) under ``/api/docs/assets``,
not from a public CDN — a bureau intranet has no route to one, and the page was blank there."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/api/docs/assets"


def swagger_ui_folder() -> Path:
    """The Swagger UI files shipped by the ``swagger-ui-bundle`` package."""
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path))


def install_docs(app: FastAPI, *, docs_url: str, openapi_url: str, title: str) -> None:
    """Serve the interactive documentation at ``docs_url`` with local assets."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_folder()), name="docs-assets")
    redirect_url = f"{docs_url}/oauth2-redirect"

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} — API",
            oauth2_redirect_url=redirect_url,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    @app.get(redirect_url, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
