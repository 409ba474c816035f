"""Issue 11, fairness through the real Dispatcher: one person's flood is cut short while others are
answered, and forty emergencies from one resident are one emergency — with the numbers every time."""

from __future__ import annotations

from aiogram.types import Location, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import CitizenRequest, RequestEvent, RequestFollower
from services.requests import format_tracking_code
from tests.handlers.conftest import Harness, count, make_harness, resident
from tests.handlers.test_council import onboard
from tests.handlers.test_requests import outbox_to, setup_neighbourhood, t

GAS = "بوی گاز شدید تو راه پله ساختمان ما میاد"
# About 30 metres apart in Dowlatabad; the third place is some 2 km away.
HERE = Location(latitude=35.60000, longitude=51.43000)
NEXT_DOOR = Location(latitude=35.60020, longitude=51.43020)
FAR = Location(latitude=35.62000, longitude=51.43000)


async def test_a_flood_from_one_person_is_cut_short_and_another_is_answered(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # A burst of 10 and (practically) no refill during the test: the figures are exact.
    harness = make_harness(session_factory, throttle_burst=10, throttle_rate=0.001)
    flooder, other = resident(user_id=800), resident(user_id=801)
    help_text = t(harness, "help-text")
    for n in range(50):
        await harness.send(harness.updates.message(flooder, text="/help"))
        if n == 25:
            await harness.send(harness.updates.message(other, text="/help"))
            assert harness.tg_session.sent_texts(other.id) == [help_text]
    to_flooder = harness.tg_session.sent_texts(flooder.id)
    slow_down = [text for text in to_flooder if text.startswith(t(harness, "throttle-slow-down"))]
    assert len(slow_down) == 1
    assert "125" in slow_down[0]  # the emergency numbers, in case that is why they hurry
    assert to_flooder.count(help_text) == 10 and len(to_flooder) == 11
    # Pressing buttons is the same bucket: still dry, still silent.
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(flooder, "lang:fa:0"))
    assert len(harness.tg_session.requests) == before


async def emergency(harness: Harness, user: User, where: Location | None = None, text: str = GAS) -> None:
    await harness.send(harness.updates.message(user, text="/request"))
    if where is not None:
        await harness.send(harness.updates.message(user, location=where))
    await harness.send(harness.updates.message(user, text=text))


async def test_forty_emergencies_from_one_resident_are_one_and_the_manager_hears_twice(
    harness: Harness,
) -> None:
    boss, head, citizen = await setup_neighbourhood(harness)
    for n in range(40):
        await emergency(harness, citizen, HERE if n == 0 else None)
    assert await count(harness.session_factory, CitizenRequest) == 1
    async with harness.session_factory() as session:
        request = (await session.scalars(select(CitizenRequest))).one()
        repeats = list(
            await session.scalars(
                select(RequestEvent.note).where(
                    RequestEvent.request_id == request.id,
                    RequestEvent.kind == "repeated",
                )
            )
        )
    assert len(repeats) == 39  # every repeat is kept in the history
    code = format_tracking_code(request.code, "fa")
    texts = harness.tg_session.sent_texts(citizen.id)
    numbers = [text for text in texts if text.startswith(t(harness, "request-emergency"))]
    assert len(numbers) == 40 and all("125" in text and "115" in text for text in numbers)
    assert texts.count(t(harness, "request-emergency-attached", code=code)) == 39
    # The manager: the emergency, then one reminder that it came again — and no more.
    to_manager = [m.text for m in await outbox_to(harness, boss.id)]
    assert len(to_manager) == 2
    assert t(harness, "request-notice-emergency", code=code) in to_manager[0]
    assert to_manager[1].startswith(t(harness, "request-notice-emergency-repeated", code=code, text=GAS))
    assert await outbox_to(harness, head.id) == []

    # A neighbour at the same place joins it too (and follows it); someone 2 km away is a new one.
    neighbour = resident(user_id=811)
    await onboard(harness, neighbour, "09124440011")
    await harness.send(harness.updates.message(neighbour, text="/start n_1001"))
    await emergency(harness, neighbour, NEXT_DOOR, "ساختمان ما آتش گرفته کمک کنید")
    assert harness.last_text().startswith(t(harness, "request-emergency-attached", code=code))
    assert await count(harness.session_factory, CitizenRequest) == 1
    assert await count(harness.session_factory, RequestFollower) == 1
    assert len(await outbox_to(harness, boss.id)) == 2
    farther = resident(user_id=812)
    await onboard(harness, farther, "09124440012")
    await harness.send(harness.updates.message(farther, text="/start n_1001"))
    await emergency(harness, farther, FAR, "ساختمان ما آتش گرفته کمک کنید")
    assert await count(harness.session_factory, CitizenRequest) == 2
    assert len(await outbox_to(harness, boss.id)) == 3
