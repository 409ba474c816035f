"""Issue 12 through the real Dispatcher: emergencies recognised by meaning, two committees offered
when the router is torn, urgent outages, and a handler's «not an emergency» / «it is an emergency»."""

from __future__ import annotations

from typing import Any

from aiogram.methods import SendMessage
from sqlalchemy import select

from models import CommitteeKey, RequestEvent, RoutingCorrection
from services.requests import format_tracking_code
from services.requests.routing_model import RoutingModel
from tests.handlers.conftest import Harness
from tests.handlers.test_requests import only_request, outbox_to, setup_neighbourhood, submit, t

GAS = "بوی شدید گاز در کل کوچه پیچیده"
# Requests on the edge of two committees (litter and addicts, food and medicine, a dark alley and
# thieves): the test takes the first the shipped model is torn on, since which one is torn moves
# as the training data grows.
TORN_CANDIDATES = (
    "معتادها تو پارک جمع میشن و همه جا آشغال و سرنگ ریختن",
    "معتادا شبا تو پارک جمع میشن آشغال و سرنگ همه جا ریخته",
    "چند تا معتاد تو زمین خالی آشغال جمع کردن و آتیش میزنن",
    "تو پارک معتادها جمع میشن و سرنگ و زباله ریختن",
    "پیرمرد تنها تو کوچه ما نه غذا داره نه دارو",
    "پیرزن تنهای کوچه ما پول دارو و غذا نداره",
    "کوچه تاریکه چراغا سوخته شبا دزد میاد",
    "پارک محله شبا تاریکه و معتادا اونجا جمع میشن",
)
OUTAGE = "برق کل محله از دیروز در این سرما قطع است و سالمندان خیلی اذیت میشن"


def callbacks(markup: Any) -> list[str]:
    rows = markup["inline_keyboard"] if isinstance(markup, dict) else markup.inline_keyboard
    return [b["callback_data"] if isinstance(b, dict) else b.callback_data for row in rows for b in row]


async def test_a_strong_gas_smell_is_an_emergency(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=GAS))
    assert harness.tg_session.sent_texts(citizen.id)[-2].startswith(t(harness, "request-emergency"))
    request = await only_request(harness)
    assert request.is_emergency and request.urgent and request.committee is CommitteeKey.CRISIS


async def test_a_torn_router_offers_both_committees_most_likely_first(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(citizen, text="/request"))
    # The shipped model's own order (it moves as the training data grows).
    model = RoutingModel()
    torn_texts = [text for text in TORN_CANDIDATES if len(model.guess(text).choices) == 2]
    assert torn_texts, "add a text on the edge of two committees that the model is torn on"
    text = torn_texts[0]
    first, second = model.guess(text).choices
    await harness.send(harness.updates.message(citizen, text=text))
    sent = [r for r in harness.tg_session.requests if isinstance(r, SendMessage)][-1]
    assert sent.text == t(
        harness,
        "request-propose-two-committees",
        first=t(harness, f"committee-{first}"),
        second=t(harness, f"committee-{second}"),
    )
    assert callbacks(sent.reply_markup) == [f"rqc:{first}", f"rqc:{second}", "rqc:other"]
    await harness.send(harness.updates.callback(citizen, f"rqc:{second}"))  # the less likely one
    await harness.send(harness.updates.callback(citizen, "rqn"))
    await harness.send(harness.updates.callback(citizen, "rqp:0"))
    request = await only_request(harness)
    assert request.committee is CommitteeKey(second) and not request.urgent


async def test_an_outage_in_the_cold_with_the_elderly_is_urgent_for_services(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen, OUTAGE, "services")
    request = await only_request(harness)
    assert request.urgent and not request.is_emergency and request.committee is CommitteeKey.SERVICES


async def test_the_manager_says_not_an_emergency_and_picks_the_committee(harness: Harness) -> None:
    boss, _head, citizen = await setup_neighbourhood(harness)
    # A false alarm: the river has risen and the fishermen are glad («water + rising»).
    text = "آب رودخونه بالا اومده ماهیگیرا خوشحالن"
    await harness.send(harness.updates.message(citizen, text="/request"))
    await harness.send(harness.updates.message(citizen, text=text))
    request = await only_request(harness)
    assert request.is_emergency
    # The manager's notice carries the button to say it is not one.
    assert f"rq:calm:{request.id}" in callbacks((await outbox_to(harness, boss.id))[-1].reply_markup)
    await harness.send(harness.updates.callback(boss, f"rq:calm:{request.id}"))
    code = format_tracking_code(request.code, "fa")
    assert harness.last_text() == t(harness, "inbox-choose-committee-not-emergency", code=code)
    await harness.send(harness.updates.callback(boss, f"rqy:environment:{request.id}"))
    assert harness.last_text() == t(
        harness, "inbox-marked-not-emergency", code=code, committee=t(harness, "committee-environment")
    )
    request = await only_request(harness)
    assert not request.is_emergency and not request.urgent and request.committee is CommitteeKey.ENVIRONMENT
    async with harness.session_factory() as session:
        correction = (await session.scalars(select(RoutingCorrection))).one()
        kinds = list(await session.scalars(select(RequestEvent.kind).order_by(RequestEvent.id)))
    assert correction.committee is CommitteeKey.ENVIRONMENT and correction.text == text
    assert kinds[-1] == "marked_not_emergency"


async def test_the_head_says_it_is_an_emergency(harness: Harness) -> None:
    boss, head, citizen = await setup_neighbourhood(harness)
    # A strange smell from the yard's well for days: routine to the rules and to the learned model
    # (0.45 < 0.70; the resident is asked): the head knows better.
    await submit(harness, citizen, "یه بوی عجیبی از چاه حیاط میاد چند روزه", "health")
    request = await only_request(harness)
    assert not request.is_emergency
    assert f"rq:alarm:{request.id}" in callbacks((await outbox_to(harness, head.id))[-1].reply_markup)
    await harness.send(harness.updates.callback(head, f"rq:alarm:{request.id}"), harness.bale)
    code = format_tracking_code(request.code, "fa")
    assert harness.last_text(harness.bale_session) == t(harness, "inbox-marked-emergency", code=code)
    request = await only_request(harness)
    assert request.is_emergency and request.urgent and request.committee is CommitteeKey.CRISIS
    # Crisis mode is off and nobody sits on the crisis committee: the manager is told.
    assert (
        t(harness, "request-notice-marked-emergency", code=code)
        in (await outbox_to(harness, boss.id))[-1].text
    )


async def test_a_resident_cannot_give_the_verdict(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    await harness.send(harness.updates.callback(citizen, f"rq:alarm:{request.id}"))
    await harness.send(harness.updates.callback(citizen, f"rqy:services:{request.id}"))
    request = await only_request(harness)
    assert not request.is_emergency and request.committee is CommitteeKey.HEALTH
