"""Projects and the work that carries them out: linking a project to resolutions and actions of
its plan's region, and the progress moves those links suggest.

A project's links say how much of its work is done: its linked resolutions that still count (not
cancelled) and its linked actions (an action is logged once done). When a linked resolution is
marked done or an action is logged against the project, `propose_progress` suggests the share
of that work done — `round(100 × done / linked)` — as the project's progress, if that is more
than it stands at now. Nothing moves until the manager (whoever keeps the plan) confirms it with
`confirm_progress`, possibly with another figure, or dismisses it; one proposal per project waits
at a time, the newest figure replacing an older one.

Linking proposes at once (a resolution done already, an action), and the keeper who linked sees
it on the project's card. The completion flows call `notices.propose_and_tell` (this
`propose_progress`, and the proposals queued to the plan's keepers with ✅ / ✖) inside their own
transaction, once the new state is in the session: `services.resolutions.progress.update_progress`
when the status becomes DONE, and `services.actions.log_action` when `completes_resolution` is
set. This package imports only `services.resolutions.errors` and `.rules` from the resolutions, so
those modules may import `services.plans.notices` at the top without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import plans_repo
from models.identity import ScopeKind
from models.plans import (
    Plan,
    PlanNode,
    PlanNodeKind,
    PlanProgressProposal,
    PlanProjectAction,
    PlanProjectResolution,
    ProposalDecision,
)
from models.plans_repo import LinkTally
from models.resolutions import Action, Resolution, ResolutionStatus
from services.authz import Actor, Region, record_audit, region_of
from services.plans.access import load_plan, require_plan_editor
from services.plans.errors import NotAProject, OutsidePlan, ProposalDecided, UnknownPlanNode, UnknownProposal
from services.plans.reading import ProposalView
from services.resolutions.errors import InvalidProgress, UnknownResolution
from services.uow import committing

__all__ = [
    "ActionChoices",
    "LinkChoices",
    "LinkResult",
    "LinkableAction",
    "LinkableResolution",
    "ProposalOutcome",
    "confirm_progress",
    "link_action",
    "link_resolution",
    "linkable_actions",
    "linkable_resolutions",
    "open_proposals",
    "propose_progress",
    "proposed_progress",
]


@dataclass(frozen=True)
class LinkResult:
    """Whether a new link was made (False: it was there already) and the move it suggests."""

    linked: bool
    proposals: list[ProposalView]


@dataclass(frozen=True)
class LinkableResolution:
    id: int
    text: str
    done: bool


@dataclass(frozen=True)
class LinkChoices:
    """A page of the resolutions a project could be linked to, and how many there are in all."""

    node_id: int
    name: str
    total: int
    resolutions: list[LinkableResolution]


@dataclass(frozen=True)
class LinkableAction:
    id: int
    title: str
    done_on: date


@dataclass(frozen=True)
class ActionChoices:
    """A page of the actions a project could be linked to, and how many there are in all."""

    node_id: int
    name: str
    total: int
    actions: list[LinkableAction]


@dataclass(frozen=True)
class ProposalOutcome:
    proposal_id: int
    node_id: int
    plan_id: int
    name: str
    accepted: bool
    before: int
    after: int


def proposed_progress(tally: LinkTally) -> int | None:
    """The share of a project's linked work that is done, as a percentage (None: no links)."""
    linked = tally.resolutions + tally.actions
    if linked == 0:
        return None
    return round(100 * (tally.resolutions_done + tally.actions) / linked)


def _within(plan: Plan, region: Region) -> bool:
    """Whether a neighbourhood's region lies in the plan's scope."""
    scope_id = {
        ScopeKind.PROVINCE: region.province_id,
        ScopeKind.COUNTY: region.county_id,
        ScopeKind.NEIGHBOURHOOD: region.neighbourhood_id,
    }[plan.scope_kind]
    return scope_id == plan.scope_id


