"""A demo cast for the sandbox and for trying the bot: a province, a county, an urban and a rural
neighbourhood, a manager, heads of the six standing committees, a health-network liaison, a county
official and a few residents — all created through the services, as the operator would.

Seeding is idempotent: run it twice and the second run changes nothing. For load tests,
`seed_residents` adds any number of residents with messenger accounts to a neighbourhood.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import (
    STANDING_COMMITTEES,
    Agency,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    Liaison,
)
from models.identity import (
    Account,
    County,
    Neighbourhood,
    NeighbourhoodKind,
    Person,
    Platform,
    Province,
    Role,
    RoleAssignment,
    ScopeKind,
)
from models.requests import CitizenRequest
from models.resolutions import MeetingKind, Resolution
from services.accounts import display_phone
from services.authz import OPERATOR, load_actor
from services.council import CouncilError, list_members, register_member
from services.i18n import Translator
from services.identity_validation import normalize_mobile
from services.jalali import tehran_today
from services.regions import import_regions, neighbourhood_by_code
from services.roles import ensure_person, ensure_role, grant_role
from services.uow import committing

__all__ = [
    "DEMO_CAST",
    "DEMO_COUNTY",
    "DEMO_PROVINCE",
    "DemoPerson",
    "DemoPersona",
    "demo_personas",
    "is_fresh",
    "seed_demo",
    "seed_demo_if_fresh",
    "seed_residents",
]

log = logging.getLogger(__name__)

DEMO_PROVINCE = "تهران"
DEMO_COUNTY = "شهر ری"
URBAN_CODE, RURAL_CODE = "1001", "1002"
DEMO_NEIGHBOURHOODS: tuple[tuple[str, str, NeighbourhoodKind], ...] = (
    ("دولت‌آباد", URBAN_CODE, NeighbourhoodKind.URBAN),
    ("روستای کهریزک", RURAL_CODE, NeighbourhoodKind.RURAL),
)
DEMO_AGENCY = "health_network"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    phone: str
    role: Role
    # The neighbourhood code for residents, managers and council members.
    code: str | None = None
    head_of: CommitteeKey | None = None


DEMO_CAST: tuple[DemoPerson, ...] = (
    DemoPerson("زهرا احمدی", "09121110001", Role.RESIDENT, URBAN_CODE),
    DemoPerson("رضا کریمی", "09121110002", Role.RESIDENT, RURAL_CODE),
    DemoPerson("مریم حسینی", "09121110003", Role.MANAGER, URBAN_CODE),
    DemoPerson("علی رضایی", "09121110004", Role.COMMITTEE_HEAD, URBAN_CODE, CommitteeKey.HEALTH),
    DemoPerson("فاطمه موسوی", "09121110005", Role.COMMITTEE_HEAD, URBAN_CODE, CommitteeKey.LIVELIHOOD),
    DemoPerson("حسین محمدی", "09121110006", Role.COMMITTEE_HEAD, URBAN_CODE, CommitteeKey.SECURITY),
    DemoPerson("سارا جعفری", "09121110007", Role.COMMITTEE_HEAD, URBAN_CODE, CommitteeKey.CULTURE),
    DemoPerson("محمد صادقی", "09121110008", Role.COMMITTEE_HEAD, URBAN_CODE, CommitteeKey.SERVICES),
    DemoPerson("لیلا نوری", "09121110009", Role.COMMITTEE_HEAD, URBAN_CODE, CommitteeKey.ENVIRONMENT),
    DemoPerson("احمد کاظمی", "09121110010", Role.LIAISON),
    DemoPerson("مهدی طاهری", "09121110011", Role.COUNTY_OFFICIAL),
    DemoPerson("سمیه رحیمی", "09121110012", Role.RESIDENT, URBAN_CODE),
)
assert {p.head_of for p in DEMO_CAST if p.head_of} == set(STANDING_COMMITTEES)

# The first two heads also chair the council and keep its minutes.
_POSITIONS = {CommitteeKey.HEALTH: "chair", CommitteeKey.LIVELIHOOD: "secretary"}


# Which role a persona is shown with when they have several.
_SENIORITY: tuple[Role, ...] = (
    Role.ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.COUNTY_OFFICIAL,
    Role.MANAGER,
    Role.LIAISON,
    Role.COMMITTEE_HEAD,
    Role.COUNCIL_MEMBER,
    Role.RESIDENT,
)


@dataclass(frozen=True)
class DemoPersona:
    """One demo person as the sandbox's web chat offers them."""

    name: str
    phone: str
    platform: str
    # The messenger user id the web chat plays them with: their phone's digits, stable.
    user_id: int
    # Their most senior role (None if they have none any more) and where it applies.
    role: Role | None
    place: str | None
    committee: CommitteeKey | None
    agency_name_fa: str | None


