"""Oversight reports over the API: ``/reports/{name}`` as JSON (the typed
:class:`~workforce.reports.result.Report`), ``.xlsx`` (the workbook the CLI writes) and
``.png`` (its chart).

Reports: ``training`` (continuing-education hours; ``cycle``, ``school``), ``talent`` (key
teachers and talent goals), ``qualifications``, ``staffing`` (``school``) and ``rotation``
(compliance by year); each on ``as_of`` (default today) and, in a city's registry, for one
``county`` (its schools only; without it, each report has a by-county view). A school clerk gets the two reports
that can be narrowed to a school — training and staffing — for their own school only; the
district-wide ones answer 403 to them. A user scoped to a county gets each report for their
own county whatever ``county=`` asks for (or, for BY_SCHOOL, one school of their county).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import Reader, SessionDep
from api.downloads import download, written_file
from api.routes.messages import WORK_MESSAGES
from api.school_filter import visible_school
from workforce.accounts.models import User
from workforce.accounts.roles import is_school_bound
from workforce.accounts.scope import county_of
from workforce.reports.charts import save_chart
from workforce.reports.messages import REPORTS
from workforce.reports.qualifications import qualifications_report
from workforce.reports.result import Report
from workforce.reports.rotation import rotation_report
from workforce.reports.scope import ReportError
from workforce.reports.staffing import staffing_report
from workforce.reports.talent import talent_report
from workforce.reports.training import training_report
from workforce.reports.xlsx import write_xlsx
from workforce.rules.training import TrainingRuleError
from workforce.services.errors import Forbidden, InvalidInput
from workforce.services.messages import Text

router = APIRouter(prefix="/reports", tags=["reports"])


class ReportName(StrEnum):
    training = "training"
    talent = "talent"
    qualifications = "qualifications"
    staffing = "staffing"
    rotation = "rotation"


MAKERS: dict[ReportName, Callable[..., Report]] = {
    ReportName.training: training_report,
    ReportName.talent: talent_report,
    ReportName.qualifications: qualifications_report,
    ReportName.staffing: staffing_report,
    ReportName.rotation: rotation_report,
}
BY_SCHOOL = frozenset({ReportName.training, ReportName.staffing})
"""The reports that can be narrowed to one school (and so the ones a clerk may see)."""
CHART_LOCK = threading.Lock()
"""matplotlib's pyplot keeps global state: one chart is drawn at a time."""
OPTION_NAMES = {"cycle": "培训周期", "school": "学校"}
"""The report options some reports do not take, as the refusal names them in Chinese."""


def report_parameters(
    as_of: Annotated[
        dt.date | None,
        Query(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31), description="统计日期，默认今天"),
    ] = None,
    cycle: Annotated[
        str | None, Query(max_length=16, description="培训周期，如 2021-2025（仅 training）")
    ] = None,
    school: Annotated[
        str | None, Query(max_length=32, description="学校代码（仅 training、staffing）")
    ] = None,
    county: Annotated[
        str | None,
        Query(max_length=64, description="县（区）：只统计该县（区）的学校；空串为未登记县的学校"),
    ] = None,
) -> dict[str, object]:
    return {"as_of": as_of or dt.date.today(), "cycle": cycle, "school": school, "county": county}


Parameters = Annotated[dict[str, object], Depends(report_parameters)]
Language = Annotated[Literal["zh", "en"], Query(description="语言 / language")]


def make_report(
    session: Session, user: User, name: ReportName, parameters: dict[str, object]
) -> Report:
    """The report ``name`` as ``user`` may see it; bad parameters answer 422 (an option the
    report does not take, named in the user's words)."""
    title_zh, title_en = REPORTS[name]
    if name not in BY_SCHOOL and is_school_bound(user.role):
        raise Forbidden(
            WORK_MESSAGES.text("report_district_only", title=title_zh, title_en=title_en)
        )
    options: dict[str, object] = {"as_of": parameters["as_of"], "county": parameters["county"]}
    for option, allowed in (("cycle", {ReportName.training}), ("school", BY_SCHOOL)):
        if parameters[option] is not None and name not in allowed:
            raise InvalidInput(WORK_MESSAGES.text(
                "report_option_not_for", option=option, title=title_zh, title_en=title_en,
                option_zh=OPTION_NAMES[option]))  # fmt: skip
    if name == ReportName.training:
        options["cycle"] = parameters["cycle"]
    if name in BY_SCHOOL:
        only = visible_school(session, user, parameters["school"])  # type: ignore[arg-type]
        options["school"] = only.code if only else None
    county = county_of(user)
    if county is not None:  # a county's user reads their own county only
        options["county"] = county
    try:
        return MAKERS[name](session, **options)
    except (ReportError, TrainingRuleError) as error:
        zh = WORK_MESSAGES.text("report_invalid", reason=error.zh).zh
        en = WORK_MESSAGES.text("report_invalid", reason=error.en).en
        raise InvalidInput(Text("report_invalid", zh, en)) from None


def _filename(report: Report, language: str, suffix: str) -> str:
    return f"{report.title(language)}-{report.as_of.isoformat()}.{suffix}"


@router.get("/{name}.xlsx", response_class=Response)
def report_workbook(
    session: SessionDep,
    user: Reader,
    name: ReportName,
    parameters: Parameters,
    lang: Language = "zh",
) -> Response:
    """报表工作簿（含口径与来源）/ The report as a workbook, with its definitions and sources."""
    report = make_report(session, user, name, parameters)
    content = written_file("report.xlsx", lambda path: write_xlsx(report, path, lang))
    return download(content, _filename(report, lang, "xlsx"))


@router.get("/{name}.png", response_class=Response)
def report_chart(
    session: SessionDep,
    user: Reader,
    name: ReportName,
    parameters: Parameters,
    lang: Language = "zh",
) -> Response:
    """报表图表（无中文字体时为英文标注）/ The report's chart; English labels without a CJK font."""
    report = make_report(session, user, name, parameters)
    with CHART_LOCK:
        content = written_file("chart.png", lambda path: save_chart(report, path, lang))
    return download(content, _filename(report, lang, "png"))


@router.get("/{name}", response_model=Report)
def report_json(
    session: SessionDep, user: Reader, name: ReportName, parameters: Parameters
) -> Report:
    """报表（JSON，含各表的列定义）/ The report as typed JSON: views with their columns."""
    return make_report(session, user, name, parameters)
