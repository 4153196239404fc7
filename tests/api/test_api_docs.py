"""``/api/docs`` works on an intranet: the page loads Swagger UI from this server, not a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.main import create_app


def test_the_docs_page_loads_every_asset_from_this_server(engine):
    with TestClient(create_app()) as client:
        page = client.get("/api/docs")
        assert page.status_code == 200
        html = page.text
        assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", html)
        assert len(assets) == 3, assets  # the script, the style sheet, the icon
        assert not re.search(r"https?://", html)  # nothing from another host
        sizes = {}
        for url in assets:
            answer = client.get(url)
            assert answer.status_code == 200, url
            sizes[url.rsplit("/", 1)[-1]] = len(answer.content)
        assert sizes["swagger-ui-bundle.js"] > 500_000 and sizes["swagger-ui.css"] > 50_000
        assert "/api/openapi.json" in html
        assert client.get("/api/openapi.json").json()["info"]["title"].startswith("教师队伍")
        assert client.get("/api/docs/oauth2-redirect").status_code == 200