async def is_fresh(session: AsyncSession) -> bool:
    """Whether the database has no regions yet (a new sandbox)."""
    return not await session.scalar(select(func.count()).select_from(Province))


async def seed_demo(session: AsyncSession, *, now: datetime) -> list[DemoPersona]:
    """Create the demo regions and cast through the services, as the operator; commits.

    Idempotent: what exists is left alone. Returns the personas.
    """
    csv_text = "province,county,neighbourhood,code,kind\n" + "".join(
        f"{DEMO_PROVINCE},{DEMO_COUNTY},{name},{code},{kind.value}\n"
        for name, code, kind in DEMO_NEIGHBOURHOODS
    )
    await import_regions(session, csv_text, actor=OPERATOR, now=now)
    neighbourhoods: dict[str, Neighbourhood] = {}
    for _, code, _ in DEMO_NEIGHBOURHOODS:
        found = await neighbourhood_by_code(session, code)
        assert found is not None
        neighbourhoods[code] = found
    members = {
        m.phone
        for m in await list_members(session, actor=OPERATOR, neighbourhood_id=neighbourhoods[URBAN_CODE].id)
    }
    for person in DEMO_CAST:
        await _cast(session, person, neighbourhoods, members, now=now)
    await _seed_activity(session, neighbourhoods[URBAN_CODE].id, now=now)
    return await demo_personas(session)


async def _cast(
    session: AsyncSession,
    person: DemoPerson,
    neighbourhoods: dict[str, Neighbourhood],
    members: Collection[str | None],
    *,
    now: datetime,
) -> None:
    """Give one demo person their role, as the operator would (each step commits)."""
    if person.role == Role.MANAGER:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=person.phone,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code=person.code,
            full_name=person.name,
            now=now,
        )
    elif person.role in (Role.COUNTY_OFFICIAL, Role.LIAISON):
        await grant_role(
            session,
            actor=OPERATOR,
            phone=person.phone,
            role=person.role,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code=DEMO_COUNTY,
            province_name=DEMO_PROVINCE,
            agency_key=DEMO_AGENCY if person.role == Role.LIAISON else None,
            full_name=person.name,
            now=now,
        )
    elif person.role == Role.COMMITTEE_HEAD and normalize_mobile(person.phone) not in members:
        assert person.code is not None and person.head_of is not None
        try:
            await register_member(
                session,
                actor=OPERATOR,
                neighbourhood_id=neighbourhoods[person.code].id,
                full_name=person.name,
                phone=person.phone,
                position=_POSITIONS.get(person.head_of, "member"),
                committees=[person.head_of],
                head_of=person.head_of,
                now=now,
            )
        except CouncilError as error:
            # Someone took the seat in the meantime (the demo was played with): leave it so.
            log.warning("demo: %s not seated: %s", person.name, error)
    elif person.role == Role.RESIDENT:
        # Residents join by themselves (a deep link); here the demo stands in for them.
        assert person.code is not None
        async with committing(session):
            resident, _ = await ensure_person(session, person.phone, full_name=person.name, now=now)
            await ensure_role(
                session,
                person_id=resident.id,
                role=Role.RESIDENT,
                scope_kind=ScopeKind.NEIGHBOURHOOD,
                scope_id=neighbourhoods[person.code].id,
                now=now,
            )


async def _seed_activity(session: AsyncSession, neighbourhood_id: int, *, now: datetime) -> None:
    """A little life in the urban neighbourhood, so every persona has something to open: two
    requests (one already seen), a council meeting with three resolutions (one overdue with the
    health network's liaison, one due soon, one done) and two public actions. Only on a first run."""
    if await session.scalar(select(func.count(CitizenRequest.id))) or await session.scalar(
        select(func.count(Resolution.id))
    ):
        return
    translator = Translator()
    people = {
        p.phone: p.id
        for p in await session.scalars(
            select(Person).where(Person.phone.in_([normalize_mobile(d.phone) for d in DEMO_CAST]))
        )
    }
    await _seed_requests(
        session,
        translator,
        resident=people[normalize_mobile("09121110001")],
        health_head=people[normalize_mobile("09121110004")],
        now=now,
    )
    resolutions = await _seed_meeting(session, translator, neighbourhood_id, now=now)
    await _seed_actions(session, neighbourhood_id, completed=resolutions[2], now=now)


