"""Nobody is silently unreachable: notifications wait for people who have not joined, climb the
ladder to someone who can act now, arrive as one summary when the person does, follow a person
who blocked the bot to their other messenger, and the sender can list who has not joined."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.media import TINY_PNG
from models import (
    Account,
    CommitteeKey,
    OutboxFile,
    OutboxFileKind,
    OutboxMessage,
    OutboxStatus,
    Platform,
    Role,
    ScopeKind,
)
from models.outbox_repo import ClaimedFile, claim_due, mark_sent, park_for_person
from models.requests import CitizenRequest, RequestStatus
from services.accounts import identify, link_contact
from services.authz import OPERATOR, PermissionDenied, load_actor
from services.council import register_member
from services.i18n import Translator
from services.notify import Button, Reach, notify_person, release_waiting
from services.outbox import Attachment, enqueue_for_person
from services.reach import not_joined
from services.regions import import_regions
from services.requests import NewRequest, submit_request
from services.residents import join_neighbourhood
from tests.unit import seed

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
REGIONS = """province,county,neighbourhood,code,kind
تهران,شهر ری,دولت‌آباد,1001,urban
تهران,شهر ری,باقرآباد,1002,rural
"""
TRANSLATOR = Translator()
Factory = async_sessionmaker[AsyncSession]


async def account_for(
    session: AsyncSession, phone: str, user_id: int, platform: Platform = Platform.TELEGRAM
) -> int:
    """The person with this phone opens the bot and shares their contact (as the handler does)."""
    await identify(
        session, platform=platform, user_id=user_id, chat_id=user_id, first_name=None, username=None, now=T0
    )
    account = await session.scalar(
        select(Account).where(Account.platform == platform, Account.platform_user_id == user_id)
    )
    assert account is not None
    viewer = await link_contact(
        session,
        account_id=account.id,
        sender_user_id=user_id,
        contact_user_id=user_id,
        phone_number=phone,
        contact_name=None,
        admin_phones=frozenset(),
        now=T0 + timedelta(days=1),
        translator=TRANSLATOR,
    )
    assert viewer.person_id is not None
    return viewer.person_id


async def appoint(
    session: AsyncSession, phone: str, role: Role, kind: ScopeKind, scope: str | None, name: str
) -> int:
    await seed.appoint(session, phone, role, kind, scope, now=T0, full_name=name)
    await session.commit()
    return await seed.person_id_of(session, phone)


async def resident_of_1001(session: AsyncSession) -> int:
    person_id = await account_for(session, "09120000301", 301)
    await join_neighbourhood(session, person_id=person_id, code="1001", now=T0)
    return person_id


async def outbox(session: AsyncSession, person_id: int) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.person_id == person_id).order_by(OutboxMessage.id)
        )
    )


async def submit(
    session: AsyncSession, resident: int, text: str = "درمانگاه محله پزشک ندارد و شلوغ است"
) -> int:
    submitted = await submit_request(
        session,
        TRANSLATOR,
        person_id=resident,
        draft=NewRequest(text=text, committee=CommitteeKey.HEALTH),
        now=T0,
    )
    return submitted.id


async def test_a_request_with_nobody_in_the_bot_reaches_the_county_and_waits_for_the_rest(
    session_factory: Factory,
) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        county = await appoint(
            session, "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری", "فرماندار"
        )
        await account_for(session, "09120000103", 103)
        resident = await resident_of_1001(session)
        submitted = await submit_request(
            session,
            TRANSLATOR,
            person_id=resident,
            draft=NewRequest(text="درمانگاه محله پزشک ندارد و شلوغ است", committee=CommitteeKey.HEALTH),
            now=T0,
        )
        # No head for health: the manager (never opened the bot) keeps it waiting; the county
        # official has it now, and the resident is told so.
        assert submitted.holder.level == "county_official" and submitted.holder.reachable
        assert submitted.holder.names == ("فرماندار",)
        [waiting] = await outbox(session, manager)
        assert (waiting.status, waiting.chat_id, waiting.topic) == (
            OutboxStatus.WAITING,
            None,
            f"request:{submitted.id}",
        )
        [now] = await outbox(session, county)
        assert (now.status, now.chat_id) == (OutboxStatus.PENDING, 103)


async def test_nobody_reachable_anywhere_keeps_it_for_the_first_rung(session_factory: Factory) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        county = await appoint(
            session, "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری", "فرماندار"
        )
        resident = await resident_of_1001(session)
        submitted = await submit_request(
            session,
            TRANSLATOR,
            person_id=resident,
            draft=NewRequest(text="درمانگاه محله پزشک ندارد و شلوغ است", committee=CommitteeKey.HEALTH),
            now=T0,
        )
        assert submitted.holder.level == "manager" and not submitted.holder.reachable
        assert [m.status for m in await outbox(session, manager)] == [OutboxStatus.WAITING]
        assert [m.status for m in await outbox(session, county)] == [OutboxStatus.WAITING]


async def test_a_person_who_arrives_gets_one_summary_then_what_still_needs_an_answer(
    session_factory: Factory,
) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        resident = await resident_of_1001(session)
        first = await submit(session, resident)
        second = await submit(session, resident, "آسفالت کوچه خراب است و چاله دارد")
        closed = await submit(session, resident, "لامپ پارک محله سوخته است و شب تاریک است")
        await session.execute(
            CitizenRequest.__table__.update()
            .where(CitizenRequest.id == closed)
            .values(status=RequestStatus.CLOSED)
        )
        for n in range(3):  # plain news, no buttons
            assert (
                await notify_person(
                    session, TRANSLATOR, person_id=manager, render=lambda t, n=n: f"خبر {n}", now=T0
                )
                is Reach.WAITING
            )
        await session.commit()
        assert len(await outbox(session, manager)) == 6

        await account_for(session, "09120000101", 101)

        rows = await outbox(session, manager)
        old, new = rows[:6], rows[6:]
        assert {m.status for m in old} == {OutboxStatus.MERGED}
        # One summary, then the two open requests in full with their buttons, in that order.
        assert [m.status for m in new] == [OutboxStatus.PENDING] * 3
        assert all(m.chat_id == 101 for m in new)
        summary, *in_full = new
        assert summary.reply_markup is None and "۶" in summary.text
        assert "خبر ۰" not in summary.text and "خبر 0" in summary.text  # the lines as they were written
        assert [m.topic for m in in_full] == [f"request:{first}", f"request:{second}"]
        assert all(m.reply_markup for m in in_full)
        # Nothing more waits, and a second arrival sends nothing again.
        assert await release_waiting(session, TRANSLATOR, person_id=manager, now=T0) == 0


async def test_one_waiting_message_goes_as_it_is(session_factory: Factory) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        await notify_person(
            session,
            TRANSLATOR,
            person_id=manager,
            render=lambda t: "سلام",
            now=T0,
            buttons=[[Button("request-button-seen", "x:1")]],
            dedup_key="hello:1",
        )
        await session.commit()
        await account_for(session, "09120000101", 101, Platform.BALE)
        [row] = await outbox(session, manager)
        assert (row.status, row.platform, row.chat_id, row.text) == (
            OutboxStatus.PENDING,
            Platform.BALE,
            101,
            "سلام",
        )
        # The dedup key still holds: the same notification is never queued twice.
        again = await notify_person(
            session, TRANSLATOR, person_id=manager, render=lambda t: "سلام", now=T0, dedup_key="hello:1"
        )
        assert again is Reach.ALREADY


async def files_of(session: AsyncSession, person_id: int) -> list[tuple[int, str, bytes]]:
    """(outbox id, file name, bytes) of the files on the person's outbox messages."""
    rows = await session.execute(
        select(OutboxFile.outbox_id, OutboxFile.filename, OutboxFile.body)
        .join(OutboxMessage, OutboxMessage.id == OutboxFile.outbox_id)
        .where(OutboxMessage.person_id == person_id)
        .order_by(OutboxFile.outbox_id)
    )
    return [(outbox_id, name, bytes(body)) for outbox_id, name, body in rows.all()]


