"""the objective levels a running solve job has settled

A solve of a large county runs for many seconds to minutes; its job page showed only "solving"
until the end. ``solvejob.levels`` holds each objective level as the solver settles it (number,
name, value, bound, gap, proven), so the page and ``GET /api/plans/jobs/{id}`` show that a first
plan exists and how good it is while the later levels are still being solved.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("levels", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.drop_column("levels")
