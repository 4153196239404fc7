"""Settings, read once from the environment (prefix ``WORKFORCE_``), and where an instance keeps
its files.

One folder, the instance's *home* (``WORKFORCE_HOME``; default ``./var`` of the current folder,
made absolute when the settings are read), holds everything a deployment writes: the embedded
SQLite database, uploads waiting for their commit, generated workbooks, logs, and the instance's
config file ``workforce.env`` (mode 0600) with its generated secret key. Nothing is written into
the installed package or the source tree.

The policy data (code lists, norms, targets, rule defaults) ship inside the installed package
and are read with :func:`data_path` (``importlib.resources``), so an installed wheel runs from
any folder.

The secret key that protects ID numbers: taken from ``WORKFORCE_SECRET_KEY`` or the home's config
file; when neither has one, the first run generates a random one into the config file (see
:func:`ensure_secret_key`). The published development value is accepted only when set
explicitly, and ``workforce serve`` refuses it unless bound to 127.0.0.1 with ``--insecure-dev``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workforce.private_files import write_private_text

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The source checkout this module lies in. Only developer tools that rewrite the repository's
own files (``python -m workforce.io.docs``) use it; nothing reads it at run time — in an
installed wheel it is ``site-packages``."""
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"
DATABASE_FILE = "workforce.sqlite3"
"""The embedded SQLite registry's file in the home, when no database URL is set."""

CONFIG_FILE = "workforce.env"
"""The instance's config file in its home: ``WORKFORCE_*=value`` lines (the generated secret key,
and whatever else an administrator puts there); the environment wins over it."""


def data_path(*parts: str) -> Path:
    """A file or folder of the policy data shipped in the package ``workforce._data`` (the
    repository's ``data/`` folder, mapped in by the build; an editable install maps it too)."""
    try:
        root = files("workforce._data")
    except ModuleNotFoundError as error:  # an editable install made before the mapping existed
        raise RuntimeError(
            "the package data workforce._data is not installed: reinstall the project "
            "(pip install -e . or pip install .) / 未安装数据包 workforce._data，请重新安装"
        ) from error
    return Path(str(root.joinpath(*parts)))


DATA_DIR = data_path()
"""The root of the shipped policy data (see :func:`data_path`)."""