def _view(proposal: PlanProgressProposal, node: PlanNode) -> ProposalView:
    return ProposalView(
        proposal.id,
        node.id,
        node.name,
        proposal.progress_from,
        proposal.progress_to,
        proposal.resolution_id,
        proposal.action_id,
    )


async def propose_progress(
    session: AsyncSession, *, resolution_id: int | None = None, action_id: int | None = None, now: datetime
) -> list[ProposalView]:
    """The progress moves suggested now that the resolution is done (or the action logged), for
    every project linked to it. Runs inside the caller's transaction (it flushes, never commits),
    after the resolution's new status is in the session."""
    if (resolution_id is None) == (action_id is None):
        raise ValueError("propose_progress takes a resolution or an action")
    projects = await plans_repo.projects_linked_to(session, resolution_id=resolution_id, action_id=action_id)
    tallies = await plans_repo.link_tallies(session, [project.id for project in projects])
    views: list[ProposalView] = []
    for project in projects:
        target, current = proposed_progress(tallies[project.id]), project.progress or 0
        if target is None or target <= current:
            continue
        waiting = await plans_repo.open_proposal(session, project.id)
        if waiting is None:
            waiting = PlanProgressProposal(node_id=project.id, created_at=now)
            session.add(waiting)
        waiting.progress_from, waiting.progress_to = current, target
        waiting.resolution_id, waiting.action_id = resolution_id, action_id
        await session.flush()
        views.append(_view(waiting, project))
    return views


async def _project_to_link(session: AsyncSession, actor: Actor, node_id: int) -> tuple[PlanNode, Plan]:
    node = await session.get(PlanNode, node_id)
    if node is None:
        raise UnknownPlanNode(node_id)
    plan = await load_plan(session, node.plan_id)
    await require_plan_editor(session, actor, plan.scope_kind, plan.scope_id, "plan.link")
    if node.kind is not PlanNodeKind.PROJECT:
        raise NotAProject(node_id)
    return node, plan


async def link_resolution(
    session: AsyncSession, *, actor: Actor, node_id: int, resolution_id: int, now: datetime
) -> LinkResult:
    """Link a resolution of the plan's region to a project (again: nothing changes); a resolution
    done already suggests a progress move at once."""
    async with committing(session):
        node, plan = await _project_to_link(session, actor, node_id)
        resolution = await session.get(Resolution, resolution_id)
        if resolution is None:
            raise UnknownResolution(resolution_id)
        if not _within(plan, await region_of(session, ScopeKind.NEIGHBOURHOOD, resolution.neighbourhood_id)):
            raise OutsidePlan(f"resolution {resolution_id} is outside plan {plan.id}")
        if await session.get(PlanProjectResolution, (node.id, resolution_id)) is not None:
            return LinkResult(False, [])
        session.add(PlanProjectResolution(node_id=node.id, resolution_id=resolution_id, created_at=now))
        record_audit(
            session,
            actor,
            action="plan.link",
            target_type="plan_node",
            target_id=node.id,
            details={"resolution": resolution_id},
            now=now,
        )
        await session.flush()
        done = resolution.status is ResolutionStatus.DONE
        proposals = await propose_progress(session, resolution_id=resolution_id, now=now) if done else []
    return LinkResult(True, [p for p in proposals if p.node_id == node.id])


async def linkable_resolutions(
    session: AsyncSession, *, actor: Actor, node_id: int, offset: int = 0, limit: int = 10
) -> LinkChoices:
    """For whoever keeps the plan: a page of its region's resolutions the project is not linked
    to yet (cancelled ones left out), open ones first, newest first."""
    node, plan = await _project_to_link(session, actor, node_id)
    found, total = await plans_repo.linkable_resolutions(
        session, node.id, plan.scope_kind, plan.scope_id, offset=max(offset, 0), limit=limit
    )
    choices = [LinkableResolution(r.id, r.text, r.status is ResolutionStatus.DONE) for r in found]
    return LinkChoices(node.id, node.name, total, choices)


