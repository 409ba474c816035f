"""/announce through the real Dispatcher: the manager writes, sees the preview, sends (✅) or not
(✖); residents get it through the outbox (waiting for one who has not opened the bot); the
weekly limit and residents' attempts are answered."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Sticker, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxMessage, OutboxStatus, Role, ScopeKind
from services.regions import neighbourhood_by_code
from services.roles import ensure_person, ensure_role
from tests.handlers.conftest import Harness, make_harness, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard

WATER = "فردا از ساعت ۹ تا ۱۲ آب محله قطع است؛ آب ذخیره کنید."
STICKER = Sticker(
    file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
)


def t(harness: Harness, key: str, **args: object) -> str:
    return harness.translator.get("fa", key, **args)


async def neighbourhood_with_residents(harness: Harness) -> tuple[User, list[User]]:
    """The manager of 1001, two residents who joined by the deep link, and one resident known by
    phone only (never opened the bot)."""
    boss = await manager(harness)
    residents = []
    for n in range(2):
        citizen = resident(user_id=700 + n)
        await onboard(harness, citizen, f"0912444000{n + 1}")
        await harness.send(harness.updates.message(citizen, text="/start n_1001"))
        residents.append(citizen)
    async with harness.session_factory() as session:
        neighbourhood = await neighbourhood_by_code(session, "1001")
        assert neighbourhood is not None
        person, _ = await ensure_person(session, "09124440009", full_name="مریم کاظمی", now=NOW)
        await session.flush()
        await ensure_role(
            session,
            person_id=person.id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=neighbourhood.id,
            now=NOW,
        )
        await session.commit()
    return boss, residents


async def announcements(session_factory: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with session_factory() as session:
        return list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.topic.like("announcement:%")))
        )


def buttons(harness: Harness) -> list[str]:
    markup = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    return [b.callback_data for row in markup.inline_keyboard for b in row]


def last_alert(harness: Harness) -> str | None:
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    return answer.text


async def test_the_manager_previews_and_sends_an_announcement(harness: Harness) -> None:
    boss, residents = await neighbourhood_with_residents(harness)
    await harness.send(harness.updates.message(boss, text=t(harness, "menu-more")))
    await harness.send(harness.updates.message(boss, text=t(harness, "menu-announce")))
    assert harness.last_text() == t(
        harness, "announce-ask", neighbourhood="دولت‌آباد", residents=3, left=3, limit=3, min=10, max=3500
    )
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    # The question had no buttons, so only what was wrong is said (the form stays open).
    assert harness.last_text() == t(harness, "announce-text-expected")
    await harness.send(harness.updates.message(boss, text="آب"))
    assert harness.last_text() == t(harness, "error-text-too-short", limit=10)
    await harness.send(harness.updates.message(boss, text="ي" * 4000))
    assert harness.last_text() == t(harness, "error-text-too-long", length=4000, limit=3500)

    await harness.send(harness.updates.message(boss, text=WATER))
    texts = harness.tg_session.sent_texts()
    assert texts[-2] == t(harness, "announce-preview", neighbourhood="دولت‌آباد", residents=3)
    assert texts[-1] == t(harness, "announce-message", neighbourhood="دولت‌آباد", text=WATER)
    assert buttons(harness) == ["ann:send", "ann:cancel"]
    await harness.send(harness.updates.message(boss, text="بله"))  # typed where a button is asked
    assert harness.last_text().startswith(t(harness, "announce-button-expected") + "\n\n")
    assert await announcements(harness.session_factory) == []

    await harness.send(harness.updates.callback(boss, "ann:send"))
    reply = harness.last_text()
    assert reply.startswith(t(harness, "announce-sent", left=2) + "\n")
    assert "مریم کاظمی" in reply  # told when she joins
    rows = await announcements(harness.session_factory)
    assert sorted(m.chat_id for m in rows if m.status is OutboxStatus.PENDING) == [r.id for r in residents]
    assert [m.status for m in rows].count(OutboxStatus.WAITING) == 1
    assert all(WATER in m.text for m in rows)
    # A double tap sends nothing twice.
    await harness.send(harness.updates.callback(boss, "ann:send"))
    assert last_alert(harness) == t(harness, "announce-form-closed")
    assert len(await announcements(harness.session_factory)) == 3


async def test_cancel_sends_nothing(harness: Harness) -> None:
    boss, _ = await neighbourhood_with_residents(harness)
    await harness.send(harness.updates.message(boss, text="/announce"))
    await harness.send(harness.updates.message(boss, text=WATER))
    await harness.send(harness.updates.callback(boss, "ann:cancel"))
    assert harness.last_text() == t(harness, "announce-cancelled")
    assert await announcements(harness.session_factory) == []


async def test_a_resident_cannot_announce(harness: Harness) -> None:
    _, residents = await neighbourhood_with_residents(harness)
    await harness.send(harness.updates.message(residents[0], text="/announce"))
    assert harness.last_text() == t(harness, "announce-not-manager")


async def test_the_weekly_limit_is_kept(session_factory: async_sessionmaker[AsyncSession]) -> None:
    harness = make_harness(session_factory, throttle_burst=0, announcement_weekly_limit=1)
    boss, _ = await neighbourhood_with_residents(harness)
    await harness.send(harness.updates.message(boss, text="/announce"))
    await harness.send(harness.updates.message(boss, text=WATER))
    await harness.send(harness.updates.callback(boss, "ann:send"))
    assert harness.last_text().startswith(t(harness, "announce-sent", left=0))
    await harness.send(harness.updates.message(boss, text="/announce"))
    assert harness.last_text() == t(
        harness, "announce-limit-reached", neighbourhood="دولت‌آباد", limit=1, next="—"
    )
    assert len(await announcements(session_factory)) == 3
