"""Messages of the import / export area: the ``io.*`` messages of the project catalogue
(:mod:`texts`), every user-facing sentence, Chinese first.

A :class:`Text` holds one sentence in both languages; :func:`message` fills a catalogue
entry with its parameters. Errors raised by :mod:`workforce.dates` and
:mod:`workforce.idnumber` already carry ``zh`` / ``en`` and are wrapped with :meth:`Text.of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from texts import Pairs

Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def render(self, language: Language = "zh") -> str:
        return self.zh if language == "zh" else self.en

    @classmethod
    def of(cls, error: Any) -> Text:
        """The two-language text of an error that has ``zh`` and ``en`` attributes."""
        return cls(error.zh, error.en)


MESSAGES = Pairs("io")
"""The ``io.*`` messages of the project catalogue, as message id → (zh, en) templates."""


def message_each(message_id: str, zh: dict[str, Any], en: dict[str, Any]) -> Text:
    """A catalogue entry whose parameters differ by language (labels, lists of choices)."""
    zh_template, en_template = MESSAGES[message_id]
    return Text(zh_template.format(**zh), en_template.format(**en))


def message(message_id: str, **params: Any) -> Text:
    """The catalogue entry ``message_id`` in both languages, with ``params`` filled in."""
    zh, en = MESSAGES[message_id]
    return Text(zh.format(**params), en.format(**params))