async def _seed_requests(
    session: AsyncSession, translator: Translator, *, resident: int, health_head: int, now: datetime
) -> None:
    """Two requests of a resident, the second one already acknowledged by the health committee's head."""
    # Imported here, as in the two helpers below: the demo is the only service that drives all the others.
    from services.requests import HandlerAction, NewRequest, act_on_request, submit_request

    await submit_request(
        session,
        translator,
        person_id=resident,
        draft=NewRequest(
            text="چراغ‌های کوچهٔ شهید رجایی یک هفته است خاموش است و شب‌ها کوچه تاریک است.",
            committee=CommitteeKey.SERVICES,
        ),
        now=now - timedelta(days=3),
        daily_limit=10,
    )
    clinic = await submit_request(
        session,
        translator,
        person_id=resident,
        draft=NewRequest(
            text="درمانگاه محله عصرها پزشک ندارد و باید تا شهر برویم.", committee=CommitteeKey.HEALTH
        ),
        now=now - timedelta(days=2),
        daily_limit=10,
    )
    await act_on_request(
        session,
        translator,
        actor=await load_actor(session, health_head),
        request_id=clinic.id,
        action=HandlerAction.ACKNOWLEDGE,
        now=now - timedelta(days=1),
    )


async def _seed_meeting(
    session: AsyncSession, translator: Translator, neighbourhood_id: int, *, now: datetime
) -> list[int]:
    """A council meeting 20 days ago and its three resolutions: overdue with the health network,
    due soon (40 % done), due today; their ids in that order."""
    from services.resolutions import Responsible, add_resolution, create_meeting, update_progress

    today = tehran_today(now)
    meeting = await create_meeting(
        session,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood_id,
        kind=MeetingKind.COUNCIL,
        held_on=today - timedelta(days=20),
        minutes_text="بررسی کمبود پزشک عصر در درمانگاه، روشنایی معابر و کلاس‌های تابستانی کودکان.",
        now=now - timedelta(days=20),
    )
    agency_id = await session.scalar(select(Agency.id).where(Agency.key == DEMO_AGENCY))
    assert agency_id is not None
    plans = [
        ("تأمین پزشک عصر برای درمانگاه محله", Responsible.of_agency(agency_id), today - timedelta(days=4)),
        (
            "تعمیر چراغ‌های معابر اصلی محله",
            Responsible.of_committee(CommitteeKey.SERVICES),
            today + timedelta(days=2),
        ),
        ("راه‌اندازی کلاس قرآن کودکان در مسجد محله", Responsible.of_committee(CommitteeKey.CULTURE), today),
    ]
    created: list[int] = []
    for text, responsible, deadline in plans:
        resolution = await add_resolution(
            session,
            translator,
            actor=OPERATOR,
            neighbourhood_id=neighbourhood_id,
            text=text,
            responsible=responsible,
            deadline=deadline,
            meeting_id=meeting.id,
            now=now - timedelta(days=20),
        )
        created.append(resolution.id)
    await update_progress(
        session,
        translator,
        actor=OPERATOR,
        resolution_id=created[1],
        progress=40,
        now=now - timedelta(days=5),
    )
    return created


async def _seed_actions(
    session: AsyncSession, neighbourhood_id: int, *, completed: int, now: datetime
) -> None:
    """Two public actions of the council, the first completing the resolution `completed`."""
    from services.actions import log_action

    today = tehran_today(now)
    await log_action(
        session,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood_id,
        title="برگزاری کلاس قرآن کودکان",
        description="کلاس‌ها شنبه‌ها و سه‌شنبه‌ها ساعت ۱۷ در مسجد محله برگزار می‌شود.",
        committee=CommitteeKey.CULTURE,
        programme="eslami",
        done_on=today - timedelta(days=2),
        resolution_id=completed,
        completes_resolution=True,
        now=now - timedelta(days=2),
    )
    await log_action(
        session,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood_id,
        title="کاشت ۵۰ نهال در پارک محله",
        description="با همراهی دانش‌آموزان مدرسهٔ محله و شهرداری.",
        committee=CommitteeKey.ENVIRONMENT,
        programme=None,
        done_on=today - timedelta(days=6),
        now=now - timedelta(days=6),
    )


async def seed_demo_if_fresh(session: AsyncSession, *, now: datetime) -> bool:
    """Seed the demo when the database has no regions yet; whether it did."""
    if not await is_fresh(session):
        return False
    await seed_demo(session, now=now)
    return True


