"""Progress for long commands, with the library Typer already brings (rich): a spinner with the
step's name and the elapsed time on standard error while the step runs, cleared when it ends —
and nothing at all when standard error is not a terminal (scripts, cron, CI, pipes).

Used around the steps that take seconds to minutes: loading the sample district, imports of up
to 100,000 rows, solves (followed by a line per objective level with its value, bound and gap),
report building. The step's own output is printed as before, after the spinner is gone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from optimizer import Plan


def on_terminal() -> bool:
    """Whether progress is shown: standard error is an interactive terminal."""
    return sys.stderr.isatty()


@contextmanager
def working(zh: str, en: str, language: str = "zh") -> Iterator[None]:
    """Show ``zh`` (or ``en``) with a spinner and the elapsed time while the block runs."""
    if not on_terminal():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        progress.add_task(zh if language == "zh" else en, total=None)
        yield


def level_lines(plan: Plan, language: str = "zh") -> list[str]:
    """One line per objective level of a solved plan: its value, bound, gap and whether proven
    optimal (the levels are solved in order; a later one keeps the earlier ones' values)."""
    from optimizer.constraints import OBJECTIVES

    lines = []
    for number, level in enumerate(plan.objectives, start=1):
        info = OBJECTIVES.get(level.name)
        title = level.name if info is None else (info.zh if language == "zh" else info.en)
        value = "—" if level.value is None else f"{level.value:g}"
        bound = "—" if level.bound is None else f"{level.bound:g}"
        gap = "—" if level.relative_gap is None else f"{level.relative_gap:.4%}"
        proven = ("已证明最优" if language == "zh" else "proven optimal") if level.proven_optimal \
            else ("未证明最优" if language == "zh" else "not proven")  # fmt: skip
        lines.append(
            f"  第{number}层 {title}：值 {value}，界 {bound}，差距 {gap}（{proven}）"
            if language == "zh"
            else f"  level {number} {title}: value {value}, bound {bound}, "
            f"gap {gap} ({proven})"
        )
    return lines


def echo_levels(plan: Plan, language: str = "zh") -> None:
    for line in level_lines(plan, language):
        typer.echo(line)
