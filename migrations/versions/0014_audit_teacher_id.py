"""the teacher an audit entry is about, by id

An audit entry about a teacher was found by the staff number at the head of its key. A staff
number can be changed — the entries before the change then no longer matched the teacher — and a
number freed that way can be given to a teacher of another county, whose county's auditor then
saw the first teacher's history. ``auditlog.teacher_id`` fixes the teacher when the entry is
written (``workforce.audit.record_many``). Existing entries are resolved here by the staff number
(or correction) they name, as the registry has it now; an entry whose number is no longer on file
keeps NULL and is still matched by its key, as before.

Revision ID: 0014
Revises: 0013
"""

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
    staff = {
        number: id_
        for number, id_ in connection.execute(sa.text("SELECT staff_no, id FROM teacher"))
    }
    listed = sa.text("SELECT CAST(id AS VARCHAR(20)), teacher_id FROM correction")
    corrections = {key: teacher for key, teacher in connection.execute(listed)}
    rows = connection.execute(
        sa.text("SELECT id, entity, entity_key FROM auditlog WHERE entity NOT IN :skip").bindparams(
            sa.bindparam("skip", expanding=True)
        ),
        {"skip": list(NOT_ABOUT_ONE_TEACHER)},
    )
    updates = []
    for entry_id, entity, key in rows:
        teacher = corrections.get(key) if entity == "correction" else staff.get(_head(key))
        if teacher is not None:
            updates.append({"entry": entry_id, "teacher": teacher})
    statement = sa.text("UPDATE auditlog SET teacher_id = :teacher WHERE id = :entry")
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start : start + BATCH])


def downgrade() -> None:
    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditlog_teacher_id"))
        batch_op.drop_column("teacher_id")
