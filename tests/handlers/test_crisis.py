"""/crisis through the real Dispatcher: the manager switches crisis mode on with a description
and off with a note, pressing buttons; bad input at every step is answered and nothing is saved
before the confirm; residents can't reach it; stale and forged buttons change nothing."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Sticker, User
from sqlalchemy import select

from models import CrisisPeriod, OutboxMessage
from tests.handlers.conftest import Harness, count, resident
from tests.handlers.conftest import fa as t
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard

FLOOD = "آب رودخانه بالا آمده؛ ساکنان کوچه‌های پایین به مسجد جامع بروند"
STICKER = Sticker(
    file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
)


async def neighbourhood_with_residents(harness: Harness) -> tuple[User, list[User]]:
    """The manager of 1001 (not a resident) and two residents who joined by the deep link."""
    boss = await manager(harness)
    residents = []
    for n in range(2):
        citizen = resident(user_id=700 + n)
        await onboard(harness, citizen, f"0912444000{n + 1}")
        await harness.send(harness.updates.message(citizen, text="/start n_1001"))
        residents.append(citizen)
    return boss, residents


def last_alert(harness: Harness) -> str | None:
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    assert answer.show_alert
    return answer.text


def buttons(harness: Harness) -> list[str]:
    markup = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    return [b.callback_data for row in markup.inline_keyboard for b in row]


async def crisis_notices(harness: Harness, phase: str) -> list[OutboxMessage]:
    async with harness.session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedup_key.like(f"crisis:%:{phase}:%"))
            )
        )


async def test_the_manager_switches_crisis_on_and_off_with_bad_input_answered(harness: Harness) -> None:
    boss, residents = await neighbourhood_with_residents(harness)
    # The manager's menu has the crisis button, and it opens /crisis.
    await harness.send(harness.updates.message(boss, text=t(harness, "menu-crisis")))
    assert harness.last_text() == (
        t(harness, "crisis-off-status", neighbourhood="دولت‌آباد", audience=2)
        + "\n\n"
        + t(harness, "crisis-ask-description", min=10, max=1000)
    )
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text() == t(harness, "crisis-description-expected")
    await harness.send(harness.updates.message(boss, text="سیل"))
    assert harness.last_text() == t(harness, "crisis-description-too-short", min=10)
    await harness.send(harness.updates.message(boss, text="ا" * 5000))
    assert harness.last_text() == t(harness, "crisis-description-too-long", length=5000, max=1000)
    await harness.send(harness.updates.message(boss, text=FLOOD))
    assert harness.last_text() == t(
        harness, "crisis-confirm-start", neighbourhood="دولت‌آباد", audience=2, description=FLOOD
    )
    assert buttons(harness) == ["crs:on", "crs:cancel"]
    await harness.send(harness.updates.message(boss, text="بله"))  # typed where a button is asked
    assert harness.last_text().startswith(t(harness, "crisis-button-expected") + "\n\n")  # asked again below
    assert await count(harness.session_factory, CrisisPeriod) == 0

    await harness.send(harness.updates.callback(boss, "crs:on"))
    assert harness.last_text() == (
        t(harness, "crisis-started", told=2) + "\n\n" + t(harness, "crisis-started-no-head")
    )
    notices = await crisis_notices(harness, "start")
    assert sorted(m.chat_id for m in notices) == [r.id for r in residents]
    assert all(FLOOD in m.text and "125" in m.text for m in notices)
    # Pressing the confirm again (a double tap) switches nothing twice.
    await harness.send(harness.updates.callback(boss, "crs:on"))
    assert last_alert(harness) == t(harness, "crisis-form-closed")
    assert await count(harness.session_factory, CrisisPeriod) == 1

    # On: /crisis shows since when, with the end button.
    await harness.send(harness.updates.message(boss, text="/crisis"))
    assert harness.last_text().startswith(
        t(harness, "crisis-on-status", neighbourhood="دولت‌آباد", since="x")[:30]
    )
    assert FLOOD in harness.last_text() and "۱۴۰۵" in harness.last_text()
    assert buttons(harness) == ["crs:end"]
    await harness.send(harness.updates.callback(boss, "crs:end"))
    assert harness.last_text() == t(harness, "crisis-ask-note", max=1000)
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text() == t(harness, "crisis-note-expected")
    await harness.send(harness.updates.message(boss, text="ب" * 1500))
    assert harness.last_text() == t(harness, "crisis-note-too-long", length=1500, max=1000)
    await harness.send(harness.updates.message(boss, text="آب فروکش کرد؛ به خانه‌ها برگردید"))
    assert harness.last_text() == (
        t(harness, "crisis-confirm-end", neighbourhood="دولت‌آباد", audience=2)
        + "\n"
        + t(harness, "crisis-confirm-end-note", note="آب فروکش کرد؛ به خانه‌ها برگردید")
    )
    assert await crisis_notices(harness, "end") == []
    await harness.send(harness.updates.callback(boss, "crs:off"))
    assert harness.last_text() == t(harness, "crisis-ended", told=2)
    async with harness.session_factory() as session:
        period = (await session.scalars(select(CrisisPeriod))).one()
    assert period.ended_at == NOW
    ended = await crisis_notices(harness, "end")
    assert sorted(m.chat_id for m in ended) == [r.id for r in residents]
    assert all("آب فروکش کرد" in m.text for m in ended)

    # Off again: /crisis asks for a new description.
    await harness.send(harness.updates.message(boss, text="/crisis"))
    assert harness.last_text().endswith(t(harness, "crisis-ask-description", min=10, max=1000))


async def test_cancel_saves_nothing_and_its_buttons_go_stale(harness: Harness) -> None:
    boss, _residents = await neighbourhood_with_residents(harness)
    await harness.send(harness.updates.message(boss, text="/crisis"))
    await harness.send(harness.updates.message(boss, text=FLOOD))
    await harness.send(harness.updates.callback(boss, "crs:cancel"))
    assert harness.last_text() == t(harness, "crisis-cancelled")
    await harness.send(harness.updates.callback(boss, "crs:on"))
    assert last_alert(harness) == t(harness, "crisis-form-closed")
    # /cancel in the middle of the description, then a command works in the middle of the form.
    await harness.send(harness.updates.message(boss, text="/crisis"))
    await harness.send(harness.updates.message(boss, text="/cancel"))
    assert harness.last_text() == t(harness, "cancel-done")
    await harness.send(harness.updates.message(boss, text=FLOOD))
    assert harness.last_text() != t(
        harness, "crisis-confirm-start", neighbourhood="دولت‌آباد", audience=2, description=FLOOD
    )
    assert await count(harness.session_factory, CrisisPeriod) == 0
    assert await count(harness.session_factory, OutboxMessage) == 0


async def test_ending_without_a_note(harness: Harness) -> None:
    boss, residents = await neighbourhood_with_residents(harness)
    await harness.send(harness.updates.message(boss, text="/crisis"))
    await harness.send(harness.updates.message(boss, text=FLOOD))
    await harness.send(harness.updates.callback(boss, "crs:on"))
    await harness.send(harness.updates.message(boss, text="/crisis"))
    await harness.send(harness.updates.callback(boss, "crs:end"))
    assert buttons(harness) == ["crs:skip", "crs:cancel"]
    await harness.send(harness.updates.callback(boss, "crs:skip"))
    assert harness.last_text() == t(harness, "crisis-confirm-end", neighbourhood="دولت‌آباد", audience=2)
    await harness.send(harness.updates.callback(boss, "crs:off"))
    assert harness.last_text() == t(harness, "crisis-ended", told=2)
    ended = await crisis_notices(harness, "end")
    assert [m.text for m in ended] == [t(harness, "crisis-notice-end", neighbourhood="دولت‌آباد")] * len(
        residents
    )
    # The old "end" button, pressed again, says crisis mode is not on.
    await harness.send(harness.updates.callback(boss, "crs:end"))
    assert last_alert(harness) == t(harness, "crisis-not-on")


async def test_a_resident_cannot_reach_crisis_mode(harness: Harness) -> None:
    _boss, residents = await neighbourhood_with_residents(harness)
    citizen = residents[0]
    await harness.send(harness.updates.message(citizen, text="/crisis"))
    assert harness.last_text() == t(harness, "crisis-not-manager")
    # Forged buttons: nothing opens, nothing is saved.
    await harness.send(harness.updates.callback(citizen, "crs:on"))
    assert last_alert(harness) == t(harness, "crisis-form-closed")
    await harness.send(harness.updates.callback(citizen, "crs:end"))
    assert last_alert(harness) == t(harness, "crisis-not-manager")
    assert await count(harness.session_factory, OutboxMessage) == 0
    # Typed outside any form, the flood is what it is: a resident's emergency request (handlers/talk.py),
    # not a note opening crisis mode.
    await harness.send(harness.updates.message(citizen, text=FLOOD))
    assert harness.last_text() != t(harness, "crisis-ask-note", max=1000)
    assert await count(harness.session_factory, CrisisPeriod) == 0


async def test_the_reminders_button_opens_the_crisis_screen(harness: Harness) -> None:
    boss, _residents = await neighbourhood_with_residents(harness)
    async with harness.session_factory() as session, session.begin():
        session.add(CrisisPeriod(neighbourhood_id=1, description=FLOOD, started_at=NOW - timedelta(hours=73)))
    await harness.send(harness.updates.callback(boss, "crs:open"))
    assert FLOOD in harness.last_text() and buttons(harness) == ["crs:end"]
