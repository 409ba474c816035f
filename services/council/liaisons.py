"""Executive agencies and their liaison in each county (one per agency and county)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, Liaison
from models.identity import County, Person
from services.authz import Actor, record_audit, require_county_official
from services.council.staffing import CountyRef, _county_refs
from services.roles import agency_by_key, assign_liaison, ensure_person
from services.uow import committing

__all__ = [
    "AgencyLiaison",
    "AgencyView",
    "CountyLiaisons",
    "LiaisonView",
    "county_liaisons",
    "list_agencies",
    "list_liaisons",
    "set_liaison",
]


@dataclass(frozen=True)
class AgencyView:
    id: int
    key: str
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class LiaisonView:
    agency: AgencyView
    county_id: int
    person_id: int
    full_name: str | None
    phone: str


@dataclass(frozen=True)
class AgencyLiaison:
    agency: AgencyView
    liaison: LiaisonView | None


@dataclass(frozen=True)
class CountyLiaisons:
    """Every executive agency with its liaison in the county (None where none is named yet)."""

    county: CountyRef
    agencies: tuple[AgencyLiaison, ...]


def _agency_view(agency: Agency) -> AgencyView:
    return AgencyView(id=agency.id, key=agency.key, name_fa=agency.name_fa, name_en=agency.name_en)


async def list_agencies(session: AsyncSession) -> list[AgencyView]:
    """The executive agencies that name liaisons, in their seeded order."""
    return [_agency_view(a) for a in await session.scalars(select(Agency).order_by(Agency.id))]


async def set_liaison(
    session: AsyncSession,
    *,
    actor: Actor,
    county_id: int,
    agency_key: str,
    phone: str,
    now: datetime,
    full_name: str | None = None,
) -> LiaisonView:
    """Make the person with `phone` the agency's liaison in the county (created if unknown); commits.

    For the county's officials and those above; one liaison per agency and county, so this
    replaces the previous one. Raises `PermissionDenied`, `UnknownAgency`, `InvalidPhone`,
    `InvalidName`.
    """
    async with committing(session):
        await require_county_official(session, actor, county_id, "set liaison")
        agency = await agency_by_key(session, agency_key)
        person, created = await ensure_person(session, phone, full_name=full_name, now=now)
        outcome = await assign_liaison(
            session, person_id=person.id, county_id=county_id, agency_id=agency.id, now=now
        )
        if outcome.changed or created:
            record_audit(
                session,
                actor,
                action="liaison.set",
                target_type="county",
                target_id=county_id,
                details={
                    "agency": agency.key,
                    "person_id": person.id,
                    "person_created": created,
                    "replaced_person_id": outcome.replaced_person_id,
                },
                now=now,
            )
        view = LiaisonView(_agency_view(agency), county_id, person.id, person.full_name, person.phone)
    return view


async def list_liaisons(session: AsyncSession, *, actor: Actor, county_id: int) -> list[LiaisonView]:
    """The county's liaisons, by agency; for the county's officials and those above."""
    await require_county_official(session, actor, county_id, "list liaisons")
    return await _liaisons_of(session, county_id)


async def _liaisons_of(session: AsyncSession, county_id: int) -> list[LiaisonView]:
    rows = await session.execute(
        select(Liaison, Agency, Person)
        .join(Agency, Agency.id == Liaison.agency_id)
        .join(Person, Person.id == Liaison.person_id)
        .where(Liaison.county_id == county_id)
        .order_by(Agency.id)
    )
    return [
        LiaisonView(_agency_view(agency), county_id, person.id, person.full_name, person.phone)
        for _, agency, person in rows.tuples()
    ]


async def county_liaisons(session: AsyncSession, *, actor: Actor, county_id: int) -> CountyLiaisons:
    """Every executive agency, in its seeded order, with its liaison in the county (None where
    none is named yet); for the county's officials and those above. Raises `PermissionDenied`."""
    await require_county_official(session, actor, county_id, "list liaisons")
    county = (await _county_refs(session, County.id == county_id))[0]
    named = {view.agency.id: view for view in await _liaisons_of(session, county_id)}
    return CountyLiaisons(
        county, tuple(AgencyLiaison(agency, named.get(agency.id)) for agency in await list_agencies(session))
    )
