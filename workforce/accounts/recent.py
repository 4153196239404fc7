"""Users checked a moment ago: who a bearer token or a signed-in session belongs to, kept for
a couple of seconds so that a client's burst of requests does not check it again each time.

Checking who is asking costs indexed queries and, in the web server, a trip through the
thread pool: measured at about a fifth of the server's CPU for a page of the teacher list.
A user checked less than ``ttl_s`` seconds ago is taken as checked. So a token revoked, or an
account deactivated or changed, through another process (another web worker, the command
line, the database itself) takes effect there within ``ttl_s``; in the process that made the
change at once, because the routes that change accounts call :meth:`RecentUsers.forget`. A
token's own expiry is always checked exactly.

Each lookup gets its own copy of the user (detached from any session), so no request can
change, or attach to its session, an object another request holds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy.orm import make_transient_to_detached

from workforce.accounts.models import User
from workforce.models import utcnow

RECENT_SECONDS = 2.0
"""How long a check is taken as still valid: a burst of requests, not a working session."""


class RecentUsers:
    """Users by credential key (a token's digest, a session's user id), each for ``ttl_s``.

    Safe across threads: the event loop reads and keeps, the account routes (run in the
    thread pool) forget. ``clock`` is seconds, monotonic.
    """

    def __init__(
        self,
        ttl_s: float = RECENT_SECONDS,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, dt.datetime | None, dict[str, Any]]]
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    def generation(self) -> int:
        """A number that changes whenever everyone is forgotten: taken before a check and
        handed to :meth:`keep`, it stops a check that began before a revocation from storing
        the revoked user after it."""
        return self._generation

    def get(self, key: Hashable) -> User | None:
        """A copy of the user checked under ``key`` within ``ttl_s`` whose credential has not
        expired since; else None (check again)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            checked_at, expires_at, values = entry
            if self._clock() - checked_at >= self.ttl_s or (
                expires_at is not None and expires_at <= utcnow()
            ):
                self._entries.pop(key, None)
                return None
        return _detached_user(values)

    def keep(
        self,
        key: Hashable,
        user: User,
        expires_at: dt.datetime | None,
        checked_in: int | None = None,
    ) -> None:
        """Remember that ``key`` was just checked to be ``user`` (credential valid until
        ``expires_at``, None for no expiry of its own) — unless everyone was forgotten since
        the check began (``checked_in``, a :meth:`generation`)."""
        values = user.model_dump()
        with self._lock:
            if checked_in is not None and checked_in != self._generation:
                return
            self._entries[key] = (self._clock(), expires_at, values)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self) -> None:
        """Check everyone again: an account or a token was just changed."""
        with self._lock:
            self._generation += 1
            self._entries.clear()


def _detached_user(values: dict[str, Any]) -> User:
    user = User(**values)
    make_transient_to_detached(user)
    return user
