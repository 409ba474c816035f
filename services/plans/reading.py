"""Reading plans: the plans a person sees (`plans_for`), a plan's rolled-up tree (`plan_tree`
for a reader, `plan_progress` for the reports, digests and the command line, which need no
actor), a project's card (`project_view`), the plans of a scope with their progress for the
performance report and the county digest (`scope_plans_progress`), and the tree as the CLI's
JSON (`tree_as_json`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import plans_repo
from models.council import Agency, CommitteeKey, CouncilMember
from models.identity import County, Neighbourhood, Person, Province, Role, ScopeKind
from models.plans import Plan, PlanNode
from services.authz import Actor
from services.plans.access import load_plan, require_plan_reader
from services.plans.errors import UnknownPlanNode
from services.plans.rollup import RolledNode, RolledPlan, roll_up

__all__ = [
    "PlanProgress",
    "PlanShelf",
    "PlanSummary",
    "PlansTally",
    "ProjectView",
    "ProposalView",
    "ScopeChoice",
    "plan_progress",
    "plan_tree",
    "plans_for",
    "project_view",
    "scope_plans_progress",
    "tally",
    "tree_as_json",
    "whole_percent",
]

# How many plans an administrator's /plan lists (the newest).
ADMIN_SHELF = 50
# The roles by which a person reads, and keeps, the plans of the scope of their grant.
_READING_ROLES = {
    ScopeKind.PROVINCE: {Role.PROVINCE_OFFICIAL},
    ScopeKind.COUNTY: {Role.COUNTY_OFFICIAL},
    ScopeKind.NEIGHBOURHOOD: {Role.MANAGER, Role.COUNCIL_MEMBER, Role.COMMITTEE_HEAD},
}
_KEEPING_ROLES = {
    ScopeKind.PROVINCE: Role.PROVINCE_OFFICIAL,
    ScopeKind.COUNTY: Role.COUNTY_OFFICIAL,
    ScopeKind.NEIGHBOURHOOD: Role.MANAGER,
}


@dataclass(frozen=True)
class ScopeChoice:
    kind: ScopeKind
    id: int
    name: str


@dataclass(frozen=True)
class PlanSummary:
    id: int
    title: str
    scope: ScopeChoice


@dataclass(frozen=True)
class PlanShelf:
    """The plans a person sees, newest first, and the scopes where they may start a new one."""

    plans: list[PlanSummary]
    new_plan_scopes: list[ScopeChoice]


@dataclass(frozen=True)
class ProposalView:
    id: int
    node_id: int
    project: str
    progress_from: int
    progress_to: int
    resolution_id: int | None
    action_id: int | None


@dataclass(frozen=True)
class ProjectView:
    """A project's card: its figures, where it stands in the plan, who answers for it and what
    it is linked to."""

    plan_id: int
    plan_title: str
    node: RolledNode
    # The names above it, from the top, and its place among its siblings (from 0).
    path: list[str]
    index: int
    committee: CommitteeKey | None
    # (Persian name, English name)
    agency: tuple[str, str] | None
    member: str | None
    linked_resolutions: int
    linked_actions: int
    proposal: ProposalView | None


@dataclass(frozen=True)
class PlanProgress:
    """One plan of a scope in a report: its progress, projects and late projects."""

    plan_id: int
    title: str
    scope_kind: ScopeKind
    scope_id: int
    progress: float
    projects: int
    late_projects: int


@dataclass(frozen=True)
class PlansTally:
    """Several plans together, as the performance report and the county digest sum them up: how
    many, their mean progress (each plan counts once, whatever its size; None without plans),
    their projects and late projects."""

    plans: int
    progress: float | None
    projects: int
    late_projects: int


def whole_percent(progress: float) -> int:
    """A progress as a whole percentage for reports and digests: 100 only when done (99.6 is 99)."""
    return 100 if progress >= 100 else min(round(progress), 99)


def tally(plans: Iterable[PlanProgress]) -> PlansTally:
    """The plans summed up (`PlansTally`)."""
    listed = list(plans)
    progress = sum(p.progress for p in listed) / len(listed) if listed else None
    return PlansTally(
        len(listed),
        progress,
        sum(p.projects for p in listed),
        sum(p.late_projects for p in listed),
    )


async def _scope_name(session: AsyncSession, kind: ScopeKind, scope_id: int) -> str:
    if kind == ScopeKind.PROVINCE:
        name = await session.scalar(select(Province.name).where(Province.id == scope_id))
    elif kind == ScopeKind.COUNTY:
        name = await session.scalar(select(County.name).where(County.id == scope_id))
    else:
        name = await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == scope_id))
    return name or ""


async def _summaries(session: AsyncSession, plans: list[Plan]) -> list[PlanSummary]:
    names: dict[tuple[ScopeKind, int], str] = {}
    for plan in plans:
        where = (plan.scope_kind, plan.scope_id)
        if where not in names:
            names[where] = await _scope_name(session, *where)
    return [
        PlanSummary(p.id, p.title, ScopeChoice(p.scope_kind, p.scope_id, names[p.scope_kind, p.scope_id]))
        for p in plans
    ]


async def plans_for(session: AsyncSession, actor: Actor) -> PlanShelf:
    """The plans of the actor's own scopes (every plan, newest first, for an administrator), and
    the scopes whose plans they keep. Refuses nobody: each sees what is theirs."""
    reading = {
        (grant.scope_kind, grant.scope_id)
        for grant in actor.grants
        if grant.role in _READING_ROLES.get(grant.scope_kind, set())
    }
    keeping = sorted(
        {(g.scope_kind, g.scope_id) for g in actor.grants if _KEEPING_ROLES.get(g.scope_kind) == g.role}
    )
    if actor.is_admin:
        plans = await plans_repo.all_plans(session, ADMIN_SHELF)
    else:
        plans = await plans_repo.plans_in_scopes(session, reading)
    scopes = [
        ScopeChoice(kind, scope_id, await _scope_name(session, kind, scope_id)) for kind, scope_id in keeping
    ]
    return PlanShelf(await _summaries(session, plans), scopes)


async def plan_progress(session: AsyncSession, plan_id: int, today: date) -> RolledPlan:
    """The plan's rolled-up tree (no authorization: for reports, digests and the CLI)."""
    plan = await load_plan(session, plan_id)
    return roll_up(plan.id, plan.title, await plans_repo.plan_nodes(session, plan.id), today)


