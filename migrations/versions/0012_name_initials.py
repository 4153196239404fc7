"""teachers' pinyin initials for the search

``teacher.name_initials`` holds the pinyin initials of the name (``zxh`` for 张小红,
:mod:`workforce.pinyin`), indexed, so the teacher list finds a teacher by initials without
converting every name per request. Existing rows are filled here, 5,000 at a time.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade() -> None:
    from workforce.pinyin import name_initials

    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_initials", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True)
        )
        batch_op.create_index("ix_teacher_name_initials", ["name_initials"], unique=False)
    connection = op.get_bind()
    teacher = sa.table("teacher", sa.column("id"), sa.column("name"), sa.column("name_initials"))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(teacher.c.id, teacher.c.name)
            .where(teacher.c.id > last)
            .order_by(teacher.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            teacher.update().where(teacher.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "name_initials": name_initials(row.name)} for row in rows],
        )
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.drop_index("ix_teacher_name_initials")
        batch_op.drop_column("name_initials")
