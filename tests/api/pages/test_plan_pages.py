"""The plan page's pins and approval: pending pins kept on the server (200 of them), and an
approval that needs the ticked confirmation and a comment, stored and shown."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from page_helpers import signed_in, token_for
from plan_fixtures import keep_plan
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from optimizer import Instance
from workforce.models import AuditLog, PlanPin, RotationPlan

pytestmark = pytest.mark.usefixtures("plan_district")

PINS = 200


def _plan_with_teachers(engine, extra: int) -> int:  # type: ignore[no-untyped-def]
    """A draft of the plan district whose instance holds ``extra`` more teachers (copies of
    one, with their own staff numbers), so that many of them can be pinned."""
    plan_id = keep_plan(engine)
    with Session(engine, expire_on_commit=False) as session:
        record = session.get(RotationPlan, plan_id)
        instance = Instance.model_validate_json(record.instance_json)
        model = instance.teachers[0]
        copies = [model.model_copy(update={"staff_no": f"X{i:04d}"}) for i in range(extra)]
        data = instance.model_dump(mode="json", by_alias=True)
        data["teachers"] += [c.model_dump(mode="json", by_alias=True) for c in copies]
        record.instance_json = Instance.model_validate(data).model_dump_json(by_alias=True)
        session.add(record)
        session.commit()
    return plan_id


def test_two_hundred_pending_pins_are_kept_on_the_server(app: FastAPI, engine: Engine) -> None:
    plan_id = _plan_with_teachers(engine, PINS)
    hr = signed_in(app, "hr")
    token = token_for(hr, f"/plans/{plan_id}")
    for i in range(PINS):
        answer = hr.post(
            f"/plans/{plan_id}/pins",
            data={"csrf_token": token, "staff_no": f"X{i:04d}", "kind": "must_stay"},
        )
        assert answer.status_code == 303
    page = hr.get(f"/plans/{plan_id}").text
    assert page.count('data-testid="pending-pin"') == PINS
    assert "请求已被拒绝" not in page and "最多" not in page
    assert all(len(value) < 4096 for value in hr.cookies.values())

    removed = hr.post(
        f"/plans/{plan_id}/pins/remove", data={"csrf_token": token, "staff_no": "X0007"}
    )
    assert removed.status_code == 303
    assert hr.get(f"/plans/{plan_id}").text.count('data-testid="pending-pin"') == PINS - 1
    # another user's pending pins are their own
    admin = signed_in(app, "admin")
    assert 'data-testid="pending-pin"' not in admin.get(f"/plans/{plan_id}").text
    with Session(engine) as session:
        kept = session.exec(select(PlanPin).where(PlanPin.plan_id == plan_id)).all()
        assert len(kept) == PINS - 1 and {p.username for p in kept} == {"hr"}
        audited = session.execute(
            select(AuditLog.action, func.count())
            .where(AuditLog.entity == "plan_pin")
            .group_by(AuditLog.action)
        ).all()
        assert dict(audited) == {"create": PINS, "delete": 1}


def test_approval_needs_the_confirmation_and_a_comment(app: FastAPI, engine: Engine) -> None:
    plan_id = _plan_with_teachers(engine, 0)
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/{plan_id}").text
    assert 'data-testid="approve-confirm"' in page and 'data-testid="approve-comment"' in page
    token = token_for(hr, f"/plans/{plan_id}")
    cases = [
        {"version": "1", "comment": "同意"},  # not confirmed
        {"version": "1", "confirm": "yes", "comment": "  "},  # no comment
    ]
    for form in cases:
        hr.post(f"/plans/{plan_id}/approve", data={"csrf_token": token, **form})
        assert "请先勾选确认并填写审批意见" in hr.get(f"/plans/{plan_id}").text
    with Session(engine) as session:
        assert session.get(RotationPlan, plan_id).status == "draft"
    hr.post(
        f"/plans/{plan_id}/approve",
        data={"csrf_token": token, "version": "1", "confirm": "yes", "comment": "局务会通过"},
    )
    approved = hr.get(f"/plans/{plan_id}").text
    assert re.search(r'data-testid="plan-status">已审批<', approved)
    assert "审批意见：局务会通过" in approved
    with Session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "approve")).one()
        assert entry.actor == "hr" and entry.after["comment"] == "局务会通过"
    assert len(cases) == 2


def test_a_plan_not_optimised_in_time_is_flagged_on_its_page(app: FastAPI, engine: Engine) -> None:
    """The greedy clerk's plan kept when no level was solved in time: its page says first that
    it is not optimised and may miss quotas; an optimised plan's page does not."""
    from optimizer import SolveSettings
    from optimizer.baseline import greedy_plan

    optimised = keep_plan(engine)
    fallback_id = keep_plan(engine)
    with Session(engine) as session:
        record = session.get(RotationPlan, fallback_id)
        instance = Instance.model_validate_json(record.instance_json)
        plan = greedy_plan(instance)
        plan = plan.model_copy(update={"status": "unknown", "provenance": plan.provenance.model_copy(
            update={"settings": SolveSettings(time_limit_s=3)})})  # as the fallback keeps it
        record.plan_json, record.solver_status = plan.model_dump_json(), "unknown"
        session.add(record)
        session.commit()
    hr = signed_in(app, "hr")
    flagged = hr.get(f"/plans/{fallback_id}").text
    alert = flagged.split('data-testid="plan-not-optimised"')[1].split("</p>")[0]
    assert "时限 3.0 秒内未能求出优化方案" in alert and "加大时限" in alert
    assert 'data-testid="plan-not-optimised"' not in hr.get(f"/plans/{optimised}").text


