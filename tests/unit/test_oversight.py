"""What officials oversee: the regions they may pick from, the county and province staffing
reports (counted right, in a fixed number of queries), the agencies with their liaisons; and the
manager's read of one member for the edit form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import CommitteeKey, County, Person, Province, Role, ScopeKind
from services import council
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.regions import import_regions, neighbourhood_by_code
from services.roles import ensure_person, ensure_role, grant_role

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1002,urban\n"
    "تهران,شهر ری,کهریزک,1001,rural\n"
    "تهران,شهر ری,قمصر,1003,urban\n"
    "تهران,ورامین,قلعه‌نو,3001,urban\n"
    "البرز,کرج,گوهردشت,5101,urban\n"
)


@dataclass
class World:
    ids: dict[str, int]  # neighbourhood codes, county and province names → ids
    county_official: Actor
    province_official: Actor
    varamin_official: Actor
    manager: Actor


async def official(
    session: AsyncSession, phone: str, role: Role, kind: ScopeKind, where: str, **extra: str
) -> Actor:
    change = await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=role,
        scope_kind=kind,
        scope_name_or_code=where,
        now=NOW,
        **extra,  # type: ignore[arg-type]
    )
    return await load_actor(session, change.person_id)


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
        ids: dict[str, int] = {}
        for code in ("1001", "1002", "1003", "3001", "5101"):
            found = await neighbourhood_by_code(session, code)
            assert found is not None
            ids[code] = found.id
        for county in await session.scalars(select(County)):
            ids[county.name] = county.id
        for province in await session.scalars(select(Province)):
            ids[province.name] = province.id
        return World(
            ids,
            await official(session, "09120000004", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
            await official(session, "09120000002", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران"),
            await official(session, "09120000005", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ورامین"),
            await official(session, "09120000006", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        )


async def member(session: AsyncSession, neighbourhood_id: int, phone: str, **kwargs: object) -> int:
    view = await council.register_member(
        session,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood_id,
        full_name=f"عضو {phone[-2:]}",
        phone=phone,
        now=NOW,
        **kwargs,  # type: ignore[arg-type]
    )
    return view.id


async def test_the_county_report_counts_councils_heads_members_and_profiles(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        n1, n2 = world.ids["1002"], world.ids["1001"]
        await member(session, n1, "09121110001", head_of="health", committees=["culture"])
        await member(session, n1, "09121110002", committees=["health", "crisis"], head_of="crisis")
        gone = await member(session, n1, "09121110003", head_of="security", committees=["health"])
        await council.deactivate_member(session, actor=OPERATOR, member_id=gone, now=NOW)
        await member(session, n2, "09121110004", committees=["services"])
        # دولت‌آباد's profile has something in it; کهریزک's was emptied again, so it is not written.
        manager_n1 = world.manager
        await council.update_profile(
            session, actor=manager_n1, neighbourhood_id=n1, changes={"population": "۱۲۰۰"}, now=NOW
        )
        manager_n2 = await official(session, "09120000007", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001")
        await council.update_profile(
            session, actor=manager_n2, neighbourhood_id=n2, changes={"population": 5}, now=NOW
        )
        await council.update_profile(
            session, actor=manager_n2, neighbourhood_id=n2, changes={"population": None}, now=NOW
        )

        report = await council.county_staffing_report(
            session, actor=world.county_official, county_id=world.ids["شهر ری"]
        )
    assert (report.county.name, report.county.province_name) == ("شهر ری", "تهران")
    # In the order of their codes.
    assert [n.code for n in report.neighbourhoods] == ["1001", "1002", "1003"]
    kahrizak, dowlatabad, ghamsar = report.neighbourhoods
    assert (dowlatabad.members, dowlatabad.council_formed, dowlatabad.profile_written) == (2, True, True)
    staffing = {c.committee: c for c in dowlatabad.committees}
    assert list(staffing) == list(council.STANDING_COMMITTEES)  # the crisis committee is not reported
    assert (staffing[CommitteeKey.HEALTH].head_name, staffing[CommitteeKey.HEALTH].members) == ("عضو 01", 2)
    assert (staffing[CommitteeKey.CULTURE].has_head, staffing[CommitteeKey.CULTURE].members) == (False, 1)
    # The deactivated head of security counts for nothing.
    assert (staffing[CommitteeKey.SECURITY].has_head, staffing[CommitteeKey.SECURITY].members) == (False, 0)
    assert dowlatabad.committees_headed == 1
    assert (kahrizak.members, kahrizak.committees_headed, kahrizak.profile_written) == (1, 0, False)
    assert (ghamsar.council_formed, ghamsar.profile_written) == (False, False)
    assert all(c.members == 0 and not c.has_head for c in ghamsar.committees)
    assert (report.councils_formed, report.committees_headed, report.committee_seats) == (2, 1, 18)
    assert report.profiles_written == 1


async def test_the_province_report_has_every_county_even_an_empty_one(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session, session.begin():
        session.add(County(province_id=world.ids["تهران"], name="اسلامشهر"))
    async with session_factory() as session:
        await member(session, world.ids["3001"], "09121110001", head_of="environment")
        report = await council.province_staffing_report(
            session, actor=world.province_official, province_id=world.ids["تهران"]
        )
    assert report.province.name == "تهران"
    summary = {
        c.county.name: (len(c.neighbourhoods), c.councils_formed, c.committees_headed)
        for c in report.counties
    }
    assert summary == {"اسلامشهر": (0, 0, 0), "شهر ری": (3, 0, 0), "ورامین": (1, 1, 1)}


async def test_reports_are_refused_outside_the_officials_area(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        rey, tehran = world.ids["شهر ری"], world.ids["تهران"]
        for actor in (world.varamin_official, world.manager):
            with pytest.raises(PermissionDenied):
                await council.county_staffing_report(session, actor=actor, county_id=rey)
        # A county official does not get the province's report, even for their own province.
        for actor in (world.county_official, world.manager):
            with pytest.raises(PermissionDenied):
                await council.province_staffing_report(session, actor=actor, province_id=tehran)
        # A province official reads any county of the province.
        report = await council.county_staffing_report(session, actor=world.province_official, county_id=rey)
        assert len(report.neighbourhoods) == 3


@contextmanager
def counting_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_the_report_costs_the_same_few_queries_however_many_neighbourhoods(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async def queries_for_report() -> int:
        async with session_factory() as session:
            with counting_statements(engine) as statements:
                await council.province_staffing_report(
                    session, actor=world.province_official, province_id=world.ids["تهران"]
                )
            return len(statements)

    async with session_factory() as session:
        await member(session, world.ids["1001"], "09121110001", head_of="health")
    small = await queries_for_report()
    csv = "province,county,neighbourhood,code,kind\n" + "".join(
        f"تهران,شهر ری,محله {i},{7000 + i},urban\n" for i in range(12)
    )
    async with session_factory() as session:
        await import_regions(session, csv, actor=OPERATOR, now=NOW)
        for i in range(12):
            nid = await neighbourhood_by_code(session, str(7000 + i))
            assert nid is not None
            await member(session, nid.id, f"091222200{i:02d}", head_of="culture", committees=["health"])
    assert await queries_for_report() == small <= 10


async def test_overseen_regions(session_factory: async_sessionmaker[AsyncSession], world: World) -> None:
    async with session_factory() as session:
        county = await council.overseen_regions(session, actor=world.county_official)
        assert county.provinces == ()
        assert [(c.name, c.province_name) for c in county.counties] == [("شهر ری", "تهران")]
        province = await council.overseen_regions(session, actor=world.province_official)
        assert [p.name for p in province.provinces] == ["تهران"]
        assert [c.name for c in province.counties] == ["شهر ری", "ورامین"]
        everything = await council.overseen_regions(session, actor=OPERATOR)
        assert [p.name for p in everything.provinces] == ["البرز", "تهران"]
        assert len(everything.counties) == 3
        # A liaison, a manager or a resident oversees nothing.
        liaison = await official(
            session, "09120000008", Role.LIAISON, ScopeKind.COUNTY, "شهر ری", agency_key="police"
        )
        resident, _ = await ensure_person(session, "09120000009", full_name="ساکن", now=NOW)
        await ensure_role(
            session,
            person_id=resident.id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=world.ids["1002"],
            now=NOW,
        )
        await session.commit()
        for actor in (world.manager, liaison, await load_actor(session, resident.id)):
            with pytest.raises(PermissionDenied):
                await council.overseen_regions(session, actor=actor)


async def test_county_liaisons_list_every_agency(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        rey = world.ids["شهر ری"]
        await council.set_liaison(
            session,
            actor=world.county_official,
            county_id=rey,
            agency_key="police",
            phone="09121110010",
            full_name="احمد کاظمی",
            now=NOW,
        )
        listed = await council.county_liaisons(session, actor=world.province_official, county_id=rey)
        agencies = await council.list_agencies(session)
        assert listed.county.name == "شهر ری"
        assert [e.agency for e in listed.agencies] == agencies
        named = {e.agency.key: e.liaison for e in listed.agencies if e.liaison is not None}
        assert list(named) == ["police"]
        assert (named["police"].full_name, named["police"].phone) == ("احمد کاظمی", "+989121110010")
        # Varamin has none named, and Rey's are not Varamin's official's business.
        varamin = await council.county_liaisons(
            session, actor=world.varamin_official, county_id=world.ids["ورامین"]
        )
        assert all(e.liaison is None for e in varamin.agencies)
        with pytest.raises(PermissionDenied):
            await council.county_liaisons(session, actor=world.varamin_official, county_id=rey)


async def test_get_member_is_for_the_manager_and_officials_above(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        mine = await member(session, world.ids["1002"], "09121110001", national_code="0499370899")
        theirs = await member(session, world.ids["1001"], "09121110002")
        view = await council.get_member(session, actor=world.manager, member_id=mine)
        assert (view.phone, view.national_code) == ("+989121110001", "0499370899")
        with pytest.raises(PermissionDenied):
            await council.get_member(session, actor=world.manager, member_id=theirs)
        with pytest.raises(PermissionDenied):
            await council.get_member(session, actor=world.varamin_official, member_id=mine)
        assert (await council.get_member(session, actor=world.county_official, member_id=theirs)).id == theirs
        with pytest.raises(council.UnknownMember):
            await council.get_member(session, actor=world.manager, member_id=99999)


async def test_a_corrected_phone_keeps_the_members_name(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        member_id = await member(session, world.ids["1002"], "09121110001")
        moved = await council.edit_member(
            session, actor=world.manager, member_id=member_id, phone="09121110009", now=NOW
        )
        person = await session.get(Person, moved.person_id)
    assert person is not None and (person.phone, person.full_name) == ("+989121110009", "عضو 01")
    assert moved.full_name == "عضو 01"
