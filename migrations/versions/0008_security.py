"""security: ID numbers already in the audit log re-masked to the new mask

The old mask kept the area code and the last four characters (``441602********8936``): with
the birth date shown beside it, that gave the whole number back. The new mask
(:func:`workforce.idnumber.mask`) hides every character. This revision rewrites the masked
numbers already stored in the audit log's ``before``/``after`` values (any text of the old
mask's shape: 6 digits, 8 ``*``, 3 digits and a digit or ``X``) to the new mask, so that
the log no longer shows the digits either. No table changes.

Not reversible: the hidden digits are gone (that is the point); downgrade leaves the entries
masked.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_MASK = re.compile(r"^[0-9]{6}\*{8}[0-9]{3}[0-9X]$")
NEW_MASK = "*" * 18
BATCH = 1_000

audit_log = sa.table(
    "auditlog",
    sa.column("id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def remasked(value: Any) -> Any:
    """``value`` with every old-mask text inside it (at any depth) replaced by the new mask."""
    if isinstance(value, str):
        return NEW_MASK if OLD_MASK.match(value) else value
    if isinstance(value, dict):
        return {k: remasked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [remasked(v) for v in value]
    return value


def upgrade() -> None:
    connection = op.get_bind()
    stars = "%********%"
    candidates = sa.or_(
        sa.cast(audit_log.c.before, sa.Text).like(stars),
        sa.cast(audit_log.c.after, sa.Text).like(stars),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(audit_log.c.id, audit_log.c.before, audit_log.c.after)
            .where(candidates, audit_log.c.id > last_id)
            .order_by(audit_log.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, before, after in rows:
            new_before, new_after = remasked(before), remasked(after)
            if (new_before, new_after) != (before, after):
                connection.execute(
                    audit_log.update()
                    .where(audit_log.c.id == row_id)
                    .values(before=new_before, after=new_after)
                )
        last_id = rows[-1][0]


def downgrade() -> None:
    """Nothing to undo: the digits the old mask showed are not kept anywhere."""
