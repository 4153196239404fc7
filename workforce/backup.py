"""``workforce backup`` / ``workforce restore``: one archive holds an instance — its database and
its home (the config file with the secret key, uploads, generated workbooks, logs).

The archive is a ``.tar.gz`` written with mode 0600 (it holds the secret key and the encrypted ID
numbers: keep it as carefully as the server). Inside: ``manifest.json`` (when, which engine,
which migration), the database — ``database.sqlite3`` made with SQLite's online backup (a
consistent copy while the server runs) or ``database.pgdump`` made with ``pg_dump --format
custom`` — and ``home/`` with every other file of the home.

Restoring refuses a database that already holds a registry unless told ``--force`` (then the
archive's database replaces it). It is all or nothing, in this order: everything that can be
refused is checked before anything changes (the archive is whole; its engine is the target's; the
secret key that will be in effect afterwards — the environment's, else the archive's
``workforce.env``, else the home's — is the one the archived database's ID numbers were
encrypted with, so a restore never leaves a registry its server refuses to open); the home's
files are copied into a staging folder inside the home; then the database is restored (a SQLite
file swapped in at once; ``pg_restore`` in one transaction) and only after it succeeds are the
staged files renamed into place (a rename within one file system cannot run out of space). A
failure before the database step leaves both the database and the home as they were. Stop the
server first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from workforce.audit_chain import current_head
from workforce.config import CONFIG_FILE
from workforce.db import display_url
from workforce.private_files import private_output

FORMAT = 1
BACKUPS = "backups"
"""The home's folder of archives (``workforce backup``'s default destination). Left out of the
next archive: each backup would otherwise hold every earlier one, doubling in size each time."""


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass
class Manifest:
    created: str
    engine: str
    migration: str | None
    home_files: int
    format: int = FORMAT
    audit_head: str | None = None
    """The audit chain's newest link (``seq:digest``) when the backup began — in the archive
    too, so kept off the server it is a recorded head: ``workforce verify-audit --expect-head``
    then shows a chain cut back or rewritten since (None: an archive from before the chain)."""


def _sqlite_file(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The database URL as PostgreSQL's own tools take it (no ``+driver``), and their
    environment: the password goes in ``PGPASSWORD``, not on the command line, where every
    user of the machine could read it (``ps``)."""
    url = engine.url.set(drivername="postgresql")
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    # URL.set() takes None as "unchanged"; the URL is a named tuple
    return url._replace(password=None).render_as_string(hide_password=False), environment


def postgres_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore`` on PATH, else the newest under /usr/lib/postgresql (Debian)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)  # fmt: skip
    if not candidates:
        raise BackupError(f"找不到 {name}（请安装 postgresql-client）",
                          f"{name} not found (install postgresql-client)")  # fmt: skip
    return str(candidates[-1])


def _current_migration(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup(engine: Engine, home: Path, out: Path) -> Manifest:
    """Write the archive ``out`` of the database behind ``engine`` and the files in ``home``."""
    out = out.resolve()
    try:
        with engine.connect() as connection:  # before the copy: the copy holds this link
            # a database not yet migrated to the chain (a backup before upgrading) has none
            audit_head = current_head(connection) if inspect(connection).has_table(
                "auditseal") else None  # fmt: skip
    except OperationalError as error:  # e.g. the server is down: say so, no traceback
        reason = str(error.orig).strip().splitlines()[0][:500]
        where = display_url(engine.url.render_as_string(hide_password=False))
        raise BackupError(f"无法连接数据库 {where}：{reason}",
                          f"cannot reach the database {where}: {reason}") from None  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="workforce-backup-") as scratch:
        work = Path(scratch)
        sqlite_file = _sqlite_file(engine)
        kind, dumped = _dump_database(engine, work)
        config_text = _config_matching_the_copy(home, dumped, kind)
        # the database is in the archive already (a consistent copy), not as the live files
        live = {Path(f"{sqlite_file}{suffix}").resolve() for suffix in ("", "-wal", "-shm")
                } if sqlite_file is not None else set()  # fmt: skip
        files = [
            p for p in sorted(home.rglob("*"))
            if p.is_file() and p.resolve() not in live | {out}
            and p.relative_to(home).parts[0] != BACKUPS
        ] if home.is_dir() else []  # fmt: skip
        manifest = Manifest(
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            engine=kind,
            migration=_current_migration(engine),
            home_files=len(files),
            audit_head=audit_head,
        )
        (work / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2))
        out.parent.mkdir(parents=True, exist_ok=True)
        with (private_output(out) as partial,
              tarfile.open(partial, mode="w:gz") as tar):
            tar.add(work / "manifest.json", "manifest.json")
            tar.add(dumped, dumped.name)
            for path in files:
                name = f"home/{path.relative_to(home).as_posix()}"
                if path == home / CONFIG_FILE and config_text is not None:
                    _add_bytes(tar, name, path, config_text)  # the text that was checked
                else:
                    tar.add(path, name)
    return manifest


