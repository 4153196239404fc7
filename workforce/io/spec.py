"""The shape of a declarative import spec: one :class:`EntitySpec` per importable entity.

A spec lists the sheet's columns in template order. From it alone the template, the
header matching and cell parsing, the validation, the upsert and the export are derived,
so adding a column to a sheet means adding one :class:`ColumnSpec`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlmodel import SQLModel

from workforce.io.cells import CellType, CodeCell, ReferenceCell, TextCell
from workforce.io.messages import Language


def normalise(header: str) -> str:
    """A header compared without spaces, invisible format characters, case or a
    required-marker ``*``, full-width forms read as NFKC reads them (``Ｎａｍｅ`` = Name)."""
    text = "".join(unicodedata.normalize("NFKC", str(header)).split())
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.replace("*", "").casefold()


RowCheck = Callable[[Mapping[str, Any], "EntitySpec"], Iterable[tuple]]
"""A check of one parsed row (values by column key): yields (column key, problem) pairs,
or (column key, text, ``"warning"``) for a warning that does not stop the import."""


@dataclass(frozen=True)
class CrossCheck:
    """A row check between columns (a start before an end, a leaving date beside a status).

    A sheet may give only some of the columns it ``reads``: a sheet of leaving dates without a
    status column, of end dates without the start. Such a row is judged again once matched with
    the registry, with the stored values of the columns the sheet lacks
    (`workforce.io.changes.compare`): else a partial sheet could write what a whole one is
    refused."""

    check: RowCheck
    reads: tuple[str, ...]

    def __call__(self, row: Mapping[str, Any], spec: EntitySpec) -> Iterable[tuple]:
        return self.check(row, spec)


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    """Stable key of the column (also its name in the audit log and the docs)."""
    zh: str
    """Header as clerks write it (the template's header)."""
    en: str
    cell: CellType
    field: str | None = None
    """Model field the value lands in; a reference column names the id field it resolves to."""
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""

    @property
    def model_field(self) -> str:
        return self.field or self.key

    def header(self, language: Language = "zh") -> str:
        return self.zh if language == "zh" else self.en

    def names(self) -> list[str]:
        """Every header under which the column is recognised (compared normalised)."""
        return [self.zh, self.en, self.key, *self.aliases]

    @property
    def code_list(self) -> str | None:
        return self.cell.codes if isinstance(self.cell, CodeCell) else None


@dataclass(frozen=True, eq=False)
class EntitySpec:
    """An entity's sheet. Specs are singletons, so they compare and hash by identity."""

    name: str
    """CLI name: ``teachers``, ``schools`` …"""
    zh: str
    en: str
    model: type[SQLModel]
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    """Column keys of the natural key that an import upserts by."""
    checks: tuple[RowCheck, ...] = ()
    sheet_names: tuple[str, ...] = ()
    """Other sheet names that identify the entity."""
    _by_header: dict[str, ColumnSpec] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in column.names():
                self._by_header.setdefault(normalise(name), column)

    @cached_property
    def required_key(self) -> tuple[str, ...]:
        """The key columns that must not be blank (optional ones may: a training provider)."""
        return tuple(k for k in self.key if self.column(k).required)

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def match_header(self, header: str) -> ColumnSpec | None:
        return self._by_header.get(normalise(header))

    def identifies(self, sheet_name: str) -> bool:
        names = (self.name, self.zh, self.en, *self.sheet_names)
        return normalise(sheet_name) in {normalise(n) for n in names}

    @cached_property
    def table(self) -> Any:
        """The model's table (cached: the ORM's class attribute lookup is slow in loops)."""
        return self.model.__table__  # type: ignore[attr-defined]

    @property
    def references(self) -> list[ColumnSpec]:
        return [c for c in self.columns if isinstance(c.cell, ReferenceCell)]

    def label(self, language: Language = "zh") -> str:
        return self.zh if language == "zh" else self.en

    def key_text(self, values: Mapping[str, Any]) -> str:
        """The natural key as one string (audit ``entity_key``, messages)."""
        return "|".join(["" if values.get(k) is None else str(values[k]) for k in self.key])


def text(
    key: str,
    zh: str,
    en: str,
    model: type[SQLModel],
    *,
    multiline: bool = False,
    forbidden: str = "",
    **options: Any,
) -> ColumnSpec:
    """A text column whose length limit is the model column's; single-line unless
    ``multiline`` (a note may hold line breaks, a name or a code may not); none of the
    ``forbidden`` characters."""
    length = model.__table__.c[options.get("field") or key].type.length  # type: ignore[attr-defined]
    return ColumnSpec(key, zh, en, TextCell(length, multiline, forbidden), **options)
