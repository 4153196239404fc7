"""Settings, read once from the environment (prefix ``WORKFORCE_``).

Defaults make the bundled sample district run with nothing configured: an embedded
SQLite file under ``var/``. The secret key that protects ID numbers has a development
default that is refused outside development, so a production deployment cannot start
with a key that is published in this repository.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``WORKFORCE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="WORKFORCE_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'workforce.sqlite3'}"
    secret_key: str = DEVELOPMENT_SECRET
    """Protects ID numbers at rest (AES-GCM key and HMAC key are derived from it)
    and signs web sessions. Changing it makes stored ID numbers unreadable."""
    language: Literal["zh", "en"] = "zh"
    actor: str = "cli"
    """Who the audit log names for command-line changes when no user is given."""
    upload_dir: Path = REPO_ROOT / "var" / "uploads"
    plan_approval_second_person: bool = False
    """When on, a rotation plan must be approved by someone other than its drafter (双人审批:
    the account that solved or re-solved it may not approve it)."""
    """Where uploaded import files wait between their dry run and their commit (one folder
    per upload, removed a day after it was made)."""
    trusted_proxies: str = ""
    """Addresses or networks (comma-separated, e.g. ``127.0.0.1,10.0.0.0/8``) of the reverse
    proxies in front of the server: only a request from one of them has its client address
    taken from ``X-Forwarded-For`` (for the sign-in limits); from anyone else it is ignored."""
    public_origin: str | None = None
    """The address users open, e.g. ``https://hr.example.edu.cn``: the one origin a browser
    sign-in may come from besides the server's own (login CSRF). Links are never built from
    the request's ``Host`` header."""
    api_docs: bool | None = None
    """``/api/docs`` and ``/api/openapi.json``: on by default, off by default in production."""

    @model_validator(mode="after")
    def _refuse_development_secret_in_production(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "WORKFORCE_SECRET_KEY must be set to a private value of at least 32 characters "
                "in production (WORKFORCE_SECRET_KEY 生产环境必须设置为至少32位的私有密钥)"
            )
        return self

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose, derived from the secret key."""
        return derive_key(self.secret_key, purpose)


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from ``secret_key``."""
    return hashlib.sha256(f"{purpose}:{secret_key}".encode()).digest()


@lru_cache
def get_settings() -> Settings:
    return Settings()
