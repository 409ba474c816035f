"""Adding a resolution, to a meeting or on its own: checking its responsible body and meeting,
storing it with the first entry of its history and the audit entry, and telling the people who
answer for it — in one transaction. (Cancelling one is an update: `services.resolutions.progress`.)"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import resolutions_repo as repo
from models.council import CommitteeKey
from models.resolutions import (
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
)
from services.authz import Actor, record_audit, require_neighbourhood_manager
from services.errors import UnknownAgency, UnknownMember
from services.i18n import Translator
from services.jalali import tehran_today
from services.resolutions.errors import InvalidResponsible, UnknownMeeting
from services.resolutions.notices import notify_about
from services.resolutions.rules import check_deadline, clean_resolution_text
from services.resolutions.views import ResolutionView, Responsible, active_member_names, resolution_view
from services.responsibility import responsible_people
from services.uow import committing

__all__ = ["add_resolution"]


async def _check_responsible(session: AsyncSession, neighbourhood_id: int, responsible: Responsible) -> None:
    kind = ResponsibleKind(responsible.kind)
    if kind is ResponsibleKind.COMMITTEE:
        if responsible.committee is None:
            raise InvalidResponsible("committee")
        CommitteeKey(responsible.committee)
    elif kind is ResponsibleKind.AGENCY:
        if responsible.agency_id is None or await repo.agency_by_id(session, responsible.agency_id) is None:
            raise UnknownAgency(responsible.agency_id)
    else:
        if responsible.member_id is None:
            raise InvalidResponsible("member")
        if not await active_member_names(session, neighbourhood_id, [responsible.member_id]):
            raise UnknownMember(responsible.member_id)


async def _check_meeting(session: AsyncSession, neighbourhood_id: int, meeting_id: int | None) -> None:
    """A resolution's meeting must be one of the same neighbourhood."""
    if meeting_id is None:
        return
    meeting = await repo.meeting_by_id(session, meeting_id)
    if meeting is None or meeting.neighbourhood_id != neighbourhood_id:
        raise UnknownMeeting(str(meeting_id))


def _new_resolution(
    actor: Actor,
    neighbourhood_id: int,
    meeting_id: int | None,
    text: str,
    responsible: Responsible,
    deadline: date,
    priority: ResolutionPriority,
    now: datetime,
) -> Resolution:
    """An open resolution at 0 %; only the field of its kind of responsible body is set."""
    kind = ResponsibleKind(responsible.kind)
    return Resolution(
        neighbourhood_id=neighbourhood_id,
        meeting_id=meeting_id,
        text=text,
        responsible_kind=kind,
        responsible_committee=responsible.committee if kind is ResponsibleKind.COMMITTEE else None,
        responsible_agency_id=responsible.agency_id if kind is ResponsibleKind.AGENCY else None,
        responsible_member_id=responsible.member_id if kind is ResponsibleKind.MEMBER else None,
        deadline=deadline,
        priority=ResolutionPriority(priority),
        status=ResolutionStatus.OPEN,
        progress=0,
        created_at=now,
        updated_at=now,
        completed_at=None,
        created_by_person_id=actor.person_id,
    )


async def _store(session: AsyncSession, actor: Actor, resolution: Resolution, now: datetime) -> None:
    """Store the resolution with its «created» history entry and the audit entry."""
    session.add(resolution)
    await session.flush()
    session.add(
        ResolutionUpdate(
            resolution_id=resolution.id,
            at=now,
            actor_person_id=actor.person_id,
            kind="created",
            progress=0,
            status=ResolutionStatus.OPEN,
            note=None,
        )
    )
    record_audit(
        session,
        actor,
        action="resolution.create",
        target_type="resolution",
        target_id=resolution.id,
        details={
            "meeting_id": resolution.meeting_id,
            "responsible": resolution.responsible_kind.value,
            "deadline": resolution.deadline.isoformat(),
            "priority": resolution.priority.value,
        },
        now=now,
    )


async def add_resolution(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    neighbourhood_id: int,
    text: str,
    responsible: Responsible,
    deadline: date,
    now: datetime,
    priority: ResolutionPriority = ResolutionPriority.NORMAL,
    meeting_id: int | None = None,
) -> ResolutionView:
    """Add a resolution, to a meeting of the neighbourhood or on its own, and tell the people who
    answer for it (in their language, with the Jalali deadline and buttons to report progress).

    For the neighbourhood's manager and the officials above it. Commits. Raises
    `PermissionDenied`, `TextTooShort`, `TextTooLong`, `DateOutOfRange`, `UnknownAgency`,
    `UnknownMember`, `InvalidResponsible`, `UnknownMeeting`.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "resolution.create")
        cleaned = clean_resolution_text(text)
        check_deadline(deadline, tehran_today(now))
        await _check_responsible(session, neighbourhood_id, responsible)
        await _check_meeting(session, neighbourhood_id, meeting_id)
        resolution = _new_resolution(
            actor, neighbourhood_id, meeting_id, cleaned, responsible, deadline, priority, now
        )
        await _store(session, actor, resolution, now)
        view = await resolution_view(session, resolution)
        await notify_about(
            session,
            translator,
            view,
            await responsible_people(session, resolution),
            headline="resolution-notice-new",
            now=now,
            skip=actor.person_id,
            dedup_prefix=f"resolution:{resolution.id}:created",
        )
    return view
