"""Requests through the real Dispatcher: the resident's form, the committee's buttons, closing the
loop, emergencies, duplicates, tracking, and bad input at every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.types import Location, PhotoSize, Sticker, User
from sqlalchemy import select

from models import (
    CitizenRequest,
    CommitteeKey,
    CrisisPeriod,
    OutboxMessage,
    Person,
    RequestFollower,
    RequestStatus,
    RoutingCorrection,
)
from services.persian import LRI, PDI
from services.requests import format_tracking_code, reversed_tracking_code
from tests.handlers.conftest import Harness, count, resident, seat_member
from tests.handlers.conftest import fa as t
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard

HEAD_PHONE = "09121110001"
RESIDENT_PHONE = "09124440001"
HEALTH_TEXT = "درمانگاه محله ما پزشک ندارد و بیماران برای ویزیت باید تا شهر بروند"


async def setup_neighbourhood(harness: Harness) -> tuple[User, User, User]:
    """A manager, a health committee head (on Bale) and a resident who joined by deep link."""
    boss = await manager(harness)
    await seat_member(
        harness.session_factory,
        HEAD_PHONE,
        "رئیس بهداشت",
        committees=[CommitteeKey.HEALTH],
        head_of=CommitteeKey.HEALTH,
    )
    head = resident(user_id=600)
    await harness.send(harness.updates.message(head, text="/start"), harness.bale)
    await harness.send(harness.updates.callback(head, "lang:fa:1"), harness.bale)
    await harness.send(harness.updates.contact(head, HEAD_PHONE, contact_user_id=head.id), harness.bale)
    citizen = resident(user_id=700)
    await onboard(harness, citizen, RESIDENT_PHONE)
    await harness.send(harness.updates.message(citizen, text="/start n_1001"))
    return boss, head, citizen


async def outbox_to(harness: Harness, chat_id: int) -> list[OutboxMessage]:
    async with harness.session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
            )
        )


async def only_request(harness: Harness) -> CitizenRequest:
    async with harness.session_factory() as session:
        return (await session.scalars(select(CitizenRequest))).one()


async def submit(harness: Harness, citizen: User, text: str = HEALTH_TEXT, committee: str = "health") -> None:
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=text))
    await harness.send(harness.updates.callback(citizen, f"rqc:{committee}"))
    await harness.send(harness.updates.callback(citizen, "rqn"))
    await harness.send(harness.updates.callback(citizen, "rqp:0"))


def photo(file_id: str) -> list[PhotoSize]:
    return [PhotoSize(file_id=file_id, file_unique_id=f"u{file_id}", width=800, height=600)]


async def test_a_request_from_text_to_resolved_and_reopened(harness: Harness) -> None:
    boss, head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    assert harness.last_text() == t(harness, "request-ask-text", min=10)
    await harness.send(harness.updates.message(citizen, text=HEALTH_TEXT))
    # A clear health request: the bot proposes the health committee and the resident accepts.
    assert harness.last_text() == t(
        harness, "request-propose-committee", committee=t(harness, "committee-health")
    )
    await harness.send(harness.updates.callback(citizen, "rqc:ok"))
    assert harness.last_text() == t(harness, "request-ask-extras", max=5)
    await harness.send(harness.updates.message(citizen, photo=photo("p1")))
    assert harness.last_text() == t(harness, "request-photo-added", count=1)
    await harness.send(harness.updates.message(citizen, location=Location(latitude=35.6, longitude=51.4)))
    assert harness.last_text() == t(harness, "request-location-added")
    await harness.send(harness.updates.callback(citizen, "rqn"))
    assert harness.last_text() == t(harness, "request-ask-privacy")
    await harness.send(harness.updates.callback(citizen, "rqp:1"))

    request = await only_request(harness)
    code = format_tracking_code(request.code, "fa")
    # The resident is told who has it: the health committee's head, who can be reached now.
    holder = t(harness, "reach-holder", level=t(harness, "reach-level-committee_head"), names="رئیس بهداشت")
    assert harness.last_text() == (
        t(harness, "request-submitted", code=code, committee=t(harness, "committee-health"))
        + "\n"
        + t(harness, "request-held-now", who=holder)
    )
    assert request.committee is CommitteeKey.HEALTH and request.suggested_committee is CommitteeKey.HEALTH
    assert request.anonymous and request.photos == [{"platform": "telegram", "file_id": "p1"}]
    assert (request.latitude, request.longitude) == (35.6, 51.4)
    assert len(request.code) == 9 and request.code.isdigit()

    # The head (on Bale) is notified with the resident's contact and the buttons.
    notice = (await outbox_to(harness, head.id))[-1]
    assert notice.platform.value == "bale"
    assert t(harness, "request-notice-new", code=code) in notice.text
    assert "۰۹۱۲۴۴۴۰۰۰۱" in notice.text and HEALTH_TEXT in notice.text
    assert notice.reply_markup is not None
    buttons = [b["callback_data"] for row in notice.reply_markup["inline_keyboard"] for b in row]
    assert f"rq:ack:{request.id}" in buttons and f"rq:route:{request.id}" in buttons

    # The head acknowledges; the resident is told.
    await harness.send(harness.updates.callback(head, f"rq:ack:{request.id}"), harness.bale)
    told = (await outbox_to(harness, citizen.id))[-1].text
    assert told == t(
        harness, "request-told-acknowledged", code=code, committee=t(harness, "committee-health")
    )

    # Resolving asks for a note; a sticker is not a note; the note reaches the resident with buttons.
    await harness.send(harness.updates.callback(head, f"rq:resolve:{request.id}"), harness.bale)
    assert harness.last_text(harness.bale_session) == t(harness, "inbox-ask-resolve-note", code=code)
    sticker = Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
    )
    await harness.send(harness.updates.message(head, sticker=sticker), harness.bale)
    assert harness.last_text(harness.bale_session) == t(harness, "inbox-note-expected")
    await harness.send(harness.updates.message(head, text="پزشک جدید از شنبه در درمانگاه هست"), harness.bale)
    resolved = (await outbox_to(harness, citizen.id))[-1]
    assert "پزشک جدید از شنبه" in resolved.text
    assert resolved.reply_markup is not None
    assert [b["callback_data"] for b in resolved.reply_markup["inline_keyboard"][0]] == [
        f"rqf:y:{request.id}",
        f"rqf:n:{request.id}",
    ]

    # "Not fixed": reopened and escalated to the manager.
    await harness.send(harness.updates.callback(citizen, f"rqf:n:{request.id}"))
    assert harness.last_text() == t(harness, "request-reopened", code=code)
    assert (await only_request(harness)).status is RequestStatus.REOPENED
    escalation = (await outbox_to(harness, boss.id))[-1].text
    assert t(harness, "request-notice-not-fixed", code=code) in escalation

    # /track shows the whole history, Persian digits in the code accepted.
    await harness.send(harness.updates.message(citizen, text=f"/track {code}"))
    history = harness.last_text()
    for kind in ("submitted", "acknowledged", "resolved", "not_fixed"):
        assert t(harness, f"request-event-{kind}") in history


async def test_fixed_closes_and_asks_for_a_rating(harness: Harness) -> None:
    _boss, head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    await harness.send(harness.updates.callback(head, f"rq:resolve:{request.id}"), harness.bale)
    await harness.send(harness.updates.message(head, text="انجام شد و پزشک آمد"), harness.bale)
    await harness.send(harness.updates.callback(citizen, f"rqf:y:{request.id}"))
    assert (await only_request(harness)).status is RequestStatus.CLOSED
    await harness.send(harness.updates.callback(citizen, f"rqr:4:{request.id}"))
    assert (await only_request(harness)).rating == 4
    assert harness.last_text() == t(harness, "request-rated", rating=4)
    # Pressing "not fixed" on the old message later changes nothing.
    await harness.send(harness.updates.callback(citizen, f"rqf:n:{request.id}"))
    assert (await only_request(harness)).status is RequestStatus.CLOSED


async def test_bad_input_at_each_step_is_answered_and_nothing_is_saved(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    sticker = Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
    )
    await harness.send(harness.updates.message(citizen, sticker=sticker))
    assert harness.last_text() == t(harness, "request-text-expected")
    await harness.send(harness.updates.message(citizen, text="خراب"))
    assert harness.last_text() == t(harness, "request-text-too-short", min=10)
    await harness.send(harness.updates.message(citizen, text="ا" * 5000))
    assert harness.last_text() == t(harness, "request-text-too-long", length=5000, max=2000)
    await harness.send(harness.updates.message(citizen, photo=photo("p2")))
    assert harness.last_text() == t(harness, "request-attachment-needs-text")
    await harness.send(harness.updates.message(citizen, text=HEALTH_TEXT))
    await harness.send(harness.updates.message(citizen, text="بهداشت"))  # typed where a button is asked
    assert harness.last_text().startswith(t(harness, "request-button-expected") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(citizen, "rqc:health"))
    await harness.send(harness.updates.message(citizen, text="یک متن دیگر"))
    assert harness.last_text().startswith(t(harness, "request-extras-expected") + "\n\n")  # asked again below
    await harness.send(harness.updates.message(citizen, text="/cancel"))
    assert await count(harness.session_factory, CitizenRequest) == 0
    # A button of the cancelled form does nothing.
    await harness.send(harness.updates.callback(citizen, "rqp:0"))
    assert await count(harness.session_factory, CitizenRequest) == 0


async def test_a_resident_without_a_neighbourhood_is_sent_to_join(harness: Harness) -> None:
    citizen = resident(user_id=701)
    await onboard(harness, citizen, "09124440002")
    await harness.send(harness.updates.message(citizen, text="/request"))
    assert harness.last_text() == t(harness, "request-need-join")


async def test_the_daily_limit_has_a_clear_message(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    texts = [
        "چراغ برق کوچه سوم خاموش است و شب ها تاریک است",
        "کلاس قرآن برای بچه ها در مسجد محله برگزار شود",
        "وام اشتغال برای جوانان بیکار محله لازم است",
        "زباله ها سه روز است جمع نشده و بو می دهد",
        "موتورسوارها شب ها در کوچه با سرعت رد می شوند",
    ]
    for text, committee in zip(
        texts, ["services", "culture", "livelihood", "environment", "security"], strict=True
    ):
        await submit(harness, citizen, text, committee)
    assert await count(harness.session_factory, CitizenRequest) == 5
    await harness.send(harness.updates.message(citizen, text="/request"))
    assert harness.last_text().startswith(t(harness, "request-daily-limit", limit=5))
    assert "125" in harness.last_text()  # the emergency numbers come with it


async def test_an_emergency_gets_the_numbers_at_once_and_reaches_the_manager(harness: Harness) -> None:
    boss, head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text="بوی گاز شدید تو راه پله ساختمان ما میاد"))
    texts = harness.tg_session.sent_texts(citizen.id)
    assert texts[-2].startswith(t(harness, "request-emergency")) and "194" in texts[-2] and "125" in texts[-2]
    request = await only_request(harness)
    assert request.is_emergency and request.urgent and request.committee is CommitteeKey.CRISIS
    sent, held = texts[-1].split("\n")
    assert sent == t(harness, "request-emergency-sent-manager", code=format_tracking_code(request.code, "fa"))
    assert held.startswith("👤") and t(harness, "reach-level-manager") in held
    # Crisis mode is off: the manager gets it marked urgent, not the (health) head.
    assert (
        t(harness, "request-notice-emergency", code=format_tracking_code(request.code, "fa"))
        in (await outbox_to(harness, boss.id))[-1].text
    )
    assert await outbox_to(harness, head.id) == []


# Over, said later in the message: the rules hold the gas smell back, so it is not sent as an
# emergency; a danger is in the words, so the resident is asked whether it is happening now.
OVER_GAS = "بوی گاز از کنتور میومد ولی اداره گاز اومد درستش کرد، کنتور رو هم عوض کنید"


async def test_a_danger_the_router_held_back_is_one_tap_from_an_emergency(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=OVER_GAS))
    texts = harness.tg_session.sent_texts(citizen.id)
    question = next(text for text in texts if text.startswith(t(harness, "request-danger-now-question")))
    assert "125" in question  # the numbers come with the question
    assert await count(harness.session_factory, CitizenRequest) == 0
    await harness.send(harness.updates.callback(citizen, "rqc:danger"))
    request = await only_request(harness)
    assert request.is_emergency and request.committee is CommitteeKey.CRISIS


async def test_the_danger_button_is_honoured_only_where_it_was_offered(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=HEALTH_TEXT))
    assert not any(
        text.startswith(t(harness, "request-danger-now-question"))
        for text in harness.tg_session.sent_texts(citizen.id)
    )
    await harness.send(harness.updates.callback(citizen, "rqc:danger"))  # forged
    assert await count(harness.session_factory, CitizenRequest) == 0
    # The form goes on as if nothing had been pressed.
    await harness.send(harness.updates.callback(citizen, "rqc:health"))
    await harness.send(harness.updates.callback(citizen, "rqn"))
    await harness.send(harness.updates.callback(citizen, "rqp:0"))
    request = await only_request(harness)
    assert not request.is_emergency and request.committee is CommitteeKey.HEALTH


async def test_in_crisis_mode_an_emergency_goes_to_the_crisis_committee(harness: Harness) -> None:
    boss, _head, citizen = await setup_neighbourhood(harness)
    await seat_member(
        harness.session_factory,
        "09121110009",
        "رئیس بحران",
        committees=[CommitteeKey.CRISIS],
        head_of=CommitteeKey.CRISIS,
    )
    async with harness.session_factory() as session:
        session.add(CrisisPeriod(neighbourhood_id=1, description="سیل", started_at=NOW - timedelta(hours=1)))
        await session.commit()
    crisis_head = resident(user_id=650)
    await onboard(harness, crisis_head, "09121110009")
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text="آب تو خونه ها اومده سیل اومده کمک"))
    request = await only_request(harness)
    assert harness.last_text() == (
        t(harness, "request-emergency-sent-crisis", code=format_tracking_code(request.code, "fa"))
        + "\n"
        + t(
            harness,
            "request-held-now",
            who=t(
                harness, "reach-holder", level=t(harness, "reach-level-committee_head"), names="رئیس بحران"
            ),
        )
    )
    assert len(await outbox_to(harness, crisis_head.id)) == 1
    assert all("🚨" not in m.text for m in await outbox_to(harness, boss.id))


async def test_a_similar_open_request_is_offered_to_follow(harness: Harness) -> None:
    _boss, head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    neighbour = resident(user_id=702)
    await onboard(harness, neighbour, "09124440003")
    await harness.send(harness.updates.message(neighbour, text="/start n_1001"))
    await harness.send(harness.updates.message(neighbour, text="/request"))
    await harness.send(
        harness.updates.message(neighbour, text="درمانگاه محله ما پزشک نداره و بیمارها باید تا شهر برن")
    )
    await harness.send(harness.updates.callback(neighbour, "rqc:health"))
    request = await only_request(harness)
    assert harness.last_text().startswith(t(harness, "request-similar-found", card="").split("\n")[0])
    await harness.send(harness.updates.callback(neighbour, f"rqd:1:{request.id}"))
    assert harness.last_text() == t(
        harness, "request-following", code=format_tracking_code(request.code, "fa")
    )
    assert await count(harness.session_factory, CitizenRequest) == 1
    assert await count(harness.session_factory, RequestFollower) == 1
    # The follower is told of the next changes too, but only the author is asked "fixed?".
    await harness.send(harness.updates.callback(head, f"rq:start:{request.id}"), harness.bale)
    assert (await outbox_to(harness, neighbour.id))[-1].text.startswith("🛠")
    await harness.send(harness.updates.callback(head, f"rq:resolve:{request.id}"), harness.bale)
    await harness.send(harness.updates.message(head, text="پزشک آمد"), harness.bale)
    followed = (await outbox_to(harness, neighbour.id))[-1]
    code = format_tracking_code(request.code, "fa")
    committee = t(harness, "committee-health")
    assert followed.text == t(
        harness, "request-told-resolved-follower", code=code, committee=committee, note="پزشک آمد"
    )
    assert followed.reply_markup is None
    assert (await outbox_to(harness, citizen.id))[-1].reply_markup is not None


async def test_mine_is_different_goes_on_with_a_new_request(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    first = await only_request(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=HEALTH_TEXT + " هنوز"))
    await harness.send(harness.updates.callback(citizen, "rqc:health"))
    await harness.send(harness.updates.callback(citizen, f"rqd:0:{first.id}"))
    assert harness.last_text() == t(harness, "request-ask-extras", max=5)
    await harness.send(harness.updates.callback(citizen, "rqn"))
    await harness.send(harness.updates.callback(citizen, "rqp:0"))
    assert await count(harness.session_factory, CitizenRequest) == 2


async def test_the_manager_reroutes_and_the_correction_is_kept(harness: Harness) -> None:
    boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen, "آسفالت کوچه ما خراب شده و پر از چاله است", "health")
    request = await only_request(harness)
    await harness.send(harness.updates.message(boss, text="/inbox"))
    assert format_tracking_code(request.code, "fa") in harness.last_text()
    await harness.send(harness.updates.callback(boss, f"rq:route:{request.id}"))
    await harness.send(harness.updates.callback(boss, f"rqx:services:{request.id}:0"))
    request = await only_request(harness)
    assert request.committee is CommitteeKey.SERVICES and request.sla_round == 1
    async with harness.session_factory() as session:
        correction = (await session.scalars(select(RoutingCorrection))).one()
    assert correction.committee is CommitteeKey.SERVICES and "آسفالت" in correction.text
    told = (await outbox_to(harness, citizen.id))[-1].text
    assert told == t(
        harness,
        "request-told-rerouted",
        code=format_tracking_code(request.code, "fa"),
        committee=t(harness, "committee-services"),
    )


@pytest.mark.parametrize(
    "data", ["rq:ack:{id}", "rq:resolve:{id}", "rq:route:{id}", "rqx:services:{id}:0", "rqo:{id}"]
)
async def test_a_resident_cannot_handle_requests(harness: Harness, data: str) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    other = resident(user_id=703)
    await onboard(harness, other, "09124440004")
    await harness.send(harness.updates.message(other, text="/start n_1001"))
    before = len(await outbox_to(harness, citizen.id))
    await harness.send(harness.updates.callback(other, data.format(id=request.id)))
    after = await only_request(harness)
    assert after.status is RequestStatus.NEW and after.committee is CommitteeKey.HEALTH
    assert len(await outbox_to(harness, citizen.id)) == before
    # Nor can the resident who wrote it.
    await harness.send(harness.updates.callback(citizen, data.format(id=request.id)))
    assert (await only_request(harness)).status is RequestStatus.NEW


async def test_track_hides_the_text_from_strangers_and_rejects_bad_codes(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    stranger = resident(user_id=704)
    await onboard(harness, stranger, "09124440005")
    await harness.send(harness.updates.message(stranger, text=f"/track {request.code}"))
    shown = harness.last_text()
    assert t(harness, "request-status-new") in shown
    assert HEALTH_TEXT not in shown and "۰۹۱۲۴۴۴۰۰۰۱" not in shown and RESIDENT_PHONE not in shown
    await harness.send(harness.updates.message(stranger, text="/track 12345"))
    assert harness.last_text() == t(harness, "request-track-unknown")
    await harness.send(harness.updates.message(stranger, text="/track"))
    assert harness.last_text() == t(harness, "request-track-ask")
    await harness.send(harness.updates.message(stranger, text="۱۱۱-۱۱۱-۱۱۱"))
    assert harness.last_text() == t(harness, "request-track-unknown")


async def test_track_reads_a_code_as_copied_from_a_message_or_as_a_persian_line_showed_it(
    harness: Harness,
) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    # The code is shown isolated, so it reads in its own order; copied with its marks, it still works.
    submitted = next(text for text in reversed(harness.tg_session.sent_texts()) if LRI in text)
    copied = submitted[submitted.index(LRI) : submitted.index(PDI) + 1]
    assert copied == f"{LRI}{format_tracking_code(request.code, 'fa')}{PDI}"
    await harness.send(harness.updates.message(citizen, text=f"/track {copied}"))
    assert HEALTH_TEXT in harness.last_text()
    # Typed in the order an older message may have displayed it: the groups reversed.
    seen = format_tracking_code(reversed_tracking_code(request.code), "fa").replace("-", " ")
    await harness.send(harness.updates.message(citizen, text=f"/track {seen}"))
    assert HEALTH_TEXT in harness.last_text()
    # Buttons carry the bare code: no invisible marks in callback data.
    await harness.send(harness.updates.message(citizen, text=t(harness, "menu-my-requests")))
    listing = harness.tg_session.requests[-1]
    buttons = [b.callback_data for row in listing.reply_markup.inline_keyboard for b in row]  # type: ignore[attr-defined]
    assert buttons and all(LRI not in data and PDI not in data for data in buttons)
    assert any(request.code in data for data in buttons)


async def test_my_requests_lists_own_and_followed(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/my_requests"))
    assert harness.last_text() == t(harness, "request-my-empty")
    await submit(harness, citizen)
    request = await only_request(harness)
    await harness.send(harness.updates.message(citizen, text=t(harness, "menu-my-requests")))
    assert format_tracking_code(request.code, "fa") in harness.last_text()
    async with harness.session_factory() as session:
        person = (await session.scalars(select(Person).where(Person.phone == "+989124440001"))).one()
    assert person.id == request.person_id
