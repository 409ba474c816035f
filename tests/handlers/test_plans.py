"""/plan through the real Dispatcher: a county official pages through the city-sized plan (goal →
its strategies → its policies → its projects, ten a page, redrawn in place) and its late
projects; a top level of 25 goals in three pages; a neighbourhood manager sets a project's
progress with a button and by typing, starts a small plan in the chat and adds a project; a
council member reads the plan but is offered no edit."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import User
from sqlalchemy import func, select

from benchmarks.plans import plan_csv
from handlers.plans import (
    PAGE_SIZE,
    PlanActionList,
    PlanActionPick,
    PlanCard,
    PlanLinkList,
    PlanLinkPick,
    PlanList,
    PlanOpen,
    PlanSetProgress,
)
from models import Plan, PlanNode, PlanNodeKind, Role, ScopeKind
from services.authz import OPERATOR
from services.council import register_member
from services.jalali import tehran_today
from services.plans import import_plan, plan_progress, read_plan_file
from services.roles import grant_role
from tests.handlers.conftest import Harness, add_neighbourhood, neighbourhood_id, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard

OFFICIAL_PHONE = "09121230001"
MEMBER_PHONE = "09121230002"
SMALL_PLAN = (
    "goal,strategy,policy,project,responsible,weight,start,end,progress\n"
    "محلهٔ سبز,,,کاشت درخت در پارک,مسائل زیست‌محیطی,2,1405/01/15,1405/12/20,10\n"
    "محلهٔ سبز,,,پاکسازی جوی‌ها,شهرداری,,1405/02/01,1405/08/01,60\n"
)


def t(harness: Harness, key: str, **args: object) -> str:
    return harness.translator.get("fa", key, **args)


def last_markup(harness: Harness) -> list[str]:
    method = next(
        r
        for r in reversed(harness.tg_session.requests)
        if isinstance(r, SendMessage | EditMessageText) and r.reply_markup is not None
    )
    return [str(b.callback_data) for row in method.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]


def last_screen(harness: Harness) -> str:
    """The text of the last message sent or redrawn."""
    method = next(
        r for r in reversed(harness.tg_session.requests) if isinstance(r, SendMessage | EditMessageText)
    )
    return str(method.text)


def buttons(harness: Harness, kind: type[Any]) -> list[Any]:
    prefix = kind.__prefix__ + ":"
    return [kind.unpack(data) for data in last_markup(harness) if data.startswith(prefix)]


async def press(harness: Harness, user: User, data: str) -> None:
    await harness.send(harness.updates.callback(user, data, message_id=harness.tg_session.last_sent_id))


async def import_for(harness: Harness, text: str, kind: ScopeKind, scope_id: int, title: str) -> int:
    async with harness.session_factory() as session:
        result = await import_plan(
            session,
            harness.translator,
            actor=OPERATOR,
            scope_kind=kind,
            scope_id=scope_id,
            title=title,
            rows=read_plan_file(text),
            now=NOW,
        )
    return result.plan_id


async def county_official(harness: Harness) -> User:
    await add_neighbourhood(harness.session_factory)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=OFFICIAL_PHONE,
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            now=NOW,
        )
    user = resident(user_id=900)
    await onboard(harness, user, OFFICIAL_PHONE)
    return user


async def test_an_official_pages_through_the_city_plan(harness: Harness) -> None:
    official = await county_official(harness)
    plan_id = await import_for(harness, plan_csv(), ScopeKind.COUNTY, 1, "برنامهٔ راهبردی شهر")
    await harness.send(harness.updates.message(official, text="/plan"))
    screen = last_screen(harness)
    assert t(harness, "plan-header", title="برنامهٔ راهبردی شهر") in screen
    assert screen.count("🎯") == 8
    goals = [b for b in buttons(harness, PlanOpen) if b.node_id]
    assert len(goals) == 8
    # Down the tree: a goal's strategies, a strategy's policies, a policy's projects.
    await press(harness, official, goals[0].pack())
    assert isinstance(harness.tg_session.requests[-1], EditMessageText)  # redrawn in place
    assert "🧭" in last_screen(harness) and "📍 🎯" in last_screen(harness)
    strategy = next(b for b in buttons(harness, PlanOpen) if b.node_id not in (0, goals[0].node_id))
    await press(harness, official, strategy.pack())
    policy = next(
        b for b in buttons(harness, PlanOpen) if b.node_id not in (0, goals[0].node_id, strategy.node_id)
    )
    await press(harness, official, policy.pack())
    projects = buttons(harness, PlanCard)
    assert projects and last_screen(harness).count("🔹") == len(projects) <= PAGE_SIZE
    await press(harness, official, projects[0].pack())
    card = last_screen(harness)
    assert card.startswith("🔹 " + t(harness, "plan-kind-project"))
    # The county's officials keep the county's plan: its card offers to set the progress.
    assert PlanSetProgress(node_id=projects[0].node_id).pack() in last_markup(harness)
    # Back to the policy's page.
    up = buttons(harness, PlanOpen)[-1]
    assert up.node_id == policy.node_id
    await press(harness, official, up.pack())
    assert last_screen(harness).count("🔹") == len(projects)
    # The late projects, ten a page.
    async with harness.session_factory() as session:
        late_count = (await plan_progress(session, plan_id, tehran_today(NOW))).late_projects
    assert late_count > 2 * PAGE_SIZE
    late = next(b for b in buttons(harness, PlanList) if b.what == "late")
    await press(harness, official, late.pack())
    first_page = buttons(harness, PlanCard)
    assert len(first_page) == PAGE_SIZE
    assert t(harness, "plan-late-title", title="برنامهٔ راهبردی شهر", count=late_count) in last_screen(harness)
    await press(harness, official, next(b for b in buttons(harness, PlanList) if b.page == 1).pack())
    second_page = buttons(harness, PlanCard)
    assert len(second_page) == PAGE_SIZE
    assert not {b.node_id for b in first_page} & {b.node_id for b in second_page}
    pages = -(-late_count // PAGE_SIZE)
    assert t(harness, "plan-page", page=2, pages=pages) in last_screen(harness)


async def test_a_top_level_of_25_goals_pages_in_threes(harness: Harness) -> None:
    official = await county_official(harness)
    await import_for(harness, plan_csv(), ScopeKind.COUNTY, 1, "برنامهٔ راهبردی شهر")
    wide = await import_for(harness, plan_csv(25, 25, 25, 25), ScopeKind.COUNTY, 1, "برنامهٔ گسترده")
    await harness.send(harness.updates.message(official, text="/plan"))
    # Two plans: the shelf, newest first.
    assert [b.plan_id for b in buttons(harness, PlanOpen)] == [wide, wide - 1]
    await harness.send(harness.updates.message(official, text=f"/plan {wide}"))
    seen: list[int] = []
    for page in range(3):
        goals = [b.node_id for b in buttons(harness, PlanOpen) if b.node_id]
        assert len(goals) == (PAGE_SIZE if page < 2 else 5)
        assert t(harness, "plan-page", page=page + 1, pages=3) in last_screen(harness)
        seen += goals
        onward = [b for b in buttons(harness, PlanOpen) if b.node_id == 0 and b.page == page + 1]
        if page < 2:
            await press(harness, official, onward[0].pack())
            assert isinstance(harness.tg_session.requests[-1], EditMessageText)
    assert len(set(seen)) == 25
    await harness.send(harness.updates.message(official, text="/plan 99999"))
    assert harness.last_text() == t(harness, "plan-not-found")


async def neighbourhood_plan(harness: Harness) -> tuple[User, int]:
    boss = await manager(harness)
    return boss, await import_for(harness, SMALL_PLAN, ScopeKind.NEIGHBOURHOOD, 1, "برنامهٔ سالانهٔ محله")


async def project_named(harness: Harness, name: str) -> PlanNode:
    async with harness.session_factory() as session:
        return (await session.scalars(select(PlanNode).where(PlanNode.name == name))).one()


async def test_the_manager_sets_a_projects_progress_with_buttons_or_typed(harness: Harness) -> None:
    boss, _plan_id = await neighbourhood_plan(harness)
    await harness.send(harness.updates.message(boss, text="/plan"))
    goal = next(b for b in buttons(harness, PlanOpen) if b.node_id)
    await press(harness, boss, goal.pack())
    trees = await project_named(harness, "کاشت درخت در پارک")
    await press(harness, boss, PlanCard(node_id=trees.id).pack())
    assert t(harness, "plan-card-responsible", who=t(harness, "committee-environment")) in last_screen(
        harness
    )
    await press(harness, boss, PlanSetProgress(node_id=trees.id).pack())
    assert harness.last_text() == t(harness, "plan-ask-progress", name=trees.name, progress=10)
    assert last_markup(harness) == [f"pl_pp:{value}" for value in (0, 25, 50, 75, 100)]
    await press(harness, boss, "pl_pp:75")
    saved = harness.last_text()
    assert saved.startswith(t(harness, "plan-progress-saved", name=trees.name, before=10, after=75))
    assert (await project_named(harness, trees.name)).progress == 75
    # Typed, in Persian digits, after a wrong answer that gets the question again.
    await press(harness, boss, PlanSetProgress(node_id=trees.id).pack())
    await harness.send(harness.updates.message(boss, text="خیلی"))
    assert harness.last_text().startswith(t(harness, "plan-bad-progress"))
    assert last_markup(harness) == [f"pl_pp:{value}" for value in (0, 25, 50, 75, 100)]
    await harness.send(harness.updates.message(boss, text="۴۰٪"))
    assert harness.last_text().startswith(
        t(harness, "plan-progress-saved", name=trees.name, before=75, after=40)
    )
    assert (await project_named(harness, trees.name)).progress == 40
    # The form is closed: its buttons say so.
    await press(harness, boss, "pl_pp:100")
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-form-closed")
    assert (await project_named(harness, trees.name)).progress == 40


async def test_a_council_member_reads_the_plan_but_may_not_change_it(harness: Harness) -> None:
    _boss, _plan_id = await neighbourhood_plan(harness)
    async with harness.session_factory() as session:
        await register_member(
            session, actor=OPERATOR, neighbourhood_id=1, full_name="عضو شورا", phone=MEMBER_PHONE, now=NOW
        )
    member = resident(user_id=901)
    await onboard(harness, member, MEMBER_PHONE)
    await harness.send(harness.updates.message(member, text="/plan"))
    assert t(harness, "plan-header", title="برنامهٔ سالانهٔ محله") in harness.last_text()
    assert not any(data.startswith("pl_a:") for data in last_markup(harness))
    ditches = await project_named(harness, "پاکسازی جوی‌ها")
    await press(harness, member, PlanCard(node_id=ditches.id).pack())
    assert not any(data.startswith("pl_sp:") for data in last_markup(harness))
    await press(harness, member, PlanSetProgress(node_id=ditches.id).pack())  # forged
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-not-allowed")
    assert (await project_named(harness, ditches.name)).progress == 60


async def test_the_manager_makes_a_small_plan_in_the_chat(harness: Harness) -> None:
    boss = await manager(harness)
    await harness.send(harness.updates.message(boss, text="/plan"))
    assert harness.last_text() == t(harness, "plan-none-keeper")
    assert last_markup(harness) == ["pl_n:neighbourhood:1"]
    await press(harness, boss, "pl_n:neighbourhood:1")
    assert harness.last_text() == t(
        harness, "plan-ask-title", scope=t(harness, "plan-scope-neighbourhood", name="دولت‌آباد")
    )
    await harness.send(harness.updates.message(boss, text="بر"))  # too short: asked again
    assert t(harness, "error-text-too-short", limit=3) in harness.last_text()
    await harness.send(harness.updates.message(boss, text="برنامهٔ سالانهٔ ۱۴۰۵"))
    assert harness.last_text().startswith(t(harness, "plan-created", title="برنامهٔ سالانهٔ ۱۴۰۵"))
    add = next(data for data in last_markup(harness) if data.startswith("pl_a:"))
    await press(harness, boss, add)
    assert harness.last_text() == t(harness, "plan-ask-project", parent="برنامهٔ سالانهٔ ۱۴۰۵")
    await harness.send(harness.updates.message(boss, text="کاشت ۵۰ نهال"))
    assert harness.last_text().startswith(t(harness, "plan-project-added", name="کاشت ۵۰ نهال"))
    async with harness.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 1
        node = (await session.scalars(select(PlanNode))).one()
    assert (node.kind, node.parent_id, node.progress) == (PlanNodeKind.PROJECT, None, 0)
    assert PlanSetProgress(node_id=node.id).pack() in last_markup(harness)


async def test_the_manager_confirms_a_move_an_action_suggested(harness: Harness) -> None:
    from services.actions import log_action
    from services.plans import link_action

    boss, plan_id = await neighbourhood_plan(harness)
    ditches = await project_named(harness, "پاکسازی جوی‌ها")
    async with harness.session_factory() as session:
        action = await log_action(
            session,
            actor=OPERATOR,
            neighbourhood_id=1,
            title="لایروبی جوی کوچهٔ اول",
            description=None,
            committee=None,
            programme=None,
            done_on=NOW.date(),
            now=NOW,
        )
        linked = await link_action(session, actor=OPERATOR, node_id=ditches.id, action_id=action.id, now=NOW)
    proposal = linked.proposals[0]
    assert (proposal.progress_from, proposal.progress_to) == (60, 100)
    await harness.send(harness.updates.message(boss, text="/plan"))
    assert f"pl_l:{plan_id}:proposed:0" in last_markup(harness)
    await press(harness, boss, f"pl_l:{plan_id}:proposed:0")
    assert t(
        harness, "plan-proposed-line", index=1, name=ditches.name, **{"from": 60, "to": 100}
    ) in last_screen(harness)
    await press(harness, boss, PlanCard(node_id=ditches.id).pack())
    assert f"pl_d:{proposal.id}:1" in last_markup(harness)
    await press(harness, boss, f"pl_d:{proposal.id}:1")
    assert isinstance(harness.tg_session.requests[-1], EditMessageText)
    assert last_screen(harness).startswith(
        t(harness, "plan-progress-saved", name=ditches.name, before=60, after=100)
    )
    assert (await project_named(harness, ditches.name)).progress == 100
    await press(harness, boss, f"pl_d:{proposal.id}:0")  # a second tap
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-proposal-decided")
    assert (await project_named(harness, ditches.name)).progress == 100


async def test_ten_long_names_fit_in_one_message(harness: Harness) -> None:
    official = await county_official(harness)
    long_name = "ساخت و نوسازی " * 21  # 300 characters once trimmed
    rows = "".join(f"{long_name.strip()[:296]} {n:02d},,,پ,,,,,\n" for n in range(12))
    await import_for(harness, SMALL_PLAN.splitlines()[0] + "\n" + rows, ScopeKind.COUNTY, 1, "ب" * 200)
    await harness.send(harness.updates.message(official, text="/plan"))
    page = last_screen(harness)
    assert page.count("🎯") == PAGE_SIZE and len(page) < 4096
    goal = next(b for b in buttons(harness, PlanOpen) if b.node_id)
    await press(harness, official, goal.pack())
    assert len(last_screen(harness)) < 4096


async def test_the_manager_confirms_from_the_notice_of_a_resolution_done(harness: Harness) -> None:
    """A linked resolution marked done (by a county official): the manager's notice carries ✅ / ✖,
    and ✅ moves the project, redrawing the notice as the project's card."""
    from models import OutboxMessage, ResolutionStatus
    from services import resolutions
    from services.plans import link_resolution

    boss, _plan_id = await neighbourhood_plan(harness)
    ditches = await project_named(harness, "پاکسازی جوی‌ها")
    async with harness.session_factory() as session:
        added = await resolutions.add_resolution(
            session,
            harness.translator,
            actor=OPERATOR,
            neighbourhood_id=1,
            text="لایروبی جوی خیابان اصلی",
            responsible=resolutions.Responsible.of_committee("services"),
            deadline=tehran_today(NOW),
            now=NOW,
        )
        await link_resolution(session, actor=OPERATOR, node_id=ditches.id, resolution_id=added.id, now=NOW)
        await resolutions.update_progress(
            session,
            harness.translator,
            actor=OPERATOR,
            resolution_id=added.id,
            status=ResolutionStatus.DONE,
            now=NOW,
        )
        notice = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedup_key.like("plan:proposal:%"))
            )
        ).one()
    assert notice.chat_id == boss.id  # the manager's chat, due now
    assert notice.text.startswith(
        t(
            harness,
            "plan-notice-proposal",
            name=ditches.name,
            plan="برنامهٔ سالانهٔ محله",
            **{"from": 60, "to": 100},
        )
    )
    assert notice.reply_markup is not None
    accept, dismiss = (button["callback_data"] for button in notice.reply_markup["inline_keyboard"][0])
    assert dismiss.endswith(":0")
    await harness.send(harness.updates.callback(boss, accept, message_id=77))
    edit = harness.tg_session.requests[-1]
    assert isinstance(edit, EditMessageText) and edit.message_id == 77
    assert last_screen(harness).startswith(
        t(harness, "plan-progress-saved", name=ditches.name, before=60, after=100)
    )
    assert (await project_named(harness, ditches.name)).progress == 100
    await harness.send(harness.updates.callback(boss, dismiss, message_id=77))  # too late
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-proposal-decided")
    assert (await project_named(harness, ditches.name)).progress == 100


