"""The ``workforce`` command: the Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="workforce",
    help="教师队伍管理与交流轮岗系统 / Teacher workforce registry and rotation planner.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def fail(zh: str, en: str, language: str = "zh") -> typer.Exit:
    """Print a user-facing error (Chinese first, or English) and return the exit to raise."""
    typer.echo(zh if language == "zh" else en, err=True)
    return typer.Exit(code=2)
