"""durable jobs and the secret key's check value

Solve jobs get the machine that runs them (``runner``) and the solver slot they hold there
(``slot``, 1..N, NULL once finished); the unique pair caps the solver processes per machine, so
claiming a slot is one conditional UPDATE that a second claimer cannot also win (SQLite and
PostgreSQL alike; NULLs do not collide). ``instancesetting`` keeps values that belong to the
database, first of all the check value of the secret key that encrypted its ID numbers, so a
changed key is refused at start instead of failing on the first ID number read.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("runner", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )
        batch_op.add_column(sa.Column("slot", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_solvejob_runner_slot", ["runner", "slot"])
    op.create_table(
        "instancesetting",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("instancesetting")
    with op.batch_alter_table("solvejob", schema=None) as batch_op:
        batch_op.drop_constraint("uq_solvejob_runner_slot", type_="unique")
        batch_op.drop_column("slot")
        batch_op.drop_column("runner")
