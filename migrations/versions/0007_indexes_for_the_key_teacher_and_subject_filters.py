"""indexes for the key-teacher and subject+zone filters

The key-teacher filter asks, per teacher, whether a designation of theirs makes them a key
teacher on a day, and lists the district's key teachers in teacher order: one index on
(teacher_id, kind, tier, term_end, term_start) answers both without reading designation rows,
and replaces the index on teacher_id alone (its prefix) and the (kind, tier, term_end) index,
which made the filter collect every key teacher of the district before the first page. The
subject + zone filter counts teachers by subject and school from the index alone. A deep page
skips through the ids alone (a narrow index in id order) instead of whole rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 04:16:30.519216
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.drop_index("ix_designation_kind_tier_end")
        batch_op.drop_index("ix_designation_teacher_id")
        batch_op.create_index(
            "ix_designation_teacher_terms",
            ["teacher_id", "kind", "tier", "term_end", "term_start"],
            unique=False,
        )

    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.create_index(
            "ix_teacher_subject_school", ["main_subject", "school_id"], unique=False
        )
        batch_op.create_index("ix_teacher_id_order", ["id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.drop_index("ix_teacher_id_order")
        batch_op.drop_index("ix_teacher_subject_school")

    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.drop_index("ix_designation_teacher_terms")
        batch_op.create_index("ix_designation_teacher_id", ["teacher_id"], unique=False)
        batch_op.create_index(
            "ix_designation_kind_tier_end", ["kind", "tier", "term_end"], unique=False
        )
