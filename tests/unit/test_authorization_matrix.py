"""Every privileged service operation, called as every role — and as the right role in the wrong
province, county or neighbourhood: only the allowed callers succeed, the others get
`PermissionDenied` and the database is left exactly as it was."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Base, CommitteeKey, County, Role, ScopeKind
from services import council
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.regions import import_regions, neighbourhood_by_code
from services.roles import ensure_person, ensure_role, grant_role, revoke_role

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,rural\n"
    "تهران,ورامین,قلعه‌نو,3001,urban\n"
    "البرز,کرج,گوهردشت,5101,urban\n"
)

# Who plays: N1 = دولت‌آباد (in county C1 = شهر ری, province P1 = تهران); the "wrong" manager runs
# N2 in the same county, the "wrong" county official runs ورامین in the same province, the "wrong"
# province official runs البرز.
CALLERS = (
    "operator",
    "admin",
    "province_official",
    "province_official_elsewhere",
    "county_official",
    "county_official_elsewhere",
    "manager",
    "manager_elsewhere",
    "liaison",
    "council_member",
    "committee_head",
    "resident",
    "nobody",
)
ADMINS = frozenset({"operator", "admin"})
PROVINCE = ADMINS | {"province_official"}
COUNTY = PROVINCE | {"county_official"}
MANAGE = COUNTY | {"manager"}
COUNCIL = MANAGE | {"council_member", "committee_head", "resident"}


@dataclass
class World:
    n1: int
    c1: int
    p1: int
    actors: dict[str, Actor]
    serial: itertools.count[int]

    def phone(self) -> str:
        """A new mobile number for every call, so successful calls never collide."""
        return f"0913{next(self.serial):07d}"


async def build_world(session: AsyncSession) -> World:
    await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    n1 = await neighbourhood_by_code(session, "1001")
    assert n1 is not None

    async def grant(phone: str, role: Role, kind: ScopeKind, where: str | None, **extra: Any) -> int:
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

    people = {
        "admin": await grant("09120000001", Role.ADMIN, ScopeKind.GLOBAL, None),
        "province_official": await grant("09120000002", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران"),
        "province_official_elsewhere": await grant(
            "09120000003", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "البرز"
        ),
        "county_official": await grant("09120000004", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        "county_official_elsewhere": await grant(
            "09120000005", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ورامین"
        ),
        "manager": await grant("09120000006", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
        "manager_elsewhere": await grant("09120000007", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        "liaison": await grant(
            "09120000008", Role.LIAISON, ScopeKind.COUNTY, "شهر ری", agency_key="health_network"
        ),
    }
    member = await council.register_member(
        session, actor=OPERATOR, neighbourhood_id=n1.id, full_name="عضو", phone="09120000009", now=NOW
    )
    head = await council.register_member(
        session,
        actor=OPERATOR,
        neighbourhood_id=n1.id,
        full_name="رئیس کمیته",
        phone="09120000010",
        head_of=CommitteeKey.HEALTH,
        now=NOW,
    )
    resident, _ = await ensure_person(session, "09120000011", full_name="ساکن", now=NOW)
    nobody, _ = await ensure_person(session, "09120000012", full_name="بی‌نقش", now=NOW)
    await ensure_role(
        session,
        person_id=resident.id,
        role=Role.RESIDENT,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=n1.id,
        now=NOW,
    )
    await session.commit()
    people.update(
        council_member=member.person_id, committee_head=head.person_id, resident=resident.id, nobody=nobody.id
    )
    actors = {"operator": OPERATOR} | {name: await load_actor(session, pid) for name, pid in people.items()}
    assert set(actors) == set(CALLERS)
    county = await session.get(County, n1.county_id)
    assert county is not None
    return World(n1=n1.id, c1=county.id, p1=county.province_id, actors=actors, serial=itertools.count(1))


# An operation: `prepare` runs as the operator and returns what `call` needs (e.g. a member to edit).
Prepare = Callable[[AsyncSession, World], Awaitable[Any]]
Call = Callable[[AsyncSession, World, Actor, Any], Awaitable[Any]]


async def nothing(session: AsyncSession, world: World) -> None:
    return None


async def a_member(session: AsyncSession, world: World) -> int:
    view = await council.register_member(
        session, actor=OPERATOR, neighbourhood_id=world.n1, full_name="عضو تازه", phone=world.phone(), now=NOW
    )
    return view.id


async def a_manager(session: AsyncSession, world: World) -> str:
    phone = world.phone()
    await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=Role.MANAGER,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_name_or_code="1001",
        now=NOW,
    )
    return phone


async def a_county_official(session: AsyncSession, world: World) -> str:
    phone = world.phone()
    await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=Role.COUNTY_OFFICIAL,
        scope_kind=ScopeKind.COUNTY,
        scope_name_or_code="شهر ری",
        now=NOW,
    )
    return phone


def grant(role: Role, kind: ScopeKind, where: str | None, **extra: Any) -> Call:
    async def call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
        return await grant_role(
            session,
            actor=actor,
            phone=world.phone(),
            role=role,
            scope_kind=kind,
            scope_name_or_code=where,
            now=NOW,
            **extra,
        )

    return call


def revoke(role: Role, kind: ScopeKind, where: str) -> Call:
    async def call(session: AsyncSession, world: World, actor: Actor, phone: str) -> Any:
        change = await revoke_role(
            session, actor=actor, phone=phone, role=role, scope_kind=kind, scope_name_or_code=where, now=NOW
        )
        assert change.changed
        return change

    return call


async def import_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    code = 9000 + next(world.serial)
    csv_text = f"province,county,neighbourhood,code,kind\nتهران,شهر ری,محله {code},{code},urban\n"
    return await import_regions(session, csv_text, actor=actor, now=NOW)


async def register_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.register_member(
        session,
        actor=actor,
        neighbourhood_id=world.n1,
        full_name="عضو",
        phone=world.phone(),
        committees=[CommitteeKey.CULTURE],
        now=NOW,
    )


async def edit_call(session: AsyncSession, world: World, actor: Actor, member_id: int) -> Any:
    return await council.edit_member(
        session, actor=actor, member_id=member_id, full_name="نام ویرایش‌شده", committees=["services"], now=NOW
    )


async def deactivate_call(session: AsyncSession, world: World, actor: Actor, member_id: int) -> Any:
    view = await council.deactivate_member(session, actor=actor, member_id=member_id, now=NOW)
    assert not view.active
    return view


async def list_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.list_members(session, actor=actor, neighbourhood_id=world.n1)


async def staffing_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.committee_staffing(session, actor, world.n1)


async def invite_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.create_invitation(session, actor=actor, neighbourhood_id=world.n1, now=NOW)


async def set_liaison_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.set_liaison(
        session, actor=actor, county_id=world.c1, agency_key="education", phone=world.phone(), now=NOW
    )


async def list_liaisons_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.list_liaisons(session, actor=actor, county_id=world.c1)


async def get_profile_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.get_profile(session, actor=actor, neighbourhood_id=world.n1)


async def update_profile_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    changes: council.ProfileChanges = {"population": 1000 + next(world.serial), "programmes": ["karamat"]}
    return await council.update_profile(
        session, actor=actor, neighbourhood_id=world.n1, changes=changes, now=NOW
    )


async def get_member_call(session: AsyncSession, world: World, actor: Actor, member_id: int) -> Any:
    return await council.get_member(session, actor=actor, member_id=member_id)


async def county_liaisons_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.county_liaisons(session, actor=actor, county_id=world.c1)


async def county_report_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.county_staffing_report(session, actor=actor, county_id=world.c1)


async def province_report_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.province_staffing_report(session, actor=actor, province_id=world.p1)


async def overseen_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    regions = await council.overseen_regions(session, actor=actor)
    assert regions.counties, "an official oversees at least their own county"
    return regions


# Operations that only read: even an allowed call must leave the database as it was.
READS = ("list", "get", "committee", "county_", "province_staffing", "overseen")

OPERATIONS: dict[str, tuple[Prepare, Call, frozenset[str]]] = {
    "import_regions": (nothing, import_call, ADMINS),
    "grant_admin": (nothing, grant(Role.ADMIN, ScopeKind.GLOBAL, None), ADMINS),
    "grant_province_official": (
        nothing,
        grant(Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران"),
        ADMINS,
    ),
    "grant_county_official": (nothing, grant(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"), PROVINCE),
    "grant_manager": (nothing, grant(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"), COUNTY),
    "grant_liaison": (
        nothing,
        grant(Role.LIAISON, ScopeKind.COUNTY, "شهر ری", agency_key="police"),
        COUNTY,
    ),
    "revoke_manager": (a_manager, revoke(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"), COUNTY),
    "revoke_county_official": (
        a_county_official,
        revoke(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        PROVINCE,
    ),
    "register_member": (nothing, register_call, MANAGE),
    "edit_member": (a_member, edit_call, MANAGE),
    "deactivate_member": (a_member, deactivate_call, MANAGE),
    "list_members": (nothing, list_call, COUNCIL),
    "committee_staffing": (nothing, staffing_call, MANAGE),
    "create_invitation": (nothing, invite_call, MANAGE),
    "set_liaison": (nothing, set_liaison_call, COUNTY),
    "list_liaisons": (nothing, list_liaisons_call, COUNTY),
    "get_profile": (nothing, get_profile_call, MANAGE),
    # Officials read the profile; the neighbourhood's manager keeps it.
    "update_profile": (nothing, update_profile_call, ADMINS | {"manager"}),
    "get_member": (a_member, get_member_call, MANAGE),
    "county_liaisons": (nothing, county_liaisons_call, COUNTY),
    "county_staffing_report": (nothing, county_report_call, COUNTY),
    "province_staffing_report": (nothing, province_report_call, PROVINCE),
    # Every official, wherever: it lists their own provinces and counties, nobody else's.
    "overseen_regions": (
        nothing,
        overseen_call,
        COUNTY | {"province_official_elsewhere", "county_official_elsewhere"},
    ),
}


async def dump(session: AsyncSession) -> dict[str, list[str]]:
    """Every row of every table, to prove a refused call changed nothing at all."""
    session.expire_all()
    result: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        rows = (await session.execute(select(table))).all()
        result[table.name] = sorted(repr(tuple(row)) for row in rows)
    return result


@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_only_allowed_callers_succeed(
    session_factory: async_sessionmaker[AsyncSession], operation: str
) -> None:
    prepare, call, allowed = OPERATIONS[operation]
    assert allowed <= set(CALLERS)
    wrong: list[str] = []
    async with session_factory() as session:
        world = await build_world(session)
        for caller in CALLERS:
            target = await prepare(session, world)
            await session.commit()
            before = await dump(session)
            try:
                await call(session, world, world.actors[caller], target)
            except PermissionDenied:
                if caller in allowed:
                    wrong.append(f"{caller}: refused but should be allowed")
                elif await dump(session) != before:
                    wrong.append(f"{caller}: refused but the database changed")
            else:
                if caller not in allowed:
                    wrong.append(f"{caller}: allowed but should be refused")
                elif operation.startswith(READS) and await dump(session) != before:
                    wrong.append(f"{caller}: a read changed the database")
    assert not wrong, f"{operation}:\n" + "\n".join(wrong)


def test_every_privileged_operation_is_in_the_matrix() -> None:
    """A new privileged service function must be added to the matrix above."""
    import inspect

    from services import regions, roles

    covered = {
        "import_regions",
        "grant_role",
        "revoke_role",
        *(name for name in OPERATIONS if hasattr(council, name)),
    }
    privileged = {
        name
        for module in (council, regions, roles)
        for name, function in inspect.getmembers(module, inspect.iscoroutinefunction)
        # services.council is a package: its functions are defined in its modules.
        if (function.__module__ == module.__name__ or function.__module__.startswith(module.__name__ + "."))
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    }
    assert privileged <= covered, privileged - covered
