"""county-scoped users and solve jobs

A prefecture city runs the rotation policy per county (0010), and so does its personnel work:
``app_user.county`` scopes an HR officer or an auditor to one county (the schools whose
``school.county`` it is, their teachers, the plans of that county); empty, the user works at
city level and sees the whole registry, as every user did before. ``solvejob.county`` is the
county whose plan a solve job makes, so a county's HR officer can solve their own county's plan
from the web (empty: the whole registry's plan, as before).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True)
        )
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.drop_column("county")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("county")
