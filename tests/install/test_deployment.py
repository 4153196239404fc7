"""Backups, restores and upgrades of docs/deploy.md: ``backup``/``restore`` round trips (SQLite,
and PostgreSQL through ``pg_dump``/``pg_restore``); ``migrate`` of a database made by the first
release's schema; ``/healthz`` telling a schema that needs migrating. The systemd units
themselves, run on PostgreSQL with several workers, are tested in ``test_systemd.py``."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import socket
import sqlite3
import stat
import sys
import tarfile
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, func, insert, text
from sqlmodel import Session, select
from typer.testing import CliRunner

from workforce import config, db, private_files
from workforce.cli import app
from workforce.idnumber import decrypt, encrypt, lookup_hash
from workforce.models import School, Teacher

ROOT = Path(__file__).resolve().parents[2]
WORKFORCE = Path(sys.executable).with_name("workforce")
runner = CliRunner()
PASSWORD = "a long enough password for chief"
HEAD = "0017"
"""The newest migration (written out: a new migration must be seen to change these tests)."""


def _reload() -> None:
    if db.get_engine.cache_info().currsize:
        db.get_engine().dispose()
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.fixture
def home_instance(env, tmp_path):
    """An instance configured only by its home: no database URL, no secret in the environment."""
    for name in ("WORKFORCE_SECRET_KEY", "WORKFORCE_DATABASE_URL", "WORKFORCE_UPLOAD_DIR"):
        env.delenv(name)
    home = tmp_path / "instance"
    env.setenv("WORKFORCE_HOME", str(home))
    _reload()
    yield home
    _reload()


def _registry() -> tuple[int, int, dict[str, str]]:
    with Session(db.get_engine()) as session:
        schools = session.scalar(select(func.count()).select_from(School))
        teachers = session.exec(select(Teacher).where(Teacher.id_number_encrypted.is_not(None)))
        numbers = {t.staff_no: decrypt(t.id_number_encrypted) for t in teachers}
    return schools, len(numbers), numbers


def test_backup_and_restore_round_trip_on_sqlite(home_instance, tmp_path):
    made = runner.invoke(app, ["demo", "--teachers", "120", "--seed", "5", "--time-limit", "10"])
    assert made.exit_code == 0, made.output
    (home_instance / "uploads" / "u1").mkdir(parents=True)
    (home_instance / "uploads" / "u1" / "教师.xlsx").write_bytes(b"sheet")
    before = _registry()
    assert before[0] > 0 and before[1] > 100
    archive = tmp_path / "saved" / "backup.tar.gz"
    verified = runner.invoke(app, ["verify-audit"])
    assert verified.exit_code == 0, verified.output
    head = verified.output.split("链头 ", 1)[1].split("（", 1)[0]
    saved = runner.invoke(app, ["backup", str(archive)])
    assert saved.exit_code == 0, saved.output
    assert f"审计链链头（已记入备份清单 manifest.json）：{head}" in saved.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "database.sqlite3", "home/workforce.env",
            "home/uploads/u1/教师.xlsx"} <= names  # fmt: skip
    assert manifest["audit_head"] == head

    _reload()
    for path in sorted(home_instance.rglob("*"), reverse=True):  # the machine is lost
        path.unlink() if path.is_file() else path.rmdir()
    _reload()  # a fresh process: the new, empty instance generates a new key
    restored = runner.invoke(app, ["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert head in restored.output
    _reload()  # the restored config file brings back the key
    assert _registry() == before
    checked = runner.invoke(app, ["verify-audit", "--expect-head", head])
    assert checked.exit_code == 0, checked.output
    assert (home_instance / "uploads" / "u1" / "教师.xlsx").read_bytes() == b"sheet"
    assert stat.S_IMODE((home_instance / "workforce.env").stat().st_mode) == 0o600
    assert stat.S_IMODE((home_instance / "workforce.sqlite3").stat().st_mode) == 0o600
    assert runner.invoke(app, ["migrate"]).exit_code == 0  # the key check passes

    again = runner.invoke(app, ["restore", str(archive)])
    assert again.exit_code == 2 and "数据库中已有数据" in again.output
    assert runner.invoke(app, ["restore", str(archive), "--force"]).exit_code == 0


@pytest.mark.postgres
def test_migrate_upgrades_a_first_release_database_and_keeps_its_data(engine):
    # The first release's schema (migrations 0001–0003) with a school, a teacher with an
    # encrypted ID number, an account and a finished solve job, written with that schema's
    # own columns; then today's `workforce migrate`.
    from workforce.cli.demo import drop_everything

    drop_everything(engine)
    command.upgrade(db.alembic_config(engine), "0003")
    tables = MetaData()
    tables.reflect(engine)
    now = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    number = "44162219800101001X"
    with engine.begin() as connection:
        connection.execute(insert(tables.tables["school"]).values(
            id=1, code="S001", name="源城区第一小学", town="上城街道", zone="urban",
            level="primary", ownership="public", is_quality=True, is_weak=False, pupils=900,
            disabled_pupils=2, classes_by_grade=[3, 3, 3, 3, 3, 3], post_ceiling=50, active=True,
            version=1, created_at=now, updated_at=now))  # fmt: skip
        connection.execute(insert(tables.tables["teacher"]).values(
            id=1, staff_no="T0001", name="陈老师", gender="female", birth_date=dt.date(1980, 1, 1),
            post_type="established", school_id=1, joined_school_on=dt.date(2010, 9, 1),
            main_subject="pe", other_subjects=[], is_head_teacher=False, is_principal=False,
            status="active", version=1, created_at=now, updated_at=now,
            id_number_encrypted=encrypt(number), id_number_hash=lookup_hash(number)))  # fmt: skip
        connection.execute(insert(tables.tables["app_user"]).values(
            id=1, username="chief", display_name="陈局", role="admin", password_hash="x",
            active=True, created_at=now))  # fmt: skip
        connection.execute(insert(tables.tables["solvejob"]).values(
            id=1, year=2026, status="done", stage="done", pins=[], settings={},
            created_by="chief", created_at=now))  # fmt: skip
        # the log of a teacher first numbered T0500, renumbered T0001 — a number an earlier,
        # since deleted teacher had held (entry 1 is about that one)
        for entry_id, entity, action, key, before, after in (
            (1, "teacher", "create", "T0001", None, {"staff_no": "T0001", "name": "旧人"}),
            (2, "training", "create", "T0500/7", None, {"hours": 24}),
            (3, "teacher", "update", "T0001", {"id": 1, "staff_no": "T0500"},
             {"id": 1, "staff_no": "T0001"}),
            (4, "training", "create", "T0001/8", None, {"hours": 12}),
            (5, "teacher", "update", "T0999", None, None),
            (6, "school", "update", "S001", None, None),
        ):  # fmt: skip
            connection.execute(insert(tables.tables["auditlog"]).values(
                id=entry_id, at=now, actor="chief", action=action, entity=entity,
                entity_key=key, before=before, after=after))  # fmt: skip

    upgraded = runner.invoke(app, ["migrate"])
    assert upgraded.exit_code == 0, upgraded.output
    with engine.connect() as connection:
        from alembic.migration import MigrationContext

        assert MigrationContext.configure(connection).get_current_revision() == HEAD
        resolved = connection.execute(text("SELECT id, teacher_id FROM auditlog ORDER BY id"))
        # 0014: each entry resolved to the teacher its number named when it was written: T0500
        # before the renumbering is teacher 1; T0001 before it was the deleted teacher (none);
        # an unknown number and a school's entry stay without one
        assert [tuple(row) for row in resolved] == [
            (1, None), (2, 1), (3, 1), (4, 1), (5, None), (6, None)
        ]
    with Session(engine) as session:  # 0016: the old entries sealed as the chain's first link
        from workforce.audit_chain import verify

        chain = verify(session)
        assert (chain.intact, chain.links, chain.entries) == (True, 1, 6)
    with Session(engine) as session:
        teacher = session.get(Teacher, 1)
        assert (teacher.staff_no, teacher.name, teacher.school_id) == ("T0001", "陈老师", 1)
        assert decrypt(teacher.id_number_encrypted) == number
        assert session.get(School, 1).classes_by_grade == [3, 3, 3, 3, 3, 3]
        from workforce.accounts.models import User
        from workforce.models import InstanceSetting, SolveJob

        assert session.get(User, 1).username == "chief"
        job = session.get(SolveJob, 1)
        assert (job.status, job.runner, job.slot, job.unpin) == ("done", None, None, [])
        assert session.get(InstanceSetting, "secret_key_check") is not None


@pytest.mark.postgres
def test_healthz_reports_the_database_and_the_migration(engine):
    from api.main import create_app

    with TestClient(create_app()) as client:
        ok = client.get("/healthz")
        assert ok.status_code == 200
        assert ok.json() == {"status": "ok", "database": "ok", "migration": HEAD,
                             "migration_head": HEAD}  # fmt: skip
        command.downgrade(db.alembic_config(engine), "0010")
        stale = client.get("/healthz")
        assert stale.status_code == 503 and stale.json()["status"] == "migration_needed"
        command.upgrade(db.alembic_config(engine), "head")


def test_backup_and_restore_round_trip_on_postgresql(postgres_url, env, tmp_path):
    # pg_dump into the archive, the database emptied, pg_restore back in one transaction.
    import psycopg
    from sqlalchemy.engine import make_url

    from workforce.backup import BackupError, backup, restore
    from workforce.cli.demo import drop_everything
    from workforce.sample import generate_district, load_district
    from workforce.secret import check_secret_key

    base = make_url(postgres_url)
    with psycopg.connect(host=base.host, port=base.port, user=base.username,
                         password=base.password, dbname=base.database,
                         autocommit=True) as admin:  # fmt: skip
        admin.execute("DROP DATABASE IF EXISTS backup_round_trip")
        admin.execute("CREATE DATABASE backup_round_trip")
    url = base.set(database="backup_round_trip").render_as_string(hide_password=False)
    engine = db.make_engine(url)
    try:
        db.migrate(engine)
        load_district(engine, generate_district(teachers=120, seed=9))
        env.setenv("WORKFORCE_DATABASE_URL", url)
        _reload()
        before = _registry()
        assert before[1] > 100
        home = tmp_path / "home"
        (home / "output").mkdir(parents=True)
        (home / "output" / "plan.xlsx").write_bytes(b"plan")
        archive = tmp_path / "pg.tar.gz"
        key = config.get_settings().secret_key
        check_secret_key(engine, key)  # what every entry point records at its first start
        manifest = backup(engine, home, archive)
        assert (manifest.engine, manifest.migration, manifest.home_files) == (
            "postgresql",
            HEAD,
            1,
        )
        drop_everything(engine)
        (home / "output" / "plan.xlsx").unlink()
        env.setenv("WORKFORCE_SECRET_KEY", "another key that encrypted nothing here, 0123456789")
        with pytest.raises(BackupError) as wrong_key:  # read from the dump, before any change
            restore(engine, home, archive)
        assert "另一个密钥" in wrong_key.value.zh and not (home / "output" / "plan.xlsx").exists()
        env.setenv("WORKFORCE_SECRET_KEY", key)
        restore(engine, home, archive)
        _reload()
        assert _registry() == before
        assert (home / "output" / "plan.xlsx").read_bytes() == b"plan"
        refused = runner.invoke(app, ["restore", str(archive)])
        assert refused.exit_code == 2 and "数据库中已有数据" in refused.output
    finally:
        _reload()
        engine.dispose()


@pytest.mark.postgres
def test_the_new_migrations_go_down_and_up_again_keeping_the_applied_plan_guards(engine):
    """0008–0011 downgrade to 0007 and upgrade again on SQLite and PostgreSQL; after it the
    database still refuses a second applied plan of a year (of the whole registry, and of one
    county) and takes one applied plan per county."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import IntegrityError

    from workforce.models import RotationPlan

    config = db.alembic_config(engine)
    command.downgrade(config, "0007")
    assert "supplementary" not in {c["name"] for c in inspect(engine).get_columns("rotationplan")}
    command.upgrade(config, "head")
    indexes = {i["name"] for i in inspect(engine).get_indexes("rotationplan")}
    assert {"uq_rotationplan_applied_year", "uq_rotationplan_applied_year_county"} <= indexes

    def applied(county: str | None) -> RotationPlan:
        return RotationPlan(year=2026, county=county, status="applied", solver_status="optimal",
                            instance_json="{}", plan_json="{}", created_by="hr")  # fmt: skip

    checked = 0
    for first, second, allowed in [(None, None, False), ("东源县", "东源县", False),
                                   ("东源县", "和平县", True), (None, "东源县", True)]:  # fmt: skip
        with Session(engine) as session:
            session.add(applied(first))
            session.flush()
            session.add(applied(second))
            if allowed:
                session.flush()
            else:
                with pytest.raises(IntegrityError):
                    session.flush()
            session.rollback()
        checked += 1
    assert checked == 4


