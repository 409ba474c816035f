"""A resolution's deadline before today, or before the meeting that decided it, is not saved
silently: the form names the date and the reason and asks whether to keep it or choose another
(the calendar again, at the bottom of the chat). A deadline today or later goes straight on.

Today in these tests is 1 Azar 1405 (2026-11-22, `tests.handlers.harness.NOW`)."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.methods import EditMessageReplyMarkup, SendMessage
from aiogram.types import User

from models import MeetingKind, Resolution
from services.authz import OPERATOR
from services.resolutions import create_meeting
from tests.handlers.conftest import Harness, count
from tests.handlers.harness import NOW
from tests.handlers.test_resolutions import (
    STICKER,
    TODAY,
    last_alert,
    last_markup,
    only_resolution,
    setup_council,
    t,
)

KEEP, OTHER = "rs_ddl:1", "rs_ddl:0"
MEETING_DAY = date(2026, 11, 11)  # 20 Aban 1405


def warning(harness: Harness, key: str, deadline: str, compared_with: str) -> str:
    return (
        t(harness, key, deadline=deadline, date=compared_with)
        + "\n"
        + t(harness, "resolution-deadline-doubt-question")
    )


def buttons_dropped(harness: Harness, since: int) -> list[int]:
    """The messages whose buttons were taken off after request number `since`."""
    return [
        r.message_id
        for r in harness.tg_session.requests[since:]
        if isinstance(r, EditMessageReplyMarkup) and r.reply_markup is None and r.message_id is not None
    ]


def sent_since(harness: Harness, since: int) -> list[SendMessage]:
    return [r for r in harness.tg_session.requests[since:] if isinstance(r, SendMessage)]


async def up_to_the_deadline(harness: Harness, boss: User, add: str = "rs_add:0") -> None:
    """Open the form (on its own, or for a meeting) and answer up to the deadline question."""
    await harness.send(harness.updates.callback(boss, add))
    await harness.send(harness.updates.message(boss, text="لایروبی جوی آب خیابان اصلی محله"))
    await harness.send(harness.updates.callback(boss, "rs_kind:committee"))
    await harness.send(harness.updates.callback(boss, "rs_who:services"))
    assert harness.last_text() == t(harness, "resolution-ask-deadline", example="۱۴۰۵/۰۹/۰۱")


async def save(harness: Harness, boss: User) -> Resolution:
    await harness.send(harness.updates.callback(boss, "rs_prio:normal"))
    await harness.send(harness.updates.callback(boss, "rs_ok:1"))
    return await only_resolution(harness)


async def council_meeting(harness: Harness) -> int:
    """A council meeting of 1001 held on MEETING_DAY (recorded by the operator); its id."""
    async with harness.session_factory() as session:
        meeting = await create_meeting(
            session,
            actor=OPERATOR,
            neighbourhood_id=1,
            kind=MeetingKind.COUNCIL,
            held_on=MEETING_DAY,
            now=NOW,
        )
    return meeting.id


async def test_a_past_deadline_is_questioned_and_kept_when_meant(harness: Harness) -> None:
    boss = (await setup_council(harness))["boss"]
    await up_to_the_deadline(harness, boss)
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۰۸/۲۸"))
    assert harness.last_text() == warning(
        harness, "resolution-deadline-doubt-past", "۲۸ آبان ۱۴۰۵", "۱ آذر ۱۴۰۵"
    )
    assert last_markup(harness) == [KEEP, OTHER]
    assert t(harness, "resolution-button-keep-deadline") == "بله، همین تاریخ بماند"

    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(boss, KEEP, message_id=1234))
    assert buttons_dropped(harness, before) == [1234]
    assert harness.last_text() == t(harness, "resolution-ask-priority", deadline="۲۸ آبان ۱۴۰۵")
    assert await count(harness.session_factory, Resolution) == 0
    saved = await save(harness, boss)
    assert saved.deadline == TODAY - timedelta(days=3)
    # The spent warning cannot be answered twice.
    await harness.send(harness.updates.callback(boss, KEEP))
    assert last_alert(harness) == t(harness, "resolution-form-closed")


async def test_another_date_shows_the_calendar_below_and_a_good_date_is_saved(harness: Harness) -> None:
    boss = (await setup_council(harness))["boss"]
    await up_to_the_deadline(harness, boss)
    # Picked on the calendar: 25 Aban, a week ago.
    await harness.send(harness.updates.callback(boss, "jcal:day:rd:1405:8:25"))
    assert harness.last_text() == warning(
        harness, "resolution-deadline-doubt-past", "۲۵ آبان ۱۴۰۵", "۱ آذر ۱۴۰۵"
    )

    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(boss, OTHER, message_id=1500))
    assert buttons_dropped(harness, before) == [1500]
    # A new message at the bottom of the chat, not an edit far above: the question and the calendar.
    [asked] = sent_since(harness, before)
    assert asked.text == t(harness, "resolution-ask-deadline", example="۱۴۰۵/۰۹/۰۱")
    assert "jcal:day:rd:1405:9:1" in last_markup(harness)
    assert await count(harness.session_factory, Resolution) == 0

    await harness.send(harness.updates.callback(boss, "jcal:day:rd:1405:9:10"))
    assert harness.last_text() == t(harness, "resolution-ask-priority", deadline="۱۰ آذر ۱۴۰۵")
    saved = await save(harness, boss)
    assert saved.deadline == date(2026, 12, 1)


async def test_while_the_warning_waits_a_new_date_can_be_typed(harness: Harness) -> None:
    boss = (await setup_council(harness))["boss"]
    await up_to_the_deadline(harness, boss)
    await harness.send(harness.updates.message(boss, text="1405/08/30"))
    past = warning(harness, "resolution-deadline-doubt-past", "۳۰ آبان ۱۴۰۵", "۱ آذر ۱۴۰۵")
    assert harness.last_text() == past
    # A sticker, or words that are no date: the question again, below, and the old one goes quiet.
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    [first_warning] = buttons_dropped(harness, before)
    assert harness.last_text() == past and last_markup(harness) == [KEEP, OTHER]
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.message(boss, text="بله"))
    [second_warning] = buttons_dropped(harness, before)
    assert second_warning > first_warning
    assert harness.last_text() == past
    # A date typed instead of pressing a button: taken, and the warning's buttons go.
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۰۹/۰۵"))
    assert len(buttons_dropped(harness, before)) == 1
    assert harness.last_text() == t(harness, "resolution-ask-priority", deadline="۵ آذر ۱۴۰۵")
    saved = await save(harness, boss)
    assert saved.deadline == date(2026, 11, 26)


async def test_a_deadline_before_the_meeting_is_questioned(harness: Harness) -> None:
    boss = (await setup_council(harness))["boss"]
    meeting_id = await council_meeting(harness)
    await up_to_the_deadline(harness, boss, f"rs_add:{meeting_id}")
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۰۸/۱۵"))
    assert harness.last_text() == warning(
        harness, "resolution-deadline-doubt-before-meeting", "۱۵ آبان ۱۴۰۵", "۲۰ آبان ۱۴۰۵"
    )
    assert last_markup(harness) == [KEEP, OTHER]
    await harness.send(harness.updates.callback(boss, KEEP))
    saved = await save(harness, boss)
    assert (saved.meeting_id, saved.deadline) == (meeting_id, date(2026, 11, 6))


async def test_a_deadline_today_or_later_is_saved_without_a_question(harness: Harness) -> None:
    boss = (await setup_council(harness))["boss"]
    meeting_id = await council_meeting(harness)
    await up_to_the_deadline(harness, boss, f"rs_add:{meeting_id}")
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۰۹/۰۱"))  # today
    assert harness.last_text() == t(harness, "resolution-ask-priority", deadline="۱ آذر ۱۴۰۵")
    saved = await save(harness, boss)
    assert (saved.meeting_id, saved.deadline) == (meeting_id, TODAY)
    questions = [
        r
        for r in sent_since(harness, before)
        if r.reply_markup is not None and KEEP in str(r.reply_markup.model_dump())
    ]
    assert questions == []
