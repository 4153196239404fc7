"""Helpers for the page tests (imported by name): a browser-like client signed in through
the sign-in form, and the CSRF token of the page it last saw."""

from __future__ import annotations

import re
from html import unescape

from conftest import PASSWORD
from fastapi import FastAPI
from fastapi.testclient import TestClient

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


CURRENT_BROWSER = {"Sec-Fetch-Site": "same-origin"}
"""What a current browser sends with every request it makes from this site's pages (over
HTTPS): without it, or a ``Referer`` of this site, a cookie request may be another site's
(`api.security.sent_by_other_site`)."""


def signed_in(app: FastAPI, username: str, *, current_browser: bool = True) -> TestClient:
    """A client with its own cookies, signed in as ``username`` through ``/login``; by
    default a current browser on this site's pages (``current_browser=False``: one that sends
    no ``Sec-Fetch-Site``, an older browser or plain HTTP)."""
    client = TestClient(app, follow_redirects=False,
                        headers=CURRENT_BROWSER if current_browser else None)  # fmt: skip
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    return client


def token_for(client: TestClient, path: str = "/teachers") -> str:
    """The signed-in session's CSRF token, read from a page's sign-out form."""
    return csrf_of(client.get(path).text)


_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
_INTERNAL = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\bNone\b")


def visible_text(html: str) -> str:
    """The words a reader sees on a page: tags, attributes, scripts and styles left out."""
    return unescape(_TAGS.sub(" ", html))


def internal_codes(html: str) -> list[str]:
    """ASCII identifiers (``snake_case``) and ``None`` in a page's visible text: internal
    codes that must never reach a Chinese screen."""
    return _INTERNAL.findall(visible_text(html))


def hidden_value(html: str, name: str) -> str:
    """The value of the first ``<input name=…>`` of a page (HTML entities decoded)."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no input {name!r} on the page"
    return unescape(found.group(1))
