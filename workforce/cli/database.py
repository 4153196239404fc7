"""``workforce migrate``: create or upgrade the database schema."""

from __future__ import annotations

import typer

from workforce.cli.app import app
from workforce.config import get_settings
from workforce.db import migrate


@app.command("migrate")
def migrate_command() -> None:
    """创建或升级数据库结构 / Create or upgrade the database schema."""
    migrate()
    url = get_settings().database_url
    typer.echo(f"数据库已是最新结构 / database is up to date: {url.split('@')[-1]}")
