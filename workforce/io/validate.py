"""Checks across rows, sheets and the database, run after every cell is parsed and before
anything is written: duplicate natural keys, references to schools and teachers that
exist neither in the database nor in the file, ID numbers held twice, masked ID numbers
that are not the stored number's mask (a warning: the cell is ignored), and each
teacher's continuing-education hours per year, the database's and the file's together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select

from workforce.idnumber import IdNumber, birth_date_beside_number, lookup_hashes, mask
from workforce.io.cells import MASK_CHARACTER, BirthMonth, ReferenceCell
from workforce.io.lookups import IN_CHUNK, RegistryIndex
from workforce.io.messages import message, message_each
from workforce.io.parse import ParsedSheet
from workforce.io.plausible import plausibility
from workforce.models import School, Teacher, TrainingRecord

STORED_MASK = mask("0" * 18)
"""The mask of every stored ID number: numbers are stored in their one 18-character form
(:func:`workforce.idnumber.normalised_id_number`) and the mask hides every character, so
whether a number is on file is all the comparison needs — no stored number is decrypted."""



NUMBER_MATCHED = "import: the full ID number given is the stored one"
NUMBER_NAMED = "import: the full ID number given is this teacher's (refused for another row)"
NUMBER_ELSEWHERE = (
    "import: the full ID number given is this teacher's, in another county (refused for a row "
    "of the importer's county)"
)
"""Notes of the ``unmask`` entries an import writes (:func:`cross_check`)."""
REFUSAL_DISCLOSURES = (NUMBER_NAMED, NUMBER_ELSEWHERE)
"""The disclosures a refused file makes too: its refusals tell whose (or that someone's) the
number is, whatever else the file holds."""


def cross_check(
    sheets: list[ParsedSheet],
    index: RegistryIndex,
    hashes: dict[str, str],
    county: str | None = None,
) -> list[tuple[str, str]]:
    """Add every cross-row problem to the sheet it belongs to (``hashes``: ID-hash cache;
    ``county``: the importing user's county, which bounds what a problem may reveal).

    Returns what the answer discloses, as (staff number, note) for ``unmask`` entries: each
    registered teacher whose full ID number a row gives — on that teacher's row (the row reads
    "unchanged") or on another (refused, naming the teacher). "This number is this teacher's"
    is what a search by ID number answers, logged as an unmasking: unlogged, a dry run of
    14,000 rows, one for each number that fits a teacher's birth month and gender, named
    the teacher's own."""
    _duplicate_keys(sheets)
    _new_rows_need_every_required_column(sheets, index)
    _leading_zeros_lost(sheets, index)
    _references(sheets, index)
    disclosed = _id_numbers(sheets, index, hashes, county)
    _masked_id_numbers(sheets, index)
    _agrees_with_stored_id(sheets, index, county)
    _training_per_year(sheets, index)
    return disclosed


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


def _new_rows_need_every_required_column(sheets: list[ParsedSheet], index: RegistryIndex) -> None:
    """A sheet without some required columns (allowed while it only changes registered rows,
    :data:`workforce.io.parse.PARTIAL_SHEETS`) refuses each of its rows that would register a
    new teacher or school, at its key, naming the columns it needs."""
    for sheet in sheets:
        if not sheet.absent_required:
            continue
        known = index.ids(sheet.spec.name)
        key = sheet.spec.key[0]
        absent = sheet.absent_required
        for position, record in enumerate(sheet.records):
            value = record.get(key)
            if value is not None and value not in known:
                sheet.problem(position, key, message_each(
                    "new_row_needs_columns",
                    zh={"key": value, "columns": "、".join(c.zh for c in absent)},
                    en={"key": value, "columns": ", ".join(c.en for c in absent)},
                ))  # fmt: skip


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


def _leading_zeros_lost(sheets: list[ParsedSheet], index: RegistryIndex) -> None:
    """A new school code or staff number of digits that is a registered one without its
    leading zeros (123 where 000123 is on file) is refused: Excel turns such a text into a
    number when it opens a CSV (an export saved again), and the row would add a second school
    or teacher beside the registered one instead of updating it."""
    for entity, key in (("schools", "code"), ("teachers", "staff_no")):
        rows = [
            (sheet, position, value)
            for sheet, position in _rows(sheets, entity)
            if (value := sheet.records[position].get(key)) is not None and value.isdigit()
            and value not in index.ids(entity)
        ]  # fmt: skip
        if not rows:
            continue
        zeroed = {
            known.lstrip("0"): known
            for known in index.ids(entity)
            if known[:1] == "0" and known.isdigit()
        }
        for sheet, position, value in rows:
            if value in zeroed:
                text = message("leading_zeros_lost", value=value, known=zeroed[value])
                sheet.problem(position, key, text)


def _id_numbers(
    sheets: list[ParsedSheet],
    index: RegistryIndex,
    hashes: dict[str, str],
    county: str | None,
) -> list[tuple[str, str]]:
    """An ID number belongs to one teacher: not twice in the file, not to another teacher
    in the database; returns the disclosures (:func:`cross_check`). A masked number (with ``*``) means "unchanged", so a new teacher
    cannot have one.

    The refusal names the teacher who holds the number — unless the importer works for one
    county and that teacher is in another: then it says only that the number is registered
    elsewhere. Otherwise a county's HR officer could learn, row by row, which staff number of
    another county holds any ID number they type (the number must still be refused: it is one
    person's). Even so the refusal says the number is a teacher's: a dry run of 31,000 rows,
    one per number of a birth month, found another county's teacher's full number — so it is
    a disclosure too, logged against that teacher (``NUMBER_ELSEWHERE``), for the auditors of
    the teacher's county to see."""
    taken: list[tuple[ParsedSheet, int, str]] = []
    matched: list[str] = []
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
            if owner == staff_no:
                matched.append(owner)
            elif owner is not None:
                taken.append((sheet, position, owner))
    elsewhere = _outside_county({owner for _, _, owner in taken} | set(matched), index, county)
    # another county's teacher counts as unregistered for this importer: the row is refused
    # as such (`workforce.io.county_scope`), which tells nothing of the number
    disclosed = [(owner, NUMBER_MATCHED) for owner in matched if owner not in elsewhere]
    for sheet, position, owner in taken:
        if owner in elsewhere:
            sheet.problem(position, "id_number", message("duplicate_id_in_other_county"))
            disclosed.append((owner, NUMBER_ELSEWHERE))
        else:
            sheet.problem(position, "id_number", message("duplicate_id_in_database", other=owner))
            disclosed.append((owner, NUMBER_NAMED))
    return disclosed


def _outside_county(staff_numbers: set[str], index: RegistryIndex, county: str | None) -> set[str]:
    """Those of ``staff_numbers`` whose school is not in ``county`` (none without a county)."""
    if county is None or not staff_numbers:
        return set()
    listed, inside = sorted(staff_numbers), set()
    for start in range(0, len(listed), IN_CHUNK):
        query = (
            select(Teacher.staff_no, School.county)
            .join(School, Teacher.school_id == School.id)  # type: ignore[arg-type]
            .where(Teacher.staff_no.in_(listed[start : start + IN_CHUNK]))  # type: ignore[attr-defined]
        )
        inside |= {staff_no for staff_no, of in index.session.execute(query) if of == county}
    return staff_numbers - inside


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


def _masked_id_numbers(sheets: list[ParsedSheet], index: RegistryIndex) -> None:
    """A masked ID number (as exports show it) keeps the stored number; when it is not the
    mask of the stored number (or there is none), say so: the cell is ignored, with a
    warning at its row and column, never silently."""
    masked = [
        (sheet, position, record["staff_no"], record["id_number"])
        for sheet in _teacher_sheets(sheets)
        for position, record in enumerate(sheet.records)
        if (number := record.get("id_number")) and MASK_CHARACTER in number
        and record.get("staff_no") in index.teacher_ids
    ]  # fmt: skip
    if not masked:
        return
    staff = sorted({staff_no for _, _, staff_no, _ in masked})
    stored: dict[str, str | None] = {}
    for start in range(0, len(staff), IN_CHUNK):
        rows = index.session.execute(
            select(Teacher.staff_no, Teacher.id_number_encrypted.is_not(None)).where(  # type: ignore[union-attr]
                Teacher.staff_no.in_(staff[start : start + IN_CHUNK])  # type: ignore[attr-defined]
            )
        )
        stored.update((staff_no, STORED_MASK if held else None) for staff_no, held in rows)
    for sheet, position, staff_no, number in masked:
        shown = stored.get(staff_no)
        if shown != number:
            sheet.warn(position, "id_number", message("masked_id_ignored", stored=shown or "—"))


def _agrees_with_stored_id(
    sheets: list[ParsedSheet], index: RegistryIndex, county: str | None
) -> None:
    """A registered teacher with an ID number on file changes birth date or gender only with
    the full number in the row. The row check (:func:`workforce.io.entities.id_number_agrees`)
    sees the file's own number only; with the cell blank or masked (the stored number kept),
    a masked export re-saved by Excel — 1985-03 turned into the date 1985-03-01 — changed the
    birth date away from the number it is part of. The stored birth date and gender are the
    number's (every entry checks them against it), so a change is a disagreement: no stored
    number is decrypted, and the message names no stored date (the day is the number's). For
    one county's importer another county's teacher is not looked at (the row is refused as
    outside the county, and the answer would tell that teacher's birth date)."""
    rows = [
        (sheet, position, record)
        for sheet in _teacher_sheets(sheets)
        for position, record in enumerate(sheet.records)
        if record.get("staff_no") in index.teacher_ids
        and (record.get("birth_date") is not None or record.get("gender") is not None)
        and (not record.get("id_number") or MASK_CHARACTER in record["id_number"])
    ]
    if not rows:
        return
    stored = index.birth_facts((record["staff_no"] for _, _, record in rows), county)
    for sheet, position, record in rows:
        born, gender, held = stored.get(record["staff_no"], (None, None, False))
        if not held:
            continue
        new_birth, new_gender = record.get("birth_date"), record.get("gender")
        if new_birth is not None and born is not None:
            # a day of the stored month is the stored date: no answer tells which day it is
            new_birth = record["birth_date"] = birth_date_beside_number(new_birth, born)
        if new_birth is not None and new_birth != born:
            text = message("birth_date_not_stored_id", birth=new_birth.isoformat())
            sheet.problem(position, "birth_date", text)
        if new_gender is not None and new_gender != gender:
            sheet.problem(position, "gender", message("gender_not_stored_id"))


def _training_per_year(sheets: list[ParsedSheet], index: RegistryIndex) -> None:
    """A teacher's hours in one calendar year — the stored records the file does not
    replace, plus the file's — at most ``training_hours_per_year``
    (``data/rules/import_limits.yaml``); each of the file's rows of a year beyond it is
    refused."""
    rows = [
        (sheet, position) for sheet in sheets if sheet.spec.name == "training"
        for position in range(len(sheet.records))
    ]  # fmt: skip
    if not rows:
        return
    bounds = plausibility()
    limit = bounds.training_hours_per_year
    in_file: dict[tuple[str, int], list[tuple[ParsedSheet, int]]] = defaultdict(list)
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    keys: set[tuple] = set()
    for sheet, position in rows:
        record = sheet.records[position]
        staff_no, day, hours = record.get("staff_no"), record.get("date"), record.get("hours")
        if staff_no is None or day is None or hours is None:
            continue
        if hours > bounds.training_hours_per_record:
            continue  # refused on its own already
        in_file[(staff_no, day.year)].append((sheet, position))
        totals[(staff_no, day.year)] += hours
        keys.add(tuple(record.get(k) for k in sheet.spec.key))
    stored: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    ids = index.teacher_ids
    teacher_ids = sorted({ids[staff_no] for staff_no, _ in in_file if staff_no in ids})
    by_id = {ids[staff_no]: staff_no for staff_no, _ in in_file if staff_no in ids}
    table = TrainingRecord.__table__.c  # type: ignore[attr-defined]
    for start in range(0, len(teacher_ids), IN_CHUNK):
        found = index.session.execute(
            select(table.teacher_id, table.date, table.category, table.provider,
                   table.certificate_no, table.hours)
            .where(table.teacher_id.in_(teacher_ids[start : start + IN_CHUNK]))
        )  # fmt: skip
        for teacher_id, day, category, provider, certificate_no, hours in found:
            staff_no = by_id[teacher_id]
            if (staff_no, day, category, provider, certificate_no) in keys:
                continue  # the file's row replaces it
            stored[(staff_no, day.year)] += hours
    for (staff_no, year), places in in_file.items():
        total = totals[(staff_no, year)] + stored[(staff_no, year)]
        if total > limit:
            text = message(
                "hours_per_year", staff_no=staff_no, year=year, total=total,
                stored=stored[(staff_no, year)], limit=limit,
            )  # fmt: skip
            for sheet, position in places:
                sheet.problem(position, "hours", text)


def birth_months(parsed: ParsedSheet, index: RegistryIndex, county: str | None = None) -> None:
    """A birth date given as its month (:class:`~workforce.io.cells.BirthMonth`, as a masked
    export shows it) becomes the stored birth date when that lies in the month — re-importing a
    masked export changes nothing (every row was refused as an unrecognised date). For a
    teacher not in the registry, or another month, it is a problem at the cell: a birth date is
    changed or given only with its day. Run before the row checks, which then see the date.

    For an importer of one ``county`` a teacher of another county counts as not registered:
    whether a month is accepted would tell them that teacher's birth month (the row is refused
    as outside the county anyway).

    Beside a full ID number the month means the day the number holds, when that lies in it
    (else a problem naming the month and the number's date, both the row's own): made the
    stored date, the row check then quoted it against the number's — the stored day, to an
    importer who sees the month only."""
    at = []
    for position, record in enumerate(parsed.records):
        month = record.get("birth_date")
        if type(month) is not BirthMonth:
            continue
        number = record.get("id_number")
        if not number or MASK_CHARACTER in number:
            at.append(position)
            continue
        born = IdNumber(number).birth_date  # validated by its cell
        if (born.year, born.month) == (month.year, month.month):
            record["birth_date"] = born
        else:
            record["birth_date"] = None
            parsed.problem(position, "birth_date", message(
                "birth_date_mismatch", birth=month.text, expected=born.isoformat()))  # fmt: skip
    if not at:
        return
    staff = {s for p in at if (s := parsed.records[p].get("staff_no")) in index.teacher_ids}
    stored = {s: facts[0] for s, facts in index.birth_facts(staff, county).items()}
    for position in at:
        record = parsed.records[position]
        month: BirthMonth = record["birth_date"]
        day = stored.get(record.get("staff_no"))
        record["birth_date"] = None
        if day is None:
            parsed.problem(position, "birth_date", message("birth_month_new", month=month.text))
        elif (day.year, day.month) != (month.year, month.month):
            parsed.problem(position, "birth_date", message("birth_month_other", month=month.text))
        else:
            record["birth_date"] = day
