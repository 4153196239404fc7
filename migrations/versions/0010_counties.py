"""counties: the county of each school, and the county a rotation plan covers

A prefecture city (e.g. Heyuan, six county-level units) runs the rotation policy per county:
teachers rotate within their county, each county gets its own plan. ``school.county`` names the
county-level unit of a school; ``rotationplan.county`` the county a plan covers. Both are
nullable: a registry of a single county (the district the project was built for) leaves them
empty and keeps working as before — one plan for the whole registry.

Each county applies its own plan, so the one-applied-plan-a-year index of 0009
(``uq_rotationplan_applied_year``) becomes one applied plan a year *per county*, still over the
applied plans that are not supplementary: that index is kept for the plans without a county
(the whole registry), and ``uq_rotationplan_applied_year_county`` is unique on ``year`` and
``county`` (NULLs do not collide there, hence the first). Two plain partial indexes rather than
one on ``coalesce(county, '')``: SQLAlchemy cannot reflect an expression index, which later
SQLite batch migrations of related tables do. Downgrade restores 0009's index (and fails, as
it should, while two counties of a year have applied plans: the older schema cannot hold them).

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

APPLIED = "status = 'applied' AND NOT supplementary"
INDEX = "uq_rotationplan_applied_year"
COUNTY_INDEX = "uq_rotationplan_applied_year_county"


def _applied_index(name: str, columns: list[str], where: str) -> None:
    op.create_index(name, "rotationplan", columns, unique=True,
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
        batch_op.create_index("ix_school_county", ["county"], unique=False)
    op.drop_index(INDEX, table_name="rotationplan")
    with op.batch_alter_table("rotationplan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True))
        batch_op.create_index("ix_rotationplan_county", ["county"], unique=False)
    _applied_index(INDEX, ["year"], f"{APPLIED} AND county IS NULL")
    _applied_index(COUNTY_INDEX, ["year", "county"], APPLIED)


def downgrade() -> None:
    op.drop_index(COUNTY_INDEX, table_name="rotationplan")
    op.drop_index(INDEX, table_name="rotationplan")
    with op.batch_alter_table("rotationplan", schema=None) as batch_op:
        batch_op.drop_index("ix_rotationplan_county")
        batch_op.drop_column("county")
    _applied_index(INDEX, ["year"], APPLIED)
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_index("ix_school_county")
        batch_op.drop_column("county")
