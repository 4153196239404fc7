"""indexes for the key-teacher and subject+zone filters

The key-teacher filter reads designations by kind, tier and term; with the teacher id in the
index it no longer touches the designation rows (the old three-column index is its prefix, so
it goes). The subject + zone filter counts teachers by subject and school from the index alone.

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
        batch_op.create_index(
            "ix_designation_key_teachers",
            ["kind", "tier", "term_end", "term_start", "teacher_id"],
            unique=False,
        )

    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.create_index(
            "ix_teacher_subject_school", ["main_subject", "school_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.drop_index("ix_teacher_subject_school")

    with op.batch_alter_table("designation", schema=None) as batch_op:
        batch_op.drop_index("ix_designation_key_teachers")
        batch_op.create_index(
            "ix_designation_kind_tier_end", ["kind", "tier", "term_end"], unique=False
        )
