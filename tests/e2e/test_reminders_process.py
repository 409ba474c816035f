"""Issue 6's reminders end to end, through the real process and the emulator: a resolution
assigned to the health network, whose liaison uses the bot on Bale; the morning digest run by
hand (`jobs run resolution_digest --now …`) after the deadline reaches the liaison exactly once,
again and after a restart nothing new; eight days late the manager on Telegram gets the
escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from emulator import BotAPIEmulator
from models.council import Agency
from models.db import create_engine, create_session_factory
from models.identity import Neighbourhood
from services.authz import OPERATOR
from services.i18n import Translator
from services.jalali import format_jalali_date, tehran_today
from services.resolutions import Responsible, add_resolution
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, cli, onboard, say

pytestmark = pytest.mark.e2e

MANAGER, LIAISON = 95, 96
MANAGER_PHONE, LIAISON_PHONE = "09120000041", "09120000042"
RESOLUTION_TEXT = "تعمیر پمپ آب درمانگاه دولت‌آباد پیش از فصل گرما"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


def tehran_morning(day: date) -> str:
    """09:00 in Tehran on `day`, as the ISO moment `--now` takes."""
    return datetime.combine(day, time(9, 0), tzinfo=ZoneInfo("Asia/Tehran")).astimezone(UTC).isoformat()


async def seed_resolution(database_url: str, deadline: date) -> None:
    """What /meeting would record: a resolution of 1001 for the health network (its liaison)."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            neighbourhood_id = await session.scalar(
                select(Neighbourhood.id).where(Neighbourhood.code == "1001")
            )
            agency_id = await session.scalar(select(Agency.id).where(Agency.key == "health_network"))
            assert neighbourhood_id is not None and agency_id is not None
            await add_resolution(
                session,
                Translator(),
                actor=OPERATOR,
                neighbourhood_id=neighbourhood_id,
                text=RESOLUTION_TEXT,
                responsible=Responsible.of_agency(agency_id),
                deadline=deadline,
                now=datetime.now(UTC),
            )
    finally:
        await engine.dispose()


async def test_the_liaison_gets_one_digest_and_the_manager_the_escalation(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    granted = cli(bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر")
    assert granted.returncode == 0, granted.stderr
    granted = cli(
        bot_process,
        "grant",
        LIAISON_PHONE,
        "liaison",
        "--county",
        "شهر ری",
        "--province",
        "تهران",
        "--agency",
        "health_network",
        "--name",
        "رابط بهداشت",
    )
    assert granted.returncode == 0, granted.stderr
    register_bots(emulator)
    await bot_process.start()
    await onboard(emulator, TELEGRAM_BOT, MANAGER, "مدیر", MANAGER_PHONE)
    await onboard(emulator, BALE_BOT, LIAISON, "رابط", LIAISON_PHONE)

    # Ten days ahead: the catch-up at start and any run before the deadline say nothing.
    deadline = tehran_today(datetime.now(UTC)) + timedelta(days=10)
    await seed_resolution(database_url, deadline)
    title = fa("reminder-digest-title", date=format_jalali_date(deadline + timedelta(days=1)))

    def digests() -> list[str]:
        return [m["text"] for m in emulator.sent_messages(BALE_BOT, LIAISON) if title in m.get("text", "")]

    after_deadline = tehran_morning(deadline + timedelta(days=1))
    ran = cli(bot_process, "jobs", "run", "resolution_digest", "--now", after_deadline)
    assert ran.returncode == 0, ran.stderr
    assert "digest: 1 of 1 people, 1 messages queued" in ran.stdout, ran.stdout
    digest = await emulator.wait_for_message(BALE_BOT, LIAISON, title, timeout=15)
    assert RESOLUTION_TEXT in digest["text"] and fa("reminder-days-overdue", days=1) in digest["text"]
    assert "/resolutions" in digest["text"]

    again = cli(bot_process, "jobs", "run", "resolution_digest", "--now", after_deadline)
    assert "digest: 0 of 1 people, 0 messages queued" in again.stdout, again.stdout
    await bot_process.stop()
    await bot_process.start()
    after_restart = cli(bot_process, "jobs", "run", "resolution_digest", "--now", after_deadline)
    assert "digest: 0 of 1 people, 0 messages queued" in after_restart.stdout, after_restart.stdout
    await say(emulator, BALE_BOT, LIAISON, "/help", fa("command-help")[:3])  # up, and delivering
    assert len(digests()) == 1

    # Eight days late: the manager, on Telegram, gets the escalation (once).
    mark = emulator.last_message_id(TELEGRAM_BOT, MANAGER)
    late = tehran_morning(deadline + timedelta(days=8))
    escalated = cli(bot_process, "jobs", "run", "resolution_digest", "--now", late)
    assert "escalations: 1 new, 1 recipients, 1 messages queued" in escalated.stdout, escalated.stdout
    escalation = await emulator.wait_for_message(
        TELEGRAM_BOT, MANAGER, fa("reminder-escalation-title", count=1), after=mark, timeout=15
    )
    assert RESOLUTION_TEXT in escalation["text"] and fa("reminder-days-overdue", days=8) in escalation["text"]
    repeated = cli(bot_process, "jobs", "run", "resolution_digest", "--now", late)
    assert "escalations: 0 new" in repeated.stdout, repeated.stdout
