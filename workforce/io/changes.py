"""What an import would change: each parsed row is matched by its natural key against the
rows already in the database (loaded with one query per entity) and becomes a creation,
an update with its field-by-field changes (before → after), or nothing.

Rules that make a re-import change nothing:
- a blank cell of a new row means the model's default (``None``, ``False``, ``0``, an empty
  list, 在岗 for the status, 公办 for the ownership);
- a blank cell of an existing row clears a field whose default is empty (``None``, an empty
  list — what the export writes for it) but never resets a field to a default that says
  something (the status, the ownership, a yes/no flag, a count): there a blank means
  "unchanged" — a retired teacher re-imported with the 状态 cell blank stays retired
  (issue #15);
- a column the sheet does not have is left as it is;
- an ID number that is blank or masked (contains ``*``) leaves the stored number as it is;
  ID numbers are compared by their keyed hash, never decrypted in bulk.

A check between columns (:class:`~workforce.io.spec.CrossCheck`) is run again here on what a
row will hold after the import, where the sheet left some of its columns to the registry or
to a default: a leaving date in a sheet without a status column, beside a stored 在岗.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import select
from sqlmodel import Session

from workforce.idnumber import decrypt, lookup_hash, mask
from workforce.io.cells import MASK_CHARACTER, ReferenceCell
from workforce.io.lookups import RegistryIndex
from workforce.io.messages import message_each
from workforce.io.parse import ParsedSheet
from workforce.io.problems import Problem
from workforce.io.spec import ColumnSpec, CrossCheck, EntitySpec
from workforce.rules.leaving import SERVING

ID_NUMBER = "id_number"
EMPTY_DEFAULTS = (None, [], "")
"""Defaults that a blank cell may set on an existing row: they say nothing."""


@dataclass(frozen=True)
class FieldChange:
    column: ColumnSpec
    before: Any
    after: Any


@dataclass
class RowUpdate:
    position: int
    row_id: int
    version: int | None
    changes: list[FieldChange]


@dataclass
class SheetChanges:
    parsed: ParsedSheet
    creates: list[int] = field(default_factory=list)
    """Positions of rows whose key is new."""
    updates: list[RowUpdate] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    """Rows that would break a check between columns once the registry's values (or the
    defaults) fill the columns the sheet leaves blank or lacks: the import stops on them."""

    @property
    def spec(self) -> EntitySpec:
        return self.parsed.spec


@dataclass(frozen=True)
class ExistingRow:
    row_id: int
    version: int | None
    values: dict[str, Any]
    """Values by column key; references as keys (school code, staff number); for the ID
    number, the stored hash."""
    encrypted_id: str | None = None


@cache
def column_defaults(spec: EntitySpec) -> dict[str, Any]:
    """What a blank cell means for each column: the model field's default (the ID number,
    which is no model field, has none). Computed once per spec: pydantic's ``get_default``
    inspects the factory's signature on every call."""
    fields = spec.model.model_fields
    defaults = {}
    for column in spec.columns:
        info = fields.get(column.model_field)
        value = None if info is None else info.get_default(call_default_factory=True)
        defaults[column.key] = None if value is PydanticUndefined else value
    return defaults


def effective(spec: EntitySpec, column: ColumnSpec, value: Any) -> Any:
    return column_defaults(spec)[column.key] if value is None else value


def id_hash(hashes: dict[str, str], number: str) -> str:
    """The lookup hash of ``number``, computed once per import (``hashes`` is the cache)."""
    found = hashes.get(number)
    if found is None:
        found = hashes[number] = lookup_hash(number)
    return found


def load_existing(
    session: Session, spec: EntitySpec, index: RegistryIndex
) -> dict[tuple, ExistingRow]:
    """Every row of the entity's table by natural key, with one query."""
    table = spec.table
    reverse = {c.key: index.keys(c.cell.target) for c in spec.references}  # type: ignore[union-attr]
    existing: dict[tuple, ExistingRow] = {}
    for row in session.execute(select(table)).mappings():
        values: dict[str, Any] = {}
        for column in spec.columns:
            if column.key == ID_NUMBER:
                values[ID_NUMBER] = row["id_number_hash"]
            elif isinstance(column.cell, ReferenceCell):
                values[column.key] = reverse[column.key].get(row[column.model_field])
            else:
                values[column.key] = row[column.model_field]
        existing[tuple(values[k] for k in spec.key)] = ExistingRow(
            row["id"],
            row.get("version"),
            values,
            row.get("id_number_encrypted"),
        )
    return existing


