"""The audit log's stored JSON: the exact text SQLAlchemy's JSON type would write, and what a
reader gets back — dates and decimals as text, ``None`` as ``null``, Chinese escaped, the
caller's key order kept."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from workforce import audit
from workforce.models import AuditLog

BEFORE = {
    "name": "张三",
    "birth_date": dt.date(1988, 2, 3),
    "phone": None,
    "hours": Decimal("12.50"),
    "reviewed_at": dt.datetime(2024, 5, 6, 7, 8, 9),
    "active": True,
    "grade": 3,
    "share": 0.5,
    "subjects": ["语文", "数学"],
}
AFTER = {"name": "张叁", "hours": Decimal("0.10"), "birth_date": None}
BEFORE_TEXT = (
    '{"name": "\\u5f20\\u4e09", "birth_date": "1988-02-03", "phone": null, "hours": "12.50", '
    '"reviewed_at": "2024-05-06T07:08:09", "active": true, "grade": 3, "share": 0.5, '
    '"subjects": ["\\u8bed\\u6587", "\\u6570\\u5b66"]}'
)
AFTER_TEXT = '{"name": "\\u5f20\\u53c1", "hours": "0.10", "birth_date": null}'


def _stored_texts(session: Session) -> list[tuple[str | None, str | None]]:
    """The before/after columns as the database holds them, as text, in insertion order."""
    rows = session.connection().execute(
        text("SELECT CAST(before AS TEXT), CAST(after AS TEXT) FROM auditlog ORDER BY id")
    )
    return [tuple(row) for row in rows]


def _record(session: Session, before, after) -> None:
    audit.record(
        session, actor="hr", action="update", entity="teacher", entity_key="T1",
        before=before, after=after,
    )  # fmt: skip


def test_stored_text_is_exact_and_reads_back_as_the_recorded_values(session):
    _record(session, BEFORE, AFTER)
    session.commit()
    assert _stored_texts(session) == [(BEFORE_TEXT, AFTER_TEXT)]
    expected_before = {
        **BEFORE,
        "birth_date": "1988-02-03",
        "hours": "12.50",
        "reviewed_at": "2024-05-06T07:08:09",
    }
    expected_after = {"name": "张叁", "hours": "0.10", "birth_date": None}
    assert json.loads(BEFORE_TEXT) == expected_before
    assert json.loads(AFTER_TEXT) == expected_after
    entry = session.exec(select(AuditLog)).one()
    assert (entry.before, entry.after) == (expected_before, expected_after)
    assert list(entry.before) == list(BEFORE)  # key order as recorded, not sorted


def test_none_is_stored_as_json_null_and_read_back_as_none(session):
    _record(session, None, AFTER)
    session.commit()
    assert _stored_texts(session) == [("null", AFTER_TEXT)]
    entry = session.exec(select(AuditLog)).one()
    assert (entry.before, entry.after) == (None, json.loads(AFTER_TEXT))


def test_same_text_as_an_entry_written_through_the_orm(session):
    """record_many bypasses SQLAlchemy's JSON type for speed; the stored text must not differ."""
    session.add(
        AuditLog(
            actor="hr", action="update", entity="teacher", entity_key="T1",
            before=json.loads(BEFORE_TEXT), after=json.loads(AFTER_TEXT),
        )
    )  # fmt: skip
    session.flush()
    _record(session, BEFORE, AFTER)
    session.commit()
    through_orm, through_record = _stored_texts(session)
    assert through_record == through_orm == (BEFORE_TEXT, AFTER_TEXT)


def test_a_value_json_cannot_hold_is_refused(session):
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        _record(session, None, {"schools": {"S1"}})


