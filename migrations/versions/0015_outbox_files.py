"""outbox files: an outbox message may carry one file (a photo or a document), its text the
caption; the bytes in a table of their own so that claiming and listing the outbox never read them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_file",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("photo", "document", name="outbox_file_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_file_outbox_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outbox_id", name=op.f("pk_outbox_file")),
    )


def downgrade() -> None:
    op.drop_table("outbox_file")
