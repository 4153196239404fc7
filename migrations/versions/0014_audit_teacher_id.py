"""the teacher an audit entry is about, by id

An audit entry about a teacher was found by the staff number at the head of its key. A staff
number can be changed — the entries before the change then no longer matched the teacher — and a
number freed that way can be given to a teacher of another county, whose county's auditor then
saw the first teacher's history. ``auditlog.teacher_id`` fixes the teacher when the entry is
written (``workforce.audit.record_many``).

Existing entries are resolved here by replaying the log backwards from today's registry, so that
a number is read as the teacher it named *when the entry was written*: a service's entry names
the teacher's id in its own values (a teacher's snapshot ``id``, a record's ``teacher_id``);
any other entry goes by the staff number at the head of its key, through today's numbers undone
change by change (an entry that changed ``T001`` to ``T001A`` means that, before it, ``T001``
was that teacher and ``T001A`` nobody known). A number no teacher held at the time (a deleted
teacher, a number changed before the log began) stays NULL: such an entry is city-level only.

Revision ID: 0014
Revises: 0013
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NOT_ABOUT_ONE_TEACHER = ("user", "district", "instance", "rotation_plan", "plan_pin", "school")
SEPARATORS = ("/", "|", ":")
BATCH = 5_000


def _head(key: str) -> str:
    for separator in SEPARATORS:
        key = key.partition(separator)[0]
    return key


def upgrade() -> None:
    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teacher_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_auditlog_teacher_id"), ["teacher_id"], unique=False)
    connection = op.get_bind()
    named = {number: id_ for number, id_ in connection.execute(sa.text(TEACHERS))}
    corrections = {key: teacher for key, teacher in connection.execute(sa.text(CORRECTIONS))}
    rows = connection.execute(
        sa.text(ENTRIES).bindparams(sa.bindparam("skip", expanding=True)),
        {"skip": list(NOT_ABOUT_ONE_TEACHER)},
    )
    updates = []
    for entry_id, entity, action, key, before, after in rows:  # newest first
        teacher = (
            corrections.get(key)
            if entity == "correction"
            else _own_id(entity, before, after) or named.get(_head(key))
        )
        if teacher is not None:
            updates.append({"entry": entry_id, "teacher": teacher})
        if entity == "teacher":
            _undo(named, action, _head(key), teacher, _values(before), _values(after))
    statement = sa.text("UPDATE auditlog SET teacher_id = :teacher WHERE id = :entry")
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start : start + BATCH])


TEACHERS = "SELECT staff_no, id FROM teacher"
CORRECTIONS = "SELECT CAST(id AS VARCHAR(20)), teacher_id FROM correction"
ENTRIES = (
    "SELECT id, entity, action, entity_key, before, after FROM auditlog"
    " WHERE entity NOT IN :skip ORDER BY id DESC"
)


def _values(stored: object) -> dict:
    """An entry's before/after as a dict (JSON text on SQLite, already decoded on PostgreSQL)."""
    if isinstance(stored, str):
        stored = json.loads(stored)
    return stored if isinstance(stored, dict) else {}


def _own_id(entity: str, before: object, after: object) -> int | None:
    """The teacher id a service wrote into the entry's own values, if any."""
    field = "id" if entity == "teacher" else "teacher_id"
    for values in (_values(after), _values(before)):
        if isinstance(values.get(field), int):
            return values[field]
    return None


def _undo(named: dict[str, int], action: str, head: str, teacher: int | None,
          before: dict, after: dict) -> None:  # fmt: skip
    """Turn ``named`` (staff number → teacher, as of just after this entry) into the numbers as
    of just before it: a change of number is undone; a creation frees its number."""
    old, new = before.get("staff_no"), after.get("staff_no")
    if action == "update" and old and new and old != new:
        named.pop(new, None)
        if teacher is not None:
            named[old] = teacher
    elif action == "create" and named.get(head) == teacher:
        named.pop(head, None)


def downgrade() -> None:
    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditlog_teacher_id"))
        batch_op.drop_column("teacher_id")
