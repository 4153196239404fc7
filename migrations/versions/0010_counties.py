"""counties: the county of each school, and the county a rotation plan covers

A prefecture city (e.g. Heyuan, six county-level units) runs the rotation policy per county:
teachers rotate within their county, each county gets its own plan. ``school.county`` names the
county-level unit of a school; ``rotationplan.county`` the county a plan covers. Both are
nullable: a registry of a single county (the district the project was built for) leaves them
empty and keeps working as before — one plan for the whole registry.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
        batch_op.create_index("ix_school_county", ["county"], unique=False)
    with op.batch_alter_table("rotationplan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
        batch_op.create_index("ix_rotationplan_county", ["county"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rotationplan", schema=None) as batch_op:
        batch_op.drop_index("ix_rotationplan_county")
        batch_op.drop_column("county")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_index("ix_school_county")
        batch_op.drop_column("county")
