"""``workforce demo``: create the database, load the synthetic sample district once, summarise it.

Re-running leaves the data as they are (the district is loaded only into an empty registry);
``--reset`` drops every table first (refused in production). The summary is printed by
:func:`print_summary`, which later steps (the rotation plan) can extend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import typer
from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from workforce.cli.app import app, fail
from workforce.config import get_settings
from workforce.db import get_engine, migrate
from workforce.models import School
from workforce.sample import SampleError, generate_district, load_district
from workforce.sample.district import DEFAULT_AS_OF
from workforce.sample.summary import DistrictSummary, district_summary, summary_lines

MESSAGES = {
    "reset": {"zh": "已清空数据库", "en": "database dropped"},
    "loaded": {
        "zh": "已载入合成样本区（种子 {seed}）：{schools} 所学校、{teachers} 名教师，用时 {seconds:.1f} 秒",
        "en": "loaded the synthetic sample district (seed {seed}): {schools} schools, "
        "{teachers} teachers in {seconds:.1f} s",
    },
    "kept": {
        "zh": "数据库中已有数据（{schools} 所学校），未重复载入；用 --reset 重建",
        "en": "the database already holds data ({schools} schools); not loaded again — "
        "use --reset to rebuild",
    },
    "reset_refused": {
        "zh": "生产环境不允许 --reset（会删除全部数据）",
        "en": "--reset is refused in production (it deletes all data)",
    },
}  # fmt: skip


def _say(key: str, language: str, **values: object) -> str:
    return MESSAGES[key]["zh" if language == "zh" else "en"].format(**values)


def drop_everything(engine: Engine) -> None:
    """Drop every table of the database, Alembic's version table included."""
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


def print_summary(
    session: Session,
    as_of: dt.date = DEFAULT_AS_OF,
    language: str = "zh",
    echo: Callable[[str], object] = typer.echo,
) -> DistrictSummary:
    """Print the district summary; returns its figures for whatever is printed after it."""
    summary = district_summary(session, as_of)
    for line in summary_lines(summary, language):
        echo(line)
    return summary


@app.command("demo")
def demo_command(
    teachers: int = typer.Option(3400, "--teachers", help="公办中小学教师数 / public teachers"),
    seed: int = typer.Option(2021, "--seed", help="随机种子 / random seed"),
    reset: bool = typer.Option(False, "--reset", help="清空后重建 / drop and rebuild"),
) -> None:
    """建库并载入合成样本区，打印概况 / Create the database, load the sample district, summarise."""
    settings = get_settings()
    language = settings.language
    engine = get_engine()
    if reset and settings.environment == "production":
        raise fail(MESSAGES["reset_refused"]["zh"], MESSAGES["reset_refused"]["en"], language)
    schools = 0
    if not reset:
        migrate(engine)
        with Session(engine) as session:
            schools = session.scalar(select(func.count()).select_from(School)) or 0
        if schools:
            typer.echo(_say("kept", language, schools=schools))
    if reset or not schools:
        started = dt.datetime.now()
        try:  # generate first: a bad option must not leave the database dropped
            district = generate_district(teachers=teachers, seed=seed)
        except SampleError as error:
            raise fail(error.zh, error.en, language) from None
        if reset:
            drop_everything(engine)
            typer.echo(_say("reset", language))
            migrate(engine)
        load_district(engine, district)
        seconds = (dt.datetime.now() - started).total_seconds()
        counts = district.counts()
        typer.echo(
            _say("loaded", language, seed=seed, schools=counts["schools"],
                 teachers=counts["teachers"], seconds=seconds)
        )  # fmt: skip
    with Session(engine) as session:
        print_summary(session, DEFAULT_AS_OF, language)
