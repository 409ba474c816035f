"""The inbox with the real Dispatcher on a migrated database: stored once, handled once, in order
per chat, taken up again after a restart, one database session per update; and the webhook
endpoint's answers to bodies that are not updates."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import User
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import build_dispatcher
from bot.fsm_storage import SqlAlchemyStorage
from bot.inbox import MAX_RECOVERIES, Inbox, webhook_handler
from bot.lanes import ChatLanes
from bot.reply_journal import ReplyJournalMiddleware
from bot.settings import Settings
from bot.update_scope import handling_update
from models import InboxUpdate, Platform, inbox_repo
from services.clock import fixed_clock
from services.i18n import Translator
from tests.handlers.harness import NOW, RecordingSession, UpdateFactory, make_test_bot

BOT_ID = 5101
T = Translator()


class CountingFactory:
    """A session factory that counts the sessions it opened."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory
        self.opened = 0
        # Sessions opened while an update was being handled: a second one for that update.
        self.opened_during_updates = 0

    def __call__(self) -> AsyncSession:
        self.opened += 1
        self.opened_during_updates += handling_update()
        return self._factory()


@dataclass
class Rig:
    inbox: Inbox
    lanes: ChatLanes
    bot: Bot
    recording: RecordingSession
    factory: CountingFactory
    dispatcher: Dispatcher

    def restart(self) -> Rig:
        lanes = ChatLanes(concurrency=4, backlog=100)
        inbox = Inbox(self.dispatcher, self.factory, lanes, fixed_clock(NOW))  # type: ignore[arg-type]
        return Rig(inbox, lanes, self.bot, self.recording, self.factory, self.dispatcher)

    async def idle(self) -> None:
        async with asyncio.timeout(10):
            while self.lanes.accepted:  # noqa: ASYNC110 (the lanes' own counter)
                await asyncio.sleep(0.01)


@pytest.fixture
def rig(session_factory: async_sessionmaker[AsyncSession]) -> Rig:
    factory = CountingFactory(session_factory)
    clock = fixed_clock(NOW)
    bot, recording = make_test_bot(BOT_ID)
    dispatcher = build_dispatcher(
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        storage=SqlAlchemyStorage(factory, clock),  # type: ignore[arg-type]
        session_factory=factory,  # type: ignore[arg-type]
        translator=T,
        clock=clock,
        platforms={BOT_ID: Platform.TELEGRAM},
    )
    lanes = ChatLanes(concurrency=4, backlog=100)
    return Rig(Inbox(dispatcher, factory, lanes, clock), lanes, bot, recording, factory, dispatcher)  # type: ignore[arg-type]


def person(user_id: int) -> User:
    return User(id=user_id, is_bot=False, first_name="Zahra", language_code="en")


def payload(update: Any) -> dict[str, Any]:
    return json.loads(update.model_dump_json(by_alias=True, exclude_none=True))


async def rows(factory: async_sessionmaker[AsyncSession]) -> list[InboxUpdate]:
    async with factory() as session:
        return list(await session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id)))