async def test_files_wait_for_their_person_and_go_with_them_when_they_arrive(
    session_factory: Factory,
) -> None:
    """A chart and a workbook queued to people who have not opened the bot wait like texts; when
    they arrive the files are sent in full (never folded into the «while you were away» note),
    after it, and the bytes move with them."""
    png, xlsx = TINY_PNG, b"PK\x03\x04workbook"
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        other = await appoint(session, "09120000102", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002", "مدیر ۲")
        await notify_person(session, TRANSLATOR, person_id=manager, render=lambda t: "گزارش آبان", now=T0)
        for person_id, attachment in (
            (manager, Attachment(OutboxFileKind.PHOTO, "chart.png", png)),
            (manager, Attachment(OutboxFileKind.DOCUMENT, "report.xlsx", xlsx)),
            (other, Attachment(OutboxFileKind.DOCUMENT, "report.xlsx", xlsx)),
        ):
            waiting = await enqueue_for_person(
                session, person_id=person_id, text="", now=T0, attachment=attachment
            )
            assert waiting is not None and waiting.status is OutboxStatus.WAITING
        await session.commit()
        [(alone, _, _)] = await files_of(session, other)

        # Several waiting: the note, then each file in full, to the chat they arrived in.
        await account_for(session, "09120000101", 101)
        rows = await outbox(session, manager)
        old, new = rows[:3], rows[3:]
        assert {m.status for m in old} == {OutboxStatus.MERGED}
        assert [(m.status, m.chat_id) for m in new] == [(OutboxStatus.PENDING, 101)] * 3
        note, chart, book = new
        assert "گزارش آبان" in note.text and (chart.text, book.text) == ("", "")
        assert await files_of(session, manager) == [
            (chart.id, "chart.png", png),
            (book.id, "report.xlsx", xlsx),
        ]

        # One waiting: it goes as it is, file and all, on the messenger they opened.
        await account_for(session, "09120000102", 555, Platform.BALE)
        [row] = await outbox(session, other)
        assert (row.id, row.status, row.platform, row.chat_id) == (
            alone,
            OutboxStatus.PENDING,
            Platform.BALE,
            555,
        )
        assert await files_of(session, other) == [(alone, "report.xlsx", xlsx)]

        # The delivery worker is handed their names (the bytes it reads just before the upload),
        # in each chat's order: the note before the chart, the chart before the workbook.
        later = T0 + timedelta(days=2)
        claimed = await claim_due(session, "w", later, 30, 10)
        assert [(c.id, c.file) for c in claimed] == [
            (alone, ClaimedFile(OutboxFileKind.DOCUMENT, "report.xlsx")),
            (note.id, None),
        ]
        assert await mark_sent(session, note.id, worker_id="w", sent_message_id=1, now=later)
        [next_up] = await claim_due(session, "w", later, 30, 10)
        assert (next_up.id, next_up.file) == (chart.id, ClaimedFile(OutboxFileKind.PHOTO, "chart.png"))


async def claim_one(session: AsyncSession, worker: str = "w") -> int:
    [claimed] = await claim_due(session, worker, T0 + timedelta(days=2), 30, 10)
    return claimed.id


async def test_blocked_on_one_messenger_goes_to_the_other_then_waits(session_factory: Factory) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        await account_for(session, "09120000101", 555, Platform.BALE)
        await account_for(session, "09120000101", 101, Platform.TELEGRAM)  # used last
        await notify_person(session, TRANSLATOR, person_id=manager, render=lambda t: "یک", now=T0)
        await session.commit()
        later = T0 + timedelta(days=2)

        # Telegram says blocked: the message moves to Bale.
        msg_id = await claim_one(session)
        assert (
            await park_for_person(session, msg_id, worker_id="w", error="Forbidden: blocked", now=later)
            is OutboxStatus.PENDING
        )
        await session.commit()
        row = await session.get(OutboxMessage, msg_id)
        assert row is not None and (row.platform, row.chat_id) == (Platform.BALE, 555)

        # Bale blocked too: it waits for the person.
        msg_id = await claim_one(session)
        assert (
            await park_for_person(session, msg_id, worker_id="w", error="Forbidden: blocked", now=later)
            is OutboxStatus.WAITING
        )
        await session.commit()
        await session.refresh(row)
        assert (row.status, row.chat_id) == (OutboxStatus.WAITING, None)
        assert (await not_joined(session, OPERATOR))[0].person_id == manager

        # They write to the bot on Telegram again: unblocked there, and the message follows.
        await identify(
            session,
            platform=Platform.TELEGRAM,
            user_id=101,
            chat_id=101,
            first_name=None,
            username=None,
            now=later,
            translator=TRANSLATOR,
        )
        await session.refresh(row)
        assert (row.status, row.platform, row.chat_id) == (OutboxStatus.PENDING, Platform.TELEGRAM, 101)


async def test_a_message_to_no_person_in_a_blocked_chat_fails_for_good(session_factory: Factory) -> None:
    from services.outbox import enqueue

    async with session_factory() as session:
        await enqueue(session, platform=Platform.TELEGRAM, chat_id=42, text="x", now=T0)
        await session.commit()
        msg_id = await claim_one(session)
        assert (
            await park_for_person(session, msg_id, worker_id="w", error="Forbidden", now=T0)
            is OutboxStatus.FAILED
        )


async def test_who_has_not_joined_yet_by_area(session_factory: Factory) -> None:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        manager = await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر")
        await appoint(session, "09120000102", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002", "مدیر دیگر")
        county = await appoint(
            session, "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری", "فرماندار"
        )
        await register_member(
            session,
            actor=OPERATOR,
            neighbourhood_id=1,
            full_name="رئیس بهداشت",
            phone="09120000201",
            now=T0,
            committees=[CommitteeKey.HEALTH],
            head_of=CommitteeKey.HEALTH,
        )
        await account_for(session, "09120000101", 101)
        await account_for(session, "09120000103", 103)
        resident = await resident_of_1001(session)
        await submit(session, resident)  # reaches the head, who has not joined: one waits

        as_manager = await not_joined(session, await load_actor(session, manager))
        assert [(p.name, p.role, p.place, p.waiting) for p in as_manager] == [
            ("رئیس بهداشت", Role.COMMITTEE_HEAD, "دولت‌آباد", 1)
        ]
        as_county = await not_joined(session, await load_actor(session, county))
        assert sorted(p.name or "" for p in as_county) == ["رئیس بهداشت", "مدیر دیگر"]
        with pytest.raises(PermissionDenied):
            await not_joined(session, await load_actor(session, resident))


async def test_the_weekly_county_digest_names_who_has_not_joined(session_factory: Factory) -> None:
    from services.reminders import run_county_digest

    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        await appoint(session, "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", "مدیر غایب")
        county = await appoint(
            session, "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری", "فرماندار"
        )
        await account_for(session, "09120000103", 103)
        summary = await run_county_digest(session, TRANSLATOR, now=T0 + timedelta(days=7))
        assert summary.digests == 1  # nothing open in the county, but someone is missing
        text = "\n".join(m.text for m in await outbox(session, county))
        expected = TRANSLATOR.get(
            "fa",
            "county-digest-not-joined",
            count=1,
            names=f"مدیر غایب ({TRANSLATOR.get('fa', 'role-manager')})",
        )
        assert expected in text
