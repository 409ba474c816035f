"""The real process delivers the outbox; stopping it half-way and restarting loses nothing.

A stop (SIGTERM, what a deploy or `systemctl restart` sends) also duplicates nothing: requests in
flight finish and are recorded. A SIGKILL can land between Telegram accepting a message and the
database recording it; the Bot API has no idempotency key, so that message is sent again on
restart (at-least-once, never lost). Only messages in flight at the kill can be repeated.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import BotAPIEmulator
from models import OutboxMessage, OutboxStatus, Platform
from services.outbox import enqueue
from tests.e2e.conftest import TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots

# Timing-sensitive: one xdist worker runs every "pace" test, so they never measure each other.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("pace")]

CHATS, PER_CHAT = 60, 4


async def wait_for_sent(emulator: BotAPIEmulator, at_least: int, timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while len(emulator.sent_messages(TELEGRAM_BOT)) < at_least:  # noqa: ASYNC110 (polls another process)
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("how", ["sigterm", "sigkill"])
async def test_outbox_survives_a_stop_half_way(
    emulator: BotAPIEmulator,
    bot_process: BotProcess,
    session_factory: async_sessionmaker[AsyncSession],
    how: str,
) -> None:
    register_bots(emulator)
    now = datetime.now(UTC)
    async with session_factory() as session, session.begin():
        for chat in range(CHATS):
            emulator.user(9000 + chat, f"Resident {chat}")
            for n in range(PER_CHAT):
                await enqueue(
                    session,
                    platform=Platform.TELEGRAM,
                    chat_id=9000 + chat,
                    text=f"notice {chat}/{n}",
                    now=now,
                )
    emulator.fail_next("sendMessage", status=429, retry_after=1, count=3)
    emulator.fail_next("sendMessage", status=500, count=3)
    total = CHATS * PER_CHAT
    await bot_process.start()
    await wait_for_sent(emulator, total // 2, timeout=60)
    if how == "sigterm":
        assert await bot_process.stop() == 0
    else:
        bot_process.kill()
        # The killed process held 60-second leases: expire them now instead of waiting.
        async with session_factory() as session, session.begin():
            await session.execute(
                OutboxMessage.__table__.update()  # type: ignore[attr-defined]
                .where(OutboxMessage.status == OutboxStatus.PENDING)
                .values(claimed_until=None, claimed_by=None)
            )
    sent_before_restart = len(emulator.sent_messages(TELEGRAM_BOT))
    await bot_process.start()
    await wait_for_sent(emulator, total, timeout=90)
    await asyncio.sleep(1.5)
    sent = Counter((m["chat"]["id"], m["text"]) for m in emulator.sent_messages(TELEGRAM_BOT))
    assert len(sent) == total, "some notifications were lost"
    repeated = [key for key, times in sent.items() if times > 1]
    if how == "sigterm":
        assert repeated == []
    else:
        # At most the messages in flight at the kill: one per chat, a handful at 28 msg/s.
        assert len(repeated) <= 3, repeated
        assert sum(sent.values()) == len(emulator.sent_messages(TELEGRAM_BOT))
    assert sent_before_restart >= total // 2
    assert emulator.peak_rate(bot=TELEGRAM_BOT) <= 30
    assert emulator.peak_rate_per_chat(bot=TELEGRAM_BOT) <= 1
    async with session_factory() as session:
        statuses = dict(
            (
                await session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                )
            ).all()
        )
    assert statuses == {OutboxStatus.SENT: total}
    # Each chat got its notices in order.
    for chat in range(CHATS):
        texts = list(dict.fromkeys(m["text"] for m in emulator.sent_messages(TELEGRAM_BOT, 9000 + chat)))
        assert texts == [f"notice {chat}/{n}" for n in range(PER_CHAT)]
