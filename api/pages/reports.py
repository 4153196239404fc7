"""The oversight reports as pages (``/reports``): training compliance, key teachers and talent
goals (with designations expiring within 12 months), qualifications, staffing and rotation
compliance — each with its chart, its as-of date and scope, a filter (school, school type,
as-of date) and an Excel download (``/reports/<name>.xlsx`` with the same filter) of exactly
what the page shows.

The report comes from the JSON API's :func:`api.routes.reports.make_report` (the report
functions with keyword arguments, a clerk held to their own school and to the two reports that
can be narrowed to one), then :func:`api.pages.report_views.narrow` narrows it to the filter;
the page and the workbook (:func:`workforce.reports.xlsx.write_xlsx`, title rows with the
district, the as-of date and the scope with the filter) are both drawn from that one object.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import Reader, SessionDep
from api.downloads import download, written_file
from api.i18n import Language, page_language, translator
from api.i18n.catalogue import UI
from api.pages.rendering import render
from api.pages.report_charts import CHARTS
from api.pages.report_views import Filter, Narrowed, narrow, table
from api.pages.routing import page_router
from api.routes.reports import BY_SCHOOL, ReportName, make_report
from api.school_filter import visible_school
from workforce.accounts.models import User
from workforce.accounts.roles import is_school_bound
from workforce.codes import code_list
from workforce.models import School
from workforce.reports.messages import REPORTS
from workforce.reports.xlsx import write_xlsx
from workforce.services.errors import InvalidInput
from workforce.services.queries import SchoolFilters, list_schools

router = page_router()

SHOWN_ROWS = 200
"""Rows of a view drawn on the page; the count says how many more the Excel file holds."""


def report_names(user: User) -> list[ReportName]:
    """The reports ``user`` may open: a clerk only those narrowed to their school."""
    return [n for n in ReportName if not is_school_bound(user.role) or n in BY_SCHOOL]


@router.get("/reports")
def report_index(request: Request, user: Reader) -> Response:
    language = page_language(request)
    reports = [(n.value, REPORTS[n][0 if language == "zh" else 1]) for n in report_names(user)]
    return render(request, "reports.html", user=user, reports=reports)


def _as_of(value: str | None) -> dt.date:
    """The as-of date the form sends (``YYYY-MM-DD``); today when blank."""
    if not value:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(UI.text("bad_date", value=value)) from None
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise InvalidInput(UI.text("bad_date", value=value))
    return day


def _level(value: str | None) -> str | None:
    if not value:
        return None
    levels = code_list("school_levels")
    code = levels.parse(value)
    if code is None:
        raise InvalidInput(UI.text("bad_school_type", value=value))
    return code


def _schools(session: Session, user: User) -> list[School]:
    rows, _ = list_schools(session, viewer=user, filters=SchoolFilters(), skip=0, limit=100_000)
    return sorted(rows, key=lambda s: (s.level, s.code))


class ReportPage:
    """One request's report: the filter as given, the narrowed report, the schools to pick."""

    def __init__(
        self,
        session: Session,
        user: User,
        name: ReportName,
        school: str | None,
        level: str | None,
        as_of: str | None,
    ) -> None:
        self.name = name
        self.as_of = _as_of(as_of)
        self.level = _level(level)
        self.schools = _schools(session, user)
        chosen = visible_school(session, user, school or None)
        self.school = chosen
        by_report = name in BY_SCHOOL and chosen is not None
        report = make_report(
            session,
            user,
            name,
            {
                "as_of": self.as_of,
                "cycle": None,
                "school": chosen.code if by_report else None,
                "county": None,
            },
        )
        codes: set[str] | None = None
        if chosen is not None:
            codes = {chosen.code}
        if self.level is not None:
            typed = {s.code for s in self.schools if s.level == self.level}
            codes = typed if codes is None else codes & typed
        only = Filter(
            codes=frozenset(codes) if codes is not None else None,
            level=self.level,
            narrowed_by_report=by_report,
            zh="；".join(self._words("zh")),
            en="; ".join(self._words("en")),
        )
        self.narrowed: Narrowed = narrow(report, only)

    def _words(self, language: Language) -> list[str]:
        """The filter in words, one item per condition."""
        t = translator(language)
        words = [t("report_filter_school", name=self.school.name)] if self.school else []
        if self.level:
            level = code_list("school_levels").label(self.level, language)
            words.append(t("report_filter_type", level=level))
        return words

    def query(self) -> str:
        """The filter as an address's query (the page's own and its download's)."""
        shown = {
            "school": self.school.code if self.school else None,
            "level": self.level,
            "as_of": self.as_of.isoformat(),
        }
        return urlencode({k: v for k, v in shown.items() if v})


SchoolParam = Annotated[str | None, Query(max_length=32)]
LevelParam = Annotated[str | None, Query(max_length=32)]
AsOfParam = Annotated[str | None, Query(max_length=16)]


@router.get("/reports/{name}.xlsx")
def report_download(
    request: Request,
    session: SessionDep,
    user: Reader,
    name: ReportName,
    school: SchoolParam = None,
    level: LevelParam = None,
    as_of: AsOfParam = None,
) -> Response:
    """The workbook of exactly what the page shows with this filter."""
    language = page_language(request)
    shown = ReportPage(session, user, name, school, level, as_of).narrowed.report
    content = written_file("report.xlsx", lambda path: write_xlsx(shown, path, language))
    suffix = f"-{school}" if school else ""
    return download(content, f"{shown.title(language)}{suffix}-{shown.as_of.isoformat()}.xlsx")


@router.get("/reports/{name}")
def report_page(
    request: Request,
    session: SessionDep,
    user: Reader,
    name: ReportName,
    school: SchoolParam = None,
    level: LevelParam = None,
    as_of: AsOfParam = None,
) -> Response:
    language: Language = page_language(request)
    t = translator(language)
    page = ReportPage(session, user, name, school, level, as_of)
    report = page.narrowed.report
    return render(
        request,
        "report.html",
        user=user,
        name=name.value,
        title=report.title(language),
        report=report,
        scope=(report.scope.zh if language == "zh" else report.scope.en) if report.scope else "",
        chart=CHARTS[name](report, language),
        tables=[table(view, language, SHOWN_ROWS) for view in report.views],
        left_out=("、" if language == "zh" else ", ").join(
            v.title(language) for v in page.narrowed.left_out
        ),
        notes=[n.zh if language == "zh" else n.en for n in report.notes],
        shown_rows=SHOWN_ROWS,
        schools=page.schools,
        school_bound=is_school_bound(user.role),
        chosen_school=page.school.code if page.school else "",
        chosen_level=page.level or "",
        levels=code_list("school_levels").codes,
        query=page.query(),
        back=t("nav_reports"),
    )
