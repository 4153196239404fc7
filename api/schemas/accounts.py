"""Public views of accounts, tokens, corrections and audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workforce.accounts.roles import Permission, allows
from workforce.idnumber import birth_month


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    county: str | None = None
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

    @model_validator(mode="after")
    def _birth_month_only(self) -> CorrectionPublic:
        """A birth date's current value is shown as its month, as everywhere a masked ID
        number is shown (the day would give the number back; docs/security.md)."""
        if self.field == "birth_date" and isinstance(self.current_value, str):
            self.current_value = birth_month(self.current_value)
        return self


def correction_public(correction: Any, role: str) -> CorrectionPublic:
    """A correction as a user of ``role`` sees it. A proposed birth date is the day the ID
    number holds (an accepted one must agree with it), so it is shown as its month too,
    unless the reader may unmask ID numbers: the reviewer decides on that day. (Done here,
    not in the validator: FastAPI validates the answer again, without any context.)"""
    public = CorrectionPublic.model_validate(correction)
    full = allows(role, Permission.unmask_id_numbers)
    if public.field == "birth_date" and isinstance(public.proposed_value, str) and not full:
        public.proposed_value = birth_month(public.proposed_value)
    return public


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
    teacher_id: int | None = None
    """The teacher the entry is about (fixed when written; survives a change of staff number)."""
    seal_id: int | None = None
    """The audit-chain link that sealed the entry (``GET /api/audit/chain`` verifies them)."""


class AuditChainMessage(BaseModel):
    zh: str
    en: str


class AuditChainFinding(BaseModel):
    code: str = Field(description="link_missing / link_broken / entries_count / "
                      "entries_content / unsealed")  # fmt: skip
    seq: int | None = Field(description="the chain link concerned (序号)")
    entry_ids: list[int] = Field(description="the first audit entries concerned (at most 10)")
    message: AuditChainMessage


class AuditChainPublic(BaseModel):
    """``workforce verify-audit`` as data: was any audit entry edited, deleted or added?"""

    intact: bool
    links: int
    entries: int
    head: str | None = Field(description="the newest link as SEQ:DIGEST: record it, and pass it "
                             "as expect_head later")  # fmt: skip
    head_sealed_at: dt.datetime | None
    expected_head_found: bool | None = Field(
        description="whether the expect_head given is still in the chain (null: none given)"
    )
    findings: list[AuditChainFinding]
    summary: AuditChainMessage