async def plan_tree(session: AsyncSession, *, actor: Actor, plan_id: int, today: date) -> RolledPlan:
    """The plan's rolled-up tree, for one who may read it (`require_plan_reader`)."""
    plan = await load_plan(session, plan_id)
    await require_plan_reader(session, actor, plan.scope_kind, plan.scope_id)
    return roll_up(plan.id, plan.title, await plans_repo.plan_nodes(session, plan.id), today)


async def scope_plans_progress(
    session: AsyncSession, scope_kind: ScopeKind, scope_id: int, today: date, *, within: bool = False
) -> list[PlanProgress]:
    """Every plan of the scope with its progress, newest first — with `within`, also the plans of
    the regions in it (a county's neighbourhoods; a province's counties and neighbourhoods). What
    the performance report and the weekly county digest show; two queries whatever the number of
    plans, no authorization (the callers decide who sees the report)."""
    if within:
        plans = await plans_repo.plans_within(session, scope_kind, scope_id)
    else:
        plans = await plans_repo.plans_in_scopes(session, [(scope_kind, scope_id)])
    nodes = await plans_repo.nodes_of_plans(session, [plan.id for plan in plans])
    return [
        PlanProgress(
            plan.id,
            plan.title,
            plan.scope_kind,
            plan.scope_id,
            rolled.progress,
            rolled.projects,
            rolled.late_projects,
        )
        for plan in plans
        for rolled in [roll_up(plan.id, plan.title, nodes[plan.id], today)]
    ]


async def _responsible(session: AsyncSession, node: PlanNode) -> tuple[tuple[str, str] | None, str | None]:
    """The agency's names and the member's name the node names, when it does."""
    agency = None
    if node.responsible_agency_id is not None:
        found = await session.get(Agency, node.responsible_agency_id)
        agency = (found.name_fa, found.name_en) if found is not None else None
    member = None
    if node.responsible_member_id is not None:
        member = await session.scalar(
            select(Person.full_name)
            .join(CouncilMember, CouncilMember.person_id == Person.id)
            .where(CouncilMember.id == node.responsible_member_id)
        )
    return agency, member


async def project_view(session: AsyncSession, *, actor: Actor, node_id: int, today: date) -> ProjectView:
    """A node's card for one who may read its plan (any level; the progress form is for projects)."""
    node = await session.get(PlanNode, node_id)
    if node is None:
        raise UnknownPlanNode(node_id)
    tree = await plan_tree(session, actor=actor, plan_id=node.plan_id, today=today)
    rolled = tree.node(node_id)
    siblings = tree.node(rolled.parent_id).children if rolled.parent_id is not None else tree.children
    agency, member = await _responsible(session, node)
    resolutions, actions = await plans_repo.link_counts(session, node_id)
    waiting = await plans_repo.open_proposal(session, node_id)
    proposal = None
    if waiting is not None:
        proposal = ProposalView(
            waiting.id,
            node_id,
            node.name,
            waiting.progress_from,
            waiting.progress_to,
            waiting.resolution_id,
            waiting.action_id,
        )
    return ProjectView(
        plan_id=tree.plan_id,
        plan_title=tree.title,
        node=rolled,
        path=[above.name for above in tree.path(node_id)[:-1]],
        index=siblings.index(rolled),
        committee=node.responsible_committee,
        agency=agency,
        member=member,
        linked_resolutions=resolutions,
        linked_actions=actions,
        proposal=proposal,
    )


def _node_json(node: RolledNode) -> dict[str, Any]:
    return {
        "name": node.name,
        "kind": node.kind.value,
        "weight": round(node.weight, 4),
        "progress": round(node.progress, 2),
        "late": node.late.value if node.late else None,
        "children": [_node_json(child) for child in node.children],
    }


def tree_as_json(plan: RolledPlan) -> dict[str, Any]:
    """`{"name": …, "progress": p, "children": [...]}`, every node with its rolled-up progress
    (and its kind, weight and lateness)."""
    return {
        "name": plan.title,
        "progress": round(plan.progress, 2),
        "children": [_node_json(child) for child in plan.children],
    }
