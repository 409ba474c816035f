"""The delivery worker against the Bot API emulator over real HTTP, on a migrated database.

Exactly-once is checked from the emulator's side: every text is unique, so each (chat, text) pair
must appear once among the messages the bot really sent. The pace is checked with the emulator's
sliding-window counters over successful sends.

Every case runs on the backend of the run: SQLite by default, PostgreSQL (FOR UPDATE SKIP LOCKED
claims) when TEST_DATABASE_URL is set, as `scripts/test` does in its second run.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import DeliveryWorker, deliver_pending_once
from bot.settings import Settings
from emulator import BotAPIEmulator, start_emulator
from models import outbox_repo
from models.identity import Platform
from models.plumbing import OutboxMessage, OutboxStatus
from services.outbox import enqueue

TOKEN = "700100:outbox-test-token"
FIRST_USER_ID = 5_000_001

Factory = async_sessionmaker[AsyncSession]


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_settings(rate: float = 28.0, **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        outbox_global_rate=rate,
        outbox_per_chat_interval=overrides.pop("per_chat_interval", 1.05),
        outbox_max_attempts=overrides.pop("max_attempts", 8),
        outbox_batch_size=overrides.pop("batch_size", 50),
    )


# -- fixtures --------------------------------------------------------------------------------


@dataclass
class Api:
    emu: BotAPIEmulator
    bot: Bot
    base_url: str


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    emu, runner, base_url = await start_emulator("127.0.0.1", 0)
    emu.add_bot(TOKEN, "mahalleyar_test_bot", "Mahalleyar")
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    try:
        yield Api(emu, bot, base_url)
    finally:
        await bot.session.close()
        await runner.cleanup()


# -- helpers ---------------------------------------------------------------------------------


async def users_write_first(emu: BotAPIEmulator, count: int, first: int = FIRST_USER_ID) -> list[int]:
    """Each user sends the bot a message, so the chat exists (as on Telegram)."""
    chat_ids = [first + i for i in range(count)]
    for chat_id in chat_ids:
        emu.user(chat_id, f"Resident {chat_id}")
        await emu.send_text(TOKEN, chat_id, "/start")
    return chat_ids


async def queue_notifications(
    factory: Factory, chat_ids: list[int], total: int, tag: str, platform: Platform = Platform.TELEGRAM
) -> dict[tuple[int, str], int]:
    """Queue `total` uniquely-texted messages round-robin over the chats; {(chat, text): outbox id}."""
    queued: dict[tuple[int, str], int] = {}
    async with factory() as session, session.begin():
        for i in range(total):
            chat_id = chat_ids[i % len(chat_ids)]
            body = f"{tag} notice #{i} for {chat_id}"
            message = await enqueue(session, platform=platform, chat_id=chat_id, text=body, now=utc_now())
            assert message is not None
            queued[(chat_id, body)] = message.id
    return queued


def sent_pairs(emu: BotAPIEmulator) -> Counter[tuple[int, str]]:
    return Counter((m["chat"]["id"], m.get("text", "")) for m in emu.sent_messages(TOKEN))


def assert_delivered_exactly_once(emu: BotAPIEmulator, expected: Iterable[tuple[int, str]]) -> None:
    sent = sent_pairs(emu)
    expected = set(expected)
    duplicates = {pair: n for pair, n in sent.items() if n > 1}
    missing = expected - set(sent)
    unexpected = set(sent) - expected
    assert not duplicates, f"{len(duplicates)} sent more than once, e.g. {list(duplicates.items())[:3]}"
    assert not missing, f"{len(missing)} never sent, e.g. {sorted(missing)[:3]}"
    assert not unexpected, f"unexpected messages: {sorted(unexpected)[:3]}"


async def outbox_rows(factory: Factory) -> list[OutboxMessage]:
    async with factory() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def send_calls_to(emu: BotAPIEmulator, chat_id: int) -> int:
    return sum(1 for c in emu.calls_for("sendMessage") if str(c.params.get("chat_id")) == str(chat_id))


async def wait_for_sent(emu: BotAPIEmulator, count: int, within: float) -> None:
    async with asyncio.timeout(within):
        while sum(sent_pairs(emu).values()) < count:
            await emu.wait_changes(0.5)


# -- tests -----------------------------------------------------------------------------------


# Timing-sensitive: one xdist worker runs every "pace" test, so they never measure each other.
@pytest.mark.xdist_group("pace")
async def test_thousand_notifications_to_200_chats_with_faults(api: Api, session_factory: Factory) -> None:
    emu = api.emu
    chat_ids = await users_write_first(emu, 200)
    queued = await queue_notifications(session_factory, chat_ids, 1000, "bulk")
    # ~5% of sendMessage calls fail at random (429 with retry_after=1, or 500), plus scripted bursts.
    emu.set_random_failures("sendMessage", rate=0.05, statuses=(429, 500), retry_after=1, seed=20260301)
    emu.fail_next("sendMessage", status=429, retry_after=1, count=3)
    emu.fail_next("sendMessage", status=500, count=4)
    emu.fail_next("sendMessage", status=502, count=2, chat_id=chat_ids[7])

    started = asyncio.get_running_loop().time()
    stats = await deliver_pending_once(
        session_factory, {Platform.TELEGRAM: api.bot}, make_settings(), utc_now, "bulk"
    )
    elapsed = asyncio.get_running_loop().time() - started

    assert_delivered_exactly_once(emu, queued)
    assert emu.peak_rate() <= 30
    assert emu.peak_rate_per_chat() <= 1
    assert stats.sent == 1000
    assert stats.rate_limited > 0 and stats.retried > 0
    assert stats.global_pauses >= 1  # the three 429s in a row, from different chats
    assert stats.failed == 0 and stats.lost_leases == 0
    rows = await outbox_rows(session_factory)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    # The recorded message id is the one the emulator gave that very message.
    ids_by_pair = {(m["chat"]["id"], m["text"]): m["message_id"] for m in emu.sent_messages(TOKEN)}
    assert all(r.sent_message_id == ids_by_pair[(r.chat_id, r.text)] for r in rows)
    # 1,000 messages at 28/s can't take less than ~35 s; a stall would show up here.
    assert 34 < elapsed < 75


async def test_permanent_failures_are_recorded_and_not_retried(api: Api, session_factory: Factory) -> None:
    emu = api.emu
    chat_ids = await users_write_first(emu, 10)
    blocked = chat_ids[3]
    emu.set_blocked(blocked, True, TOKEN)
    unknown_chat = 9_999_999  # never wrote to the bot
    queued = await queue_notifications(session_factory, chat_ids, 30, "mixed")
    keyboard = {"inline_keyboard": [[{"text": "Track", "callback_data": "track:1"}]]}
    reply_keyboard = {"keyboard": [[{"text": "My requests"}]], "resize_keyboard": True}
    async with session_factory() as session, session.begin():
        now = utc_now()
        to_unknown = await enqueue(
            session, platform=Platform.TELEGRAM, chat_id=unknown_chat, text="Hi", now=now
        )
        to_bale = await enqueue(
            session, platform=Platform.BALE, chat_id=chat_ids[0], text="Via Bale", now=now
        )
        bad_markup = await enqueue(
            session,
            platform=Platform.TELEGRAM,
            chat_id=chat_ids[1],
            text="Odd",
            now=now,
            reply_markup={"x": 1},
        )
        with_inline = await enqueue(
            session,
            platform=Platform.TELEGRAM,
            chat_id=chat_ids[2],
            text="With buttons",
            now=now,
            reply_markup=keyboard,
        )
        with_reply = await enqueue(
            session,
            platform=Platform.TELEGRAM,
            chat_id=chat_ids[4],
            text="With keyboard",
            now=now,
            reply_markup=reply_keyboard,
        )
    assert to_unknown and to_bale and bad_markup and with_inline and with_reply

    stats = await deliver_pending_once(
        session_factory, {Platform.TELEGRAM: api.bot}, make_settings(rate=100), utc_now, "perm"
    )

    rows = {r.id: r for r in await outbox_rows(session_factory)}
    for row in rows.values():
        if row.chat_id == blocked:
            assert row.status is OutboxStatus.FAILED
            assert "blocked by the user" in (row.last_error or "")
            assert row.attempts == 1
    assert send_calls_to(emu, blocked) == 3  # one call per message, none repeated
    assert rows[to_unknown.id].status is OutboxStatus.FAILED
    assert "chat not found" in (rows[to_unknown.id].last_error or "")
    assert send_calls_to(emu, unknown_chat) == 1
    assert rows[to_bale.id].status is OutboxStatus.FAILED
    assert rows[to_bale.id].last_error == "no bot configured for platform bale"
    assert rows[bad_markup.id].status is OutboxStatus.FAILED
    assert "invalid reply_markup" in (rows[bad_markup.id].last_error or "")
    assert stats.failed == 3 + 3 and stats.retried == 0

    delivered = {pair for pair in queued if pair[0] != blocked}
    delivered |= {(chat_ids[2], "With buttons"), (chat_ids[4], "With keyboard")}
    assert_delivered_exactly_once(emu, delivered)
    [inline_msg] = [m for m in emu.sent_messages(TOKEN, chat_ids[2]) if m["text"] == "With buttons"]
    assert inline_msg["reply_markup"] == keyboard
    [reply_msg] = [m for m in emu.sent_messages(TOKEN, chat_ids[4]) if m["text"] == "With keyboard"]
    assert reply_msg["reply_markup"]["keyboard"] == [[{"text": "My requests"}]]
    assert all("parse_mode" not in c.params for c in emu.calls_for("sendMessage"))


async def test_transient_errors_give_up_after_max_attempts(api: Api, session_factory: Factory) -> None:
    emu = api.emu
    [chat_id] = await users_write_first(emu, 1)
    queued = await queue_notifications(session_factory, [chat_id], 1, "flaky")
    emu.fail_next("sendMessage", status=500, count=3, chat_id=chat_id)

    stats = await deliver_pending_once(
        session_factory,
        {Platform.TELEGRAM: api.bot},
        make_settings(max_attempts=3),
        utc_now,
        "flaky",
        retry_base_delay=0.1,
    )

    [row] = await outbox_rows(session_factory)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 3
    assert "gave up after 3 attempts" in (row.last_error or "")
    assert stats.retried == 2 and stats.failed == 1
    assert send_calls_to(emu, chat_id) == 3
    assert sent_pairs(emu)[next(iter(queued))] == 0


async def test_flood_control_waits_without_using_up_attempts(api: Api, session_factory: Factory) -> None:
    emu = api.emu
    [chat_id] = await users_write_first(emu, 1)
    queued = await queue_notifications(session_factory, [chat_id], 2, "flood")
    emu.fail_next("sendMessage", status=429, retry_after=1, count=2, chat_id=chat_id)

    stats = await deliver_pending_once(
        session_factory, {Platform.TELEGRAM: api.bot}, make_settings(max_attempts=2), utc_now, "flood"
    )

    assert_delivered_exactly_once(emu, queued)
    rows = await outbox_rows(session_factory)
    assert [r.attempts for r in rows] == [1, 1]  # the two 429s did not count
    assert stats.rate_limited == 2 and stats.failed == 0
    # Still in order, and each wait honoured: 1 s after each 429 before the next try.
    calls = [c for c in emu.calls_for("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)]
    assert [c.params.get("text") for c in calls] == [rows[0].text] * 3 + [rows[1].text]
    assert all(later.time - earlier.time >= 1.0 for earlier, later in pairwise(calls))


async def test_a_chat_waits_behind_its_retrying_message_and_draining_stops(
    api: Api, session_factory: Factory
) -> None:
    emu = api.emu
    chat_ids = await users_write_first(emu, 2)
    queued = await queue_notifications(session_factory, chat_ids, 4, "order")
    emu.fail_next("sendMessage", status=503, count=1, chat_id=chat_ids[0])

    started = asyncio.get_running_loop().time()
    stats = await deliver_pending_once(
        session_factory,
        {Platform.TELEGRAM: api.bot},
        make_settings(),
        utc_now,
        "order",
        retry_base_delay=120,
        max_wait=5,
    )
    assert asyncio.get_running_loop().time() - started < 10  # the far-off retry is not waited for

    # The first chat's first message is due again in a minute or two; its second waits behind it.
    assert stats.retried == 1
    assert send_calls_to(emu, chat_ids[0]) == 1
    assert_delivered_exactly_once(emu, [pair for pair in queued if pair[0] == chat_ids[1]])
    rows = await outbox_rows(session_factory)
    assert [r.status for r in rows if r.chat_id == chat_ids[0]] == [OutboxStatus.PENDING] * 2


async def test_kill_and_restart_delivers_everything_once(api: Api, session_factory: Factory) -> None:
    emu = api.emu
    chat_ids = await users_write_first(emu, 40)
    queued = await queue_notifications(session_factory, chat_ids, 120, "restart")
    emu.set_random_failures("sendMessage", rate=0.05, statuses=(429, 500), retry_after=1, seed=11)
    bots = {Platform.TELEGRAM: api.bot}
    settings = make_settings()

    first = DeliveryWorker(
        session_factory, bots, settings, utc_now, "first", lease_seconds=2, retry_base_delay=0.2
    )
    task = asyncio.create_task(first.run(asyncio.Event()))
    await wait_for_sent(emu, 60, within=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 55 <= first.stats.sent < 120

    # And a worker that dies without a word: its claims stay leased until they expire.
    async with session_factory() as session, session.begin():
        stranded = await outbox_repo.claim_due(session, "crashed", utc_now(), lease_seconds=2, limit=10)
    assert stranded

    second_stats = await deliver_pending_once(
        session_factory, bots, settings, utc_now, "second", lease_seconds=2, retry_base_delay=0.2
    )

    assert_delivered_exactly_once(emu, queued)
    assert first.stats.sent + second_stats.sent == 120
    rows = {r.id: r for r in await outbox_rows(session_factory)}
    assert all(r.status is OutboxStatus.SENT for r in rows.values())
    assert {rows[m.id].claimed_by for m in stranded} == {"second"}
    assert emu.peak_rate() <= 30
    # The restarted worker knows nothing of the first one's sends but still keeps chats' pace.
    assert emu.peak_rate_per_chat() <= 1


async def test_two_workers_on_one_outbox_send_nothing_twice(api: Api, session_factory: Factory) -> None:
    emu = api.emu
    chat_ids = await users_write_first(emu, 40)
    queued = await queue_notifications(session_factory, chat_ids, 120, "pair")
    emu.set_random_failures("sendMessage", rate=0.05, statuses=(429, 500), retry_after=1, seed=5)
    bots = {Platform.TELEGRAM: api.bot}
    # Two workers share the bot's budget.
    settings = make_settings(rate=14, batch_size=10)

    stats = await asyncio.gather(
        *(
            deliver_pending_once(
                session_factory, bots, settings, utc_now, name, retry_base_delay=0.2, poll_interval=0.1
            )
            for name in ("left", "right")
        )
    )

    assert_delivered_exactly_once(emu, queued)
    assert sum(s.sent for s in stats) == 120
    assert all(s.sent > 0 for s in stats), stats
    assert all(s.lost_leases == 0 for s in stats)
    assert emu.peak_rate() <= 30
    assert emu.peak_rate_per_chat() <= 1


async def test_concurrent_claims_never_overlap(session_factory: Factory) -> None:
    chat_ids = list(range(1, 301))
    await queue_notifications(session_factory, chat_ids, 600, "claim")

    async def claimer(name: str) -> list[int]:
        taken: list[int] = []
        while True:
            async with session_factory() as session, session.begin():
                batch = await outbox_repo.claim_due(session, name, utc_now(), lease_seconds=60, limit=7)
            if not batch:
                return taken
            taken.extend(m.id for m in batch)

    results = await asyncio.gather(*(claimer(f"w{i}") for i in range(6)))
    claimed = [i for ids in results for i in ids]
    assert len(claimed) == len(set(claimed)) == 300  # the oldest message of each chat, once
    rows = {r.id: r for r in await outbox_rows(session_factory)}
    for worker, ids in enumerate(results):
        assert {rows[i].claimed_by for i in ids} <= {f"w{worker}"}
    assert sorted(claimed) == sorted(r.id for r in rows.values() if r.claimed_by is not None)


async def test_outcomes_need_the_lease(session_factory: Factory) -> None:
    [message_id] = (await queue_notifications(session_factory, [42], 1, "lease")).values()
    async with session_factory() as session, session.begin():
        [claimed] = await outbox_repo.claim_due(session, "old", utc_now(), lease_seconds=0, limit=1)
    # The lease ran out at once; another worker takes the message over.
    async with session_factory() as session, session.begin():
        [taken] = await outbox_repo.claim_due(session, "new", utc_now(), lease_seconds=60, limit=1)
    assert claimed.id == taken.id == message_id

    async with session_factory() as session, session.begin():
        assert not await outbox_repo.mark_sent(
            session, message_id, worker_id="old", sent_message_id=1, now=utc_now()
        )
        assert not await outbox_repo.mark_failed(session, message_id, worker_id="old", error="x")
        assert not await outbox_repo.mark_retry(
            session, message_id, worker_id="old", error="x", next_attempt_at=utc_now()
        )
        assert await outbox_repo.release(session, [message_id], worker_id="old") == 0
        assert await outbox_repo.mark_sent(
            session, message_id, worker_id="new", sent_message_id=2, now=utc_now()
        )
    [row] = await outbox_rows(session_factory)
    assert (row.status, row.claimed_by, row.sent_message_id, row.attempts) == (OutboxStatus.SENT, "new", 2, 1)


async def test_dedup_key_on_each_backend(session_factory: Factory) -> None:
    async def queue(key: str) -> OutboxMessage | None:
        async with session_factory() as session, session.begin():
            return await enqueue(
                session, platform=Platform.BALE, chat_id=77, text="Reminder", now=utc_now(), dedup_key=key
            )

    results = await asyncio.gather(*(queue("meeting:1:day-before") for _ in range(5)))
    assert sum(r is not None for r in results) == 1
    assert await queue("meeting:2:day-before") is not None
    assert [r.dedup_key for r in await outbox_rows(session_factory)] == [
        "meeting:1:day-before",
        "meeting:2:day-before",
    ]


async def test_a_person_who_blocked_the_bot_gets_it_on_their_other_messenger(
    api: Api, session_factory: Factory
) -> None:
    """Telegram says the person blocked the bot: the message goes to their Bale account, and
    with no other account it waits for them; their Telegram account is marked blocked."""
    from models.identity import Account, Person

    emu = api.emu
    bale_token = "700101:outbox-test-bale"
    emu.add_bot(bale_token, "mahalleyar_bale_test_bot", "Mahalleyar", platform="bale")
    bale_bot = Bot(bale_token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    [both, only_telegram] = await users_write_first(emu, 2)
    await emu.send_text(bale_token, both, "/start")
    emu.set_blocked(both, True, TOKEN)
    emu.set_blocked(only_telegram, True, TOKEN)
    now = utc_now()
    async with session_factory() as session, session.begin():
        people = []
        for n, chat_id in enumerate((both, only_telegram)):
            person = Person(phone=f"+98912000000{n}", full_name=f"p{n}", created_at=now)
            session.add(person)
            await session.flush()
            people.append(person.id)
            session.add(
                Account(
                    platform=Platform.TELEGRAM,
                    platform_user_id=chat_id,
                    chat_id=chat_id,
                    person_id=person.id,
                    created_at=now,
                    last_seen_at=now,
                )
            )
        session.add(
            Account(
                platform=Platform.BALE,
                platform_user_id=both,
                chat_id=both,
                person_id=people[0],
                created_at=now,
                last_seen_at=now.replace(year=now.year - 1),
            )
        )
        for person_id, chat_id in zip(people, (both, only_telegram), strict=True):
            await enqueue(
                session,
                platform=Platform.TELEGRAM,
                chat_id=chat_id,
                text=f"for {chat_id}",
                now=now,
                person_id=person_id,
            )
    try:
        bots = {Platform.TELEGRAM: api.bot, Platform.BALE: bale_bot}
        for _ in range(2):  # the second pass sends what moved to Bale
            await deliver_pending_once(session_factory, bots, make_settings(rate=100), utc_now, "park")
    finally:
        await bale_bot.session.close()

    rows = {r.chat_id: r for r in await outbox_rows(session_factory) if r.chat_id is not None}
    assert rows[both].platform is Platform.BALE and rows[both].status is OutboxStatus.SENT
    assert [m["text"] for m in emu.sent_messages(bale_token, both)] == [f"for {both}"]
    [waiting] = [r for r in await outbox_rows(session_factory) if r.chat_id is None]
    assert (waiting.status, waiting.person_id, waiting.text) == (
        OutboxStatus.WAITING,
        people[1],
        f"for {only_telegram}",
    )
    async with session_factory() as session:
        blocked = set(await session.scalars(select(Account.chat_id).where(Account.blocked_at.is_not(None))))
    assert blocked == {both, only_telegram}


async def test_files_are_uploaded_on_telegram_and_bale_and_again_after_flood_control(
    api: Api, session_factory: Factory
) -> None:
    """A photo with its caption and buttons and a document without a caption, after a text, on
    both messengers through the bots the process makes (`bot.platforms.make_bot`); Telegram
    answers the photo's first upload with 429 and the retry uploads the bytes again."""
    from bot.platforms import make_bot
    from models.plumbing import OutboxFileKind
    from services.charts import Series, bar_chart_png
    from services.outbox import Attachment

    emu = api.emu
    bale_token = "700102:outbox-test-bale-files"
    emu.add_bot(bale_token, "mahalleyar_bale_files_bot", "Mahalleyar", platform="bale", odd=True)
    [tg_chat] = await users_write_first(emu, 1)
    bale_chat = 2**41 + 7
    emu.user(bale_chat, "Bale resident")
    await emu.send_text(bale_token, bale_chat, "/start")
    png = bar_chart_png("گزارش", ["دولت‌آباد", "باقرآباد"], [Series("در مهلت", [0.5, 0.8])], locale="fa")
    xlsx = b"PK\x03\x04" + bytes(range(256)) * 4  # any bytes, binary-safe
    buttons = {"inline_keyboard": [[{"text": "جزئیات", "callback_data": "perf:1"}]]}
    async with session_factory() as session, session.begin():
        for platform, chat_id in ((Platform.TELEGRAM, tg_chat), (Platform.BALE, bale_chat)):
            common: dict[str, Any] = {"platform": platform, "chat_id": chat_id, "now": utc_now()}
            await enqueue(session, text="📊 گزارش ماه", **common)
            await enqueue(
                session,
                text="نمودار [آبان] *۱۴۰۵*",  # Markdown markers Bale reads: plain on Telegram
                reply_markup=buttons,
                attachment=Attachment(OutboxFileKind.PHOTO, "chart.png", png),
                **common,
            )
            await enqueue(
                session,
                text="",
                attachment=Attachment(OutboxFileKind.DOCUMENT, "report.xlsx", xlsx),
                **common,
            )
    emu.fail_next("sendPhoto", status=429, retry_after=1, count=1, chat_id=tg_chat)
    bots = {
        Platform.TELEGRAM: make_bot(TOKEN, api.base_url, label="telegram"),
        Platform.BALE: make_bot(bale_token, api.base_url, label="bale"),
    }
    try:
        stats = await deliver_pending_once(session_factory, bots, make_settings(rate=100), utc_now, "files")
    finally:
        for bot in bots.values():
            await bot.session.close()

    rows = await outbox_rows(session_factory)
    assert [r.status for r in rows] == [OutboxStatus.SENT] * 6
    assert [r.attempts for r in rows] == [1] * 6  # the 429 did not count
    assert stats.rate_limited == 1 and stats.sent == 6
    # Telegram: the photo went up twice (429, then accepted), bytes and name each time.
    photo_uploads = emu.uploads("sendPhoto", TOKEN, tg_chat)
    assert [(u.filename, u.data) for u in photo_uploads] == [("chart.png", png)] * 2
    assert [u.data for u in emu.uploads("sendPhoto", TOKEN, tg_chat, accepted=True)] == [png]
    assert all(c.params.get("parse_mode") is None for c in emu.calls_for("sendPhoto"))
    for token, chat_id in ((TOKEN, tg_chat), (bale_token, bale_chat)):
        text, photo, document = emu.sent_messages(token, chat_id)
        assert text["text"] == "📊 گزارش ماه"
        chart = emu.file_of(photo)
        assert chart is not None and chart.data == png and "document" not in photo
        assert photo["reply_markup"] == buttons
        assert "caption" not in document
        book = emu.file_of(document)
        assert book is not None and (book.file_name, book.data) == ("report.xlsx", xlsx)
    # Telegram keeps the caption as written; Bale reads it as Markdown (bold), as it does texts.
    assert emu.sent_messages(TOKEN, tg_chat)[1]["caption"] == "نمودار [آبان] *۱۴۰۵*"
    assert "۱۴۰۵" in emu.sent_messages(bale_token, bale_chat)[1]["caption"]


