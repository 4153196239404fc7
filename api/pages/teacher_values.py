"""How a teacher's fields read on the pages: the field's Chinese (or English) name, a stored
value as a person reads it (code labels, 是/否, a school's name, a birth date as its month
only — the day stays beside the masked ID number, never on a page), and a form's invalid
values as one plain message per field.

Field names come from the import sheet's headers (:data:`workforce.io.entities.TEACHERS`),
so a field is called the same on the sheet, the teacher page and in the corrections inbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from api.i18n import Language
from api.i18n.catalogue import UI
from workforce.codes import code_list
from workforce.idnumber import birth_month
from workforce.io.entities import TEACHERS
from workforce.services.messages import Text

CODE_LISTS = {
    "gender": "genders",
    "post_type": "post_types",
    "main_subject": "subjects",
    "other_subjects": "subjects",
    "education": "education_levels",
    "title": "titles",
    "retirement_category": "retirement_categories",
    "status": "teacher_statuses",
}
"""The code list behind each coded teacher field."""

EDITABLE_FIELDS = (
    "name",
    "gender",
    "post_type",
    "school_id",
    "main_subject",
    "education",
    "title",
    "first_employed_on",
    "joined_school_on",
    "is_head_teacher",
    "is_principal",
)
"""What HR edits on the teacher page. Not the birth date and ID number (the page shows
neither in full), the staff number (the key imports match on) or the status (leaving and
retiring are their own registry action)."""

BOOL_FIELDS = frozenset({"is_head_teacher", "is_principal"})
DATE_FIELDS = frozenset(
    {"birth_date", "first_employed_on", "joined_school_on", "retirement_confirmed_on", "left_on"}
)
_COLUMN_OF = {"school_id": "school_code"}


def field_label(field: str, language: Language) -> str:
    """A teacher field's name as the import sheet's header calls it."""
    if field == "school_id":
        return UI.text("school").zh if language == "zh" else UI.text("school").en
    try:
        column = TEACHERS.column(_COLUMN_OF.get(field, field))
    except KeyError:
        text = UI.text(field) if field in UI else None
        return field if text is None else (text.zh if language == "zh" else text.en)
    return column.header(language)


def shown_value(
    field: str,
    value: Any,
    language: Language,
    school_names: Mapping[int, str] | None = None,
) -> str:
    """A stored (or JSON) value of ``field`` as the page shows it; ``—`` for none."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "birth_date":
        return birth_month(value) or "—"
    if field in BOOL_FIELDS:
        return (
            UI.text("yes" if value else "no").zh
            if language == "zh"
            else (UI.text("yes" if value else "no").en)
        )
    if field == "school_id":
        return (school_names or {}).get(int(value), str(value))
    if field in CODE_LISTS:
        codes = code_list(CODE_LISTS[field])
        values = value if isinstance(value, list) else [value]
        labels = []
        for code in values:
            try:
                labels.append(codes.label(code, language))
            except KeyError:
                labels.append(str(code))
        return "、".join(labels)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_value(field: str, value: Any) -> str:
    """A stored value as a form field holds it: the code, ``yes``/``no``, an ISO date."""
    if value is None:
        return ""
    if field in BOOL_FIELDS:
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parsed_form_value(field: str, text: str) -> Any:
    """A form field's text as the update model takes it: blank is none, yes/no a bool."""
    text = text.strip()
    if field in BOOL_FIELDS:
        return {"yes": True, "no": False, "是": True, "否": False}.get(text, text)
    return text or None


def form_problems(error: ValidationError) -> dict[str, Text]:
    """Each invalid field's problem in both languages (the first one a field has)."""
    problems: dict[str, Text] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        problems.setdefault(field, _problem(field, item))
    return problems


def _problem(field: str, item: Mapping[str, Any]) -> Text:
    """One pydantic error as a sentence: our validators' own bilingual message when they
    raised one (``zh / en``), else a message per error kind."""
    kind = item["type"]
    if kind == "value_error":
        message = str(item.get("ctx", {}).get("error", ""))
        zh, _, en = message.partition(" / ")
        if en:
            return Text("invalid_value", zh, en)
    context = item.get("ctx") or {}
    if kind.startswith("date") or field in DATE_FIELDS:
        return UI.text("problem_date")
    if kind.startswith("bool"):
        return UI.text("problem_bool")
    if kind == "string_too_short":
        return UI.text("problem_blank")
    if kind == "string_too_long":
        return UI.text("problem_too_long", limit=context.get("max_length", ""))
    if kind.startswith("int"):
        return UI.text("problem_number")
    return UI.text("problem_invalid")


def problem_message(field: str, problem: Text, language: Language) -> str:
    """``字段：问题`` in ``language``."""
    text = problem.zh if language == "zh" else problem.en
    return (
        f"{field_label(field, language)}：{text}"
        if language == "zh"
        else (f"{field_label(field, language)}: {text}")
    )


def plain_text(text: Text, language: Language) -> str:
    """A message in ``language``; a Chinese one without the English half some registry
    messages carry inside (``…：中文 / English``, the reason of a validation error)."""
    if language == "zh":
        return text.zh.partition(" / ")[0]
    return text.en


LARGEST_ID = 2**63 - 1
"""The largest number a database integer column holds (PostgreSQL's BIGINT, SQLite's)."""


def form_number(text: str | None) -> int | None:
    """A whole number a form or an address gives (an id, a version), or None when the text
    is not one: ASCII digits only — ``"²".isdigit()`` is true and ``int("²")`` fails, a 500 —
    and no larger than a database integer holds (2**63 overflowed the query, another 500)."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None
