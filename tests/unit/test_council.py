"""The council: registering members (one head per committee), what each viewer sees, staffing,
invitations, liaisons and the neighbourhood profile — with bad input refused and nothing saved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    AuditEntry,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    CouncilPosition,
    Invitation,
    Liaison,
    NeighbourhoodProfile,
    Person,
    Role,
    RoleAssignment,
    ScopeKind,
)
from services import council
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.identity_validation import InvalidNationalCode, InvalidPhone
from services.regions import import_regions, neighbourhood_by_code
from services.roles import InvalidName, UnknownAgency, ensure_person, ensure_role, grant_role

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,rural\n"
)
MANAGER_PHONE = "09120000001"
VALID_NATIONAL_CODE = "0499370899"  # checksum-valid


@dataclass
class World:
    neighbourhood_id: int
    other_neighbourhood_id: int
    county_id: int
    manager: Actor


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
        change = await grant_role(
            session,
            actor=OPERATOR,
            phone=MANAGER_PHONE,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            full_name="مریم حسینی",
            now=NOW,
        )
        urban = await neighbourhood_by_code(session, "1001")
        rural = await neighbourhood_by_code(session, "1002")
        assert urban is not None and rural is not None
        return World(urban.id, rural.id, urban.county_id, await load_actor(session, change.person_id))


async def snapshot(session: AsyncSession) -> dict[str, Any]:
    """Row counts and invitation states: what a refused call must leave as it was."""
    session.expire_all()
    counted = (Person, CouncilMember, CommitteeMembership, RoleAssignment, Invitation, AuditEntry)
    result: dict[str, Any] = {
        model.__name__: await session.scalar(select(func.count()).select_from(model)) for model in counted
    }
    result["heads"] = sorted(
        (m.neighbourhood_id, m.committee.value)
        for m in await session.scalars(
            select(CommitteeMembership).where(CommitteeMembership.is_head.is_(True))
        )
    )
    result["invitations"] = sorted(
        (i.id, i.used_at is not None) for i in await session.scalars(select(Invitation))
    )
    result["profiles"] = [
        (p.population, p.households, p.programmes, p.facilities)
        for p in await session.scalars(select(NeighbourhoodProfile))
    ]
    return result


async def register(
    session: AsyncSession, world: World, phone: str, name: str = "عضو شورا", **kwargs: Any
) -> council.MemberView:
    return await council.register_member(
        session,
        actor=kwargs.pop("actor", world.manager),
        neighbourhood_id=kwargs.pop("neighbourhood_id", world.neighbourhood_id),
        full_name=name,
        phone=phone,
        now=NOW,
        **kwargs,
    )


async def name_liaison(
    session: AsyncSession, world: World, agency: str, phone: str, **kwargs: Any
) -> council.LiaisonView:
    """The operator names `phone` the liaison of `agency` in the world's county."""
    return await council.set_liaison(
        session, actor=OPERATOR, county_id=world.county_id, agency_key=agency, phone=phone, now=NOW, **kwargs
    )


async def roles_of_phone(session: AsyncSession, phone: str) -> set[tuple[Role, int]]:
    rows = await session.execute(
        select(RoleAssignment.role, RoleAssignment.scope_id)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(Person.phone == phone)
    )
    return {(role, scope_id) for role, scope_id in rows.tuples()}


async def test_manager_registers_a_committee_head(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        member = await register(
            session,
            world,
            "۰۹۱۲ ۱۱۱ ۰۰۰۴",
            "علي رضايي",
            position=CouncilPosition.CHAIR,
            committees=[CommitteeKey.HEALTH, CommitteeKey.CRISIS],
            head_of=CommitteeKey.HEALTH,
            national_code="۰۴۹۹۳۷۰۸۹۹",
        )
        assert member.full_name == "علی رضایی" and member.phone == "+989121110004"
        assert member.national_code == VALID_NATIONAL_CODE and member.position == CouncilPosition.CHAIR
        assert member.heads == (CommitteeKey.HEALTH,)
        assert [s.committee for s in member.committees] == [CommitteeKey.HEALTH, CommitteeKey.CRISIS]
        assert await roles_of_phone(session, "+989121110004") == {
            (Role.COUNCIL_MEMBER, world.neighbourhood_id),
            (Role.COMMITTEE_HEAD, world.neighbourhood_id),
        }
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "council.register_member"))
        assert entry is not None and entry.actor_person_id == world.manager.person_id
        assert entry.target_id == member.id and entry.details["heads"] == ["health"]


