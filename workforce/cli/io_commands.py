"""``workforce import`` / ``export`` / ``template``: the registry's Excel and CSV exchange."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from workforce.cli.app import (
    app,
    fail,
    language_given,
    os_reason,
    out_suffix_given,
    require_registry,
    say,
    writing,
)

if TYPE_CHECKING:  # imported when a command runs, so that `workforce --help` starts fast
    from workforce.io.spec import EntitySpec

Language = Literal["zh", "en"]
ENTITY_NAMES = (
    "schools",
    "teachers",
    "certificates",
    "designations",
    "training",
    "exemptions",
    "rotations",
    "wishes",
)
"""The names of ``workforce.io.entities.SPECS``, for the help text without importing the specs
(a test keeps the two equal)."""

EntityName = Annotated[str, typer.Argument(help=f"数据类型 / entity: {', '.join(ENTITY_NAMES)}")]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="zh（默认）或 en / zh (default) or en", callback=language_given),
]
ActorOption = Annotated[
    str | None, typer.Option("--actor", help="审计日志中的操作人 / who the audit log names")
]


def _language(lang: str | None) -> Language:
    from workforce.config import get_settings

    return "en" if (lang or get_settings().language) == "en" else "zh"


def _spec(name: str, language: Language) -> EntitySpec:
    from workforce.io.entities import SPECS, spec_for
    from workforce.io.messages import message

    try:
        return spec_for(name)
    except KeyError:
        text = message("unknown_entity", value=name, choices=", ".join(SPECS))
        raise fail(text.zh, text.en, language) from None


def _readable(file: Path, language: Language) -> None:
    """Refuse a file to import that is not there, is a folder or cannot be read, in the
    user's language (Typer's own check of the argument said it in English only)."""
    try:
        with file.open("rb"):
            return
    except OSError as error:
        zh, en = (say("cli.import_unreadable", each, path=file, reason=os_reason(error, each))
                  for each in ("zh", "en"))  # fmt: skip
        raise fail(zh, en, language) from None


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="xlsx 或 csv 文件 / xlsx or csv file")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只检查并列出修改，不写入 / check only")
    ] = False,
    entity: Annotated[
        str | None, typer.Option("--entity", help="不能自动识别时指定 / when not detected")
    ] = None,
    errors_out: Annotated[
        Path | None, typer.Option("--errors-out", help="错误报告 xlsx / error report xlsx")
    ] = None,
    show: Annotated[int, typer.Option("--show", min=0, help="最多列出几条 / lines to list")] = 100,
    lang: LangOption = None,
    actor: ActorOption = None,
) -> None:
    """导入学校、教师及其记录 / Import schools, teachers and their records (all or nothing)."""
    from workforce.cli.progress import import_progress
    from workforce.config import get_settings
    from workforce.db import get_engine
    from workforce.io.error_report import write_error_report
    from workforce.io.importer import import_file
    from workforce.io.messages import message
    from workforce.io.summary import summary_lines

    require_registry(lang)  # before the settings: with no registry here, nothing is written
    language = _language(lang)
    _readable(file, language)
    out_suffix_given(errors_out, (".xlsx",), language, "--errors-out")
    spec = _spec(entity, language) if entity else None
    with import_progress(file.name, language) as progress:
        report = import_file(get_engine(), file, actor=actor or get_settings().actor, entity=spec,
                             dry_run=dry_run, progress=progress)  # fmt: skip
    for line in summary_lines(report, language, show):
        typer.echo(line)
    if report.status == "failed":
        if errors_out is not None:
            with writing(language, errors_out):
                write_error_report(report, errors_out, language)
            typer.echo(message("errors_written", path=errors_out).render(language))
        raise typer.Exit(code=1)


@app.command("export")
def export_command(
    entity: EntityName,
    out: Annotated[Path, typer.Option("--out", help="输出 .xlsx 或 .csv / output file")],
    school: Annotated[
        str | None, typer.Option("--school", help="只导出该学校 / one school's rows")
    ] = None,
    county: Annotated[
        str | None,
        typer.Option("--county", help="只导出该县（区）学校的数据 / one county's schools"),
    ] = None,
    unmask_id_numbers: Annotated[
        bool,
        typer.Option("--unmask-id-numbers", help="导出完整身份证号（记入审计）/ audited"),
    ] = False,
    lang: LangOption = None,
    actor: ActorOption = None,
) -> None:
    """按模板格式导出 / Export in the template's layout (ID numbers masked by default)."""
    from workforce.config import get_settings
    from workforce.db import get_engine
    from workforce.io.exporter import (
        SchoolOutsideCounty,
        UnknownCounty,
        UnknownSchool,
        export_entity,
    )
    from workforce.io.messages import message

    require_registry(lang)
    language = _language(lang)
    spec = _spec(entity, language)
    out_suffix_given(out, (".xlsx", ".csv"), language)
    try:
        with writing(language, out):
            rows = export_entity(
                get_engine(), spec, out, actor=actor or get_settings().actor, school=school,
                county=county.strip() if county is not None else None,
                unmask_id_numbers=unmask_id_numbers, language=language,
            )  # fmt: skip
    except UnknownSchool:
        text = message("export_unknown_school", value=school)
        raise fail(text.zh, text.en, language) from None
    except SchoolOutsideCounty as exc:
        text = message("export_school_outside_county", school=exc.school, county=county,
                       actual=exc.actual or "—")
        raise fail(text.zh, text.en, language) from None
    except UnknownCounty as exc:
        text = message("unknown_county", county=exc.county, known="、".join(exc.known) or "—")
        raise fail(text.zh, text.en, language) from None
    typer.echo(message("exported", rows=rows, path=out).render(language))


@app.command("template")
def template_command(
    entity: EntityName,
    out: Annotated[Path, typer.Option("--out", help="输出 .xlsx / output .xlsx")],
    lang: LangOption = None,
) -> None:
    """生成导入模板（含代码表）/ Write the import template with its codes sheet."""
    from workforce.io.messages import message
    from workforce.io.template import write_template

    language = _language(lang)
    out_suffix_given(out, (".xlsx",), language)
    with writing(language, out):
        write_template(_spec(entity, language), out, language)
    typer.echo(message("template_written", path=out).render(language))
