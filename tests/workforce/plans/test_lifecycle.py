"""Plans in the registry: propose, approve, apply (all or nothing, never twice), re-solve."""

import datetime as dt
import json

import pytest
from sqlmodel import select

from optimizer import Pin, SolveSettings, check_plan
from workforce.models import AuditLog, RotationPlan, RotationRecord, School, Teacher
from workforce.plans import (
    PlanError,
    apply_plan,
    approve_plan,
    lifecycle,
    propose_plan,
    resolve_plan,
)
from workforce.plans.lifecycle import plan_json_pieces, write_json_pieces

from ..district import build_small_district

FAST = SolveSettings(time_limit_s=20)


def _table_rows(session, model):
    return sorted(tuple(sorted(r.model_dump().items())) for r in session.exec(select(model)))


def test_proposed_plan_fills_the_rural_pe_shortage_and_passes_the_checker(session):
    build_small_district(session)
    record, instance, plan = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    session.commit()
    assert plan.status == "optimal"
    assert not check_plan(instance, plan)
    pe_moves = [m for m in plan.moves if m.subject == "pe"]
    assert pe_moves and {m.to_school for m in pe_moves} <= {"R1", "R2"}
    assert any(m.is_key for m in plan.moves)
    assert record.status == "draft" and record.moves == len(plan.moves)
    assert session.exec(select(AuditLog).where(AuditLog.entity == "rotation_plan")).one()


def test_approve_then_apply_moves_teachers_and_writes_history_once(session):
    build_small_district(session)
    record, _, plan = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    other, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    session.commit()
    approve_plan(session, record.id, actor="chief", comment="同意")
    session.commit()
    assert session.get(RotationPlan, other.id).status == "superseded"

    apply_plan(session, record.id, actor="chief")
    session.commit()
    for move in plan.moves:
        teacher = session.exec(select(Teacher).where(Teacher.staff_no == move.staff_no)).one()
        assert session.get(School, teacher.school_id).code == move.to_school
    history = session.exec(select(RotationRecord).where(RotationRecord.plan_id == record.id)).all()
    assert len(history) == len(plan.moves)
    assert {h.kind for h in history} == {"secondment"}
    assert all(h.planned_end_on == dt.date(2029, 8, 31) or h.planned_end_on for h in history)

    with pytest.raises(PlanError) as err:
        apply_plan(session, record.id, actor="chief")
    assert err.value.key == "already_applied" and "不能重复执行" in err.value.zh


def test_apply_refuses_and_changes_nothing_when_the_registry_moved_on(session):
    build_small_district(session)
    record, _, plan = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    approve_plan(session, record.id, actor="chief", comment="同意")
    session.commit()
    moved = plan.moves[0].staff_no
    teacher = session.exec(select(Teacher).where(Teacher.staff_no == moved)).one()
    teacher.status = "left"
    session.commit()
    before = {m: _table_rows(session, m) for m in (Teacher, RotationRecord, AuditLog)}

    with pytest.raises(PlanError) as err:
        apply_plan(session, record.id, actor="chief")
    session.rollback()
    assert err.value.key == "registry_changed" and moved in err.value.zh
    assert f"{moved} 状态为“离职”" in err.value.zh and "left" not in err.value.zh
    assert {m: _table_rows(session, m) for m in before} == before
    assert session.get(RotationPlan, record.id).status == "approved"


def test_a_plan_that_moves_nobody_is_not_approved(session):
    """Approved and applied, a plan with no moves stood as the year's one plan with nobody
    moved (the approval's docstring promised to refuse it; the code never did)."""
    from optimizer import Plan

    build_small_district(session)
    record, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    plan = Plan.model_validate_json(record.plan_json)
    assert plan.status == "optimal" and plan.moves
    record.plan_json = plan.model_copy(update={"moves": []}).model_dump_json()
    session.add(record)
    session.commit()
    with pytest.raises(PlanError) as err:
        approve_plan(session, record.id, actor="chief", comment="同意")
    assert err.value.key == "no_moves"
    assert f"方案 {record.id} 没有任何教师交流，不能审批" in err.value.zh
    assert session.get(RotationPlan, record.id).status == "draft"


