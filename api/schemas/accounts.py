"""Public views of accounts, tokens, corrections and audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    active: bool
    created_at: dt.datetime


class TokenIssued(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class SessionStarted(BaseModel):
    user: UserPublic
    csrf_token: str


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


class CorrectionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    teacher_id: int
    field: str
    current_value: Any
    proposed_value: Any
    reason: str
    status: str
    proposed_by: str
    proposed_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_note: str | None
    teacher_version: int | None = None
    """The teacher's version the proposal was made against."""


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    import_batch_id: int | None
    note: str | None