def read_yaml(path: Path) -> Any:
    """The YAML file at ``path``, parsed safely — by libyaml's ``CSafeLoader`` when PyYAML was
    built with it (6–8× faster than the pure-Python ``SafeLoader``: the norms, scopes and
    retirement files are read on every ``workforce plan``), else by ``SafeLoader``; the same
    values either way. Raises ``OSError`` and ``yaml.YAMLError`` as ``yaml.safe_load`` does."""
    import yaml  # here: `workforce --help` imports this module and needs no YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def default_home() -> Path:
    """``WORKFORCE_HOME`` if set, else ``./var`` of the current folder; always absolute."""
    return Path(os.environ.get("WORKFORCE_HOME") or Path.cwd() / "var").resolve()


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``WORKFORCE_<NAME>``, in the environment
    or in the home's ``workforce.env``."""

    model_config = SettingsConfigDict(env_prefix="WORKFORCE_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    home: Path = Path("var")
    """The instance's folder (see the module's docstring); made absolute."""
    database_url: str = ""
    """Any SQLAlchemy URL; empty means the embedded SQLite file ``<home>/workforce.sqlite3``
    (`DATABASE_FILE`)."""
    secret_key: str = ""
    """Protects ID numbers at rest (AES-GCM key and HMAC key are derived from it) and signs web
    sessions. Changing it makes stored ID numbers unreadable: use ``workforce rotate-secret``.
    Required: :func:`get_settings` generates one into the home's config file when none is set."""
    language: Literal["zh", "en"] = "zh"
    actor: str = "cli"
    """Who the audit log names for command-line changes when no user is given."""
    upload_dir: Path | None = None
    """Where uploaded import files wait between their dry run and their commit (one folder
    per upload, removed a day after it was made); default ``<home>/uploads``."""
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
    expiry_notice_days: int = 90
    """Days ahead that an expiring certificate registration or key-teacher term is flagged."""
    upload_max_bytes: int = 50 * 1024 * 1024
    """Largest import file, web upload or ``workforce import`` (bytes; an upload is cut off
    at this size while it streams). A 100,000-teacher CSV is about 17 MB, its xlsx 6 MB."""
    request_max_bytes: int = 1024 * 1024
    """Largest request body that is not a file upload (JSON, a page's form): read and parsed
    before the route's permission check, so an anonymous client chose its size. The largest
    real one (a re-solve's 500 pins) is about 50 KB."""
    import_max_rows: int = 200_000
    """Rows a sheet may span (twice the largest district's teachers with their records)."""
    import_max_columns: int = 200
    """Columns a sheet may span (the widest template has 18)."""
    import_max_cells: int = 10_000_000
    """Rows × columns of a sheet as read (a dense rectangle from A1): about 500 MB in memory
    at the limit. A 100,000-teacher sheet is 1.8 million."""
    import_max_uncompressed_bytes: int = 500 * 1024 * 1024
    """What an xlsx may decompress to (a 100,000-teacher workbook: about 80 MB)."""
    max_solver_processes: int = 2
    """At most this many solve jobs run at once on this machine (each is one solver process,
    about one core and up to 2 GB at 100,000 teachers); the others wait in order, queued."""
    solves_at_once: int | None = Field(default=None, ge=1)
    """At most this many solves run inside web requests at once per server process (what-if
    questions, policy simulations, marginal values, roadmaps: up to a minute of a core each);
    one more is answered with 503 at once (`api.solving`). Default: the number of cores
    (`workforce serve --workers N` gives each process its share, :func:`solves_per_worker`)."""
    notice_number: str = "源城教人〔{year}〕{plan_id}号"
    """The document number (文号) of a plan's notice letters: ``{year}`` and ``{plan_id}`` are
    filled in; the office may give another number when it downloads them."""
    web_runs_solves: bool = True
    """Whether the web server starts queued solve jobs on its own machine; false when
    ``workforce worker`` runs them elsewhere (the web server then only queues)."""

    @field_validator("notice_number")
    @classmethod
    def _notice_number_fills_year_and_plan_only(cls, pattern: str) -> str:
        """Refuse at start-up a pattern that every plan page and letter would fail on (a
        ``{`` alone, ``{id}``) or that reaches into the values (``{year.__class__}``)."""
        try:
            fields = [(f, c) for _, f, _, c in string.Formatter().parse(pattern) if f is not None]
            if any(f not in ("year", "plan_id") or c for f, c in fields):
                raise ValueError
            pattern.format(year=2026, plan_id=1)
        except ValueError:
            raise ValueError(
                "WORKFORCE_NOTICE_NUMBER may hold only {year} and {plan_id} as fields, e.g. "
                "源城教人〔{year}〕{plan_id}号（文号格式只能含 {year} 与 {plan_id}）"
            ) from None
        return pattern

    @model_validator(mode="after")
    def _resolve_paths_and_refuse_development_secret(self) -> Settings:
        self.home = self.home.resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / DATABASE_FILE}"
        if self.upload_dir is None:
            self.upload_dir = self.home / "uploads"
        if not self.secret_key:
            raise ValueError(
                "no secret key: set WORKFORCE_SECRET_KEY or let get_settings() generate one into "
                "the home's workforce.env (未设置密钥)"
            )
        if self.environment == "production" and (
            self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "WORKFORCE_SECRET_KEY must be set to a private value of at least 32 characters "
                "in production (WORKFORCE_SECRET_KEY 生产环境必须设置为至少32位的私有密钥)"
            )
        return self

    @property
    def config_file(self) -> Path:
        return self.home / CONFIG_FILE

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def output_dir(self) -> Path:
        """Where commands put the workbooks they generate when no path is given."""
        return self.home / "output"

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose, derived from the secret key."""
        return derive_key(self.secret_key, purpose)


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from ``secret_key``."""
    return hashlib.sha256(f"{purpose}:{secret_key}".encode()).digest()


def read_config_file(path: Path) -> dict[str, str]:
    """The ``NAME=value`` lines of an instance config file (comments and blanks skipped)."""
    return read_config_text(path.read_text(encoding="utf-8")) if path.is_file() else {}


