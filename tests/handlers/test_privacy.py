"""Issue 11, privacy through the real Dispatcher: a forged "follow" button, a stranger's /track,
and a group chat — none of them changes anything or shows anything that is not theirs."""

from __future__ import annotations

import itertools

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update, User
from sqlalchemy import select

from models import Account, CitizenRequest, Neighbourhood, NeighbourhoodKind, RequestEvent, RequestFollower
from services.jalali import format_datetime
from services.requests import format_tracking_code
from tests.handlers.conftest import Harness, count
from tests.handlers.harness import NOW
from tests.handlers.test_council import onboard
from tests.handlers.test_requests import (
    HEALTH_TEXT,
    outbox_to,
    setup_neighbourhood,
    submit,
    t,
)

# Far from the ids UpdateFactory hands out, so de-duplication never mistakes one for another.
_update_ids = itertools.count(900_000)

SECRET_TEXT = "همسایه طبقه بالا هر شب همسرش را کتک می زند و صدای گریه بچه ها می آید"
SECRET_LIKE = "همسایه طبقه بالا هر شب همسرش را کتک می زند و صدای گریه بچه ها میاد"
ELSEWHERE_TEXT = "لوله آب اصلی روستا ترکیده و سه روز است آب نداریم"


def person(user_id: int, name: str) -> User:
    return User(id=user_id, is_bot=False, first_name=name)


async def request_with(harness: Harness, text: str) -> CitizenRequest:
    async with harness.session_factory() as session:
        return (await session.scalars(select(CitizenRequest).where(CitizenRequest.text == text))).one()


async def followers_and_follow_events(harness: Harness) -> tuple[int, int]:
    async with harness.session_factory() as session:
        events = await session.scalars(select(RequestEvent.id).where(RequestEvent.kind == "followed"))
        return await count(harness.session_factory, RequestFollower), len(list(events))


async def test_a_forged_follow_changes_nothing_and_reveals_nothing(
    harness: Harness,
) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)  # the public health request the attacker will be offered
    # An anonymous security request in the same neighbourhood...
    writer = person(705, "Maryam")
    await onboard(harness, writer, "09124440006")
    await harness.send(harness.updates.message(writer, text="/start n_1001"))
    await harness.send(harness.updates.message(writer, text="/request"))
    await harness.send(harness.updates.message(writer, text=SECRET_TEXT))
    await harness.send(harness.updates.callback(writer, "rqc:security"))
    await harness.send(harness.updates.callback(writer, "rqn"))
    await harness.send(harness.updates.callback(writer, "rqp:1"))
    secret = await request_with(harness, SECRET_TEXT)
    assert secret.anonymous
    # ...and a request of another neighbourhood.
    async with harness.session_factory() as session, session.begin():
        county_id = await session.scalar(select(Neighbourhood.county_id))
        session.add(
            Neighbourhood(county_id=county_id, name="باقرآباد", code="2002", kind=NeighbourhoodKind.RURAL)
        )
    villager = person(706, "Reza")
    await onboard(harness, villager, "09124440007")
    await harness.send(harness.updates.message(villager, text="/start n_2002"))
    await submit(harness, villager, ELSEWHERE_TEXT, "services")
    elsewhere = await request_with(harness, ELSEWHERE_TEXT)
    assert elsewhere.neighbourhood_id != secret.neighbourhood_id

    attacker = person(707, "Ali")
    await onboard(harness, attacker, "09124440008")
    await harness.send(harness.updates.message(attacker, text="/start n_1001"))
    # Offered the public request (a real offer), the attacker presses forged buttons instead.
    await harness.send(harness.updates.message(attacker, text="/request"))
    await harness.send(
        harness.updates.message(attacker, text="درمانگاه محله ما پزشک نداره و بیمارها باید تا شهر برن")
    )
    await harness.send(harness.updates.callback(attacker, "rqc:health"))
    assert harness.last_text().startswith(t(harness, "request-similar-found", card="").split("\n")[0])
    seen_before = len(harness.tg_session.requests)
    for forged in (secret, elsewhere):
        for data in (f"rqd:1:{forged.id}", f"rqd:0:{forged.id}"):
            await harness.send(harness.updates.callback(attacker, data))
            answer = harness.tg_session.requests[-1]
            assert isinstance(answer, AnswerCallbackQuery) and answer.show_alert
            assert answer.text == t(harness, "request-form-closed")
    assert await followers_and_follow_events(harness) == (0, 0)
    # Outside the form the same buttons are stale too.
    await harness.send(harness.updates.message(attacker, text="/cancel"))
    await harness.send(harness.updates.callback(attacker, f"rqd:1:{secret.id}"))
    assert await followers_and_follow_events(harness) == (0, 0)
    # Nothing of them was shown, then or later.
    await harness.send(harness.updates.message(attacker, text="/my_requests"))
    assert harness.last_text() == t(harness, "request-my-empty")
    shown = "\n".join(harness.tg_session.sent_texts(attacker.id)[seen_before:])
    for text in (SECRET_TEXT, ELSEWHERE_TEXT, format_tracking_code(secret.code, "fa")):
        assert text not in shown

    # Writing almost the same words as the anonymous request does not get it offered either.
    await harness.send(harness.updates.message(attacker, text="/request"))
    await harness.send(harness.updates.message(attacker, text=SECRET_LIKE))
    await harness.send(harness.updates.callback(attacker, "rqc:security"))
    assert harness.last_text() == t(harness, "request-ask-extras", max=5)
    assert SECRET_TEXT not in "\n".join(harness.tg_session.sent_texts(attacker.id))


