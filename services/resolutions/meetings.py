"""Meetings: recording one (council, committee, county session or official visit) with who
attended and its minutes, and reading it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import resolutions_repo as repo
from models.council import CommitteeKey
from models.resolutions import Meeting, MeetingKind
from services.authz import Actor, record_audit, require_can_read_neighbourhood, require_neighbourhood_manager
from services.errors import UnknownMember
from services.jalali import tehran_today
from services.requests import Photo
from services.resolutions.errors import CommitteeRequired, UnknownMeeting
from services.resolutions.rules import check_meeting_date, clean_guests, clean_minutes
from services.resolutions.views import MeetingView, active_member_names, meeting_view
from services.uow import committing

__all__ = ["create_meeting", "get_meeting"]


async def create_meeting(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    kind: MeetingKind,
    held_on: date,
    now: datetime,
    committee: CommitteeKey | None = None,
    attendee_member_ids: Sequence[int] = (),
    guests: str | None = None,
    minutes_text: str | None = None,
    minutes_photo: Photo | None = None,
) -> MeetingView:
    """Record a meeting (council, committee, county session or official visit) of the
    neighbourhood, with who attended and its minutes (text and/or a photo of the signed page).

    For the neighbourhood's manager and the officials above it. Commits. Raises
    `PermissionDenied`, `CommitteeRequired`, `DateOutOfRange`, `UnknownMember` (an attendee who
    is not an active member here), `TextTooLong`.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "meeting.create")
        kind = MeetingKind(kind)
        if kind is MeetingKind.COMMITTEE and committee is None:
            raise CommitteeRequired(kind.value)
        check_meeting_date(held_on, tehran_today(now))
        attendees = list(dict.fromkeys(attendee_member_ids))
        known = await active_member_names(session, neighbourhood_id, attendees)
        for member_id in attendees:
            if member_id not in known:
                raise UnknownMember(member_id)
        meeting = Meeting(
            neighbourhood_id=neighbourhood_id,
            kind=kind,
            committee=CommitteeKey(committee) if kind is MeetingKind.COMMITTEE and committee else None,
            held_on=held_on,
            attendee_member_ids=attendees,
            guests=clean_guests(guests),
            minutes_text=clean_minutes(minutes_text),
            minutes_photo={"platform": minutes_photo.platform, "file_id": minutes_photo.file_id}
            if minutes_photo
            else None,
            created_at=now,
            created_by_person_id=actor.person_id,
        )
        session.add(meeting)
        await session.flush()
        record_audit(
            session,
            actor,
            action="meeting.create",
            target_type="meeting",
            target_id=meeting.id,
            details={"kind": kind.value, "held_on": held_on.isoformat(), "attendees": len(attendees)},
            now=now,
        )
        view = await meeting_view(session, meeting)
    return view


async def get_meeting(session: AsyncSession, *, actor: Actor, meeting_id: int) -> MeetingView:
    """A meeting with its minutes, for the council, the manager and the officials above."""
    meeting = await repo.meeting_by_id(session, meeting_id)
    if meeting is None:
        raise UnknownMeeting(str(meeting_id))
    await require_can_read_neighbourhood(session, actor, meeting.neighbourhood_id, "meeting.read")
    return await meeting_view(session, meeting)
