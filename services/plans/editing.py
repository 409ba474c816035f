"""Changing a plan in the chat, for the small cases (a neighbourhood's yearly plan): starting an
empty plan, adding a node (a project, usually) under the plan or a node of a higher level, and
setting a project's progress. Each checks that the actor keeps the plan's scope, writes an audit
entry and commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import ScopeKind
from models.plans import PLAN_LEVELS, Plan, PlanNode, PlanNodeKind
from services.authz import Actor, record_audit
from services.errors import TextTooLong, TextTooShort
from services.plans.access import load_plan, require_plan_editor
from services.plans.errors import NotAProject, UnknownPlanNode, WrongLevel
from services.plans.importing import clean_plan_title
from services.plans.parsing import MAX_NAME_LENGTH, clean_node_name
from services.resolutions.errors import InvalidProgress
from services.uow import committing

__all__ = [
    "MIN_NAME_LENGTH",
    "NewNode",
    "ProgressChange",
    "add_plan_node",
    "clean_plan_node_name",
    "create_plan",
    "set_project_progress",
]

MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class NewNode:
    id: int
    plan_id: int
    parent_id: int | None
    name: str


@dataclass(frozen=True)
class ProgressChange:
    node_id: int
    plan_id: int
    name: str
    before: int
    after: int


def clean_plan_node_name(text: str | None) -> str:
    """A node's name typed in the chat; raises `TextTooShort` / `TextTooLong`."""
    name = clean_node_name(text)
    if len(name) < MIN_NAME_LENGTH:
        raise TextTooShort("name", MIN_NAME_LENGTH)
    if len(name) > MAX_NAME_LENGTH:
        raise TextTooLong("name", len(name), MAX_NAME_LENGTH)
    return name


async def create_plan(
    session: AsyncSession, *, actor: Actor, scope_kind: ScopeKind, scope_id: int, title: str, now: datetime
) -> int:
    """A new, empty plan of the scope; returns its id."""
    cleaned = clean_plan_title(title)
    async with committing(session):
        await require_plan_editor(session, actor, scope_kind, scope_id, "plan.create")
        plan = Plan(
            scope_kind=scope_kind,
            scope_id=scope_id,
            title=cleaned,
            created_at=now,
            created_by_person_id=actor.person_id,
        )
        session.add(plan)
        await session.flush()
        record_audit(
            session,
            actor,
            action="plan.create",
            target_type="plan",
            target_id=plan.id,
            details={"title": cleaned},
            now=now,
        )
    return plan.id


async def _parent(
    session: AsyncSession, plan_id: int, parent_id: int | None, kind: PlanNodeKind
) -> PlanNode | None:
    """The node to add under (None: the plan's top), of a level above `kind`."""
    if parent_id is None:
        return None
    parent = await session.get(PlanNode, parent_id)
    if parent is None or parent.plan_id != plan_id:
        raise UnknownPlanNode(parent_id)
    if PLAN_LEVELS.index(parent.kind) >= PLAN_LEVELS.index(kind):
        raise WrongLevel(f"a {kind.value} cannot stand under a {parent.kind.value}")
    return parent


async def add_plan_node(
    session: AsyncSession,
    *,
    actor: Actor,
    plan_id: int,
    parent_id: int | None,
    name: str,
    now: datetime,
    kind: PlanNodeKind = PlanNodeKind.PROJECT,
    weight: float | None = None,
) -> NewNode:
    """A node (a project unless said) added last under `parent_id` (None: the plan's top); a
    project starts at 0 %."""
    cleaned = clean_plan_node_name(name)
    async with committing(session):
        plan = await load_plan(session, plan_id)
        await require_plan_editor(session, actor, plan.scope_kind, plan.scope_id, "plan.edit")
        parent = await _parent(session, plan_id, parent_id, kind)
        siblings = PlanNode.parent_id == parent_id if parent_id is not None else PlanNode.parent_id.is_(None)
        last = await session.scalar(
            select(func.max(PlanNode.position)).where(PlanNode.plan_id == plan_id, siblings)
        )
        node = PlanNode(
            plan_id=plan_id,
            parent_id=parent.id if parent else None,
            kind=kind,
            position=(last + 1) if last is not None else 0,
            name=cleaned,
            weight=weight,
            progress=0 if kind is PlanNodeKind.PROJECT else None,
            updated_at=now,
        )
        session.add(node)
        await session.flush()
        record_audit(
            session,
            actor,
            action="plan.add",
            target_type="plan_node",
            target_id=node.id,
            details={"plan": plan_id, "kind": kind.value, "name": cleaned},
            now=now,
        )
    return NewNode(node.id, plan_id, node.parent_id, cleaned)


async def set_project_progress(
    session: AsyncSession, *, actor: Actor, node_id: int, progress: int, now: datetime
) -> ProgressChange:
    """Set a project's progress (0–100; `InvalidProgress` otherwise, `NotAProject` for a goal,
    strategy or policy, whose progress is rolled up)."""
    if not 0 <= progress <= 100:
        raise InvalidProgress(str(progress))
    async with committing(session):
        node = await session.get(PlanNode, node_id)
        if node is None:
            raise UnknownPlanNode(node_id)
        plan = await load_plan(session, node.plan_id)
        await require_plan_editor(session, actor, plan.scope_kind, plan.scope_id, "plan.progress")
        if node.kind is not PlanNodeKind.PROJECT:
            raise NotAProject(node_id)
        before = node.progress or 0
        node.progress, node.updated_at = progress, now
        record_audit(
            session,
            actor,
            action="plan.progress",
            target_type="plan_node",
            target_id=node.id,
            details={"from": before, "to": progress},
            now=now,
        )
    return ProgressChange(node.id, node.plan_id, node.name, before, progress)
