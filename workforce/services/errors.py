"""Domain errors raised by the registry and account services.

Each class names what went wrong in the terms of the domain, not of HTTP; the web layer
maps each class to one status code in a single place (``api.errors``). Every error carries
a :class:`~workforce.services.messages.Text` (message id, Chinese, English).
"""

from __future__ import annotations

from typing import Any

from workforce.services.messages import Text


class DomainError(Exception):
    """Base class: a refusal the user can understand and act on."""

    def __init__(self, text: Text, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(text.en)
        self.text = text
        self.extra = extra or {}


class NotFound(DomainError):
    """The record does not exist, or the user may not see it (the two look the same)."""


class Forbidden(DomainError):
    """The user's role does not allow the action."""


class Unauthenticated(DomainError):
    """No valid credentials: unknown user, wrong password, expired or unknown token."""


class InvalidInput(DomainError):
    """A value is malformed or breaks a registry rule (unknown code, bad ID number …)."""


class Conflict(DomainError):
    """The action clashes with the current state (duplicate key, already reviewed …)."""


class StaleVersion(Conflict):
    """Optimistic concurrency: the client read an older version; ``extra["current"]`` holds
    the current values so the user can review them before trying again."""


class VersionRequired(DomainError):
    """An update came without the version the client read."""


class ServerBusy(DomainError):
    """The server is doing as much of this work as it may at once; ``extra["retry_after"]``
    is the suggested wait in seconds."""


class RateLimited(DomainError):
    """Too many failed sign-ins; ``extra["retry_after"]`` is the wait in seconds."""
