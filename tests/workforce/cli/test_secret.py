"""No working secret by default: a generated key in the home, the development key refused by
``serve``, a changed key refused at start, and ``rotate-secret`` re-encrypting in one go."""

from __future__ import annotations

import errno
import multiprocessing
import os
import stat

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from workforce import config, db, private_files
from workforce.cli import app
from workforce.idnumber import decrypt, lookup_hash
from workforce.models import AuditLog, InstanceSetting, Teacher
from workforce.sample import generate_district, load_district
from workforce.secret import SecretKeyMismatch, check_secret_key, check_value

runner = CliRunner()
OTHER_KEY = "another-secret-key-that-is-long-enough-0123456789"


def _reload(env: pytest.MonkeyPatch) -> None:
    """Settings and engine read again (the cached engine closed first)."""
    if db.get_engine.cache_info().currsize:
        db.get_engine().dispose()
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.fixture(autouse=True)
def _close_the_commands_engine(env):
    yield
    _reload(env)


def _numbers(engine) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.exec(select(Teacher).where(Teacher.id_number_encrypted.is_not(None)))
        return {t.staff_no: decrypt(t.id_number_encrypted) for t in rows}


@pytest.fixture
def loaded(engine):
    load_district(engine, generate_district(teachers=120, seed=3))
    check_secret_key(engine, config.get_settings().secret_key)
    numbers = _numbers(engine)
    assert len(numbers) > 100
    return numbers


def test_first_run_generates_a_private_secret_in_the_home(env, tmp_path):
    for name in ("WORKFORCE_SECRET_KEY", "WORKFORCE_DATABASE_URL", "WORKFORCE_UPLOAD_DIR"):
        env.delenv(name)
    env.setenv("WORKFORCE_HOME", str(tmp_path / "home"))
    _reload(env)
    first = config.get_settings()
    path = tmp_path / "home" / "workforce.env"
    assert len(first.secret_key) >= 64 and first.secret_key != config.DEVELOPMENT_SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # the home holds the database (names, dates, encrypted ID numbers) and the workbooks:
    # only its owner may list or read it
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700
    assert first.database_url == f"sqlite:///{tmp_path / 'home' / 'workforce.sqlite3'}"
    assert first.upload_dir == tmp_path / "home" / "uploads"
    _reload(env)
    assert config.get_settings().secret_key == first.secret_key  # kept, not generated again
    other_home = tmp_path / "other"
    env.setenv("WORKFORCE_HOME", str(other_home))
    _reload(env)
    assert config.get_settings().secret_key != first.secret_key  # one key per instance


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["--host", "0.0.0.0"], True),
        (["--host", "0.0.0.0", "--insecure-dev"], True),
        (["--host", "127.0.0.1"], True),
    ],
)
def test_serve_refuses_the_development_secret(env, engine, args, refused):
    env.setenv("WORKFORCE_SECRET_KEY", config.DEVELOPMENT_SECRET)
    env.setenv("WORKFORCE_ENVIRONMENT", "development")
    _reload(env)
    result = runner.invoke(app, ["serve", *args])
    assert result.exit_code == 2
    assert "拒绝启动：正在使用公开的开发密钥" in result.output


def test_development_secret_is_allowed_only_on_loopback_with_the_flag(env):
    from workforce.cli.server_commands import development_secret_refused

    env.setenv("WORKFORCE_SECRET_KEY", config.DEVELOPMENT_SECRET)
    _reload(env)
    settings = config.get_settings()
    assert not development_secret_refused(settings, "127.0.0.1", insecure_dev=True)
    assert development_secret_refused(settings, "127.0.0.1", insecure_dev=False)
    assert development_secret_refused(settings, "0.0.0.0", insecure_dev=True)
    env.setenv("WORKFORCE_SECRET_KEY", OTHER_KEY)
    _reload(env)
    assert not development_secret_refused(config.get_settings(), "0.0.0.0", insecure_dev=False)


