"""Optimistic concurrency: an update names the version it read; a stale one is refused.

Each versioned row (School, Teacher) carries ``version``. The update claims the next
version with ``UPDATE … WHERE id = :id AND version = :sent`` so that of two clerks who read
the same version, exactly one wins — even when both requests arrive at the same moment —
and the other gets :class:`StaleVersion` with the current values to review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from workforce.models import School, Teacher, utcnow
from workforce.services.errors import InvalidInput, StaleVersion, VersionRequired
from workforce.services.messages import REGISTRY_MESSAGES

Versioned = School | Teacher


def parse_version(value: str | int | None) -> int | None:
    """The version from an ``If-Match`` header (``"3"``, ``W/"3"``) or a body field."""
    if value is None or isinstance(value, int):
        return value
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput(REGISTRY_MESSAGES.text("version_invalid", value=value))
    return int(text)


def claim_next_version(
    session: Session,
    record: Versioned,
    *,
    sent: int | None,
    snapshot: Callable[[Any], dict[str, Any]],
) -> None:
    """Check ``sent`` against ``record`` and take the next version, atomically.

    Raises :class:`VersionRequired` when the client sent none and :class:`StaleVersion`
    (carrying ``snapshot(record)`` as the current values) when another change came first.
    """
    if sent is None:
        raise VersionRequired(REGISTRY_MESSAGES.text("version_required"))
    model = type(record)
    claimed = session.execute(
        update(model)
        .where(model.id == record.id, model.version == sent)
        .values(version=sent + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(record)
        raise StaleVersion(
            REGISTRY_MESSAGES.text("stale_version", sent=sent, current=record.version),
            extra={"current_version": record.version, "current": snapshot(record)},
        )
    session.refresh(record, attribute_names=["version", "updated_at"])
