"""``workforce migrate``: create or upgrade the database schema (and record or check the secret
key's check value, see :mod:`workforce.secret`)."""

from __future__ import annotations

import typer

from workforce.cli.app import app


@app.command("migrate")
def migrate_command() -> None:
    """创建或升级数据库结构 / Create or upgrade the database schema."""
    from workforce.cli.server_commands import check_database_key
    from workforce.config import get_settings
    from workforce.db import migrate

    settings = get_settings()
    check_database_key(settings.language)  # a wrong key must not touch the database
    migrate()
    check_database_key(settings.language)  # records the key on a database new to the check
    typer.echo(f"数据库已是最新结构 / database is up to date: {settings.database_url.split('@')[-1]}")