async def test_stored_once_handled_once_in_order_per_chat(
    rig: Rig, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    updates = UpdateFactory()
    batch = [
        payload(updates.message(person(uid), text=text)) for text in ("/help", "/cancel") for uid in (1, 2)
    ]
    stored = await rig.inbox.store(rig.bot, batch)
    assert [u.update_id for u in stored] == [1, 2, 3, 4]
    assert await rig.inbox.store(rig.bot, batch) == []  # delivered twice: stored (and handled) once
    for update in stored:
        assert await rig.inbox.dispatch(rig.bot, update)
    await rig.idle()
    for uid in (1, 2):
        assert rig.recording.sent_texts(uid)[0].startswith(T.get("en", "help-text"))
        assert rig.recording.sent_texts(uid)[1:] == [T.get("en", "cancel-nothing")]
    assert [(r.update_id, r.handled_at is not None, r.payload) for r in await rows(session_factory)] == [
        (n, True, None) for n in (1, 2, 3, 4)
    ]


async def test_one_session_per_update_shared_by_the_fsm_storage(rig: Rig) -> None:
    updates = UpdateFactory()
    stored = await rig.inbox.store(
        rig.bot, [payload(updates.message(person(uid), text="/start")) for uid in (7, 8, 9)]
    )
    rig.factory.opened = 0
    await asyncio.gather(*(rig.inbox.handle(rig.bot, update) for update in stored))
    # /start reads and writes conversation state; all of it through each update's one session
    # (the "handled" marks are written apart, several to a session).
    assert all(rig.recording.sent_texts(uid) for uid in (7, 8, 9))
    assert rig.factory.opened_during_updates == 0
    assert 3 < rig.factory.opened <= 3 + 3


async def test_what_was_not_handled_is_handled_after_a_restart(
    rig: Rig, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    updates = UpdateFactory()
    batch = [payload(updates.message(person(uid), text="/help")) for uid in (11, 12, 11)]
    await rig.inbox.store(rig.bot, batch)  # the process dies before handling them
    restarted = rig.restart()
    assert await restarted.inbox.recover(rig.bot) == 3
    await restarted.idle()
    assert len(rig.recording.sent_texts(11)) == 2 and len(rig.recording.sent_texts(12)) == 1
    assert all(r.handled_at is not None for r in await rows(session_factory))
    assert await restarted.restart().inbox.recover(rig.bot) == 0


def crash_before_marking(inbox: Inbox) -> None:
    """As if the process died after the handling but before the "handled" mark was queued: the
    replies' records are written on their own (a mark committed with them would make them moot)."""

    def mark_handled(bot_id: int, update_id: int) -> asyncio.Future[None]:
        lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        lost.set_exception(RuntimeError("the process died"))
        return lost

    inbox.writes.mark_handled = mark_handled  # type: ignore[method-assign]


async def test_a_reply_sent_before_a_crash_is_not_sent_again(
    rig: Rig, session_factory: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.reply_journal")
    rig.bot.session.middleware(ReplyJournalMiddleware(rig.inbox.writes, fixed_clock(NOW)))
    updates = UpdateFactory()
    received = payload(updates.message(person(31), text="/help"))
    (stored,) = await rig.inbox.store(rig.bot, [received])
    crash_before_marking(rig.inbox)
    await rig.inbox.handle(rig.bot, stored)
    await rig.inbox.writes.flush()
    assert len(rig.recording.sent_texts(31)) == 1
    async with session_factory() as session:
        recorded = await inbox_repo.recorded_replies(session, BOT_ID, stored.update_id)
    assert [(r.method, r.chat_id) for r in recorded.values()] == [("sendMessage", "31")]
    assert (await rows(session_factory))[0].handled_at is None

    restarted = rig.restart()
    assert await restarted.inbox.recover(rig.bot) == 1
    await restarted.idle()
    # Handled again (the mark was lost), but the person has one answer, not two.
    assert len(rig.recording.sent_texts(31)) == 1
    assert "was sent before the restart; not sending it again" in caplog.text
    assert (await rows(session_factory))[0].handled_at is not None


async def test_a_reply_the_first_attempt_did_not_send_is_sent(
    rig: Rig, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    rig.bot.session.middleware(ReplyJournalMiddleware(rig.inbox.writes, fixed_clock(NOW)))
    updates = UpdateFactory()
    (stored,) = await rig.inbox.store(rig.bot, [payload(updates.message(person(32), text="/help"))])
    # The first attempt recorded a different call at that place (another chat): not this reply.
    async with session_factory() as session, session.begin():
        await inbox_repo.record_reply(
            session, BOT_ID, stored.update_id, 0, method="sendMessage", chat_id="999", result={}, now=NOW
        )
    assert await rig.restart().inbox.recover(rig.bot) == 1
    await asyncio.sleep(0)
    async with asyncio.timeout(10):
        while not rig.recording.sent_texts(32):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert rig.recording.sent_texts(32)[0].startswith(T.get("en", "help-text"))


async def test_an_update_unfinished_at_every_start_is_given_up(
    rig: Rig, session_factory: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    updates = UpdateFactory()
    await rig.inbox.store(rig.bot, [payload(updates.message(person(21), text="/help"))])
    async with session_factory() as session, session.begin():
        row = await session.get(InboxUpdate, (BOT_ID, 1))
        assert row is not None
        row.recoveries = MAX_RECOVERIES
    assert await rig.restart().inbox.recover(rig.bot) == 0
    assert rig.recording.sent_texts(21) == []
    assert "giving up update 1" in caplog.text
    assert (await rows(session_factory))[0].handled_at is not None


async def test_an_update_fed_straight_to_the_dispatcher_is_deduplicated(
    rig: Rig, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    update = UpdateFactory().message(person(31), text="/help")
    await rig.dispatcher.feed_update(rig.bot, update)
    await rig.dispatcher.feed_update(rig.bot, update)
    assert len(rig.recording.sent_texts(31)) == 1
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 1


@pytest.fixture
async def webhook(rig: Rig) -> AsyncIterator[TestClient[Any, Any]]:
    app = Application()
    app.router.add_post("/hook", webhook_handler(rig.inbox, rig.bot, "s3cret"))
    async with TestClient(TestServer(app)) as client:
        yield client


SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret", "Content-Type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe not utf-8",
        b'{"update_id": 1, "message": ',
        b"[1, 2, 3]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
    ],
    ids=["bad-utf8", "bad-json", "not-an-object", "no-update-id", "update-id-not-a-number"],
)
async def test_a_webhook_body_that_is_not_an_update_gets_400(
    webhook: TestClient[Any, Any], body: bytes, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    response = await webhook.post("/hook", data=body, headers=SECRET)
    assert response.status == 400
    assert await rows(session_factory) == []


async def test_a_webhook_update_is_stored_before_200_and_handled(
    webhook: TestClient[Any, Any], rig: Rig, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    update = payload(UpdateFactory().message(person(41), text="/help"))
    unsigned = await webhook.post("/hook", json=update)
    assert unsigned.status == 401
    response = await webhook.post("/hook", data=json.dumps(update), headers=SECRET)
    assert response.status == 200
    assert [r.update_id for r in await rows(session_factory)] == [1]
    await rig.idle()
    assert rig.recording.sent_texts(41)
    # Unreadable, but an update: stored and done with, 200 (the server must not resend it forever).
    odd = {"update_id": 2, "message": {"message_id": "not a number", "chat": 5}}
    response = await webhook.post("/hook", data=json.dumps(odd), headers=SECRET)
    assert response.status == 200
    await rig.idle()
    assert [(r.update_id, r.handled_at is not None) for r in await rows(session_factory)] == [
        (1, True),
        (2, True),
    ]