def test_a_backup_leaves_out_the_earlier_backups_and_the_live_database(home_instance):
    # `workforce backup` writes into the home's backups/ by default: the next archive must not
    # hold the earlier ones (each would double in size), nor the live SQLite files.
    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    archives = []
    for stamp in ("first", "second"):
        out = home_instance / "backups" / f"{stamp}.tar.gz"
        assert runner.invoke(app, ["backup", str(out)]).exit_code == 0
        archives.append(out)
    with tarfile.open(archives[1]) as tar:
        names = tar.getnames()
    assert "home/workforce.env" in names and "database.sqlite3" in names
    assert not [n for n in names if n.startswith(("home/backups/", "home/workforce.sqlite3"))]


def test_restore_refuses_an_archive_without_its_database_before_changing_anything(
    home_instance, tmp_path
):
    import io
    import json

    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    before = _registry()
    archive = tmp_path / "broken.tar.gz"
    manifest = json.dumps({"created": "2026-01-01T00:00:00+00:00", "engine": "sqlite",
                           "migration": "0013", "home_files": 1}).encode()  # fmt: skip
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", manifest), ("home/uploads/x.xlsx", b"new")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    refused = runner.invoke(app, ["restore", str(archive), "--force"])
    assert refused.exit_code == 2, refused.output
    assert "database.sqlite3" in refused.output and "不是有效的备份文件" in refused.output
    assert not (home_instance / "uploads" / "x.xlsx").exists()
    _reload()
    assert _registry() == before


