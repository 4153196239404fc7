"""``workforce demo``: create the database, load the synthetic sample district once, summarise it.

Re-running leaves the data as they are (the district is loaded only into an empty registry);
``--reset`` drops every table first (refused in production). After the summary, the demo
proposes this year's rotation plan on the registry (kept as a draft, written as a Chinese
workbook under the instance's home) and prints its quotas and the rural shortages it fills.
It says at the start where the instance's files are (home, database, config file with the
generated secret key) and at the end where it put the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workforce.cli.app import (
    app,
    confirm,
    fail,
    language_given,
    out_suffix_given,
    pair,
    say,
    writing,
)

if TYPE_CHECKING:  # imported when the command runs, so that `workforce --help` starts fast
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from workforce.config import Settings
    from workforce.sample.summary import DistrictSummary

def drop_everything(engine: Engine) -> None:
    """Drop every table of the database, Alembic's version table included."""
    from sqlalchemy import MetaData

    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


def _confirm_reset(engine: Engine, settings: Settings, language: str) -> None:
    """Ask before `--reset` empties a registry that holds teachers, naming what goes — its
    teachers, plans and audit entries (the audit chain with them). Outside production (where
    `--reset` is refused) a home tried with the demo may since hold a county's real registry."""
    from sqlalchemy import func, inspect, select

    from workforce.db import display_url
    from workforce.models import AuditLog, RotationPlan, Teacher

    if not inspect(engine).has_table("teacher"):
        return
    with engine.connect() as connection:
        teachers, plans, entries = (
            connection.scalar(select(func.count()).select_from(model.__table__))
            for model in (Teacher, RotationPlan, AuditLog))  # type: ignore[attr-defined]
    if not teachers and not plans:
        return
    question = say("cli.demo.reset_confirm", language, database=display_url(settings.database_url),
                   teachers=teachers, plans=plans, audit=entries)  # fmt: skip
    if not confirm(question, language):
        raise fail(*pair("cli.demo.reset_declined"), language)


def where_lines(settings: Settings, language: str) -> str:
    """Where this instance keeps its files (the database without its password)."""
    from workforce.db import display_url

    database = display_url(settings.database_url)
    return say("cli.demo.where", language, home=settings.home, database=database,
                config=settings.config_file)  # fmt: skip


def print_summary(
    session: Session,
    as_of: dt.date | None = None,
    language: str = "zh",
    echo: Callable[[str], object] = typer.echo,
) -> DistrictSummary:
    """Print the district summary (as of the sample district's date unless given); returns its
    figures for whatever is printed after it."""
    from workforce.sample.district import DEFAULT_AS_OF
    from workforce.sample.summary import district_summary, summary_lines

    as_of = as_of or DEFAULT_AS_OF
    summary = district_summary(session, as_of)
    for line in summary_lines(summary, language):
        echo(line)
    return summary


@app.command("demo")
def demo_command(
    teachers: int = typer.Option(3400, "--teachers", help="公办中小学教师数 / public teachers"),
    seed: int = typer.Option(2021, "--seed", help="随机种子 / random seed"),
    reset: bool = typer.Option(False, "--reset", help="清空后重建 / drop and rebuild"),
    yes: bool = typer.Option(False, "--yes", help="--reset 时不再询问确认 / do not ask to confirm"),
    time_limit: float = typer.Option(60.0, "--time-limit", help="求解时限（秒）/ solve seconds"),
    plan_out: Annotated[
        Path | None,
        typer.Option("--plan-out", help="方案工作簿路径，默认实例目录下 / plan workbook (default: home)"),
    ] = None,
    language: str | None = typer.Option(None, "--lang", help="zh 或 en", callback=language_given),
) -> None:
    """建库、载入样本区、生成本年度交流方案 / Load the sample district and propose this year's plan."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from optimizer import SolveSettings
    from workforce.cli.plan_commands import print_plan_summary
    from workforce.cli.progress import echo_levels, working
    from workforce.cli.server_commands import check_database_key
    from workforce.config import get_settings
    from workforce.db import get_engine, migrate, session_scope
    from workforce.models import School
    from workforce.plans import propose_plan
    from workforce.plans.workbook import write_plan_workbook
    from workforce.sample import SampleError, generate_district, load_district
    from workforce.sample.district import DEFAULT_AS_OF

    settings = get_settings()
    language = language or settings.language
    out_suffix_given(plan_out, (".xlsx",), language, "--plan-out")
    engine = get_engine()
    if reset and settings.environment == "production":
        raise fail(*pair("cli.demo.reset_refused"), language)
    typer.echo(where_lines(settings, language))
    schools = 0
    if not reset:
        check_database_key(language)  # a wrong key must not touch the database
        migrate(engine)
        check_database_key(language)  # a database older than the check value records it now
        with Session(engine) as session:
            schools = session.scalar(select(func.count()).select_from(School)) or 0
        if schools:
            typer.echo(say("cli.demo.kept", language, schools=schools))
    if reset or not schools:
        started = dt.datetime.now()
        try:  # generate first: a bad option must not leave the database dropped
            district = generate_district(teachers=teachers, seed=seed)
        except SampleError as error:
            raise fail(error.zh, error.en, language) from None
        if reset:
            if not yes:
                _confirm_reset(engine, settings, language)
            drop_everything(engine)
            typer.echo(say("cli.demo.reset", language))
            migrate(engine)
            check_database_key(language)  # records this key for the rebuilt database
        with working("载入样本区…", "loading the sample district…", language):
            load_district(engine, district)
        seconds = (dt.datetime.now() - started).total_seconds()
        counts = district.counts()
        typer.echo(
            say("cli.demo.loaded", language, seed=seed, schools=counts["schools"],
                 teachers=counts["teachers"], seconds=seconds)
        )  # fmt: skip
    with Session(engine) as session:
        print_summary(session, DEFAULT_AS_OF, language)
    year = DEFAULT_AS_OF.year
    with working(f"求解 {year} 年交流方案…", f"solving the {year} rotation…", language), \
            session_scope(engine) as session:  # fmt: skip
        record, instance, plan = propose_plan(
            session,
            year=year,
            actor=settings.actor,
            settings=SolveSettings(time_limit_s=time_limit),
        )
    typer.echo(say("cli.demo.plan_title", language, year=year, plan_id=record.id))
    print_plan_summary(instance, plan, language)
    echo_levels(plan, language)
    workbook = plan_out or settings.output_dir / f"rotation-plan-{year}-draft-{record.id}.xlsx"
    with writing(language, workbook):
        workbook.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds names: private
        write_plan_workbook(workbook, instance, plan, language=language, record=record)
    typer.echo(say("cli.demo.plan_written", language, path=workbook))
