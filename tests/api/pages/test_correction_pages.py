"""Corrections in the pages: a clerk's invalid value keeps the form with a Chinese message;
a clerk's request shows its status on the teacher page and in their list; HR's inbox shows
the field by name with the value when proposed, now and proposed (labels, a birth date as its
month only) and accepts or rejects with a note, audited; an outdated request is refused in
plain words."""

from __future__ import annotations

import pytest
from conftest import District
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_helpers import csrf_of, internal_codes, signed_in
from sqlmodel import Session, select

from workforce.accounts.models import Correction
from workforce.models import AuditLog, Teacher
from workforce.services.teachers import TeacherUpdate, update_teacher


def _propose(client: TestClient, teacher_id: int, field: str, value: str, reason: str = "档案"):
    page = client.get(f"/teachers/{teacher_id}").text
    return client.post(
        f"/teachers/{teacher_id}/corrections",
        data={
            "csrf_token": csrf_of(page),
            "field": field,
            "proposed_value": value,
            "reason": reason,
        },
    )


@pytest.mark.parametrize(
    ("field", "value", "reason", "message"),
    [
        ("joined_school_on", "去年九月", "档案", "到本校任教时间：无法识别的日期“去年九月”"),
        ("main_subject", "火星语", "档案", "主教学科：“火星语”不是有效代码，可选：语文、数学"),
        ("is_head_teacher", "也许", "档案", "是否班主任：应填“是”或“否”"),
        ("name", "李明", "", "理由：不能为空"),
    ],
)
def test_a_clerks_invalid_value_keeps_the_form_and_says_what_is_wrong(
    app: FastAPI, district: District, engine, field: str, value: str, reason: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    clerk = signed_in(app, "clerk_a")
    teacher = district.teachers_a[0]
    answer = _propose(clerk, teacher.id, field, value, reason)
    assert answer.status_code == 422
    problems = answer.text.split('data-testid="propose-problems"')[1].split("</div>")[0]
    assert message in problems, problems
    assert f'value="{value}"' in answer.text  # the value typed is still in the form
    assert f'<option value="{field}" selected>' in answer.text
    assert internal_codes(answer.text) == []
    with Session(engine) as session:
        assert session.exec(select(Correction)).all() == []


def test_a_request_is_reviewed_in_the_inbox_and_its_status_shown_to_the_clerk(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    clerk, hr = signed_in(app, "clerk_a"), signed_in(app, "hr")
    teacher = district.teachers_a[0]
    assert _propose(clerk, teacher.id, "main_subject", "语文").status_code == 303
    assert _propose(clerk, teacher.id, "birth_date", "1980-04-12").status_code == 303
    page = clerk.get(f"/teachers/{teacher.id}").text
    mine = page.split('data-testid="teacher-corrections"')[1].split("</table>")[0]
    assert mine.count("待审核") == 2 and "主教学科" in mine and "语文" in mine
    assert "1980-04<" in mine and "1980-04-12" not in mine  # the month only

    inbox = hr.get("/corrections").text
    assert internal_codes(inbox) == [] and "共 2 条" in inbox
    rows = inbox.split("<tr data-correction=")[1:]
    birth, subject = rows  # newest first
    assert "主教学科" in subject and "数学" in subject and "语文" in subject
    assert "张三" in subject and "T001" in subject and "*" in subject  # masked ID number
    assert "出生日期" in birth and "1980-03<" in birth and "1980-04<" in birth
    assert "1980-03-12" not in inbox and "1980-04-12" not in inbox
    with Session(engine) as session:
        subject_id, birth_id = sorted(c.id for c in session.exec(select(Correction)).all())
    token = csrf_of(inbox)
    accepted = hr.post(
        f"/corrections/{subject_id}/accept", data={"csrf_token": token, "note": "核实无误"}
    )
    rejected = hr.post(
        f"/corrections/{birth_id}/reject", data={"csrf_token": token, "note": "与档案不符"}
    )
    assert accepted.status_code == rejected.status_code == 303
    after = hr.get("/corrections").text
    assert "已采纳更正：张三 的“主教学科”已改为 语文" in after and "共 0 条" in after
    again = hr.post(f"/corrections/{subject_id}/accept", data={"csrf_token": token})
    assert again.status_code == 303  # a second click, or a colleague's: refused in words
    refused = hr.get("/corrections").text
    assert "该更正申请已处理（已采纳），不能再次审核" in refused
    assert internal_codes(refused) == []
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).main_subject == "chinese"
        actions = [
            (a.entity, a.action, a.actor)
            for a in session.exec(select(AuditLog).where(AuditLog.actor != "fixture")).all()
        ]
    assert actions == [
        ("correction", "propose", "clerk_a"),
        ("correction", "propose", "clerk_a"),
        ("correction", "accept", "hr"),
        ("teacher", "update", "hr"),
        ("correction", "reject", "hr"),
    ]
    own = clerk.get("/corrections").text
    assert "我的更正申请" in own and "已采纳" in own and "已驳回" in own
    assert "核实无误" in own and "与档案不符" in own and internal_codes(own) == []
    assert "已采纳" in clerk.get(f"/teachers/{teacher.id}").text


def test_a_clerk_sees_only_their_own_requests(app: FastAPI, district: District) -> None:
    assert (
        _propose(signed_in(app, "clerk_a"), district.teachers_a[0].id, "name", "张叁").status_code
        == 303
    )
    other = signed_in(app, "clerk_b").get("/corrections").text
    assert "共 0 条" in other and "张叁" not in other
    assert "张叁" in signed_in(app, "auditor").get("/corrections?status=all").text


def test_an_outdated_request_is_refused_in_plain_words(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    teacher = district.teachers_a[0]
    assert (
        _propose(signed_in(app, "clerk_a"), teacher.id, "main_subject", "语文").status_code == 303
    )
    with Session(engine) as session:
        update_teacher(
            session,
            actor="hr",
            teacher_id=teacher.id,
            data=TeacherUpdate(main_subject="pe"),
            version=1,
        )
        session.commit()
        correction_id = session.exec(select(Correction.id)).one()
    hr = signed_in(app, "hr")
    inbox = hr.get("/corrections").text
    assert "申请后已被修改" in inbox
    hr.post(f"/corrections/{correction_id}/accept", data={"csrf_token": csrf_of(inbox)})
    shown = hr.get("/corrections").text
    assert "无法采纳：申请提交后“主教学科”已被修改为 体育" in shown
    assert internal_codes(shown) == []
    with Session(engine) as session:
        assert session.get(Teacher, teacher.id).main_subject == "pe"
        assert session.get(Correction, correction_id).status == "proposed"


def test_only_reviewers_decide(app: FastAPI, district: District) -> None:
    clerk = signed_in(app, "clerk_a")
    assert _propose(clerk, district.teachers_a[0].id, "name", "张叁").status_code == 303
    for role in ("clerk_a", "auditor"):
        client = signed_in(app, role)
        token = csrf_of(client.get("/corrections").text)
        assert client.post("/corrections/1/accept", data={"csrf_token": token}).status_code == 403


def test_a_request_the_registry_refuses_is_explained_in_chinese_only(
    app: FastAPI, district: District, engine
) -> None:  # type: ignore[no-untyped-def]
    teacher = district.teachers_a[0]  # joined the school on 2015-09-01
    clerk = signed_in(app, "clerk_a")
    assert _propose(clerk, teacher.id, "first_employed_on", "2016-09-01").status_code == 303
    hr = signed_in(app, "hr")
    inbox = hr.get("/corrections").text
    with Session(engine) as session:
        correction_id = session.exec(select(Correction.id)).one()
    hr.post(f"/corrections/{correction_id}/accept", data={"csrf_token": csrf_of(inbox)})
    shown = hr.get("/corrections").text
    error = shown.split('class="flash flash-error"')[1].split("</div>")[0]
    assert "参加工作时间晚于到本校时间" in error and "first employment" not in error
    with Session(engine) as session:
        assert session.get(Correction, correction_id).status == "proposed"
        assert session.get(Teacher, teacher.id).first_employed_on is None
