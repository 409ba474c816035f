"""Bale as documented, end to end: the real process against the emulator's full Bale profile
(`Quirks.bale()`: every text is Markdown and a stray marker is refused, editMessageText answers a
stub, setWebhook reads only the url, reply keyboards are only their buttons, some methods are
missing, users have 52-bit ids). People on Bale onboard and join by deep link; a resident's request
full of `*`, `_` and backticks reaches the committee head on Bale; the head works it from /inbox
(seen, in progress, resolved with a note); the resident pages through /feed, whose message is
edited with stub answers. Nobody is ever sent the apology."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy

from bot.formatting_retry import neutralise
from emulator import BotAPIEmulator, Quirks
from models import CommitteeKey
from models.db import create_engine, create_session_factory
from services.actions import log_action
from services.authz import OPERATOR
from services.council import register_member
from services.jalali import tehran_today
from tests.e2e.conftest import BALE_BOT, BALE_TOKEN, TELEGRAM_BOT, TELEGRAM_TOKEN, BotProcess
from tests.e2e.test_council_process import T, cli, onboard, say
from tests.e2e.test_requests_process import tracking_code

pytestmark = pytest.mark.e2e

# Bale ids may use up to 52 bits.
HEAD, RESIDENT = 2**51 + 92, 2**44 + 93
HEAD_PHONE = "09120000062"
# Stray markers a Markdown reader refuses (an unclosed `*` and backtick), and an underscore
# inside a word that it reads as text.
REQUEST_TEXT = "درمانگاه محله ما *پزشک ندارد و بیماران_ما برای `ویزیت باید تا شهر بروند"
# Accepted as it is: markers inside words open nothing, so the exact characters arrive.
NOTE = "پزشک_عصر از شنبه می‌آید و ساعت کار 8*2 ساعت است"
FIRST_ACTION = "کاشت نهال در *بوستان محله"
SECOND_ACTION = "نظافت کوچه‌ها با همکاری _مدرسه"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


def register_bale_bots(emulator: BotAPIEmulator) -> None:
    emulator.add_bot(TELEGRAM_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="telegram")
    emulator.add_bot(
        BALE_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="bale", quirks=Quirks.bale()
    )


async def seed(database_url: str) -> None:
    """The health committee's head (as /add_member would) and two public actions for /feed."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            neighbourhood_id = int(
                await session.scalar(sqlalchemy.text("select id from neighbourhood where code = '1001'"))
            )
            now = datetime.now(UTC)
            await register_member(
                session,
                actor=OPERATOR,
                neighbourhood_id=neighbourhood_id,
                full_name="رئیس کمیته بهداشت",
                phone=HEAD_PHONE,
                now=now,
                committees=[CommitteeKey.HEALTH],
                head_of=CommitteeKey.HEALTH,
            )
            for days, title, committee in (
                (6, FIRST_ACTION, CommitteeKey.ENVIRONMENT),
                (2, SECOND_ACTION, CommitteeKey.SERVICES),
            ):
                await log_action(
                    session,
                    actor=OPERATOR,
                    neighbourhood_id=neighbourhood_id,
                    title=title,
                    description=None,
                    committee=committee,
                    programme=None,
                    done_on=tehran_today(now) - timedelta(days=days),
                    now=now - timedelta(days=days),
                )
    finally:
        await engine.dispose()


async def click(emulator: BotAPIEmulator, user: int, label: str, expect: str) -> dict[str, Any]:
    """Press a button by its label on Bale and wait for the bot's next message containing `expect`."""
    mark = emulator.last_message_id(BALE_BOT, user)
    await emulator.click(BALE_BOT, emulator.user(user), label)
    return await emulator.wait_for_message(BALE_BOT, user, expect, after=mark, timeout=15)


def everything_sent(emulator: BotAPIEmulator) -> list[str]:
    return [
        str(m.get("text") or m.get("caption") or "")
        for bot in (TELEGRAM_BOT, BALE_BOT)
        for m in emulator.sent_messages(bot, include_deleted=True)
    ]