async def test_heading_implies_a_seat_and_existing_person_is_reused(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        # The manager themself joins the council: the same person, no second Person row.
        member = await register(session, world, MANAGER_PHONE, "نام دیگر", head_of="culture")
        assert member.person_id == world.manager.person_id and member.full_name == "مریم حسینی"
        assert [(s.committee, s.is_head) for s in member.committees] == [(CommitteeKey.CULTURE, True)]
        with pytest.raises(council.AlreadyMember):
            await register(session, world, "09120000001")
        assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_second_head_is_refused_and_nothing_saved(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        await register(session, world, "09121110004", "علی رضایی", head_of=CommitteeKey.HEALTH)
        before = await snapshot(session)
        with pytest.raises(council.HeadSeatTaken) as raised:
            await register(session, world, "09121110005", "فاطمه موسوی", head_of=CommitteeKey.HEALTH)
        assert raised.value.committee == CommitteeKey.HEALTH and raised.value.holder_name == "علی رضایی"
        assert await snapshot(session) == before
        # A plain seat on the committee is fine; so is heading it in another neighbourhood.
        await register(session, world, "09121110005", committees=[CommitteeKey.HEALTH])
        await register(
            session,
            world,
            "09121110006",
            head_of=CommitteeKey.HEALTH,
            actor=OPERATOR,
            neighbourhood_id=world.other_neighbourhood_id,
        )
        await register(session, world, "09121110007", position="chair")
        with pytest.raises(council.PositionTaken):
            await register(session, world, "09121110008", position="chair")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"national_code": "0499370898"}, InvalidNationalCode),  # wrong checksum
        ({"national_code": "1111111111"}, InvalidNationalCode),
        ({"phone": "0912111"}, InvalidPhone),
        ({"phone": "02155551234"}, InvalidPhone),  # a landline
        ({"name": "   "}, InvalidName),
        ({"name": "ن" * 151}, InvalidName),
        ({"committees": ["sports"]}, council.UnknownCommittee),
        ({"position": "treasurer"}, council.CouncilError),
    ],
)
async def test_bad_input_is_refused_and_nothing_saved(
    session_factory: async_sessionmaker[AsyncSession],
    world: World,
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    arguments: dict[str, Any] = {"phone": "09121110004", "name": "علی رضایی", "head_of": CommitteeKey.HEALTH}
    arguments.update(kwargs)
    async with session_factory() as session:
        before = await snapshot(session)
        with pytest.raises(error):
            await register(session, world, arguments.pop("phone"), arguments.pop("name"), **arguments)
        assert await snapshot(session) == before


async def test_phones_only_for_the_manager_and_officials(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        head = await register(
            session, world, "09121110004", "علی رضایی", head_of="health", national_code=VALID_NATIONAL_CODE
        )
        plain = await register(session, world, "09121110005", "فاطمه موسوی", committees=["health"])
        official = await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000002",
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="شهر ری",
            now=NOW,
        )
        resident, _ = await ensure_person(session, "09120000003", full_name="ساکن", now=NOW)
        await ensure_role(
            session,
            person_id=resident.id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=world.neighbourhood_id,
            now=NOW,
        )
        await session.commit()

        for actor_person in (world.manager.person_id, official.person_id):
            assert actor_person is not None
            listed = await council.list_members(
                session,
                actor=await load_actor(session, actor_person),
                neighbourhood_id=world.neighbourhood_id,
            )
            assert {m.phone for m in listed} == {"+989121110004", "+989121110005"}
            assert VALID_NATIONAL_CODE in {m.national_code for m in listed}
        for actor_person in (resident.id, plain.person_id):
            listed = await council.list_members(
                session,
                actor=await load_actor(session, actor_person),
                neighbourhood_id=world.neighbourhood_id,
            )
            assert [m.full_name for m in listed] == ["علی رضایی", "فاطمه موسوی"]
            others = [m for m in listed if m.person_id != actor_person]
            assert others and all(m.phone is None and m.national_code is None for m in others)
        # A member sees their own phone, not the others'.
        mine = await council.list_members(
            session, actor=await load_actor(session, plain.person_id), neighbourhood_id=world.neighbourhood_id
        )
        assert {m.person_id: m.phone for m in mine} == {
            head.person_id: None,
            plain.person_id: "+989121110005",
        }


async def test_staffing_edit_and_deactivation(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        health = await register(
            session, world, "09121110004", "علی رضایی", head_of="health", committees=["crisis"]
        )
        await register(session, world, "09121110005", "فاطمه موسوی", committees=["health", "culture"])
        await register(session, world, "09121110006", "حسین محمدی", head_of="security")
        staffing = {
            s.committee: s
            for s in await council.committee_staffing(session, world.manager, world.neighbourhood_id)
        }
        assert list(staffing) == [
            CommitteeKey.HEALTH,
            CommitteeKey.LIVELIHOOD,
            CommitteeKey.SECURITY,
            CommitteeKey.CULTURE,
            CommitteeKey.SERVICES,
            CommitteeKey.ENVIRONMENT,
        ]
        assert (staffing[CommitteeKey.HEALTH].head_name, staffing[CommitteeKey.HEALTH].members) == (
            "علی رضایی",
            2,
        )
        assert (staffing[CommitteeKey.CULTURE].head_name, staffing[CommitteeKey.CULTURE].members) == (None, 1)
        assert staffing[CommitteeKey.SECURITY].has_head and not staffing[CommitteeKey.LIVELIHOOD].has_head

        # Edit: moves the head to livelihood, keeps the person; then fix a mistyped phone.
        edited = await council.edit_member(
            session,
            actor=world.manager,
            member_id=health.id,
            committees=["livelihood", "health"],
            head_of="livelihood",
            position="secretary",
            now=NOW,
        )
        assert edited.heads == (CommitteeKey.LIVELIHOOD,) and edited.position == CouncilPosition.SECRETARY
        moved = await council.edit_member(
            session, actor=world.manager, member_id=health.id, phone="09121119999", now=NOW
        )
        assert moved.phone == "+989121119999" and moved.person_id != health.person_id
        assert await roles_of_phone(session, "+989121110004") == set()
        assert (Role.COMMITTEE_HEAD, world.neighbourhood_id) in await roles_of_phone(session, "+989121119999")

        # Deactivation frees the head seat at once; another member can take it.
        gone = await council.deactivate_member(session, actor=world.manager, member_id=health.id, now=NOW)
        assert not gone.active and gone.heads == ()
        assert await roles_of_phone(session, "+989121119999") == set()
        staffing = {
            s.committee: s
            for s in await council.committee_staffing(session, world.manager, world.neighbourhood_id)
        }
        assert staffing[CommitteeKey.LIVELIHOOD] == council.CommitteeStaffing(
            CommitteeKey.LIVELIHOOD, None, None, 0
        )
        assert staffing[CommitteeKey.HEALTH].members == 1
        await register(session, world, "09121110007", head_of="livelihood")
        with pytest.raises(council.MemberInactive):
            await council.edit_member(
                session, actor=world.manager, member_id=health.id, position="member", now=NOW
            )
        listed = await council.list_members(
            session, actor=world.manager, neighbourhood_id=world.neighbourhood_id
        )
        assert health.id not in {m.id for m in listed}
        everyone = await council.list_members(
            session, actor=world.manager, neighbourhood_id=world.neighbourhood_id, include_inactive=True
        )
        assert everyone[-1].id == health.id and not everyone[-1].active
        # Registering them again reactivates the same seat.
        back = await register(session, world, "09121119999", committees=["services"])
        assert back.id == health.id and back.active


async def test_invitations(session_factory: async_sessionmaker[AsyncSession], world: World) -> None:
    async with session_factory() as session:
        token = await council.create_invitation(
            session,
            actor=world.manager,
            neighbourhood_id=world.neighbourhood_id,
            head_of="environment",
            now=NOW,
        )
        assert re.fullmatch(r"[A-Za-z0-9_-]{20,62}", token)
        other = await council.create_invitation(
            session, actor=world.manager, neighbourhood_id=world.neighbourhood_id, now=NOW
        )
        assert other != token
        stored = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "council.create_invitation")
        )
        assert stored is not None and token not in str(stored.details)

        guest_id = (await ensure_person(session, "09121110009", full_name="لیلا نوری", now=NOW))[0].id
        second_id = (await ensure_person(session, "09121110010", full_name="احمد کاظمی", now=NOW))[0].id
        await session.commit()

        with pytest.raises(council.InvitationNotFound):
            await council.accept_invitation(session, "no-such-token", guest_id, NOW)
        member = await council.accept_invitation(session, token, guest_id, NOW + timedelta(days=1))
        assert member.heads == (CommitteeKey.ENVIRONMENT,) and member.phone == "+989121110009"
        assert (Role.COMMITTEE_HEAD, world.neighbourhood_id) in await roles_of_phone(session, "+989121110009")

        before = await snapshot(session)
        with pytest.raises(council.InvitationUsed):
            await council.accept_invitation(session, token, second_id, NOW + timedelta(days=1))
        with pytest.raises(council.InvitationExpired):
            await council.accept_invitation(session, other, second_id, NOW + timedelta(days=7))
        with pytest.raises(council.AlreadyMember):
            fresh = await council.create_invitation(
                session, actor=world.manager, neighbourhood_id=world.neighbourhood_id, now=NOW
            )
            before = await snapshot(session)
            await council.accept_invitation(session, fresh, guest_id, NOW)
        assert await snapshot(session) == before

        # The head seat was taken between invitation and acceptance: refused, invitation still usable.
        late = await council.create_invitation(
            session, actor=world.manager, neighbourhood_id=world.neighbourhood_id, head_of="services", now=NOW
        )
        await register(session, world, "09121110011", head_of="services")
        before = await snapshot(session)
        with pytest.raises(council.HeadSeatTaken):
            await council.accept_invitation(session, late, second_id, NOW)
        assert await snapshot(session) == before

        with pytest.raises(council.HeadSeatTaken):
            await council.create_invitation(
                session,
                actor=world.manager,
                neighbourhood_id=world.neighbourhood_id,
                head_of="services",
                now=NOW,
            )
        for validity in (timedelta(0), timedelta(days=31)):
            with pytest.raises(council.InvalidInvitation):
                await council.create_invitation(
                    session,
                    actor=world.manager,
                    neighbourhood_id=world.neighbourhood_id,
                    valid_for=validity,
                    now=NOW,
                )
        assert await snapshot(session) == before