def _phone_digits(phone: str) -> int:
    return int(re.sub(r"\D", "", phone))


async def demo_personas(session: AsyncSession) -> list[DemoPersona]:
    """The demo cast as it stands in the database (people removed since are left out), with
    Telegram and Bale alternating."""
    phones = [normalize_mobile(p.phone) for p in DEMO_CAST]
    people = {p.phone: p for p in await session.scalars(select(Person).where(Person.phone.in_(phones)))}
    places = (
        {(ScopeKind.NEIGHBOURHOOD, n.id): n.name for n in await session.scalars(select(Neighbourhood))}
        | {(ScopeKind.COUNTY, c.id): c.name for c in await session.scalars(select(County))}
        | {(ScopeKind.PROVINCE, p.id): p.name for p in await session.scalars(select(Province))}
    )
    personas: list[DemoPersona] = []
    for index, phone in enumerate(phones):
        person = people.get(phone)
        if person is None:
            continue
        grants = sorted(
            await session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person.id)),
            key=lambda g: _SENIORITY.index(g.role),
        )
        top = grants[0] if grants else None
        committee = None
        if top is not None and top.role == Role.COMMITTEE_HEAD:
            committee = await session.scalar(
                select(CommitteeMembership.committee)
                .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
                .where(CouncilMember.person_id == person.id, CommitteeMembership.is_head.is_(True))
                .limit(1)
            )
        agency = None
        if top is not None and top.role == Role.LIAISON:
            agency = await session.scalar(
                select(Agency.name_fa)
                .join(Liaison, Liaison.agency_id == Agency.id)
                .where(Liaison.person_id == person.id)
                .limit(1)
            )
        personas.append(
            DemoPersona(
                name=person.full_name or "",
                phone=display_phone(person.phone),
                platform="telegram" if index % 2 == 0 else "bale",
                user_id=_phone_digits(person.phone),
                role=top.role if top else None,
                place=places.get((top.scope_kind, top.scope_id)) if top else None,
                committee=committee,
                agency_name_fa=agency,
            )
        )
    return personas


# ---- many residents, for load tests (`python -m bot seed-demo --residents N`) ----

# Seeded residents' phones: 0990 and a serial (a real operator's prefix, never the demo cast's).
LOAD_PHONE_PREFIX = "+98990"
# Their chat ids: far above the emulator's scripted users and the sandbox's, below Bale's 52 bits.
LOAD_CHAT_ID_BASE = 9_000_000_000
LOAD_BATCH = 500


async def seed_residents(session: AsyncSession, *, count: int, code: str | None, now: datetime) -> int:
    """Add `count` residents to neighbourhood `code` (the demo's urban one when None), each with a
    messenger account, alternately Telegram and Bale; commits. Run again, it adds `count` more
    (serials continue). Returns how many residents the neighbourhood has now. Raises LookupError
    for an unknown code."""
    neighbourhood = await neighbourhood_by_code(session, code or URBAN_CODE)
    if neighbourhood is None:
        raise LookupError(f"no neighbourhood with code {code or URBAN_CODE!r}")
    start = int(
        await session.scalar(
            select(func.count()).select_from(Person).where(Person.phone.startswith(LOAD_PHONE_PREFIX))
        )
        or 0
    )
    for first in range(start, start + count, LOAD_BATCH):
        serials = range(first, min(first + LOAD_BATCH, start + count))
        people = [
            Person(phone=f"{LOAD_PHONE_PREFIX}{n:07d}", full_name=f"ساکن آزمایشی {n + 1}", created_at=now)
            for n in serials
        ]
        session.add_all(people)
        await session.flush()
        for n, person in zip(serials, people, strict=True):
            chat_id = LOAD_CHAT_ID_BASE + n
            platform = Platform.TELEGRAM if n % 2 == 0 else Platform.BALE
            session.add(
                Account(
                    platform=platform,
                    platform_user_id=chat_id,
                    chat_id=chat_id,
                    person_id=person.id,
                    first_name=person.full_name,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            session.add(
                RoleAssignment(
                    person_id=person.id,
                    role=Role.RESIDENT,
                    scope_kind=ScopeKind.NEIGHBOURHOOD,
                    scope_id=neighbourhood.id,
                    created_at=now,
                )
            )
        await session.flush()
    await session.commit()
    return int(
        await session.scalar(
            select(func.count(func.distinct(RoleAssignment.person_id))).where(
                RoleAssignment.role == Role.RESIDENT,
                RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
                RoleAssignment.scope_id == neighbourhood.id,
            )
        )
        or 0
    )