async def test_the_manager_links_a_resolution_from_the_projects_card(harness: Harness) -> None:
    """🔗 on a project's card lists the neighbourhood's resolutions not linked yet (open first);
    linking a done one shows the card again with the move it suggests."""
    from models import ResolutionStatus
    from services import resolutions

    boss, _plan_id = await neighbourhood_plan(harness)
    ditches = await project_named(harness, "پاکسازی جوی‌ها")
    ids = []
    async with harness.session_factory() as session:
        for text in ("لایروبی جوی خیابان اصلی", "جمع‌آوری نخاله‌های کوچهٔ دوم", "طرح لغوشده"):
            added = await resolutions.add_resolution(
                session,
                harness.translator,
                actor=OPERATOR,
                neighbourhood_id=1,
                text=text,
                responsible=resolutions.Responsible.of_committee("services"),
                deadline=tehran_today(NOW),
                now=NOW,
            )
            ids.append(added.id)
        await resolutions.update_progress(
            session,
            harness.translator,
            actor=OPERATOR,
            resolution_id=ids[0],
            status=ResolutionStatus.DONE,
            now=NOW,
        )
        await resolutions.update_progress(
            session,
            harness.translator,
            actor=OPERATOR,
            resolution_id=ids[2],
            status=ResolutionStatus.CANCELLED,
            now=NOW,
        )
    await harness.send(harness.updates.message(boss, text="/plan"))
    await press(harness, boss, PlanCard(node_id=ditches.id).pack())
    link = PlanLinkList(node_id=ditches.id).pack()
    assert link in last_markup(harness)
    await press(harness, boss, link)
    assert last_screen(harness).startswith(t(harness, "plan-link-title", name=ditches.name, count=2))
    picks = [PlanLinkPick.unpack(data) for data in last_markup(harness) if data.startswith("pl_lp:")]
    assert [p.resolution_id for p in picks] == [ids[1], ids[0]]  # open first; the cancelled one not at all
    await press(harness, boss, picks[1].pack())
    assert isinstance(harness.tg_session.requests[-1], EditMessageText)
    screen = last_screen(harness)
    assert screen.startswith(t(harness, "plan-linked", id=ids[0]))
    # Its only linked work is done: 100 % is proposed, for the manager to confirm on the card.
    assert t(harness, "plan-card-proposal-resolution", id=ids[0], **{"from": 60, "to": 100}) in screen
    assert any(data.startswith("pl_d:") and data.endswith(":1") for data in last_markup(harness))
    await press(harness, boss, link)
    remaining = [
        PlanLinkPick.unpack(data).resolution_id for data in last_markup(harness) if data.startswith("pl_lp:")
    ]
    assert remaining == [ids[1]]
    # A forged pick of a resolution of another neighbourhood links nothing.
    from models import County, Neighbourhood, NeighbourhoodKind, Province

    async with harness.session_factory() as session:
        async with session.begin():
            county = County(province=Province(name="اصفهان"), name="کاشان")
            session.add(
                Neighbourhood(
                    county=county, name="سلطان امیر احمد", code="2001", kind=NeighbourhoodKind.URBAN
                )
            )
        elsewhere = await resolutions.add_resolution(
            session,
            harness.translator,
            actor=OPERATOR,
            neighbourhood_id=await neighbourhood_id(harness, "2001"),
            text="کار محلهٔ دیگر",
            responsible=resolutions.Responsible.of_committee("services"),
            deadline=tehran_today(NOW),
            now=NOW,
        )
    await press(harness, boss, PlanLinkPick(node_id=ditches.id, resolution_id=elsewhere.id).pack())
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-link-outside")
    async with harness.session_factory() as session:
        from models import PlanProjectResolution

        links = (await session.scalars(select(PlanProjectResolution))).all()
    assert [(row.node_id, row.resolution_id) for row in links] == [(ditches.id, ids[0])]


