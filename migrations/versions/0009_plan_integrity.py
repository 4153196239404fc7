"""plan integrity: one applied plan a year, supplementary plans, approval comments, pending
pins on the server, and the teacher version a correction was made against

- ``rotationplan.supplementary`` (补充方案) and ``rotationplan.approval_comment`` (审批意见);
- ``uq_rotationplan_applied_year``: a partial unique index on ``year`` over the applied plans
  that are not supplementary, so the database itself refuses a second applied plan of a year
  on SQLite and PostgreSQL alike;
- ``planpin``: pins chosen on a plan page and not yet solved with, one row per user, plan and
  teacher (they were kept in the signed session cookie, which holds about 40);
- ``correction.teacher_version``: the teacher's version when the correction was proposed, so
  accepting it after HR changed the same field is refused instead of overwriting HR's value.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APPLIED = "status = 'applied' AND NOT supplementary"


def upgrade() -> None:
    with op.batch_alter_table("rotationplan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("supplementary", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "approval_comment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
            )
        )
    op.create_index(
        "uq_rotationplan_applied_year",
        "rotationplan",
        ["year"],
        unique=True,
        sqlite_where=sa.text(APPLIED),
        postgresql_where=sa.text(APPLIED),
    )
    op.create_table(
        "planpin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff_no", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("school", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["rotationplan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "username", "staff_no"),
    )
    op.create_index("ix_planpin_plan_id", "planpin", ["plan_id"], unique=False)
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teacher_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.drop_column("teacher_version")
    op.drop_index("ix_planpin_plan_id", table_name="planpin")
    op.drop_table("planpin")
    op.drop_index("uq_rotationplan_applied_year", table_name="rotationplan")
    with op.batch_alter_table("rotationplan", schema=None) as batch_op:
        batch_op.drop_column("approval_comment")
        batch_op.drop_column("supplementary")
