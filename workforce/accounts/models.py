"""Tables of accounts and review workflow: users, API tokens, sign-in attempts, corrections.

Kept apart from :mod:`workforce.models` (the registry) because they concern who may do
what, not the workforce itself; Alembic sees them through ``migrations/env.py``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from workforce.models import utcnow


class User(SQLModel, table=True):
    """A person who signs in: district administrator, district HR, school clerk or auditor; HR and
    auditors may be scoped to one county of a prefecture city (``county``)."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=16, description="admin / hr / clerk / auditor")
    school_id: int | None = Field(
        default=None, foreign_key="school.id", description="the clerk's school; empty otherwise"
    )
    county: str | None = Field(
        default=None,
        max_length=50,
        description="the county (``School.county``) an HR officer or auditor works in: they see "
        "and act on its schools, teachers and plans only; empty: the whole registry (city level)",
    )
    password_hash: str = Field(max_length=255, description="argon2id")
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    revoked: bool = False


class SignInAttempt(SQLModel, table=True):
    """One sign-in attempt, kept in the database so the rate limit holds across workers."""

    __table_args__ = (
        Index("ix_signinattempt_username_at", "username", "at"),
        Index("ix_signinattempt_client_at", "client", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    client: str = Field(max_length=64, description="client address")
    at: dt.datetime = Field(default_factory=utcnow)
    succeeded: bool


class Correction(SQLModel, table=True):
    """A school clerk's proposed correction of one teacher field, reviewed by district HR."""

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    field: str = Field(max_length=64)
    current_value: object | None = Field(default=None, sa_column=Column(JSON))
    proposed_value: object | None = Field(default=None, sa_column=Column(JSON))
    reason: str = Field(max_length=500)
    status: str = Field(default="proposed", max_length=16, index=True)
    proposed_by: str = Field(max_length=64)
    proposed_at: dt.datetime = Field(default_factory=utcnow)
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: dt.datetime | None = None
    review_note: str | None = Field(default=None, max_length=500)
    teacher_version: int | None = Field(
        default=None,
        description="the teacher's version the proposal was made against (empty before 0009)",
    )