async def test_the_manager_links_an_action_from_the_projects_card(harness: Harness) -> None:
    """🛠 on a project's card lists the neighbourhood's actions not linked yet (the latest first);
    linking one shows the card again with the move it suggests; a forged pick of another
    neighbourhood's action links nothing."""
    from datetime import timedelta

    from models import Action, Neighbourhood, NeighbourhoodKind, PlanProjectAction
    from services.actions import log_action

    boss, _plan_id = await neighbourhood_plan(harness)
    ditches = await project_named(harness, "پاکسازی جوی‌ها")
    logged = []
    async with harness.session_factory() as session:
        for days, title in ((3, "لایروبی جوی کوچهٔ اول"), (1, "کاشت نهال در پارک")):
            action = await log_action(
                session,
                actor=OPERATOR,
                neighbourhood_id=1,
                title=title,
                description=None,
                committee=None,
                programme=None,
                done_on=NOW.date() - timedelta(days=days),
                now=NOW,
            )
            logged.append(action.id)
    await harness.send(harness.updates.message(boss, text="/plan"))
    await press(harness, boss, PlanCard(node_id=ditches.id).pack())
    listing = PlanActionList(node_id=ditches.id).pack()
    assert listing in last_markup(harness)
    await press(harness, boss, listing)
    assert last_screen(harness).startswith(t(harness, "plan-action-link-title", name=ditches.name, count=2))
    picks = [PlanActionPick.unpack(data) for data in last_markup(harness) if data.startswith("pl_ap:")]
    assert [p.action_id for p in picks] == [logged[1], logged[0]]  # the latest done first
    await press(harness, boss, picks[1].pack())
    assert isinstance(harness.tg_session.requests[-1], EditMessageText)
    screen = last_screen(harness)
    assert screen.startswith(t(harness, "plan-action-linked"))
    # Its only linked work is done: 100 % is proposed, for the manager to confirm on the card.
    assert any(data.startswith("pl_d:") and data.endswith(":1") for data in last_markup(harness))
    await press(harness, boss, listing)
    assert [
        PlanActionPick.unpack(data).action_id for data in last_markup(harness) if data.startswith("pl_ap:")
    ] == [logged[1]]
    await press(harness, boss, picks[1].pack())  # pressed again from an old list: nothing new
    assert last_screen(harness).startswith(t(harness, "plan-action-link-already"))

    async with harness.session_factory() as session:
        async with session.begin():
            session.add(
                Neighbourhood(county_id=1, name="محلهٔ دیگر", code="2002", kind=NeighbourhoodKind.URBAN)
            )
        other = await log_action(
            session,
            actor=OPERATOR,
            neighbourhood_id=await neighbourhood_id(harness, "2002"),
            title="کار محلهٔ دیگر",
            description=None,
            committee=None,
            programme=None,
            done_on=NOW.date(),
            now=NOW,
        )
    await press(harness, boss, PlanActionPick(node_id=ditches.id, action_id=other.id).pack())
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-action-link-outside")
    await press(harness, boss, PlanActionPick(node_id=ditches.id, action_id=999_999).pack())
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.text == t(harness, "plan-action-link-gone")
    async with harness.session_factory() as session:
        links = (await session.scalars(select(PlanProjectAction))).all()
        assert await session.scalar(select(func.count()).select_from(Action)) == 3
    assert [(row.node_id, row.action_id) for row in links] == [(ditches.id, logged[0])]
