"""Security headers on every answer, the API documentation off in production unless asked
for, and no link built from the request's Host header."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from fastapi.testclient import TestClient
from page_helpers import csrf_of, signed_in

from api.main import create_app
from workforce.config import Settings

PRODUCTION_SECRET = "a private production secret of at least 32 characters"


def test_every_answer_carries_the_security_headers(client, district):
    pages = signed_in(client.app, "hr")
    answers = {
        "api": client.get("/api/teachers", headers=district.headers["hr"]),
        "page": pages.get("/teachers"),
        "refusal": client.get("/api/teachers"),
        "login": client.get("/login"),
        "static": client.get("/static/style.css"),
    }
    assert {k: a.status_code for k, a in answers.items()} == {
        "api": 200, "page": 200, "refusal": 401, "login": 200, "static": 200,
    }  # fmt: skip
    for name, answer in answers.items():
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert answer.headers["x-frame-options"] == "DENY", name
        assert answer.headers["x-content-type-options"] == "nosniff", name
        assert answer.headers["referrer-policy"] == "same-origin", name
        assert "strict-transport-security" not in answer.headers, name  # not production
    assert answers["api"].headers["cache-control"] == "no-store"
    assert "no-store" not in answers["static"].headers.get("cache-control", "")


@pytest.mark.parametrize(
    ("environment", "api_docs", "shown"),
    [("production", None, False), ("production", True, True), ("test", None, True),
     ("test", False, False)],
)  # fmt: skip
def test_api_docs_are_off_in_production_unless_enabled(engine, environment, api_docs, shown):
    settings = Settings(environment=environment, api_docs=api_docs, secret_key=PRODUCTION_SECRET)
    with TestClient(create_app(settings)) as client:
        docs = client.get("/api/docs")
        spec = client.get("/api/openapi.json")
        login = client.get("/login")
    assert (docs.status_code, spec.status_code) == ((200, 200) if shown else (404, 404))
    assert ("strict-transport-security" in login.headers) == (environment == "production")


def test_links_are_never_built_from_the_host_header(client, district):
    pages = signed_in(client.app, "admin")
    forged = {"Host": "evil.example"}
    texts = [
        pages.get("/teachers?page=1", headers=forged).text,
        pages.get("/audit", headers=forged).text,
        pages.get("/", headers=forged).text,
    ]
    assert all("<html" in text for text in texts)
    assert not [text for text in texts if "evil.example" in text]
    assert 'href="/teachers?page=1&amp;lang=en"' in texts[0]  # the language switch, relative


@pytest.mark.parametrize("environment", ["production", "test"])
def test_the_session_cookie_is_http_only_same_site_and_secure_in_production(
    engine, district, environment
):
    """The cookie carries the session's token: no script may read it (HttpOnly), another
    site's form posts do not send it (SameSite=Lax), and in production — served over TLS —
    it never travels in clear (Secure)."""
    settings = Settings(environment=environment, secret_key=PRODUCTION_SECRET)
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        form = client.get("/login")  # the anonymous session of the sign-in form's token
        signed = client.post(
            "/login",
            data={"username": "hr", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        )
    assert signed.status_code == 303, signed.text
    cookies = [
        value
        for answer in (form, signed)
        for name, value in answer.headers.multi_items()
        if name == "set-cookie" and value.startswith("workforce_session=")
    ]
    assert len(cookies) == 2, cookies
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=lax", "path=/"} <= flags, cookie
        assert ("secure" in flags) == (environment == "production"), cookie