def read_config_text(text: str) -> dict[str, str]:
    """The ``NAME=value`` lines of a config file's text (comments and blanks skipped)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and not name.startswith("#"):
            values[name.strip()] = value.strip()
    return values


@contextmanager
def _config_locked(path: Path) -> Iterator[None]:
    """The config file's folder (the home; made 0700 when new: it holds the database and the
    workbooks too) locked against other processes for a read-then-write of the file
    (`fcntl.flock` on the folder itself, so no lock file is left in the home). Without it two
    processes started together on a new home (`workforce serve` and `workforce worker` at
    boot) each generated a secret key and each wrote its own: one of them went on encrypting
    ID numbers with a key the file no longer held, lost at its next start."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # and the lock with it


def write_config_value(path: Path, name: str, value: str) -> None:
    """Set ``name=value`` in the config file (created with mode 0600, other lines kept), under
    the config's lock (`_config_locked`)."""
    with _config_locked(path):
        _set_config_value(path, name, value)


def _set_config_value(path: Path, name: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [
        "# workforce instance settings (WORKFORCE_* variables; the environment wins over them)",
        "# 本实例的配置（WORKFORCE_* 变量；环境变量优先）。请妥善保管，勿泄露。",
    ]  # fmt: skip
    lines = [line for line in lines if line.partition("=")[0].strip() != name]
    lines.append(f"{name}={value}")
    write_private_text(path, "\n".join(lines) + "\n")


def existing_registry_url() -> str | None:
    """The database URL of the registry set up here, or None when there is none; found without
    writing anything — no secret key generated, no SQLite file or folder made — as
    :func:`get_settings` and ``db.make_engine`` would.

    Why: a command that only reads a file, ``workforce check-plan`` on an auditor's machine, left
    a new instance behind (``var/workforce.env`` with a fresh secret key and an empty SQLite
    database) just to look for plans there. A URL set in the environment or the home's config
    file counts, unless it names a SQLite file that does not exist (it holds nothing yet);
    without one, the home's embedded SQLite file if it exists."""
    home = default_home()
    url = (os.environ.get("WORKFORCE_DATABASE_URL")
           or read_config_file(home / CONFIG_FILE).get("WORKFORCE_DATABASE_URL")
           or f"sqlite:///{home / DATABASE_FILE}")
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (
            parsed.database and Path(parsed.database).is_file()):
        return None
    return url


def configured_language() -> Literal["zh", "en"]:
    """``WORKFORCE_LANGUAGE`` from the environment or the home's config file, read without
    writing anything (as `existing_registry_url`): the language of an error said before the
    settings may be read."""
    value = (os.environ.get("WORKFORCE_LANGUAGE")
             or read_config_file(default_home() / CONFIG_FILE).get("WORKFORCE_LANGUAGE"))
    return "en" if value == "en" else "zh"


def ensure_secret_key(home: Path) -> bool:
    """Generate a random secret key into ``<home>/workforce.env`` unless the environment or that
    file already has one. Returns whether a key was generated."""
    if os.environ.get("WORKFORCE_SECRET_KEY"):
        return False
    path = home / CONFIG_FILE
    if read_config_file(path).get("WORKFORCE_SECRET_KEY"):
        return False
    with _config_locked(path):  # read again: another process may have written one meanwhile
        if read_config_file(path).get("WORKFORCE_SECRET_KEY"):
            return False
        _set_config_value(path, "WORKFORCE_SECRET_KEY", secrets.token_urlsafe(48))
    return True


@lru_cache
def get_settings() -> Settings:
    """The settings of this process: the environment, then the home's config file, then the
    defaults; the first run without a secret key generates one (see :func:`ensure_secret_key`)."""
    home = default_home()
    ensure_secret_key(home)
    from_file = {
        name.removeprefix("WORKFORCE_").lower(): value
        for name, value in read_config_file(home / CONFIG_FILE).items()
        if name.startswith("WORKFORCE_") and name != "WORKFORCE_HOME" and name not in os.environ
    }
    return Settings(**{**from_file, "home": home})


def solves_per_worker(workers: int) -> int:
    """Each of ``workers`` server processes' share of the cores, for a server whose limit is
    not configured: without it, every process took the whole machine's number, and
    ``serve --workers 4`` on 2 cores ran 8 solves at once. At least one each."""
    return max(1, (os.cpu_count() or 1) // workers)
