"""the day a teacher left service (离岗日期)

A teacher who left (离职/调出) or retired kept only that status: a report dated before the
leaving could not tell that they were still teaching then, so a staffing or training report
for last September left out everyone who has left since (and a retiree was placed by the
statutory retirement date, which an early or late retirement does not follow).
``teacher.left_on`` holds the first day out of service, set when a teacher is marked left or
retired; the reports count a leaver as serving on the days before it.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.drop_column("left_on")
