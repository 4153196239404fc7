"""Field types shared by the request models of the registry services.

A code field accepts what a clerk may type — the ASCII code, the Chinese or English
label, or an alias (``体育``, ``PE``, ``pe``) — and stores the code of ``data/codes``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from workforce.codes import code_list, list_label
from workforce.dates import DateError, parse_date
from workforce.services.messages import REGISTRY_MESSAGES


def _code_parser(list_name: str):  # type: ignore[no-untyped-def]
    def parse(value: str) -> str:
        codes = code_list(list_name)
        code = codes.parse(value)
        if code is None:
            text = REGISTRY_MESSAGES.text(
                "unknown_code",
                value=value,
                choices_zh="、".join(c.zh for c in codes.codes),
                choices=", ".join(codes.code_values),
                each={"zh": {"list_name": list_label(list_name, "zh")},
                      "en": {"list_name": list_label(list_name, "en")}},
            )
            raise ValueError(text.joined())
        return code

    return parse


def code_field(list_name: str) -> object:
    """Annotated metadata turning a label or alias of ``list_name`` into its code."""
    return AfterValidator(_code_parser(list_name))


def _date(value: object) -> object:
    """Dates as clerks write them (2021.9.1, 2021年9月1日 …) via :func:`parse_date`."""
    if not isinstance(value, str):
        return value
    try:
        return parse_date(value)
    except DateError as error:
        raise ValueError(f"{error.zh} / {error.en}") from None


def _as_imported(value: object, cell: str) -> object:
    """``value`` read as the import reads a cell of the type :mod:`workforce.io.cells` names
    ``cell`` (named: io imports this module's users), its refusal as the validation error in
    both languages. What is not text is left to the field's own type."""
    if not isinstance(value, str):
        return value
    from workforce.io import cells

    try:
        return getattr(cells, cell)().parse(value)
    except cells.CellError as error:
        raise ValueError(f"{error.text.zh} / {error.text.en}") from None


Subject = Annotated[str, Field(max_length=32), code_field("subjects")]
Gender = Annotated[str, Field(max_length=8), code_field("genders")]
PostType = Annotated[str, Field(max_length=16), code_field("post_types")]
Education = Annotated[str, Field(max_length=32), code_field("education_levels")]
Title = Annotated[str, Field(max_length=32), code_field("titles")]
RetirementCategory = Annotated[str, Field(max_length=16), code_field("retirement_categories")]
TeacherStatus = Annotated[str, Field(max_length=16), code_field("teacher_statuses")]
SchoolLevel = Annotated[str, Field(max_length=32), code_field("school_levels")]
Zone = Annotated[str, Field(max_length=16), code_field("zones")]
Ownership = Annotated[str, Field(max_length=16), code_field("ownership")]
DesignationKind = Annotated[str, Field(max_length=32), code_field("designation_kinds")]
DesignationTier = Annotated[str, Field(max_length=16), code_field("designation_tiers")]
TrainingCategory = Annotated[str, Field(max_length=32), code_field("training_categories")]
Day = Annotated[dt.date, BeforeValidator(_date)]
CareerDay = Annotated[dt.date, BeforeValidator(lambda v: _as_imported(v, "CareerMonthCell"))]
"""参加工作时间, 到本校任教时间 as the import reads them
(:class:`workforce.io.cells.CareerMonthCell`): a date, or its month alone (2015.9, 2015年9月)
as the month's first day — the edit and the correction forms refused the month the clerk's
sheet was imported with."""

PlainText = BeforeValidator(lambda v: _as_imported(v, "TextCell"))
"""Put on a name field (``Annotated[str, PlainText, Field(…)]``): a single-line text as the
import reads a cell (:func:`workforce.io.cells.clean_text`): a control character refused,
naming it; invisible format characters (zero-width, a right-to-left override that shows a name
backwards) dropped; full-width digits and letters as ASCII; trimmed. Through the edit form and
the API a name of ``"a\x00b"``, a name shown reversed or one of nothing visible was saved where
the import refused or cleaned it."""

PersonName = BeforeValidator(lambda v: _as_imported(v, "NameCell"))
"""Put on a person's name field: :data:`PlainText`, then
:func:`workforce.io.cells.person_name` (``李 芳`` is 李芳), as the import reads a teacher's name
(:class:`workforce.io.cells.NameCell`)."""
