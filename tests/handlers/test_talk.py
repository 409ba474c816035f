"""People just talk (issue 13, item 1 and 3): a message written outside any form starts a request;
someone who cannot send one yet is led through the contact and joining without typing it again;
a greeting and an unknown command get their own answers; finished steps offer what comes next."""

from __future__ import annotations

from aiogram.types import User, Voice
from sqlalchemy import select

from models import CitizenRequest, CommitteeKey
from services.persian import excerpt, normalize_prose
from tests.handlers.conftest import Harness, add_neighbourhood, resident
from tests.handlers.conftest import fa as t
from tests.handlers.test_council import onboard
from tests.handlers.test_requests import setup_neighbourhood

WATER = "سلام، آب کوچه ما از دیروز قطع شده و هیچکس جواب نمیده"
PHONE = "09125550001"


def inline_data(harness: Harness) -> list[str]:
    """The callback data of the last message that had inline buttons."""
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if hasattr(getattr(r, "reply_markup", None), "inline_keyboard")
    )
    return [button.callback_data for row in markup.inline_keyboard for button in row]


def reply_labels(harness: Harness) -> list[str]:
    """The labels of the last reply keyboard (the main menu)."""
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if hasattr(getattr(r, "reply_markup", None), "keyboard")
    )
    return [button.text for row in markup.keyboard for button in row]


async def requests(harness: Harness) -> list[CitizenRequest]:
    async with harness.session_factory() as session:
        return list(await session.scalars(select(CitizenRequest)))


async def finish(harness: Harness, citizen: User) -> None:
    """Accept the proposed committee (or the first of two), no extras, public."""
    choice = next(d for d in inline_data(harness) if d.startswith("rqc:") and d != "rqc:other")
    await harness.send(harness.updates.callback(citizen, choice))
    await harness.send(harness.updates.callback(citizen, "rqn"))
    await harness.send(harness.updates.callback(citizen, "rqp:0"))


async def test_a_complaint_typed_straight_into_the_chat_starts_a_request(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text=WATER))
    texts = harness.tg_session.sent_texts(citizen.id)
    # What was understood, then the committee it would go to, with buttons to confirm.
    assert t(harness, "talk-understood", text=excerpt(normalize_prose(WATER), 60)) in texts[-2:]
    assert any(d.startswith("rqc:") for d in inline_data(harness))
    await finish(harness, citizen)
    [request] = await requests(harness)
    assert request.text == normalize_prose(WATER)
    assert request.committee in (CommitteeKey.SERVICES, CommitteeKey.ENVIRONMENT)


async def test_an_emergency_typed_straight_is_sent_at_once(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="بوی شدید گاز در کل کوچه پیچیده"))
    assert any(t(harness, "request-emergency") in text for text in harness.tg_session.sent_texts(citizen.id))
    [request] = await requests(harness)
    assert request.is_emergency and request.committee is CommitteeKey.CRISIS


async def test_a_stranger_is_led_through_contact_and_joining_without_typing_again(harness: Harness) -> None:
    await add_neighbourhood(harness.session_factory)
    stranger = resident(user_id=901)
    await harness.send(harness.updates.message(stranger, text=WATER))
    texts = harness.tg_session.sent_texts(stranger.id)
    assert any(t(harness, "talk-register-first") in text for text in texts)
    # Language, then the contact (the onboarding of /start) ...
    await harness.send(harness.updates.callback(stranger, "lang:fa:1"))
    await harness.send(harness.updates.contact(stranger, PHONE, contact_user_id=stranger.id))
    assert t(harness, "talk-join-first") in harness.last_text()
    # ... then the neighbourhood, and the request goes on with the words written at first.
    await harness.send(harness.updates.message(stranger, text="دولت آباد"))
    assert harness.last_text() == t(harness, "join-pick")
    await harness.send(harness.updates.callback(stranger, "jn:1001"))
    assert "📝" in " ".join(reply_labels(harness))  # the resident's menu, with 📝
    assert t(harness, "talk-understood", text=excerpt(normalize_prose(WATER), 60)) in (
        harness.tg_session.sent_texts(stranger.id)
    )
    await finish(harness, stranger)
    [request] = await requests(harness)
    assert request.text == normalize_prose(WATER)


async def test_a_registered_person_who_has_not_joined_is_asked_for_the_neighbourhood(
    harness: Harness,
) -> None:
    await add_neighbourhood(harness.session_factory)
    person = resident(user_id=902)
    await onboard(harness, person, PHONE)
    await harness.send(harness.updates.message(person, text=WATER))
    assert t(harness, "talk-join-first") in harness.last_text()
    await harness.send(harness.updates.message(person, text="دولت آباد"))
    await harness.send(harness.updates.callback(person, "jn:1001"))
    await finish(harness, person)
    assert [r.text for r in await requests(harness)] == [normalize_prose(WATER)]


async def test_a_voice_note_is_kept_while_one_line_of_text_is_asked_for(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    voice = Voice(file_id="v1", file_unique_id="uv1", duration=7)
    await harness.send(harness.updates.message(citizen, voice=voice))
    assert harness.last_text() == t(harness, "request-attachment-needs-text")
    await harness.send(harness.updates.message(citizen, text="آب کوچه از دیروز قطع است"))
    await finish(harness, citizen)
    [request] = await requests(harness)
    assert request.photos == [{"platform": "telegram", "file_id": "v1", "kind": "voice"}]


async def test_a_greeting_gets_a_greeting_and_the_next_steps(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="سلام"))
    assert harness.last_text() == t(harness, "talk-hello")
    assert inline_data(harness) == ["nx:request", "nx:mine"]
    await harness.send(harness.updates.callback(citizen, "nx:request"))
    assert harness.last_text() == t(harness, "request-ask-text", min=10)
    assert await requests(harness) == []


async def test_an_unknown_command_gets_its_own_answer(harness: Harness) -> None:
    _, _, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/qwerty@mahalleyar_bot now"))
    assert harness.last_text() == t(harness, "error-unknown-command", command="/qwerty")


async def test_joining_ends_with_the_menu_and_the_next_steps(harness: Harness) -> None:
    await add_neighbourhood(harness.session_factory)
    person = resident(user_id=903)
    await onboard(harness, person, PHONE)
    await harness.send(harness.updates.message(person, text="/join دولت آباد"))
    await harness.send(harness.updates.callback(person, "jn:1001"))
    assert harness.last_text() == t(harness, "talk-what-next")
    assert inline_data(harness) == ["nx:request", "nx:mine"]
    assert t(harness, "join-done", name="دولت‌آباد") in harness.tg_session.sent_texts(person.id)
    assert "📝" in " ".join(reply_labels(harness))