def _dump_database(engine: Engine, work: Path) -> tuple[str, Path]:
    """A consistent copy of the database in ``work``: SQLite's online backup, or ``pg_dump``.
    Returns the engine's kind and the copy's path."""
    sqlite_file = _sqlite_file(engine)
    if sqlite_file is not None:
        dumped = work / "database.sqlite3"
        with sqlite3.connect(sqlite_file) as source, sqlite3.connect(dumped) as target:
            source.backup(target)
        target.close()
        source.close()
        return "sqlite", dumped
    if engine.url.get_backend_name() == "postgresql":
        dumped = work / "database.pgdump"
        url, environment = _libpq(engine)
        done = subprocess.run([postgres_tool("pg_dump"), "--format=custom", "--no-owner",
                               f"--file={dumped}", f"--dbname={url}"],
                              capture_output=True, text=True, env=environment)  # fmt: skip
        if done.returncode != 0:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}",
                              f"pg_dump failed: {done.stderr.strip()[:500]}")  # fmt: skip
        return "postgresql", dumped
    raise BackupError(f"不支持的数据库：{engine.url.get_backend_name()}",
                      f"unsupported database: {engine.url.get_backend_name()}")  # fmt: skip


def _config_matching_the_copy(home: Path, dumped: Path, kind: str) -> bytes | None:
    """The home's config file as it will be archived, read once after the database was copied,
    refused if its secret key is not the one the copy's ID numbers are under.

    ``rotate-secret`` writes the new key into the config file before its transaction commits:
    a backup that copied the database before the commit and the config file after paired the
    old numbers with the new key — an archive no restore can use, found out only when it is
    needed. (A key set in the environment is not in the file: nothing to pair.)"""
    import hmac

    from workforce.config import read_config_text
    from workforce.secret import check_value

    path = home / CONFIG_FILE
    if not path.is_file():
        return None
    content = path.read_bytes()
    key = read_config_text(content.decode("utf-8", "replace")).get("WORKFORCE_SECRET_KEY")
    stored = _archived_key_check(dumped, kind) if key else None
    if key and stored is not None and not hmac.compare_digest(stored, check_value(key)):
        raise BackupError(
            f"备份期间密钥被更换（workforce rotate-secret）：复制的数据库与 {CONFIG_FILE} "
            "中的密钥不一致，这样的备份无法恢复，未写入。请待密钥更换完成后重新备份。",
            "the secret key was changed during the backup (`workforce rotate-secret`): the "
            f"copied database and the key in {CONFIG_FILE} do not match, and such a backup "
            "could not be restored; nothing was written. Back up again once the key change "
            "has finished.",
        )
    return content


def _add_bytes(tar: tarfile.TarFile, name: str, path: Path, content: bytes) -> None:
    """Add ``content`` to ``tar`` as ``name``, with ``path``'s mode and time."""
    import io

    info = tar.gettarinfo(path, name)
    info.size = len(content)
    tar.addfile(info, io.BytesIO(content))


def _holds_registry(engine: Engine) -> bool:
    from sqlmodel import Session

    from workforce.models import School

    if not inspect(engine).has_table("school"):
        return False
    with Session(engine) as session:
        return session.scalar(select(School.id).limit(1)) is not None


