"""Crisis mode end to end, through the real process and the emulator: in a neighbourhood of 500
residents the manager switches crisis mode on by /crisis, pressing buttons; all 500 are told,
none twice, at a pace within the platform's limits (≤ 30 messages a second overall, ≤ 1 a second
to any chat), measured from the emulator's record of every successful send."""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import BotAPIEmulator
from emulator.rates import peak_rate, peak_rate_per_chat
from models import (
    Account,
    County,
    Neighbourhood,
    NeighbourhoodKind,
    Person,
    Platform,
    Province,
    Role,
    RoleAssignment,
    ScopeKind,
)
from tests.e2e.conftest import TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, say

# Timing-sensitive: one xdist worker runs every "pace" test, so they never measure each other.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("pace")]

RESIDENTS = 500
FIRST_RESIDENT = 8_000_001
MANAGER = 7_999_001
FLOOD = "سیلاب وارد کوچه‌های پایین محله شده؛ به طبقات بالا بروید و از زیرزمین‌ها دور بمانید"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


async def seed(session_factory: async_sessionmaker[AsyncSession], emulator: BotAPIEmulator) -> list[int]:
    """A neighbourhood, its manager and 500 residents on Telegram (every tenth reads English),
    inserted directly: onboarding 500 people through the chat would take minutes."""
    now = datetime.now(UTC)
    chats = [FIRST_RESIDENT + i for i in range(RESIDENTS)]
    async with session_factory() as session, session.begin():
        neighbourhood = Neighbourhood(
            county=County(province=Province(name="تهران"), name="ری"),
            name="دولت‌آباد",
            code="1001",
            kind=NeighbourhoodKind.URBAN,
        )
        session.add(neighbourhood)
        await session.flush()

        def person(user_id: int, phone: str, role: Role, locale: str) -> Person:
            return Person(
                phone=phone,
                full_name=f"p{user_id}",
                created_at=now,
                accounts=[
                    Account(
                        platform=Platform.TELEGRAM,
                        platform_user_id=user_id,
                        chat_id=user_id,
                        locale=locale,
                        created_at=now,
                        last_seen_at=now,
                    )
                ],
                roles=[
                    RoleAssignment(
                        role=role,
                        scope_kind=ScopeKind.NEIGHBOURHOOD,
                        scope_id=neighbourhood.id,
                        created_at=now,
                    )
                ],
            )

        session.add(person(MANAGER, "+989120000091", Role.MANAGER, "fa"))
        session.add_all(
            person(chat, f"+98915{i:07d}", Role.RESIDENT, "en" if i % 10 == 0 else "fa")
            for i, chat in enumerate(chats)
        )
    emulator.user(MANAGER, "مدیر", language_code="fa")
    for chat in chats:
        emulator.user(chat, f"Resident {chat}")
    return chats


async def test_crisis_mode_tells_500_residents_once_each_within_the_limits(
    emulator: BotAPIEmulator,
    bot_process: BotProcess,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    chats = await seed(session_factory, emulator)
    resident_chats = set(chats)
    register_bots(emulator)
    await bot_process.start()
    # The emulator, which records when each message arrives, runs on this test's event loop: a
    # full garbage collection here (≈ 0.2 s with this many objects) would hold back the requests
    # the bot sent meanwhile and record them as one burst. Freeze what exists so none runs.
    gc.collect()
    gc.freeze()
    try:
        await switch_crisis_on(emulator)
        # Everyone is told: wait for 500 notices (≈ 18 s at 28 a second).
        async with asyncio.timeout(90):
            while delivered(emulator, resident_chats) < RESIDENTS:  # noqa: ASYNC110 (watches another process)
                await asyncio.sleep(0.5)
        await asyncio.sleep(1.5)  # anything sent twice would arrive now
    finally:
        gc.unfreeze()

    told = [
        m
        for m in emulator.sent_messages(TELEGRAM_BOT)
        if m["chat"]["id"] in resident_chats and FLOOD in m.get("text", "")
    ]
    per_chat = Counter(m["chat"]["id"] for m in told)
    assert set(per_chat) == resident_chats, "some residents were not told"
    assert max(per_chat.values()) == 1, [chat for chat, n in per_chat.items() if n > 1][:5]
    assert len(told) == RESIDENTS
    # Each in their language, with the emergency numbers.
    for message in told:
        english = (message["chat"]["id"] - FIRST_RESIDENT) % 10 == 0
        assert message["text"].startswith("🚨 Crisis declared in" if english else "🚨 حالت بحران")
        # In Latin digits in both languages, so the messengers make the number tappable.
        assert "125" in message["text"]
    assert FLOOD not in "".join(m.get("text", "") for m in emulator.sent_messages(TELEGRAM_BOT, MANAGER)[-1:])

    # The pace, from the emulator's record of every successful send (the manager's replies too).
    stamps = emulator.send_timestamps(TELEGRAM_BOT)
    assert peak_rate((t for t, _ in stamps), 1.0) <= 30
    # Per chat: the broadcast's chats (the manager's own chat holds the replies to their taps,
    # which came as fast as the test tapped).
    assert peak_rate_per_chat([(t, chat) for t, chat in stamps if chat in resident_chats], 1.0) <= 1
    resident_times = sorted(t for t, chat in stamps if chat in resident_chats)
    assert resident_times[-1] - resident_times[0] <= 40  # paced, not trickled


async def switch_crisis_on(emulator: BotAPIEmulator) -> None:
    """/crisis, the description, then the confirm button, as the manager would."""
    await say(emulator, TELEGRAM_BOT, MANAGER, "/crisis", fa("crisis-ask-description", min=10, max=1000))
    confirm = fa("crisis-confirm-start", neighbourhood="دولت‌آباد", audience=RESIDENTS, description=FLOOD)
    await say(emulator, TELEGRAM_BOT, MANAGER, FLOOD, confirm)
    mark = emulator.last_message_id(TELEGRAM_BOT, MANAGER)
    await emulator.click(TELEGRAM_BOT, emulator.user(MANAGER), fa("crisis-button-confirm-start"))
    await emulator.wait_for_message(
        TELEGRAM_BOT, MANAGER, fa("crisis-started", told=RESIDENTS), after=mark, timeout=15
    )


def delivered(emulator: BotAPIEmulator, chats: set[int]) -> int:
    # Cheap on purpose (no copies of the messages): it runs on the emulator's event loop too.
    return sum(1 for _, chat in emulator.send_timestamps(TELEGRAM_BOT) if chat in chats)