async def linkable_actions(
    session: AsyncSession, *, actor: Actor, node_id: int, offset: int = 0, limit: int = 10
) -> ActionChoices:
    """For whoever keeps the plan: a page of its region's actions the project is not linked to yet,
    the latest done first."""
    node, plan = await _project_to_link(session, actor, node_id)
    found, total = await plans_repo.linkable_actions(
        session, node.id, plan.scope_kind, plan.scope_id, offset=max(offset, 0), limit=limit
    )
    return ActionChoices(node.id, node.name, total, [LinkableAction(a.id, a.title, a.done_on) for a in found])


async def link_action(
    session: AsyncSession, *, actor: Actor, node_id: int, action_id: int, now: datetime
) -> LinkResult:
    """Link an action of the plan's region to a project (again: nothing changes); being done, it
    suggests a progress move at once."""
    async with committing(session):
        node, plan = await _project_to_link(session, actor, node_id)
        action = await session.get(Action, action_id)
        if action is None:
            raise LookupError(f"no action {action_id}")
        if not _within(plan, await region_of(session, ScopeKind.NEIGHBOURHOOD, action.neighbourhood_id)):
            raise OutsidePlan(f"action {action_id} is outside plan {plan.id}")
        if await session.get(PlanProjectAction, (node.id, action_id)) is not None:
            return LinkResult(False, [])
        session.add(PlanProjectAction(node_id=node.id, action_id=action_id, created_at=now))
        record_audit(
            session,
            actor,
            action="plan.link",
            target_type="plan_node",
            target_id=node.id,
            details={"action": action_id},
            now=now,
        )
        await session.flush()
        proposals = await propose_progress(session, action_id=action_id, now=now)
    return LinkResult(True, [p for p in proposals if p.node_id == node.id])


async def confirm_progress(
    session: AsyncSession,
    *,
    actor: Actor,
    proposal_id: int,
    now: datetime,
    accept: bool = True,
    progress: int | None = None,
) -> ProposalOutcome:
    """The manager's decision on a proposed move: accepted (with the proposed figure, or
    `progress` instead) the project takes it; dismissed, nothing moves. A proposal decided
    already raises `ProposalDecided`."""
    if progress is not None and not 0 <= progress <= 100:
        raise InvalidProgress(str(progress))
    async with committing(session):
        proposal = await session.get(PlanProgressProposal, proposal_id)
        node = await session.get(PlanNode, proposal.node_id) if proposal is not None else None
        if proposal is None or node is None:
            raise UnknownProposal(proposal_id)
        plan = await load_plan(session, node.plan_id)
        await require_plan_editor(session, actor, plan.scope_kind, plan.scope_id, "plan.progress")
        if proposal.decided_at is not None:
            raise ProposalDecided(f"proposal {proposal_id} is {proposal.decision}")
        before = node.progress or 0
        after = (progress if progress is not None else proposal.progress_to) if accept else before
        proposal.decided_at, proposal.decided_by_person_id = now, actor.person_id
        proposal.decision = ProposalDecision.CONFIRMED if accept else ProposalDecision.DISMISSED
        node.progress, node.updated_at = after, now
        record_audit(
            session,
            actor,
            action="plan.proposal",
            target_type="plan_node",
            target_id=node.id,
            details={"proposal": proposal_id, "accepted": accept, "from": before, "to": after},
            now=now,
        )
    return ProposalOutcome(proposal_id, node.id, plan.id, node.name, accept, before, after)


async def open_proposals(session: AsyncSession, *, actor: Actor, plan_id: int) -> list[ProposalView]:
    """The plan's proposed moves waiting for a decision, for whoever keeps the plan."""
    plan = await load_plan(session, plan_id)
    await require_plan_editor(session, actor, plan.scope_kind, plan.scope_id, "plan.read")
    return [
        _view(proposal, node) for proposal, node in await plans_repo.open_proposals_of_plan(session, plan_id)
    ]