@pytest.mark.postgres
def test_a_changed_secret_is_refused_at_start(env, engine, loaded):
    with Session(engine) as session:
        assert session.get(InstanceSetting, "secret_key_check").value == check_value(
            config.get_settings().secret_key
        )
    env.setenv("WORKFORCE_SECRET_KEY", OTHER_KEY)
    _reload(env)
    # every command that opens the registry, not only those that start a server: a plain
    # command ran on, its ID numbers unreadable and its writes refused at commit, a traceback
    commands = (["migrate"], ["serve"], ["demo"], ["plans", "list", "--year", "2026"],
                ["export", "teachers", "--out", "t.csv"],
                ["report", "training", "--out", "t.xlsx"])  # fmt: skip
    for command in commands:
        result = runner.invoke(app, command)
        assert result.exit_code == 2, (command, result.output)
        assert "密钥与数据库不符" in result.output, (command, result.output)
    assert len(commands) == 6


@pytest.mark.postgres
def test_a_database_from_before_the_check_is_checked_by_decrypting(env, engine, loaded):
    with Session(engine) as session:
        session.delete(session.get(InstanceSetting, "secret_key_check"))
        session.commit()
    with pytest.raises(SecretKeyMismatch):
        check_secret_key(engine, OTHER_KEY)
    check_secret_key(engine, config.get_settings().secret_key)  # the right key is recorded
    with Session(engine) as session:
        assert session.get(InstanceSetting, "secret_key_check") is not None


@pytest.mark.postgres
def test_rotate_secret_reencrypts_every_id_number_in_one_transaction(env, engine, loaded, tmp_path):
    env.delenv("WORKFORCE_SECRET_KEY")
    home = tmp_path / "rotating"
    config.write_config_value(home / "workforce.env", "WORKFORCE_SECRET_KEY", os.environ.get(
        "WORKFORCE_TEST_SECRET", "test-secret-key-that-is-only-used-by-the-test-suite"))
    env.setenv("WORKFORCE_HOME", str(home))
    _reload(env)
    old = config.get_settings().secret_key
    result = runner.invoke(app, ["rotate-secret"])
    assert result.exit_code == 0, result.output
    assert f"已用新密钥重新加密 {len(loaded)} 个身份证号" in result.output
    _reload(env)
    new = config.get_settings().secret_key
    assert new != old and stat.S_IMODE((home / "workforce.env").stat().st_mode) == 0o600
    assert _numbers(engine) == loaded  # every number reads back under the new key
    with Session(engine) as session:
        teacher = session.exec(select(Teacher).where(Teacher.staff_no == next(iter(loaded)))).one()
        assert teacher.id_number_hash == lookup_hash(loaded[teacher.staff_no])
        assert session.exec(select(AuditLog).where(AuditLog.action == "rotate_secret")).one()
    check_secret_key(engine, new)
    with pytest.raises(SecretKeyMismatch):
        check_secret_key(engine, old)


@pytest.mark.postgres
def test_rotate_secret_changes_nothing_when_a_number_cannot_be_read(env, engine, loaded):
    from workforce.secret import rotate_secret_key

    with Session(engine) as session:
        teacher = session.exec(select(Teacher).where(Teacher.id_number_encrypted.is_not(None))
                               .order_by(Teacher.id.desc())).first()  # fmt: skip
        teacher.id_number_encrypted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        session.commit()
    with Session(engine) as session:
        before = session.exec(select(Teacher.id, Teacher.id_number_encrypted)).all()
    old = config.get_settings().secret_key
    with pytest.raises(SecretKeyMismatch):
        rotate_secret_key(engine, old, OTHER_KEY, actor="test")
    with Session(engine) as session:
        assert session.exec(select(Teacher.id, Teacher.id_number_encrypted)).all() == before
        assert session.get(InstanceSetting, "secret_key_check").value == check_value(old)