async def test_bale_as_documented(
    emulator: BotAPIEmulator, bot_process: BotProcess, database_url: str
) -> None:
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    await seed(database_url)
    register_bale_bots(emulator)
    await bot_process.start()

    # Onboarding on Bale: /start, language, the contact button; the resident by the deep link.
    assert fa("role-committee_head") in await onboard(emulator, BALE_BOT, HEAD, "رئیس", HEAD_PHONE)
    joined = await onboard(emulator, BALE_BOT, RESIDENT, "ساکن", "09124440062", start="/start n_1001")
    assert fa("join-done", name="دولت‌آباد") in joined
    # Bale's reply keyboards carry only their buttons; the contact button worked all the same.
    assert set(emulator.reply_keyboard(BALE_BOT, RESIDENT) or {}) <= {"keyboard", "remove_keyboard"}

    # The resident's request, stray markers and all.
    await say(emulator, BALE_BOT, RESIDENT, "/request", fa("request-ask-text", min=10))
    await say(
        emulator,
        BALE_BOT,
        RESIDENT,
        REQUEST_TEXT,
        fa("request-propose-committee", committee=fa("committee-health")),
    )
    await click(emulator, RESIDENT, fa("request-button-yes-committee"), fa("request-ask-extras", max=5)[:20])
    await click(emulator, RESIDENT, fa("request-button-next"), fa("request-ask-privacy")[:20])
    done = await click(
        emulator, RESIDENT, fa("request-button-public"), fa("request-submitted", code="", committee="")[:10]
    )
    code = tracking_code(done["text"])

    # It reaches the head on Bale (through the outbox): Bale refused the stray markers, so the
    # words arrive with look-alikes in their place, every word intact.
    notice = await emulator.wait_for_message(BALE_BOT, HEAD, code, timeout=20)
    assert fa("request-notice-new", code=code) in notice["text"]
    assert neutralise(REQUEST_TEXT) in notice["text"]
    assert "∗پزشک" in notice["text"] and "ˋویزیت" in notice["text"]
    refused = [c for c in emulator.calls_for("sendMessage", BALE_BOT) if c.status == 400]
    assert refused and all("can't parse entities" in str(c.description) for c in refused)

    # /inbox on Bale: the request, opened from the list, then seen, in progress, resolved.
    await say(emulator, BALE_BOT, HEAD, "/inbox", fa("inbox-title", count=1))
    details = await click(emulator, HEAD, fa("request-button-details", code=code), neutralise(REQUEST_TEXT))
    for button, status in (("request-button-ack", "acknowledged"), ("request-button-start", "in_progress")):
        mark = emulator.last_message_id(BALE_BOT, RESIDENT)
        await emulator.click(BALE_BOT, emulator.user(HEAD), fa(button), message_id=details["message_id"])
        updated = fa("inbox-updated", code=code, status=fa(f"request-status-{status}"))
        await emulator.wait_for_message(BALE_BOT, HEAD, updated, timeout=15)
        told = fa(f"request-told-{status}", code=code, committee=fa("committee-health"))
        await emulator.wait_for_message(BALE_BOT, RESIDENT, told, after=mark, timeout=20)
    await emulator.click(
        BALE_BOT, emulator.user(HEAD), fa("request-button-resolve"), message_id=details["message_id"]
    )
    await emulator.wait_for_message(BALE_BOT, HEAD, fa("inbox-ask-resolve-note", code=code), timeout=15)
    mark = emulator.last_message_id(BALE_BOT, RESIDENT)
    await say(
        emulator, BALE_BOT, HEAD, NOTE, fa("inbox-updated", code=code, status=fa("request-status-resolved"))
    )
    # Bale took the note as it is, so the resident reads exactly what the head wrote.
    told = await emulator.wait_for_message(BALE_BOT, RESIDENT, NOTE, after=mark, timeout=20)
    assert code in told["text"]

    # /feed on Bale: paging edits the message; Bale answers the edits with stubs.
    await say(emulator, BALE_BOT, RESIDENT, "/feed", fa("feed-header", name="دولت‌آباد", page=1, pages=2)[:20])
    page = emulator.sent_messages(BALE_BOT, RESIDENT)[-1]
    first_title = SECOND_ACTION if neutralise(SECOND_ACTION) in page["text"] else FIRST_ACTION
    other_title = FIRST_ACTION if first_title == SECOND_ACTION else SECOND_ACTION
    assert neutralise(first_title) in page["text"]
    sent_before = len(emulator.sent_messages(BALE_BOT, RESIDENT))
    edits_before = len(emulator.calls_for("editMessageText", BALE_BOT))
    await emulator.click(
        BALE_BOT, emulator.user(RESIDENT), fa("feed-button-next"), message_id=page["message_id"]
    )

    def second_page(message: dict[str, Any]) -> bool:
        return message["message_id"] == page["message_id"] and neutralise(other_title) in message["text"]

    await emulator.wait_for_message(BALE_BOT, RESIDENT, second_page, timeout=15)
    await emulator.click(
        BALE_BOT, emulator.user(RESIDENT), fa("feed-button-prev"), message_id=page["message_id"]
    )

    def first_page(message: dict[str, Any]) -> bool:
        return message["message_id"] == page["message_id"] and neutralise(first_title) in message["text"]

    await emulator.wait_for_message(BALE_BOT, RESIDENT, first_page, timeout=15)
    edits = emulator.calls_for("editMessageText", BALE_BOT)[edits_before:]
    assert any(c.ok and c.result == {"message_id": 0} for c in edits), [(c.status, c.result) for c in edits]
    # Edited in place, never sent afresh.
    assert len(emulator.sent_messages(BALE_BOT, RESIDENT)) == sent_before

    # Nobody was ever sent the apology, and the process logged no failed update.
    apology = fa("error-generic")
    assert not [text for text in everything_sent(emulator) if apology in text]
    assert "error while handling" not in bot_process.log()
    # Only the url was given to setWebhook-less polling; methods Bale lacks were never relied on.
    assert not emulator.calls_for("setMyCommands", BALE_BOT)
