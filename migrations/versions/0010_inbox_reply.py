"""inbox_reply: replies sent while handling an update, so a restart does not send them twice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_reply",
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "update_id", "seq", name=op.f("pk_inbox_reply")),
    )
    with op.batch_alter_table("inbox_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_reply_sent_at"), ["sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_reply_sent_at"))
    op.drop_table("inbox_reply")
