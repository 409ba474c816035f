"""Crisis mode without a messenger: who may switch it, who is told (once, in their language, and
nobody of another neighbourhood), where emergencies go while it is on and after, and the
72-hour reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Account,
    AuditEntry,
    CommitteeKey,
    CrisisPeriod,
    Neighbourhood,
    OutboxMessage,
    Person,
    Platform,
    Role,
    RoleAssignment,
    ScopeKind,
)
from services.authz import OPERATOR, PermissionDenied, load_actor
from services.council import register_member
from services.crisis import (
    MAX_DESCRIPTION_LENGTH,
    OPEN_CRISIS_CALLBACK,
    CrisisAlreadyActive,
    CrisisNotActive,
    CrisisSwitched,
    DescriptionTooLong,
    DescriptionTooShort,
    Phase,
    active_crisis,
    crisis_state,
    end_crisis,
    queue_crisis_broadcast,
    run_crisis_reminders,
    start_crisis,
)
from services.jobs import JobContext, job_by_name
from services.requests import NewRequest, submit_request
from services.residents import join_neighbourhood
from tests.unit.test_requests import T0, TRANSLATOR, build, person_with_account

FLOOD = "سیلاب وارد کوچه‌های پایین محله شده؛ به طبقات بالا بروید و از زیرزمین‌ها دور بمانید"
# Residents and council members of 1001 (see `world`); the manager is neither.
AUDIENCE = ("resident", "neighbour", "head", "member", "other_head", "crisis_head", "crisis_member")


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """The requests world plus a crisis committee (head and member) in 1001, a resident of 1002
    and one of 1001 who reads English."""
    async with session_factory() as session:
        people = await build(session)
        for label, phone, is_head in [
            ("crisis_head", "09120000401", True),
            ("crisis_member", "09120000402", False),
        ]:
            await register_member(
                session,
                actor=OPERATOR,
                neighbourhood_id=await neighbourhood_id(session, "1001"),
                full_name=label,
                phone=phone,
                now=T0,
                committees=[CommitteeKey.CRISIS],
                head_of=CommitteeKey.CRISIS if is_head else None,
            )
            people[label] = await person_with_account(session, "+98" + phone[1:], 200 + len(people))
        people["elsewhere"] = await person_with_account(session, "+989120000501", 300)
        await join_neighbourhood(session, person_id=people["elsewhere"], code="1002", now=T0)
        account = await session.scalar(select(Account).where(Account.person_id == people["neighbour"]))
        assert account is not None
        account.locale = "en"
        await session.commit()
        people["n1"] = await neighbourhood_id(session, "1001")
        people["n2"] = await neighbourhood_id(session, "1002")
        return people


async def neighbourhood_id(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == code))
    assert found is not None
    return found


async def rows(session: AsyncSession, like: str) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedup_key.like(like)).order_by(OutboxMessage.id)
        )
    )


def recipients(messages: list[OutboxMessage]) -> list[int]:
    return sorted(m.person_id or 0 for m in messages)


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def switch_on(
    session: AsyncSession, world: dict[str, int], who: str = "manager", at: datetime = T0, where: str = "n1"
) -> int:
    switched = await start_crisis(
        session,
        TRANSLATOR,
        actor=await load_actor(session, world[who]),
        neighbourhood_id=world[where],
        description=FLOOD,
        now=at,
    )
    return switched.period_id


async def switch_off(
    session: AsyncSession, world: dict[str, int], who: str = "manager", at: datetime = T0, where: str = "n1"
) -> CrisisSwitched:
    """`who` ends the crisis of neighbourhood `where`, with no note."""
    return await end_crisis(
        session,
        TRANSLATOR,
        actor=await load_actor(session, world[who]),
        neighbourhood_id=world[where],
        note=None,
        now=at,
    )


async def test_switching_on_tells_residents_and_council_once_each_in_their_language(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        switched = await start_crisis(
            session,
            TRANSLATOR,
            actor=await load_actor(session, world["manager"]),
            neighbourhood_id=world["n1"],
            description=f"  {FLOOD}  ",
            now=T0,
        )
        assert switched.told == len(AUDIENCE) and switched.has_crisis_head
        period = await active_crisis(session, world["n1"])
        assert period is not None and period.id == switched.period_id and period.description == FLOOD
        assert period.started_by_person_id == world["manager"]

        notices = await rows(session, f"crisis:{period.id}:start:%")
        assert recipients(notices) == sorted(world[p] for p in AUDIENCE)
        assert {m.dedup_key for m in notices} == {f"crisis:{period.id}:start:{world[p]}" for p in AUDIENCE}
        by_person = {m.person_id: m for m in notices}
        persian = by_person[world["resident"]].text
        assert FLOOD in persian and "125" in persian and "115" in persian and "دولت‌آباد" in persian
        english = by_person[world["neighbour"]].text
        assert english.startswith("🚨 Crisis declared in") and FLOOD in english and "125" in english
        # Nobody of another neighbourhood, and not the manager (a reply tells them).
        for outsider in ("elsewhere", "head_elsewhere", "other_manager", "manager", "county"):
            assert world[outsider] not in by_person

        # The crisis committee is told it is active, on top of the notice.
        team = await rows(session, f"crisis:{period.id}:team:%")
        assert recipients(team) == sorted([world["crisis_head"], world["crisis_member"]])
        assert switched.team_told == 2 and "/inbox" in team[0].text

        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "crisis.start"))).one()
        assert audit.target_id == period.id and audit.actor_person_id == world["manager"]
        assert audit.details["told"] == len(AUDIENCE)


async def test_the_broadcast_called_again_queues_nobody_twice(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        period_id = await switch_on(session, world)
        before = await count(session, OutboxMessage)
        period = await session.get(CrisisPeriod, period_id)
        assert period is not None
        for _ in range(2):
            again = await queue_crisis_broadcast(
                session, TRANSLATOR, period=period, phase=Phase.START, now=T0
            )
            await session.commit()
            assert again == 0
        assert await count(session, OutboxMessage) == before
        # Someone who joins afterwards is told by the next call, and only they are.
        late = await person_with_account(session, "+989120000601", 601)
        await join_neighbourhood(session, person_id=late, code="1001", now=T0)
        assert (
            await queue_crisis_broadcast(session, TRANSLATOR, period=period, phase=Phase.START, now=T0) == 1
        )
        await session.commit()
        assert len(await rows(session, f"crisis:{period_id}:start:%")) == len(AUDIENCE) + 1


@pytest.mark.parametrize("who", ["resident", "other_manager", "head", "crisis_head", "other_county"])
async def test_only_the_manager_and_officials_above_may_switch_and_nothing_is_saved(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], who: str
) -> None:
    async with session_factory() as session:
        outbox, audit = await count(session, OutboxMessage), await count(session, AuditEntry)
        with pytest.raises(PermissionDenied):
            await switch_on(session, world, who)
        with pytest.raises(PermissionDenied):
            await crisis_state(
                session, actor=await load_actor(session, world[who]), neighbourhood_id=world["n1"]
            )
        assert await count(session, CrisisPeriod) == 0
        assert await count(session, OutboxMessage) == outbox
        assert await count(session, AuditEntry) == audit
        # Nor may they switch it off once the manager has switched it on.
        await switch_on(session, world)
        outbox = await count(session, OutboxMessage)
        with pytest.raises(PermissionDenied):
            await switch_off(session, world, who, at=T0 + timedelta(hours=1))
        assert await active_crisis(session, world["n1"]) is not None
        assert await count(session, OutboxMessage) == outbox


@pytest.mark.parametrize("who", ["county", "admin"])
async def test_officials_above_may_switch_it_on(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], who: str
) -> None:
    async with session_factory() as session:
        await switch_on(session, world, who)
        assert await active_crisis(session, world["n1"]) is not None


async def test_switching_on_twice_is_a_clear_error(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await switch_on(session, world)
        outbox = await count(session, OutboxMessage)
        with pytest.raises(CrisisAlreadyActive) as raised:
            await switch_on(session, world, "county", at=T0 + timedelta(hours=2))
        assert raised.value.since == T0
        assert await count(session, CrisisPeriod) == 1
        assert await count(session, OutboxMessage) == outbox
        # Another neighbourhood may have its own crisis meanwhile.
        other = await start_crisis(
            session,
            TRANSLATOR,
            actor=await load_actor(session, world["other_manager"]),
            neighbourhood_id=world["n2"],
            description=FLOOD,
            now=T0,
        )
        assert other.told == 2  # its resident and its health head
        assert not other.has_crisis_head


async def test_a_bad_description_saves_nothing(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        actor = await load_actor(session, world["manager"])
        for text, error in [
            ("سیل", DescriptionTooShort),
            ("ا" * (MAX_DESCRIPTION_LENGTH + 1), DescriptionTooLong),
        ]:
            with pytest.raises(error):
                await start_crisis(
                    session, TRANSLATOR, actor=actor, neighbourhood_id=world["n1"], description=text, now=T0
                )
        assert await count(session, CrisisPeriod) == 0
        assert await count(session, OutboxMessage) == 0


async def test_switching_off_tells_everyone_once_and_not_when_it_is_not_on(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        actor = await load_actor(session, world["manager"])
        with pytest.raises(CrisisNotActive):
            await end_crisis(
                session, TRANSLATOR, actor=actor, neighbourhood_id=world["n1"], note=None, now=T0
            )
        assert await count(session, OutboxMessage) == 0

        period_id = await switch_on(session, world)
        ended = await end_crisis(
            session,
            TRANSLATOR,
            actor=actor,
            neighbourhood_id=world["n1"],
            note="  آب پایین رفت؛ کوچه‌ها باز است ",
            now=T0 + timedelta(hours=5),
        )
        assert ended.period_id == period_id and ended.told == len(AUDIENCE)
        period = await session.get(CrisisPeriod, period_id)
        assert period is not None and period.ended_at == T0 + timedelta(hours=5)
        assert period.ended_by_person_id == world["manager"]
        assert await active_crisis(session, world["n1"]) is None
        notices = {m.person_id or 0: m.text for m in await rows(session, f"crisis:{period_id}:end:%")}
        assert sorted(notices) == sorted(world[p] for p in AUDIENCE)
        assert "آب پایین رفت؛ کوچه‌ها باز است" in notices[world["resident"]]
        assert notices[world["neighbour"]].startswith("✅ The crisis in")
        assert (await session.scalars(select(AuditEntry).where(AuditEntry.action == "crisis.end"))).one()

        with pytest.raises(CrisisNotActive):
            await end_crisis(
                session, TRANSLATOR, actor=actor, neighbourhood_id=world["n1"], note=None, now=T0
            )
        await session.refresh(period)  # the failed call rolled back, expiring it
        assert await queue_crisis_broadcast(session, TRANSLATOR, period=period, phase=Phase.END, now=T0) == 0
        # A new crisis later is a new period, told again.
        again = await switch_on(session, world, at=T0 + timedelta(days=3))
        assert again != period_id and len(await rows(session, f"crisis:{again}:start:%")) == len(AUDIENCE)


async def emergency_notified(
    session: AsyncSession, world: dict[str, int], at: datetime
) -> tuple[bool, set[int | None]]:
    """Whether the crisis committee got a resident's emergency at `at`, and who was told of it."""
    submitted = await submit_request(
        session,
        TRANSLATOR,
        person_id=world["resident"],
        draft=NewRequest(
            text="آب تا زانو توی خانه ما آمده کمک کنید", committee=CommitteeKey.HEALTH, emergency=True
        ),
        now=at,
    )
    told = set(await session.scalars(select(OutboxMessage.person_id).where(OutboxMessage.created_at == at)))
    return submitted.crisis_committee, told


