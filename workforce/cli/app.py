"""The ``workforce`` command: the Typer application that every command module registers on.

Every command module imports only Typer and this module at the top and everything else inside
its commands, so that ``workforce --help`` (and a mistyped option) answers at once; see
``benchmarks/bench_cli.py`` and ``tests/workforce/cli/test_fast_cli.py``.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="workforce",
    help="教师队伍管理与交流轮岗系统 / Teacher workforce registry and rotation planner.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help text: Typer's rich help would import rich's markdown renderer (~0.1 s) on every
    # `--help`; progress bars still use rich, imported when long work starts.
    rich_markup_mode=None,
)


def fail(zh: str, en: str, language: str = "zh") -> typer.Exit:
    """Print a user-facing error (Chinese first, or English) and return the exit to raise."""
    typer.echo(zh if language == "zh" else en, err=True)
    return typer.Exit(code=2)
