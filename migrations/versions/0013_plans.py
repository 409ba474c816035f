"""plans: a region's plan, its goals → strategies → policies → projects, the links of projects to
resolutions and actions, and the progress moves waiting for the manager's confirmation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_plan() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "scope_kind",
            sa.Enum(
                "global",
                "province",
                "county",
                "neighbourhood",
                name="scope_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_plan_created_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index("ix_plan_scope", ["scope_kind", "scope_id"], unique=False)


def _create_plan_node() -> None:
    op.create_table(
        "plan_node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "goal", "strategy", "policy", "project", name="plan_node_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column(
            "responsible_kind",
            sa.Enum("committee", "agency", "member", name="responsible_kind", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column(
            "responsible_committee",
            sa.Enum(
                "health",
                "livelihood",
                "security",
                "culture",
                "services",
                "environment",
                "crisis",
                name="committee_key",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("responsible_agency_id", sa.Integer(), nullable=True),
        sa.Column("responsible_member_id", sa.Integer(), nullable=True),
        sa.Column("responsible_label", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["plan_node.id"], name=op.f("fk_plan_node_parent_id_plan_node"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_node_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["responsible_agency_id"],
            ["agency.id"],
            name=op.f("fk_plan_node_responsible_agency_id_agency"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_member_id"],
            ["council_member.id"],
            name=op.f("fk_plan_node_responsible_member_id_council_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_node")),
    )
    with op.batch_alter_table("plan_node", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_node_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_node_plan_id"), ["plan_id"], unique=False)


def _create_plan_project_resolution() -> None:
    op.create_table(
        "plan_project_resolution",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["plan_node.id"],
            name=op.f("fk_plan_project_resolution_node_id_plan_node"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["resolution.id"],
            name=op.f("fk_plan_project_resolution_resolution_id_resolution"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", "resolution_id", name=op.f("pk_plan_project_resolution")),
    )
    with op.batch_alter_table("plan_project_resolution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_project_resolution_resolution_id"), ["resolution_id"], unique=False
        )


def _create_plan_progress_proposal() -> None:
    op.create_table(
        "plan_progress_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("progress_from", sa.Integer(), nullable=False),
        sa.Column("progress_to", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "decision",
            sa.Enum("confirmed", "dismissed", name="proposal_decision", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("decided_by_person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["council_action.id"],
            name=op.f("fk_plan_progress_proposal_action_id_council_action"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_person_id"],
            ["person.id"],
            name=op.f("fk_plan_progress_proposal_decided_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["plan_node.id"],
            name=op.f("fk_plan_progress_proposal_node_id_plan_node"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["resolution.id"],
            name=op.f("fk_plan_progress_proposal_resolution_id_resolution"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_progress_proposal")),
    )
    with op.batch_alter_table("plan_progress_proposal", schema=None) as batch_op:
        batch_op.create_index("ix_plan_progress_proposal_open", ["node_id", "decided_at"], unique=False)


def _create_plan_project_action() -> None:
    op.create_table(
        "plan_project_action",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["council_action.id"],
            name=op.f("fk_plan_project_action_action_id_council_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["plan_node.id"],
            name=op.f("fk_plan_project_action_node_id_plan_node"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", "action_id", name=op.f("pk_plan_project_action")),
    )
    with op.batch_alter_table("plan_project_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_project_action_action_id"), ["action_id"], unique=False)


def upgrade() -> None:
    _create_plan()
    _create_plan_node()
    _create_plan_project_resolution()
    _create_plan_progress_proposal()
    _create_plan_project_action()


def downgrade() -> None:
    with op.batch_alter_table("plan_project_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_project_action_action_id"))

    op.drop_table("plan_project_action")
    with op.batch_alter_table("plan_progress_proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_progress_proposal_open")

    op.drop_table("plan_progress_proposal")
    with op.batch_alter_table("plan_project_resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_project_resolution_resolution_id"))

    op.drop_table("plan_project_resolution")
    with op.batch_alter_table("plan_node", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_node_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_node_parent_id"))

    op.drop_table("plan_node")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_scope")

    op.drop_table("plan")
