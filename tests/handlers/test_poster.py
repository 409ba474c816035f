"""/poster and the poster button under /invite through the real Dispatcher: the manager gets a PNG
photo whose QR code is the joining link of their messenger; nobody else gets one."""

from __future__ import annotations

import io

import zxingcpp
from aiogram.methods import SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, User
from PIL import Image

from services.poster import POSTER_SIZE
from tests.handlers.conftest import Harness, neighbourhood_id, resident
from tests.handlers.harness import RecordingSession
from tests.handlers.test_council import MANAGER_PHONE, appoint_manager, manager, onboard

TELEGRAM_LINK = "https://t.me/mahalleyar_bot?start=n_1001"


def photos(session: RecordingSession) -> list[SendPhoto]:
    return [r for r in session.requests if isinstance(r, SendPhoto)]


def read_poster(request: SendPhoto) -> tuple[Image.Image, list[str]]:
    assert isinstance(request.photo, BufferedInputFile)
    image = Image.open(io.BytesIO(request.photo.data))
    return image, [result.text for result in zxingcpp.read_barcodes(image)]


async def test_the_manager_gets_a_poster_of_the_joining_link(harness: Harness) -> None:
    user = await manager(harness)
    await harness.send(harness.updates.message(user, text="/poster"))
    [request] = photos(harness.tg_session)
    assert request.chat_id == user.id
    image, codes = read_poster(request)
    assert image.format == "PNG" and image.size == POSTER_SIZE
    assert codes == [TELEGRAM_LINK]
    assert request.caption == harness.translator.get(
        "fa", "poster-caption", name="دولت‌آباد", link=TELEGRAM_LINK
    )


async def test_the_invite_message_offers_the_poster_button(harness: Harness) -> None:
    user = await manager(harness)
    nid = await neighbourhood_id(harness)
    await harness.send(harness.updates.message(user, text="/invite"))
    invite = harness.tg_session.requests[-1]
    markup = invite.reply_markup  # type: ignore[attr-defined]
    assert isinstance(markup, InlineKeyboardMarkup)
    assert [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row] == [
        (harness.translator.get("fa", "poster-button"), f"poster:{nid}")
    ]
    await harness.send(harness.updates.callback(user, f"poster:{nid}"))
    [request] = photos(harness.tg_session)
    assert read_poster(request)[1] == [TELEGRAM_LINK]


async def test_on_bale_the_poster_links_to_bale(harness: Harness) -> None:
    await appoint_manager(harness)
    user = resident(user_id=510)
    for update in (
        harness.updates.message(user, text="/start"),
        harness.updates.callback(user, "lang:en:1"),
        harness.updates.contact(user, MANAGER_PHONE, contact_user_id=user.id),
        harness.updates.message(user, text="/poster"),
    ):
        await harness.send(update, bot=harness.bale)
    [request] = photos(harness.bale_session)
    link = "https://ble.ir/mahalleyar_bot?start=n_1001"
    assert read_poster(request)[1] == [link]
    # The caption speaks the manager's language; the poster itself is for the neighbourhood.
    assert request.caption == harness.translator.get("en", "poster-caption", name="دولت‌آباد", link=link)
    assert photos(harness.tg_session) == []


async def test_nobody_but_the_manager_gets_a_poster(harness: Harness) -> None:
    await manager(harness)
    nid = await neighbourhood_id(harness)
    neighbour: User = resident(user_id=620)
    await onboard(harness, neighbour, "09125550002")
    await harness.send(harness.updates.message(neighbour, text="/start n_1001"))
    await harness.send(harness.updates.message(neighbour, text="/poster"))
    assert harness.last_text() == harness.translator.get("fa", "poster-not-manager")
    # A forged button press (a resident of the neighbourhood) is refused by the service too.
    await harness.send(harness.updates.callback(neighbour, f"poster:{nid}"))
    assert harness.last_text() == harness.translator.get("fa", "poster-not-manager")
    await harness.send(harness.updates.callback(neighbour, "poster:999999"))
    assert harness.last_text() == harness.translator.get("fa", "poster-not-manager")
    assert photos(harness.tg_session) == []
