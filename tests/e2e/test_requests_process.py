"""Issue 5 end to end, through the real process and the emulator, as people would do it:
a resident on Telegram submits a request and accepts the proposed committee; the committee head
on Bale is notified, acknowledges and resolves it; the resident is told each time, answers
"not fixed", and the manager gets the escalation. Then the emergency path, the duplicate path,
and the SLA job run by hand (`jobs run request_sla --now …`) once, again, and after a restart."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from emulator import BotAPIEmulator
from models import CommitteeKey
from models.db import create_engine, create_session_factory
from services.authz import OPERATOR
from services.council import register_member
from services.persian import normalize_digits
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, cli, onboard, say

pytestmark = pytest.mark.e2e

MANAGER, HEAD, RESIDENT, NEIGHBOUR = 91, 92, 93, 94
MANAGER_PHONE, HEAD_PHONE = "09120000031", "09120000032"
HEALTH_TEXT = "درمانگاه محله ما پزشک ندارد و بیماران برای ویزیت باید تا شهر بروند"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


async def prepare(bot_process: BotProcess, database_url: str, emulator: BotAPIEmulator) -> None:
    """Regions, a manager (CLI) and the health committee's head (registered by the manager's
    service, as /add_member would); then the bot starts and the people open it."""
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    granted = cli(bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر")
    assert granted.returncode == 0, granted.stderr
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            neighbourhood_id = await session.scalar(
                __import__("sqlalchemy").text("select id from neighbourhood where code = '1001'")
            )
            await register_member(
                session,
                actor=OPERATOR,
                neighbourhood_id=int(neighbourhood_id),
                full_name="رئیس کمیته بهداشت",
                phone=HEAD_PHONE,
                now=datetime.now(UTC),
                committees=[CommitteeKey.HEALTH],
                head_of=CommitteeKey.HEALTH,
            )
    finally:
        await engine.dispose()
    register_bots(emulator)
    await bot_process.start()
    await onboard(emulator, TELEGRAM_BOT, MANAGER, "مدیر", MANAGER_PHONE)
    assert fa("role-committee_head") in await onboard(emulator, BALE_BOT, HEAD, "رئیس", HEAD_PHONE)
    await onboard(emulator, TELEGRAM_BOT, RESIDENT, "ساکن", "09124440031", start="/start n_1001")


def tracking_code(text: str) -> str:
    match = re.search(r"[0-9۰-۹]{3}-[0-9۰-۹]{3}-[0-9۰-۹]{3}", text)
    assert match, text
    return match.group(0)


async def submit_health_request(emulator: BotAPIEmulator, user: int, text: str = HEALTH_TEXT) -> str:
    """The resident's whole form, pressing buttons by their labels; returns the tracking code."""
    await say(emulator, TELEGRAM_BOT, user, "/request", fa("request-ask-text", min=10))
    proposal = fa("request-propose-committee", committee=fa("committee-health"))
    await say(emulator, TELEGRAM_BOT, user, text, proposal)
    mark = emulator.last_message_id(TELEGRAM_BOT, user)
    await emulator.click(TELEGRAM_BOT, emulator.user(user), fa("request-button-yes-committee"))
    await emulator.wait_for_message(TELEGRAM_BOT, user, fa("request-ask-extras", max=5)[:20], after=mark)
    mark = emulator.last_message_id(TELEGRAM_BOT, user)
    await emulator.click(TELEGRAM_BOT, emulator.user(user), fa("request-button-next"))
    await emulator.wait_for_message(TELEGRAM_BOT, user, fa("request-ask-privacy")[:20], after=mark)
    mark = emulator.last_message_id(TELEGRAM_BOT, user)
    await emulator.click(TELEGRAM_BOT, emulator.user(user), fa("request-button-public"))
    done = await emulator.wait_for_message(
        TELEGRAM_BOT, user, fa("request-submitted", code="", committee="")[:10], after=mark
    )
    return tracking_code(done["text"])


