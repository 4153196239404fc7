"""What needs attention (issue #13, item 8): expired and expiring certificate registrations
and key-teacher terms flagged on the teacher page, filtered in the list and counted on the
dashboard; the teacher page's past training cycles, this year's wishes and whether the
teacher may rotate, with the optimizer's reasons."""

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
from page_helpers import csrf_of, internal_codes, signed_in
from sqlmodel import Session, select

from api.main import create_app
from workforce.models import (
    AuditLog,
    Certificate,
    Designation,
    RotationWish,
    Teacher,
    TrainingRecord,
)
from workforce.reports.xlsx import TITLE_ROWS

TODAY = dt.date.today()


@pytest.fixture
def app(engine, district: District) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        zhang, xiaohong, li = (t.id for t in district.teachers_a)
        wang, zhao = (t.id for t in district.teachers_b)
        session.add_all(
            [
                # 张三: registration expired (an older one long ago, the latest 10 days ago)
                Certificate(teacher_id=zhang, level="primary", subject="math", number="C1",
                            valid_until=TODAY - dt.timedelta(days=2000)),
                Certificate(teacher_id=zhang, level="primary", subject="math", number="C2",
                            valid_until=TODAY - dt.timedelta(days=10)),
                # 张小红: expires in 30 days; 李四: renewed, valid for years
                Certificate(teacher_id=xiaohong, level="primary", subject="pe", number="C3",
                            valid_until=TODAY + dt.timedelta(days=30)),
                Certificate(teacher_id=li, level="primary", subject="math", number="C4",
                            valid_until=TODAY + dt.timedelta(days=900)),
                # 王五: key-teacher term ends in 20 days; 赵六: one that ended years ago
                Designation(teacher_id=wang, kind="key_teacher", tier="district",
                            term_start=TODAY - dt.timedelta(days=1000),
                            term_end=TODAY + dt.timedelta(days=20)),
                Designation(teacher_id=zhao, kind="key_teacher", tier="district",
                            term_start=dt.date(2010, 1, 1), term_end=dt.date(2013, 1, 1)),
                TrainingRecord(teacher_id=zhang, date=dt.date(2023, 5, 1), hours=Decimal(48),
                               category="school_based"),
                RotationWish(teacher_id=zhang, year=TODAY.year, rank=1,
                             school_id=district.school_b.id),
            ]
        )  # fmt: skip
        session.commit()
    app = create_app()
    yield app
    app.state.engine.dispose()


def test_flags_on_the_teacher_page(app: FastAPI, district: District) -> None:
    hr = signed_in(app, "hr")
    pages = {
        t.name: hr.get(f"/teachers/{t.id}").text for t in district.teachers_a + district.teachers_b
    }
    flagged = {
        name: html.split('data-testid="attention-flags"')[1].split("</div>")[0]
        for name, html in pages.items()
        if 'data-testid="attention-flags"' in html
    }
    assert sorted(flagged) == ["张三", "张小红", "王五"]
    assert f"已于 {TODAY - dt.timedelta(days=10)} 到期" in flagged["张三"]
    assert f"将于 {TODAY + dt.timedelta(days=30)} 到期" in flagged["张小红"]
    assert f"骨干教师称号任期将于 {TODAY + dt.timedelta(days=20)} 届满" in flagged["王五"]
    assert pages["张三"].count("badge-expired") == 2  # both of 张三's rows are past
    for html in pages.values():
        assert internal_codes(html) == []


def test_the_list_filter_and_the_dashboard_count(app: FastAPI, district: District) -> None:
    hr = signed_in(app, "hr")
    listed = hr.get("/teachers", params={"attention": "yes"}).text
    body = listed.split('data-testid="teacher-list"')[1].split("</tbody>")[0]
    names = sorted(
        p.split(">", 1)[1].split("<", 1)[0] for p in body.split('<a href="/teachers/')[1:]
    )
    assert names == ["张三", "张小红", "王五"]
    dashboard = hr.get("/").text
    block = dashboard.split('data-testid="attention-counts"')[1].split("</section>")[0]
    assert "需关注（90 天内到期）" in block
    assert "资格证注册：已到期 1 人，即将到期 1 人" in block
    assert "骨干称号：近期届满 0 人，即将届满 1 人" in block
    clerk = signed_in(app, "clerk_b").get("/").text  # a clerk counts their own school
    mine = clerk.split('data-testid="attention-counts"')[1].split("</section>")[0]
    assert "已到期 0 人，即将到期 0 人" in mine and "即将届满 1 人" in mine


def _listed(html: str) -> list[str]:
    body = html.split('data-testid="teacher-list"')[1].split("</tbody>")[0]
    return [p.split(">", 1)[1].split("<", 1)[0] for p in body.split('<a href="/teachers/')[1:]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # every filter the list has at once
        (
            {"school_id": "A", "subject": "math", "post_type": "established", "status": "active",
             "key_teacher": "no", "q": "z", "attention": "yes", "sort": "-name"},
            ["张三"],
        ),
        # the attention filter and a descending sort: three of five, in the list's order
        ({"attention": "yes", "sort": "-staff_no"}, ["王五", "张小红", "张三"]),
        ({"attention": "yes", "q": "张", "sort": "staff_no"}, ["张三", "张小红"]),
    ],
)  # fmt: skip
def test_the_export_has_exactly_the_lists_rows(
    app: FastAPI, district: District, query: dict[str, str], expected: list[str]
) -> None:
    """The export link of a filtered, sorted list gives the list's rows in its order."""
    if query.get("school_id") == "A":
        query = {**query, "school_id": str(district.school_a.id)}
    hr = signed_in(app, "hr")
    listed = hr.get("/teachers", params=query).text
    assert _listed(listed) == expected
    link = re.search(r'href="(/teachers\.xlsx\?[^"]*)" data-testid="teacher-export"', listed)
    assert link is not None
    answer = hr.get(html_lib.unescape(link.group(1)))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[TITLE_ROWS + 1 :]] == expected
    if "attention" in query:
        assert "需关注：证书注册或骨干称号到期" in rows[1][0]