def compare(
    session: Session, parsed: ParsedSheet, index: RegistryIndex, hashes: dict[str, str]
) -> SheetChanges:
    """The creations and updates that would bring the database in line with the sheet.

    ``hashes`` caches ID number → lookup hash for the whole import.
    """
    spec = parsed.spec
    existing = load_existing(session, spec, index)
    result = SheetChanges(parsed)
    present = [spec.column(k) for k in parsed.columns]
    for position, record in enumerate(parsed.records):
        found = existing.get(tuple(record.get(k) for k in spec.key))
        if found is None:
            result.creates.append(position)
            defaults = {c.key: effective(spec, c, record.get(c.key)) for c in spec.columns}
            result.problems += _cross_checked(parsed, position, defaults, {c.key for c in spec.columns})
            continue
        changes = [
            change
            for column in present
            if (change := _change(spec, column, record.get(column.key), found, hashes))
        ]
        changes += _leaving_date_cleared(spec, changes, found, parsed.columns)
        changes = _birth_date_beside_new_number(spec, record, found, changes, hashes)
        if changes:
            result.updates.append(RowUpdate(position, found.row_id, found.version, changes))
            after = found.values | {c.column.key: c.after for c in changes}
            result.problems += _cross_checked(parsed, position, after,
                                              {c.column.key for c in changes})
        else:
            result.unchanged += 1
    return result


def _cross_checked(
    parsed: ParsedSheet, position: int, after: Mapping[str, Any], changed: set[str]
) -> list[Problem]:
    """The checks between columns judged on what row ``position`` will hold (``after``), for
    each check that reads a ``changed`` column and some of whose columns the sheet left to the
    registry or a default (blank or missing). Parsing judged the row with those columns empty;
    a check with all its columns given was judged there already, and one whose columns the
    import does not change is the registry's own business, not this sheet's. Each problem
    names the columns taken from elsewhere."""
    record = parsed.records[position]
    found: list[Problem] = []
    for check in parsed.spec.checks:
        if not isinstance(check, CrossCheck) or changed.isdisjoint(check.reads):
            continue
        filled = [k for k in check.reads if record.get(k) is None and after.get(k) is not None]
        if not filled:
            continue
        for key, text, *severity in check({k: after.get(k) for k in check.reads}, parsed.spec):
            if severity:  # a warning: parsing gave the ones the sheet's own values call for
                continue
            columns = [parsed.spec.column(k) for k in filled]
            where = key if key in parsed.columns else parsed.spec.key[0]
            found.append(parsed.located(position, where, message_each(
                "judged_with_registry",
                zh={"problem": text.zh, "columns": "、".join(f"“{c.zh}”" for c in columns)},
                en={"problem": text.en, "columns": ", ".join(f"'{c.en}'" for c in columns)},
            )))  # fmt: skip
    return found


def _birth_date_beside_new_number(
    spec: EntitySpec,
    record: Mapping[str, Any],
    found: ExistingRow,
    changes: list[FieldChange],
    hashes: dict[str, str],
) -> list[FieldChange]:
    """A row that gives a teacher a new full ID number lists the birth date as changed
    whether or not its day differs from the one on file. Listed only when the day differed, a
    dry run of rows with numbers for each day of the month shown (the birth date is the
    number's, checked beside it) told the stored day by the one row without the change; the
    listing shows months, the same for every day. A row giving the stored number is no such
    question (its answer is an unmasking on record: `workforce.io.validate.cross_check`)."""
    number = record.get(ID_NUMBER)
    stored, given = found.values.get("birth_date"), record.get("birth_date")
    if (spec.name != "teachers" or not number or MASK_CHARACTER in number or stored is None
            or given is None or id_hash(hashes, number) == found.values[ID_NUMBER]):
        return changes
    kept = [c for c in changes if c.column.key != "birth_date"]
    return [*kept, FieldChange(spec.column("birth_date"), stored, given)]


def _leaving_date_cleared(
    spec: EntitySpec, changes: list[FieldChange], found: ExistingRow, columns: Mapping[str, int]
) -> list[FieldChange]:
    """A teacher put back in service (re-employed) by a sheet without a 离岗日期 column has no
    leaving date any more, as the edit clears it (`workforce.services.teachers`): kept, it
    would stand beside a status in service, and the next export of it would be refused on
    import (`workforce.rules.leaving`)."""
    if "left_on" in columns or found.values.get("left_on") is None:
        return []
    back = [c for c in changes if c.column.key == "status" and c.after in SERVING]
    return [FieldChange(spec.column("left_on"), found.values["left_on"], None)] if back else []


def _change(
    spec: EntitySpec, column: ColumnSpec, value: Any, found: ExistingRow, hashes: dict[str, str]
) -> FieldChange | None:
    if column.key == ID_NUMBER:
        if value is None or MASK_CHARACTER in value:
            return None
        if id_hash(hashes, value) == found.values[ID_NUMBER]:
            return None
        before = mask(decrypt(found.encrypted_id)) if found.encrypted_id else None
        return FieldChange(column, before, mask(value))
    if value is None and column_defaults(spec)[column.key] not in EMPTY_DEFAULTS:
        return None  # a blank never resets a stored value to a default that says something
    new = effective(spec, column, value)
    old = found.values[column.key]
    return None if new == old else FieldChange(column, old, new)
