"""Commands run where there is no registry, or against one not yet at this program's schema:
a clear error (exit 2) saying what to do, not an SQL traceback, and nothing written.

Before, every such command ended in "sqlite3.OperationalError: no such table: school" and left
``var/`` behind with a new secret key and an empty database (`cli.app.require_registry`)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from workforce import config, db
from workforce.cli import app

runner = CliRunner()

READING_COMMANDS = [
    ["report", "training", "--out", "r.json"],
    ["export", "teachers", "--out", "e.xlsx"],
    ["plan", "--year", "2026"],
    ["plans", "list", "--year", "2026"],
    ["whatif", "marginal", "--year", "2026"],
    ["roadmap", "--from", "2026"],
    ["verify-audit"],
    ["backup"],
    ["rotate-secret"],
    ["update-user", "someone", "--city"],
    ["worker"],
    ["serve"],
]
"""One of each kind of command that needs the registry."""


def _fresh(env: pytest.MonkeyPatch) -> None:
    if db.get_engine.cache_info().currsize:
        db.get_engine().dispose()
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.fixture
def empty_folder(env: pytest.MonkeyPatch, away_from_the_registry):
    """A folder with nothing in it, the current one, no registry configured anywhere."""
    yield away_from_the_registry()
    _fresh(env)


def test_without_a_registry_each_command_says_so_and_writes_nothing(empty_folder):
    checked = 0
    for args in READING_COMMANDS:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "这里没有信息库" in result.output, (args, result.output)
        assert f"{empty_folder / 'var' / 'workforce.sqlite3'} 不存在" in result.output
        assert "workforce migrate" in result.output
        assert list(empty_folder.iterdir()) == [], args  # no var/, no key, no database
        checked += 1
    assert checked == len(READING_COMMANDS) == 12
    english = runner.invoke(app, ["report", "training", "--out", "r.json", "--lang", "en"])
    assert english.exit_code == 2 and "there is no registry here" in english.output


def test_a_database_not_set_up_is_named_with_the_command_that_sets_it_up(env, tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.touch()  # an empty file is an empty SQLite database
    env.setenv("WORKFORCE_DATABASE_URL", f"sqlite:///{empty}")
    _fresh(env)
    result = runner.invoke(app, ["plans", "list", "--year", "2026"])
    assert result.exit_code == 2, result.output
    assert f"信息库 {empty} 尚未建立：请运行 workforce migrate" in result.output
    _fresh(env)


def test_an_older_schema_asks_for_a_backup_and_migrate_but_backup_still_runs(engine, tmp_path):
    head = db.schema_head()
    try:
        _older_and_newer_schemas(engine, tmp_path, head)
    finally:  # a PostgreSQL test database is kept for the next tests, its tables emptied only
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def _older_and_newer_schemas(engine, tmp_path, head: str) -> None:  # type: ignore[no-untyped-def]
    older = f"{int(head) - 1:04d}"
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": older})
    result = runner.invoke(app, ["report", "training", "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2, result.output
    assert f"的结构版本为 {older}，本程序需要 {head}" in result.output
    assert "workforce backup" in result.output and "workforce migrate" in result.output
    assert not (tmp_path / "r.json").exists()
    backed_up = runner.invoke(app, ["backup", str(tmp_path / "before-upgrade.tar.gz")])
    assert backed_up.exit_code == 0, backed_up.output  # the step before the upgrade works
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    newer = runner.invoke(app, ["plans", "list", "--year", "2026", "--lang", "en"])
    assert newer.exit_code == 2
    assert f"at schema 9999, newer than this program's {head}: upgrade the program" in newer.output


def test_the_schema_head_read_from_the_names_is_alembics():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(db.MIGRATIONS_DIR))
    assert [script.get_current_head()] == [db.schema_head()]
    assert len(script.get_heads()) == 1  # one line of history, as `schema_head` assumes


@pytest.mark.parametrize(
    ("url", "reason"),
    [("not a url", "Could not parse"), ("mysql://someone:s3cret-pw@db.example/hr", "MySQLdb")],
)
def test_a_database_address_that_cannot_be_used_is_named_not_a_traceback(
    empty_folder, env, url, reason
):
    """A mistyped WORKFORCE_DATABASE_URL, or one of a database this program has no driver for,
    ended every command in a SQLAlchemy traceback; the address's password is never shown."""
    env.setenv("WORKFORCE_DATABASE_URL", url)
    _fresh(env)
    checked = 0
    for args in (["plans", "list", "--year", "2026"], ["serve"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "数据库地址（WORKFORCE_DATABASE_URL）无法使用" in result.output and reason in result.output
        assert "s3cret-pw" not in result.output
        checked += 1
    assert checked == 2 and list(empty_folder.iterdir()) == []


def test_a_restore_of_a_missing_archive_writes_nothing(empty_folder):
    """``restore`` in an empty folder (a new machine) of an archive that is not there said so,
    but left ``var/`` behind with a new secret key and an empty database."""
    for archive in ("missing.tar.gz", "."):  # no such file; a folder
        result = runner.invoke(app, ["restore", archive])
        assert result.exit_code == 2, result.output
        assert "备份文件不存在或不是文件" in result.output and archive in result.output
        assert list(empty_folder.iterdir()) == [], archive