def restore(engine: Engine, home: Path, archive: Path, *, force: bool = False) -> Manifest:
    """Put the archive's database behind ``engine`` and its files into ``home`` (all or nothing,
    see the module's docstring)."""
    if _holds_registry(engine) and not force:
        raise BackupError("数据库中已有数据；确认要用备份覆盖时加 --force",
                          "the database already holds data; add --force to replace it "
                          "with the backup")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="workforce-restore-") as scratch:
        work = Path(scratch)
        manifest, dumped = _unpack(archive, work)
        target_kind = "sqlite" if _sqlite_file(engine) else engine.url.get_backend_name()
        if manifest.engine != target_kind:
            raise BackupError(
                f"备份来自 {manifest.engine}，当前数据库是 {target_kind}",
                f"the backup is of {manifest.engine}, the database is {target_kind}",
            )
        _refuse_a_key_the_database_was_not_made_with(home, work / "home", dumped, manifest)
        staging = _stage_home_files(work / "home", home)
        try:
            engine.dispose()
            if manifest.engine == "sqlite":
                _swap_in_sqlite(engine, dumped)
            else:
                _pg_restore(engine, dumped)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _move_staged_files(staging, home)
        config_file = home / "workforce.env"
        if config_file.exists():
            config_file.chmod(0o600)
    return manifest


def _unpack(archive: Path, work: Path) -> tuple[Manifest, Path]:
    """Extract ``archive`` into ``work``; its manifest and database file, or a clear refusal."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = Manifest(**json.loads((work / "manifest.json").read_text()))
        dumped = work / ("database.sqlite3" if manifest.engine == "sqlite"
                         else "database.pgdump")  # fmt: skip
        if not dumped.is_file():  # refused before anything is changed
            raise FileNotFoundError(f"{dumped.name} missing")
    except (OSError, tarfile.TarError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive}：不是有效的备份文件（{error}）",
                          f"{archive}: not a valid backup ({error})") from None  # fmt: skip
    return manifest, dumped


def _key_after_restore(home: Path, saved_home: Path) -> str | None:
    """The secret key the instance will run with once restored: the environment wins over the
    config file (as :mod:`workforce.config` reads it), and the archive's config file replaces the
    home's."""
    from workforce.config import CONFIG_FILE, read_config_file

    for source in (
        os.environ,
        read_config_file(saved_home / CONFIG_FILE),
        read_config_file(home / CONFIG_FILE),
    ):
        if source.get("WORKFORCE_SECRET_KEY"):
            return source["WORKFORCE_SECRET_KEY"]
    return None


def _archived_key_check(dumped: Path, engine_kind: str) -> str | None:
    """The secret key's check value stored in the archived database (None for a database from
    before the check value existed: its key is then checked at the first start, as ever)."""
    from workforce.secret import CHECK_NAME

    if engine_kind == "sqlite":
        connection = sqlite3.connect(f"file:{dumped}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT value FROM instancesetting WHERE name = ?", (CHECK_NAME,)
            ).fetchone()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):  # a database from before the check value existed
                return None
            raise _not_a_database(dumped, error) from None
        except sqlite3.DatabaseError as error:  # not an SQLite file at all
            raise _not_a_database(dumped, error) from None
        finally:
            connection.close()
        return row[0] if row else None
    listed = subprocess.run([postgres_tool("pg_restore"), "--data-only",
                             "--table=instancesetting", "--file=-", str(dumped)],
                            capture_output=True, text=True)  # fmt: skip
    if listed.returncode != 0:
        raise BackupError(f"pg_restore 无法读取备份：{listed.stderr.strip()[:500]}",
                          f"pg_restore cannot read the backup: {listed.stderr.strip()[:500]}")  # fmt: skip
    copying = False
    for line in listed.stdout.splitlines():  # COPY public.instancesetting (name, value) FROM stdin;
        if line.startswith("COPY ") and "instancesetting" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying:
            name, _, value = line.partition("\t")
            if name == CHECK_NAME:
                return value
    return None


