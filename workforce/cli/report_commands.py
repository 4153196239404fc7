"""``workforce report NAME``: the oversight reports, saved as .xlsx or .json, with a chart.

Every command takes ``--as-of`` (default: today), ``--county NAME`` (one county's schools, in
a city's registry), ``--school CODE`` where a report can be narrowed to one school, ``--out FILE.xlsx|FILE.json``, ``--lang zh|en`` and ``--chart
FILE.png``. Bad input (an unknown school, a wrong file suffix, a date that is not one) is
reported in Chinese (or English) with exit code 2, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workforce.cli.app import app, fail, language_given, require_registry, writing

if TYPE_CHECKING:  # imported when a report runs, so that `workforce --help` starts fast
    from workforce.reports.result import Report

report_app = typer.Typer(
    name="report", help="督导报表 / Oversight reports.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(report_app, name="report")

AsOf = Annotated[str | None, typer.Option("--as-of", help="统计日期 / as-of date (default today)")]
School = Annotated[str | None, typer.Option("--school", help="学校代码 / one school's code")]
County = Annotated[
    str | None, typer.Option("--county", help="县（区）：只统计该县学校 / one county's schools")
]
Out = Annotated[Path, typer.Option("--out", help="输出文件 .xlsx 或 .json / output file")]
Lang = Annotated[str | None, typer.Option("--lang", help="zh（默认）或 en / header language",
                                          callback=language_given)]
Chart = Annotated[Path | None, typer.Option("--chart", help="图表 PNG 文件 / chart image")]


REPORT_NAMES = {
    "training": ("继续教育学时完成情况", "continuing-education hours"),
    "talent": ("骨干教师与名师培养目标", "key teachers and talent goals"),
    "qualifications": ("教师学历与持证指标", "qualification indicators"),
    "staffing": ("学科师资配置", "subject staffing"),
    "rotation": ("交流轮岗完成情况", "rotation compliance"),
}
"""Each report's name on the progress line while it is built (zh, en), by its module."""


def _report(name: str) -> Callable[..., Report]:
    """The report function ``workforce.reports.<name>.<name>_report``, imported now."""
    return getattr(importlib.import_module(f"workforce.reports.{name}"), f"{name}_report")


def _run(
    make: Callable[..., Report],
    out: Path,
    lang: str | None,
    chart: Path | None,
    as_of: str | None,
    **options: object,
) -> None:
    from workforce.cli.progress import working
    from workforce.config import get_settings
    from workforce.dates import DateError, parse_date
    from workforce.db import session_scope
    from workforce.reports.charts import save_chart
    from workforce.reports.messages import error
    from workforce.reports.output import check_output_path, save_report
    from workforce.reports.scope import ReportError
    from workforce.reports.xlsx import detail_archive
    from workforce.rules.training import TrainingRuleError

    require_registry(lang)  # before the settings: with no registry here, nothing is written
    language = lang or get_settings().language
    try:
        day = parse_date(as_of) if as_of else dt.date.today()
    except DateError as exc:
        raise fail(
            error("bad_date", "zh", detail=exc.zh), error("bad_date", "en", detail=exc.en), language
        ) from None
    try:
        check_output_path(out)
        zh, en = REPORT_NAMES[make.__module__.rsplit(".", 1)[-1]]
        with working(f"报表「{zh}」：汇总数据…", f"report '{en}': gathering the data…",
                     language), session_scope() as session:  # fmt: skip
            report = make(session, as_of=day, **options)
        with working(f"报表「{zh}」：写出 {out.name}…", f"report '{en}': writing {out.name}…",
                     language), writing(language, out, detail_archive(out)):  # fmt: skip
            written = save_report(report, out, language)
        drawn = None
        if chart:
            with working(f"报表「{zh}」：绘制图表 {chart.name}…",
                         f"report '{en}': drawing {chart.name}…", language), writing(language, chart):  # fmt: skip
                drawn = save_chart(report, chart, language)
    except (ReportError, TrainingRuleError) as exc:
        raise fail(exc.zh, exc.en, language) from None
    typer.echo(f"{report.title(language)} → {out}")
    for extra in written[1:]:
        typer.echo(f"{'明细' if language == 'zh' else 'detail rows'} → {extra}")
    if chart:
        typer.echo(f"{'图表' if language == 'zh' else 'chart'} → {chart}")
        if drawn != language:
            typer.echo(
                "本机无中文字体（可安装 fonts-noto-cjk），图表使用英文标注 / "
                "no CJK font installed: chart labels are in English",
                err=True,
            )


@report_app.command("training")
def training_command(
    out: Out,
    cycle: Annotated[str | None, typer.Option("--cycle", help="培训周期，如 2021-2025")] = None,
    school: School = None,
    county: County = None,
    as_of: AsOf = None,
    lang: Lang = None,
    chart: Chart = None,
) -> None:
    """继续教育学时完成情况 / Continuing-education hours by teacher, school and district."""
    _run(_report("training"), out, lang, chart, as_of, cycle=cycle, school=school, county=county)


@report_app.command("talent")
def talent_command(
    out: Out, county: County = None, as_of: AsOf = None, lang: Lang = None, chart: Chart = None
) -> None:
    """骨干教师与名师培养目标 / Key teachers and talent goals against the 2025 targets."""
    _run(_report("talent"), out, lang, chart, as_of, county=county)


@report_app.command("qualifications")
def qualifications_command(
    out: Out, county: County = None, as_of: AsOf = None, lang: Lang = None, chart: Chart = None
) -> None:
    """教师学历与持证指标 / Qualification indicators against the plan's baselines and targets."""
    _run(_report("qualifications"), out, lang, chart, as_of, county=county)


@report_app.command("staffing")
def staffing_command(
    out: Out,
    school: School = None,
    county: County = None,
    as_of: AsOf = None,
    lang: Lang = None,
    chart: Chart = None,
) -> None:
    """学科师资配置 / Subject staffing: shortages, PE and arts, psychology, resource teachers."""
    _run(_report("staffing"), out, lang, chart, as_of, school=school, county=county)


@report_app.command("rotation")
def rotation_command(
    out: Out, county: County = None, as_of: AsOf = None, lang: Lang = None, chart: Chart = None
) -> None:
    """交流轮岗完成情况 / Rotation compliance by year against the plan's quotas (per county when
    counties are recorded)."""
    _run(_report("rotation"), out, lang, chart, as_of, county=county)