def test_the_plan_page_offers_the_signed_plan_file_to_the_roles_that_may_unmask(
        app: FastAPI, engine: Engine) -> None:
    """The file's instance holds full birth dates: HR and admin get it (audited), an auditor
    sees no link and gets 403, and another site's link is refused."""
    plan_id = keep_plan(engine)
    hr = signed_in(app, "hr")
    page = hr.get(f"/plans/{plan_id}").text
    assert f'href="/plans/{plan_id}/plan.json" data-testid="plan-file"' in page
    assert "下载方案文件（带签名，可离线核验）" in page
    answer = hr.get(f"/plans/{plan_id}/plan.json")
    assert answer.status_code == 200
    assert answer.json()["registry_signature"]["algorithm"] == "ed25519"
    assert answer.json()["registry_plan_id"] == plan_id
    linked = hr.get(f"/plans/{plan_id}/plan.json", headers={"Sec-Fetch-Site": "cross-site"})
    assert linked.status_code == 403
    with Session(engine) as session:
        entries = session.exec(select(AuditLog).where(AuditLog.entity == "rotation_plan",
                                                      AuditLog.action == "unmask")).all()
    assert len(entries) == 1  # the download, not the refused link
    auditor = signed_in(app, "auditor")
    assert 'data-testid="plan-file"' not in auditor.get(f"/plans/{plan_id}").text
    assert auditor.get(f"/plans/{plan_id}/plan.json").status_code == 403
    assert signed_in(app, "clerk_a").get(f"/plans/{plan_id}/plan.json").status_code == 403


def test_the_proof_that_no_plan_fills_more_is_said_once_above_the_shortages(
    app: FastAPI, engine: Engine
) -> None:
    # Every unfilled row repeated "经证明…第一层目标已达其界490", burying the reasons that differ.
    from workforce.plans import load_plan

    plan_id = keep_plan(engine)
    with Session(engine) as session:
        plan = load_plan(session.get(RotationPlan, plan_id))[1]
    unfilled = [s for s in plan.shortages if s.unfilled > 0]
    citing = [s for s in unfilled if any(r.code == "unfilled.bound" for r in s.reasons)]
    assert len(citing) >= 2  # said on each of these rows before
    page = signed_in(app, "hr").get(f"/plans/{plan_id}").text
    assert page.count("没有任何方案能比本方案补足更多缺口") == 1
    assert 'data-testid="shortages-proven"' in page and "第一层目标" not in page
