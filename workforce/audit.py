"""The audit log: who changed what, when, from what to what, and through which import.

Every service that changes the registry calls :func:`record` (or :func:`record_many`
for bulk work) inside the same transaction as the change, so a change and its audit
entry land together or not at all. Unmasked views and exports of ID numbers are
recorded with the action ``unmask``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from workforce.models import AuditLog, utcnow


def jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy of ``values`` that JSON can hold (dates as ISO text, decimals as text)."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, (dt.date, dt.datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    import_batch_id: int | None = None,
    note: str | None = None,
) -> None:
    record_many(
        session,
        [
            dict(
                actor=actor,
                action=action,
                entity=entity,
                entity_key=entity_key,
                before=before,
                after=after,
                import_batch_id=import_batch_id,
                note=note,
            )
        ],
    )


def record_many(session: Session, entries: Iterable[Mapping[str, Any]]) -> int:
    """Insert many audit entries in one statement; returns how many."""
    now = utcnow()
    rows = [
        {
            "at": now,
            "actor": e["actor"],
            "action": e["action"],
            "entity": e["entity"],
            "entity_key": e["entity_key"],
            "before": jsonable(e.get("before")),
            "after": jsonable(e.get("after")),
            "import_batch_id": e.get("import_batch_id"),
            "note": e.get("note"),
        }
        for e in entries
    ]
    if rows:
        # Core insert on the table: no ORM bookkeeping per row (a 100,000-row import's audit
        # entries go in about twice as fast).
        session.execute(insert(AuditLog.__table__), rows)
    return len(rows)
