"""Actions and the public feed without a messenger: who may log an action, links and completing a
resolution, who reads the feed and comments, the three-reports rule and the manager's review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Action,
    AuditEntry,
    Comment,
    CommentHidden,
    CommentReport,
    CommitteeKey,
    OutboxMessage,
    Person,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
)
from services.actions import (
    ActionView,
    CannotComplete,
    DateInFuture,
    TitleTooLong,
    TitleTooShort,
    UnknownLink,
    UnknownProgramme,
    action_neighbourhoods,
    log_action,
    open_resolutions,
)
from services.authz import Actor, PermissionDenied, load_actor
from services.feed import (
    REPORTS_TO_HIDE,
    ActionCard,
    CommentTooLong,
    CommentTooShort,
    OwnComment,
    ReportOutcome,
    ResolutionCard,
    UnknownAction,
    UnknownComment,
    add_comment,
    comments_page,
    feed_neighbourhood,
    feed_page,
    first_name,
    moderate_comment,
    report_comment,
)
from services.i18n import Translator
from services.requests import Photo
from services.residents import join_neighbourhood
from tests.unit.test_requests import build, new_request, person_with_account

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 09:30 in Tehran, 10 Aban 1405
TODAY = date(2026, 11, 1)
TRANSLATOR = Translator()


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """The requests tests' world (neighbourhood 1 = 1001 with its manager, health head and member,
    services head and two residents; neighbourhood 2 = 1002 with its manager and a head), plus four
    more residents of 1001 and one of 1002."""
    async with session_factory() as session:
        people = await build(session)
        for i, code in enumerate(["1001", "1001", "1001", "1001", "1002"]):
            label = f"r{i + 1}" if code == "1001" else "outsider"
            people[label] = await person_with_account(session, f"+98912000040{i}", 400 + i)
            await join_neighbourhood(session, person_id=people[label], code=code, now=T0)
        return people


async def actor(session: AsyncSession, people: dict[str, int], label: str) -> Actor:
    return await load_actor(session, people[label])


async def add_resolution(
    session: AsyncSession,
    *,
    neighbourhood_id: int = 1,
    text: str = "لایروبی جوی‌های خیابان اصلی پیش از بارندگی",
    committee: CommitteeKey = CommitteeKey.SERVICES,
    status: ResolutionStatus = ResolutionStatus.OPEN,
    progress: int = 0,
    updated_at: datetime = T0,
) -> int:
    resolution = Resolution(
        neighbourhood_id=neighbourhood_id,
        text=text,
        responsible_kind=ResponsibleKind.COMMITTEE,
        responsible_committee=committee,
        deadline=TODAY + timedelta(days=20),
        priority=ResolutionPriority.NORMAL,
        status=status,
        progress=progress,
        created_at=updated_at,
        updated_at=updated_at,
    )
    session.add(resolution)
    await session.commit()
    return resolution.id


async def an_action(session: AsyncSession, by: Actor, title: str, **fields: Any) -> ActionView:
    """`log_action` with what a test may leave out: in neighbourhood 1, no description, committee
    or programme, done today, logged at T0."""
    plain: dict[str, Any] = {
        "neighbourhood_id": 1,
        "description": None,
        "committee": None,
        "programme": None,
        "done_on": TODAY,
        "now": T0,
    }
    return await log_action(session, actor=by, title=title, **{**plain, **fields})


async def public_action(
    session: AsyncSession, people: dict[str, int], title: str = "نصب سطل زباله در پارک", **extra: object
) -> int:
    fields: dict[str, object] = {"description": "با همکاری شهرداری", "committee": CommitteeKey.ENVIRONMENT}
    view = await an_action(session, await actor(session, people, "manager"), title, **{**fields, **extra})
    return view.id


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# ---- logging actions ----


async def test_the_manager_and_council_members_log_actions_others_cannot(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        view = await an_action(
            session,
            await actor(session, world, "manager"),
            "  لايروبي   جوی خیابان  ",
            description="با ۳ کارگر شهرداری",
            committee=CommitteeKey.SERVICES,
            programme="karamat",
            done_on=TODAY - timedelta(days=2),
            photos=[Photo("telegram", "ph1"), Photo("telegram", "ph2")],
        )
        # Normalised: Arabic yeh, extra spaces; digits stored ASCII.
        assert view.title == "لایروبی جوی خیابان" and view.description == "با ۳ کارگر شهرداری"
        assert view.public and view.programme == "karamat" and len(view.photos) == 2
        stored = await session.get(Action, view.id)
        assert stored is not None and stored.created_by_person_id == world["manager"]
        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "action.log"))).one()
        assert audit.target_id == view.id and audit.actor_person_id == world["manager"]

        # A council member (not a head) of the neighbourhood may log; so may the county official.
        for label in ("member", "county", "admin"):
            await an_action(session, await actor(session, world, label), f"کار {label}")
        assert await count(session, Action) == 4

        # A resident, another neighbourhood's manager, its council head, another county: no.
        for label in ("resident", "other_manager", "head_elsewhere", "other_county"):
            with pytest.raises(PermissionDenied):
                await an_action(session, await actor(session, world, label), "کار غیرمجاز")
        assert await count(session, Action) == 4
        # Nobody is notified of an action: the feed is where residents see it.
        assert await count(session, OutboxMessage) == 0

        assert await action_neighbourhoods(session, await actor(session, world, "manager")) == [1]
        assert await action_neighbourhoods(session, await actor(session, world, "member")) == [1]
        assert await action_neighbourhoods(session, await actor(session, world, "resident")) == []


async def test_bad_values_are_refused_and_nothing_is_saved(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        manager = await actor(session, world, "manager")
        base: dict[str, object] = {
            "actor": manager,
            "neighbourhood_id": 1,
            "title": "کار درست",
            "description": None,
            "committee": None,
            "programme": None,
            "done_on": TODAY,
            "now": T0,
        }
        elsewhere = await add_resolution(session, neighbourhood_id=2)
        cases: list[tuple[dict[str, object], type[Exception]]] = [
            ({"title": "ab"}, TitleTooShort),
            ({"title": "ا" * 201}, TitleTooLong),
            ({"programme": "unknown"}, UnknownProgramme),
            ({"done_on": TODAY + timedelta(days=1)}, DateInFuture),
            ({"resolution_id": elsewhere}, UnknownLink),
            ({"resolution_id": 9999}, UnknownLink),
            ({"request_id": 9999}, UnknownLink),
            ({"completes_resolution": True}, CannotComplete),
        ]
        for change, error in cases:
            with pytest.raises(error):
                await log_action(session, **{**base, **change})  # type: ignore[arg-type]
        assert await count(session, Action) == 0
        assert list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "action.log"))) == []
        # Today in Tehran counts as today even when it is still yesterday in UTC.
        late = datetime(2026, 11, 1, 21, 0, tzinfo=UTC)  # 00:30 on 2 Nov in Tehran
        await log_action(session, **{**base, "done_on": date(2026, 11, 2), "now": late})  # type: ignore[arg-type]

        # A request of the neighbourhood may be linked; one of another may not.
        request_id = await new_request(session, world)
        view = await log_action(session, **{**base, "request_id": request_id})  # type: ignore[arg-type]
        assert view.request_id == request_id
        other_manager = await actor(session, world, "other_manager")
        with pytest.raises(UnknownLink):
            await log_action(
                session,
                **{**base, "actor": other_manager, "neighbourhood_id": 2, "request_id": request_id},  # type: ignore[arg-type]
            )


async def test_an_action_against_a_resolution_writes_its_history_and_can_complete_it(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        first = await add_resolution(session, progress=40, status=ResolutionStatus.IN_PROGRESS)
        second = await add_resolution(
            session, text="برگزاری کلاس کمک‌های اولیه", committee=CommitteeKey.HEALTH
        )
        done = await add_resolution(
            session, text="مصوبهٔ انجام‌شده", status=ResolutionStatus.DONE, progress=100
        )

        # The member (health committee) sees both open ones; may complete only the health one.
        member = await actor(session, world, "member")
        choices = await open_resolutions(session, actor=member, neighbourhood_id=1)
        assert {c.id: c.can_complete for c in choices} == {first: False, second: True}
        with pytest.raises(PermissionDenied):
            await open_resolutions(session, actor=await actor(session, world, "resident"), neighbourhood_id=1)

        # Linked, not completing: one history entry, the resolution stays as it was.
        later = T0 + timedelta(hours=1)
        await an_action(
            session,
            member,
            "بازدید از جوی‌ها",
            committee=CommitteeKey.SERVICES,
            resolution_id=first,
            now=later,
        )
        resolution = await session.get(Resolution, first)
        assert resolution is not None
        await session.refresh(resolution)
        assert resolution.status is ResolutionStatus.IN_PROGRESS and resolution.progress == 40
        assert resolution.updated_at == later
        # The member does not answer for the services resolution: completing it is refused.
        with pytest.raises(PermissionDenied):
            await an_action(
                session, member, "لایروبی کامل شد", resolution_id=first, completes_resolution=True, now=later
            )

        # The manager completes it: done, 100 %, completed_at, and the history says so.
        view = await an_action(
            session,
            await actor(session, world, "manager"),
            "لایروبی کامل شد",
            committee=CommitteeKey.SERVICES,
            resolution_id=first,
            completes_resolution=True,
            now=later,
        )
        assert view.completed_resolution
        await session.refresh(resolution)
        assert resolution.status is ResolutionStatus.DONE and resolution.progress == 100
        assert resolution.completed_at == later
        history = list(
            await session.scalars(
                select(ResolutionUpdate)
                .where(ResolutionUpdate.resolution_id == first)
                .order_by(ResolutionUpdate.id)
            )
        )
        assert [(u.kind, u.progress, u.status, u.note) for u in history] == [
            ("action", 40, ResolutionStatus.IN_PROGRESS, "بازدید از جوی‌ها"),
            ("action", 100, ResolutionStatus.DONE, "لایروبی کامل شد"),
        ]
        # A done resolution can't be completed again (but can be linked).
        with pytest.raises(CannotComplete):
            await an_action(
                session,
                await actor(session, world, "manager"),
                "دوباره",
                resolution_id=done,
                completes_resolution=True,
                now=later,
            )
        # The member completes the health one they answer for.
        await an_action(
            session,
            member,
            "کلاس برگزار شد",
            committee=CommitteeKey.HEALTH,
            resolution_id=second,
            completes_resolution=True,
            now=later,
        )
        assert (await session.get(Resolution, second)).status is ResolutionStatus.DONE  # type: ignore[union-attr]
        assert await open_resolutions(session, actor=member, neighbourhood_id=1) == []


# ---- the feed ----


async def test_the_feed_pages_through_public_actions_and_resolutions_newest_first(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        old_resolution = await add_resolution(session, progress=30, updated_at=T0 - timedelta(days=5))
        await add_resolution(session, text="لغو شده", status=ResolutionStatus.CANCELLED)
        await add_resolution(session, neighbourhood_id=2, text="مصوبهٔ محلهٔ دیگر")
        a1 = await public_action(session, world, "اقدام اول", done_on=TODAY - timedelta(days=3))
        a2 = await public_action(session, world, "اقدام دوم", done_on=TODAY - timedelta(days=1))
        await public_action(session, world, "اقدام داخلی", public=False)
        resident = await actor(session, world, "resident")

        assert await feed_neighbourhood(session, resident) == 1
        page = await feed_page(session, actor=resident, neighbourhood_id=1, page=0, page_size=2)
        assert page.total == 3 and page.pages == 2 and page.neighbourhood_name == "دولت‌آباد"
        assert [(type(i).__name__, i.id) for i in page.items] == [("ActionCard", a2), ("ActionCard", a1)]
        second = await feed_page(session, actor=resident, neighbourhood_id=1, page=1, page_size=2)
        (card,) = second.items
        assert isinstance(card, ResolutionCard) and card.id == old_resolution and card.progress == 30
        # Out-of-range pages are clamped.
        assert (await feed_page(session, actor=resident, neighbourhood_id=1, page=9, page_size=2)).page == 1

        # The council and the officials above read it too; others do not.
        for label in ("manager", "member", "county"):
            await feed_page(session, actor=await actor(session, world, label), neighbourhood_id=1)
        for label in ("outsider", "other_manager", "other_county"):
            with pytest.raises(PermissionDenied):
                await feed_page(session, actor=await actor(session, world, label), neighbourhood_id=1)
        assert await feed_neighbourhood(session, await actor(session, world, "outsider")) == 2


async def test_comments_are_for_people_of_the_neighbourhood_on_public_actions(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        action_id = await public_action(session, world)
        internal = await public_action(session, world, "کار داخلی", public=False)
        resident = await actor(session, world, "resident")
        person = await session.get(Person, world["resident"])
        assert person is not None
        person.full_name = "زهرا احمدی"
        await session.commit()
        view = await add_comment(
            session, actor=resident, action_id=action_id, text="  دستتون درد نكنه، عالي بود ", now=T0
        )
        assert view.text == "دستتون درد نکنه، عالی بود" and view.mine and view.author_name == "زهرا"
        with pytest.raises(CommentTooShort):
            await add_comment(session, actor=resident, action_id=action_id, text=" ! ", now=T0)
        with pytest.raises(CommentTooLong):
            await add_comment(session, actor=resident, action_id=action_id, text="خ" * 1001, now=T0)
        with pytest.raises(UnknownAction):
            await add_comment(session, actor=resident, action_id=internal, text="نظر روی کار داخلی", now=T0)
        with pytest.raises(UnknownAction):
            await add_comment(
                session,
                actor=await actor(session, world, "outsider"),
                action_id=action_id,
                text="سلام",
                now=T0,
            )
        with pytest.raises(UnknownAction):
            await comments_page(session, actor=await actor(session, world, "outsider"), action_id=action_id)
        assert await count(session, Comment) == 1
        page = await feed_page(session, actor=resident, neighbourhood_id=1)
        (card,) = page.items
        assert isinstance(card, ActionCard) and card.comments == 1


def test_commenters_are_shown_by_first_name_only() -> None:
    assert first_name("زهرا  احمدی") == "زهرا"
    assert first_name("Zahra Ahmadi") == "Zahra"
    assert first_name("09121234567") is None and first_name("+989121234567") is None
    assert first_name(None) is None and first_name("") is None


async def test_three_reports_hide_a_comment_until_the_manager_restores_it(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        action_id = await public_action(session, world)
        author = await actor(session, world, "resident")
        comment = await add_comment(session, actor=author, action_id=action_id, text="حرف نامناسب", now=T0)
        r1, r2, r3, r4 = [await actor(session, world, f"r{i}") for i in range(1, 5)]

        async def visible_to(reader: Actor) -> list[int]:
            return [c.id for c in (await comments_page(session, actor=reader, action_id=action_id)).comments]

        async def report(reader: Actor, minutes: int = 1) -> ReportOutcome:
            return await report_comment(
                session, TRANSLATOR, actor=reader, comment_id=comment.id, now=T0 + timedelta(minutes=minutes)
            )

        with pytest.raises(OwnComment):
            await report(author)
        with pytest.raises(UnknownComment):
            await report(await actor(session, world, "outsider"))
        assert await report(r1) is ReportOutcome.REPORTED
        # The same person twice counts once.
        assert await report(r1) is ReportOutcome.ALREADY_REPORTED
        assert await report(r2) is ReportOutcome.REPORTED
        assert await count(session, CommentReport) == 2
        assert await visible_to(r4) == [comment.id]
        assert await count(session, OutboxMessage) == 0

        assert await report(r3) is ReportOutcome.HIDDEN
        stored = await session.get(Comment, comment.id)
        assert stored is not None
        await session.refresh(stored)
        assert stored.hidden is CommentHidden.REPORTS
        # Hidden from the other residents, shown (marked hidden) to its author.
        assert await visible_to(r4) == []
        mine = (await comments_page(session, actor=author, action_id=action_id)).comments
        assert [(c.id, c.hidden) for c in mine] == [(comment.id, CommentHidden.REPORTS)]
        page = await feed_page(session, actor=r4, neighbourhood_id=1)
        assert isinstance(page.items[0], ActionCard) and page.items[0].comments == 0
        # A hidden comment can't be reported further.
        with pytest.raises(UnknownComment):
            await report(r4)

        # The manager was told once, with the buttons to review.
        notices = list(await session.scalars(select(OutboxMessage)))
        assert len(notices) == 1 and notices[0].person_id == world["manager"]
        assert "حرف نامناسب" in notices[0].text
        assert notices[0].reply_markup is not None
        assert [b["callback_data"] for b in notices[0].reply_markup["inline_keyboard"][0]] == [
            f"fm:restore:{comment.id}",
            f"fm:hide:{comment.id}",
        ]

        # The manager sees it with its state and restores it; a resident can't moderate.
        manager = await actor(session, world, "manager")
        moderated = (await comments_page(session, actor=manager, action_id=action_id)).comments
        assert [(c.hidden, c.reports) for c in moderated] == [(CommentHidden.REPORTS, REPORTS_TO_HIDE)]
        with pytest.raises(PermissionDenied):
            await moderate_comment(session, actor=r4, comment_id=comment.id, hide=False, now=T0)
        with pytest.raises(PermissionDenied):
            await moderate_comment(
                session,
                actor=await actor(session, world, "other_manager"),
                comment_id=comment.id,
                hide=False,
                now=T0,
            )
        reviewed_at = T0 + timedelta(minutes=5)
        restored = await moderate_comment(
            session, actor=manager, comment_id=comment.id, hide=False, now=reviewed_at
        )
        assert restored.hidden is None and restored.reviewed
        assert await visible_to(r4) == [comment.id]
        # Approved: the earlier reports don't hide it again, and nobody is told again.
        assert await report(r4, minutes=6) is ReportOutcome.REPORTED
        await session.refresh(stored)
        assert stored.hidden is None
        assert await count(session, OutboxMessage) == 1

        # The manager may also hide any comment for good.
        hidden = await moderate_comment(
            session, actor=manager, comment_id=comment.id, hide=True, now=reviewed_at
        )
        assert hidden.hidden is CommentHidden.MANAGER
        assert await visible_to(r1) == []
        actions = set(await session.scalars(select(AuditEntry.action)))
        assert {"comment.hide", "comment.restore"} <= actions


async def test_new_reports_after_a_review_can_hide_it_again_and_tell_the_manager_again(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        action_id = await public_action(session, world)
        comment = await add_comment(
            session,
            actor=await actor(session, world, "resident"),
            action_id=action_id,
            text="نظر بحث‌برانگیز",
            now=T0,
        )
        reporters = ["r1", "r2", "r3", "neighbour", "r4", "member"]
        for label in reporters[:3]:
            await report_comment(
                session, TRANSLATOR, actor=await actor(session, world, label), comment_id=comment.id, now=T0
            )
        await moderate_comment(
            session,
            actor=await actor(session, world, "manager"),
            comment_id=comment.id,
            hide=False,
            now=T0 + timedelta(hours=1),
        )
        outcomes = [
            await report_comment(
                session,
                TRANSLATOR,
                actor=await actor(session, world, label),
                comment_id=comment.id,
                now=T0 + timedelta(hours=2),
            )
            for label in reporters[3:]
        ]
        assert outcomes == [ReportOutcome.REPORTED, ReportOutcome.REPORTED, ReportOutcome.HIDDEN]
        assert await count(session, OutboxMessage) == 2
