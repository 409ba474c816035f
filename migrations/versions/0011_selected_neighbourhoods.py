"""neighbourhood.selected: the programme's «محلات منتخب», set by import-regions' optional column

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("neighbourhood", schema=None) as batch_op:
        batch_op.add_column(sa.Column("selected", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("neighbourhood", schema=None) as batch_op:
        batch_op.drop_column("selected")
