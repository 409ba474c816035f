"""The error boundary when the messenger itself fails: the answer waits in the outbox."""

from __future__ import annotations

from aiogram.methods.base import Response
from aiogram.types import Message
from sqlalchemy import delete, select

from models import InboxUpdate, OutboxMessage, OutboxStatus, Platform
from tests.handlers.conftest import Harness, resident


async def test_an_answer_the_messenger_keeps_refusing_waits_in_the_outbox(harness: Harness) -> None:
    # The reply to /help meets a 502, and so does the apology (in the real process both have
    # been retried by then, bot.reply_retry): the apology is queued, not lost.
    down = Response[Message](ok=False, error_code=502, description="Bad Gateway")
    harness.tg_session.queue(down)
    harness.tg_session.queue(down)
    update = harness.updates.message(resident(), text="/help")
    await harness.send(update)
    async with harness.session_factory() as session:
        queued = list(await session.scalars(select(OutboxMessage)))
    assert [(m.platform, m.chat_id, m.text, m.status) for m in queued] == [
        (Platform.TELEGRAM, 42, harness.translator.get("fa", "error-generic"), OutboxStatus.PENDING)
    ]
    # Handled again (a crash came before its "handled" mark): nothing more is queued.
    async with harness.session_factory() as session, session.begin():
        await session.execute(delete(InboxUpdate))
    harness.tg_session.queue(down)
    harness.tg_session.queue(down)
    await harness.send(update)
    async with harness.session_factory() as session:
        assert len(list(await session.scalars(select(OutboxMessage)))) == 1