def test_past_cycles_wishes_and_whether_the_teacher_may_rotate(
    app: FastAPI, district: District
) -> None:
    hr = signed_in(app, "hr")
    zhang = hr.get(f"/teachers/{district.teachers_a[0].id}").text
    cycles = zhang.split('data-testid="past-cycles"')[1].split("</section>")[0]
    assert "2021-2025" in cycles and "48" in cycles
    rotation = zhang.split('data-testid="rotation-this-year"')[1].split("</section>")[0]
    assert f"{TODAY.year} 年度交流轮岗" in rotation
    assert "埔前中心小学" in rotation  # the wish
    li = hr.get(f"/teachers/{district.teachers_a[2].id}").text  # 李四: a temporary post
    reasons = li.split('data-testid="rotation-this-year"')[1].split("</section>")[0]
    assert "本年度不参加交流" in reasons and "只有在编教师参加交流" in reasons
    assert "本年度未填报志愿" in reasons


def _mark_gone(engine, district: District) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """李四 (school A) left and 赵六 (school B) retired, neither with a leaving date; 张小红
    (school A) left with one."""
    _, xiaohong, li = district.teachers_a
    zhao = district.teachers_b[1]
    with Session(engine) as session:
        for teacher, status, left_on in ((li, "left", None), (zhao, "retired", None),
                                         (xiaohong, "left", dt.date(2024, 8, 31))):  # fmt: skip
            row = session.get(Teacher, teacher.id)
            row.status, row.left_on = status, left_on
            session.add(row)
        session.commit()
    return li.id, zhao.id


def test_leavers_without_a_date_are_a_worklist_hr_can_clear(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    """The reports say how many leavers have no leaving date, so they cannot be counted on
    past dates; HR had no list of them, and the teacher page had no way to record the day of
    a leaving already on file. Now the dashboard counts them (per scope), the list's 需关注
    filter lists them (the API's too), and the teacher page asks for the day."""
    li, zhao = _mark_gone(engine, district)
    hr = signed_in(app, "hr")
    assert _listed(hr.get("/teachers", params={"attention": "leaving"}).text) == ["李四", "赵六"]
    api = hr.get("/api/teachers", params={"leaving_undated": "true"}).json()
    assert sorted(t["name"] for t in api["data"]) == ["李四", "赵六"] and api["count"] == 2
    dashboard = hr.get("/").text
    line = dashboard.split('data-testid="attention-leavers"')[1].split("</p>")[0]
    assert "离职、退休教师未登记离岗日期 2 人" in line and "/teachers?attention=leaving" in line
    clerk = signed_in(app, "clerk_b")
    mine = clerk.get("/").text.split('data-testid="attention-leavers"')[1].split("</p>")[0]
    assert "未登记离岗日期 1 人" in mine
    assert _listed(clerk.get("/teachers", params={"attention": "leaving"}).text) == ["赵六"]

    page = hr.get(f"/teachers/{zhao}").text
    form = page.split('id="leave"')[1].split("</section>")[0]
    assert "补登离岗日期" in form and 'name="status" value="retired"' in form
    token = csrf_of(page)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    refusals = {
        "": "请填写离岗日期",
        "2030-01-01": "晚于今天",  # a day still ahead
        "1999-01-01": "早于到本校任教时间",
    }
    for typed, words in refusals.items():
        answer = hr.post(f"/teachers/{zhao}/leave", data={
            "csrf_token": token, "version": version, "status": "retired", "left_on": typed})  # fmt: skip
        assert answer.status_code == 422, typed
        problems = answer.text.split('data-testid="leave-problems"')[1].split("</div>")[0]
        assert words in html_lib.unescape(problems), (typed, problems)
    wrong = hr.post(f"/teachers/{zhao}/leave", data={
        "csrf_token": token, "version": version, "status": "left", "left_on": "2025-07-31"})  # fmt: skip
    assert wrong.status_code == 422 and "请选择" in wrong.text  # the status stays retired
    done = hr.post(f"/teachers/{zhao}/leave", data={
        "csrf_token": token, "version": version, "status": "retired", "left_on": "2025-07-31"})  # fmt: skip
    assert done.status_code == 303, done.text[:500]
    with Session(engine) as session:
        row = session.get(Teacher, zhao)
        assert (row.status, row.left_on) == ("retired", dt.date(2025, 7, 31))
        entry = session.exec(select(AuditLog).where(AuditLog.entity_key == row.staff_no)
                             .order_by(AuditLog.id.desc())).first()  # fmt: skip
        assert entry.action == "update" and entry.after["left_on"] == "2025-07-31"
    assert len(refusals) == 3
    assert _listed(hr.get("/teachers", params={"attention": "leaving"}).text) == ["李四"]
    assert 'id="leave"' not in hr.get(f"/teachers/{zhao}").text  # dated: nothing to record
    assert "未登记离岗日期 1 人" in hr.get("/").text
