"""Announcements (services.announcements): who is told now and who when they join, the weekly
limit, who may announce, the text's cleaning; and the command line's `broadcast` and
`seed-demo --residents`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Account, OutboxMessage, OutboxStatus, Platform, Role, ScopeKind
from models.repositories import person_by_phone
from services.announcements import (
    WeeklyLimitReached,
    announcement_allowance,
    broadcast_to_neighbourhood,
    clean_announcement,
    send_announcement,
)
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.demo import LOAD_CHAT_ID_BASE, URBAN_CODE, seed_demo, seed_residents
from services.errors import TextTooLong, TextTooShort
from services.i18n import Translator
from services.regions import neighbourhood_by_code
from services.roles import ensure_person, ensure_role
from tests.unit.test_cli import run_cli

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TEXT = "فردا آب محله از ساعت ۹ تا ۱۲ قطع است."
T = Translator()


async def _manager_of_demo(session: AsyncSession) -> tuple[Actor, int]:
    """The demo's urban neighbourhood (its two residents have not joined; two seeded ones have
    accounts) and its manager as an actor."""
    await seed_demo(session, now=NOW)
    await seed_residents(session, count=2, code=URBAN_CODE, now=NOW)
    neighbourhood = await neighbourhood_by_code(session, URBAN_CODE)
    assert neighbourhood is not None
    manager = await person_by_phone(session, "+989121110003")
    assert manager is not None
    return await load_actor(session, manager.id), neighbourhood.id


async def _resident_without_account(session: AsyncSession, neighbourhood_id: int) -> int:
    person, _ = await ensure_person(session, "09124440009", full_name="مریم کاظمی", now=NOW)
    await session.flush()
    await ensure_role(
        session,
        person_id=person.id,
        role=Role.RESIDENT,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=neighbourhood_id,
        now=NOW,
    )
    await session.commit()
    return person.id


def test_the_text_is_cleaned_and_bounded() -> None:
    assert clean_announcement("  كوچهٔ   علي \n\n فردا  جلسه است ") == "کوچهٔ علی\n\nفردا جلسه است"
    with pytest.raises(TextTooShort):
        clean_announcement("  کوتاه ")
    with pytest.raises(TextTooLong):
        clean_announcement("ا" * 3501)


async def test_residents_are_told_now_or_when_they_join(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        actor, neighbourhood_id = await _manager_of_demo(session)
        later = await _resident_without_account(session, neighbourhood_id)
        allowance = await announcement_allowance(
            session, actor=actor, neighbourhood_id=neighbourhood_id, now=NOW, weekly_limit=3
        )
        assert (allowance.residents, allowance.sent_this_week, allowance.left) == (5, 0, 3)
        announced = await send_announcement(
            session, T, actor=actor, neighbourhood_id=neighbourhood_id, text=TEXT, now=NOW, weekly_limit=3
        )
        assert len(announced.told.now) == 2
        assert len(announced.told.waiting) == 3 and later in announced.told.waiting
        assert announced.queued == 5 and announced.sent_this_week == 1
        rows = list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.topic.like("announcement:%"))
                .order_by(OutboxMessage.id)
            )
        )
        assert [r.status for r in rows].count(OutboxStatus.PENDING) == 2
        waiting = [r for r in rows if r.status is OutboxStatus.WAITING]
        assert later in [r.person_id for r in waiting] and len(waiting) == 3
        assert all(TEXT in r.text and "دولت‌آباد" in r.text for r in rows)


async def test_at_most_the_weekly_limit_from_people(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        actor, neighbourhood_id = await _manager_of_demo(session)
        for day in range(2):
            await send_announcement(
                session,
                T,
                actor=actor,
                neighbourhood_id=neighbourhood_id,
                text=f"{TEXT} {day}",
                now=NOW + timedelta(days=day),
                weekly_limit=2,
            )
        before = await session.scalar(select(func.count()).select_from(OutboxMessage))
        with pytest.raises(WeeklyLimitReached) as refused:
            await send_announcement(
                session,
                T,
                actor=actor,
                neighbourhood_id=neighbourhood_id,
                text=TEXT,
                now=NOW + timedelta(days=3),
                weekly_limit=2,
            )
        # The first of the two leaves the seven days first.
        assert refused.value.next_at == NOW + timedelta(days=7)
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == before
        # A week after the first, one more may go; the operator is never limited.
        await send_announcement(
            session,
            T,
            actor=actor,
            neighbourhood_id=neighbourhood_id,
            text=TEXT,
            now=NOW + timedelta(days=7, seconds=1),
            weekly_limit=2,
        )
        await send_announcement(
            session, T, actor=OPERATOR, neighbourhood_id=neighbourhood_id, text=TEXT, now=NOW, weekly_limit=0
        )


async def test_only_its_managers_and_officials_announce(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        actor, neighbourhood_id = await _manager_of_demo(session)
        rural = await neighbourhood_by_code(session, "1002")
        assert rural is not None
        with pytest.raises(PermissionDenied):
            await send_announcement(
                session, T, actor=actor, neighbourhood_id=rural.id, text=TEXT, now=NOW, weekly_limit=3
            )
        stranger = Actor(person_id=None, label="nobody")
        with pytest.raises(PermissionDenied):
            await announcement_allowance(
                session, actor=stranger, neighbourhood_id=neighbourhood_id, now=NOW, weekly_limit=3
            )
        assert (
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.topic.like("announcement:%"))
            )
            == 0
        )


async def test_seeded_residents_alternate_messengers_and_hear_a_broadcast(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await seed_demo(session, now=NOW)
        assert await seed_residents(session, count=5, code=None, now=NOW) == 2 + 5
        assert await seed_residents(session, count=2, code="1001", now=NOW) == 2 + 7
        accounts = list(
            await session.scalars(
                select(Account).where(Account.chat_id >= LOAD_CHAT_ID_BASE).order_by(Account.chat_id)
            )
        )
        assert [a.platform for a in accounts[:3]] == [Platform.TELEGRAM, Platform.BALE, Platform.TELEGRAM]
        assert [a.chat_id - LOAD_CHAT_ID_BASE for a in accounts] == list(range(7))
        announced = await broadcast_to_neighbourhood(session, T, code="1001", text=TEXT, now=NOW)
        assert (len(announced.told.now), len(announced.told.waiting)) == (7, 2)
        with pytest.raises(LookupError):
            await seed_residents(session, count=1, code="9999", now=NOW)


def test_the_command_line_broadcasts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'broadcast.db'}"
    seeded = run_cli("seed-demo", "--residents", "4", database_url=url)
    assert seeded.returncode == 0, seeded.stderr
    assert "added 4 residents; the neighbourhood has 6" in seeded.stdout
    sent = run_cli("broadcast", "--neighbourhood", "1001", "--text", TEXT, database_url=url)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == "queued 6 (now 4, waiting for 2 to join)"
    unknown = run_cli("broadcast", "--neighbourhood", "9999", "--text", TEXT, database_url=url)
    assert unknown.returncode == 1 and "9999" in unknown.stderr
    short = run_cli("broadcast", "--neighbourhood", "1001", "--text", "کوتاه", database_url=url)
    assert short.returncode == 1
