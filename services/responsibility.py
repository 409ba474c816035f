"""Who answers for a resolution, and once-only reminder marks.

A resolution's responsible body is a committee (its head answers; the managers when it has no
head), an executive agency (its liaison in the neighbourhood's county) or a named council member.
Every reminder and digest about resolutions goes to the people `responsible_people` returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import reminders_repo
from models.council import CommitteeKey, CommitteeMembership, CouncilMember, Liaison
from models.identity import Neighbourhood
from models.inserts import insert_new_returning, insert_unless_present
from models.resolutions import ReminderMark, Resolution, ResponsibleKind
from services.requests import committee_heads, county_officials_of, managers_of


async def county_of(session: AsyncSession, neighbourhood_id: int) -> int | None:
    county_id: int | None = await session.scalar(
        select(Neighbourhood.county_id).where(Neighbourhood.id == neighbourhood_id)
    )
    return county_id


async def responsible_people(session: AsyncSession, resolution: Resolution) -> list[int]:
    """The person ids who answer for `resolution` (empty only when nobody can be found: then the
    managers are told by the callers that escalate)."""
    if resolution.responsible_kind is ResponsibleKind.MEMBER and resolution.responsible_member_id is not None:
        person_id = await session.scalar(
            select(CouncilMember.person_id).where(
                CouncilMember.id == resolution.responsible_member_id, CouncilMember.active.is_(True)
            )
        )
        if person_id is not None:
            return [person_id]
        return await managers_of(session, resolution.neighbourhood_id)
    if resolution.responsible_kind is ResponsibleKind.AGENCY and resolution.responsible_agency_id is not None:
        county_id = await county_of(session, resolution.neighbourhood_id)
        liaison = await session.scalar(
            select(Liaison.person_id).where(
                Liaison.agency_id == resolution.responsible_agency_id, Liaison.county_id == county_id
            )
        )
        if liaison is not None:
            return [liaison]
        return await managers_of(session, resolution.neighbourhood_id)
    if resolution.responsible_committee is not None:
        heads = await committee_heads(session, resolution.neighbourhood_id, resolution.responsible_committee)
        if heads:
            return heads
    return await managers_of(session, resolution.neighbourhood_id)


async def is_responsible(session: AsyncSession, resolution: Resolution, person_id: int) -> bool:
    """Whether the person answers for the resolution: one of `responsible_people`, or any active
    member of the responsible committee."""
    if person_id in await responsible_people(session, resolution):
        return True
    if (
        resolution.responsible_kind is ResponsibleKind.COMMITTEE
        and resolution.responsible_committee is not None
    ):
        member = await session.scalar(
            select(CouncilMember.id)
            .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
            .where(
                CouncilMember.person_id == person_id,
                CouncilMember.active.is_(True),
                CommitteeMembership.neighbourhood_id == resolution.neighbourhood_id,
                CommitteeMembership.committee == resolution.responsible_committee,
            )
        )
        return member is not None
    return False


async def escalation_people(session: AsyncSession, neighbourhood_id: int, level: int) -> list[int]:
    """Level 1: the neighbourhood's managers; level 2: the county's officials."""
    if level == 1:
        return await managers_of(session, neighbourhood_id)
    return await county_officials_of(session, neighbourhood_id)


async def claim_mark(session: AsyncSession, key: str, now: datetime) -> bool:
    """Record that the reminder `key` is being sent, in the caller's transaction; False when it was
    already (by an earlier run, before a restart, or by another instance racing this one)."""
    mark = await insert_unless_present(session, ReminderMark, {"key": key, "sent_at": now}, unique=["key"])
    return mark is not None


async def claim_marks(session: AsyncSession, keys: Sequence[str], now: datetime) -> set[str]:
    """`claim_mark` for many keys at once (multi-row INSERTs, in the caller's transaction): those
    claimed now. Claim in one order (sorted keys) so that two racing runs never deadlock."""
    ordered = sorted(set(keys))
    added = await reminders_repo.insert_marks(session, ordered, now)
    if added is not None:
        return added
    rows = [{"key": key, "sent_at": now} for key in ordered]
    return set(await insert_new_returning(session, ReminderMark, rows, unique=["key"], returning="key"))


@dataclass(frozen=True)
class ResponsibleIndex:
    """Who sits where, read once for a whole run: `people` answers like `responsible_people` and
    `escalation_people` without a query per resolution."""

    managers: dict[int, list[int]]
    officials: dict[int, list[int]]
    heads: dict[tuple[int, CommitteeKey], list[int]]
    members: dict[int, int]
    liaisons: dict[tuple[int, int], int]
    counties: dict[int, int]

    @classmethod
    async def load(cls, session: AsyncSession) -> ResponsibleIndex:
        return cls(
            managers=await reminders_repo.managers_by_neighbourhood(session),
            officials=await reminders_repo.officials_by_county(session),
            heads=await reminders_repo.committee_heads_by_place(session),
            members=await reminders_repo.active_member_people(session),
            liaisons=await reminders_repo.liaison_people(session),
            counties=await reminders_repo.neighbourhood_counties(session),
        )

    def people(self, body: reminders_repo.Responsible) -> list[int]:
        """`responsible_people` of a resolution with this responsible body (no duplicates)."""
        nid = body.neighbourhood_id
        if body.responsible_kind is ResponsibleKind.MEMBER and body.responsible_member_id is not None:
            person_id = self.members.get(body.responsible_member_id)
            if person_id is not None:
                return [person_id]
        elif body.responsible_kind is ResponsibleKind.AGENCY and body.responsible_agency_id is not None:
            county_id = self.counties.get(nid)
            liaison = self.liaisons.get((body.responsible_agency_id, county_id or 0))
            if liaison is not None:
                return [liaison]
        elif body.responsible_committee is not None:
            heads = self.heads.get((nid, body.responsible_committee))
            if heads:
                return unique(heads)
        return list(self.managers.get(nid, []))

    def escalation_people(self, neighbourhood_id: int, level: int) -> list[int]:
        """`escalation_people`: level 1 the neighbourhood's managers, level 2 the county's officials."""
        if level == 1:
            return list(self.managers.get(neighbourhood_id, []))
        county_id = self.counties.get(neighbourhood_id)
        return list(self.officials.get(county_id, [])) if county_id is not None else []


def unique(people: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(people))
