"""The SMS fallback end to end: the real process (`python -m bot run`) with SMS_PROVIDER=kavenegar
pointed at the Kavenegar fake. A manager appointed by phone never opens the bot; a resident reports
a fire; the manager gets exactly one SMS with the bot's link, also after a restart. Then the SLA
job run by hand past twice the crisis committee's target escalates to the manager: one more SMS,
and a rerun sends nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from emulator import BotAPIEmulator
from emulator.sms_fake import KavenegarFake, start_sms_fake
from tests.e2e.conftest import TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, cli, onboard, say, until

pytestmark = pytest.mark.e2e

RESIDENT = 95
MANAGER_PHONE, RESIDENT_PHONE = "09120000041", "09124440041"
LINK = "https://ble.ir/mahalleyar_e2e_bot"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


@pytest.fixture
async def sms_fake() -> AsyncIterator[KavenegarFake]:
    fake, runner, _ = await start_sms_fake()
    try:
        yield fake
    finally:
        await runner.cleanup()


async def test_an_emergency_texts_the_manager_who_never_joined_exactly_once(
    emulator: BotAPIEmulator, bot_process: BotProcess, sms_fake: KavenegarFake
) -> None:
    bot_process.env.update(
        SMS_PROVIDER="kavenegar",
        SMS_API_KEY=sms_fake.api_key,
        SMS_API_BASE=sms_fake.base_url,
        SMS_SENDER="10004346",
        SMS_JOIN_LINK=LINK,
        SMS_RATE="5",
    )
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    granted = cli(bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر")
    assert granted.returncode == 0, granted.stderr
    register_bots(emulator)
    await bot_process.start()
    await onboard(emulator, TELEGRAM_BOT, RESIDENT, "ساکن", RESIDENT_PHONE, start="/start n_1001")

    # A fire: the resident gets the emergency numbers and the report goes to the manager (crisis
    # mode is off), who has never opened the bot: it waits for them there, and an SMS goes now.
    await say(emulator, TELEGRAM_BOT, RESIDENT, "/request", fa("request-ask-text", min=10))
    await say(emulator, TELEGRAM_BOT, RESIDENT, "آتش‌سوزی در ساختمان", fa("request-emergency")[:10])
    await emulator.wait_for_message(
        TELEGRAM_BOT, RESIDENT, fa("request-emergency-sent-manager", code="")[:20], timeout=15
    )
    await until(lambda: sms_fake.messages, timeout=15)
    emergency = fa("sms-emergency", link=LINK)
    assert [(m.receptor, m.message, m.sender) for m in sms_fake.messages] == [
        ("09120000041", emergency, "10004346")
    ]

    # A restart sends nothing again.
    await bot_process.stop()
    await bot_process.start()
    await say(emulator, TELEGRAM_BOT, RESIDENT, "/help", fa("command-help")[:3])
    await asyncio.sleep(1.5)
    assert len(sms_fake.messages) == 1

    # Five hours on (the crisis committee's first answer is due in 2): the manager is reminded at
    # 1× and escalated to at 2×; only the escalation is worth an SMS. A rerun sends nothing.
    later = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    ran = cli(bot_process, "jobs", "run", "request_sla", "--now", later)
    assert ran.returncode == 0 and "2 reminders" in ran.stdout, ran.stdout + ran.stderr
    await until(lambda: len(sms_fake.messages) == 2, timeout=15)
    again = cli(bot_process, "jobs", "run", "request_sla", "--now", later)
    assert "0 reminders" in again.stdout, again.stdout
    await asyncio.sleep(1.5)
    assert [(m.receptor, m.message) for m in sms_fake.messages] == [
        ("09120000041", emergency),
        ("09120000041", fa("sms-escalation", link=LINK, count=1)),
    ]