async def test_a_request_reaches_the_head_on_bale_and_comes_back_not_fixed(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    await prepare(bot_process, database_url, emulator)
    code = await submit_health_request(emulator, RESIDENT)

    # The head, on Bale, gets the notification (through the outbox) with the resident's contact.
    notice = await emulator.wait_for_message(BALE_BOT, HEAD, code, timeout=15)
    assert fa("request-notice-new", code=code) in notice["text"] and HEALTH_TEXT in notice["text"]
    assert "۰۹۱۲۴۴۴۰۰۳۱" in notice["text"]

    # Acknowledge: the resident is told.
    mark = emulator.last_message_id(TELEGRAM_BOT, RESIDENT)
    await emulator.click(BALE_BOT, emulator.user(HEAD), fa("request-button-ack"))
    told = fa("request-told-acknowledged", code=code, committee=fa("committee-health"))
    await emulator.wait_for_message(TELEGRAM_BOT, RESIDENT, told, after=mark, timeout=15)

    # Resolve with a note: the resident is told and asked whether it is really fixed.
    mark_head = emulator.last_message_id(BALE_BOT, HEAD)
    await emulator.click(BALE_BOT, emulator.user(HEAD), fa("request-button-resolve"))
    await emulator.wait_for_message(BALE_BOT, HEAD, fa("inbox-ask-resolve-note", code=code), after=mark_head)
    mark = emulator.last_message_id(TELEGRAM_BOT, RESIDENT)
    await emulator.send_text(BALE_BOT, emulator.user(HEAD), "پزشک تازه از شنبه در درمانگاه است")
    await emulator.wait_for_message(TELEGRAM_BOT, RESIDENT, "پزشک تازه از شنبه", after=mark, timeout=15)

    # "Not fixed": reopened, and the manager receives the escalation.
    mark = emulator.last_message_id(TELEGRAM_BOT, RESIDENT)
    mark_manager = emulator.last_message_id(TELEGRAM_BOT, MANAGER)
    await emulator.click(TELEGRAM_BOT, emulator.user(RESIDENT), fa("request-button-not-fixed"))
    await emulator.wait_for_message(TELEGRAM_BOT, RESIDENT, fa("request-reopened", code=code), after=mark)
    escalation = await emulator.wait_for_message(
        TELEGRAM_BOT, MANAGER, fa("request-notice-not-fixed", code=code), after=mark_manager, timeout=15
    )
    assert HEALTH_TEXT in escalation["text"]


async def test_an_emergency_and_a_duplicate(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    await prepare(bot_process, database_url, emulator)

    # Emergency: the numbers at once, and the manager (crisis mode is off) is told, urgent.
    mark_manager = emulator.last_message_id(TELEGRAM_BOT, MANAGER)
    await say(emulator, TELEGRAM_BOT, RESIDENT, "/request", fa("request-ask-text", min=10))
    await say(emulator, TELEGRAM_BOT, RESIDENT, "بوی گاز خیلی شدید تو کوچه میاد کمک کنید", "194")
    sent = await emulator.wait_for_message(
        TELEGRAM_BOT, RESIDENT, fa("request-emergency-sent-manager", code="")[:20]
    )
    code = tracking_code(sent["text"])
    await emulator.wait_for_message(
        TELEGRAM_BOT, MANAGER, fa("request-notice-emergency", code=code), after=mark_manager, timeout=15
    )

    # Duplicate: a neighbour describing the same problem is offered to follow the open request.
    first = await submit_health_request(emulator, RESIDENT)
    await onboard(emulator, TELEGRAM_BOT, NEIGHBOUR, "همسایه", "09124440032", start="/start n_1001")
    await say(emulator, TELEGRAM_BOT, NEIGHBOUR, "/request", fa("request-ask-text", min=10))
    proposal = fa("request-propose-committee", committee=fa("committee-health"))
    await say(
        emulator, TELEGRAM_BOT, NEIGHBOUR, "درمانگاه محله ما پزشک نداره بیمارها باید تا شهر برن", proposal
    )
    mark = emulator.last_message_id(TELEGRAM_BOT, NEIGHBOUR)
    await emulator.click(TELEGRAM_BOT, emulator.user(NEIGHBOUR), fa("request-button-yes-committee"))
    offer = await emulator.wait_for_message(TELEGRAM_BOT, NEIGHBOUR, first, after=mark)
    assert HEALTH_TEXT in offer["text"]
    mark = emulator.last_message_id(TELEGRAM_BOT, NEIGHBOUR)
    await emulator.click(TELEGRAM_BOT, emulator.user(NEIGHBOUR), fa("request-button-follow"))
    await emulator.wait_for_message(TELEGRAM_BOT, NEIGHBOUR, fa("request-following", code=first), after=mark)

    # The follower hears of the next change too.
    mark = emulator.last_message_id(TELEGRAM_BOT, NEIGHBOUR)
    notice = await emulator.wait_for_message(BALE_BOT, HEAD, first, timeout=15)
    await emulator.click(
        BALE_BOT, emulator.user(HEAD), fa("request-button-start"), message_id=notice["message_id"]
    )
    await emulator.wait_for_message(
        TELEGRAM_BOT,
        NEIGHBOUR,
        fa("request-told-in_progress", code=first, committee=fa("committee-health")),
        after=mark,
        timeout=15,
    )


async def test_sla_reminders_by_hand_once_again_and_after_a_restart(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    await prepare(bot_process, database_url, emulator)
    code = await submit_health_request(emulator, RESIDENT)
    await emulator.wait_for_message(BALE_BOT, HEAD, code, timeout=15)
    reminder = fa("request-sla-reminder", code=code, clock="response", hours=49, days=2)[:25]

    def reminders() -> int:
        return sum(reminder in m.get("text", "") for m in emulator.sent_messages(BALE_BOT, HEAD))

    past_breach = (datetime.now(UTC) + timedelta(hours=49)).isoformat()
    ran = cli(bot_process, "jobs", "run", "request_sla", "--now", past_breach)
    assert ran.returncode == 0, ran.stderr
    assert "1 reminders" in ran.stdout, ran.stdout
    await emulator.wait_for_message(BALE_BOT, HEAD, reminder, timeout=15)

    again = cli(bot_process, "jobs", "run", "request_sla", "--now", past_breach)
    assert "0 reminders" in again.stdout, again.stdout
    await bot_process.stop()
    await bot_process.start()
    after_restart = cli(bot_process, "jobs", "run", "request_sla", "--now", past_breach)
    assert "0 reminders" in after_restart.stdout, after_restart.stdout
    await say(emulator, BALE_BOT, HEAD, "/help", fa("command-help")[:3])  # the process is up and answering
    assert reminders() == 1
    assert normalize_digits(code).replace("-", "").isdigit()
