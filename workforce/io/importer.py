"""Import a clerk's file: read → detect each sheet's entity → parse → validate everything →
compare with the registry → write it all in one transaction (or, in a dry run, nothing).

A workbook may hold several sheets (schools, teachers, certificates …); they are written
in dependency order, so a certificates sheet may name teachers that the teachers sheet of
the same workbook adds. Any problem anywhere fails the whole import: the registry is left
exactly as it was and only an :class:`~workforce.models.ImportBatch` row with the status
``failed`` and its counts is recorded (in a transaction of its own), so a failed upload is
visible in the import log. A dry run changes nothing in the registry and logs no import; what
its answer discloses (a full ID number confirmed as a teacher's, :func:`~workforce.io.validate.
cross_check`) is written to the audit log as an unmasking, as for any import.

A ``progress`` callback, when given, hears ``(stage, rows, total)`` as the import goes: ``read``
once the file is read (its rows, header and blank ones included), ``validate`` after each sheet
is parsed and checked (``total`` None until the cross-checks are done, then the data rows),
``write`` after every :data:`WRITE_CHUNK_ROWS` rows written (``total``: the rows created or
updated). Calls are few by construction — one per sheet and stage, one per chunk — so showing
them costs nothing measurable; counts only grow within a stage.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Literal

from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from workforce import audit
from workforce.audit import AUDIT_TABLE
from workforce.bulkwork import cyclic_gc_paused
from workforce.db import begin_write
from workforce.io.apply import ChangedMeanwhile, changed_meanwhile, write_changes
from workforce.io.bulk import bulk_page_cache, indexes_rebuilt_after
from workforce.io.cells import is_blank
from workforce.io.change_checks import change_warnings, file_created_at
from workforce.io.changes import SheetChanges, compare
from workforce.io.county_scope import refuse_outside_county
from workforce.io.entities import SPECS
from workforce.io.limits import ImportLimits, LimitExceeded
from workforce.io.lookups import RegistryIndex
from workforce.io.messages import MESSAGES, Text, message
from workforce.io.parse import ParsedSheet, detect, parse_sheet
from workforce.io.problems import Problem
from workforce.io.readers import RawSheet, UnreadableFile, read_file
from workforce.io.spec import EntitySpec, normalise
from workforce.io.validate import REFUSAL_DISCLOSURES, birth_months, cross_check
from workforce.models import ImportBatch

IMPORT_LOCK = (0x696D706F, 0)
"""PostgreSQL advisory lock taken by a committing import (one at a time; dry runs read only)."""

Status = Literal["committed", "unchanged", "failed", "dry_run"]
ImportProgress = Callable[[str, int, int | None], None]
"""``progress(stage, rows, total)``; see the module docstring."""
WRITE_CHUNK_ROWS = 10_000
"""Rows written between two ``write`` progress calls (10 calls for 100,000 rows)."""
SPEC_ORDER = {name: i for i, name in enumerate(SPECS)}
MAX_ENTITY_TEXT = 32
ANY_WARNINGS = "any"
"""``warnings_acknowledged`` of a caller that asks no acknowledgement (API, console)."""
AUXILIARY_SHEETS = frozenset(
    normalise(name) for key in ("codes_sheet", "problems_sheet") for name in MESSAGES[key]
)
"""Sheets that templates and error reports add; skipped without a notice."""


@dataclass
class ImportReport:
    file: str
    status: Status
    sheets: list[ParsedSheet] = field(default_factory=list)
    changes: list[SheetChanges] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    batch_id: int | None = None
    limit_exceeded: Text | None = None
    """Why the file was refused unread by the import limits (then its only problem)."""
    unacknowledged: bool = False
    """A commit stopped before writing: the file has warnings not acknowledged."""

    @property
    def warnings(self) -> list[Problem]:
        """The notices about rows (a sheet's notices without a row say what was skipped)."""
        return [n for n in self.notices if n.row is not None]

    @property
    def warnings_fingerprint(self) -> str:
        """What the warnings say and where, as a short digest: the dry run's page sends it
        with the acknowledgement, and the commit writes only if its own warnings have the
        same one (so an acknowledgement covers exactly the warnings that were shown)."""
        text = "\n".join(f"{w.sheet}|{w.row}|{w.column}|{w.text.zh}" for w in self.warnings)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def changed(self) -> bool:
        return any(c.creates or c.updates for c in self.changes)

    def counts(self) -> dict[str, int]:
        """Row counts for the import log: ``rows``, ``problems`` and per entity
        ``<entity>.created`` / ``.updated`` / ``.unchanged``."""
        counts = {"rows": sum(len(s.records) for s in self.sheets), "problems": len(self.problems)}
        for c in self.changes:
            name = c.spec.name
            counts[f"{name}.created"] = counts.get(f"{name}.created", 0) + len(c.creates)
            counts[f"{name}.updated"] = counts.get(f"{name}.updated", 0) + len(c.updates)
            counts[f"{name}.unchanged"] = counts.get(f"{name}.unchanged", 0) + c.unchanged
        return counts

    @property
    def entity(self) -> str:
        text = "+".join(dict.fromkeys(s.spec.name for s in self.sheets)) or "unknown"
        return text if len(text) <= MAX_ENTITY_TEXT else "multiple"


def import_file(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    entity: EntitySpec | None = None,
    dry_run: bool = False,
    limits: ImportLimits | None = None,
    progress: ImportProgress | None = None,
    warnings_acknowledged: str | None = ANY_WARNINGS,
    county: str | None = None,
) -> ImportReport:
    """Import ``path`` (xlsx or csv) into the registry; see the module docstring.

    ``county``: the importing user's county; a row reaching outside it is refused
    (:mod:`workforce.io.county_scope`).

    A file beyond ``limits`` (by default the settings') fails unread, with the reason.
    ``warnings_acknowledged``: the :attr:`ImportReport.warnings_fingerprint` of the warnings
    the user saw in the dry run and acknowledged. A file whose warnings are not those — none
    acknowledged (None), or new ones since the dry run (the registry changed in between) —
    is not written: the report comes back as a dry run marked ``unacknowledged`` (the pages
    ask for the acknowledgement). :data:`ANY_WARNINGS`: written whatever they are (the API
    and the console, which list the warnings in their answer but ask nothing).
    """
    tell = progress or _silent
    with cyclic_gc_paused():
        return _import(
            engine, path, actor=actor, entity=entity, dry_run=dry_run, limits=limits,
            progress=tell, acknowledged=warnings_acknowledged, county=county,
        )  # fmt: skip


def _silent(stage: str, rows: int, total: int | None) -> None:
    """No progress to show."""


def _import(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    entity: EntitySpec | None,
    dry_run: bool,
    limits: ImportLimits | None,
    progress: ImportProgress,
    acknowledged: str | None,
    county: str | None,
) -> ImportReport:
    report = ImportReport(path.name, "failed")
    try:
        raw_sheets = read_file(path, limits)
    except (UnreadableFile, LimitExceeded) as error:
        if isinstance(error, LimitExceeded):
            report.limit_exceeded = error.text
        report.problems.append(Problem(path.name, "", error.text))
        return _failed(engine, report, actor, dry_run)
    read = sum(len(sheet.rows) for sheet in raw_sheets)
    progress("read", read, read)
    with Session(engine, expire_on_commit=False) as session:
        if not dry_run:
            # checks against the registry (duplicates, a teacher's hours in a year) and the
            # writes that rely on them in one write transaction: two imports at once queue
            # instead of both passing the same check
            try:
                begin_write(session, lock=IMPORT_LOCK)
            except OperationalError:
                report.problems.append(Problem(path.name, "", message("database_busy")))
                return _failed(engine, report, actor, dry_run)
        index = RegistryIndex(session)
        hashes: dict[str, str] = {}
        _parse_all(report, raw_sheets, entity, progress, partial(birth_months, index=index, county=county))
        disclosed = cross_check(report.sheets, index, hashes, county)
        if county is not None:
            refuse_outside_county(report.sheets, index, county)
        rows = report.counts()["rows"]
        progress("validate", rows, rows)
        for sheet in report.sheets:  # warnings of the cells, rows and cross-checks
            report.notices.extend(sheet.notices)
        report.problems = sorted(
            [p for p in report.problems if p.row is None]
            + [p for s in report.sheets for p in s.problems],
            key=lambda p: (p.sheet, p.row or 0, p.column or 0),
        )
        if report.problems:  # the rows that name a teacher's number disclose it; no other row
            session.rollback()
            _record_disclosures(engine, actor,
                                [d for d in disclosed if d[1] in REFUSAL_DISCLOSURES])
            return _failed(engine, report, actor, dry_run)
        report.changes = [compare(session, s, index, hashes) for s in report.sheets]
        report.problems = [p for c in report.changes for p in c.problems]
        if report.problems:
            session.rollback()
            return _failed(engine, report, actor, dry_run)
        report.notices += change_warnings(session, report.changes, file_created_at(path))
        report.unacknowledged = (
            not dry_run
            and bool(report.warnings)
            and acknowledged not in (ANY_WARNINGS, report.warnings_fingerprint)
        )
        if dry_run or report.unacknowledged:  # the changes shown tell which numbers matched
            session.rollback()
            _record_disclosures(engine, actor, disclosed)
            report.status = "dry_run"
            return report
        report.status = "committed" if report.changed else "unchanged"
        try:
            report.batch_id = _write(session, report, index, hashes, actor, progress)
            _disclose(session, actor, disclosed, report.batch_id)
            session.commit()
        except ChangedMeanwhile as changed:  # a row edited since the compare: none overwritten
            session.rollback()
            report.batch_id = None
            report.problems.extend(changed_meanwhile(session, changed.changes))
            session.rollback()
            return _failed(engine, report, actor, dry_run)
        except DBAPIError as error:
            session.rollback()
            report.status = "failed"
            reason = str(error.orig or error).splitlines()[0]
            report.problems.append(
                Problem(path.name, "", message("database_refused", reason=reason))
            )
            return _failed(engine, report, actor, dry_run)
    return report


def _parse_all(
    report: ImportReport,
    raw_sheets: list[RawSheet],
    entity: EntitySpec | None,
    progress: ImportProgress,
    prepare: Callable[[ParsedSheet], None],
) -> None:
    chosen = raw_sheets
    if entity is not None:
        named = [s for s in raw_sheets if entity.identifies(s.name)]
        # else the first sheet the clerk sees (a hidden sheet of drop-down lists often comes first)
        visible = [s for s in raw_sheets if not s.hidden] or raw_sheets
        chosen = named or visible[:1]
    for sheet in chosen:
        if normalise(sheet.name) in AUXILIARY_SHEETS:
            continue
        found = detect(sheet, entity)
        if found is None:
            if len(chosen) == 1:
                report.problems.append(_not_detected(report.file, sheet))
            else:
                report.notices.append(
                    Problem(report.file, sheet.name, message("ignored_sheet", sheet=sheet.name))
                )
            continue
        spec, header_index = found
        if sheet.hidden:
            # rows the clerk does not see are never imported: a hidden copy of last year's
            # list was written beside the visible sheet, unnoticed
            _hidden_sheet(report, sheet, spec, header_index)
            continue
        report.sheets.append(parse_sheet(report.file, sheet, spec, header_index, prepare))
        progress("validate", sum(len(s.records) for s in report.sheets), None)
    if not report.sheets and not report.problems:  # a workbook none of whose sheets is known
        report.problems.append(_not_detected(report.file, chosen[0] if chosen else None))
    report.sheets.sort(key=lambda s: SPEC_ORDER[s.spec.name])


def _hidden_sheet(report: ImportReport, sheet: RawSheet, spec: EntitySpec, header: int) -> None:
    """A hidden sheet of an entity: refused when it holds rows, else skipped with a notice."""
    rows = sum(1 for row in sheet.rows[header + 1 :] if any(not is_blank(c) for c in row))
    if rows:
        text = message("hidden_sheet", sheet=sheet.name, rows=rows, entity=spec.zh,
                       entity_en=spec.en)  # fmt: skip
        report.problems.append(Problem(report.file, sheet.name, text))
    else:
        report.notices.append(
            Problem(report.file, sheet.name, message("ignored_sheet", sheet=sheet.name))
        )


def _not_detected(file: str, sheet: RawSheet | None) -> Problem:
    if sheet is None or not any(any(row) for row in sheet.rows):
        return Problem(file, sheet.name if sheet else "", message("empty_sheet"))
    return Problem(file, sheet.name, message("entity_not_detected", choices=", ".join(SPECS)))


def _write(
    session: Session,
    report: ImportReport,
    index: RegistryIndex,
    hashes: dict[str, str],
    actor: str,
    progress: ImportProgress,
) -> int:
    batch = ImportBatch(
        actor=actor, file_name=report.file, entity=report.entity, status=report.status,
        counts=report.counts(),
    )  # fmt: skip
    session.add(batch)
    session.flush()
    assert batch.id is not None
    written: set[str] = set()
    done, total = 0, sum(len(c.creates) + len(c.updates) for c in report.changes)
    progress("write", done, total)
    connection = session.connection()
    with bulk_page_cache(connection), indexes_rebuilt_after(connection, _incoming_rows(report)):
        for changes in report.changes:
            if changes.spec.name not in written and written & {"schools", "teachers"}:
                index.refresh()  # rows just added may be referenced by the next entity
            for part in _chunks(changes):
                write_changes(
                    session, part, index=index, hashes=hashes, actor=actor, batch_id=batch.id
                )
                done += len(part.creates) + len(part.updates)
                progress("write", done, total)
            written.add(changes.spec.name)
    return batch.id


def _chunks(changes: SheetChanges) -> Iterator[SheetChanges]:
    """The sheet's creations, then its updates, :data:`WRITE_CHUNK_ROWS` at a time (written in
    the same transaction: the chunks only pace the ``write`` progress)."""
    size = WRITE_CHUNK_ROWS
    for start in range(0, len(changes.creates), size):
        yield replace(changes, creates=changes.creates[start : start + size], updates=[])
    for start in range(0, len(changes.updates), size):
        yield replace(changes, creates=[], updates=changes.updates[start : start + size])


def _incoming_rows(report: ImportReport) -> dict[Table, int]:
    """How many rows the import adds to each table: its new rows and their audit entries."""
    incoming: Counter[Table] = Counter()
    for changes in report.changes:
        incoming[changes.spec.table] += len(changes.creates)
        incoming[AUDIT_TABLE] += len(changes.creates) + len(changes.updates)
    return incoming


def _disclose(
    session: Session, actor: str, disclosed: list[tuple[str, str]], batch_id: int | None = None
) -> None:
    """One ``unmask`` entry per (staff number, note) the import's answer discloses
    (:func:`workforce.io.validate.cross_check`)."""
    audit.record_many(session, [
        {"actor": actor, "action": "unmask", "entity": "teacher", "entity_key": staff_no,
         "note": note, "import_batch_id": batch_id}
        for staff_no, note in disclosed
    ])  # fmt: skip


def _record_disclosures(engine: Engine, actor: str, disclosed: list[tuple[str, str]]) -> None:
    """The disclosures of an answer that writes nothing else (a dry run, a refused file),
    committed on their own: a dry run discloses as much as an import."""
    if not disclosed:
        return
    with Session(engine) as session:
        _disclose(session, actor, disclosed)
        session.commit()


def _failed(engine: Engine, report: ImportReport, actor: str, dry_run: bool) -> ImportReport:
    """Record the failed import in the import log (never in a dry run)."""
    report.status = "failed"
    if dry_run:
        return report
    with Session(engine, expire_on_commit=False) as session:
        batch = ImportBatch(
            actor=actor, file_name=report.file[:255], entity=report.entity, status="failed",
            counts=report.counts(),
        )  # fmt: skip
        session.add(batch)
        session.commit()
        report.batch_id = batch.id
    return report
