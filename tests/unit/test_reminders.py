"""Reminders about resolutions without a messenger: the morning digest (one message per person
and day, across reruns, restarts and concurrent runs), the escalations to the manager and the
county, the long digest split into a short series, the weekly county digest, and the scheduler's
decision to catch up on a run missed while the bot was down."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import (
    build_scheduler,
    catch_up,
    effective_cron,
    job_schedules,
    reminder_policy,
    should_catch_up,
)
from bot.settings import Settings
from models import Account, CommitteeKey, OutboxMessage, Person, Role, ScopeKind, reminders_repo
from models.council import Agency
from models.identity import County, Neighbourhood
from models.resolutions import ReminderMark, ResolutionStatus
from services.authz import OPERATOR
from services.council import set_liaison
from services.i18n import Translator
from services.jalali import MONTHS_FA
from services.jobs import JOBS, JobContext, job_by_name
from services.regions import import_regions
from services.reminders import (
    COUNTY_NEIGHBOURHOODS_SHOWN,
    ESCALATIONS_SHOWN,
    MESSAGE_LIMIT,
    CountyStats,
    NeighbourhoodStats,
    ReminderPolicy,
    ResolutionLine,
    county_stats,
    render_county_digest,
    render_escalation,
    run_county_digest,
    run_resolution_digest,
    run_resolution_escalations,
    shorten,
    split_message,
    week_start,
)
from services.resolutions import Responsible, add_resolution, update_progress
from services.responsibility import claim_marks
from tests.unit.seed import REGIONS, add_telegram_account, appoint, person_id_of, seat

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # Sunday 10 Aban 1405, 09:30 in Tehran
DEADLINE = date(2026, 11, 10)  # 19 Aban 1405


def morning(day: date, hour: int = 5, minute: int = 30) -> datetime:
    """That day at 09:00 in Tehran (05:30 UTC) unless told otherwise."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


TRANSLATOR = Translator()
PERSIAN_DIGIT = re.compile(r"[۰-۹]")


async def add_account(session: AsyncSession, person_id: int, user_id: int, locale: str | None = None) -> None:
    await add_telegram_account(session, person_id, user_id, now=T0, locale=locale)


