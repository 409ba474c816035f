"""Telling a plan's keepers of a proposed progress move: when a resolution linked to a project is
done (or an action is logged and linked), `propose_and_tell` makes the proposals
(`linking.propose_progress`) and queues to everyone who keeps the plan — the neighbourhood's
managers for a neighbourhood's plan, the county's or the province's officials for theirs (the
level above when nobody holds the plan's own) — «project X: from a % to b %?» with the ✅ / ✖
buttons that `handlers/plans/progress.py` answers. Inside the caller's transaction, through the
outbox, once per proposal and figure."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.identity import Role, ScopeKind
from models.plans import Plan, PlanNode
from services.authz import region_of
from services.i18n import BoundTranslator, Translator
from services.notify import Button, Render, Told, notify_people
from services.plans.linking import propose_progress
from services.plans.reading import ProposalView

__all__ = ["DECIDE_PREFIX", "decide_buttons", "plan_keepers", "propose_and_tell", "tell_keepers"]

# The callback data of the ✅ / ✖ buttons: `handlers.plans.keyboards.PlanDecide` packs the same
# (`pl_d:<proposal id>:<1 accept | 0 dismiss>`).
DECIDE_PREFIX = "pl_d"

_KEEPER_ROLES = {
    ScopeKind.NEIGHBOURHOOD: Role.MANAGER,
    ScopeKind.COUNTY: Role.COUNTY_OFFICIAL,
    ScopeKind.PROVINCE: Role.PROVINCE_OFFICIAL,
}


@cache
def _default_translator() -> Translator:
    """For callers without one (the CLI's seeds, scripts): the catalogs, loaded once."""
    return Translator()


def decide_buttons(proposal: ProposalView) -> list[list[Button]]:
    return [
        [
            Button(
                "plan-button-accept",
                f"{DECIDE_PREFIX}:{proposal.id}:1",
                (("progress", proposal.progress_to),),
            ),
            Button("plan-button-dismiss", f"{DECIDE_PREFIX}:{proposal.id}:0"),
        ]
    ]


async def plan_keepers(session: AsyncSession, plan: Plan) -> list[int]:
    """Who keeps the plan day to day: the holders of its scope's role (managers, county or
    province officials); when nobody holds it, the level above's."""
    region = await region_of(session, plan.scope_kind, plan.scope_id)
    rungs = [
        (ScopeKind.NEIGHBOURHOOD, region.neighbourhood_id),
        (ScopeKind.COUNTY, region.county_id),
        (ScopeKind.PROVINCE, region.province_id),
    ]
    levels = [kind for kind, _ in rungs]
    for kind, scope_id in rungs[levels.index(plan.scope_kind) :]:
        if scope_id is None:
            continue
        if people := await requests_repo.people_with_role(session, _KEEPER_ROLES[kind], kind, scope_id):
            return people
    return []


def _render(proposal: ProposalView, plan_title: str) -> Render:
    def render(t: BoundTranslator) -> str:
        fields = {"from": proposal.progress_from, "to": proposal.progress_to}
        head = t("plan-notice-proposal", name=proposal.project, plan=plan_title, **fields)
        if proposal.resolution_id is not None:
            cause = t("plan-notice-cause-resolution", id=proposal.resolution_id)
        else:
            cause = t("plan-notice-cause-action", id=proposal.action_id or 0)
        return f"{head}\n{cause}"

    return render


async def tell_keepers(
    session: AsyncSession, translator: Translator, proposals: list[ProposalView], *, now: datetime
) -> Told:
    """Queue each proposal to its plan's keepers, once per proposal and figure."""
    told = Told()
    for proposal in proposals:
        node = await session.get(PlanNode, proposal.node_id)
        plan = await session.get(Plan, node.plan_id) if node is not None else None
        if plan is None:
            continue
        told.merge(
            await notify_people(
                session,
                translator,
                await plan_keepers(session, plan),
                render=_render(proposal, plan.title),
                now=now,
                buttons=decide_buttons(proposal),
                dedup_prefix=f"plan:proposal:{proposal.id}:{proposal.progress_to}",
                topic=f"plan_proposal:{proposal.id}",
            )
        )
    return told


async def propose_and_tell(
    session: AsyncSession,
    translator: Translator | None,
    *,
    resolution_id: int | None = None,
    action_id: int | None = None,
    now: datetime,
) -> list[ProposalView]:
    """`propose_progress` for the resolution done (or the action logged), each proposal queued to
    its plan's keepers; inside the caller's transaction."""
    proposals = await propose_progress(session, resolution_id=resolution_id, action_id=action_id, now=now)
    if proposals:
        await tell_keepers(session, translator or _default_translator(), proposals, now=now)
    return proposals
