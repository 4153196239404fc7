"""HR edits a teacher on the teacher page: the change is saved and audited; a stale edit comes
back as a side-by-side of both values with the form kept; an invalid value keeps the form and
says in Chinese what is wrong."""

from __future__ import annotations

import json

import pytest
from conftest import District
from fastapi import FastAPI
from page_helpers import csrf_of, hidden_value, internal_codes, signed_in
from sqlmodel import Session, select

from workforce.models import AuditLog, Teacher
from workforce.services.teachers import TeacherUpdate, update_teacher


def _edit_form(html: str, **changes: str) -> dict[str, str]:
    """The edit form as the browser sends it: the values shown, with ``changes`` made."""
    shown = json.loads(hidden_value(html, "original"))
    return {
        "csrf_token": csrf_of(html),
        "version": hidden_value(html, "version"),
        "original": hidden_value(html, "original"),
        **shown,
        **changes,
    }


def test_hr_edits_a_teacher_and_the_change_is_audited(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    teacher = district.teachers_a[0]
    page = hr.get(f"/teachers/{teacher.id}").text
    assert "修改教师信息" in page and internal_codes(page) == []
    saved = hr.post(
        f"/teachers/{teacher.id}/edit", data=_edit_form(page, title="senior", name="张三丰")
    )
    assert saved.status_code == 303, saved.text[:300]
    shown = hr.get(f"/teachers/{teacher.id}").text
    assert "已保存 张三丰 的信息" in shown and "高级教师" in shown
    with Session(engine) as session:
        stored = session.get(Teacher, teacher.id)
        assert (stored.name, stored.title, stored.version) == ("张三丰", "senior", 2)
        audit = session.exec(
            select(AuditLog).where(AuditLog.entity == "teacher", AuditLog.action == "update")
        ).all()
        assert [a.actor for a in audit] == ["hr"]


def test_an_unchanged_form_changes_nothing(app: FastAPI, district: District, engine) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    teacher = district.teachers_a[0]
    page = hr.get(f"/teachers/{teacher.id}").text
    answer = hr.post(f"/teachers/{teacher.id}/edit", data=_edit_form(page))
    assert answer.status_code == 303
    assert "没有修改任何内容" in hr.get(f"/teachers/{teacher.id}").text
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).version == 1


def test_a_stale_edit_shows_both_values_side_by_side_and_saves_on_purpose(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    teacher = district.teachers_a[0]
    page = hr.get(f"/teachers/{teacher.id}").text
    with Session(engine) as session:  # someone else saves first
        update_teacher(
            session,
            actor="admin",
            teacher_id=teacher.id,
            data=TeacherUpdate(title="first", education="master"),
            version=1,
        )
        session.commit()
    conflict = hr.post(f"/teachers/{teacher.id}/edit", data=_edit_form(page, title="senior"))
    assert conflict.status_code == 409
    html = conflict.text
    assert "他人已修改" in html and internal_codes(html) == []
    table = html.split('data-testid="conflict-table"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2, rows  # the title (both changed it) and the education (theirs)
    education, title = rows  # in the form's order
    assert "职称" in title and "高级教师" in title and "一级教师" in title
    assert "最高学历" in education and "硕士" in education
    assert hidden_value(html, "version") == "2"
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).title == "first"  # nothing overwritten
    again = hr.post(f"/teachers/{teacher.id}/edit", data=_edit_form(html, title="senior"))
    assert again.status_code == 303
    with Session(engine) as session:
        stored = session.get(Teacher, teacher.id)
        assert (stored.title, stored.education, stored.version) == ("senior", "master", 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"joined_school_on": "2015-13-45"}, "到本校任教时间："),
        ({"name": ""}, "姓名：不能为空"),
        ({"main_subject": "火星语"}, "主教学科："),
        ({"first_employed_on": "2020-01-01"}, "数据前后矛盾：参加工作时间晚于到本校时间<"),
    ],
)
def test_an_invalid_value_keeps_the_form_and_says_what_is_wrong(
    app: FastAPI, district: District, engine, changes: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    hr = signed_in(app, "hr")
    teacher = district.teachers_a[0]
    page = hr.get(f"/teachers/{teacher.id}").text
    answer = hr.post(f"/teachers/{teacher.id}/edit", data=_edit_form(page, **changes))
    assert answer.status_code == 422
    problems = answer.text.split('data-testid="edit-problems"')[1].split("</div>")[0]
    assert message in problems, problems
    assert internal_codes(answer.text) == []
    field, value = next(iter(changes.items()))
    if field != "main_subject":  # a select keeps its choice, an input its text
        assert f'name="{field}" value="{value}"' in answer.text
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).version == 1


def test_clerks_and_auditors_have_no_edit_form_and_cannot_post_one(
    app: FastAPI, district: District
) -> None:
    teacher = district.teachers_a[0]
    for role in ("clerk_a", "auditor"):
        client = signed_in(app, role)
        page = client.get(f"/teachers/{teacher.id}").text
        assert "修改教师信息" not in page
        answer = client.post(
            f"/teachers/{teacher.id}/edit",
            data={"csrf_token": csrf_of(page), "version": "1", "name": "x"},
        )
        assert answer.status_code == 403, role


def test_hr_records_a_leaving_on_the_teacher_page(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    """The leaving date was kept nowhere, so a report dated before a leaving lost the teacher.
    HR records it on the teacher page; a day before the teacher joined comes back in words,
    with what was typed; the form is gone once the teacher is out of service."""
    hr = signed_in(app, "hr")
    teacher = district.teachers_a[0]
    page = hr.get(f"/teachers/{teacher.id}").text
    assert 'data-testid="leave-form"' in page and "登记离岗" in page
    form = {"csrf_token": csrf_of(page), "version": hidden_value(page, "version"),
            "status": "retired"}  # fmt: skip
    early = (teacher.joined_school_on.replace(year=teacher.joined_school_on.year - 1)).isoformat()
    refused = hr.post(f"/teachers/{teacher.id}/leave", data={**form, "left_on": early})
    assert refused.status_code == 422
    assert "早于到本校任教时间" in refused.text and f'value="{early}"' in refused.text
    odd_version = hr.post(f"/teachers/{teacher.id}/leave", data={**form, "version": "²"})
    assert odd_version.status_code == 422  # a digit that is not 0–9: refused, not a 500
    bad_day = hr.post(f"/teachers/{teacher.id}/leave", data={**form, "left_on": "2026-02-30"})
    assert bad_day.status_code == 422 and 'data-testid="leave-problems"' in bad_day.text
    saved = hr.post(f"/teachers/{teacher.id}/leave", data={**form, "left_on": "2026年7月1日"})
    assert saved.status_code == 303, saved.text[:300]
    shown = hr.get(f"/teachers/{teacher.id}").text
    assert "自 2026-07-01 起离岗" in shown and 'data-testid="left-on"' in shown
    assert 'data-testid="leave-form"' not in shown and internal_codes(shown) == []
    with Session(engine) as session:
        stored = session.get(Teacher, teacher.id)
        assert (stored.status, str(stored.left_on)) == ("retired", "2026-07-01")
        entry = session.exec(select(AuditLog).where(AuditLog.action == "deactivate")).one()
        assert (entry.actor, entry.after["left_on"]) == ("hr", "2026-07-01")
