"""A wrong answer gets the question again at the bottom of the chat, with its buttons, and the old
copy loses its buttons (issue 13, item 4; handlers/forms.py)."""

from __future__ import annotations

from aiogram.methods import EditMessageReplyMarkup, SendMessage
from aiogram.types import Sticker

from tests.handlers.conftest import Harness
from tests.handlers.test_requests import HEALTH_TEXT, setup_neighbourhood, t
from tests.handlers.test_talk import inline_data

STICKER = Sticker(
    file_id="s1",
    file_unique_id="us1",
    type="regular",
    width=512,
    height=512,
    is_animated=False,
    is_video=False,
)


def sends(harness: Harness) -> list[SendMessage]:
    return [r for r in harness.tg_session.requests if isinstance(r, SendMessage)]


async def test_a_typed_answer_where_buttons_are_asked_gets_the_question_again_below(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=HEALTH_TEXT))
    question = t(harness, "request-propose-committee", committee=t(harness, "committee-health"))
    assert harness.last_text() == question
    buttons = inline_data(harness)
    asked = len(harness.tg_session.requests)

    await harness.send(harness.updates.message(citizen, text="بهداشت"))  # typed where a button is asked
    after = harness.tg_session.requests[asked:]
    # The old question's buttons go, and the question comes again at the bottom, with them.
    assert [type(r) for r in after] == [EditMessageReplyMarkup, SendMessage]
    dropped = after[0]
    assert isinstance(dropped, EditMessageReplyMarkup) and dropped.reply_markup is None
    assert harness.last_text() == t(harness, "request-button-expected") + "\n\n" + question
    assert inline_data(harness) == buttons

    # A second wrong answer: the same, not the first note repeated on top.
    await harness.send(harness.updates.message(citizen, sticker=STICKER))
    assert harness.last_text() == t(harness, "request-button-expected") + "\n\n" + question
    # The copy at the bottom is the live one: its button works.
    await harness.send(harness.updates.callback(citizen, "rqc:ok"))
    assert harness.last_text() == t(harness, "request-ask-extras", max=5)


async def test_a_bad_date_gets_the_calendar_again_below(harness: Harness) -> None:
    from tests.handlers.test_meetings import setup_council

    users = await setup_council(harness)
    boss = users["boss"]
    await harness.send(harness.updates.message(boss, text="/meeting"))
    await harness.send(harness.updates.callback(boss, "mt_kind:council"))
    calendar = inline_data(harness)
    assert any(d.startswith("jcal:day:") for d in calendar)
    await harness.send(harness.updates.message(boss, text="دیروز"))
    assert harness.last_text().startswith(
        t(harness, "resolution-bad-date-format", example="۱۴۰۵/۰۹/۰۱") + "\n\n"
    )
    assert inline_data(harness) == calendar
    # Paging the calendar is an edit in place; a wrong answer after it shows the page they were on.
    page = next(d for d in calendar if d.startswith("jcal:nav:"))
    await harness.send(harness.updates.callback(boss, page, message_id=harness.tg_session.last_sent_id))
    paged = inline_data(harness)
    await harness.send(harness.updates.message(boss, text="فردا"))
    assert inline_data(harness) == paged


async def test_outside_a_form_nothing_is_asked_again(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, sticker=STICKER))
    assert harness.last_text() == t(harness, "error-unsupported-input")
    assert not any(isinstance(r, EditMessageReplyMarkup) for r in harness.tg_session.requests[-2:])


async def test_a_pressed_button_leads_to_the_next_question_below_not_an_edit_above(harness: Harness) -> None:
    from aiogram.methods import EditMessageText

    from tests.handlers.test_council import manager

    boss = await manager(harness)
    await harness.send(harness.updates.message(boss, text="/add_member"))
    await harness.send(harness.updates.message(boss, text="علی رضایی"))
    await harness.send(harness.updates.message(boss, text="09121234567"))
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.callback(boss, "cm_pos:member"))
    after = harness.tg_session.requests[before:]
    # The position question stays readable where it was; the committees question comes below.
    assert not any(isinstance(r, EditMessageText) for r in after)
    assert harness.last_text() == t(harness, "member-ask-committees", name="علی رضایی")
    assert any(d.startswith("cm_com:") for d in inline_data(harness))
