"""The report pages (issue #13, item 2): each of the five reports as a page whose tables and
chart carry the report function's own figures, narrowed by school and school type, and an
Excel download holding exactly the rows the page shows; a clerk gets the two reports of their
own school only; the filtered teacher list as Excel.

On the plan district (schools A001, B001, U1, R1, R2 primary and K1 a kindergarten) with one
teacher given a full cycle of training, so the training statuses are not all the same."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from conftest import District
from fastapi import FastAPI
from openpyxl import load_workbook
from page_helpers import signed_in
from plan_fixtures import build_plan_district
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.main import create_app
from api.pages.report_views import cell_text
from api.routes.reports import MAKERS
from workforce.models import School, Teacher
from workforce.reports.messages import enum_label
from workforce.reports.xlsx import TITLE_ROWS
from workforce.rules.training import STATUSES
from workforce.services.training import TrainingCreate, create_training_record

TODAY = dt.date.today()


@pytest.fixture
def app(engine: Engine, district: District) -> Iterator[FastAPI]:
    build_plan_district(district, engine)
    with Session(engine) as session:
        create_training_record(
            session,
            actor="hr",
            teacher_id=district.teachers_a[0].id,
            data=TrainingCreate(date=TODAY, hours=Decimal(360), category="school_based"),
        )
        session.commit()
    app = create_app()
    yield app
    app.state.engine.dispose()


def _counts(page: str) -> dict[str, int]:
    """Each view's row count as the page states it."""
    return {
        k: int(n) for k, n in re.findall(r'data-testid="rows-([\w.]+)" data-count="(\d+)"', page)
    }


def _cells(page: str, key: str) -> list[list[str]]:
    found = re.search(rf'data-testid="view-{re.escape(key)}">(.*?)</table>', page, re.S)
    assert found, key
    body = found.group(1).split("<tbody>")[1]
    return [
        [html_lib.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _sheets(content: bytes) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_every_report_page_shows_the_report_functions_figures(app: FastAPI, engine: Engine):
    hr = signed_in(app, "hr")
    checked_views = 0
    with Session(engine) as session:
        for name, make in MAKERS.items():
            report = make(session, as_of=TODAY)
            # the date asked for: the page's own default is the day it is asked, which a run
            # across midnight made another day than the report's
            page = hr.get(f"/reports/{name}", params={"as_of": TODAY.isoformat()})
            assert page.status_code == 200, (name, page.text[-500:])
            text = page.text
            assert f"统计日期：{TODAY.isoformat()}" in text
            assert html_lib.escape(report.scope.zh) in text  # the scope, as the report says
            assert _counts(text) == {v.key: len(v.rows) for v in report.views}, name
            for view in report.views:
                if not view.rows:
                    continue
                shown = _cells(text, view.key)
                expected = [
                    [cell_text(c, row.get(c.key), "zh") for c in view.columns]
                    for row in view.rows[: len(shown)]
                ]
                assert shown == expected, (name, view.key)
                checked_views += 1
            assert 'data-testid="report-chart"' in text and "<svg" in text, name
    assert checked_views >= 25, checked_views  # 5 reports, 30 views (a few empty here)


def test_training_chart_counts_each_status_of_each_school_type(app: FastAPI, engine: Engine):
    hr = signed_in(app, "hr")
    text = hr.get("/reports/training").text
    chart = text.split('data-testid="report-chart"')[1].split("</section>")[0]
    with Session(engine) as session:
        rows = MAKERS["training"](session, as_of=TODAY).view("training.school_types").rows
    drawn = re.findall(r"<title>(\S+?)：([\d.]+)</title>", chart)
    expected = [
        (enum_label("training_status", s, "zh"), f"{float(row[s]):g}")
        for row in rows
        for s in STATUSES
        if row[s]
    ]
    assert drawn == expected
    assert ("已完成", "1") in drawn  # the one teacher with a full cycle of hours
    assert len(drawn) >= 2, drawn  # done and on track


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("training", "school=A001"),
        ("staffing", "school=R1"),
        ("talent", "level=kindergarten"),
        ("rotation", "level=primary"),
        ("qualifications", "school=K1&level=kindergarten"),
    ],
)
def test_the_download_holds_exactly_what_the_page_shows(app: FastAPI, name: str, query: str):
    hr = signed_in(app, "hr")
    page = hr.get(f"/reports/{name}?{query}&as_of={TODAY.isoformat()}").text
    counts = _counts(page)
    assert counts, name
    answer = hr.get(f"/reports/{name}.xlsx?{query}&as_of={TODAY.isoformat()}")
    assert answer.status_code == 200, answer.text[-500:]
    sheets = _sheets(answer.content)
    views = re.findall(r"<h2>(.*?)</h2>", page)[: len(counts)]
    assert list(sheets)[: len(counts)] == views  # one sheet per view shown, in order
    for (key, count), title in zip(counts.items(), views, strict=True):
        rows = sheets[title]
        assert "筛选：" in rows[1][0], rows[1]  # the title rows name the filter
        if name == "qualifications":  # both conditions, in the catalogue's words
            assert re.search(r"筛选：学校 \S+；学校类型 幼儿园", rows[1][0]), rows[1]
        data = [r for r in rows[TITLE_ROWS + 1 :] if any(v is not None for v in r)]
        assert len(data) == count, (key, len(data), count)
        if count:
            first = _cells(page, key)[0]
            assert str(data[0][0]) == first[0] or first[0] == "", (key, data[0], first)


