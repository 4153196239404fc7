"""``workforce deploy-files DEST``: write the deployment files that ship in the installed package
(``workforce._deploy``: the systemd units of the web server, the worker and the nightly backup,
the nginx config and the example config file) into DEST, so docs/deploy.md can be followed from
an installed wheel, without the source tree. An existing file is left alone unless ``--force``:
an IT office's edited copy is never overwritten by accident."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workforce.cli.app import app, fail


@app.command("deploy-files")
def deploy_files_command(
    dest: Annotated[Path, typer.Argument(help="写入的文件夹 / folder to write them into")],
    force: Annotated[
        bool, typer.Option("--force", help="覆盖已有文件 / overwrite files already there")
    ] = False,
) -> None:
    """写出部署文件（systemd、nginx、配置示例）/ Write the deployment files (systemd units,
    nginx config, example config) that ship with the package."""
    from importlib.resources import files

    shipped = sorted(
        (entry for entry in files("workforce._deploy").iterdir() if not entry.name.startswith("_")),
        key=lambda entry: entry.name,
    )
    there = [entry.name for entry in shipped if (dest / entry.name).exists()]
    if there and not force:
        raise fail(
            f"{dest} 中已有文件：{'、'.join(there)}（加 --force 覆盖）",
            f"already in {dest}: {', '.join(there)} (--force overwrites them)",
        )
    dest.mkdir(parents=True, exist_ok=True)
    for entry in shipped:
        (dest / entry.name).write_bytes(entry.read_bytes())
        typer.echo(f"{dest / entry.name}")
