"""Values computed from the registry, kept in memory and reused until the registry changes.

A :class:`RegistryCache` stores each value with the registry version
(:func:`workforce.services.registry_version.registry_version`) read just before it was
computed. A lookup reads the version again (one indexed query) and reuses the value only when
the version is the same, so a change to the registry — any change, since every one writes an
audit entry — makes the next lookup compute afresh: a kept value is never stale. A session
with uncommitted writes (no version) computes and keeps nothing.

Values are kept per database engine (a test's database, a server's database) and per process
(each web worker keeps its own). Concurrent lookups of one missing key compute it once: the
others wait for it instead of repeating seconds of work. Only the ``max_entries`` most recently
used keys are kept.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce.services.registry_version import RegistryVersion, registry_version

Value = TypeVar("Value")


class RegistryCache(Generic[Value]):  # noqa: UP046  (Python 3.11 has no type-parameter syntax)
    """Values by key, each valid for the registry version it was computed at."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: weakref.WeakKeyDictionary[
            Engine, OrderedDict[Hashable, tuple[RegistryVersion, Value]]
        ] = weakref.WeakKeyDictionary()
        self._computing: dict[tuple[int, Hashable], threading.Lock] = {}

    def get(self, session: Session, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value of ``key`` at the registry's current version: kept, or ``compute()``-d
        (with ``session``'s database) and kept."""
        version = registry_version(session)
        if version is None:
            return compute()
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        found = self._kept(engine, key, version)
        if found is not None:
            return found[0]
        computing = self._computing_lock(engine, key)
        try:
            with computing:
                found = self._kept(engine, key, version)
                if found is not None:
                    return found[0]
                value = compute()
                self._keep(engine, key, version, value)
                return value
        finally:
            with self._lock:
                if self._computing.get((id(engine), key)) is computing:
                    del self._computing[(id(engine), key)]

    def _kept(self, engine: Engine, key: Hashable, version: RegistryVersion) -> tuple[Value] | None:
        with self._lock:
            entries = self._entries.get(engine)
            entry = entries.get(key) if entries is not None else None
            if entry is None or entry[0] != version:
                return None
            entries.move_to_end(key)  # type: ignore[union-attr]
            return (entry[1],)

    def _keep(self, engine: Engine, key: Hashable, version: RegistryVersion, value: Value) -> None:
        with self._lock:
            entries = self._entries.setdefault(engine, OrderedDict())
            entries[key] = (version, value)
            entries.move_to_end(key)
            while len(entries) > self.max_entries:
                entries.popitem(last=False)

    def _computing_lock(self, engine: Engine, key: Hashable) -> threading.Lock:
        with self._lock:
            return self._computing.setdefault((id(engine), key), threading.Lock())
