"""Issue 10's "nobody is silently unreachable", end to end through the real process: people
registered by phone who open the bot late get what was meant for them; a neighbourhood with no
council still has its requests handled, and the resident is told by whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from emulator import BotAPIEmulator
from models.db import create_engine, create_session_factory
from models.plumbing import OutboxMessage, OutboxStatus
from services.jalali import format_jalali_date, tehran_today
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, cli, onboard
from tests.e2e.test_reminders_process import RESOLUTION_TEXT, seed_resolution, tehran_morning
from tests.e2e.test_requests_process import HEALTH_TEXT, submit_health_request

pytestmark = pytest.mark.e2e

MANAGER, LIAISON, RESIDENT, COUNTY = 191, 192, 193, 194
MANAGER_PHONE, LIAISON_PHONE, COUNTY_PHONE = "09120000191", "09120000192", "09120000194"
SECOND_TEXT = "واکسن کودکان در خانه بهداشت محله تمام شده و مادران سرگردان هستند"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


async def outbox_rows(database_url: str) -> list[OutboxMessage]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    finally:
        await engine.dispose()


async def age_outbox(database_url: str, days: int) -> None:
    """Make everything queued so far `days` older, as if the manager opened the bot that much later."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            for row in await session.scalars(select(OutboxMessage)):
                row.created_at -= timedelta(days=days)
    finally:
        await engine.dispose()


def grant_in_rey(bot_process: BotProcess, phone: str, role: str, name: str, *extra: str) -> None:
    """Appoint someone by phone to a county-wide role in شهر ری, as an operator would."""
    granted = cli(
        bot_process, "grant", phone, role, "--county", "شهر ری", "--province", "تهران", "--name", name, *extra
    )
    assert granted.returncode == 0, granted.stderr


def texts(emulator: BotAPIEmulator, bot: int, user: int) -> list[str]:
    return [m.get("text", "") for m in emulator.sent_messages(bot, user)]


