"""Handler-test fixtures: the real Dispatcher with two recording bots (Telegram and Bale), and the
setup many handler tests share: a neighbourhood or two, council members seated by the operator,
the Persian text of a catalog key (`fa`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import User
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import build_dispatcher
from bot.fsm_storage import SqlAlchemyStorage
from bot.settings import Settings
from models import Neighbourhood, Platform
from services.authz import OPERATOR
from services.clock import fixed_clock
from services.council import register_member
from services.i18n import Translator
from tests.handlers.harness import NOW, RecordingSession, UpdateFactory, make_test_bot

TG_BOT_ID, BALE_BOT_ID = 5001, 5002


@dataclass
class Harness:
    dispatcher: Dispatcher
    tg: Bot
    tg_session: RecordingSession
    bale: Bot
    bale_session: RecordingSession
    updates: UpdateFactory
    translator: Translator
    session_factory: async_sessionmaker[AsyncSession]

    async def send(self, update, bot: Bot | None = None) -> None:  # type: ignore[no-untyped-def]
        await self.dispatcher.feed_update(bot or self.tg, update)

    def last_text(self, session: RecordingSession | None = None) -> str:
        return (session or self.tg_session).sent_texts()[-1]


@pytest.fixture
def harness(session_factory: async_sessionmaker[AsyncSession]) -> Harness:
    # No throttle: a scripted person writes faster than anyone could (tests/handlers/test_fairness.py).
    return make_harness(session_factory, throttle_burst=0)


def make_harness(session_factory: async_sessionmaker[AsyncSession], **settings: Any) -> Harness:
    """The real Dispatcher with two recording bots; `settings` override the defaults."""
    translator = Translator()
    tg, tg_session = make_test_bot(TG_BOT_ID)
    bale, bale_session = make_test_bot(BALE_BOT_ID)
    clock = fixed_clock(NOW)
    dispatcher = build_dispatcher(
        settings=Settings(admin_phones=["09120000001"], _env_file=None, **settings),  # type: ignore[call-arg]
        storage=SqlAlchemyStorage(session_factory, clock),
        session_factory=session_factory,
        translator=translator,
        clock=clock,
        platforms={TG_BOT_ID: Platform.TELEGRAM, BALE_BOT_ID: Platform.BALE},
    )
    return Harness(
        dispatcher, tg, tg_session, bale, bale_session, UpdateFactory(), translator, session_factory
    )


async def add_varamin(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """Another county of the province تهران, ورامین, with one neighbourhood: قلعه‌نو (3001)."""
    from models import County, NeighbourhoodKind, Province

    async with session_factory() as session, session.begin():
        tehran = await session.scalar(select(Province).where(Province.name == "تهران"))
        assert tehran is not None
        session.add(
            Neighbourhood(
                county=County(province=tehran, name="ورامین"),
                name="قلعه‌نو",
                code="3001",
                kind=NeighbourhoodKind.URBAN,
            )
        )


def fa(harness: Harness, key: str, **args: Any) -> str:
    """The catalog's Persian text for `key`: what the bot says to a person who chose فارسی."""
    return harness.translator.get("fa", key, **args)


async def neighbourhood_id(harness: Harness, code: str = "1001") -> int:
    """The id of the neighbourhood with this code."""
    async with harness.session_factory() as session:
        found = await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == code))
    assert found is not None
    return found


def resident(user_id: int = 42, language_code: str | None = None) -> User:
    return User(id=user_id, is_bot=False, first_name="Zahra", language_code=language_code)


async def count(session_factory: async_sessionmaker[AsyncSession], model: type) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def add_neighbourhood(session_factory: async_sessionmaker[AsyncSession], code: str = "1001") -> None:
    from models import County, Neighbourhood, NeighbourhoodKind, Province

    async with session_factory() as session, session.begin():
        province = Province(name="تهران")
        county = County(province=province, name="ری")
        session.add(Neighbourhood(county=county, name="دولت‌آباد", code=code, kind=NeighbourhoodKind.URBAN))


async def seat_member(
    session_factory: async_sessionmaker[AsyncSession],
    phone: str,
    name: str,
    *,
    neighbourhood_id: int = 1,
    **seat: Any,
) -> int:
    """A council member registered by the operator before the test's own steps (`seat`:
    `register_member`'s committees, head_of, national_code); the member's id."""
    async with session_factory() as session:
        view = await register_member(
            session,
            actor=OPERATOR,
            neighbourhood_id=neighbourhood_id,
            full_name=name,
            phone=phone,
            now=NOW,
            **seat,
        )
    return view.id