def test_a_school_filter_narrows_rows_and_leaves_district_totals_out(app: FastAPI, engine: Engine):
    hr = signed_in(app, "hr")
    text = hr.get("/reports/talent?school=A001").text
    counts = _counts(text)
    with Session(engine) as session:
        report = MAKERS["talent"](session, as_of=TODAY)
    narrowable = {v.key for v in report.views if "school_code" in {c.key for c in v.columns}}
    assert set(counts) == narrowable
    for view in report.views:
        if view.key in narrowable:
            assert counts[view.key] == sum(r["school_code"] == "A001" for r in view.rows)
    assert 'data-testid="views-left-out"' in text
    assert "目标完成情况" in text.split('data-testid="views-left-out"')[1].split("</p>")[0]

    kinder = _counts(hr.get("/reports/staffing?level=kindergarten").text)
    with Session(engine) as session:
        staffing = MAKERS["staffing"](session, as_of=TODAY)
        k_codes = {
            s.code for s in session.exec(select(School).where(School.level == "kindergarten"))
        }
    subjects = staffing.view("staffing.subjects").rows
    assert kinder["staffing.subjects"] == sum(r["school_code"] in k_codes for r in subjects)
    assert "staffing.subject_totals" not in kinder  # a district total: not narrowed, left out


def test_a_clerk_gets_their_own_schools_training_and_staffing_only(app: FastAPI, engine: Engine):
    clerk = signed_in(app, "clerk_a")
    index = clerk.get("/reports").text
    assert re.findall(r'data-testid="report-(\w+)"', index) == ["training", "staffing"]
    assert clerk.get("/reports/talent").status_code == 403
    assert clerk.get("/reports/training?school=B001").status_code == 404
    text = clerk.get("/reports/training").text
    with Session(engine) as session:
        own = MAKERS["training"](session, as_of=TODAY, school="A001")
    assert _counts(text)["training.teachers"] == len(own.view("training.teachers").rows) == 3
    assert 'name="school"' not in text  # no school picker for a clerk


def test_a_bad_filter_is_a_chinese_form_error(app: FastAPI):
    hr = signed_in(app, "hr")
    bad_date = hr.get("/reports/training?as_of=2026-13-01")
    assert bad_date.status_code == 422
    assert "日期“2026-13-01”格式应为 年-月-日" in bad_date.text
    bad_type = hr.get("/reports/staffing?level=university")
    assert bad_type.status_code == 422 and "学校类型“university”不存在" in bad_type.text
    assert hr.get("/reports/nothing").status_code == 422


def test_the_filtered_teacher_list_exports_to_excel(app: FastAPI, engine: Engine):
    hr = signed_in(app, "hr")
    listed = hr.get("/teachers?subject=pe").text
    link = re.search(r'href="(/teachers\.xlsx\?[^"]*)" data-testid="teacher-export"', listed)
    assert link and "subject=pe" in link.group(1)
    count = int(re.search(r"共 (\d+) 名", listed).group(1)) if "共" in listed else None
    sheets = _sheets(hr.get(html_lib.unescape(link.group(1))).content)
    rows = sheets["教师名册"][TITLE_ROWS + 1 :]
    with Session(engine) as session:
        pe = session.exec(select(Teacher.staff_no).where(Teacher.main_subject == "pe")).all()
    assert sorted(r[0] for r in rows) == sorted(pe)
    assert len(pe) >= 3, pe
    assert {r[3] for r in rows} == {"体育"}  # the label, not the code
    assert "学科：体育" in sheets["教师名册"][1][0]
    if count is not None:
        assert count == len(rows)

    clerk = signed_in(app, "clerk_a")
    clerks = _sheets(clerk.get("/teachers.xlsx").content)["教师名册"]
    own = clerks[TITLE_ROWS + 1 :]
    assert sorted(r[0] for r in own) == ["T001", "T002", "T003"]
    # their school's list, said so: not "全部教师" from the bureau
    assert "学校：东埔小学" in clerks[1][0] and "全部教师" not in clerks[1][0]
    assert clerks[2][0].startswith("填报单位：东埔小学")


def test_a_broken_rules_file_is_an_error_page_on_the_pages(app, district):  # type: ignore[no-untyped-def]
    """The same broken file reached a browser as a JSON body; a page now says it in words,
    with the file and the rule."""
    from workforce.rules.local import local_rules_path

    path = local_rules_path("training")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("hours_per_cycle:\n  value: 300\n", encoding="utf-8")  # no source
    page = signed_in(app, "hr").get("/reports/training", params={"as_of": "2026-06-30"})
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "hours_per_cycle" in page.text and "training.yaml" in page.text