async def test_a_strangers_track_shows_status_and_dates_only_and_is_rate_limited(
    harness: Harness,
) -> None:
    _boss, head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    async with harness.session_factory() as session:
        request = (await session.scalars(select(CitizenRequest))).one()
    code = format_tracking_code(request.code, "fa")
    # A neighbour follows it and the committee's head acknowledges it: names in its history.
    follower = person(708, "Maryam")
    await onboard(harness, follower, "09124440009")
    await harness.send(harness.updates.message(follower, text="/start n_1001"))
    await harness.send(harness.updates.message(follower, text="/request"))
    await harness.send(harness.updates.message(follower, text=HEALTH_TEXT + " واقعا"))
    await harness.send(harness.updates.callback(follower, "rqc:health"))
    await harness.send(harness.updates.callback(follower, f"rqd:1:{request.id}"))
    assert await count(harness.session_factory, RequestFollower) == 1
    await harness.send(harness.updates.callback(head, f"rq:ack:{request.id}"), harness.bale)

    stranger = person(709, "Ali")
    await onboard(harness, stranger, "09124440010")
    await harness.send(harness.updates.message(stranger, text=f"/track {code}"))
    shown = harness.last_text()
    assert shown == t(
        harness,
        "request-track-public",
        code=code,
        status=t(harness, "request-status-acknowledged"),
        created=format_datetime(NOW, "fa"),
        updated=format_datetime(NOW, "fa"),
    )
    for private in (
        HEALTH_TEXT,
        "رئیس بهداشت",
        "Maryam",
        "Zahra",
        "دولت‌آباد",
        t(harness, "committee-health"),
    ):
        assert private not in shown

    # The author sees the whole history, with the handler's name but not the follower's.
    await harness.send(harness.updates.message(citizen, text=f"/track {code}"))
    own = harness.last_text()
    assert HEALTH_TEXT in own and "رئیس بهداشت" in own and "Maryam" not in own

    # Codes tried one after another: nine more, then every code gets the same polite refusal.
    for n in range(9):
        await harness.send(harness.updates.message(stranger, text=f"/track 55555555{n}"))
        assert harness.last_text() == t(harness, "request-track-unknown")
    too_many = t(harness, "request-track-too-many", minutes=60)
    await harness.send(harness.updates.message(stranger, text="/track 555555559"))
    assert harness.last_text() == too_many
    await harness.send(harness.updates.message(stranger, text=f"/track {code}"))
    assert harness.last_text() == too_many
    # The limit is the stranger's: the author still tracks their own request.
    await harness.send(harness.updates.message(citizen, text=f"/track {code}"))
    assert HEALTH_TEXT in harness.last_text()


def in_group(user: User, group: Chat, text: str, **fields: object) -> Update:
    update_id = next(_update_ids)
    message = Message(message_id=update_id, date=NOW, chat=group, from_user=user, text=text, **fields)
    return Update(update_id=update_id, message=message)


def button_in_group(user: User, group: Chat, data: str) -> Update:
    update_id = next(_update_ids)
    message = Message(
        message_id=update_id,
        date=NOW,
        chat=group,
        from_user=User(id=5001, is_bot=True, first_name="Mahalleyar"),
        text="…",
    )
    query = CallbackQuery(id=str(update_id), from_user=user, chat_instance="g", data=data, message=message)
    return Update(update_id=update_id, callback_query=query)


async def test_in_a_group_personal_commands_get_one_line_and_the_private_chat_stays(
    harness: Harness,
) -> None:
    _boss, head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    async with harness.session_factory() as session:
        request = (await session.scalars(select(CitizenRequest))).one()
    group = Chat(id=-1001234567, type="supergroup", title="گروه محله")
    one_line = t(harness, "private-chat-only", bot="@mahalleyar_bot")
    accounts = await count(harness.session_factory, Account)

    for text in (
        "/my_requests@mahalleyar_bot",
        "/request",
        f"/track {request.code}",
        "/start n_1001",
    ):
        before = len(harness.tg_session.requests)
        await harness.send(in_group(citizen, group, text))
        sent = [r for r in harness.tg_session.requests[before:] if isinstance(r, SendMessage)]
        assert [(r.chat_id, r.text) for r in sent] == [(group.id, one_line)], text
    assert "\n" not in one_line
    # Chatter, and a command to another bot: not a word.
    before = len(harness.tg_session.requests)
    await harness.send(in_group(citizen, group, "سلام همسایه‌ها، کسی درمانگاه رفته؟"))
    await harness.send(in_group(citizen, group, "/help@another_bot"))
    assert not [r for r in harness.tg_session.requests[before:] if isinstance(r, SendMessage)]
    # A button pressed in the group: the same line as an alert, and nothing done.
    await harness.send(button_in_group(citizen, group, f"rqf:y:{request.id}"))
    answer = harness.tg_session.requests[-1]
    assert isinstance(answer, AnswerCallbackQuery) and answer.text == one_line and answer.show_alert
    # Someone who never opened the bot gets no account from a group.
    await harness.send(in_group(person(710, "Stranger"), group, "/start"))
    assert await count(harness.session_factory, Account) == accounts

    # The resident's chat is still the private one, and their next notification goes there.
    async with harness.session_factory() as session:
        account = (await session.scalars(select(Account).where(Account.platform_user_id == citizen.id))).one()
    assert account.chat_id == citizen.id
    told_before = len(await outbox_to(harness, citizen.id))
    await harness.send(harness.updates.callback(head, f"rq:ack:{request.id}"), harness.bale)
    assert len(await outbox_to(harness, citizen.id)) == told_before + 1
    assert await outbox_to(harness, group.id) == []
    async with harness.session_factory() as session:
        assert (await session.get(CitizenRequest, request.id)).status.value == "acknowledged"  # type: ignore[union-attr]