@pytest.mark.xdist_group("pace")
async def test_three_workers_each_at_full_rate_share_one_pace_through_redis(
    api: Api, session_factory: Factory, redis_prefix: str
) -> None:
    """Three instances' workers, each configured for the bot's whole rate: the limiter in Redis
    keeps their sum under it, and each chat at one message a second."""
    from bot.cluster import SharedLimiter, new_redis
    from tests.conftest import REDIS_URL

    emu = api.emu
    chat_ids = await users_write_first(emu, 60)
    queued = await queue_notifications(session_factory, chat_ids, 300, "shared")
    emu.set_random_failures("sendMessage", rate=0.05, statuses=(429, 500), retry_after=1, seed=17)
    bots = {Platform.TELEGRAM: api.bot}
    settings = make_settings(rate=28, batch_size=20)
    clients = [new_redis(REDIS_URL) for _ in range(3)]
    try:
        stats = await asyncio.gather(
            *(
                deliver_pending_once(
                    session_factory,
                    bots,
                    settings,
                    utc_now,
                    f"instance-{n}",
                    retry_base_delay=0.2,
                    poll_interval=0.1,
                    limiter=SharedLimiter(
                        client, redis_prefix, global_rate=28, chat_interval=settings.outbox_per_chat_interval
                    ),
                )
                for n, client in enumerate(clients)
            )
        )
    finally:
        for client in clients:
            await client.aclose()

    assert_delivered_exactly_once(emu, queued)
    assert sum(s.sent for s in stats) == 300
    assert all(s.sent > 0 for s in stats), stats
    assert emu.peak_rate() <= 30
    assert emu.peak_rate_per_chat() <= 1
