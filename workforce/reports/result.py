"""The typed result every report returns: the same object feeds the JSON form (the web API
serves it as is) and the xlsx writer. A report is a list of views (one sheet each); a view is
self-describing — each column carries its key, its Chinese and English header and its kind —
so a client needs no other file to show it.

Values in rows are plain JSON values: numbers stay numbers (rates as fractions 0–1, hours as
class hours), dates are ISO strings, codes stay ASCII codes (``kind="code:subjects"`` tells a
writer which code list labels them; ``kind="enum:training_status"`` a message catalogue).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SkipValidation


class Column(BaseModel):
    """One column of a view."""

    model_config = ConfigDict(frozen=True)

    key: str
    zh: str
    en: str
    kind: str = Field(
        "text",
        description="text | int | number | percent (a 0–1 fraction) | date | bool | "
        "code:<code list> | enum:<catalogue> | label (a {zh, en} object)",
    )

    def header(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


class View(BaseModel):
    """One table of a report (one sheet in the workbook)."""

    key: str
    zh: str
    en: str
    columns: list[Column]
    rows: SkipValidation[list[dict[str, Any]]]
    """JSON-ready rows, built by the report code (``frames.records``): not validated again,
    which would cost a second pass over 158,000 per-teacher rows for nothing."""

    def title(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


class Note(BaseModel):
    """A definition, a method or a policy source the reader needs to trust a figure."""

    zh: str
    en: str


class Report(BaseModel):
    """One oversight report on one as-of date."""

    name: str
    zh: str
    en: str
    as_of: dt.date
    parameters: dict[str, Any] = Field(default_factory=dict)
    views: list[View]
    notes: list[Note] = Field(default_factory=list)
    scope: Note | None = Field(
        None, description="Which schools and teachers the report covers, in words (zh, en)."
    )
    unit: Note | None = Field(
        None, description="The reporting unit (填报单位) when it is not the bureau: the school "
        "of a one-school report (a clerk's), which must not read as the bureau's.",
    )

    def view(self, key: str) -> View:
        for view in self.views:
            if view.key == key:
                return view
        raise KeyError(f"report {self.name!r} has no view {key!r}")

    def title(self, language: str) -> str:
        return self.zh if language == "zh" else self.en
