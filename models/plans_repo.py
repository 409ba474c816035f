"""Queries of plans: a plan's nodes in one query (the tree is put together and rolled up in
memory), the plans of some scopes, the projects a resolution or an action is linked to with the
tallies of their links, and the progress proposals still waiting. They take the session and
never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from models.identity import County, Neighbourhood, ScopeKind
from models.plans import (
    Plan,
    PlanNode,
    PlanNodeKind,
    PlanProgressProposal,
    PlanProjectAction,
    PlanProjectResolution,
)
from models.resolutions import Action, Resolution, ResolutionStatus


async def plan_nodes(session: AsyncSession, plan_id: int) -> Sequence[PlanNode]:
    """Every node of the plan, in one query."""
    return (await session.scalars(select(PlanNode).where(PlanNode.plan_id == plan_id))).all()


async def plans_in_scopes(session: AsyncSession, scopes: Collection[tuple[ScopeKind, int]]) -> list[Plan]:
    """The plans of these scopes, newest first."""
    if not scopes:
        return []
    wanted = or_(*(and_(Plan.scope_kind == kind, Plan.scope_id == scope_id) for kind, scope_id in scopes))
    return list(await session.scalars(select(Plan).where(wanted).order_by(Plan.id.desc())))


async def plans_within(session: AsyncSession, kind: ScopeKind, scope_id: int) -> list[Plan]:
    """The plans of a region and of every region in it (a county's and its neighbourhoods'; a
    province's, its counties' and their neighbourhoods'), newest first, in one query."""
    counties = select(County.id).where(County.province_id == scope_id)
    if kind == ScopeKind.PROVINCE:
        neighbourhoods = select(Neighbourhood.id).where(Neighbourhood.county_id.in_(counties))
        wanted = or_(
            and_(Plan.scope_kind == ScopeKind.PROVINCE, Plan.scope_id == scope_id),
            and_(Plan.scope_kind == ScopeKind.COUNTY, Plan.scope_id.in_(counties)),
            and_(Plan.scope_kind == ScopeKind.NEIGHBOURHOOD, Plan.scope_id.in_(neighbourhoods)),
        )
    elif kind == ScopeKind.COUNTY:
        neighbourhoods = select(Neighbourhood.id).where(Neighbourhood.county_id == scope_id)
        wanted = or_(
            and_(Plan.scope_kind == ScopeKind.COUNTY, Plan.scope_id == scope_id),
            and_(Plan.scope_kind == ScopeKind.NEIGHBOURHOOD, Plan.scope_id.in_(neighbourhoods)),
        )
    else:
        wanted = and_(Plan.scope_kind == kind, Plan.scope_id == scope_id)
    return list(await session.scalars(select(Plan).where(wanted).order_by(Plan.id.desc())))


async def all_plans(session: AsyncSession, limit: int) -> list[Plan]:
    """The newest plans anywhere (for an administrator)."""
    return list(await session.scalars(select(Plan).order_by(Plan.id.desc()).limit(limit)))


async def link_counts(session: AsyncSession, node_id: int) -> tuple[int, int]:
    """How many resolutions and actions the node is linked to."""
    resolutions = await session.scalar(
        select(func.count())
        .select_from(PlanProjectResolution)
        .where(PlanProjectResolution.node_id == node_id)
    )
    actions = await session.scalar(
        select(func.count()).select_from(PlanProjectAction).where(PlanProjectAction.node_id == node_id)
    )
    return int(resolutions or 0), int(actions or 0)


async def projects_linked_to(
    session: AsyncSession, *, resolution_id: int | None = None, action_id: int | None = None
) -> list[PlanNode]:
    """The projects linked to the resolution (or the action)."""
    if resolution_id is not None:
        query = select(PlanNode).join(PlanProjectResolution, PlanProjectResolution.node_id == PlanNode.id)
        query = query.where(PlanProjectResolution.resolution_id == resolution_id)
    else:
        query = select(PlanNode).join(PlanProjectAction, PlanProjectAction.node_id == PlanNode.id)
        query = query.where(PlanProjectAction.action_id == action_id)
    return list(
        await session.scalars(query.where(PlanNode.kind == PlanNodeKind.PROJECT).order_by(PlanNode.id))
    )


@dataclass(frozen=True)
class LinkTally:
    """What a project's links say of its work: linked resolutions that still count (not
    cancelled), those of them done, and linked actions (logged, so done)."""

    resolutions: int
    resolutions_done: int
    actions: int


async def link_tallies(session: AsyncSession, node_ids: Collection[int]) -> dict[int, LinkTally]:
    """The tally of every node in `node_ids` (set-based: two queries whatever their number)."""
    if not node_ids:
        return {}
    done = func.sum(case((Resolution.status == ResolutionStatus.DONE, 1), else_=0))
    resolution_rows = await session.execute(
        select(PlanProjectResolution.node_id, func.count(), done)
        .join(Resolution, Resolution.id == PlanProjectResolution.resolution_id)
        .where(
            PlanProjectResolution.node_id.in_(node_ids),
            Resolution.status != ResolutionStatus.CANCELLED,
        )
        .group_by(PlanProjectResolution.node_id)
    )
    counted = {node_id: (int(total), int(finished or 0)) for node_id, total, finished in resolution_rows}
    action_rows = await session.execute(
        select(PlanProjectAction.node_id, func.count())
        .where(PlanProjectAction.node_id.in_(node_ids))
        .group_by(PlanProjectAction.node_id)
    )
    actions = {node_id: int(total) for node_id, total in action_rows}
    return {
        node_id: LinkTally(*counted.get(node_id, (0, 0)), actions=actions.get(node_id, 0))
        for node_id in node_ids
    }


async def open_proposal(session: AsyncSession, node_id: int) -> PlanProgressProposal | None:
    """The node's proposal still waiting for a decision, if any."""
    return await session.scalar(
        select(PlanProgressProposal).where(
            PlanProgressProposal.node_id == node_id, PlanProgressProposal.decided_at.is_(None)
        )
    )


async def open_proposals_of_plan(
    session: AsyncSession, plan_id: int
) -> list[tuple[PlanProgressProposal, PlanNode]]:
    """The plan's proposals waiting for a decision, oldest first, with their projects."""
    rows = await session.execute(
        select(PlanProgressProposal, PlanNode)
        .join(PlanNode, PlanNode.id == PlanProgressProposal.node_id)
        .where(PlanNode.plan_id == plan_id, PlanProgressProposal.decided_at.is_(None))
        .order_by(PlanProgressProposal.id)
    )
    return [(proposal, node) for proposal, node in rows.tuples()]


async def nodes_of_plans(session: AsyncSession, plan_ids: Collection[int]) -> dict[int, list[PlanNode]]:
    """Every node of each plan, by plan, in one query."""
    found: dict[int, list[PlanNode]] = {plan_id: [] for plan_id in plan_ids}
    if plan_ids:
        for node in await session.scalars(select(PlanNode).where(PlanNode.plan_id.in_(plan_ids))):
            found[node.plan_id].append(node)
    return found


def _neighbourhoods_in(
    kind: ScopeKind, scope_id: int, column: InstrumentedAttribute[int] = Resolution.neighbourhood_id
) -> ColumnElement[bool]:
    """The condition on a neighbourhood column (a resolution's by default) that keeps a region's
    rows."""
    if kind == ScopeKind.NEIGHBOURHOOD:
        return column == scope_id
    if kind == ScopeKind.COUNTY:
        return column.in_(select(Neighbourhood.id).where(Neighbourhood.county_id == scope_id))
    counties = select(County.id).where(County.province_id == scope_id)
    return column.in_(select(Neighbourhood.id).where(Neighbourhood.county_id.in_(counties)))


async def linkable_resolutions(
    session: AsyncSession, node_id: int, kind: ScopeKind, scope_id: int, *, offset: int, limit: int
) -> tuple[list[Resolution], int]:
    """A page of the region's resolutions that a project could be linked to — not cancelled, not
    linked to it already — open ones first, newest first; and how many there are."""
    wanted = and_(
        _neighbourhoods_in(kind, scope_id),
        Resolution.status != ResolutionStatus.CANCELLED,
        Resolution.id.not_in(
            select(PlanProjectResolution.resolution_id).where(PlanProjectResolution.node_id == node_id)
        ),
    )
    total = await session.scalar(select(func.count()).select_from(Resolution).where(wanted))
    done_last = case((Resolution.status == ResolutionStatus.DONE, 1), else_=0)
    page = await session.scalars(
        select(Resolution).where(wanted).order_by(done_last, Resolution.id.desc()).offset(offset).limit(limit)
    )
    return list(page), int(total or 0)


async def linkable_actions(
    session: AsyncSession, node_id: int, kind: ScopeKind, scope_id: int, *, offset: int, limit: int
) -> tuple[list[Action], int]:
    """A page of the region's actions that a project could be linked to — not linked to it
    already — the latest done first; and how many there are."""
    wanted = and_(
        _neighbourhoods_in(kind, scope_id, Action.neighbourhood_id),
        Action.id.not_in(select(PlanProjectAction.action_id).where(PlanProjectAction.node_id == node_id)),
    )
    total = await session.scalar(select(func.count()).select_from(Action).where(wanted))
    page = await session.scalars(
        select(Action)
        .where(wanted)
        .order_by(Action.done_on.desc(), Action.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(page), int(total or 0)
