"""The SMS fallback's rules without a gateway: nothing when it is off or the person can be reached
on a messenger now, one SMS per key whatever reruns, and the three triggers (an emergency to the
manager, escalations of requests and resolutions, the digest to someone who never joined)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from models import Account, CommitteeKey, Person, SmsMessage, SmsStatus
from services.i18n import SUPPORTED_LOCALES, Translator
from services.jobs import JobContext, job_by_name
from services.requests import NewRequest, run_sla_reminders, submit_request
from services.residents import join_neighbourhood
from services.resolutions import Responsible
from services.sms import (
    SEGMENT_CHARS,
    SMS_OFF,
    SmsPolicy,
    queue_digest_sms,
    queue_emergency_sms,
    queue_escalation_sms,
    queue_sms,
)
from tests.unit.test_reminders import (
    DEADLINE,
    T0,
    add_account,
    build,
    morning,
    new_resolution,
)

TRANSLATOR = Translator()
LINK = "https://ble.ir/mahalleyar_bot"
ON = SmsPolicy(enabled=True, after_days=3, join_link=LINK)


async def never_joined(session: AsyncSession, *people: int) -> None:
    """As if they were appointed by phone and never opened the bot."""
    await session.execute(delete(Account).where(Account.person_id.in_(people)))
    await session.commit()


async def sms_rows(session: AsyncSession, person_id: int | None = None) -> list[SmsMessage]:
    stmt = select(SmsMessage).order_by(SmsMessage.id)
    if person_id is not None:
        stmt = stmt.where(SmsMessage.person_id == person_id)
    return list(await session.scalars(stmt))


async def resident(session: AsyncSession, user_id: int = 300) -> int:
    person = Person(phone=f"+9891200{user_id:05d}", full_name="ساکن", created_at=T0)
    session.add(person)
    await session.flush()
    await add_account(session, person.id, user_id)
    await join_neighbourhood(session, person_id=person.id, code="1001", now=T0)
    return person.id


def emergency(text: str = "آتش‌سوزی در ساختمان کناری") -> NewRequest:
    return NewRequest(text=text, committee=CommitteeKey.CRISIS, emergency=True)


# ---- queue_sms: the rules ----


async def test_nothing_when_the_fallback_is_off(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["manager"])
        assert not await queue_sms(
            session, SMS_OFF, person_id=world["manager"], text="x", now=T0, dedup_key="k"
        )
        await session.commit()
        assert await sms_rows(session) == []


async def test_nothing_for_someone_reachable_now(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        world = await build(session)
        assert not await queue_sms(session, ON, person_id=world["manager"], text="x", now=T0, dedup_key="k")
        await session.commit()
        assert await sms_rows(session) == []


async def test_one_sms_per_key_to_someone_who_never_joined(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["manager"])
        assert await queue_sms(session, ON, person_id=world["manager"], text="یک", now=T0, dedup_key="k")
        await session.commit()
    # Another transaction, later: the key was used, whatever became of the first one.
    async with session_factory() as session:
        assert not await queue_sms(
            session, ON, person_id=world["manager"], text="دو", now=T0 + timedelta(hours=1), dedup_key="k"
        )
        await session.commit()
        rows = await sms_rows(session)
    assert [(r.phone, r.text, r.status, r.attempts) for r in rows] == [
        ("+989120000101", "یک", SmsStatus.PENDING, 0)
    ]


async def test_someone_who_blocked_the_bot_cannot_be_reached(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await session.execute(
            update(Account).where(Account.person_id == world["manager"]).values(blocked_at=T0)
        )
        await session.commit()
        assert await queue_sms(session, ON, person_id=world["manager"], text="x", now=T0, dedup_key="k")


async def test_the_sms_texts_fit_one_persian_segment_with_the_link() -> None:
    for key in ("sms-emergency", "sms-escalation", "sms-digest"):
        for locale in SUPPORTED_LOCALES:
            text = TRANSLATOR.get(locale, key, link=LINK, count=99)
            assert text.endswith(LINK), text
            if locale == "fa":
                assert len(text) <= SEGMENT_CHARS, (key, len(text), text)


# ---- (a) an emergency to the manager ----


async def test_an_emergency_texts_each_manager_who_cannot_be_reached_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["manager"])
        writer = await resident(session)
        first = await submit_request(session, TRANSLATOR, person_id=writer, draft=emergency(), now=T0, sms=ON)
        # The same request again (a rerun, a retry): nothing new.
        assert (
            await queue_emergency_sms(
                session, TRANSLATOR, ON, request_id=first.id, people=[world["manager"]], now=T0
            )
            == 0
        )
        await session.commit()
        # The same emergency again within half an hour joins the first: no second SMS.
        repeat = await submit_request(
            session,
            TRANSLATOR,
            person_id=writer,
            draft=emergency("بوی گاز شدید در کوچه"),
            now=T0 + timedelta(minutes=5),
            sms=ON,
        )
        assert repeat.attached and repeat.id == first.id
        # An hour later it is a new emergency.
        await submit_request(
            session,
            TRANSLATOR,
            person_id=writer,
            draft=emergency("بوی گاز شدید در کوچه"),
            now=T0 + timedelta(hours=1),
            sms=ON,
        )
        rows = await sms_rows(session)
    assert [(r.person_id, r.dedup_key) for r in rows] == [
        (world["manager"], f"sms:emergency:{first.id}:{world['manager']}"),
        (world["manager"], f"sms:emergency:{first.id + 1}:{world['manager']}"),
    ]
    assert rows[0].text == TRANSLATOR.get("fa", "sms-emergency", link=LINK)


async def test_no_sms_for_an_emergency_when_the_manager_has_the_bot_or_sms_is_off(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        writer = await resident(session)
        await submit_request(session, TRANSLATOR, person_id=writer, draft=emergency(), now=T0, sms=ON)
        await never_joined(session, world["manager"])
        await submit_request(session, TRANSLATOR, person_id=writer, draft=emergency(), now=T0)
        assert await sms_rows(session) == []


# ---- (b) escalations ----


async def test_a_request_escalation_texts_the_unreachable_manager_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["manager"], world["county"])
        writer = await resident(session)
        text = "درمانگاه محله پزشک ندارد و بیماران سرگردان هستند"
        await submit_request(
            session,
            TRANSLATOR,
            person_id=writer,
            draft=NewRequest(text=text, committee=CommitteeKey.HEALTH),
            now=T0,
            sms=ON,
        )
        # 1× the 48-hour target: a reminder to the head, no SMS.
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=49), sms=ON)
        assert await sms_rows(session) == []
        # 2×: escalated to the manager, who never joined.
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=97), sms=ON)
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=98), sms=ON)
        assert [r.person_id for r in await sms_rows(session)] == [world["manager"]]
        # 3×: the county official too.
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=145), sms=ON)
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=146), sms=ON)
        rows = await sms_rows(session)
    assert [r.person_id for r in rows] == [world["manager"], world["county"]]
    assert rows[1].text == TRANSLATOR.get("fa", "sms-escalation", link=LINK, count=1)


async def test_resolution_escalations_text_each_unreachable_person_once_per_escalation(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["manager"])
        await new_resolution(session, world)
        await new_resolution(session, world, text="نصب چراغ در کوچهٔ مدرسه", deadline=DEADLINE)
    job = job_by_name("resolution_digest")

    async def run(day: int) -> None:
        ctx = JobContext(
            session_factory=session_factory,
            now=morning(DEADLINE + timedelta(days=day)),
            translator=TRANSLATOR,
            sms=ON,
        )
        await job.run(ctx)

    await run(8)  # both more than 7 days overdue: escalated to the manager, who never joined
    await run(9)
    async with session_factory() as session:
        rows = await sms_rows(session, world["manager"])
        assert [r.text for r in rows] == [TRANSLATOR.get("fa", "sms-escalation", link=LINK, count=2)]
        # Someone who is reachable is never texted.
        assert await sms_rows(session, world["county"]) == []
        await never_joined(session, world["county"])
    await run(15)  # more than 14 days: the county official, who has now left the bot
    await run(15)
    async with session_factory() as session:
        assert len(await sms_rows(session, world["county"])) == 1
        assert len(await sms_rows(session, world["manager"])) == 1


async def test_escalation_marks_count_only_the_new_ones(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["manager"])
        manager = world["manager"]
        assert await queue_escalation_sms(
            session, TRANSLATOR, ON, person_id=manager, escalations=["resolution:1:1"], now=T0
        )
        assert not await queue_escalation_sms(
            session, TRANSLATOR, ON, person_id=manager, escalations=["resolution:1:1"], now=T0
        )
        assert await queue_escalation_sms(
            session,
            TRANSLATOR,
            ON,
            person_id=manager,
            escalations=["resolution:1:1", "resolution:2:1"],
            now=T0,
        )
        await session.commit()
        texts = [r.text for r in await sms_rows(session)]
    assert texts == [TRANSLATOR.get("fa", "sms-escalation", link=LINK, count=1)] * 2


# ---- (c) the digest to someone who has not joined after N days ----


async def test_the_digest_texts_only_after_the_days_and_once_a_day(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["head"])
        head = world["head"]
        # Appointed at T0: not yet after three days.
        day3 = T0 + timedelta(days=3)
        assert not await queue_digest_sms(session, TRANSLATOR, ON, person_id=head, count=2, now=day3)
        day4 = T0 + timedelta(days=4)
        assert await queue_digest_sms(session, TRANSLATOR, ON, person_id=head, count=2, now=day4)
        later = day4 + timedelta(hours=3)
        assert not await queue_digest_sms(session, TRANSLATOR, ON, person_id=head, count=3, now=later)
        day5 = day4 + timedelta(days=1)
        assert await queue_digest_sms(session, TRANSLATOR, ON, person_id=head, count=3, now=day5)
        # Someone who opened the bot once and blocked it chose to: no digest by SMS.
        await add_account(session, head, 999)
        await session.execute(update(Account).where(Account.person_id == head).values(blocked_at=T0))
        day6 = day5 + timedelta(days=1)
        assert not await queue_digest_sms(session, TRANSLATOR, ON, person_id=head, count=3, now=day6)
        await session.commit()
        assert [r.text for r in await sms_rows(session)] == [
            TRANSLATOR.get("fa", "sms-digest", link=LINK, count=2),
            TRANSLATOR.get("fa", "sms-digest", link=LINK, count=3),
        ]


async def test_the_morning_digest_job_texts_a_head_who_never_joined(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build(session)
        await never_joined(session, world["head"])
        await new_resolution(session, world, responsible=Responsible.of_committee(CommitteeKey.HEALTH))
    job = job_by_name("resolution_digest")
    for now in (morning(DEADLINE), morning(DEADLINE, hour=8)):
        await job.run(JobContext(session_factory=session_factory, now=now, translator=TRANSLATOR, sms=ON))
    await job.run(JobContext(session_factory=session_factory, now=morning(DEADLINE), translator=TRANSLATOR))
    async with session_factory() as session:
        rows = await sms_rows(session)
        count = await session.scalar(select(func.count()).select_from(SmsMessage))
    assert count == 1
    assert rows[0].person_id == world["head"]
    assert rows[0].text == TRANSLATOR.get("fa", "sms-digest", link=LINK, count=1)


# ---- the settings ----


def test_sms_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMS_PROVIDER", "SMS_API_KEY", "SMS_JOIN_LINK"):
        monkeypatch.delenv(name, raising=False)
    off = Settings(_env_file=None)  # type: ignore[call-arg]
    assert off.sms_policy() == SMS_OFF and not off.sms_enabled
    monkeypatch.setenv("SMS_PROVIDER", "kavenegar")
    with pytest.raises(ValueError, match="SMS_API_KEY and SMS_JOIN_LINK"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("SMS_API_KEY", "kn-4f9a-key")
    monkeypatch.setenv("SMS_JOIN_LINK", LINK)
    monkeypatch.setenv("SMS_AFTER_DAYS", "5")
    on = Settings(_env_file=None)  # type: ignore[call-arg]
    assert on.sms_policy() == SmsPolicy(enabled=True, after_days=5, join_link=LINK)
    assert "kn-4f9a-key" not in repr(on)
