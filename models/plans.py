"""Plans with progress: a province's, county's or neighbourhood's plan, its tree of goals →
strategies → policies → projects (any level may be skipped), the links of projects to the
resolutions and actions that carry them out, and the progress moves those suggest, waiting for
the manager to confirm them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.council import CommitteeKey
from models.identity import ScopeKind, _enum
from models.resolutions import ResponsibleKind


class PlanNodeKind(enum.StrEnum):
    """The levels of a plan, from the top; a node's parent is of an earlier level."""

    GOAL = "goal"
    STRATEGY = "strategy"
    POLICY = "policy"
    PROJECT = "project"


PLAN_LEVELS: tuple[PlanNodeKind, ...] = tuple(PlanNodeKind)


class Plan(Base):
    """A plan of a province, a county or a neighbourhood (a city's strategic plan, a council's
    yearly action plan); a scope may have several."""

    __tablename__ = "plan"
    __table_args__ = (Index("ix_plan_scope", "scope_kind", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # PROVINCE, COUNTY or NEIGHBOURHOOD (never GLOBAL), and that region's id.
    scope_kind: Mapped[ScopeKind] = mapped_column(_enum(ScopeKind, "scope_kind"))
    scope_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class PlanNode(Base):
    """A goal, strategy, policy or project of a plan. Only projects carry their own progress; a
    parent's progress and (unless given) weight are rolled up from its children when read."""

    __tablename__ = "plan_node"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_node.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PlanNodeKind] = mapped_column(_enum(PlanNodeKind, "plan_node_kind"))
    # Order among its siblings (as imported or added).
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    # None: a project weighs 1, a parent the sum of its children's weights.
    weight: Mapped[float | None] = mapped_column(Float)
    # Like a resolution's responsible body (`models.resolutions.Resolution`); `responsible_label`
    # keeps the name as written, also when it names no agency, committee or member known here
    # (a province department, say), when the kind is None.
    responsible_kind: Mapped[ResponsibleKind | None] = mapped_column(
        _enum(ResponsibleKind, "responsible_kind")
    )
    responsible_committee: Mapped[CommitteeKey | None] = mapped_column(_enum(CommitteeKey, "committee_key"))
    responsible_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    responsible_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_member.id", ondelete="SET NULL")
    )
    responsible_label: Mapped[str | None] = mapped_column(String(200))
    # Calendar dates (Tehran), entered as Jalali.
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # Projects only: 0–100.
    progress: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class PlanProjectResolution(Base):
    """A resolution that carries out (part of) a project."""

    __tablename__ = "plan_project_resolution"

    node_id: Mapped[int] = mapped_column(ForeignKey("plan_node.id", ondelete="CASCADE"), primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class PlanProjectAction(Base):
    """An action logged as (part of) a project's work."""

    __tablename__ = "plan_project_action"

    node_id: Mapped[int] = mapped_column(ForeignKey("plan_node.id", ondelete="CASCADE"), primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("council_action.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class ProposalDecision(enum.StrEnum):
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class PlanProgressProposal(Base):
    """A progress move suggested when a linked resolution was done or a linked action logged;
    nothing changes until the manager (or an official above) confirms it."""

    __tablename__ = "plan_progress_proposal"
    __table_args__ = (Index("ix_plan_progress_proposal_open", "node_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("plan_node.id", ondelete="CASCADE"))
    progress_from: Mapped[int] = mapped_column(Integer)
    progress_to: Mapped[int] = mapped_column(Integer)
    # What suggested it: one of the two.
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolution.id", ondelete="SET NULL"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("council_action.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decision: Mapped[ProposalDecision | None] = mapped_column(_enum(ProposalDecision, "proposal_decision"))
    decided_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
