"""Progress for long commands, with the library Typer already brings (rich): a spinner with the
step's name and the elapsed time on standard error while the step runs, cleared when it ends —
and nothing at all when standard error is not a terminal (scripts, cron, CI, pipes).

Used around the steps that take seconds to minutes: loading the sample district, solves
(followed by a line per objective level with its value, bound and gap), report building. The
step's own output is printed as before, after the spinner is gone. Imports show live row
counts instead (:func:`import_progress`): a line per stage — rows read, validated, written —
with a bar once the stage's total is known.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from optimizer import Plan
    from workforce.io.importer import ImportProgress

IMPORT_STAGES = {
    "read": {"zh": "读取", "en": "read"},
    "validate": {"zh": "校验", "en": "validated"},
    "write": {"zh": "写入", "en": "written"},
}
ROWS = {"zh": "行", "en": "rows"}


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
    progress = Progress(*columns, console=Console(stderr=True), transient=True)
    progress.add_task(zh if language == "zh" else en, total=None)  # drawn from the start
    with progress:
        yield


@contextmanager
def import_progress(file_name: str, language: str = "zh") -> Iterator[ImportProgress | None]:
    """A progress callback for :func:`workforce.io.importer.import_file` showing each stage's
    row count (``校验 teachers.csv  60,000/100,123 行``) on standard error, or None — nothing
    shown, nothing to call — when standard error is not a terminal. The lines stay when the
    import ends: they say how many rows each stage saw."""
    if not on_terminal():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TimeElapsedColumn())  # fmt: skip

    def line(stage: str, rows: int | None = None, total: int | None = None) -> str:
        counted = "…" if rows is None else f"{rows:,}" if total is None else f"{rows:,}/{total:,}"
        return f"{IMPORT_STAGES[stage][language]} {file_name}  {counted} {ROWS[language]}"

    with Progress(*columns, console=Console(stderr=True)) as progress:
        # a stage's line (and its clock) starts when the stage does: reading at once,
        # validating when reading ends, writing when the importer starts it
        tasks = {"read": progress.add_task(line("read"), total=None)}

        def show(stage: str, rows: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(line(stage, rows, total), total=total)
            task = tasks[stage]
            progress.update(task, description=line(stage, rows, total), completed=rows,
                            total=total)  # fmt: skip
            if rows == total:
                progress.stop_task(task)
                if stage == "read":
                    tasks["validate"] = progress.add_task(line("validate"), total=None)

        yield show


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
            else f"  level {number} {title}: value {value}, bound {bound}, gap {gap} ({proven})"
        )
    return lines


def echo_levels(plan: Plan, language: str = "zh") -> None:
    for line in level_lines(plan, language):
        typer.echo(line)