async def test_emergencies_go_to_the_crisis_head_while_on_and_to_the_manager_after(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    # Half an hour apart: the same resident's emergency sooner would join the open one.
    async with session_factory() as session:
        in_crisis, told = await emergency_notified(session, world, T0)
        assert not in_crisis and told == {world["manager"]}
        await switch_on(session, world, at=T0 + timedelta(minutes=31))
        in_crisis, told = await emergency_notified(session, world, T0 + timedelta(minutes=32))
        assert in_crisis and told == {world["crisis_head"]}
        await switch_off(session, world, at=T0 + timedelta(minutes=33))
        in_crisis, told = await emergency_notified(session, world, T0 + timedelta(minutes=64))
        assert not in_crisis and told == {world["manager"]}


async def test_the_manager_is_reminded_once_after_72_hours_and_not_after_the_end(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        period_id = await switch_on(session, world)
        # A second manager of the neighbourhood is reminded too.
        second = await person_with_account(session, "+989120000701", 701)
        session.add(
            RoleAssignment(
                person_id=second,
                role=Role.MANAGER,
                scope_kind=ScopeKind.NEIGHBOURHOOD,
                scope_id=world["n1"],
                created_at=T0,
            )
        )
        await session.commit()
        # Another neighbourhood's crisis, closed within the 72 hours: never reminded.
        await switch_on(session, world, "other_manager", where="n2")
        await switch_off(session, world, "other_manager", at=T0 + timedelta(hours=10), where="n2")

        early = await run_crisis_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=71, minutes=59))
        assert early.reminded == 0 and await rows(session, "crisis-reminder:%") == []

    job = job_by_name("crisis_reminder")
    for minutes in (0, 60, 120):
        ctx = JobContext(session_factory=session_factory, now=T0 + timedelta(hours=72, minutes=minutes))
        summary = await job.run(ctx)
        assert ("1 reminders" if minutes == 0 else "0 reminders") in summary

    async with session_factory() as session:
        reminders = await rows(session, "crisis-reminder:%")
        assert recipients(reminders) == sorted([world["manager"], second])
        assert {m.dedup_key for m in reminders} == {
            f"crisis-reminder:{period_id}:{world['manager']}",
            f"crisis-reminder:{period_id}:{second}",
        }
        assert "/crisis" in reminders[0].text and "۷۲" in reminders[0].text
        assert reminders[0].reply_markup is not None
        assert reminders[0].reply_markup["inline_keyboard"][0][0]["callback_data"] == OPEN_CRISIS_CALLBACK
        assert world["other_manager"] not in {m.person_id for m in reminders}