def _not_a_database(dumped: Path, error: Exception) -> BackupError:
    return BackupError(f"备份中的 {dumped.name} 不是有效的 SQLite 数据库（{error}）；未做任何更改",
                       f"{dumped.name} in the backup is not a valid SQLite database ({error}); "
                       "nothing was changed")  # fmt: skip


def _refuse_a_key_the_database_was_not_made_with(
    home: Path, saved_home: Path, dumped: Path, manifest: Manifest
) -> None:
    """Refuse the restore, before anything changes, when the key in effect afterwards is not the
    one the archived ID numbers were encrypted with: the server would refuse to start on it."""
    import hmac

    from workforce.secret import check_value

    stored = _archived_key_check(dumped, manifest.engine)
    key = _key_after_restore(home, saved_home)
    if stored is None or key is None:
        return
    if not hmac.compare_digest(stored, check_value(key)):
        raise BackupError(
            "备份中的数据库是用另一个密钥加密身份证号的，恢复后服务将无法读取；请把备份时的 "
            "WORKFORCE_SECRET_KEY 设为当前密钥（环境变量或实例目录的 workforce.env）后重试。"
            "未做任何更改。",
            "the archived database's ID numbers were encrypted with another secret key, so the "
            "server could not read them after the restore; set WORKFORCE_SECRET_KEY to the key "
            "of the backup (environment or the home's workforce.env) and try again. Nothing was "
            "changed.",
        )


def _stage_home_files(saved_home: Path, home: Path) -> Path:
    """Copy the archive's home files into a staging folder inside ``home`` (same file system, so
    placing them later is a rename). A failure here (a full disk, a file where the archive has a
    folder) removes the staging folder and is reported before the database is touched."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=home))
    try:
        for path in sorted(saved_home.rglob("*")) if saved_home.is_dir() else []:
            if path.is_file():
                relative = path.relative_to(saved_home)
                destination = home / relative
                for parent in reversed(destination.relative_to(home).parents[:-1]):
                    if (home / parent).exists() and not (home / parent).is_dir():
                        raise NotADirectoryError(f"{home / parent} is a file")
                if destination.is_dir():
                    raise IsADirectoryError(f"{destination} is a folder")
                staged = staging / relative
                staged.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, staged)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"无法放回实例目录的文件（{error}）；数据库和实例目录均未更改",
                          f"cannot put back the home's files ({error}); neither the database "
                          "nor the home was changed") from None  # fmt: skip
    return staging


def _move_staged_files(staging: Path, home: Path) -> None:
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            destination = home / path.relative_to(staging)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
    shutil.rmtree(staging, ignore_errors=True)


def _swap_in_sqlite(engine: Engine, dumped: Path) -> None:
    """Put the archive's SQLite file in the database's place.

    The database's write-ahead log is folded into its file first (a checkpoint that truncates
    the log), and only then is the file replaced: a log left beside the new file would be
    replayed onto it, and a log removed before the swap took the last commits of the old
    database with it when the swap then failed (a full disk at the copy) — the "nothing
    changed" of a failed restore. A database in use (a transaction of a server or another
    command open at that moment) is refused: stop the server first."""
    target = _sqlite_file(engine)
    assert target is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        with closing(sqlite3.connect(target)) as connection:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise BackupError(
                "信息库正被使用（服务或其他命令正在运行）：请先停止服务再恢复。未做任何更改。",
                "the registry is in use (the server or another command is running): stop the "
                "server, then restore. Nothing was changed.",
            )
    with private_output(target) as incoming:  # owner-only, as a new database file is
        shutil.copyfile(dumped, incoming)
    for suffix in ("-wal", "-shm"):  # the old file's (now empty) log and its index
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def _pg_restore(engine: Engine, dumped: Path) -> None:
    url, environment = _libpq(engine)
    done = subprocess.run([postgres_tool("pg_restore"), "--clean", "--if-exists",
                           "--no-owner", "--single-transaction", f"--dbname={url}",
                           str(dumped)],
                          capture_output=True, text=True, env=environment)  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}",
                          f"pg_restore failed: {done.stderr.strip()[:500]}")  # fmt: skip