def _files(home: Path) -> dict[str, bytes]:
    return {
        p.relative_to(home).as_posix(): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and p.parts[-1] not in {"workforce.sqlite3-wal", "workforce.sqlite3-shm"}
    }


def test_restore_refuses_a_backup_whose_id_numbers_another_key_encrypted(
    home_instance, env, tmp_path
):
    # The machine is lost; the new one is set up with a key of its own in the environment (which
    # wins over the archive's workforce.env). Restoring would give a registry the server refuses
    # to open: refused before anything changes, saying which key is needed.
    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    before = _registry()
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(app, ["backup", str(archive)]).exit_code == 0
    (home_instance / "output" / "after-the-backup.xlsx").write_bytes(b"kept")
    _reload()
    files = _files(home_instance)
    env.setenv("WORKFORCE_SECRET_KEY", "the new machine's own key, not the backup's, 0123456789")
    refused = runner.invoke(app, ["restore", str(archive), "--force"])
    assert refused.exit_code == 2, refused.output
    assert "另一个密钥" in refused.output and "未做任何更改" in refused.output
    assert _files(home_instance) == files  # the database file and the home, byte for byte
    assert not list(home_instance.glob(".restoring-*"))

    env.delenv("WORKFORCE_SECRET_KEY")  # the archive's workforce.env brings the right key back
    _reload()
    assert runner.invoke(app, ["restore", str(archive), "--force"]).exit_code == 0
    _reload()
    assert _registry() == before


