"""Warnings about what an import would change (issue #13, item 11), found once the rows are
matched with the registry (:func:`workforce.io.changes.compare`):

- a coded value read through an alias that changes the stored value (``体育与健康`` is an
  alias of 体育: a kindergarten teacher's 学前教育 would silently become 体育);
- a row that changes a record changed after the file was made: re-importing an older export
  would write its older values over the newer edit. The file's time is the workbook's
  creation time (``docProps/core.xml``: an export's creation, kept by Excel when the clerk
  saves it), compared with the record's ``updated_at``; a CSV carries no time and is not
  checked. The creation time has whole minutes, so a change within the minute after the
  export is not told apart from the export itself.

- a teacher put out of service (离职, 退休) with no leaving date (离岗日期): reports dated
  before the leaving would stop counting them.

Each warning sits at its row and column; the pages make them acknowledged before a commit.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from workforce.codes import code_list
from workforce.dates import local_time
from workforce.io.cells import CodeCell, as_text
from workforce.io.changes import SheetChanges
from workforce.io.messages import message_each
from workforce.io.problems import Problem
from workforce.rules.leaving import GONE, SERVING

CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")
RESOLUTION = dt.timedelta(minutes=1)
"""The workbook's creation time is written to the minute."""
ALIAS_CHECKED = frozenset({"subjects"})
"""Code lists whose aliases may change a meaning: a subject's alias names another
curriculum's subject (体育与健康 is the school subject; a kindergarten has 学前教育). Short
forms of the other lists (一级 for 一级教师) say the same thing and are not warned about."""
CHUNK = 5_000
"""Record ids per query (below every engine's limit on bound parameters)."""


def file_created_at(path: Path) -> dt.datetime | None:
    """When an xlsx workbook was made (aware, UTC); None for a CSV, a workbook without the
    property or one that cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    found = CREATED.search(core)
    if found is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(found.group(1).decode().strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(moment)


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware UTC time (a naive one is taken as UTC, as the registry stores)."""
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def change_warnings(
    session: Session, changes: Iterable[SheetChanges], exported_at: dt.datetime | None
) -> list[Problem]:
    """The warnings of every sheet's updates, in sheet and row order."""
    found: list[Problem] = []
    for sheet in changes:
        found += _alias_changes(sheet)
        found += _leaving_without_a_date(sheet)
        if exported_at is not None:
            found += _older_than_record(session, sheet, exported_at)
    return found


def _alias_changes(sheet: SheetChanges) -> Iterator[Problem]:
    parsed = sheet.parsed
    for update in sheet.updates:
        for change in update.changes:
            cell = change.column.cell
            if type(cell) is not CodeCell or cell.codes not in ALIAS_CHECKED or not change.after:
                continue
            raw = as_text(_raw(sheet, update.position, change.column.key))
            code = code_list(cell.codes).get(change.after)
            if _plain(raw) in {_plain(code.code), _plain(code.zh), _plain(code.en)}:
                continue
            labels = code_list(cell.codes)
            text = message_each(
                "code_by_alias",
                zh={
                    "text": raw,
                    "label": code.zh,
                    "header": change.column.zh,
                    "before": labels.label(change.before, "zh") if change.before else "空",
                },
                en={
                    "text": raw,
                    "label": code.en,
                    "header": change.column.en,
                    "before": labels.label(change.before, "en") if change.before else "blank",
                },
            )
            yield parsed.located(update.position, change.column.key, text)


def _leaving_without_a_date(sheet: SheetChanges) -> Iterator[Problem]:
    """A teacher put from a status in service to 离职 or 退休 — or entered new as one — with no
    离岗日期: the registry cannot tell when they left, so reports dated before the leaving stop
    counting them (`workforce.rules.leaving`). The import does not guess the day; the clerk fills it in or
    goes on knowingly."""
    if sheet.spec.name != "teachers":
        return
    labels = code_list("teacher_statuses")
    for position in sheet.creates:  # a new teacher entered as already out of service
        record = sheet.parsed.records[position]
        if record.get("status") in GONE and record.get("left_on") is None:
            yield _undated(sheet, position, record["status"], labels)
    for update in sheet.updates:
        fields = {c.column.key: c for c in update.changes}
        status = fields.get("status")
        if status is None or status.before not in SERVING or status.after not in GONE:
            continue
        left_on = fields.get("left_on")
        if left_on is not None and left_on.after is not None:
            continue
        yield _undated(sheet, update.position, status.after, labels)


def _undated(sheet: SheetChanges, position: int, status: str, labels: Any) -> Problem:
    text = message_each(
        "leaving_without_a_date",
        zh={"status": labels.label(status, "zh")},
        en={"status": labels.label(status, "en")},
    )
    return sheet.parsed.located(position, "status", text)


def _older_than_record(
    session: Session, sheet: SheetChanges, exported_at: dt.datetime
) -> Iterator[Problem]:
    table = sheet.spec.table
    if "updated_at" not in table.c or not sheet.updates:
        return
    ids = [u.row_id for u in sheet.updates]
    changed_at: dict[int, dt.datetime] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(table.c.id, table.c.updated_at).where(table.c.id.in_(ids[start : start + CHUNK]))
        )
        changed_at.update({row.id: _utc(row.updated_at) for row in rows if row.updated_at})
    key = sheet.spec.key[0]
    for update in sheet.updates:
        changed = changed_at.get(update.row_id)
        if changed is None or changed < exported_at + RESOLUTION:
            continue
        text = message_each(
            "older_than_record",
            zh={
                "exported": _local(exported_at),
                "changed": _local(changed),
                "fields": "、".join(c.column.zh for c in update.changes),
            },
            en={
                "exported": _local(exported_at),
                "changed": _local(changed),
                "fields": ", ".join(c.column.en for c in update.changes),
            },
        )
        yield sheet.parsed.located(update.position, key, text)


def _raw(sheet: SheetChanges, position: int, key: str) -> object:
    parsed = sheet.parsed
    row = parsed.sheet.rows[parsed.rows[position] - 1]
    column = parsed.columns[key]
    return row[column] if column < len(row) else None


def _plain(text: str) -> str:
    return "".join(text.split()).casefold()


def _local(moment: dt.datetime) -> str:
    """A stored UTC time in Beijing time, to the minute."""
    return local_time(moment)