async def build(session: AsyncSession) -> dict[str, int]:
    """Two neighbourhoods of شهر ری and one of تهران; a manager, the county officials, the
    health network's liaison in شهر ری, a health committee head; everyone has opened the bot."""
    await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
    ids: dict[str, int] = {
        "n1": await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == "1001")) or 0,
        "n2": await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == "1002")) or 0,
        "rey": await session.scalar(select(County.id).where(County.name == "شهر ری")) or 0,
        "agency": await session.scalar(select(Agency.id).where(Agency.key == "health_network")) or 0,
    }
    grants = [
        ("manager", "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
        ("other_manager", "09120000102", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        ("county", "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        ("other_county", "09120000104", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "تهران"),
    ]
    for label, phone, role, kind, scope in grants:
        await appoint(session, phone, role, kind, scope, now=T0)
        ids[label] = await person_id_of(session, phone)
    await set_liaison(
        session,
        actor=OPERATOR,
        county_id=ids["rey"],
        agency_key="health_network",
        phone="09120000201",
        full_name="رابط شبکه بهداشت",
        now=T0,
    )
    ids["liaison"] = await person_id_of(session, "09120000201")
    await seat(session, "رئیس کمیته بهداشت", "09120000202", ids["n1"], CommitteeKey.HEALTH, head=True, now=T0)
    ids["head"] = await person_id_of(session, "09120000202")
    for user_id, label in enumerate(
        ("manager", "other_manager", "county", "other_county", "liaison", "head"), start=100
    ):
        await add_account(session, ids[label], user_id)
    return ids


async def new_resolution(
    session: AsyncSession,
    world: dict[str, int],
    *,
    text: str = "تعمیر پمپ آب درمانگاه محله پیش از فصل گرما",
    deadline: date = DEADLINE,
    neighbourhood: str = "n1",
    responsible: Responsible | None = None,
) -> int:
    view = await add_resolution(
        session,
        TRANSLATOR,
        actor=OPERATOR,
        neighbourhood_id=world[neighbourhood],
        text=text,
        responsible=responsible or Responsible.of_agency(world["agency"]),
        deadline=deadline,
        now=T0,
    )
    return view.id


async def messages_to(session: AsyncSession, person_id: int, prefix: str) -> list[str]:
    rows = await session.scalars(
        select(OutboxMessage.text)
        .where(OutboxMessage.person_id == person_id, OutboxMessage.dedup_key.like(f"{prefix}:%"))
        .order_by(OutboxMessage.id)
    )
    return list(rows)


async def digests_to(session: AsyncSession, person_id: int) -> list[str]:
    return await messages_to(session, person_id, "digest")


async def escalations_to(session: AsyncSession, person_id: int) -> list[str]:
    return await messages_to(session, person_id, "resolution-escalation")


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with session_factory() as session:
        return await build(session)


# ---- the morning digest ----


async def test_the_liaison_gets_one_digest_a_day_only_when_due_soon_or_overdue(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    job = job_by_name("resolution_digest")
    async with session_factory() as session:
        resolution_id = await new_resolution(session, world)

    async def run(now: datetime) -> str:
        return await job.run(JobContext(session_factory=session_factory, now=now, translator=TRANSLATOR))

    # Five days before the deadline: nothing to say.
    summary = await run(morning(DEADLINE - timedelta(days=5)))
    assert "digest: 0 of 0 people" in summary
    async with session_factory() as session:
        assert await digests_to(session, world["liaison"]) == []

    # Two days before: one digest with the resolution due soon.
    await run(morning(DEADLINE - timedelta(days=2)))
    async with session_factory() as session:
        [soon] = await digests_to(session, world["liaison"])
    assert "پمپ آب درمانگاه" in soon and "۲ روز مانده" in soon and "/resolutions" in soon
    assert "۱۹ آبان ۱۴۰۵" in soon

    # The day after the deadline: exactly one more digest, now overdue.
    after = morning(DEADLINE + timedelta(days=1))
    summary = await run(after)
    assert "digest: 1 of 1 people, 1 messages" in summary
    async with session_factory() as session:
        digests = await digests_to(session, world["liaison"])
    assert len(digests) == 2
    overdue = digests[-1]
    assert "۱ روز گذشته" in overdue and "⛔" in overdue and "دولت‌آباد" in overdue

    # Again the same morning, and after a "restart" (a new context and translator): nothing new.
    assert "digest: 0 of 1 people" in await run(after + timedelta(minutes=5))
    await job.run(JobContext(session_factory=session_factory, now=after + timedelta(hours=3)))
    async with session_factory() as session:
        assert len(await digests_to(session, world["liaison"])) == 2
        marks = set(await session.scalars(select(ReminderMark.key).where(ReminderMark.key.like("digest:%"))))
        assert marks == {
            f"digest:{world['liaison']}:{DEADLINE - timedelta(days=2)}",
            f"digest:{world['liaison']}:{DEADLINE + timedelta(days=1)}",
        }
        # Done: no more digests.
        await update_progress(
            session, TRANSLATOR, actor=OPERATOR, resolution_id=resolution_id, now=after, progress=100
        )
    await run(morning(DEADLINE + timedelta(days=2)))
    async with session_factory() as session:
        assert len(await digests_to(session, world["liaison"])) == 2


async def test_two_instances_running_the_digest_at_once_send_one(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await new_resolution(session, world)
        await new_resolution(
            session, world, text="تجهیز اتاق واکسیناسیون درمانگاه", deadline=DEADLINE + timedelta(days=1)
        )
    now = morning(DEADLINE + timedelta(days=3))

    async def one_instance() -> int:
        async with session_factory() as session:
            summary = await run_resolution_digest(session, TRANSLATOR, now=now)
            return summary.digests

    sent = await asyncio.gather(one_instance(), one_instance())
    assert sorted(sent) == [0, 1]
    async with session_factory() as session:
        [digest] = await digests_to(session, world["liaison"])
        assert "پمپ آب" in digest and "واکسیناسیون" in digest
        assert await session.scalar(select(func.count(ReminderMark.id))) == 1


async def test_one_message_for_all_of_a_persons_resolutions_in_their_language(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await new_resolution(
            session, world, text="پیگیری پزشک خانواده", deadline=DEADLINE - timedelta(days=4)
        )
        await new_resolution(session, world, text="تعمیر آمبولانس", deadline=DEADLINE - timedelta(days=1))
        await new_resolution(session, world, text="واکسیناسیون مدارس", deadline=DEADLINE + timedelta(days=2))
        await new_resolution(session, world, text="آموزش کمک‌های اولیه", deadline=DEADLINE + timedelta(days=9))
        # The health committee's resolution goes to its head, not to the liaison.
        await new_resolution(
            session,
            world,
            text="جلسه با خانه بهداشت",
            responsible=Responsible.of_committee(CommitteeKey.HEALTH),
        )
        account = await session.scalar(select(Account).where(Account.person_id == world["head"]))
        assert account is not None
        account.locale = "en"
        await session.commit()
        summary = await run_resolution_digest(session, TRANSLATOR, now=morning(DEADLINE))
        assert (summary.people, summary.digests, summary.messages) == (2, 2, 2)
        [digest] = await digests_to(session, world["liaison"])
        [english] = await digests_to(session, world["head"])
    # Overdue first, most overdue first; then due soon; the far one is not there.
    order = [digest.index(text) for text in ("پزشک خانواده", "آمبولانس", "واکسیناسیون")]
    assert order == sorted(order)
    assert "آموزش کمک‌های اولیه" not in digest
    assert "۴ روز گذشته" in digest and "۲ روز مانده" in digest and "جلسه با خانه بهداشت" not in digest
    assert "از موعد گذشته: ۲ — موعد در ۳ روز آینده: ۱" in digest
    assert "Your resolutions" in english and "19 Aban 1405 (today)" in english and "0% done" in english
    assert "جلسه با خانه بهداشت" in english and "آمبولانس" not in english
    assert not PERSIAN_DIGIT.search(english)


async def test_someone_who_never_opened_the_bot_gets_it_once_they_do(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        for account in await session.scalars(select(Account).where(Account.person_id == world["liaison"])):
            await session.delete(account)
        await session.commit()
        await new_resolution(session, world)
        now = morning(DEADLINE + timedelta(days=1))
        assert (await run_resolution_digest(session, TRANSLATOR, now=now)).digests == 0
        assert await session.scalar(select(func.count(ReminderMark.id))) == 0
        await add_account(session, world["liaison"], 555)
        assert (await run_resolution_digest(session, TRANSLATOR, now=now + timedelta(hours=2))).digests == 1


async def test_forty_overdue_items_make_one_short_readable_series(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    long_tail = " و گزارش آن به شورای پیشرفت محله همراه با فهرست هزینه‌ها و نام پیمانکار و زمان‌بندی دقیق اجرا"
    async with session_factory() as session:
        for i in range(40):
            await new_resolution(
                session,
                world,
                text=f"مصوبه-{i:02d} بازسازی بخش {i} درمانگاه{long_tail}",
                deadline=DEADLINE - timedelta(days=i),
            )
        await run_resolution_digest(session, TRANSLATOR, now=morning(DEADLINE + timedelta(days=1)))
        await run_resolution_digest(session, TRANSLATOR, now=morning(DEADLINE + timedelta(days=1), hour=9))
        parts = await digests_to(session, world["liaison"])
    assert 1 <= len(parts) <= 3
    assert all(len(part) <= MESSAGE_LIMIT <= 4096 for part in parts)
    text = "\n".join(parts)
    for i in range(40):
        assert text.count(f"مصوبه-{i:02d}") == 1, i
    # Most overdue first: resolution 39 (40 days late) leads, resolution 0 (1 day) ends.
    assert text.index("مصوبه-39") < text.index("مصوبه-20") < text.index("مصوبه-00")
    assert "۴۰ روز گذشته" in text and "از موعد گذشته: ۴۰" in parts[0]
    assert any(month in text for month in MONTHS_FA)
    assert "…" in text and long_tail.strip() not in text  # texts are shortened
    if len(parts) > 1:
        for number, part in enumerate(parts, start=1):
            assert f"(بخش {'۰۱۲۳'[number]} از {'۰۱۲۳'[len(parts)]})" in part.splitlines()[0]
    assert "/resolutions" in parts[-1]


# ---- escalations ----


async def test_escalation_to_the_manager_after_a_week_and_the_county_after_two(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    job = job_by_name("resolution_digest")
    async with session_factory() as session:
        await new_resolution(session, world)
        await new_resolution(session, world, text="نصب تابلو ساعات کار درمانگاه")
        # Another neighbourhood of the county: its manager, not ours, hears of it.
        await new_resolution(session, world, text="لایروبی جوی آب روستا", neighbourhood="n2")

    async def run(days_late: int, minutes: int = 0) -> str:
        now = morning(DEADLINE + timedelta(days=days_late)) + timedelta(minutes=minutes)
        return await job.run(JobContext(session_factory=session_factory, now=now, translator=TRANSLATOR))

    await run(7)  # overdue by 7 days: not yet "more than 7"
    async with session_factory() as session:
        assert await escalations_to(session, world["manager"]) == []
    summary = await run(8)
    assert "escalations: 3 new" in summary
    await run(8, minutes=30)
    async with session_factory() as session:
        [escalation] = await escalations_to(session, world["manager"])
        assert "پمپ آب" in escalation and "تابلو ساعات" in escalation and "لایروبی" not in escalation
        assert "مدیر محله" in escalation and "شبکه بهداشت و درمان" in escalation
        assert "۸ روز گذشته" in escalation
        assert len(await escalations_to(session, world["other_manager"])) == 1
        assert await escalations_to(session, world["county"]) == []

    await run(14)
    async with session_factory() as session:
        assert await escalations_to(session, world["county"]) == []
    await run(15)
    await job.run(JobContext(session_factory=session_factory, now=morning(DEADLINE + timedelta(days=16))))
    async with session_factory() as session:
        # One message for all three resolutions of the county, once.
        [county] = await escalations_to(session, world["county"])
        assert all(text in county for text in ("پمپ آب", "تابلو ساعات", "لایروبی"))
        assert "(۳ مصوبه)" in county and "مسئول شهرستان" in county
        assert len(await escalations_to(session, world["manager"])) == 1
        assert await escalations_to(session, world["other_county"]) == []
        # The liaison still had one digest a day throughout.
        assert len(await digests_to(session, world["liaison"])) == 5


async def test_a_late_first_run_escalates_both_levels_once_and_concurrent_runs_do_not_repeat(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await new_resolution(session, world)
    now = morning(DEADLINE + timedelta(days=20))

    async def one_instance() -> int:
        async with session_factory() as session:
            return (await run_resolution_escalations(session, TRANSLATOR, now=now)).escalated

    assert sorted(await asyncio.gather(one_instance(), one_instance())) == [0, 2]
    async with session_factory() as session:
        assert len(await escalations_to(session, world["manager"])) == 1
        assert len(await escalations_to(session, world["county"])) == 1


async def test_thresholds_come_from_the_policy(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    policy = ReminderPolicy(escalate_manager_days=2, escalate_county_days=4)
    async with session_factory() as session:
        await new_resolution(session, world)
        await run_resolution_escalations(
            session, TRANSLATOR, now=morning(DEADLINE + timedelta(days=3)), policy=policy
        )
        [escalation] = await escalations_to(session, world["manager"])
        assert "بیش از ۲ روز" in escalation
        assert await escalations_to(session, world["county"]) == []


# ---- the weekly county digest ----


async def test_the_county_digest_comes_once_a_week_to_each_official(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    saturday = date(2026, 11, 14)
    job = job_by_name("county_digest")
    async with session_factory() as session:
        await new_resolution(session, world)
        await new_resolution(
            session,
            world,
            text="آسفالت کوچه مدرسه",
            neighbourhood="n2",
            deadline=DEADLINE + timedelta(days=30),
        )
        done = await new_resolution(session, world, text="نصب سطل زباله در پارک")
        await update_progress(
            session,
            TRANSLATOR,
            actor=OPERATOR,
            resolution_id=done,
            now=morning(saturday) - timedelta(days=2),
            progress=100,
        )

    async def run(now: datetime) -> str:
        return await job.run(JobContext(session_factory=session_factory, now=now, translator=TRANSLATOR))

    saturday_digest_time = morning(saturday, hour=6, minute=0)  # 09:30 in Tehran
    assert "county digest: 1 of 2 officials" in await run(saturday_digest_time)
    await run(saturday_digest_time + timedelta(hours=1))
    await run(morning(saturday + timedelta(days=1)))  # Sunday: the same week
    async with session_factory() as session:
        [digest] = await messages_to(session, world["county"], "county-digest")
        # The Tehran county has nothing open: its official is not bothered.
        assert await messages_to(session, world["other_county"], "county-digest") == []
    assert "شهر ری" in digest and "۲۳ آبان ۱۴۰۵" in digest
    assert "مصوبات باز: ۲ (گذشته از موعد: ۱)" in digest
    assert "انجام‌شده در ۷ روز گذشته: ۱" in digest
    assert "• دولت‌آباد: ۱ باز، ۱ عقب‌افتاده، ۱ انجام‌شده" in digest
    assert "• باقرآباد: ۱ باز، ۰ عقب‌افتاده" in digest
    assert "پمپ آب" in digest and "آسفالت" not in digest.split("🔻")[1]
    assert "🎯" not in digest  # no plans in the county: no line of them
    await run(morning(saturday + timedelta(days=7), hour=6))
    async with session_factory() as session:
        assert len(await messages_to(session, world["county"], "county-digest")) == 2


def test_a_county_escalated_all_at_once_gets_one_message_naming_the_most_overdue() -> None:
    lines = [
        ResolutionLine(n, f"محله {n % 40}", f"مصوبه شماره {n}", DEADLINE, 10, days_overdue=15 + n % 90)
        for n in range(3000)
    ]
    [message] = render_escalation(TRANSLATOR.bind("fa"), {2: lines})
    assert "(۳۰۰۰)" in message  # the count is all of them
    named = [line for line in message.splitlines() if "مصوبه شماره" in line]
    assert len(named) == ESCALATIONS_SHOWN == 15
    assert all("۱۰۴ روز" in line for line in named)  # the most overdue first
    assert "…و ۲۹۸۵ مصوبهٔ دیگر که هیچ‌کدام بیش از این‌ها عقب نیفتاده‌اند." in message


def test_a_county_of_many_neighbourhoods_is_one_message_naming_the_most_overdue() -> None:
    # 2,000 neighbourhoods, 300 with something open: one message, not a page per neighbourhood.
    neighbourhoods = [
        NeighbourhoodStats(name=f"محله {n}", open=n % 7 + 1, overdue=n % 5)
        if n < 300
        else NeighbourhoodStats(name=f"محله {n}")
        for n in range(2000)
    ]
    stats = CountyStats(county="شهر ری", neighbourhoods=neighbourhoods, worst=[])
    [digest] = render_county_digest(TRANSLATOR.bind("fa"), [stats], date(2026, 11, 14))
    named = [line for line in digest.splitlines() if line.startswith("• ")]
    assert len(named) == COUNTY_NEIGHBOURHOODS_SHOWN
    assert all("۴ عقب‌افتاده" in line for line in named)  # the most overdue first
    assert "…و ۲۹۰ محلهٔ دیگر با موارد باز" in digest and "/report" in digest
    assert "۱۷۰۰ محلهٔ دیگر مصوبه یا درخواست بازی ندارند" in digest


async def test_county_digest_counts_requests_and_respects_the_configured_week(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    from services.requests import NewRequest, submit_request
    from services.residents import join_neighbourhood

    async with session_factory() as session:
        resident = await person_id_of_new(session, "09120000301", 300)
        await join_neighbourhood(session, person_id=resident, code="1001", now=T0)
        for text in ("درمانگاه محله پزشک ندارد و مردم معطل هستند", "چراغ‌های خیابان اصلی محله خاموش است"):
            await submit_request(
                session,
                TRANSLATOR,
                person_id=resident,
                draft=NewRequest(text=text, committee=CommitteeKey.HEALTH),
                now=T0,
            )
        wednesday = date(2026, 11, 25)  # 24 days after T0: both past the 14-day target
        policy = ReminderPolicy(county_digest_weekday=2)
        summary = await run_county_digest(session, TRANSLATOR, now=morning(wednesday), policy=policy)
        assert summary.digests == 1
        [digest] = await messages_to(session, world["county"], "county-digest")
        assert "درخواست‌های باز مردم: ۲ (گذشته از مهلت: ۲)" in digest
        assert f"county-digest:{world['county']}:{wednesday}" in set(
            await session.scalars(select(ReminderMark.key))
        )


async def test_the_county_digest_tells_the_plans_progress_and_late_projects(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    from services.plans import import_plan, read_plan_file

    header = "goal,strategy,policy,project,responsible,weight,start,end,progress\n"

    async def plan(session: AsyncSession, kind: ScopeKind, scope_id: int, rows: str) -> None:
        await import_plan(
            session,
            TRANSLATOR,
            actor=OPERATOR,
            scope_kind=kind,
            scope_id=scope_id,
            title="برنامه",
            rows=read_plan_file(header + rows),
            now=T0,
        )

    saturday = date(2026, 11, 14)
    async with session_factory() as session:
        await new_resolution(session, world)
        # شهر ری's own plan at (30 + 50) / 2 = 40 %; دولت‌آباد's at 60 %, its project past its end
        # (31 Shahrivar 1405): late. Together (40 + 60) / 2 = 50 %, one of three projects late.
        await plan(session, ScopeKind.COUNTY, world["rey"], "الف,,,پ۱,,,,,30\nالف,,,پ۲,,,,,50\n")
        await plan(session, ScopeKind.NEIGHBOURHOOD, world["n1"], "ب,,,پ۳,,,1405/01/01,1405/06/31,60\n")
        # The Tehran county has nothing open, but a project past its end (30 Mehr 1405) at 10 %.
        tehran = await session.scalar(select(County.id).where(County.name == "تهران"))
        assert tehran is not None
        await plan(session, ScopeKind.COUNTY, tehran, "ج,,,پ۴,,,1405/01/01,1405/07/30,10\n")
        summary = await run_county_digest(session, TRANSLATOR, now=morning(saturday, hour=6))
        assert summary.digests == 2
        [digest] = await messages_to(session, world["county"], "county-digest")
        [other] = await messages_to(session, world["other_county"], "county-digest")
    assert "🎯 برنامه‌ها: ۲ برنامه، پیشرفت میانگین ۵۰٪ — پروژه‌های عقب‌افتاده: ۱ از ۳" in digest
    assert "🎯 برنامه‌ها: ۱ برنامه، پیشرفت میانگین ۱۰٪ — پروژه‌های عقب‌افتاده: ۱ از ۱" in other
    # The plans' line sits under the county's totals.
    assert digest.index("🎯") > digest.index("درخواست‌های باز مردم")
    async with session_factory() as session:
        stats = await county_stats(session, world["rey"], now=morning(saturday, hour=6))
    (english,) = render_county_digest(TRANSLATOR.bind("en"), [stats], saturday)
    assert "🎯 Plans: 2, mean progress 50% — late projects: 1 of 3" in english


async def person_id_of_new(session: AsyncSession, phone: str, user_id: int) -> int:
    person = Person(phone="+98" + phone[1:], full_name="ساکن", created_at=T0)
    session.add(person)
    await session.flush()
    await add_account(session, person.id, user_id)
    return person.id


def test_weeks_start_on_the_digest_day() -> None:
    saturday = date(2026, 11, 14)
    assert week_start(saturday, 5) == saturday
    assert week_start(saturday + timedelta(days=6), 5) == saturday
    assert week_start(saturday + timedelta(days=7), 5) == saturday + timedelta(days=7)


# ---- text helpers ----


def test_shorten_cuts_at_a_word_and_keeps_short_text() -> None:
    assert shorten("کوتاه\nو  ساده") == "کوتاه و ساده"
    long = "کلمه " * 40
    short = shorten(long)
    assert len(short) <= 80 and short.endswith("…") and "  " not in short
    assert shorten("x" * 200).endswith("…") and len(shorten("x" * 200)) == 80


def test_split_message_splits_only_between_lines_and_numbers_the_parts() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(100)]

    def header(part: int, total: int) -> str:
        return "Title" + (f" ({part}/{total})" if total > 1 else "")

    parts = split_message(header, lines, "footer", limit=1000)
    assert len(parts) > 1 and all(len(p) <= 1000 for p in parts)
    assert [p.splitlines()[0] for p in parts] == [
        f"Title ({i}/{len(parts)})" for i in range(1, len(parts) + 1)
    ]
    body = [line for p in parts for line in p.splitlines()[1:]]
    assert body == [*lines, "footer"]
    assert split_message(header, lines[:3], "footer") == ["\n".join(["Title", *lines[:3], "footer"])]


def test_a_series_past_99_parts_keeps_every_part_within_the_limit() -> None:
    # A county official's escalations at national scale: «(100/140)» is wider than «(99/99)».
    # Two lines fill the room left beside «Title (99/99)» exactly.
    lines = [f"line {i:04d} " + "x" * (492 - 10) for i in range(400)]

    def header(part: int, total: int) -> str:
        return "Title" + (f" ({part}/{total})" if total > 1 else "")

    parts = split_message(header, lines, "footer", limit=1000)
    assert len(parts) > 99 and all(len(p) <= 1000 for p in parts)
    assert [line for p in parts for line in p.splitlines()[1:]] == [*lines, "footer"]


@pytest.mark.parametrize("locale", ["fa", "en"])
@pytest.mark.parametrize("key", ["reminder-line", "reminder-line-with-responsible"])
def test_a_templated_line_is_the_line_fluent_renders(locale: str, key: str) -> None:
    names = ("neighbourhood", "text", "deadline", "note", "progress", "responsible")
    template = TRANSLATOR.template(locale, key, names if key.endswith("responsible") else names[:5])
    assert template is not None
    for values in (
        ("محله ۱۲", "لایروبی جوی آب", "۱۵ مهر ۱۴۰۳", "۳ روز گذشته", 40, "کمیتهٔ سلامت"),
        ("Block 7", "Pump 2 of clinic — 100%", "15 Mehr 1403", "due today", 0, "Water Co."),
        ("12", "+98 912", "1403/07/15", "3", 100, "7-8"),
    ):
        args = dict(zip(names, values, strict=True))
        if not key.endswith("responsible"):
            del args["responsible"]
        assert template(**args) == TRANSLATOR.get(locale, key, **args)
    # An argument used twice or not at all cannot be a template.
    assert TRANSLATOR.template(locale, key, ("neighbourhood", "absent")) is None


async def test_a_rerun_of_the_digest_reads_no_resolution(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with session_factory() as session:
        await new_resolution(session, world)
        now = morning(DEADLINE + timedelta(days=1))
        assert (await run_resolution_digest(session, TRANSLATOR, now=now)).digests == 1

    async def unexpected(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a rerun read the resolutions")

    monkeypatch.setattr(reminders_repo, "due_resolutions", unexpected)
    async with session_factory() as session:
        summary = await run_resolution_digest(session, TRANSLATOR, now=now + timedelta(hours=1))
    assert (summary.people, summary.digests, summary.messages) == (1, 0, 0)


# ---- the schedule and catching up ----


TEHRAN = "Asia/Tehran"


def tehran(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3, minutes=30)


@pytest.mark.parametrize(
    ("cron", "now", "expected"),
    [
        # Daily 09:00: after it today → run now; before it → wait for it.
        ({"hour": 9, "minute": 0}, tehran(date(2026, 11, 10), 10), True),
        ({"hour": 9, "minute": 0}, tehran(date(2026, 11, 10), 23, 59), True),
        ({"hour": 9, "minute": 0}, tehran(date(2026, 11, 10), 8, 59), False),
        ({"hour": 9, "minute": 0}, tehran(date(2026, 11, 10), 0, 5), False),
        # Saturday 09:30: on Saturday after it, or later in the week → run; Saturday morning → wait.
        ({"day_of_week": "sat", "hour": 9, "minute": 30}, tehran(date(2026, 11, 14), 9, 31), True),
        ({"day_of_week": "sat", "hour": 9, "minute": 30}, tehran(date(2026, 11, 14), 9, 0), False),
        ({"day_of_week": "sat", "hour": 9, "minute": 30}, tehran(date(2026, 11, 16), 8, 0), True),
        ({"day_of_week": "sat", "hour": 9, "minute": 30}, tehran(date(2026, 11, 20), 23, 0), True),
    ],
)
def test_should_catch_up(cron: dict[str, Any], now: datetime, expected: bool) -> None:
    assert should_catch_up(cron, now, TEHRAN) is expected


def test_settings_set_the_schedule_and_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "DIGEST_HOUR": "7",
        "DIGEST_MINUTE": "45",
        "RESOLUTION_ESCALATE_MANAGER_DAYS": "5",
        "RESOLUTION_ESCALATE_COUNTY_DAYS": "10",
        "RESOLUTION_DUE_SOON_DAYS": "2",
        "COUNTY_DIGEST_DAY": "sun",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    schedules = job_schedules(settings)
    assert effective_cron(job_by_name("resolution_digest"), schedules) == {"hour": 7, "minute": 45}
    assert effective_cron(job_by_name("county_digest"), schedules) == {
        "day_of_week": "sun",
        "hour": 9,
        "minute": 30,
    }
    assert reminder_policy(settings) == ReminderPolicy(
        due_soon_days=2, escalate_manager_days=5, escalate_county_days=10, county_digest_weekday=6
    )
    monkeypatch.setenv("COUNTY_DIGEST_DAY", "someday")
    with pytest.raises(ValueError):
        Settings(_env_file=None)  # type: ignore[call-arg]


async def test_catch_up_runs_only_the_missed_digests_at_start(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    assert {spec.name for spec in JOBS if spec.catch_up} == {"resolution_digest", "county_digest"}
    # Saturday 10:00 in Tehran: both the morning digest and the county digest were missed.
    now = tehran(date(2026, 11, 14), 10)
    scheduler: AsyncIOScheduler = build_scheduler(TEHRAN, session_factory, lambda: now)
    scheduler.start(paused=True)
    try:
        regular = {job.id: job.next_run_time for job in scheduler.get_jobs()}
        assert sorted(catch_up(scheduler, now, TEHRAN)) == ["county_digest", "resolution_digest"]
        for job in scheduler.get_jobs():
            if job.id in ("county_digest", "resolution_digest"):
                assert job.next_run_time < regular[job.id]
            else:
                assert job.next_run_time == regular[job.id]
        # Sunday 08:00: the morning digest is still to come; the week's county digest was missed.
        assert catch_up(scheduler, tehran(date(2026, 11, 15), 8), TEHRAN) == ["county_digest"]
    finally:
        scheduler.shutdown(wait=False)


async def test_a_done_resolution_is_left_alone(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        resolution_id = await new_resolution(session, world)
        await update_progress(
            session,
            TRANSLATOR,
            actor=OPERATOR,
            resolution_id=resolution_id,
            now=T0,
            status=ResolutionStatus.CANCELLED,
        )
        now = morning(DEADLINE + timedelta(days=20))
        assert (await run_resolution_digest(session, TRANSLATOR, now=now)).people == 0
        assert (await run_resolution_escalations(session, TRANSLATOR, now=now)).escalated == 0


async def test_claiming_marks_in_bulk_claims_each_key_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        first = await claim_marks(session, ["b", "a", "a"], NOW_MARKS)
        await session.commit()
        second = await claim_marks(session, [f"k{i}" for i in range(1200)] + ["a"], NOW_MARKS)
        await session.commit()
        assert first == {"a", "b"}
        assert second == {f"k{i}" for i in range(1200)}
        assert await session.scalar(select(func.count(ReminderMark.id))) == 1202
        sent_at = await session.scalar(select(ReminderMark.sent_at).where(ReminderMark.key == "k7"))
        assert sent_at is not None and sent_at.replace(tzinfo=sent_at.tzinfo or UTC) == NOW_MARKS


NOW_MARKS = datetime(2026, 11, 14, 5, 30, tzinfo=UTC)