async def test_a_manager_who_opens_the_bot_a_day_late_gets_the_request_with_its_buttons(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    granted = cli(
        bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر دیر"
    )
    assert granted.returncode == 0, granted.stderr
    grant_in_rey(bot_process, COUNTY_PHONE, "county_official", "فرماندار")
    register_bots(emulator)
    await bot_process.start()
    await onboard(emulator, TELEGRAM_BOT, RESIDENT, "ساکن", "09124440193", start="/start n_1001")

    # No committee head, the manager has not opened the bot: the county official has it now
    # (once they open the bot), and the resident is told who — here nobody is reachable yet, so
    # the resident hears it waits for the manager.
    code = await submit_health_request(emulator, RESIDENT)
    confirmation = texts(emulator, TELEGRAM_BOT, RESIDENT)[-1]
    who = fa("reach-holder", level=fa("reach-level-manager"), names="مدیر دیر")
    assert fa("request-held-waiting", who=who) in confirmation, confirmation
    second = await submit_health_request(emulator, RESIDENT, SECOND_TEXT)
    rows = await outbox_rows(database_url)
    assert [r.status for r in rows] == [OutboxStatus.WAITING] * 4  # manager and county, twice

    await age_outbox(database_url, days=1)
    # The manager opens the bot on Bale a day later: right after the contact, one «while you were
    # away» note, then both requests in full with their buttons; then they act on the first.
    await onboard(emulator, BALE_BOT, MANAGER, "مدیر", MANAGER_PHONE)
    since = format_jalali_date(tehran_today(datetime.now(UTC)) - timedelta(days=1))
    note = await emulator.wait_for_message(
        BALE_BOT, MANAGER, fa("outbox-away-all-follow", count=2, since=since)[:30], timeout=15
    )
    await emulator.wait_for_message(BALE_BOT, MANAGER, SECOND_TEXT, after=note["message_id"], timeout=15)
    notice = next(m for m in emulator.sent_messages(BALE_BOT, MANAGER) if HEALTH_TEXT in m.get("text", ""))
    assert notice["message_id"] > note["message_id"] and fa("request-notice-new", code=code) in notice["text"]
    assert fa("request-notice-new", code=second) in texts(emulator, BALE_BOT, MANAGER)[-1]
    await emulator.click(
        BALE_BOT, emulator.user(MANAGER), fa("request-button-ack"), message_id=notice["message_id"]
    )
    mark = emulator.last_message_id(TELEGRAM_BOT, RESIDENT)
    told = fa("request-told-acknowledged", code=code, committee=fa("committee-health"))
    await emulator.wait_for_message(TELEGRAM_BOT, RESIDENT, told, after=mark, timeout=15)

    # The county official who joins later gets it too; nobody ever gets it twice.
    await onboard(emulator, TELEGRAM_BOT, COUNTY, "فرماندار", COUNTY_PHONE)
    await emulator.wait_for_message(TELEGRAM_BOT, COUNTY, HEALTH_TEXT, timeout=15)
    assert sum(HEALTH_TEXT in t for t in texts(emulator, BALE_BOT, MANAGER)) == 1
    assert sum(HEALTH_TEXT in t for t in texts(emulator, TELEGRAM_BOT, COUNTY)) == 1
    assert all(r.status is not OutboxStatus.WAITING for r in await outbox_rows(database_url))


async def test_a_village_without_a_council_reaches_the_county_official_by_name(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    grant_in_rey(bot_process, COUNTY_PHONE, "county_official", "فرماندار ری")
    register_bots(emulator)
    await bot_process.start()
    await onboard(emulator, TELEGRAM_BOT, COUNTY, "فرماندار", COUNTY_PHONE)
    await onboard(emulator, TELEGRAM_BOT, RESIDENT, "ساکن", "09124440193", start="/start n_1002")

    code = await submit_health_request(emulator, RESIDENT)
    confirmation = texts(emulator, TELEGRAM_BOT, RESIDENT)[-1]
    who = fa("reach-holder", level=fa("reach-level-county_official"), names="فرماندار ری")
    assert fa("request-held-now", who=who) in confirmation, confirmation
    notice = await emulator.wait_for_message(TELEGRAM_BOT, COUNTY, HEALTH_TEXT, timeout=15)
    assert fa("request-notice-new", code=code) in notice["text"]


async def test_a_liaison_who_joins_after_the_deadline_gets_the_next_morning_digest(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    grant_in_rey(bot_process, LIAISON_PHONE, "liaison", "رابط بهداشت", "--agency", "health_network")
    register_bots(emulator)
    await bot_process.start()
    deadline = tehran_today(datetime.now(UTC)) + timedelta(days=2)
    await seed_resolution(database_url, deadline)

    # Overdue, the liaison has not opened the bot: the morning run reaches nobody and claims nothing.
    first_morning = tehran_morning(deadline + timedelta(days=1))
    ran = cli(bot_process, "jobs", "run", "resolution_digest", "--now", first_morning)
    assert "digest: 0 of 1 people, 0 messages queued" in ran.stdout, ran.stdout

    # They join; the next morning's run brings them the digest, once.
    await onboard(emulator, BALE_BOT, LIAISON, "رابط", LIAISON_PHONE)
    next_morning = tehran_morning(deadline + timedelta(days=2))
    ran = cli(bot_process, "jobs", "run", "resolution_digest", "--now", next_morning)
    assert "digest: 1 of 1 people, 1 messages queued" in ran.stdout, ran.stdout
    title = fa("reminder-digest-title", date=format_jalali_date(deadline + timedelta(days=2)))
    digest = await emulator.wait_for_message(BALE_BOT, LIAISON, title, timeout=15)
    assert RESOLUTION_TEXT in digest["text"]
    again = cli(bot_process, "jobs", "run", "resolution_digest", "--now", next_morning)
    assert "digest: 0 of 1 people" in again.stdout, again.stdout