def test_rotate_secret_keeps_the_key_in_use_when_it_cannot_write_the_config(env, engine, loaded,
                                                                            tmp_path):
    # The config file cannot be written (here: the disk is full when the new file is flushed).
    # The old command re-encrypted the database first and then failed to write the new, random
    # key: the instance was locked out of every ID number. Now nothing changes.
    env.delenv("WORKFORCE_SECRET_KEY")
    home = tmp_path / "locked"
    config.write_config_value(home / "workforce.env", "WORKFORCE_SECRET_KEY", os.environ.get(
        "WORKFORCE_TEST_SECRET", "test-secret-key-that-is-only-used-by-the-test-suite"))
    env.setenv("WORKFORCE_HOME", str(home))
    _reload(env)
    old = config.get_settings().secret_key
    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    env.setattr(private_files.os, "fsync", full_disk)
    result = runner.invoke(app, ["rotate-secret"])
    assert result.exit_code != 0
    check_secret_key(engine, old)  # the database is still under the key the config holds
    assert config.read_config_file(home / "workforce.env")["WORKFORCE_SECRET_KEY"] == old
    assert _numbers(engine) == loaded
    assert not list(home.glob("*.partial"))  # the half-written config did not stay behind


def test_rotate_secret_puts_the_old_key_back_when_the_database_refuses(env, engine, loaded,
                                                                      tmp_path):
    env.delenv("WORKFORCE_SECRET_KEY")
    home = tmp_path / "refused"
    config.write_config_value(home / "workforce.env", "WORKFORCE_SECRET_KEY", os.environ.get(
        "WORKFORCE_TEST_SECRET", "test-secret-key-that-is-only-used-by-the-test-suite"))
    env.setenv("WORKFORCE_HOME", str(home))
    _reload(env)
    old = config.get_settings().secret_key
    with Session(engine) as session:  # one stored number the key cannot read
        teacher = session.exec(select(Teacher).where(Teacher.id_number_encrypted.is_not(None))
                               ).first()  # fmt: skip
        teacher.id_number_encrypted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        session.commit()
    result = runner.invoke(app, ["rotate-secret"])
    assert result.exit_code == 2 and "密钥与数据库不符" in result.output
    assert config.read_config_file(home / "workforce.env")["WORKFORCE_SECRET_KEY"] == old
    check_secret_key(engine, old)


def _record_first(engine, value: str):
    """Another process records its check value just before this one inserts its own."""
    from sqlalchemy import event, insert

    fired: list[bool] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith("INSERT INTO INSTANCESETTING"):
            fired.append(True)
            with engine.begin() as other:
                other.execute(insert(InstanceSetting).values(name="secret_key_check", value=value))

    event.listen(engine, "before_cursor_execute", before)
    return fired


@pytest.mark.postgres
def test_two_processes_recording_the_key_at_once_both_start(engine, loaded):
    # `serve` and `worker` started together on a database new to the check: both find no check
    # value and insert one; the second insert must not be an IntegrityError traceback.
    key = config.get_settings().secret_key
    with Session(engine) as session:
        session.delete(session.get(InstanceSetting, "secret_key_check"))
        session.commit()
    fired = _record_first(engine, check_value(key))
    check_secret_key(engine, key)
    assert fired == [True]
    with Session(engine) as session:
        assert session.get(InstanceSetting, "secret_key_check").value == check_value(key)


@pytest.mark.postgres
def test_a_process_recording_another_key_at_the_same_moment_is_refused(engine, loaded):
    key = config.get_settings().secret_key
    with Session(engine) as session:
        session.delete(session.get(InstanceSetting, "secret_key_check"))
        session.commit()
    fired = _record_first(engine, check_value(OTHER_KEY))
    with pytest.raises(SecretKeyMismatch):
        check_secret_key(engine, key)
    assert fired == [True]


def test_the_database_address_shown_never_carries_its_password():
    from workforce.db import display_url

    cases = {
        "postgresql+psycopg://hr:s3cret@db.local:5432/wf":
            "postgresql+psycopg://hr:***@db.local:5432/wf",
        "postgresql+psycopg:///wf?host=/run/pg&user=hr&password=s3cret":
            "postgresql+psycopg:///wf?host=%2Frun%2Fpg&user=hr",
        "sqlite:////srv/home/workforce.sqlite3": "/srv/home/workforce.sqlite3",
    }
    for url, shown in cases.items():
        assert display_url(url) == shown and "s3cret" not in display_url(url)
    assert len(cases) == 3



