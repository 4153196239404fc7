"""The ``workforce`` command: the Typer application that every command module registers on.

Every command module imports only Typer and this module at the top and everything else inside
its commands, so that ``workforce --help`` (and a mistyped option) answers at once; see
``benchmarks/bench_cli.py`` and ``tests/workforce/cli/test_fast_cli.py``.
"""

from __future__ import annotations

import gc

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


YOUNG_COLLECTION_EVERY = 50_000
"""Allocations between two young-generation collections of the garbage collector in a command's
process (Python's default: 700)."""


@app.callback()
def start() -> None:
    """Runs before every command: a command is a short process that builds large, long-lived
    object graphs (registry rows, the optimizer's instance and model), and with the default
    threshold the cyclic garbage collector re-scans them every 700 allocations — 0.25–0.3 CPU s
    of the sample district's 2.8 s ``workforce plan`` (``benchmarks/bench_cli.py``). Cyclic
    garbage is still collected, every 50,000 allocations; nothing else changes."""
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


def fail(zh: str, en: str, language: str = "zh") -> typer.Exit:
    """Print a user-facing error (Chinese first, or English) and return the exit to raise."""
    typer.echo(zh if language == "zh" else en, err=True)
    return typer.Exit(code=2)
