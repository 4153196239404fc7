"""Checks across rows, sheets and the database, run after every cell is parsed and before
anything is written: duplicate natural keys, references to schools and teachers that
exist neither in the database nor in the file, and ID numbers held twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from workforce.idnumber import lookup_hashes
from workforce.io.cells import MASK_CHARACTER, ReferenceCell
from workforce.io.lookups import RegistryIndex
from workforce.io.messages import message
from workforce.io.parse import ParsedSheet


def cross_check(sheets: list[ParsedSheet], index: RegistryIndex, hashes: dict[str, str]) -> None:
    """Add every cross-row problem to the sheet it belongs to (``hashes``: ID-hash cache)."""
    _duplicate_keys(sheets)
    _references(sheets, index)
    _id_numbers(sheets, index, hashes)


def _rows(sheets: list[ParsedSheet], entity: str) -> Iterator[tuple[ParsedSheet, int]]:
    for sheet in sheets:
        if sheet.spec.name == entity:
            yield from ((sheet, position) for position in range(len(sheet.records)))


def _where(sheet: ParsedSheet, position: int, other: ParsedSheet) -> str:
    """A row as another row's message names it (with the sheet when it is another one)."""
    number = str(sheet.rows[position])
    return number if sheet is other else f"{sheet.sheet.name}!{number}"


def _duplicate_keys(sheets: list[ParsedSheet]) -> None:
    for entity in {s.spec.name for s in sheets}:
        if _keys_all_distinct(sheets, entity):
            continue  # the usual file: no row to go through
        seen: dict[tuple, tuple[ParsedSheet, int]] = {}
        for sheet, position in _rows(sheets, entity):
            record = sheet.records[position]
            key = tuple(record.get(k) for k in sheet.spec.key)
            if any(record.get(k) is None for k in sheet.spec.required_key):
                continue  # a blank required key cell is already a problem of its own
            if key in seen:
                first_sheet, first = seen[key]
                sheet.problem(
                    position, sheet.spec.key[0],
                    message("duplicate_key", other_row=_where(first_sheet, first, sheet),
                            key=sheet.spec.key_text(record)),
                )  # fmt: skip
            else:
                seen[key] = (sheet, position)


def _keys_all_distinct(sheets: list[ParsedSheet], entity: str) -> bool:
    """Whether no two rows of the entity's sheets have the same natural key (blank parts
    included), found column by column and with one set."""
    keys: list[tuple] = []
    for sheet in sheets:
        if sheet.spec.name == entity:
            records = sheet.records
            keys.extend(zip(*([r.get(k) for r in records] for k in sheet.spec.key), strict=True))
    return len(set(keys)) == len(keys)


def _references(sheets: list[ParsedSheet], index: RegistryIndex) -> None:
    in_file = {
        target: {sheet.records[p].get(key) for sheet, p in _rows(sheets, target)}
        for target, key in (("schools", "code"), ("teachers", "staff_no"))
    }
    for sheet in sheets:
        for column in sheet.spec.references:
            assert isinstance(column.cell, ReferenceCell)
            target = column.cell.target
            known = index.ids(target)
            unknown = "unknown_school" if target == "schools" else "unknown_teacher"
            for position, record in enumerate(sheet.records):
                value = record.get(column.key)
                if value is not None and value not in known and value not in in_file[target]:
                    sheet.problem(position, column.key, message(unknown, value=value))


def _id_numbers(sheets: list[ParsedSheet], index: RegistryIndex, hashes: dict[str, str]) -> None:
    """An ID number belongs to one teacher: not twice in the file, not to another teacher
    in the database. A masked number (with ``*``) means "unchanged", so a new teacher
    cannot have one."""
    seen: dict[str, tuple[ParsedSheet, int]] = {}
    _hash_all(sheets, hashes)
    owners = index.id_hash_owners
    known_teachers = index.teacher_ids
    for sheet in _teacher_sheets(sheets):
        for position, record in enumerate(sheet.records):
            number, staff_no = record.get("id_number"), record.get("staff_no")
            if number is None or staff_no is None:
                continue
            if MASK_CHARACTER in number:
                if staff_no not in known_teachers:
                    sheet.problem(position, "id_number", message("masked_id_for_new_teacher"))
                continue
            if number in seen:
                first_sheet, first = seen[number]
                sheet.problem(
                    position, "id_number",
                    message("duplicate_id_in_file", other_row=_where(first_sheet, first, sheet),
                            other=first_sheet.records[first]["staff_no"]),
                )  # fmt: skip
                continue
            seen[number] = (sheet, position)
            owner = owners.get(hashes[number]) if owners else None
            if owner is not None and owner != staff_no:
                sheet.problem(
                    position, "id_number", message("duplicate_id_in_database", other=owner)
                )


def _teacher_sheets(sheets: list[ParsedSheet]) -> list[ParsedSheet]:
    return [sheet for sheet in sheets if sheet.spec.name == "teachers"]


def _hash_all(sheets: list[ParsedSheet], hashes: dict[str, str]) -> None:
    """Fill ``hashes`` with the lookup hash of every unmasked ID number of the sheets at once."""
    numbers = {
        number
        for sheet in _teacher_sheets(sheets)
        for record in sheet.records
        if (number := record.get("id_number")) and MASK_CHARACTER not in number
    }
    todo = [number for number in numbers if number not in hashes]
    hashes.update(zip(todo, lookup_hashes(todo), strict=True))
