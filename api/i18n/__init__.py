"""The pages' language: Chinese by default, English on request.

The language comes from ``?lang=`` (which the pages then remember in the ``lang`` cookie),
else from that cookie, else Chinese. Every UI string is a ``ui.*`` message of the project
catalogue (:mod:`texts`), read through :data:`api.i18n.catalogue.UI`; :func:`translator` gives
templates a ``t(id, **params)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import Request

from api.i18n.catalogue import UI

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
"""Seconds: the choice of language is kept for a year."""


def requested_language(request: Request) -> Language | None:
    """The language named by ``?lang=`` when it is one we have, else None."""
    value = request.query_params.get("lang")
    return value if value in LANGUAGES else None  # type: ignore[return-value]


def page_language(request: Request) -> Language:
    """``?lang=``, else the ``lang`` cookie, else Chinese."""
    chosen = requested_language(request) or request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "zh"  # type: ignore[return-value]


def translator(language: Language) -> Callable[..., str]:
    """``t(message_id, **params)`` rendering a UI string in ``language``."""

    def t(message_id: str, **params: object) -> str:
        text = UI.text(message_id, **params)
        return text.zh if language == "zh" else text.en

    return t