def test_migration_0008_remasks_the_numbers_already_in_the_log(env, tmp_path):
    """Entries written with the old mask (area and last four shown) lose those digits; other
    values, and entries without a masked number, stay as they were."""
    from alembic import command

    from workforce.db import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(alembic_config(engine), "0007")
    old = {"name": "张三", "id_number_masked": "441602********8936", "birth_date": "1980-03-12"}
    rows = [
        ("create", json.dumps(None), json.dumps(old)),
        ("update", json.dumps({"id_number": "44160219********"}), json.dumps({"name": "李四"})),
        ("import", json.dumps({"id_number": "441602********123X"}), json.dumps(None)),
    ]
    with engine.begin() as connection:
        for action, before, after in rows:
            connection.execute(
                text(
                    "INSERT INTO auditlog (at, actor, action, entity, entity_key, before, after)"
                    " VALUES ('2026-01-01 00:00:00', 'cli', :action, 'teacher', 'T1', :b, :a)"
                ),
                {"action": action, "b": before, "a": after},
            )
    command.upgrade(alembic_config(engine), "0008")
    with Session(engine) as session:  # the columns that migration 0008 knew
        entries = session.exec(
            select(AuditLog.id, AuditLog.before, AuditLog.after).order_by(AuditLog.id)
        ).all()
    engine.dispose()
    assert len(entries) == 3
    assert entries[0].after == {**old, "id_number_masked": "*" * 18}
    assert entries[1].before == {"id_number": "44160219********"}  # not the old mask's shape
    assert entries[2].before == {"id_number": "*" * 18} and entries[2].after is None


def test_readers_see_birth_months_and_masked_numbers_only(env):
    shown = audit.shown_values(
        {"birth_date": "1980-03-12", "note": "号码 44160219800312113X 有误", "hours": 3}
    )
    assert shown == {"birth_date": "1980-03", "note": "号码 ****************** 有误", "hours": 3}
    correction = audit.shown_values(
        {"field": "birth_date", "current_value": "1980-03-12", "proposed_value": "1980-04-12"}
    )
    assert correction == {"field": "birth_date", "current_value": "1980-03",
                          "proposed_value": "1980-04"}  # fmt: skip
    assert audit.shown_values(None) is None


def test_numbers_typed_full_width_spaced_or_mistyped_are_masked_for_readers(env):
    """A clerk's free text (a correction's reason, a note) holds a number however it was
    typed: full-width, in groups, a digit short. The audit log shows it masked by the same
    rule the access log and error answers use (:func:`workforce.idnumber.redacted`)."""
    typed = {
        "full width": "身份证号应为４４１６０２１９８００３１２１１３Ｘ",
        "in groups": "身份证号应为 441602 19800312 113X",
        "a digit short": "身份证号应为 44160219800312113",
    }
    for how, typed_text in typed.items():
        shown = audit.shown_values({"reason": typed_text})["reason"]  # type: ignore[index]
        assert not any(c.isdigit() for c in shown), (how, shown)
        assert "身份证号应为" in shown and "*" in shown, (how, shown)
    assert len(typed) == 3


@pytest.mark.parametrize("in_list_up_to", [0, 1_000], ids=["every-teacher", "in-list"])
def test_each_entry_about_a_teacher_names_the_teacher_by_id(
    session, engine, monkeypatch, in_list_up_to
):
    """The teacher an entry is about is fixed when it is written — by the staff number at the
    head of its key (a record ``S/17``, an imported row ``S|…``) or by a correction's teacher —
    so it stays the same teacher after the number is changed or given to someone else. Both
    look-ups (an IN list; every teacher's number, as for an import) give the same."""
    from workforce.models import Teacher
    from workforce.sample import generate_district, load_district

    monkeypatch.setattr(audit, "LOOKUP_IN_LIST_UP_TO", in_list_up_to)
    load_district(engine, generate_district(teachers=100, seed=3))
    teachers = session.exec(select(Teacher).order_by(Teacher.id).limit(2)).all()
    first, second = teachers
    keys = [
        ("teacher", first.staff_no, first.id),
        ("training", f"{first.staff_no}/17", first.id),
        ("certificates", f"{second.staff_no}|高级中学|2020-01-01", second.id),
        ("teacher", "NOT-ON-FILE", None),
        ("school", first.staff_no, None),  # a school's key is a school code, never a teacher
        ("rotation_plan", "1", None),
    ]
    written = audit.record_many(
        session,
        [dict(actor="t", action="update", entity=e, entity_key=k) for e, k, _ in keys]
        + [dict(actor="t", action="update", entity="teacher", entity_key="X", teacher_id=7)],
    )
    assert written == len(keys) + 1
    stored = session.exec(
        select(AuditLog.entity, AuditLog.entity_key, AuditLog.teacher_id)
        .where(AuditLog.actor == "t")
        .order_by(AuditLog.id)
    ).all()
    assert [tuple(row) for row in stored] == [*keys, ("teacher", "X", 7)]
