"""Hostile input is ordinary input: forged buttons, senders missing, names too long, things gone,
people who blocked the bot: a clean answer or a silent ignore, never an apology."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from models import Account, Platform, ScopeKind
from services import accounts
from services.accounts import identify
from services.authz import UnknownScope
from tests.handlers.conftest import Harness, count, resident
from tests.handlers.harness import NOW
from tests.handlers.test_join import registered


def answers(harness: Harness) -> list[str | None]:
    return [r.text for r in harness.tg_session.requests if isinstance(r, AnswerCallbackQuery)]


def apologies(harness: Harness) -> list[str]:
    apology = {harness.translator.get(locale, "error-generic") for locale in ("fa", "en")}
    return [text for text in harness.tg_session.sent_texts() if text in apology]


async def test_a_message_without_a_sender_is_ignored(harness: Harness) -> None:
    for update_id, text in enumerate(["/start", "/help", "سلام"], start=1):
        message = Message(message_id=update_id, date=NOW, chat=Chat(id=77, type="private"), text=text)
        await harness.send(Update(update_id=update_id, message=message))
    # A message from a bot (say, an anonymous group admin) is nobody's either.
    bot_user = User(id=1087968824, is_bot=True, first_name="Group")
    await harness.send(harness.updates.message(bot_user, text="/help"))
    # Nor is an update of a kind this bot has never heard of.
    await harness.send(Update.model_validate({"update_id": 9, "some_future_update": {"id": 1}}))
    assert harness.tg_session.requests == []
    assert await count(harness.session_factory, Account) == 0


async def test_a_forged_language_is_a_stale_button(harness: Harness) -> None:
    user = resident(user_id=61)
    await harness.send(harness.updates.message(user, text="/start"))
    for data in ("lang:xx:1", "lang:../../etc:0", "lang:fa:maybe", "lang:"):
        await harness.send(harness.updates.callback(user, data))
    unsupported = harness.translator.get("fa", "error-unsupported-input")
    assert answers(harness) == [unsupported] * 4
    assert apologies(harness) == []
    async with harness.session_factory() as session:
        assert await session.scalar(select(Account.locale)) is None


@pytest.mark.parametrize(
    "data",
    [
        "rqo:9223372036854775808",  # 2^63
        "fdp:1:18446744073709551616",  # a page of 2^64
        "cm_edit:-9223372036854775809",
        "rp_cty:2147483648",  # 2^31: beyond PostgreSQL's integer
        "jcal:99999999999:1:1:x",
    ],
)
async def test_numbers_beyond_any_id_are_stale_buttons(harness: Harness, data: str) -> None:
    user = await registered(harness)
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(user, data))
    sent = harness.tg_session.requests[before:]
    unsupported = harness.translator.get("fa", "error-unsupported-input")
    assert [(type(r).__name__, getattr(r, "text", None)) for r in sent] == [
        ("AnswerCallbackQuery", unsupported)
    ]


@pytest.mark.parametrize("error", [UnknownScope(ScopeKind.COUNTY, 7), StaleDataError("0 rows matched")])
async def test_something_gone_is_said_so_not_apologised(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    async def gone(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("handlers.start.set_locale", gone)
    user = resident(user_id=62, language_code="en")
    await harness.send(harness.updates.message(user, text="/start"))
    await harness.send(harness.updates.callback(user, "lang:fa:1"))
    assert harness.last_text() == harness.translator.get("en", "error-gone")
    assert apologies(harness) == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_person_who_blocked_the_bot_meanwhile_gets_nothing_more(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def blocked(*args: Any, **kwargs: Any) -> None:
        raise TelegramForbiddenError(
            method=SendMessage(chat_id=63, text="x"), message="bot was blocked by the user"
        )

    monkeypatch.setattr("handlers.start.set_locale", blocked)
    user = resident(user_id=63)
    await harness.send(harness.updates.message(user, text="/start"))
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(user, "lang:en:1"))
    assert harness.tg_session.requests[before:] == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_names_longer_than_their_columns_are_cut_and_say_so(harness: Harness) -> None:
    user = User(id=64, is_bot=False, first_name="ن" * 151, username="u" * 100, language_code="fa")
    await harness.send(harness.updates.message(user, text="/help"))
    async with harness.session_factory() as session:
        account = await session.scalar(select(Account))
    assert account is not None and account.first_name is not None and account.username is not None
    assert account.first_name == "ن" * 149 + "…"
    assert account.username == "u" * 63 + "…"
    assert apologies(harness) == []


async def identify_user(session: AsyncSession, user_id: int) -> accounts.Viewer:
    return await identify(
        session,
        platform=Platform.TELEGRAM,
        user_id=user_id,
        chat_id=user_id,
        first_name="Ali",
        username=None,
        now=NOW,
    )


async def test_two_first_updates_at_once_make_one_account(
    session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with session_factory() as first, session_factory() as second:
        one, two = await asyncio.gather(identify_user(first, 70), identify_user(second, 70))
    assert one.account_id == two.account_id
    # Whatever the interleaving: an account made after this session looked for it is found.
    async with session_factory() as session:
        made = await identify_user(session, 71)
    looked_up = accounts.account_by_platform_user
    calls = 0

    async def too_early(*args: Any) -> Account | None:
        nonlocal calls
        calls += 1
        return None if calls == 1 else await looked_up(*args)

    monkeypatch.setattr(accounts, "account_by_platform_user", too_early)
    async with session_factory() as session:
        again = await identify_user(session, 71)
    assert again.account_id == made.account_id and calls == 2
    async with session_factory() as session:
        assert len(list(await session.scalars(select(Account.id)))) == 2