async def test_a_crisis_ended_before_72_hours_is_never_reminded(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await switch_on(session, world)
        await switch_off(session, world, at=T0 + timedelta(hours=71))
        summary = await run_crisis_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=100))
        assert summary.checked == 0 and await rows(session, "crisis-reminder:%") == []


async def test_a_large_neighbourhood_is_queued_in_batches_everyone_once(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    """More residents than one INSERT batch; some on Bale, some with two accounts (the last used
    one wins), some without any account (they cannot be told)."""
    total = 1100
    async with session_factory() as session:
        people = [Person(phone=f"+98913{i:07d}", full_name=f"r{i}", created_at=T0) for i in range(total)]
        session.add_all(people)
        await session.flush()
        for i, person in enumerate(people):
            session.add(
                RoleAssignment(
                    person_id=person.id,
                    role=Role.RESIDENT,
                    scope_kind=ScopeKind.NEIGHBOURHOOD,
                    scope_id=world["n1"],
                    created_at=T0,
                )
            )
            if i % 50 == 0:
                continue  # no account yet
            platform = Platform.BALE if i % 3 == 0 else Platform.TELEGRAM
            session.add(
                Account(
                    platform=platform,
                    platform_user_id=10_000 + i,
                    chat_id=10_000 + i,
                    person_id=person.id,
                    created_at=T0,
                    last_seen_at=T0,
                )
            )
            if i % 7 == 0:  # also on the other messenger, used later: messages go there
                session.add(
                    Account(
                        platform=Platform.TELEGRAM if platform is Platform.BALE else Platform.BALE,
                        platform_user_id=50_000 + i,
                        chat_id=50_000 + i,
                        person_id=person.id,
                        created_at=T0,
                        last_seen_at=T0 + timedelta(hours=1),
                    )
                )
        await session.commit()
        switched = await start_crisis(
            session,
            TRANSLATOR,
            actor=await load_actor(session, world["manager"]),
            neighbourhood_id=world["n1"],
            description=FLOOD,
            now=T0 + timedelta(hours=2),
        )
        with_account = total - len(range(0, total, 50))
        assert switched.told == with_account + len(AUDIENCE)
        notices = await rows(session, f"crisis:{switched.period_id}:start:%")
        assert len(notices) == len({m.person_id for m in notices}) == switched.told
        chats = {(m.platform, m.chat_id) for m in notices}
        assert len(chats) == switched.told
        assert (Platform.BALE, 50_007) in chats and (Platform.TELEGRAM, 10_007) not in chats
        assert (Platform.BALE, 10_003) in chats
        state = await crisis_state(
            session, actor=await load_actor(session, world["manager"]), neighbourhood_id=world["n1"]
        )
        assert state.audience == switched.told and state.active is not None
