"""Message catalogues: each area's view of the project's one catalogue (:mod:`texts`).

Each area (registry services, accounts, the HTTP API, notices) has one :class:`Catalogue`, its
messages ``<area>.<id>`` in the ``.po`` files. Code raises errors with
``CATALOGUE.text(id, **params)``, so a message is written once and the short id doubles as
the machine-readable error code.
"""

from __future__ import annotations

from dataclasses import dataclass

from texts import exists, pair


@dataclass(frozen=True)
class Text:
    """One rendered message: its id (the error code clients match on) and both languages."""

    id: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    def joined(self) -> str:
        """Both languages in one line, for a validation error's single message."""
        return f"{self.zh} / {self.en}"


class Catalogue:
    """One area's messages in the project catalogue (:mod:`texts`): ids ``<area>.<id>``,
    rendered with ``str.format`` parameters."""

    def __init__(self, area: str) -> None:
        self.area = area

    def text(self, message_id: str, *, each: dict[str, dict[str, object]] | None = None,
             **params: object) -> Text:
        """The message filled with ``params``, and with ``each[language]`` in that language
        only (a role, a list's name: words that differ by language)."""
        zh, en = pair(f"{self.area}.{message_id}")
        each = each or {}
        return Text(message_id, zh.format(**params, **each.get("zh", {})),
                    en.format(**params, **each.get("en", {})))  # fmt: skip

    def __contains__(self, message_id: object) -> bool:
        return isinstance(message_id, str) and exists(f"{self.area}.{message_id}")


REGISTRY_MESSAGES = Catalogue("registry")
