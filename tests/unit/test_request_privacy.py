"""Issue 11 in the services: following only what was offered, /track for strangers and its limit,
emergencies that repeat, and a group chat that never becomes a person's chat."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Account,
    CitizenRequest,
    CommitteeKey,
    OutboxMessage,
    Platform,
    RequestEvent,
)
from services.accounts import identify
from services.authz import OPERATOR, Actor, load_actor
from services.requests import (
    EMERGENCY_REPEAT_WINDOW,
    NewRequest,
    RequestStatusView,
    RequestView,
    TooManyTrackingAttempts,
    UnknownRequest,
    find_similar_open,
    follow_request,
    submit_request,
    track_request,
)
from tests.unit.test_requests import T0, TRANSLATOR, build

TEXT = "درمانگاه محله پزشک ندارد و بیماران باید تا شهر بروند"
LIKE = "درمانگاه محله پزشک نداره و بیمارها باید تا شهر برن"


@pytest.fixture
async def people(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with session_factory() as session:
        return await build(session)


async def submit(
    session: AsyncSession,
    person_id: int,
    text: str = TEXT,
    *,
    anonymous: bool = False,
    emergency: bool = False,
    at: tuple[float, float] | None = None,
    now: datetime = T0,
) -> int:
    draft = NewRequest(
        text=text,
        committee=CommitteeKey.HEALTH,
        anonymous=anonymous,
        emergency=emergency,
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
    )
    return (await submit_request(session, TRANSLATOR, person_id=person_id, draft=draft, now=now)).id


async def test_only_an_offered_request_can_be_followed(
    session_factory: async_sessionmaker[AsyncSession], people: dict[str, int]
) -> None:
    async with session_factory() as session:
        public = await submit(session, people["resident"])
        hidden = await submit(session, people["resident"], TEXT + " لطفا", anonymous=True)
        offered = await find_similar_open(
            session,
            neighbourhood_id=1,
            committee=CommitteeKey.HEALTH,
            text=LIKE,
            now=T0,
            person_id=people["neighbour"],
        )
        assert offered is not None and offered.id == public
        # Someone else's anonymous request is never offered, nor followed by id.
        with pytest.raises(UnknownRequest):
            await follow_request(
                session,
                TRANSLATOR,
                person_id=people["neighbour"],
                request_id=hidden,
                text=LIKE,
                committee=CommitteeKey.HEALTH,
                now=T0,
            )
        # Nor a request the draft does not read like, or of another committee.
        for text, committee in (
            (LIKE, CommitteeKey.SERVICES),
            ("چراغ کوچه خاموش است", CommitteeKey.HEALTH),
        ):
            with pytest.raises(UnknownRequest):
                await follow_request(
                    session,
                    TRANSLATOR,
                    person_id=people["neighbour"],
                    request_id=public,
                    text=text,
                    committee=committee,
                    now=T0,
                )
        view = await follow_request(
            session,
            TRANSLATOR,
            person_id=people["neighbour"],
            request_id=public,
            text=LIKE,
            committee=CommitteeKey.HEALTH,
            now=T0,
        )
        assert view.id == public
        # Its author may still be offered their own anonymous request.
        own = await find_similar_open(
            session,
            neighbourhood_id=1,
            committee=CommitteeKey.HEALTH,
            text=TEXT + " لطفا",
            now=T0,
            person_id=people["resident"],
        )
        assert own is not None and own.id == hidden


async def test_track_gives_strangers_status_and_dates_and_limits_their_tries(
    session_factory: async_sessionmaker[AsyncSession], people: dict[str, int]
) -> None:
    async with session_factory() as session:
        request_id = await submit(session, people["resident"])
        code = (await session.get(CitizenRequest, request_id)).code  # type: ignore[union-attr]
        stranger = await load_actor(session, people["neighbour"])
        seen = await track_request(session, actor=stranger, code=code, now=T0)
        assert seen == RequestStatusView(code, seen.status, T0, T0)
        for n in range(9):
            with pytest.raises(UnknownRequest):
                await track_request(
                    session,
                    actor=stranger,
                    code=f"00000000{n}",
                    now=T0 + timedelta(minutes=n),
                )
        # The eleventh: refused alike for a real and a made-up code; the oldest try frees in an hour.
        for tried in (code, "000000009"):
            with pytest.raises(TooManyTrackingAttempts) as refused:
                await track_request(session, actor=stranger, code=tried, now=T0 + timedelta(minutes=20))
            assert refused.value.minutes == 40
        assert isinstance(
            await track_request(session, actor=stranger, code=code, now=T0 + timedelta(minutes=61)),
            RequestStatusView,
        )
        # The author, the handlers and the operator are never limited.
        author = await load_actor(session, people["resident"])
        head = await load_actor(session, people["head"])
        for actor in (author, head, OPERATOR):
            for _ in range(12):
                view = await track_request(session, actor=actor, code=code, now=T0)
            assert isinstance(view, RequestView) and view.text == TEXT
        # Someone who has not shared their phone yet is counted by account.
        nobody = Actor(person_id=None, label="account:77")
        for _ in range(10):
            with pytest.raises(UnknownRequest):
                await track_request(session, actor=nobody, code="123123123", now=T0, account_id=77)
        with pytest.raises(TooManyTrackingAttempts):
            await track_request(session, actor=nobody, code="123123123", now=T0, account_id=77)


async def test_a_repeated_emergency_joins_the_first_and_is_told_once_more(
    session_factory: async_sessionmaker[AsyncSession], people: dict[str, int]
) -> None:
    gas = "بوی گاز شدید در راه پله ساختمان ما"
    async with session_factory() as session:
        first = await submit(session, people["resident"], gas, emergency=True, at=(35.6, 51.43))
        again = await submit_request(
            session,
            TRANSLATOR,
            person_id=people["resident"],
            draft=NewRequest(text=gas, committee=CommitteeKey.CRISIS, emergency=True),
            now=T0 + timedelta(minutes=5),
        )
        assert again.attached and again.id == first and again.notified > 0
        third = await submit_request(
            session,
            TRANSLATOR,
            person_id=people["resident"],
            draft=NewRequest(text=gas, committee=CommitteeKey.CRISIS, emergency=True),
            now=T0 + timedelta(minutes=6),
        )
        assert third.attached and third.notified == 0
        # The neighbour 30 m away: the same emergency; 2 km away, or after the window: a new one.
        beside = await submit(
            session,
            people["neighbour"],
            gas,
            emergency=True,
            at=(35.6002, 51.4302),
            now=T0 + timedelta(minutes=7),
        )
        assert beside == first
        far = await submit(
            session,
            people["neighbour"],
            gas,
            emergency=True,
            at=(35.62, 51.43),
            now=T0 + timedelta(minutes=8),
        )
        later = await submit(
            session,
            people["resident"],
            gas,
            emergency=True,
            now=T0 + EMERGENCY_REPEAT_WINDOW + timedelta(minutes=1),
        )
        assert len({first, far, later}) == 3
        assert (await session.scalar(select(func.count(CitizenRequest.id)))) == 3
        kinds = list(await session.scalars(select(RequestEvent.kind).where(RequestEvent.request_id == first)))
        assert kinds.count("repeated") == 3
        to_manager = await session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.person_id == people["manager"],
                OutboxMessage.topic == f"request:{first}",
            )
        )
        assert to_manager == 2


async def test_a_group_chat_never_becomes_an_accounts_chat(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        viewer = await identify(
            session,
            platform=Platform.TELEGRAM,
            user_id=4242,
            chat_id=-100999,
            first_name="Zahra",
            username=None,
            now=T0,
            private_chat=False,
        )
        assert viewer.chat_id == 4242
        await identify(
            session,
            platform=Platform.TELEGRAM,
            user_id=4242,
            chat_id=4242,
            first_name="Zahra",
            username=None,
            now=T0,
        )
        account = (await session.scalars(select(Account).where(Account.platform_user_id == 4242))).one()
        account.blocked_at = T0
        await session.commit()
        viewer = await identify(
            session,
            platform=Platform.TELEGRAM,
            user_id=4242,
            chat_id=-100999,
            first_name="Zahra R",
            username=None,
            now=T0 + timedelta(hours=1),
            private_chat=False,
        )
        await session.refresh(account)
        assert account.chat_id == 4242 and account.blocked_at is not None and account.first_name == "Zahra R"
