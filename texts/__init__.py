"""The project's one message catalogue: every sentence a person reads, Chinese first, English.

One gettext domain, ``workforce``, one ``.po`` file per language beside this module
(``locale/zh_CN/LC_MESSAGES/workforce.po``, ``locale/en/LC_MESSAGES/workforce.po``), so a
translator works on one file. Message ids are symbolic and namespaced by area: ``ui.…`` (web
pages), ``api.http.…`` / ``api.work.…`` (HTTP errors), ``registry.…``, ``accounts.…``,
``plans.…``, ``notices.…``, ``io.…``, ``reports.column|view|title|enum|error.…``, ``sample.…``,
``optimizer.text|subject|direction|…`` — each area's lookup (``message(id, …)``,
``Catalogue.text(id)``, ``render(code)``) adds its prefix, so call sites use the short id.
Templates are ``str.format`` templates (``{name}``, ``{value!r}``), filled by the caller.
:mod:`texts.validation` words pydantic's refusals of a value (``validation.*``): the HTTP API,
the command line and the local rules read it.

At run time the committed ``.mo`` files are read with the standard library's :mod:`gettext`,
on first use (a few milliseconds; Babel is needed only to compile them, see
docs/development.md "Translating"; ``tests/texts/test_catalogue.py`` fails when a ``.mo`` no
longer matches its ``.po``). This package imports nothing from ``workforce``, ``optimizer``
or ``api``: all three read it, and the optimizer must not depend on the registry.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files

DOMAIN = "workforce"
LOCALES = {"zh": "zh_CN", "en": "en"}
"""The project's language codes ("zh", "en") → the catalogue's locale folders."""


class MissingMessage(KeyError):
    """A message id the catalogue does not have (a typo, or a message never added)."""


class _Missing(gettext.NullTranslations):
    """The last fallback: an unknown id is an error, not the id shown to a person."""

    def gettext(self, message: str) -> str:
        raise MissingMessage(message)


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of ``language`` ("zh", anything else is English)."""
    locale = LOCALES["zh" if language == "zh" else "en"]
    mo = files(__name__).joinpath("locale", locale, "LC_MESSAGES", f"{DOMAIN}.mo")
    with mo.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    catalogue.add_fallback(_Missing())
    return catalogue


def template(message_id: str, language: str) -> str:
    """The unfilled template of ``message_id``; :class:`MissingMessage` when there is none."""
    return translations(language).gettext(message_id)


def text(message_id: str, language: str, /, **params: object) -> str:
    """``message_id`` in ``language`` with ``params`` filled in."""
    return template(message_id, language).format(**params)


def pair(message_id: str) -> tuple[str, str]:
    """The (zh, en) templates of ``message_id``."""
    return template(message_id, "zh"), template(message_id, "en")


def exists(message_id: str) -> bool:
    try:
        template(message_id, "zh")
    except MissingMessage:
        return False
    return True


def message_ids() -> list[str]:
    """Every id of the catalogue (the Chinese one; the tests keep both languages' ids equal)."""
    # GNUTranslations has no public way to list its messages; ``_catalog`` is its dict of them
    # (the empty id is the .mo header).
    return [key for key in translations("zh")._catalog if key]  # type: ignore[attr-defined]


class Pairs(Mapping[str, tuple[str, str]]):
    """The messages under one prefix as a read-only mapping key → (zh, en): the shape of the
    hand-written label tables it replaces (``TEMPLATES["why.teacher.key"]``).

    ``keys`` fixes the keys and their order (an enum's members, whose values are the ids'
    last part); without it the keys are the catalogue's ids under the prefix."""

    def __init__(self, prefix: str, keys: tuple[str, ...] | None = None) -> None:
        self.prefix = f"{prefix}."
        self.keys_in_order = keys

    def __getitem__(self, key: str) -> tuple[str, str]:
        if self.keys_in_order is not None and key not in self.keys_in_order:
            raise KeyError(key)
        try:
            return pair(f"{self.prefix}{key}")
        except MissingMessage:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        if self.keys_in_order is not None:
            return key in self.keys_in_order
        return isinstance(key, str) and exists(self.prefix + key)

    def __iter__(self) -> Iterator[str]:
        if self.keys_in_order is not None:
            return iter(self.keys_in_order)
        n = len(self.prefix)
        return (k[n:] for k in message_ids() if k.startswith(self.prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)