async def test_liaisons(session_factory: async_sessionmaker[AsyncSession], world: World) -> None:
    async with session_factory() as session:
        agencies = await council.list_agencies(session)
        keys = [a.key for a in agencies]
        assert {"health_network", "education", "municipality", "welfare", "police", "red_crescent"} <= set(
            keys
        )
        assert all(a.name_fa and a.name_en for a in agencies)

        first = await name_liaison(session, world, "health_network", "09121110010", full_name="احمد کاظمی")
        assert first.agency.key == "health_network" and first.full_name == "احمد کاظمی"
        assert (Role.LIAISON, world.county_id) in await roles_of_phone(session, "+989121110010")
        # The same person for a second agency, then replaced for the first: keeps the role.
        await name_liaison(session, world, "education", "09121110010")
        await name_liaison(session, world, "health_network", "09121110011")
        assert (Role.LIAISON, world.county_id) in await roles_of_phone(session, "+989121110010")
        # Replaced for the second too: no agency left, no liaison role left.
        await name_liaison(session, world, "education", "09121110011")
        assert await roles_of_phone(session, "+989121110010") == set()
        listed = await council.list_liaisons(session, actor=OPERATOR, county_id=world.county_id)
        assert [(v.agency.key, v.phone) for v in listed] == [
            ("health_network", "+989121110011"),
            ("education", "+989121110011"),
        ]
        assert await session.scalar(select(func.count()).select_from(Liaison)) == 2
        before = await snapshot(session)
        with pytest.raises(UnknownAgency):
            await name_liaison(session, world, "nasa", "09121110012")
        with pytest.raises(InvalidPhone):
            await name_liaison(session, world, "police", "12")
        assert await snapshot(session) == before


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"population": -1}, "population", "negative"),
        ({"population": "۱۲a"}, "population", "not_a_number"),
        ({"population": True}, "population", "not_a_number"),
        ({"population": 1.5}, "population", "not_a_number"),
        ({"households": 10**9}, "households", "too_large"),
        ({"population": 100, "households": 101}, "households", "exceeds_population"),
        ({"area_hectares": "-3"}, "area_hectares", "negative"),
        ({"area_hectares": "wide"}, "area_hectares", "not_a_number"),
        ({"facilities": {"casinos": 1}}, "facilities", "unknown_key"),
        ({"facilities": {"schools": -2}}, "facilities", "negative"),
        ({"programmes": ["tarh_2020", "moon_landing"]}, "programmes", "unknown_key"),
        ({"programmes": "karamat"}, "programmes", "not_a_list"),
        ({"council_formed_on": date(2026, 11, 23)}, "council_formed_on", "in_future"),
        ({"council_formed_on": "1403/01/01"}, "council_formed_on", "not_a_date"),
        ({"main_problems": "x" * 4001}, "main_problems", "too_long"),
        ({"mayor": "someone"}, "mayor", "unknown_field"),
    ],
)
async def test_profile_validation(
    session_factory: async_sessionmaker[AsyncSession],
    world: World,
    changes: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    async with session_factory() as session:
        await council.update_profile(
            session,
            actor=world.manager,
            neighbourhood_id=world.neighbourhood_id,
            changes={"population": 5000},
            now=NOW,
        )
        before = await snapshot(session)
        with pytest.raises(council.InvalidProfile) as raised:
            await council.update_profile(
                session,
                actor=world.manager,
                neighbourhood_id=world.neighbourhood_id,
                changes=changes,
                now=NOW,
            )
        assert (raised.value.field, raised.value.reason) == (field, reason)
        assert await snapshot(session) == before


async def test_profile_update_and_read(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_factory() as session:
        empty = await council.get_profile(
            session, actor=world.manager, neighbourhood_id=world.neighbourhood_id
        )
        assert empty.population is None and empty.programmes == () and empty.updated_at is None
        changes: council.ProfileChanges = {
            "population": "۱۲٬۵۰۰",
            "households": 3400,
            "area_hectares": "۸۵٫۵",
            "facilities": {"schools": "۳", "parks": 1},
            "main_problems": "  کمبود روشنایی معابر\nجمع‌آوری زباله  ",
            "programmes": ["karamat", "tarh_2020", "karamat"],
            "council_formed_on": date(2025, 3, 1),
        }
        profile = await council.update_profile(
            session, actor=world.manager, neighbourhood_id=world.neighbourhood_id, changes=changes, now=NOW
        )
        assert (profile.population, profile.households, profile.area_hectares) == (12500, 3400, 85.5)
        assert profile.facilities == {"schools": 3, "parks": 1}
        assert profile.programmes == ("tarh_2020", "karamat")
        assert profile.main_problems == "کمبود روشنایی معابر\nجمع‌آوری زباله"
        # Partial update: facilities merge, None clears one.
        profile = await council.update_profile(
            session,
            actor=world.manager,
            neighbourhood_id=world.neighbourhood_id,
            changes={"facilities": {"parks": None, "mosques": 2}},
            now=NOW,
        )
        assert profile.facilities == {"schools": 3, "mosques": 2} and profile.population == 12500
        read = await council.get_profile(session, actor=OPERATOR, neighbourhood_id=world.neighbourhood_id)
        assert read == profile and read.kind.value == "urban"
        stored = await session.get(NeighbourhoodProfile, world.neighbourhood_id)
        assert stored is not None and stored.updated_by_person_id == world.manager.person_id
        audits = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "profile.update")
        )
        assert audits == 2


async def test_registered_head_is_recognised_when_sharing_their_contact_on_bale(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    from models import Platform
    from services.accounts import identify, link_contact

    async with session_factory() as session:
        head = await register(session, world, "09121110004", "علی رضایی", head_of="health")
        viewer = await identify(
            session,
            platform=Platform.BALE,
            user_id=777,
            chat_id=777,
            first_name="Ali",
            username=None,
            now=NOW,
        )
        assert not viewer.is_registered
        linked = await link_contact(
            session,
            account_id=viewer.account_id,
            sender_user_id=777,
            contact_user_id=777,
            phone_number="989121110004",
            contact_name="Ali R",
            admin_phones=frozenset(),
            now=NOW,
        )
        assert linked.person_id == head.person_id and linked.full_name == "علی رضایی"
        assert linked.has_role(Role.COMMITTEE_HEAD) and linked.has_role(Role.COUNCIL_MEMBER)
        actor = Actor.from_viewer(linked)
        staffing = council.committee_staffing(session, actor, world.neighbourhood_id)
        with pytest.raises(PermissionDenied):
            await staffing
        assert (
            len(await council.list_members(session, actor=actor, neighbourhood_id=world.neighbourhood_id))
            == 1
        )
