"""Training courses as services: typed sessions, who may organise where, inviting the audience
in the region (once, through the outbox), answers, attendance and the completion rule, the
reminder the day before each session (once), and the participant's own list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    CourseParticipant,
    OutboxMessage,
    OutboxStatus,
    ParticipantStatus,
    Role,
    ScopeKind,
)
from services import council
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.i18n import Translator
from services.jalali import TEHRAN_TZ
from services.jobs import JobContext, job_by_name
from services.regions import import_regions, neighbourhood_by_code
from services.roles import grant_role
from services.training import (
    BadSessionLine,
    NotAParticipant,
    SessionPlan,
    create_course,
    get_course,
    has_completed,
    invite_audience,
    my_courses,
    organised_courses,
    parse_sessions,
    record_attendance,
    respond_to_invitation,
    run_course_reminders,
)

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # 1 Azar 1405, 11:30 in Tehran
TRANSLATOR = Translator()
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,ری,دولت‌آباد,1001,urban\n"
    "تهران,ری,کهریزک,1002,rural\n"
    "تهران,ورامین,قلعه‌نو,3001,urban\n"
)


@dataclass
class People:
    official: Actor
    far_official: Actor
    manager: int
    rural_manager: int
    far_manager: int
    member: int
    liaison: int
    county_id: int


async def _grant(
    session: AsyncSession, phone: str, role: Role, kind: ScopeKind, where: str, **extra: str
) -> int:
    change = await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=role,
        scope_kind=kind,
        scope_name_or_code=where,
        now=NOW,
        **extra,
    )
    return change.person_id


async def people(session: AsyncSession) -> People:
    await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    n1 = await neighbourhood_by_code(session, "1001")
    assert n1 is not None
    official = await _grant(session, "09120000004", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ری")
    far_official = await _grant(session, "09120000005", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ورامین")
    member = await council.register_member(
        session, actor=OPERATOR, neighbourhood_id=n1.id, full_name="عضو شورا", phone="09120000009", now=NOW
    )
    return People(
        official=await load_actor(session, official),
        far_official=await load_actor(session, far_official),
        manager=await _grant(session, "09120000006", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
        rural_manager=await _grant(session, "09120000007", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        far_manager=await _grant(session, "09120000008", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "3001"),
        member=member.person_id,
        liaison=await _grant(
            session, "09120000010", Role.LIAISON, ScopeKind.COUNTY, "ری", agency_key="health_network"
        ),
        county_id=n1.county_id,
    )


def two_sessions() -> list[SessionPlan]:
    tomorrow = datetime(2026, 11, 23, 16, 30, tzinfo=TEHRAN_TZ)
    return [SessionPlan(tomorrow + timedelta(days=7), "سالن فرمانداری"), SessionPlan(tomorrow, "مسجد جامع")]


async def a_course(session: AsyncSession, who: People, audience: list[Role] | None = None) -> int:
    course = await create_course(
        session,
        actor=who.official,
        scope_kind=ScopeKind.COUNTY,
        scope_id=who.county_id,
        title="آشنایی با مدیریت محله‌محور",
        audience=audience or [Role.MANAGER, Role.COUNCIL_MEMBER],
        sessions=two_sessions(),
        now=NOW,
    )
    return course.id


def test_sessions_are_typed_one_a_line_in_any_digits() -> None:
    plans = parse_sessions("۱۴۰۵/۰۹/۱۰ ۱۶:۳۰ سالن فرمانداری\n\n1405/9/3 9:05   مسجد جامع محله", now=NOW)
    assert [(p.starts_at.astimezone(TEHRAN_TZ).date().isoformat(), p.place) for p in plans] == [
        ("2026-11-24", "مسجد جامع محله"),
        ("2026-12-01", "سالن فرمانداری"),
    ]
    assert plans[0].starts_at.astimezone(TEHRAN_TZ).strftime("%H:%M") == "09:05"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("فردا عصر در مسجد", 1, "format"),
        ("1405/09/10 16:30 سالن\n1405/13/01 10:00 مسجد", 2, "date"),
        ("1405/09/10 25:30 سالن", 1, "time"),
        ("1405/08/01 10:00 سالن", 1, "past"),
        ("\n \n", 0, "format"),
        ("\n".join(["1405/09/10 16:30 سالن"] * 21), 0, "count"),
    ],
)
def test_a_wrong_session_line_is_named(text: str, line: int, reason: str) -> None:
    with pytest.raises(BadSessionLine) as caught:
        parse_sessions(text, now=NOW)
    assert (caught.value.line, caught.value.reason) == (line, reason)


@pytest.mark.parametrize(
    ("attended", "sessions", "share", "done"),
    [
        (2, 2, 80, True),
        (1, 2, 80, False),
        (4, 5, 80, True),
        (3, 5, 80, False),
        (1, 3, 30, True),
        (0, 0, 80, False),
    ],
)
def test_the_completion_rule(attended: int, sessions: int, share: int, done: bool) -> None:
    assert has_completed(attended, sessions, share) is done


async def test_only_the_region_s_officials_organise(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        who = await people(session)
        course_id = await a_course(session, who)
        detail = await get_course(session, actor=who.official, course_id=course_id)
        assert [s.number for s in detail.course.sessions] == [1, 2]
        assert detail.course.sessions[0].place == "مسجد جامع"  # numbered in time order
        for stranger in (who.far_official, await load_actor(session, who.manager)):
            with pytest.raises(PermissionDenied):
                await get_course(session, actor=stranger, course_id=course_id)
        with pytest.raises(PermissionDenied):
            await create_course(
                session,
                actor=who.official,
                scope_kind=ScopeKind.PROVINCE,
                scope_id=1,
                title="دورهٔ استانی",
                audience=[Role.MANAGER],
                sessions=two_sessions(),
                now=NOW,
            )
        assert [c.id for c in await organised_courses(session, actor=who.official)] == [course_id]
        assert await organised_courses(session, actor=who.far_official) == []


async def test_inviting_reaches_the_audience_of_the_county_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        who = await people(session)
        course_id = await a_course(session, who)
        first = await invite_audience(session, TRANSLATOR, actor=who.official, course_id=course_id, now=NOW)
        # Managers and council members of ری's neighbourhoods, not ورامین's, not the liaison.
        invited = set(
            await session.scalars(
                select(CourseParticipant.person_id).where(CourseParticipant.course_id == course_id)
            )
        )
        assert invited == {who.manager, who.rural_manager, who.member}
        # Nobody has opened the bot: they are told when they join.
        assert (first.new, first.already, first.told.now, sorted(first.told.waiting)) == (
            3,
            0,
            [],
            sorted(invited),
        )
        rows = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == who.manager))
        )
        assert [row.status for row in rows] == [OutboxStatus.WAITING]
        assert "آشنایی با مدیریت محله‌محور" in rows[0].text and "مسجد جامع" in rows[0].text
        assert rows[0].reply_markup is not None
        buttons = [b["callback_data"] for b in rows[0].reply_markup["inline_keyboard"][0]]
        assert buttons == [f"crs_rsvp:{course_id}:1", f"crs_rsvp:{course_id}:0"]
        again = await invite_audience(session, TRANSLATOR, actor=who.official, course_id=course_id, now=NOW)
        assert (again.new, again.already) == (0, 3)
        with pytest.raises(PermissionDenied):
            await invite_audience(session, TRANSLATOR, actor=who.far_official, course_id=course_id, now=NOW)


async def test_answers_attendance_and_completion(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        who = await people(session)
        course_id = await a_course(session, who)
        await invite_audience(session, TRANSLATOR, actor=who.official, course_id=course_id, now=NOW)
        await respond_to_invitation(session, person_id=who.manager, course_id=course_id, accept=True, now=NOW)
        await respond_to_invitation(session, person_id=who.member, course_id=course_id, accept=False, now=NOW)
        with pytest.raises(NotAParticipant):
            await respond_to_invitation(
                session, person_id=who.liaison, course_id=course_id, accept=True, now=NOW
            )
        first, second = (await get_course(session, actor=who.official, course_id=course_id)).course.sessions

        async def mark(session_id: int, present: bool = True) -> tuple[int, bool, bool]:
            change = await record_attendance(
                session,
                TRANSLATOR,
                actor=who.official,
                session_id=session_id,
                person_id=who.manager,
                present=present,
                now=NOW,
            )
            return change.attended, change.completed, change.newly_completed

        assert await mark(first.id) == (1, False, False)
        assert await mark(first.id) == (1, False, False)  # marking twice counts once
        assert await mark(second.id) == (2, True, True)
        assert await mark(second.id, present=False) == (1, False, False)  # a correction takes it back
        assert await mark(second.id) == (2, True, True)
        notices = [
            row.text
            for row in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.person_id == who.manager)
            )
            if "با موفقیت گذراندید" in row.text
        ]
        assert len(notices) == 1  # told once, however often it is corrected
        with pytest.raises(PermissionDenied):
            await record_attendance(
                session,
                TRANSLATOR,
                actor=who.far_official,
                session_id=first.id,
                person_id=who.manager,
                present=True,
                now=NOW,
            )
        with pytest.raises(NotAParticipant):
            await record_attendance(
                session,
                TRANSLATOR,
                actor=who.official,
                session_id=first.id,
                person_id=who.liaison,
                present=True,
                now=NOW,
            )
        mine = await my_courses(session, person_id=who.manager)
        assert [(m.course.id, m.status, m.attended, m.completed) for m in mine] == [
            (course_id, ParticipantStatus.CONFIRMED, 2, True)
        ]
        assert [m.status for m in await my_courses(session, person_id=who.member)] == [
            ParticipantStatus.DECLINED
        ]


async def test_the_reminder_the_day_before_goes_once_to_those_coming(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        who = await people(session)
        course_id = await a_course(session, who)
        await invite_audience(session, TRANSLATOR, actor=who.official, course_id=course_id, now=NOW)
        await respond_to_invitation(session, person_id=who.member, course_id=course_id, accept=False, now=NOW)
        summary = await run_course_reminders(session, TRANSLATOR, now=NOW)  # the 23rd's session is tomorrow
        assert (summary.sessions, summary.reminded) == (1, 2)
        reminded = {
            row.person_id
            for row in await session.scalars(select(OutboxMessage))
            if row.dedup_key and row.dedup_key.startswith("course-session:")
        }
        assert reminded == {who.manager, who.rural_manager}
        assert (await run_course_reminders(session, TRANSLATOR, now=NOW + timedelta(hours=8))).reminded == 0
        assert (await run_course_reminders(session, TRANSLATOR, now=NOW + timedelta(days=3))).sessions == 0


async def test_the_reminder_job_is_registered(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        who = await people(session)
        await a_course(session, who, audience=[Role.MANAGER])
        await invite_audience(session, TRANSLATOR, actor=who.official, course_id=1, now=NOW)
    spec = job_by_name("course_reminders")
    line = await spec.run(JobContext(session_factory=session_factory, now=NOW))
    assert line == "1 course sessions tomorrow: 2 reminders queued"
