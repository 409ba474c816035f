"""The inbox through the real Dispatcher: each request listed with an excerpt of its text, its age
and its committee; after a status change the request's card is edited in place, showing the new
status with only the buttons that still apply."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select, update

from models import CitizenRequest, CommitteeKey, RequestStatus
from services.persian import excerpt, isolate_ltr
from services.requests import format_tracking_code
from tests.handlers.conftest import Harness, fa
from tests.handlers.harness import NOW, RecordingSession
from tests.handlers.test_requests import HEALTH_TEXT, only_request, setup_neighbourhood, submit

SERVICES_TEXT = "آسفالت کوچهٔ ما از پارسال خراب شده و پر از چاله است و ماشین‌ها آسیب می‌بینند"


def callbacks(markup: InlineKeyboardMarkup | None) -> list[str]:
    return [b.callback_data or "" for row in (markup.inline_keyboard if markup else []) for b in row]


def last_sent(session: RecordingSession) -> str:
    """The text of the last message sent (edits left out)."""
    return next(r.text for r in reversed(session.requests) if isinstance(r, SendMessage))


def last_card_edit(harness: Harness, card: int) -> EditMessageText:
    session = harness.bale_session
    return next(
        r for r in reversed(session.requests) if isinstance(r, EditMessageText) and r.message_id == card
    )


async def test_the_list_shows_an_excerpt_the_age_and_the_committee(harness: Harness) -> None:
    boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    await submit(harness, citizen, SERVICES_TEXT, "services")
    async with harness.session_factory() as session, session.begin():
        for committee, ago in (
            (CommitteeKey.HEALTH, timedelta(hours=3)),
            (CommitteeKey.SERVICES, timedelta(days=2)),
        ):
            await session.execute(
                update(CitizenRequest)
                .where(CitizenRequest.committee == committee)
                .values(created_at=NOW - ago - timedelta(minutes=10))
            )
        # As shown in a Persian line: isolated, so its groups keep their order (services.persian).
        codes = {
            r.committee: isolate_ltr(format_tracking_code(r.code, "fa"))
            for r in await session.scalars(select(CitizenRequest))
        }
    await harness.send(harness.updates.message(boss, text="/inbox"))
    listing = harness.last_text()
    assert listing.startswith(fa(harness, "inbox-title", count=2))
    # Oldest first: the services request (two days), then the health one (three hours).
    lines = listing.split("\n")
    services = next(i for i, line in enumerate(lines) if codes[CommitteeKey.SERVICES] in line)
    health = next(i for i, line in enumerate(lines) if codes[CommitteeKey.HEALTH] in line)
    assert services < health
    assert lines[services] == f"• {codes[CommitteeKey.SERVICES]} — عمران و خدمات محلی — ۲ روز پیش"
    assert lines[health] == f"• {codes[CommitteeKey.HEALTH]} — بهداشت و درمان — ۳ ساعت پیش"
    # One line of the text, cut at a word with «…», and the status.
    assert lines[health + 1] == f"«{excerpt(HEALTH_TEXT)}» — {fa(harness, 'request-status-new')}"
    assert excerpt(HEALTH_TEXT) == "درمانگاه محله ما پزشک ندارد و بیماران…"
    assert lines[services + 1].startswith("«آسفالت کوچهٔ ما از پارسال خراب شده و…»")
    # In English too.
    await harness.send(harness.updates.callback(boss, "lang:en:0"))
    await harness.send(harness.updates.message(boss, text="/inbox"))
    assert " — Civil works & local services — 2 d ago" in harness.last_text()
    assert " — Health & treatment — 3 h ago" in harness.last_text()


async def test_the_card_is_updated_and_spent_buttons_go(harness: Harness) -> None:
    _boss, head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    code = format_tracking_code(request.code, "fa")
    card = 55  # the notification with the buttons, as the head sees it on Bale
    sent_before = len([r for r in harness.bale_session.requests if isinstance(r, SendMessage)])

    # Seen: the card says so, and «seen» is no longer offered; the rest still is.
    await harness.send(harness.updates.callback(head, f"rq:ack:{request.id}", message_id=card), harness.bale)
    edit = last_card_edit(harness, card)
    status = fa(harness, "request-card-status", status=fa(harness, "request-status-acknowledged"))
    assert edit.text is not None and status in edit.text and HEALTH_TEXT in edit.text
    assert edit.text.startswith(
        fa(harness, "inbox-updated", code=code, status=fa(harness, "request-status-acknowledged"))
    )
    assert isinstance(edit.reply_markup, InlineKeyboardMarkup)
    assert callbacks(edit.reply_markup) == [
        f"rq:start:{request.id}",
        f"rq:resolve:{request.id}",
        f"rq:reject:{request.id}",
        f"rq:route:{request.id}",
        f"rq:calm:{request.id}" if request.is_emergency else f"rq:alarm:{request.id}",
    ]
    # No new message up or down the chat: the card itself changed.
    assert len([r for r in harness.bale_session.requests if isinstance(r, SendMessage)]) == sent_before

    # In progress: «in progress» goes too.
    await harness.send(
        harness.updates.callback(head, f"rq:start:{request.id}", message_id=card), harness.bale
    )
    edit = last_card_edit(harness, card)
    assert fa(harness, "request-status-in_progress") in (edit.text or "")
    assert f"rq:start:{request.id}" not in callbacks(edit.reply_markup)  # type: ignore[arg-type]
    assert f"rq:resolve:{request.id}" in callbacks(edit.reply_markup)  # type: ignore[arg-type]

    # Resolved with a note typed below: the answer comes at the bottom, the card loses every button.
    await harness.send(
        harness.updates.callback(head, f"rq:resolve:{request.id}", message_id=card), harness.bale
    )
    await harness.send(harness.updates.message(head, text="پزشک جدید از شنبه در درمانگاه هست"), harness.bale)
    resolved = fa(harness, "request-status-resolved")
    assert last_sent(harness.bale_session) == fa(harness, "inbox-updated", code=code, status=resolved)
    edit = last_card_edit(harness, card)
    assert fa(harness, "request-card-status", status=resolved) in (edit.text or "")
    assert edit.reply_markup is None
    assert (await only_request(harness)).status is RequestStatus.RESOLVED


async def test_a_card_opened_from_the_list_offers_only_what_applies(harness: Harness) -> None:
    _boss, head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    await harness.send(harness.updates.callback(head, f"rq:start:{request.id}", message_id=56), harness.bale)
    await harness.send(harness.updates.callback(head, f"rqo:{request.id}"), harness.bale)
    opened = harness.bale_session.requests[-1]
    assert isinstance(opened, SendMessage)
    offered = callbacks(opened.reply_markup)  # type: ignore[arg-type]
    assert f"rq:ack:{request.id}" not in offered and f"rq:start:{request.id}" not in offered
    assert f"rq:resolve:{request.id}" in offered and f"rq:route:{request.id}" in offered


async def test_rerouted_the_card_shows_the_new_committee_without_buttons(harness: Harness) -> None:
    boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen, SERVICES_TEXT, "health")
    request = await only_request(harness)
    card = 66
    await harness.send(harness.updates.callback(boss, f"rq:route:{request.id}", message_id=card))
    question = harness.tg_session.requests[-1]
    assert isinstance(question, SendMessage)
    assert f"rqx:services:{request.id}:{card}" in callbacks(question.reply_markup)  # type: ignore[arg-type]
    await harness.send(harness.updates.callback(boss, f"rqx:services:{request.id}:{card}", message_id=67))
    # The question loses its buttons; the answer is at the bottom; the card up the chat is updated.
    dropped = [r for r in harness.tg_session.requests if isinstance(r, EditMessageReplyMarkup)]
    assert dropped[-1].message_id == 67 and dropped[-1].reply_markup is None
    rerouted = fa(
        harness,
        "inbox-rerouted",
        code=format_tracking_code(request.code, "fa"),
        committee=fa(harness, "committee-services"),
    )
    assert last_sent(harness.tg_session) == rerouted
    edit = next(
        r
        for r in reversed(harness.tg_session.requests)
        if isinstance(r, EditMessageText) and r.message_id == card
    )
    assert edit.text is not None and edit.text.startswith(rerouted) and edit.reply_markup is None
    assert fa(harness, "committee-services") in edit.text.split("\n\n")[1].split("\n")[0]