def test_only_a_draft_can_be_approved_and_only_an_approved_plan_applied(session):
    build_small_district(session)
    record, _, _ = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    session.commit()
    with pytest.raises(PlanError, match="only an approved plan") as err:
        apply_plan(session, record.id, actor="chief")
    assert "状态是“草稿”" in err.value.zh  # the status in words, not the code
    approve_plan(session, record.id, actor="chief", comment="同意")
    with pytest.raises(PlanError, match="only a draft") as err:
        approve_plan(session, record.id, actor="chief", comment="同意")
    assert "状态是“已审批”" in err.value.zh and "approved" not in err.value.zh
    with pytest.raises(PlanError, match="does not exist"):
        approve_plan(session, 999, actor="chief", comment="同意")


def test_resolve_keeps_the_pin_and_records_the_parent(session):
    build_small_district(session)
    record, _, plan = propose_plan(session, year=2026, actor="hr1", settings=FAST)
    session.commit()
    chosen = plan.moves[0]
    other_rural = "R2" if chosen.to_school == "R1" else "R1"
    child, instance, replanned = resolve_plan(
        session,
        record.id,
        pins=[Pin(kind="must_go", staff_no=chosen.staff_no, school=other_rural)],
        actor="hr1",
        settings=FAST,
    )
    assert child.parent_id == record.id
    assert not check_plan(instance, replanned)
    move = next(m for m in replanned.moves if m.staff_no == chosen.staff_no)
    assert move.to_school == other_rural


def plan_as_json(record: RotationPlan, *, with_instance: bool = True) -> str:
    """The saved form's pieces joined: the text of a plan file."""
    return "".join(plan_json_pieces(record, with_instance=with_instance))


STORED_PLANS = [
    '{"year":2026,"moves":[{"staff_no":"T1","note":"a \\"}\\" inside"}]}',  # pydantic's compact
    '\n{\n "year": 2026,\n "moves": []\n}\n',  # an older release's indented JSON
    "{}",
    "{ }",
]


@pytest.mark.parametrize("stored", STORED_PLANS)
def test_the_saved_form_of_a_stored_plan_is_its_json_with_the_registry_fields(stored):
    record = RotationPlan(id=7, year=2026, status="approved", solver_status="optimal",
                          plan_json=stored, instance_json=' {"schools": []} \n',
                          created_by="t")  # fmt: skip
    expected = {**json.loads(stored), "registry_plan_id": 7, "registry_status": "approved"}
    assert json.loads(plan_as_json(record, with_instance=False)) == expected
    assert json.loads(plan_as_json(record)) == {**expected, "instance": {"schools": []}}


@pytest.mark.parametrize("stored", STORED_PLANS)
def test_a_plan_written_in_slices_is_its_saved_form_in_utf8(stored, tmp_path, monkeypatch):
    # Slices of 7 characters: the instance text (Chinese, 2–3 bytes a character in UTF-8) is
    # cut mid-name many times over, and the file must still be the one text.
    monkeypatch.setattr(lifecycle, "WRITE_CHARACTERS_AT_ONCE", 7)
    instance = '{"schools":[' + ",".join(f'{{"code":"S{i}","name":"源城区第{i}小学"}}'
                                         for i in range(40)) + "]}"
    record = RotationPlan(id=9, year=2026, status="draft", solver_status="optimal",
                          plan_json=stored, instance_json=instance, created_by="t")
    pieces = plan_json_pieces(record)
    assert sum(len(piece) for piece in pieces) > 40 * 7  # many slices, not one write
    write_json_pieces(tmp_path / "plan.json", pieces)
    text = (tmp_path / "plan.json").read_bytes().decode("utf-8")
    assert text == plan_as_json(record)
    assert json.loads(text)["instance"]["schools"][39]["name"] == "源城区第39小学"


@pytest.mark.parametrize("stored", ["", "[1, 2]", '"text"'])
def test_a_stored_plan_that_is_no_json_object_is_named(stored):
    record = RotationPlan(id=8, year=2026, status="draft", solver_status="optimal",
                          plan_json=stored, instance_json="{}", created_by="t")  # fmt: skip
    with pytest.raises(ValueError, match="plan #8: the stored plan is not a JSON object"):
        plan_as_json(record)
