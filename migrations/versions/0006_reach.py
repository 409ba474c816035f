"""reach: outbox messages waiting for their person, blocked accounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLATFORM = sa.Enum("telegram", "bale", name="platform", native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("platform", existing_type=_PLATFORM, nullable=True)
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.add_column(sa.Column("topic", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_outbox_message_person", ["person_id", "status"], unique=False)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Messages still waiting for a person have nowhere to go in the old schema.
    op.execute("DELETE FROM outbox_message WHERE status = 'waiting'")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("blocked_at")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_person")
        batch_op.drop_column("topic")
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("platform", existing_type=_PLATFORM, nullable=False)
