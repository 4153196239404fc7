"""the audit chain: each transaction's audit entries sealed by a keyed link

The audit log was a table anyone with the database's own rights could edit: an entry changed,
deleted or added left no trace. ``auditseal`` holds one link per committing transaction — its
entries' count and SHA-256 and an HMAC (a key derived from the secret key) over those and the
previous link — and ``auditlog.seal_id`` names the link that holds an entry
(``workforce.audit_chain``; ``workforce verify-audit`` checks the whole chain).
``auditlog.seal_token`` is the writing transaction's random token until it commits: a commit
seals only its own entries, never one written around the application.

Entries written before this revision have no link yet: ``workforce.db.migrate`` seals them as
one link after the upgrade (the migration itself does not hold the secret key).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditseal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("first_entry_id", sa.Integer(), nullable=False),
        sa.Column("last_entry_id", sa.Integer(), nullable=False),
        sa.Column("entries_sha256", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seq"),
    )
    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("seal_token", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_auditlog_seal_id"), ["seal_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_auditlog_seal_id_auditseal"), "auditseal", ["seal_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_auditlog_seal_id_auditseal"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_auditlog_seal_id"))
        batch_op.drop_column("seal_token")
        batch_op.drop_column("seal_id")
    op.drop_table("auditseal")
