"""The registry's data version: a value that changes whenever anything in the registry changes,
so that figures computed from the registry can be kept and reused until then.

Every change to the registry writes an audit entry in the same transaction
(:mod:`workforce.audit`: services, imports, sample loads, plans), and the audit log is
append-only, so the state of the audit log identifies the state of the registry:

* SQLite serialises writers (one holds the write lock from its first write to its commit), so
  audit ids appear in commit order and the largest id alone tells the state apart — one index
  lookup.
* Other databases (PostgreSQL) take ids from a sequence and may commit them out of order (101
  after 102), so the number of entries is added: a commit that fills a gap below the largest id
  still changes the count.

Read the version **before** the figures it stands for: the figures then describe a state at
least as new as their version, never an older one. A SQLite session with uncommitted writes
has no version (None): its state may yet be rolled back, and SQLite gives a rolled-back id to
the next entry, so that state must not be remembered under one.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from workforce.models import AuditLog

RegistryVersion = tuple[int, int | None]
"""(largest audit id, number of audit entries — None on SQLite, where it is not needed)."""


_LAST_ENTRY = select(func.max(AuditLog.id))
_LAST_ENTRY_AND_COUNT = select(func.max(AuditLog.id), func.count())
"""Built once: asked on every request that uses a kept figure, so SQLAlchemy reuses their
compiled form without rebuilding them and their cache keys each time."""


def registry_version(session: Session) -> RegistryVersion | None:
    """The registry's current data version as ``session`` sees it, or None when that is not a
    committed state (see the module's docstring)."""
    if session.get_bind().dialect.name == "sqlite":
        last = session.execute(_LAST_ENTRY).scalar_one()
        if session.connection().connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            return None
        return (last or 0, None)
    last, entries = session.execute(_LAST_ENTRY_AND_COUNT).one()
    return (last or 0, entries)