def test_restore_changes_nothing_when_the_home_files_cannot_be_put_back(home_instance, tmp_path):
    # The archive holds output/… but the home has a file named `output` where the folder should
    # be: the files are staged before the database is touched, so the refusal leaves the old
    # database and home exactly as they were (before, the database was already replaced).
    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(app, ["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        assert any(name.startswith("home/output/") for name in tar.getnames())
    made = runner.invoke(app, ["demo", "--teachers", "150", "--seed", "6", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    _reload()
    shutil.rmtree(home_instance / "output")
    (home_instance / "output").write_bytes(b"a file in the way")
    before, files = _registry(), _files(home_instance)
    _reload()
    refused = runner.invoke(app, ["restore", str(archive), "--force"])
    assert refused.exit_code == 2, refused.output
    assert "数据库和实例目录均未更改" in refused.output and "output" in refused.output
    _reload()
    assert _registry() == before and before[1] > 130  # still the second district
    assert _files(home_instance) == files
    assert not list(home_instance.glob(".restoring-*"))


def test_restore_refuses_a_database_file_that_is_not_one_before_changing_anything(
    home_instance, tmp_path
):
    import io
    import json

    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    before = _registry()
    archive = tmp_path / "damaged.tar.gz"
    manifest = json.dumps({"created": "2026-01-01T00:00:00+00:00", "engine": "sqlite",
                           "migration": "0014", "home_files": 0}).encode()  # fmt: skip
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", manifest), ("database.sqlite3", b"x" * 4096)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    refused = runner.invoke(app, ["restore", str(archive), "--force"])
    assert refused.exit_code == 2, refused.output
    assert "不是有效的 SQLite 数据库" in refused.output and "Traceback" not in refused.output
    _reload()
    assert _registry() == before


def test_an_unreachable_database_is_a_clear_error_not_a_traceback(tmp_path):
    from workforce.backup import BackupError, backup

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = db.make_engine(f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/nothing")
    with pytest.raises(BackupError) as error:
        backup(engine, tmp_path / "home", tmp_path / "out.tar.gz")
    assert error.value.zh.startswith(f"无法连接数据库 postgresql+psycopg://nobody:***@127.0.0.1:{port}")
    assert str(port) in error.value.en and "Connection refused" in error.value.en
    assert "secret" not in error.value.zh + error.value.en  # the password is in neither
    assert not (tmp_path / "out.tar.gz").exists()


def test_a_failed_pg_dump_is_a_clear_error_not_a_traceback(postgres_url, env, tmp_path,
                                                           monkeypatch):  # fmt: skip
    from workforce import backup as backups

    failing = tmp_path / "pg_dump"  # a pg_dump that refuses, as one of another version does
    failing.write_text("#!/bin/sh\necho 'pg_dump: error: server version mismatch' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(backups, "postgres_tool", lambda name: str(failing))
    engine = db.make_engine(postgres_url)
    db.migrate(engine)
    with pytest.raises(backups.BackupError) as error:
        backups.backup(engine, tmp_path / "home", tmp_path / "out.tar.gz")
    engine.dispose()
    assert error.value.zh == "pg_dump 失败：pg_dump: error: server version mismatch"
    assert not (tmp_path / "out.tar.gz").exists()


def test_postgres_tools_get_the_password_in_their_environment_not_their_arguments():
    from workforce.backup import _libpq

    url, environment = _libpq(db.make_engine("postgresql+psycopg://hr:p%40ss@db.local:5433/wf"))
    assert url == "postgresql://hr@db.local:5433/wf" and environment["PGPASSWORD"] == "p@ss"


def test_a_backup_taken_while_the_key_is_being_changed_is_refused_not_written(
    home_instance, tmp_path, monkeypatch
):
    # `rotate-secret` writes the new key into workforce.env before its transaction commits. A
    # backup that copied the database just before and the home just after paired the old ID
    # numbers with the new key: an archive no restore can use. Refused, and nothing written.
    from workforce import backup as backups

    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    old = config.read_config_file(home_instance / "workforce.env")["WORKFORCE_SECRET_KEY"]
    copy_the_database = backups._dump_database

    def rotation_starts_meanwhile(engine, work):  # type: ignore[no-untyped-def]
        copied = copy_the_database(engine, work)
        config.write_config_value(home_instance / "workforce.env", "WORKFORCE_SECRET_KEY",
                                  "the rotation's new key, written before it commits, 0123456789")
        return copied

    monkeypatch.setattr(backups, "_dump_database", rotation_starts_meanwhile)
    archive = tmp_path / "backup.tar.gz"
    refused = runner.invoke(app, ["backup", str(archive)])
    assert refused.exit_code == 2, refused.output
    assert "备份期间密钥被更换" in refused.output and "未写入" in refused.output
    assert not archive.exists() and not list(tmp_path.glob("*.partial*"))

    monkeypatch.setattr(backups, "_dump_database", copy_the_database)
    # the rotation failed and put the old key back: a backup goes through
    config.write_config_value(home_instance / "workforce.env", "WORKFORCE_SECRET_KEY", old)
    _reload()
    saved = runner.invoke(app, ["backup", str(archive)])
    assert saved.exit_code == 0, saved.output
    with tarfile.open(archive) as tar:
        archived = tar.extractfile("home/workforce.env").read().decode()
    assert f"WORKFORCE_SECRET_KEY={old}" in archived


def _demo_backed_up(home: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A small demo registry in ``home``, backed up: its SQLite file and the archive."""
    made = runner.invoke(app, ["demo", "--teachers", "100", "--seed", "5", "--time-limit", "5"])
    assert made.exit_code == 0, made.output
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(app, ["backup", str(archive)]).exit_code == 0
    _reload()
    return home / "workforce.sqlite3", archive


def test_a_restore_that_fails_at_the_swap_keeps_the_registrys_last_commits(
    home_instance, tmp_path, monkeypatch
):
    # The last commits of a SQLite registry may still be in its write-ahead log. The restore
    # removed that log before swapping the file in; when the swap then failed (the disk full as
    # the copy was flushed) the old registry had lost them. Now the log is folded in first.
    from workforce.backup import restore

    database, archive = _demo_backed_up(home_instance, tmp_path)
    writer = sqlite3.connect(database)  # a last commit, left in the log (no checkpoint yet)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE school SET name = '最后一次提交的校名' WHERE id = "
                   "(SELECT min(id) FROM school)")  # fmt: skip
    writer.commit()
    assert Path(f"{database}-wal").stat().st_size > 0

    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(private_files.os, "fsync", full_disk)
    with pytest.raises(OSError):
        restore(db.get_engine(), home_instance, archive, force=True)
    reader = sqlite3.connect(database)  # a fresh connection, the writer still open
    names = [name for (name,) in reader.execute("SELECT name FROM school")]
    reader.close()
    writer.close()
    assert "最后一次提交的校名" in names
    assert not list(home_instance.glob(".*.partial"))


def test_a_restore_refuses_a_sqlite_registry_in_use_and_changes_nothing(home_instance, tmp_path):
    from workforce.backup import BackupError, restore

    database, archive = _demo_backed_up(home_instance, tmp_path)
    server = sqlite3.connect(database, isolation_level=None)  # a server's open transaction
    server.execute("BEGIN")
    server.execute("UPDATE school SET name = '服务正在写' WHERE id = (SELECT min(id) FROM school)")
    with pytest.raises(BackupError) as refused:
        restore(db.get_engine(), home_instance, archive, force=True)
    assert "信息库正被使用" in refused.value.zh and "未做任何更改" in refused.value.zh
    server.execute("COMMIT")
    server.close()
    assert not list(home_instance.glob(".restoring-*"))
