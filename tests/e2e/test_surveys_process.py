"""Needs assessment end to end, through the real process and the emulator: the manager makes a
survey in the chat, pressing buttons; it reaches three residents, two on Telegram and one on
Bale; two answer (one stops half-way and resumes); the results (`python -m bot survey results ID
--json`) show exactly their answers; the manager closes it and the neighbourhood's
needs-assessment record is written, and the manager is sent the top need as a button."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jdatetime
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator
from models import NeedsAssessment, Neighbourhood, Survey, SurveyStatus
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, cli, last_text, onboard, say

pytestmark = pytest.mark.e2e

MANAGER_PHONE = "09120000031"
MANAGER, ZAHRA, REZA, MINA = 91, 92, 93, 94
OPTIONS = ("پارک", "روشنایی", "زباله")
TITLE = "نیازهای دولت‌آباد"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


def in_a_month() -> str:
    day = jdatetime.date.fromgregorian(date=(datetime.now(UTC) + timedelta(days=30)).date())
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


async def click(emulator: BotAPIEmulator, bot: int, user: int, label: str, expect: str) -> None:
    """Press the newest button labelled `label`; wait for a new message containing `expect`."""
    mark = emulator.last_message_id(bot, user)
    await emulator.click(bot, emulator.user(user), label)
    await emulator.wait_for_message(bot, user, expect, after=mark)


async def make_survey(emulator: BotAPIEmulator) -> None:
    """/survey, ➕, then the whole form by typing and pressing, as the manager would."""
    await say(emulator, TELEGRAM_BOT, MANAGER, "/survey", fa("survey-menu-empty"))
    await click(
        emulator, TELEGRAM_BOT, MANAGER, fa("survey-button-new"), fa("survey-ask-title", min=3, max=150)[:20]
    )
    await say(emulator, TELEGRAM_BOT, MANAGER, TITLE, fa("survey-ask-closes", example="x")[:20])
    await say(
        emulator, TELEGRAM_BOT, MANAGER, in_a_month(), fa("survey-ask-question", number=1, min=3, max=300)
    )
    await say(emulator, TELEGRAM_BOT, MANAGER, "مهم‌ترین نیاز محله چیست؟", fa("survey-ask-kind"))
    await click(
        emulator,
        TELEGRAM_BOT,
        MANAGER,
        fa("survey-kind-single"),
        fa("survey-ask-options", min=2, max=10, length=60)[:20],
    )
    added = fa("survey-question-added", number=1, kind=fa("survey-kind-name-single"))
    await say(emulator, TELEGRAM_BOT, MANAGER, "\n".join(OPTIONS), added)
    await click(
        emulator,
        TELEGRAM_BOT,
        MANAGER,
        fa("survey-button-add-question"),
        fa("survey-ask-question", number=2, min=3, max=300),
    )
    await say(emulator, TELEGRAM_BOT, MANAGER, "از پاکیزگی کوچه‌ها چقدر راضی هستید؟", fa("survey-ask-kind"))
    await click(
        emulator,
        TELEGRAM_BOT,
        MANAGER,
        fa("survey-kind-scale"),
        fa("survey-question-added", number=2, kind=fa("survey-kind-name-scale")),
    )
    await click(emulator, TELEGRAM_BOT, MANAGER, fa("survey-button-finish"), TITLE)
    await click(
        emulator, TELEGRAM_BOT, MANAGER, fa("button-save"), fa("survey-saved", title=TITLE, id=1, now=3)
    )


async def test_a_survey_made_in_the_chat_is_answered_on_both_messengers_and_closed(
    emulator: BotAPIEmulator, bot_process: BotProcess, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    imported = cli(bot_process, "import-regions", str(PROJECT_ROOT / "data" / "sample_regions.csv"))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    granted = cli(bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر")
    assert granted.returncode == 0, granted.stdout + granted.stderr
    register_bots(emulator)
    await bot_process.start()

    await onboard(emulator, TELEGRAM_BOT, MANAGER, "مدیر", MANAGER_PHONE)
    for bot, user, name, phone in (
        (TELEGRAM_BOT, ZAHRA, "زهرا", "09124440001"),
        (BALE_BOT, REZA, "رضا", "09124440002"),
        (TELEGRAM_BOT, MINA, "مینا", "09124440003"),
    ):
        answer = await onboard(emulator, bot, user, name, phone, start="/start n_1001")
        assert fa("join-done", name="دولت‌آباد") in answer

    await make_survey(emulator)
    async with session_factory() as session:
        survey_id = (await session.scalars(select(Survey.id))).one()

    # The invitation reaches all three, through the outbox, on the messenger each uses.
    invitation = fa("survey-button-start")
    for bot, user in ((TELEGRAM_BOT, ZAHRA), (BALE_BOT, REZA), (TELEGRAM_BOT, MINA)):
        await emulator.wait_for_message(bot, user, TITLE, timeout=20)
    question_two = fa("survey-question", title=TITLE, number=2, total=2, text="x").split("\n")[0]

    # Zahra (Telegram): the first question, then she stops at the second and resumes later.
    await click(emulator, TELEGRAM_BOT, ZAHRA, invitation, "۱ از ۲")
    await click(emulator, TELEGRAM_BOT, ZAHRA, "روشنایی", question_two)
    await click(emulator, TELEGRAM_BOT, ZAHRA, fa("survey-button-stop"), fa("survey-stopped"))
    await click(emulator, TELEGRAM_BOT, ZAHRA, fa("survey-button-resume"), fa("survey-resumed"))
    assert question_two in last_text(emulator, TELEGRAM_BOT, ZAHRA)
    await click(emulator, TELEGRAM_BOT, ZAHRA, "۴", fa("survey-thanks", title=TITLE))
    # Once only.
    await click(emulator, TELEGRAM_BOT, ZAHRA, invitation, fa("survey-already-answered"))

    # Reza (Bale): both questions at one go.
    await click(emulator, BALE_BOT, REZA, invitation, "۱ از ۲")
    await click(emulator, BALE_BOT, REZA, "روشنایی", question_two)
    await click(emulator, BALE_BOT, REZA, "۲", fa("survey-thanks", title=TITLE))

    results = cli(bot_process, "survey", "results", str(survey_id), "--json")
    assert results.returncode == 0, results.stderr
    assert json.loads(results.stdout) == {
        "survey": survey_id,
        "responses": 2,
        "questions": [
            {
                "text": "مهم‌ترین نیاز محله چیست؟",
                "kind": "single",
                "counts": {"پارک": 0, "روشنایی": 2, "زباله": 0},
            },
            {"text": "از پاکیزگی کوچه‌ها چقدر راضی هستید؟", "kind": "scale", "average": 3.0},
        ],
    }

    # The manager closes it from the results; the assessment is recorded and the top need offered.
    await say(emulator, TELEGRAM_BOT, MANAGER, f"/survey results {survey_id}", "روشنایی: ۲ (۱۰۰٪)")
    await click(
        emulator, TELEGRAM_BOT, MANAGER, fa("survey-button-close"), fa("survey-close-confirm", title=TITLE)
    )
    await click(
        emulator, TELEGRAM_BOT, MANAGER, fa("survey-button-close-yes"), fa("survey-closed-done", records=1)
    )
    notice = await emulator.wait_for_message(
        TELEGRAM_BOT, MANAGER, fa("survey-need-line", rank=1, need="روشنایی"), timeout=20
    )
    labels = [b["text"] for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [fa("survey-button-need", need="روشنایی"), fa("survey-button-results")]
    async with session_factory() as session:
        record = (await session.scalars(select(NeedsAssessment))).one()
        status = await session.scalar(select(Survey.status))
        neighbourhood = await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == "1001"))
    assert status == SurveyStatus.CLOSED
    assert (record.neighbourhood_id, record.respondents, record.top_needs) == (neighbourhood, 2, ["روشنایی"])
    # Mina never answered; now it is closed.
    await click(emulator, TELEGRAM_BOT, MINA, invitation, fa("survey-closed"))
