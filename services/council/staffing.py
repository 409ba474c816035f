"""What officials oversee: the regions an official may see, how each neighbourhood's committees
are staffed, and county and province staffing reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import (
    STANDING_COMMITTEES,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    NeighbourhoodProfile,
)
from models.identity import County, Neighbourhood, Person, Province, ScopeKind
from services.authz import (
    OFFICIALS,
    Actor,
    PermissionDenied,
    require_county_official,
    require_neighbourhood_manager,
    require_province_official,
)

__all__ = [
    "CommitteeStaffing",
    "CountyRef",
    "CountyStaffing",
    "NeighbourhoodStaffing",
    "OverseenRegions",
    "ProvinceRef",
    "ProvinceStaffing",
    "committee_staffing",
    "county_staffing_report",
    "overseen_regions",
    "province_staffing_report",
]


@dataclass(frozen=True)
class CommitteeStaffing:
    committee: CommitteeKey
    head_member_id: int | None
    head_name: str | None
    members: int

    @property
    def has_head(self) -> bool:
        return self.head_member_id is not None


@dataclass(frozen=True)
class ProvinceRef:
    id: int
    name: str


@dataclass(frozen=True)
class CountyRef:
    id: int
    name: str
    province_id: int
    province_name: str


@dataclass(frozen=True)
class OverseenRegions:
    """What an official oversees: `provinces` covered whole (province officials, admins) and every
    county covered, those of `provinces` included; both sorted by name."""

    provinces: tuple[ProvinceRef, ...]
    counties: tuple[CountyRef, ...]


@dataclass(frozen=True)
class NeighbourhoodStaffing:
    """How far a neighbourhood's council is set up: active members, the six standing committees
    (head and members each) and whether its profile has been written."""

    neighbourhood_id: int
    name: str
    code: str
    members: int
    committees: tuple[CommitteeStaffing, ...]
    profile_written: bool

    @property
    def council_formed(self) -> bool:
        return self.members > 0

    @property
    def committees_headed(self) -> int:
        return sum(1 for c in self.committees if c.has_head)


@dataclass(frozen=True)
class CountyStaffing:
    county: CountyRef
    neighbourhoods: tuple[NeighbourhoodStaffing, ...]

    @property
    def councils_formed(self) -> int:
        return sum(1 for n in self.neighbourhoods if n.council_formed)

    @property
    def committees_headed(self) -> int:
        return sum(n.committees_headed for n in self.neighbourhoods)

    @property
    def committee_seats(self) -> int:
        """Standing committees in the county (six per neighbourhood): the most that can have a head."""
        return len(STANDING_COMMITTEES) * len(self.neighbourhoods)

    @property
    def profiles_written(self) -> int:
        return sum(1 for n in self.neighbourhoods if n.profile_written)


@dataclass(frozen=True)
class ProvinceStaffing:
    province: ProvinceRef
    counties: tuple[CountyStaffing, ...]


async def committee_staffing(
    session: AsyncSession, actor: Actor, neighbourhood_id: int
) -> list[CommitteeStaffing]:
    """For each of the six standing committees: its head (or None) and its number of active members.

    For the neighbourhood's manager and the officials above it; raises `PermissionDenied`.
    """
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "committee staffing")
    rows = (
        await session.execute(
            select(
                CommitteeMembership.committee, CommitteeMembership.is_head, CouncilMember.id, Person.full_name
            )
            .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CommitteeMembership.neighbourhood_id == neighbourhood_id, CouncilMember.active.is_(True))
        )
    ).tuples()
    counts: dict[CommitteeKey, int] = dict.fromkeys(STANDING_COMMITTEES, 0)
    heads: dict[CommitteeKey, tuple[int, str | None]] = {}
    for committee, is_head, member_id, name in rows:
        if committee in counts:
            counts[committee] += 1
            if is_head:
                heads[committee] = (member_id, name)
    return [
        CommitteeStaffing(
            committee=committee,
            head_member_id=heads[committee][0] if committee in heads else None,
            head_name=heads[committee][1] if committee in heads else None,
            members=counts[committee],
        )
        for committee in STANDING_COMMITTEES
    ]


async def _county_refs(session: AsyncSession, *conditions: Any) -> list[CountyRef]:
    rows = await session.execute(
        select(County.id, County.name, Province.id, Province.name)
        .join(Province, Province.id == County.province_id)
        .where(*conditions)
    )
    refs = [CountyRef(cid, name, pid, pname) for cid, name, pid, pname in rows.tuples()]
    # Sorted here rather than by the database, whose collation differs between backends.
    return sorted(refs, key=lambda c: (c.province_name, c.name, c.id))


async def overseen_regions(session: AsyncSession, *, actor: Actor) -> OverseenRegions:
    """The provinces and counties whose staffing reports and liaisons the actor may see.

    An admin oversees everything, a province official their province with all its counties, a
    county official their county. Raises `PermissionDenied` for anyone who oversees nothing.
    """
    official = [grant for grant in actor.grants if grant.role in OFFICIALS]
    everything = actor.is_admin or any(grant.scope_kind == ScopeKind.GLOBAL for grant in official)
    province_ids = {g.scope_id for g in official if g.scope_kind == ScopeKind.PROVINCE}
    county_ids = {g.scope_id for g in official if g.scope_kind == ScopeKind.COUNTY}
    if not (everything or province_ids or county_ids):
        raise PermissionDenied("see overseen regions")
    province_query = select(Province.id, Province.name)
    county_conditions: list[Any] = []
    if not everything:
        province_query = province_query.where(Province.id.in_(province_ids))
        county_conditions.append(County.province_id.in_(province_ids) | County.id.in_(county_ids))
    provinces = sorted(
        (ProvinceRef(pid, name) for pid, name in (await session.execute(province_query)).tuples()),
        key=lambda p: (p.name, p.id),
    )
    return OverseenRegions(tuple(provinces), tuple(await _county_refs(session, *county_conditions)))


def _profile_written(profile: NeighbourhoodProfile) -> bool:
    """A profile counts as written once any of its fields holds something."""
    return any(
        value not in (None, "", [], {})
        for value in (
            profile.population,
            profile.households,
            profile.area_hectares,
            profile.facilities,
            profile.main_problems,
            profile.programmes,
            profile.council_formed_on,
        )
    )


async def _staffing(session: AsyncSession, counties: list[CountyRef]) -> list[CountyStaffing]:
    """The staffing of every neighbourhood of `counties`, in five queries whatever their number."""
    county_ids = [county.id for county in counties]
    in_scope = select(Neighbourhood.id).where(Neighbourhood.county_id.in_(county_ids))
    neighbourhoods = (
        await session.execute(
            select(Neighbourhood.id, Neighbourhood.name, Neighbourhood.code, Neighbourhood.county_id).where(
                Neighbourhood.county_id.in_(county_ids)
            )
        )
    ).tuples()
    members: dict[int, int] = {
        nid: count
        for nid, count in (
            await session.execute(
                select(CouncilMember.neighbourhood_id, func.count())
                .where(CouncilMember.active.is_(True), CouncilMember.neighbourhood_id.in_(in_scope))
                .group_by(CouncilMember.neighbourhood_id)
            )
        ).tuples()
    }
    seats: dict[tuple[int, CommitteeKey], int] = {
        (nid, committee): count
        for nid, committee, count in (
            await session.execute(
                select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee, func.count())
                .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
                .where(CouncilMember.active.is_(True), CommitteeMembership.neighbourhood_id.in_(in_scope))
                .group_by(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
            )
        ).tuples()
    }
    heads: dict[tuple[int, CommitteeKey], tuple[int, str | None]] = {
        (nid, committee): (member_id, name)
        for nid, committee, member_id, name in (
            await session.execute(
                select(
                    CommitteeMembership.neighbourhood_id,
                    CommitteeMembership.committee,
                    CouncilMember.id,
                    Person.full_name,
                )
                .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
                .join(Person, Person.id == CouncilMember.person_id)
                .where(
                    CommitteeMembership.is_head.is_(True),
                    CouncilMember.active.is_(True),
                    CommitteeMembership.neighbourhood_id.in_(in_scope),
                )
            )
        ).tuples()
    }
    written = {
        profile.neighbourhood_id
        for profile in await session.scalars(
            select(NeighbourhoodProfile).where(NeighbourhoodProfile.neighbourhood_id.in_(in_scope))
        )
        if _profile_written(profile)
    }
    by_county: dict[int, list[NeighbourhoodStaffing]] = {county_id: [] for county_id in county_ids}
    for nid, name, code, county_id in neighbourhoods:
        committees = tuple(
            CommitteeStaffing(
                committee=committee,
                head_member_id=heads[nid, committee][0] if (nid, committee) in heads else None,
                head_name=heads[nid, committee][1] if (nid, committee) in heads else None,
                members=seats.get((nid, committee), 0),
            )
            for committee in STANDING_COMMITTEES
        )
        by_county[county_id].append(
            NeighbourhoodStaffing(nid, name, code, members.get(nid, 0), committees, nid in written)
        )
    return [
        CountyStaffing(
            county, tuple(sorted(by_county[county.id], key=lambda n: (n.code, n.neighbourhood_id)))
        )
        for county in counties
    ]


async def county_staffing_report(session: AsyncSession, *, actor: Actor, county_id: int) -> CountyStaffing:
    """For each neighbourhood of the county: is its council formed (has active members), which of
    the six standing committees have a head and how many members, is its profile written.

    For the county's officials and those above it; raises `PermissionDenied` (or `UnknownScope`).
    """
    await require_county_official(session, actor, county_id, "county staffing report")
    return (await _staffing(session, await _county_refs(session, County.id == county_id)))[0]


async def province_staffing_report(
    session: AsyncSession, *, actor: Actor, province_id: int
) -> ProvinceStaffing:
    """`county_staffing_report` for every county of the province, in one go (the same few queries).

    For the province's officials and admins; raises `PermissionDenied` (or `UnknownScope`).
    """
    await require_province_official(session, actor, province_id, "province staffing report")
    province = await session.get(Province, province_id)
    assert province is not None
    counties = await _county_refs(session, County.province_id == province_id)
    return ProvinceStaffing(
        ProvinceRef(province.id, province.name), tuple(await _staffing(session, counties))
    )
