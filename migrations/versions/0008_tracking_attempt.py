"""tracking attempts: /track look-ups of codes that are not the asker's, counted per hour

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_attempt")),
    )
    with op.batch_alter_table("tracking_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_tracking_attempt_asker", ["asker", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tracking_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_tracking_attempt_asker")
    op.drop_table("tracking_attempt")
