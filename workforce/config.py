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
    """Where uploaded import files wait between their dry run and their commit (one folder
    per upload, removed a day after it was made)."""
    plan_approval_second_person: bool = False
    """When on, a rotation plan must be approved by someone other than its drafter (双人审批:
    the account that solved or re-solved it may not approve it)."""
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
    upload_max_bytes: int = 50 * 1024 * 1024
    """Largest import file, web upload or ``workforce import`` (bytes; an upload is cut off
    at this size while it streams). A 100,000-teacher CSV is about 17 MB, its xlsx 6 MB."""
    import_max_rows: int = 200_000
    """Rows a sheet may span (twice the largest district's teachers with their records)."""
    import_max_columns: int = 200
    """Columns a sheet may span (the widest template has 18)."""
    import_max_cells: int = 10_000_000
    """Rows × columns of a sheet as read (a dense rectangle from A1): about 500 MB in memory
    at the limit. A 100,000-teacher sheet is 1.8 million."""
    import_max_uncompressed_bytes: int = 500 * 1024 * 1024
    """What an xlsx may decompress to (a 100,000-teacher workbook: about 80 MB)."""

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
