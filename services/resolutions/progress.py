"""Progress and completion: who may report on a resolution, the rule that turns a report into the
next progress and status (100 % means done and done means 100 %), and the update itself — with
its history entry, the audit entry and the notices to everyone else involved. Cancelling and
reopening are updates that only the manager and the officials above may make."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import resolutions_repo as repo
from models.identity import ScopeKind
from models.resolutions import OPEN_RESOLUTION_STATUSES, Resolution, ResolutionStatus, ResolutionUpdate
from services.authz import MANAGERS, Actor, PermissionDenied, allows, record_audit, region_of
from services.i18n import Translator
from services.plans.notices import propose_and_tell
from services.requests import managers_of
from services.resolutions.errors import (
    InvalidProgress,
    NothingToUpdate,
    ResolutionClosed,
    UnknownResolution,
)
from services.resolutions.notices import notify_about
from services.resolutions.rules import clean_note
from services.resolutions.views import ResolutionView, load_resolution, resolution_view
from services.responsibility import is_responsible, responsible_people
from services.uow import committing

__all__ = ["may_update", "update_progress"]


async def _manages(session: AsyncSession, actor: Actor, neighbourhood_id: int) -> bool:
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)
    return allows(actor, region, MANAGERS)


async def may_update(session: AsyncSession, actor: Actor, resolution_id: int) -> bool:
    """Whether the actor may report progress on the resolution (to show the button or not)."""
    try:
        resolution = await load_resolution(session, resolution_id)
    except UnknownResolution:
        return False
    if await _manages(session, actor, resolution.neighbourhood_id):
        return True
    return actor.person_id is not None and await is_responsible(session, resolution, actor.person_id)


def _next_state(
    resolution: Resolution, progress: int | None, status: ResolutionStatus | None
) -> tuple[int, ResolutionStatus]:
    """The progress and status after an update; 100 % means done and done means 100 %."""
    new_progress = resolution.progress if progress is None else progress
    if status is None:
        if progress is None:
            return resolution.progress, resolution.status
        if progress == 100:
            return 100, ResolutionStatus.DONE
        return progress, ResolutionStatus.IN_PROGRESS if progress > 0 else ResolutionStatus.OPEN
    if status is ResolutionStatus.DONE:
        if progress is not None and progress != 100:
            raise InvalidProgress(str(progress))
        return 100, status
    if status in OPEN_RESOLUTION_STATUSES and new_progress == 100:
        if progress is not None:
            raise InvalidProgress(str(progress))
        # Reopened without a new figure: the work starts over from what the note says.
        new_progress = 0
    return new_progress, status


async def _authorise(session: AsyncSession, actor: Actor, resolution: Resolution) -> bool:
    """Whether the actor manages the neighbourhood (else they answer for the resolution);
    raises `PermissionDenied` for anyone else."""
    manages = await _manages(session, actor, resolution.neighbourhood_id)
    if not manages and (
        actor.person_id is None or not await is_responsible(session, resolution, actor.person_id)
    ):
        raise PermissionDenied("resolution.update")
    return manages


def _check_responsible_may(resolution: Resolution, status: ResolutionStatus | None) -> None:
    """The people who answer for a resolution report on it while it is open, and never cancel it."""
    if resolution.status not in OPEN_RESOLUTION_STATUSES:
        raise ResolutionClosed(resolution.status)
    if status is ResolutionStatus.CANCELLED:
        raise PermissionDenied("resolution.cancel")


def _update_kind(
    previous: ResolutionStatus, new_status: ResolutionStatus, *, progress_changed: bool, status_changed: bool
) -> str:
    """The history entry's kind: done, cancelled or reopened when the status says so, else
    what changed (progress, status or only a note)."""
    if new_status is ResolutionStatus.DONE and status_changed:
        return "done"
    if status_changed and new_status is ResolutionStatus.CANCELLED:
        return "cancelled"
    if status_changed and previous not in OPEN_RESOLUTION_STATUSES:
        return "reopened"
    return "progress" if progress_changed else "status" if status_changed else "note"


def _apply(resolution: Resolution, progress: int, status: ResolutionStatus, now: datetime) -> None:
    """Set the new progress and status; completed when it becomes done, not once reopened."""
    previous = resolution.status
    resolution.progress, resolution.status, resolution.updated_at = progress, status, now
    if status is ResolutionStatus.DONE and previous is not ResolutionStatus.DONE:
        resolution.completed_at = now
    elif status is not ResolutionStatus.DONE:
        resolution.completed_at = None


async def _record(
    session: AsyncSession, actor: Actor, resolution: Resolution, kind: str, note: str | None, now: datetime
) -> ResolutionUpdate:
    """The history entry (as the resolution now stands) and the audit entry."""
    update = ResolutionUpdate(
        resolution_id=resolution.id,
        at=now,
        actor_person_id=actor.person_id,
        kind=kind,
        progress=resolution.progress,
        status=resolution.status,
        note=note,
    )
    session.add(update)
    await session.flush()
    record_audit(
        session,
        actor,
        action="resolution.update",
        target_type="resolution",
        target_id=resolution.id,
        details={"kind": kind, "progress": resolution.progress, "status": resolution.status.value},
        now=now,
    )
    return update


async def _tell_everyone_else(
    session: AsyncSession,
    translator: Translator,
    actor: Actor,
    resolution: Resolution,
    view: ResolutionView,
    update: ResolutionUpdate,
    now: datetime,
) -> None:
    """The managers, the responsible people and whoever added it hear of the update (not the
    actor), with who made it and their note."""
    people = [
        *await managers_of(session, resolution.neighbourhood_id),
        *await responsible_people(session, resolution),
    ]
    if resolution.created_by_person_id is not None:
        people.append(resolution.created_by_person_id)
    who = await repo.person_name(session, actor.person_id) if actor.person_id is not None else None
    await notify_about(
        session,
        translator,
        view,
        people,
        headline="resolution-notice-updated",
        now=now,
        skip=actor.person_id,
        dedup_prefix=f"resolution:{resolution.id}:update:{update.id}",
        who=who,
        note=update.note,
    )


async def update_progress(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    resolution_id: int,
    now: datetime,
    progress: int | None = None,
    status: ResolutionStatus | None = None,
    note: str | None = None,
) -> ResolutionView:
    """Report progress (0–100), change the status, and/or add a note; 100 % marks it done. The
    history keeps every update, and everyone else involved (the managers, the responsible people,
    whoever added it) is told; once it is done, the keepers of every plan project linked to it
    are asked to confirm the progress that suggests (`services.plans.propose_and_tell`).

    Allowed to the people who answer for it while it is open, and to the neighbourhood's manager
    and the officials above, who alone may cancel or reopen it. Commits. Raises
    `UnknownResolution`, `PermissionDenied`, `ResolutionClosed`, `InvalidProgress`,
    `NothingToUpdate`, `TextTooLong`.
    """
    async with committing(session):
        resolution = await load_resolution(session, resolution_id, for_update=True)
        manages = await _authorise(session, actor, resolution)
        if progress is not None and not 0 <= progress <= 100:
            raise InvalidProgress(str(progress))
        status = ResolutionStatus(status) if status is not None else None
        if not manages:
            _check_responsible_may(resolution, status)
        cleaned_note = clean_note(note)
        new_progress, new_status = _next_state(resolution, progress, status)
        progress_changed = new_progress != resolution.progress
        status_changed = new_status != resolution.status
        if not (progress_changed or status_changed or cleaned_note):
            raise NothingToUpdate(str(resolution_id))
        kind = _update_kind(
            resolution.status, new_status, progress_changed=progress_changed, status_changed=status_changed
        )
        _apply(resolution, new_progress, new_status, now)
        update = await _record(session, actor, resolution, kind, cleaned_note, now)
        view = await resolution_view(session, resolution)
        await _tell_everyone_else(session, translator, actor, resolution, view, update, now)
        if kind == "done":
            # The projects it carries forward: a progress move for their keepers to confirm.
            await propose_and_tell(session, translator, resolution_id=resolution.id, now=now)
    return view
