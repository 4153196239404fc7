"""Turning a partial update (``model_dump(exclude_unset=True)``) into the changes to apply."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from workforce.services.errors import InvalidInput
from workforce.services.messages import REGISTRY_MESSAGES


def changes_of(data: BaseModel, *, nullable: Collection[str]) -> dict[str, Any]:
    """The fields the client set; ``null`` clears a nullable field and is refused for others
    (an update model makes every field optional, but a required column cannot be emptied)."""
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None and key not in nullable:
            raise InvalidInput(REGISTRY_MESSAGES.text("value_required", field=key))
    return changes
