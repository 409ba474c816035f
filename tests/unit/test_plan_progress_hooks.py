"""A resolution done (through its progress report, or an action that completes it) proposes a
progress move to every project linked to it, and the plan's keepers get it through the outbox
with ✅ / ✖; confirmed, the project and the nodes above it move."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxMessage, PlanNode, PlanNodeKind, PlanProgressProposal, ResolutionStatus, ScopeKind
from services import actions, plans, resolutions
from services.authz import PermissionDenied
from services.plans import DECIDE_PREFIX, plan_keepers
from tests.unit.test_plans import NOW, TODAY, TRANSLATOR, _resolution, people, regions


async def _plan_with_goal(session: AsyncSession) -> dict[str, Any]:
    """A neighbourhood plan: a goal over two projects of equal weight, the first linked to two
    open resolutions."""
    where = await regions(session)
    who = await people(session, where)
    manager = who["manager"]
    plan_id = await plans.create_plan(
        session,
        actor=manager,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=where["n1"],
        title="برنامهٔ محله",
        now=NOW,
    )
    goal = await plans.add_plan_node(
        session,
        actor=manager,
        plan_id=plan_id,
        parent_id=None,
        name="محلهٔ پاکیزه",
        kind=PlanNodeKind.GOAL,
        now=NOW,
    )
    project = await plans.add_plan_node(
        session, actor=manager, plan_id=plan_id, parent_id=goal.id, name="لایروبی جوی‌ها", now=NOW
    )
    await plans.add_plan_node(
        session, actor=manager, plan_id=plan_id, parent_id=goal.id, name="کاشت درخت", now=NOW
    )
    linked = [await _resolution(session, where["n1"]), await _resolution(session, where["n1"])]
    for resolution_id in linked:
        await plans.link_resolution(
            session, actor=manager, node_id=project.id, resolution_id=resolution_id, now=NOW
        )
    return {
        "where": where,
        "who": who,
        "plan": plan_id,
        "goal": goal.id,
        "project": project.id,
        "linked": linked,
    }


async def _notices(session: AsyncSession) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.dedup_key.like("plan:proposal:%"))
            .order_by(OutboxMessage.id)
        )
    )


async def test_a_resolution_done_asks_the_keepers_and_confirming_moves_the_plan(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await _plan_with_goal(session)
        manager, county = world["who"]["manager"], world["who"]["county"]
        assert await _notices(session) == []
        # The county official marks the first resolution done: half the project's work.
        await resolutions.update_progress(
            session,
            TRANSLATOR,
            actor=county,
            resolution_id=world["linked"][0],
            status=ResolutionStatus.DONE,
            now=NOW,
        )
        proposal = await session.scalar(select(PlanProgressProposal))
        assert proposal is not None
        assert (proposal.node_id, proposal.progress_from, proposal.progress_to) == (world["project"], 0, 50)
        assert proposal.decided_at is None
        # Only the neighbourhood's manager keeps its plan: they are asked, once, with the buttons.
        [notice] = await _notices(session)
        assert notice.person_id == manager.person_id
        assert "لایروبی جوی‌ها" in notice.text and "۵۰" in notice.text and "برنامهٔ محله" in notice.text
        assert notice.reply_markup is not None
        assert [b["callback_data"] for b in notice.reply_markup["inline_keyboard"][0]] == [
            f"{DECIDE_PREFIX}:{proposal.id}:1",
            f"{DECIDE_PREFIX}:{proposal.id}:0",
        ]
        # Nothing moved yet.
        assert await session.scalar(select(PlanNode.progress).where(PlanNode.id == world["project"])) == 0
        outcome = await plans.confirm_progress(session, actor=manager, proposal_id=proposal.id, now=NOW)
        assert (outcome.before, outcome.after) == (0, 50)
        tree = await plans.plan_progress(session, world["plan"], TODAY)
        [goal] = tree.children
        assert goal.id == world["goal"]
        assert [child.progress for child in goal.children] == [50, 0]
        assert goal.progress == 25  # the mean of its two projects of equal weight
        assert tree.progress == 25


async def test_an_action_completing_a_linked_resolution_asks_too(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await _plan_with_goal(session)
        manager = world["who"]["manager"]
        await actions.log_action(
            session,
            actor=manager,
            neighbourhood_id=world["where"]["n1"],
            title="لایروبی جوی کوچهٔ دوم",
            description=None,
            committee=None,
            programme=None,
            done_on=TODAY,
            resolution_id=world["linked"][1],
            completes_resolution=True,
            now=NOW,
            translator=TRANSLATOR,
        )
        [notice] = await _notices(session)
        proposal = await session.scalar(select(PlanProgressProposal))
        assert proposal is not None and (proposal.progress_from, proposal.progress_to) == (0, 50)
        assert notice.person_id == manager.person_id
        assert "مصوبهٔ شمارهٔ" in notice.text
        # An action logged without completing anything proposes nothing.
        await actions.log_action(
            session,
            actor=manager,
            neighbourhood_id=world["where"]["n1"],
            title="جلسه با شهرداری",
            description=None,
            committee=None,
            programme=None,
            done_on=TODAY,
            now=NOW,
        )
        assert len(await _notices(session)) == 1


async def test_a_county_plan_is_kept_by_the_county_officials(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        where = await regions(session)
        who = await people(session, where)
        county_plan = await plans.create_plan(
            session,
            actor=who["county"],
            scope_kind=ScopeKind.COUNTY,
            scope_id=where["county"],
            title="شهرستان",
            now=NOW,
        )
        plan = await plans.load_plan(session, county_plan)
        assert await plan_keepers(session, plan) == [who["county"].person_id]
        neighbourhood_plan = await plans.create_plan(
            session,
            actor=who["county"],
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=where["n2"],
            title="روستا",
            now=NOW,
        )
        plan = await plans.load_plan(session, neighbourhood_plan)
        assert await plan_keepers(session, plan) == [who["manager_elsewhere"].person_id]


async def test_a_county_project_may_be_linked_to_any_of_its_neighbourhoods_resolutions(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        where = await regions(session)
        who = await people(session, where)
        plan_id = await plans.create_plan(
            session,
            actor=who["county"],
            scope_kind=ScopeKind.COUNTY,
            scope_id=where["county"],
            title="شهرستان",
            now=NOW,
        )
        project = await plans.add_plan_node(
            session, actor=who["county"], plan_id=plan_id, parent_id=None, name="آب‌رسانی", now=NOW
        )
        first, second = await _resolution(session, where["n1"]), await _resolution(session, where["n2"])
        choices = await plans.linkable_resolutions(session, actor=who["county"], node_id=project.id)
        assert (choices.total, [r.id for r in choices.resolutions]) == (2, [second, first])
        await plans.link_resolution(
            session, actor=who["county"], node_id=project.id, resolution_id=second, now=NOW
        )
        choices = await plans.linkable_resolutions(session, actor=who["county"], node_id=project.id)
        assert [r.id for r in choices.resolutions] == [first]
        # A neighbourhood's manager does not keep the county's plan.
        with pytest.raises(PermissionDenied):
            await plans.linkable_resolutions(session, actor=who["manager"], node_id=project.id)