def _first_start(home: str, barrier, keys) -> None:  # type: ignore[no-untyped-def]
    """One process of a new instance's first start: the key it goes on with."""
    os.environ.pop("WORKFORCE_SECRET_KEY", None)
    os.environ["WORKFORCE_HOME"] = home
    config.get_settings.cache_clear()
    barrier.wait()  # all at once, as `serve` and `worker` at boot
    keys.put(config.get_settings().secret_key)


def test_processes_starting_together_on_a_new_home_share_the_one_key_in_the_file(env, tmp_path):
    # Each process used to generate a key of its own and write it: the file kept the last, and
    # the others encrypted ID numbers with a key that was gone at their next start.
    context = multiprocessing.get_context("fork")
    trials, processes = 5, 6
    for trial in range(trials):
        home = tmp_path / f"home{trial}"
        barrier, keys = context.Barrier(processes), context.Queue()
        started = [context.Process(target=_first_start, args=(str(home), barrier, keys))
                   for _ in range(processes)]  # fmt: skip
        for process in started:
            process.start()
        got = [keys.get(timeout=60) for _ in started]
        for process in started:
            process.join(timeout=60)
        in_file = config.read_config_file(home / "workforce.env")["WORKFORCE_SECRET_KEY"]
        assert got == [in_file] * processes, trial
        assert sorted(p.name for p in home.iterdir()) == ["workforce.env"]  # no lock file left


def test_signing_key_lists_the_keys_files_were_signed_under_before_each_rotation(
    env, engine, loaded, tmp_path
):
    """Plan files signed before `rotate-secret` verify only under the public key of their time.
    That key could not be had afterwards (it is derived from the old secret, which is gone), so
    an auditor handed last year's file could not check it. Each rotation now records the keys
    before and after in its audit entry, and `signing-key` lists them with their periods."""
    from workforce.plans.signing import public_key

    env.delenv("WORKFORCE_SECRET_KEY")
    home = tmp_path / "rotating"
    config.write_config_value(home / "workforce.env", "WORKFORCE_SECRET_KEY", os.environ.get(
        "WORKFORCE_TEST_SECRET", "test-secret-key-that-is-only-used-by-the-test-suite"))
    env.setenv("WORKFORCE_HOME", str(home))
    secrets = []
    for _ in range(3):
        _reload(env)
        secrets.append(config.get_settings().secret_key)
        if len(secrets) < 3:
            assert runner.invoke(app, ["rotate-secret"]).exit_code == 0
    assert len(set(secrets)) == 3
    first, second, now = (public_key(s) for s in secrets)
    shown = runner.invoke(app, ["signing-key"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == now
    earlier = [line for line in lines if " – " in line]
    assert len(earlier) == 2  # newest first, each with when it was in force (Beijing time)
    assert second in earlier[0] and first in earlier[1]
    assert earlier[1].strip().startswith("启用之初 –")
    assert earlier[0].strip().split(" – ")[0] == earlier[1].split(" – ")[1].split("：")[0]
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.action == "rotate_secret")
                               .order_by(AuditLog.id)).all()  # fmt: skip
    assert [(e.before["plan_signing_key"], e.after["plan_signing_key"]) for e in entries] == [
        (first, second), (second, now)]
    english = runner.invoke(app, ["signing-key", "--lang", "en"]).output
    assert "Earlier keys" in english and "the start –" in english
    # a row written into the log around the application, publishing a forger's key as an
    # earlier one: the chain no longer verifies, and no earlier key is listed
    forged = "Zm9yZ2VkLWtleS1mb3JnZWQta2V5LWZvcmdlZC1rZXk="
    with Session(engine) as session:
        session.add(AuditLog(actor="admin", action="rotate_secret", entity="instance",
                             entity_key="secret_key_check", at=entries[0].at,
                             before={"plan_signing_key": forged},
                             after={"plan_signing_key": first}))  # fmt: skip
        session.commit()
    withheld = runner.invoke(app, ["signing-key"])
    assert withheld.exit_code == 0 and withheld.output.splitlines()[0] == now
    assert forged not in withheld.output and first not in withheld.output
    assert "此前的公钥不予列出：审计链未通过核验" in withheld.output
