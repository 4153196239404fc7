"""Why pydantic refused a value, in words: the catalogue's ``validation.*`` messages.

Pydantic's own ``msg`` is English ("Input should be a valid integer, unable to parse string
as an integer") and names the accepted choices as Python reprs ("'zh' or 'en'"); a Chinese
screen showed both. :func:`reason` says the same in either language from the error's
``type`` and ``ctx`` — the HTTP API's 422 answers, the command line's refused options and a
county's rule values all read it. It is the predicate of a sentence ("应为整数" / "must be a
whole number"): the caller names the field, the option or the rule before it, and decides
whether the value may be repeated (the API never repeats one: it may be an ID number).

A validator's own ``ValueError`` is the project's text: both languages joined
(``Text.joined()``: "中文 / English") or an error with ``zh`` and ``en``; another's English
message is kept for English only. An error type without a message here is "not valid".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from texts import text

MESSAGE_OF_TYPE = {
    "missing": "missing",
    "extra_forbidden": "extra_forbidden",
    "json_invalid": "json_invalid",
    "json_type": "json_invalid",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "int_parsing_size": "integer_too_large",
    "float_parsing": "number",
    "float_type": "number",
    "decimal_parsing": "number",
    "decimal_type": "number",
    "finite_number": "finite_number",
    "bool_parsing": "boolean",
    "bool_type": "boolean",
    "string_type": "text",
    "string_too_short": "too_few_characters",
    "string_too_long": "too_many_characters",
    "string_pattern_mismatch": "pattern",
    "greater_than": "greater_than",
    "greater_than_equal": "at_least",
    "less_than": "less_than",
    "less_than_equal": "at_most",
    "multiple_of": "multiple_of",
    "date_parsing": "date",
    "date_type": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "datetime_parsing": "datetime",
    "datetime_type": "datetime",
    "datetime_from_date_parsing": "datetime",
    "datetime_object_invalid": "datetime",
    "literal_error": "choice",
    "enum": "choice",
    "list_type": "list",
    "tuple_type": "list",
    "set_type": "list",
    "too_short": "too_few_items",
    "too_long": "too_many_items",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
}
"""Pydantic's error type → the id of its message (``validation.<id>``)."""

OWN_MESSAGE_TYPES = ("value_error", "assertion_error")
"""Error types whose message is a validator's own (see the module docstring)."""

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_CHOICE_SEPARATOR = re.compile(r",\s*|\s+or\s+")


def choices(expected: str) -> list[str]:
    """The values pydantic's ``expected`` lists ("'a', 'b' or 'c'", "1 or 2"), without quotes."""
    quoted = _QUOTED.findall(expected)
    return quoted or [part for part in _CHOICE_SEPARATOR.split(expected) if part]


def joined_choices(values: list[str], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(values)


def reason(error: Mapping[str, Any], language: str) -> str:
    """What is wrong with the value of one of ``ValidationError.errors()``, in ``language``."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in OWN_MESSAGE_TYPES:
        own = _own_message(ctx.get("error"), str(error.get("msg", "")), language)
        if own:
            return own
    message_id = MESSAGE_OF_TYPE.get(kind, "invalid")
    if message_id == "choice":
        listed = choices(str(ctx.get("expected", "")))
        return text("validation.choice", language, choices=joined_choices(listed, language))
    params = {k: _shown(v) for k, v in ctx.items() if k in _PLACEHOLDERS.get(message_id, ())}
    return text(f"validation.{message_id}", language, **params)


def _shown(limit: object) -> object:
    """A limit as a person writes it: 0, not the float 0.0 of a ``Field(gt=0)`` on a float."""
    return int(limit) if isinstance(limit, float) and limit.is_integer() else limit


_PLACEHOLDERS = {
    "too_few_characters": ("min_length",),
    "too_many_characters": ("max_length",),
    "too_few_items": ("min_length",),
    "too_many_items": ("max_length",),
    "greater_than": ("gt",),
    "at_least": ("ge",),
    "less_than": ("lt",),
    "at_most": ("le",),
    "multiple_of": ("multiple_of",),
}


def _own_message(error: object, msg: str, language: str) -> str | None:
    """A validator's own message in ``language``; None when it has none in that language."""
    zh, en = getattr(error, "zh", None), getattr(error, "en", None)
    if isinstance(zh, str) and isinstance(en, str):
        return zh if language == "zh" else en
    own = str(error) if error is not None else msg.removeprefix("Value error, ")
    first, separator, second = own.partition(" / ")
    if separator and re.search(r"[\u4e00-\u9fff]", first):  # Text.joined(): "中文 / English"
        return first if language == "zh" else second
    return None if language == "zh" or not own else own
