"""services.outbox: queueing in the caller's transaction, dedup keys, choosing a person's account,
files beside their messages (claimed by name, read by id, pruned with them)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.media import TINY_PNG
from models import outbox_repo
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import Account, Person, Platform
from models.outbox_repo import ClaimedFile
from models.plumbing import OutboxFile, OutboxFileKind, OutboxMessage, OutboxStatus
from services.outbox import Attachment, enqueue, enqueue_for_person

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
async def session_factory(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def _outbox_rows(factory: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with factory() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def _person_with_accounts(
    factory: async_sessionmaker[AsyncSession], accounts: list[tuple[Platform, int, datetime]]
) -> int:
    async with factory() as session, session.begin():
        person = Person(phone="+989121234567", full_name="Sara", created_at=NOW)
        session.add(person)
        await session.flush()
        for platform, chat_id, last_seen in accounts:
            session.add(
                Account(
                    platform=platform,
                    platform_user_id=chat_id,
                    chat_id=chat_id,
                    person_id=person.id,
                    created_at=NOW - timedelta(days=30),
                    last_seen_at=last_seen,
                )
            )
        return person.id


async def test_enqueue_writes_a_pending_row_due_now(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    markup = {"inline_keyboard": [[{"text": "Open", "callback_data": "req:7"}]]}
    async with session_factory() as session, session.begin():
        message = await enqueue(
            session,
            platform=Platform.BALE,
            chat_id=4242,
            text="Your request was answered",
            now=NOW,
            reply_markup=markup,
        )
        assert message is not None
        assert message.id is not None

    [row] = await _outbox_rows(session_factory)
    assert row.platform is Platform.BALE
    assert row.chat_id == 4242
    assert row.text == "Your request was answered"
    assert row.reply_markup == markup
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 0
    assert row.next_attempt_at == NOW
    assert row.created_at == NOW
    assert row.claimed_by is None and row.claimed_until is None


async def test_enqueue_rejects_an_empty_text(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        with pytest.raises(ValueError):
            await enqueue(session, platform=Platform.TELEGRAM, chat_id=1, text="", now=NOW)


async def the_reminder(session: AsyncSession) -> OutboxMessage | None:
    """The same meeting reminder each time: one dedup key."""
    return await enqueue(
        session,
        platform=Platform.TELEGRAM,
        chat_id=1,
        text="Meeting at 18:00",
        now=NOW,
        dedup_key="meeting:5:reminder",
    )


async def test_same_dedup_key_twice_gives_one_row(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session, session.begin():
        first = await the_reminder(session)
        again = await the_reminder(session)
    assert first is not None
    assert again is None
    # In a later transaction too, and other keys (or none) are unaffected.
    async with session_factory() as session, session.begin():
        later = await the_reminder(session)
        other = await enqueue(
            session, platform=Platform.TELEGRAM, chat_id=1, text="x", now=NOW, dedup_key="meeting:6:reminder"
        )
        plain = [
            await enqueue(session, platform=Platform.TELEGRAM, chat_id=1, text="y", now=NOW) for _ in range(2)
        ]
    assert later is None
    assert other is not None
    assert all(m is not None for m in plain)
    rows = await _outbox_rows(session_factory)
    assert [r.dedup_key for r in rows] == ["meeting:5:reminder", "meeting:6:reminder", None, None]


async def test_dedup_key_is_safe_across_concurrent_transactions(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async def queue(session: AsyncSession) -> OutboxMessage | None:
        return await enqueue(
            session, platform=Platform.TELEGRAM, chat_id=9, text="Reminder", now=NOW, dedup_key="reminder:9"
        )

    async with session_factory() as first, session_factory() as second:
        await first.begin()
        assert await queue(first) is not None
        # The second transaction's insert has to wait for the first to finish, then finds the key.
        await second.begin()
        racing = asyncio.create_task(queue(second))
        await asyncio.sleep(0.2)
        await first.commit()
        assert await asyncio.wait_for(racing, timeout=10) is None
        await second.commit()

    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_nothing_is_queued_when_the_callers_transaction_rolls_back(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with session_factory() as session, session.begin():
            await enqueue(
                session, platform=Platform.TELEGRAM, chat_id=1, text="Status changed", now=NOW, dedup_key="k1"
            )
            raise Boom

    assert await _outbox_rows(session_factory) == []
    # The dedup key was not used up by the rolled-back row.
    async with session_factory() as session, session.begin():
        assert (
            await enqueue(
                session, platform=Platform.TELEGRAM, chat_id=1, text="Status changed", now=NOW, dedup_key="k1"
            )
            is not None
        )


async def test_enqueue_for_person_uses_the_account_seen_last(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await _person_with_accounts(
        session_factory,
        [
            (Platform.TELEGRAM, 111, NOW - timedelta(days=2)),
            (Platform.BALE, 222, NOW - timedelta(hours=1)),
            (Platform.TELEGRAM, 333, NOW - timedelta(days=10)),
        ],
    )
    async with session_factory() as session, session.begin():
        message = await enqueue_for_person(
            session, person_id=person_id, text="Welcome to the council", now=NOW
        )
    assert message is not None

    [row] = await _outbox_rows(session_factory)
    assert (row.platform, row.chat_id, row.person_id) == (Platform.BALE, 222, person_id)


async def test_enqueue_for_person_without_an_account_keeps_it_waiting_for_them(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await _person_with_accounts(session_factory, [])
    async with session_factory() as session, session.begin():
        assert await enqueue_for_person(session, person_id=person_id, text="Hello", now=NOW) is not None
    [row] = await _outbox_rows(session_factory)
    assert (row.status, row.platform, row.chat_id, row.person_id) == (
        OutboxStatus.WAITING,
        None,
        None,
        person_id,
    )


async def test_enqueue_for_person_skips_an_account_that_blocked_the_bot(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await _person_with_accounts(
        session_factory,
        [(Platform.TELEGRAM, 111, NOW), (Platform.BALE, 222, NOW - timedelta(days=3))],
    )
    async with session_factory() as session, session.begin():
        telegram = await session.scalar(select(Account).where(Account.chat_id == 111))
        assert telegram is not None
        telegram.blocked_at = NOW
    async with session_factory() as session, session.begin():
        await enqueue_for_person(session, person_id=person_id, text="Hello", now=NOW)
    [row] = await _outbox_rows(session_factory)
    assert (row.status, row.platform, row.chat_id) == (OutboxStatus.PENDING, Platform.BALE, 222)


async def test_enqueue_for_person_honours_the_dedup_key(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await _person_with_accounts(session_factory, [(Platform.TELEGRAM, 111, NOW)])
    async with session_factory() as session, session.begin():
        first = await enqueue_for_person(
            session, person_id=person_id, text="Hi", now=NOW, dedup_key="welcome:1"
        )
        second = await enqueue_for_person(
            session, person_id=person_id, text="Hi", now=NOW, dedup_key="welcome:1"
        )
    assert first is not None and second is None
    assert len(await _outbox_rows(session_factory)) == 1


# ---- files ----

PNG = TINY_PNG
XLSX = b"PK\x03\x04 not really a workbook, bytes are bytes"


async def test_a_file_goes_beside_its_message_and_only_its_name_is_claimed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await _person_with_accounts(session_factory, [(Platform.BALE, 77, NOW)])
    async with session_factory() as session, session.begin():
        photo = await enqueue(
            session,
            platform=Platform.TELEGRAM,
            chat_id=5,
            text="نمودار آبان",
            now=NOW,
            attachment=Attachment(OutboxFileKind.PHOTO, "chart.png", PNG),
        )
        # No caption at all is fine for a file; the person's account is chosen as for a text.
        book = await enqueue_for_person(
            session,
            person_id=person_id,
            text="",
            now=NOW,
            dedup_key="book:1",
            attachment=Attachment(OutboxFileKind.DOCUMENT, "report.xlsx", XLSX),
        )
        assert photo is not None and book is not None
        again = await enqueue_for_person(
            session,
            person_id=person_id,
            text="",
            now=NOW,
            dedup_key="book:1",
            attachment=Attachment(OutboxFileKind.DOCUMENT, "report.xlsx", XLSX),
        )
        assert again is None  # the dedup key holds, and no second file is stored
    async with session_factory() as session, session.begin():
        assert await session.scalar(select(func.count()).select_from(OutboxFile)) == 2
        claimed = await outbox_repo.claim_due(session, "w", NOW, 60, 10)
        assert [(c.platform, c.chat_id, c.text, c.file) for c in claimed] == [
            (Platform.TELEGRAM, 5, "نمودار آبان", ClaimedFile(OutboxFileKind.PHOTO, "chart.png")),
            (Platform.BALE, 77, "", ClaimedFile(OutboxFileKind.DOCUMENT, "report.xlsx")),
        ]
        assert await outbox_repo.file_body(session, claimed[0].id) == PNG
        assert await outbox_repo.file_body(session, claimed[1].id) == XLSX
        for item in claimed:
            assert await outbox_repo.mark_sent(session, item.id, worker_id="w", sent_message_id=1, now=NOW)
    # Pruning sent messages takes their files with them.
    async with session_factory() as session, session.begin():
        assert await outbox_repo.delete_finished_before(session, NOW + timedelta(days=1)) == 2
        assert await session.scalar(select(func.count()).select_from(OutboxFile)) == 0


async def test_a_caption_has_the_messengers_limit_and_a_file_some_bytes(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    photo = Attachment(OutboxFileKind.PHOTO, "chart.png", PNG)
    async with session_factory() as session:
        # 1,024 UTF-16 code units, as Telegram and Bale count: an emoji takes two.
        assert await enqueue(
            session, platform=Platform.TELEGRAM, chat_id=1, text="ی" * 1024, now=NOW, attachment=photo
        )
        with pytest.raises(ValueError, match="caption"):
            await enqueue(
                session, platform=Platform.TELEGRAM, chat_id=1, text="😀" * 513, now=NOW, attachment=photo
            )
        # The long text alone is still a message (up to the text limit, checked by the messenger).
        assert await enqueue(session, platform=Platform.TELEGRAM, chat_id=1, text="😀" * 513, now=NOW)
        await session.rollback()
    with pytest.raises(ValueError, match="bytes"):
        Attachment(OutboxFileKind.DOCUMENT, "empty.xlsx", b"")
    with pytest.raises(ValueError, match="file name"):
        Attachment(OutboxFileKind.DOCUMENT, " ", XLSX)
    with pytest.raises(ValueError, match="at most"):
        Attachment(OutboxFileKind.PHOTO, "huge.png", b"x" * (10 * 1024 * 1024 + 1))
