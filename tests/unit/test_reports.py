"""Performance reports counted on a small world built by hand: every figure below is worked out
in the comments from the rows the world holds (Mehr 1403 against Shahrivar 1403)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Action,
    Agency,
    CitizenRequest,
    CommitteeKey,
    CommitteeMembership,
    CommitteeSla,
    CouncilMember,
    CouncilPosition,
    County,
    Liaison,
    Meeting,
    MeetingKind,
    NeighbourhoodProfile,
    Person,
    Province,
    RequestEvent,
    RequestStatus,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResponsibleKind,
    Role,
    ScopeKind,
)
from services.authz import OPERATOR, Actor, PermissionDenied
from services.regions import import_regions, neighbourhood_by_code
from services.reports import (
    DEFAULT_RESOLUTION_DAYS,
    URGENT_SLA_SHARE,
    PerformanceReport,
    Period,
    ReportLevel,
    performance_report,
)
from services.roles import RoleGrant

MEHR = Period(date(2024, 9, 22), date(2024, 10, 21))  # Mehr 1403
NOW = datetime(2024, 11, 10, 8, 0, tzinfo=UTC)  # in Aban: Mehr is over
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,الف,1001,urban\n"
    "تهران,شهر ری,ب,1002,urban\n"
    "تهران,ورامین,ج,3001,urban\n"
    "البرز,کرج,د,5101,urban\n"
)


def at(day: str, hour: float = 0) -> datetime:
    """A UTC moment: `day` (YYYY-MM-DD) plus some hours."""
    return datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(hours=hour)


@dataclass
class World:
    a: int
    b: int
    c: int
    county: int
    varamin: int
    province: int
    elsewhere: int
    serial: int = 0

    def phone(self) -> str:
        self.serial += 1
        return f"+98912{self.serial:07d}"


async def _person(session: AsyncSession, world: World, name: str) -> int:
    person = Person(phone=world.phone(), full_name=name, created_at=at("2024-01-01"))
    session.add(person)
    await session.flush()
    return person.id


async def _member(
    session: AsyncSession,
    world: World,
    nid: int,
    name: str,
    joined: datetime,
    seats: dict[CommitteeKey, bool],
    active: bool = True,
) -> None:
    member = CouncilMember(
        neighbourhood_id=nid,
        person_id=await _person(session, world, name),
        position=CouncilPosition.MEMBER,
        active=active,
        created_at=joined,
    )
    session.add(member)
    await session.flush()
    for committee, head in seats.items():
        session.add(
            CommitteeMembership(
                council_member_id=member.id, neighbourhood_id=nid, committee=committee, is_head=head
            )
        )


def _resolution(
    nid: int, created: datetime, deadline: date, status: ResolutionStatus, **extra: Any
) -> Resolution:
    values: dict[str, Any] = {
        "responsible_kind": ResponsibleKind.COMMITTEE,
        "responsible_committee": CommitteeKey.HEALTH,
        "text": f"مصوبهٔ {deadline}",
    }
    values.update(extra)
    return Resolution(
        neighbourhood_id=nid,
        deadline=deadline,
        priority=ResolutionPriority.NORMAL,
        status=status,
        progress=100 if status is ResolutionStatus.DONE else 0,
        created_at=created,
        updated_at=created,
        **values,
    )


def _request(
    world: World, resident: int, nid: int, committee: CommitteeKey, created: datetime, **extra: Any
) -> CitizenRequest:
    world.serial += 1
    values: dict[str, Any] = {"status": RequestStatus.NEW, "sla_started_at": created}
    values.update(extra)
    return CitizenRequest(
        code=f"{world.serial:09d}",
        neighbourhood_id=nid,
        person_id=resident,
        committee=committee,
        text="چراغ کوچه خاموش است",
        created_at=created,
        updated_at=created,
        **values,
    )


async def _regions(session: AsyncSession) -> World:
    await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    ids = {}
    for code in ("1001", "1002", "3001", "5101"):
        found = await neighbourhood_by_code(session, code)
        assert found is not None
        ids[code] = found
    county = await session.scalar(select(County).where(County.name == "شهر ری"))
    varamin = await session.scalar(select(County).where(County.name == "ورامین"))
    elsewhere = await session.scalar(select(Province.id).where(Province.name == "البرز"))
    assert county and varamin and elsewhere
    return World(
        a=ids["1001"].id,
        b=ids["1002"].id,
        c=ids["3001"].id,
        county=county.id,
        varamin=varamin.id,
        province=county.province_id,
        elsewhere=elsewhere,
    )


async def _councils(session: AsyncSession, w: World) -> None:
    # الف: formed in Mehr (first member 1 Oct), three active members and one gone; health has a
    # head and a member, services a head. ج: formed in Shahrivar by its profile (15 Sep).
    await _member(session, w, w.a, "مریم", at("2024-10-01"), {CommitteeKey.HEALTH: True})
    await _member(session, w, w.a, "علی", at("2024-10-02"), {CommitteeKey.HEALTH: False})
    await _member(session, w, w.a, "رضا", at("2024-10-03"), {CommitteeKey.SERVICES: True})
    await _member(session, w, w.a, "رفته", at("2024-09-01"), {CommitteeKey.CULTURE: True}, active=False)
    await _member(session, w, w.c, "زهرا", at("2024-10-05"), {})
    session.add(NeighbourhoodProfile(neighbourhood_id=w.a, population=5000, updated_at=NOW))
    session.add(
        NeighbourhoodProfile(neighbourhood_id=w.c, council_formed_on=date(2024, 9, 15), updated_at=NOW)
    )
    # ب has an empty profile: not written.
    session.add(
        NeighbourhoodProfile(
            neighbourhood_id=w.b, facilities={}, programmes=[], main_problems="", updated_at=NOW
        )
    )
    agencies = {key: aid for key, aid in (await session.execute(select(Agency.key, Agency.id))).tuples()}
    for key in ("health_network", "education"):
        person = await _person(session, w, f"رابط {key}")
        session.add(Liaison(agency_id=agencies[key], county_id=w.county, person_id=person, created_at=NOW))


async def _meetings(session: AsyncSession, w: World) -> None:
    held = [
        (MeetingKind.COUNCIL, date(2024, 9, 22)),  # Mehr 1
        (MeetingKind.COUNCIL, date(2024, 10, 21)),  # Mehr 30
        (MeetingKind.COMMITTEE, date(2024, 10, 1)),
        (MeetingKind.COUNCIL, date(2024, 9, 21)),  # Shahrivar 31
        (MeetingKind.COUNCIL, date(2024, 10, 22)),  # Aban 1: in neither
    ]
    for kind, day in held:
        session.add(Meeting(neighbourhood_id=w.a, kind=kind, held_on=day, created_at=NOW))


async def _resolutions(session: AsyncSession, w: World) -> None:
    health_network = await session.scalar(select(Agency.id).where(Agency.key == "health_network"))
    agency = {
        "responsible_kind": ResponsibleKind.AGENCY,
        "responsible_committee": None,
        "responsible_agency_id": health_network,
    }
    done, open_ = ResolutionStatus.DONE, ResolutionStatus.OPEN
    session.add_all(
        [
            # Made in Shahrivar, by a member, overdue since 11 Sep: the oldest overdue.
            _resolution(
                w.a,
                at("2024-09-01"),
                date(2024, 9, 10),
                open_,
                text="قدیمی‌ترین",
                responsible_kind=ResponsibleKind.MEMBER,
                responsible_committee=None,
            ),
            # Mehr: done at 22:30 Tehran on its deadline day: on time.
            _resolution(w.a, at("2024-09-25"), date(2024, 10, 5), done, completed_at=at("2024-10-05", 19)),
            # Done at 00:30 Tehran the day after its deadline: done, late.
            _resolution(
                w.a, at("2024-09-25"), date(2024, 10, 10), done, completed_at=at("2024-10-10", 21), **agency
            ),
            # Open past its deadline: overdue.
            _resolution(w.a, at("2024-09-26"), date(2024, 10, 12), open_, **agency),
            # Deadline after the period: open, not overdue.
            _resolution(
                w.a, at("2024-09-26"), date(2024, 11, 30), open_, responsible_committee=CommitteeKey.SERVICES
            ),
            _resolution(w.a, at("2024-09-27"), date(2024, 10, 15), ResolutionStatus.CANCELLED),
            # Done only after Mehr ended: overdue when Mehr ended.
            _resolution(w.a, at("2024-09-28"), date(2024, 10, 18), done, completed_at=at("2024-10-25")),
        ]
    )


async def _requests(session: AsyncSession, w: World) -> None:
    await session.merge(
        CommitteeSla(committee=CommitteeKey.HEALTH, first_response_hours=24, resolution_days=7)
    )
    resident = await _person(session, w, "ساکن")
    health, services = CommitteeKey.HEALTH, CommitteeKey.SERVICES
    rows = [
        # الف, Mehr. Health: 24 h to answer, 7 days to resolve; services: the defaults 48 h, 14 days.
        _request(
            w,
            resident,
            w.a,
            health,
            at("2024-10-01"),
            first_response_at=at("2024-10-01", 10),
            resolved_at=at("2024-10-04"),
            rating=4,
        ),
        _request(
            w,
            resident,
            w.a,
            health,
            at("2024-10-02"),
            first_response_at=at("2024-10-03", 6),
            resolved_at=at("2024-10-12"),
            rating=2,
        ),
        # Urgent: a quarter of 24 h is 6 h.
        _request(
            w, resident, w.a, health, at("2024-10-03"), urgent=True, first_response_at=at("2024-10-03", 5)
        ),
        # Reopened on 8 Oct (its SLA round starts again), resolved 4 days later: 192 h after submission.
        _request(
            w,
            resident,
            w.a,
            services,
            at("2024-10-04"),
            first_response_at=at("2024-10-05", 16),
            sla_started_at=at("2024-10-08"),
            sla_round=1,
            resolved_at=at("2024-10-12"),
        ),
        # An emergency resolved only after Mehr.
        _request(
            w, resident, w.a, services, at("2024-10-05"), is_emergency=True, resolved_at=at("2024-10-25")
        ),
        # الف, Shahrivar: resolved within target.
        _request(
            w,
            resident,
            w.a,
            health,
            at("2024-09-10"),
            first_response_at=at("2024-09-10", 2),
            resolved_at=at("2024-09-11"),
            rating=5,
        ),
        # ب, Mehr: resolved in a day. ب, Shahrivar: resolved in 9 days, late.
        _request(
            w,
            resident,
            w.b,
            health,
            at("2024-10-10"),
            first_response_at=at("2024-10-10", 1),
            resolved_at=at("2024-10-11"),
        ),
        _request(
            w,
            resident,
            w.b,
            health,
            at("2024-09-01"),
            first_response_at=at("2024-09-02", 6),
            resolved_at=at("2024-09-10"),
        ),
    ]
    session.add_all(rows)
    await session.flush()
    reopened = rows[3]
    session.add(
        RequestEvent(
            request_id=reopened.id,
            at=at("2024-10-08"),
            kind="not_fixed",
            status=RequestStatus.REOPENED,
            details={},
        )
    )


async def _actions(session: AsyncSession, w: World) -> None:
    photo = {"platform": "telegram", "file_id": "x"}
    for programme, photos, day in [
        ("tarh_2020", 2, date(2024, 10, 1)),
        ("tarh_2020", 1, date(2024, 10, 2)),
        ("karamat", 0, date(2024, 10, 3)),
        (None, 1, date(2024, 10, 4)),
        ("karamat", 3, date(2024, 10, 22)),  # Aban: in neither
    ]:
        session.add(
            Action(
                neighbourhood_id=w.a,
                title="اقدام",
                programme=programme,
                done_on=day,
                photos=[photo] * photos,
                created_at=NOW,
            )
        )


async def build_world(session: AsyncSession) -> World:
    world = await _regions(session)
    await _councils(session, world)
    await _meetings(session, world)
    await _resolutions(session, world)
    await _requests(session, world)
    await _actions(session, world)
    await session.commit()
    return world


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    async with session_factory() as session:
        return await build_world(session)


async def report(
    session_factory: async_sessionmaker[AsyncSession],
    level: ReportLevel,
    scope_id: int,
    actor: Actor = OPERATOR,
) -> PerformanceReport:
    async with session_factory() as session:
        return await performance_report(
            session, actor=actor, level=level, scope_id=scope_id, period=MEHR, now=NOW
        )


async def test_a_county_report_counts_each_neighbourhood(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    assert county.scope.name == "شهر ری"
    assert county.previous_period == Period(date(2024, 8, 22), date(2024, 9, 21))
    assert [u.unit.name for u in county.units] == ["الف", "ب"]
    a, b = county.units

    assert a.setup.councils_formed == 1 and a.setup.members == 3
    assert a.setup.formed_on == date(2024, 10, 1)
    assert a.setup.profiles_written == 1 and b.setup.profiles_written == 0
    health, _, _, culture, services, _ = a.setup.committees
    assert (health.headed, health.members, health.head_name) == (1, 2, "مریم")
    assert (services.headed, services.head_name) == (1, "رضا")
    assert (culture.headed, culture.members) == (0, 0)  # its head left the council
    assert a.setup.committees_headed == 2 and a.setup.committee_seats == 6
    assert b.setup.councils_formed == 0 and b.setup.formed_on is None
    assert (a.liaisons.named, a.liaisons.expected) == (2, 14)
    assert "health_network" not in {gap.agency.key for gap in a.liaisons.gaps}

    assert a.current.councils_formed == 1 and a.previous.councils_formed == 0
    assert a.current.meetings[MeetingKind.COUNCIL] == 2 and a.current.meetings[MeetingKind.COMMITTEE] == 1
    assert a.current.meetings_held == 3 and a.previous.meetings_held == 1

    resolutions = a.current.resolutions
    counts = resolutions.counts
    assert (counts.made, counts.done, counts.done_on_time, counts.overdue, counts.cancelled) == (
        5,
        2,
        1,
        2,
        1,
    )
    assert (counts.done_pct, counts.on_time_pct, counts.overdue_pct) == (40, 20, 40)
    assert resolutions.overdue_now == 3
    oldest = resolutions.oldest_overdue
    assert oldest is not None and oldest.text == "قدیمی‌ترین" and oldest.neighbourhood.code == "1001"
    assert oldest.deadline == date(2024, 9, 10) and oldest.days_overdue == 41  # to Mehr 30 (21 Oct)
    assert oldest.body.kind is ResponsibleKind.MEMBER
    bodies = [
        (b.body.kind, b.body.committee, b.body.agency.key if b.body.agency else None)
        for b in resolutions.by_body
    ]
    assert bodies == [
        (ResponsibleKind.AGENCY, None, "health_network"),
        (ResponsibleKind.COMMITTEE, CommitteeKey.HEALTH, None),
        (ResponsibleKind.COMMITTEE, CommitteeKey.SERVICES, None),
    ]
    agency_counts = resolutions.by_body[0].counts
    assert (agency_counts.made, agency_counts.done, agency_counts.done_on_time, agency_counts.overdue) == (
        2,
        1,
        0,
        1,
    )
    before = a.previous.resolutions
    assert (before.counts.made, before.counts.overdue, before.overdue_now) == (1, 1, 1)


async def test_requests_are_timed_against_the_committees_targets(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    a, b = county.units
    total = a.current.requests.total
    assert (total.received, total.answered_in_target, total.resolved, total.resolved_in_target) == (
        5,
        3,
        3,
        2,
    )
    assert (total.reopened, total.rated, total.rating_average, total.emergencies) == (1, 2, 3.0, 1)
    assert (total.answered_in_target_pct, total.resolved_in_target_pct) == (60, 40)
    # Resolved after 72, 192 and 240 hours.
    assert total.median_hours_to_resolve == 192.0
    by = {c.committee: c.stats for c in a.current.requests.by_committee}
    assert list(by) == [CommitteeKey.HEALTH, CommitteeKey.SERVICES]
    assert (by[CommitteeKey.HEALTH].received, by[CommitteeKey.HEALTH].answered_in_target) == (3, 2)
    assert by[CommitteeKey.HEALTH].median_hours_to_resolve == 156.0  # (72 + 240) / 2
    assert (by[CommitteeKey.SERVICES].resolved_in_target, by[CommitteeKey.SERVICES].reopened) == (1, 1)
    assert by[CommitteeKey.SERVICES].emergencies == 1
    assert b.current.requests.total.median_hours_to_resolve == 24.0
    # The county as a whole: 24, 72, 192, 240 hours.
    whole = county.total.current.requests.total
    assert (whole.received, whole.resolved) == (6, 4)
    assert whole.median_hours_to_resolve == 132.0


async def test_actions_are_counted_by_programme_with_their_photos(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    actions = county.units[0].current.actions
    assert (actions.actions, actions.photos) == (4, 4)
    tagged = {p.programme: (p.actions, p.photos) for p in actions.by_programme}
    assert tagged == {
        "tarh_2020": (2, 3),
        "karamat": (1, 0),
        "eslami": (0, 0),
        "salam_behzisti": (0, 0),
        "tan_mehrab": (0, 0),
        None: (1, 1),
    }
    assert county.units[1].current.actions.actions == 0


async def test_the_whole_adds_up_its_units_and_the_ranking_compares_periods(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    whole = county.total
    assert whole.unit.kind is ScopeKind.COUNTY
    assert (whole.setup.neighbourhoods, whole.setup.councils_formed, whole.setup.members) == (2, 1, 3)
    assert whole.setup.committees[0].head_name is None  # several neighbourhoods: nobody named
    assert (whole.liaisons.named, whole.liaisons.expected) == (2, 14)
    assert whole.current.resolutions.counts.made == 5 and whole.current.resolutions.overdue_now == 3
    assert whole.current.actions.photos == 4
    a, b = county.units
    # الف: on time 20 %, in target 40 % → 30, before 0 % and 100 % → 50: worse, with overdue.
    # ب: no resolutions; in target 100 %, before 0 %: improved by 100.
    assert (a.current.score, a.previous.score) == (30, 50)
    assert (b.current.score, b.previous.score) == (100, 0)
    assert a.change.score == -20 and a.change.meetings == 2 and a.change.overdue_now == 2
    assert a.change.on_time_pct == 20 and a.change.resolutions_made == 4
    assert [r.unit.name for r in county.ranking.improved] == ["ب"]
    assert [(r.unit.name, r.overdue_now) for r in county.ranking.stuck] == [("الف", 3)]
    assert county.total.needs_assessments.latest_on is None  # no surveys
    assert county.total.plans.plans == 0 and county.total.plans.progress is None  # no plans


async def test_a_province_report_is_per_county(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    province = await report(session_factory, ReportLevel.PROVINCE, world.province)
    assert province.scope.name == "تهران"
    assert [u.unit.name for u in province.units] == ["شهر ری", "ورامین"]
    rey, varamin = province.units
    assert (rey.setup.neighbourhoods, rey.setup.councils_formed) == (2, 1)
    assert (varamin.setup.neighbourhoods, varamin.setup.councils_formed) == (1, 1)
    assert varamin.setup.formed_on == date(2024, 9, 15)  # from its profile
    assert (varamin.current.councils_formed, varamin.previous.councils_formed) == (0, 1)
    assert (varamin.liaisons.named, varamin.liaisons.expected) == (0, 14)
    assert rey.current.requests.total.median_hours_to_resolve == 132.0
    whole = province.total
    assert (whole.liaisons.named, whole.liaisons.expected, whole.liaisons.counties) == (2, 28, 2)
    gaps = {gap.agency.key: gap.counties_without for gap in whole.liaisons.gaps}
    assert gaps["health_network"] == 1 and gaps["police"] == 2
    assert whole.setup.councils_formed == 2 and whole.current.councils_formed == 1


async def test_a_neighbourhood_report_is_the_neighbourhood_alone(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    alone = await report(session_factory, ReportLevel.NEIGHBOURHOOD, world.a)
    assert alone.scope.code == "1001" and len(alone.units) == 1 and alone.total is alone.units[0]
    assert alone.total.current.requests.total.median_hours_to_resolve == 192.0
    assert alone.total.setup.committees[0].head_name == "مریم"


async def test_a_running_period_is_taken_as_of_now(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    # On 10 Oct (Mehr 19), the resolution done on 10 Oct at 21:00 UTC is not done yet, and the
    # one due on 12 Oct is not overdue yet.
    async with session_factory() as session:
        running = await performance_report(
            session,
            actor=OPERATOR,
            level=ReportLevel.NEIGHBOURHOOD,
            scope_id=world.a,
            period=MEHR,
            now=at("2024-10-10", 12),
        )
    counts = running.total.current.resolutions.counts
    assert (counts.done, counts.overdue) == (1, 0)
    assert running.as_of == at("2024-10-10", 12)


def grants(role: Role, kind: ScopeKind, scope_id: int) -> Actor:
    return Actor(person_id=1, label="person:1", grants=(RoleGrant(role, kind, scope_id),))


async def test_only_the_officials_above_and_the_manager_may_see_a_report(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county_official = grants(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, world.county)
    manager = grants(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, world.a)
    province_official = grants(Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, world.province)
    await report(session_factory, ReportLevel.COUNTY, world.county, county_official)
    await report(session_factory, ReportLevel.COUNTY, world.county, province_official)
    await report(session_factory, ReportLevel.NEIGHBOURHOOD, world.a, manager)
    await report(session_factory, ReportLevel.NEIGHBOURHOOD, world.a, county_official)
    await report(session_factory, ReportLevel.PROVINCE, world.province, province_official)
    refused = [
        (ReportLevel.COUNTY, world.county, manager),
        (ReportLevel.COUNTY, world.varamin, county_official),
        (ReportLevel.PROVINCE, world.province, county_official),
        (ReportLevel.PROVINCE, world.elsewhere, province_official),
        (ReportLevel.NEIGHBOURHOOD, world.b, manager),
        (ReportLevel.NEIGHBOURHOOD, world.a, grants(Role.COUNCIL_MEMBER, ScopeKind.NEIGHBOURHOOD, world.a)),
        (ReportLevel.NEIGHBOURHOOD, world.a, grants(Role.RESIDENT, ScopeKind.NEIGHBOURHOOD, world.a)),
    ]
    for level, scope_id, actor in refused:
        with pytest.raises(PermissionDenied):
            await report(session_factory, level, scope_id, actor)


async def test_an_empty_county_reports_zeros(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await import_regions(
            session, "province,county,neighbourhood,code,kind\nقم,قم,یک,7001,urban\n", actor=OPERATOR, now=NOW
        )
        county_id = await session.scalar(select(County.id))
        assert county_id is not None
        empty = await performance_report(
            session, actor=OPERATOR, level=ReportLevel.COUNTY, scope_id=county_id, period=MEHR, now=NOW
        )
    assert empty.total.current.resolutions.counts.made == 0
    assert empty.total.current.requests.total.median_hours_to_resolve is None
    assert empty.total.current.score is None and empty.ranking.improved == ()
    assert empty.total.current.resolutions.oldest_overdue is None


def test_the_targets_are_those_the_reminders_use() -> None:
    from services import reminders, requests

    assert URGENT_SLA_SHARE == requests.URGENT_SLA_SHARE
    assert DEFAULT_RESOLUTION_DAYS == reminders.DEFAULT_REQUEST_DAYS
