"""``workforce migrate``: create or upgrade the database schema (and record or check the secret
key's check value, see :mod:`workforce.secret`); ``workforce backup`` / ``restore``: the database
and the instance's home in one archive (see :mod:`workforce.backup`); ``workforce verify-audit``:
the audit chain checked against the entries (see :mod:`workforce.audit_chain`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workforce.cli.app import (
    app,
    fail,
    language_given,
    pair,
    require_registry,
    say,
    writing,
)


@app.command("migrate")
def migrate_command() -> None:
    """创建或升级数据库结构 / Create or upgrade the database schema."""
    from workforce.cli.server_commands import check_database_key
    from workforce.config import get_settings
    from workforce.db import display_url, migrate

    settings = get_settings()
    check_database_key(settings.language)  # a wrong key must not touch the database
    migrate()
    check_database_key(settings.language)  # records the key on a database new to the check
    typer.echo(f"数据库已是最新结构 / database is up to date: {display_url(settings.database_url)}")


@app.command("backup")
def backup_command(
    out: Annotated[
        Path | None,
        typer.Argument(help="备份文件 .tar.gz（默认实例目录 backups/ 下）/ archive (default: home)"),
    ] = None,
) -> None:
    """备份数据库和实例目录（含密钥）/ Back up the database and the home (secret key included)."""
    import datetime as dt

    from workforce.backup import BackupError, backup
    from workforce.config import get_settings
    from workforce.db import display_url, get_engine

    require_registry(at_schema_head=False)  # a backup comes before an upgrade
    settings = get_settings()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out or settings.home / "backups" / f"workforce-{stamp}.tar.gz"
    try:
        with writing(settings.language, out):
            manifest = backup(get_engine(), settings.home, out)
    except BackupError as error:
        raise fail(error.zh, error.en, settings.language) from None
    typer.echo(
        f"已备份 {display_url(settings.database_url)}（迁移 {manifest.migration}）和实例目录 "
        f"{manifest.home_files} 个文件 → {out}（含密钥，请妥善保管）/ backed up the database and "
        f"{manifest.home_files} home files → {out} (holds the secret key: keep it safe)"
    )
    if manifest.audit_head:
        typer.echo(say("cli.backup.audit_head", settings.language, head=manifest.audit_head))


@app.command("restore")
def restore_command(
    archive: Annotated[Path, typer.Argument(help="workforce backup 写出的 .tar.gz / the archive")],
    force: Annotated[
        bool, typer.Option("--force", help="覆盖已有数据 / replace a database that holds data")
    ] = False,
) -> None:
    """从备份恢复数据库和实例目录（请先停止服务）/ Restore the database and home (server stopped)."""
    from workforce.backup import BackupError, restore
    from workforce.config import configured_language, get_settings
    from workforce.db import get_engine

    if not archive.is_file():  # before the settings are read, which write a new secret key
        raise fail(f"备份文件不存在或不是文件：{archive}", f"no such backup file: {archive}",
                   configured_language())
    settings = get_settings()
    try:
        manifest = restore(get_engine(), settings.home, archive, force=force)
    except BackupError as error:
        raise fail(error.zh, error.en, settings.language) from None
    typer.echo(
        f"已从 {archive} 恢复（{manifest.created}，迁移 {manifest.migration}）；如版本较旧，请运行 "
        f"workforce migrate / restored from {archive} ({manifest.created}, migration "
        f"{manifest.migration}); run `workforce migrate` if it is older"
    )
    if manifest.audit_head:
        typer.echo(say("cli.backup.audit_head", settings.language, head=manifest.audit_head))


@app.command("verify-audit")
def verify_audit_command(
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            help="上次记下的链头“序号:摘要” / a head recorded earlier (SEQ:DIGEST)",
        ),
    ] = None,
) -> None:
    """校验审计链：审计记录在写入后是否被改动、删除或增加 / Verify the audit chain: were audit
    entries edited, deleted or added after they were written? Exit 0 intact, 1 not."""
    from sqlmodel import Session

    from workforce.audit_chain import parse_head, verify
    from workforce.cli.server_commands import check_database_key
    from workforce.config import get_settings
    from workforce.db import get_engine

    require_registry()
    settings = get_settings()
    language = settings.language
    try:
        expected = parse_head(expect_head) if expect_head is not None else None
    except ValueError:
        raise fail(*pair("cli.verify_audit.bad_head", value=expect_head), language) from None
    check_database_key(language)  # another key would call every link broken
    with Session(get_engine()) as session:
        report = verify(session, settings.secret_key, expected)
    for line in report.lines(language):
        typer.echo(line)
    if not report.intact:
        raise typer.Exit(code=1)
    if report.head is not None:
        typer.echo(say("cli.verify_audit.hint", language, head=report.head))


@app.command("rules")
def rules_command(
    language: Annotated[str, typer.Option("--lang", help="zh 或 en", callback=language_given)] = "zh",
) -> None:
    """列出生效的交流轮岗与继续教育规则、取值及其依据，标明本地设置 / The rules in force, each
    with its value and policy source; the county's own (the home's rules/) marked."""
    import json

    from workforce.rules.local import (
        local_rule_keys,
        local_rules_path,
        rotation_rules,
        training_rules,
    )

    require_registry(language)
    local = local_rule_keys()
    zh = language == "zh"
    rotation = rotation_rules()
    training = training_rules()
    values = {"rotation": rotation.model_dump(mode="json", exclude={"sources"}),
              "training": training.model_dump(mode="json", exclude={"sources"})}
    for name, rules in (("rotation", rotation), ("training", training)):
        path = local_rules_path(name)
        typer.echo(("【交流轮岗规则】" if name == "rotation" else "【继续教育规则】") if zh
                   else ("[rotation rules]" if name == "rotation" else "[training rules]"))
        if local[name]:
            typer.echo(f"  本地设置：{path}" if zh else f"  local settings: {path}")
        for key, source in rules.sources.items():
            value = values[name]
            for part in key.split("."):
                value = value[part]
            mark = ("（本地）" if zh else " (local)") if key in local[name] else ""
            shown = json.dumps(value, ensure_ascii=False)
            typer.echo(f"  {key} = {shown}{mark}")
            typer.echo(f"      {'依据' if zh else 'source'}：{source.document}" if zh
                       else f"      source: {source.document}")

