"""Actions (اقدامات): what a neighbourhood council did, logged by its manager or members.

An action has a title, an optional description, a committee (or the whole council), an optional
national-programme tag (so parallel work under another programme shows), the day it was done,
photos, and an optional link to a resolution or a request of the same neighbourhood. Public
actions appear in the residents' feed (services.feed); internal ones only to the council. Logging
an action notifies nobody: the feed is where residents see it, and a message per action would be
spam. Logging against a resolution writes the resolution's history, and can complete it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CouncilMember
from models.identity import Role, ScopeKind
from models.requests import CitizenRequest
from models.resolutions import (
    OPEN_RESOLUTION_STATUSES,
    Action,
    Resolution,
    ResolutionStatus,
    ResolutionUpdate,
)
from services.authz import MANAGERS, Actor, PermissionDenied, allows, record_audit, region_of
from services.council.profile import PROGRAMME_KEYS
from services.i18n import Translator
from services.jalali import tehran_today
from services.persian import normalize_prose
from services.plans.notices import propose_and_tell
from services.requests import Photo
from services.responsibility import is_responsible
from services.uow import committing

MIN_TITLE_LENGTH = 3
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000
MAX_PHOTOS = 5
# How far back an action may be dated: older work belongs in the neighbourhood's profile.
MAX_AGE_DAYS = 366


# ---- errors the person logging an action can cause (handlers answer each clearly) ----


class ActionError(Exception):
    """Base of the errors below."""


class TitleTooShort(ActionError):
    pass


class TitleTooLong(ActionError):
    pass


class DescriptionTooLong(ActionError):
    pass


class UnknownProgramme(ActionError):
    pass


class DateInFuture(ActionError):
    pass


class DateTooOld(ActionError):
    pass


class TooManyPhotos(ActionError):
    pass


class UnknownLink(ActionError):
    """The resolution or request does not exist in this neighbourhood."""


class CannotComplete(ActionError):
    """Completing needs a linked resolution that is still open."""


# ---- values ----


@dataclass(frozen=True)
class ActionView:
    id: int
    neighbourhood_id: int
    title: str
    description: str | None
    committee: CommitteeKey | None
    programme: str | None
    done_on: date
    photos: tuple[Photo, ...]
    resolution_id: int | None
    request_id: int | None
    public: bool
    # Whether logging it completed the linked resolution.
    completed_resolution: bool = False


@dataclass(frozen=True)
class ResolutionChoice:
    """An open resolution an action may be logged against."""

    id: int
    text: str
    deadline: date
    progress: int
    # Whether this actor may mark it done by the action (the manager, officials, the responsible).
    can_complete: bool


# ---- validation (also used by the chat form step by step) ----


def clean_title(text: str) -> str:
    """The title as stored; raises `TitleTooShort` / `TitleTooLong`."""
    title = normalize_prose(text).replace("\n", " ")
    if len(title) < MIN_TITLE_LENGTH:
        raise TitleTooShort(title)
    if len(title) > MAX_TITLE_LENGTH:
        raise TitleTooLong(title)
    return title


def clean_description(text: str | None) -> str | None:
    """The description as stored (None when empty); raises `DescriptionTooLong`."""
    if text is None:
        return None
    description = normalize_prose(text)
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise DescriptionTooLong(description)
    return description or None


def check_done_on(done_on: date, now: datetime) -> date:
    """The day the action was done: not after today in Tehran, not more than a year back."""
    today = tehran_today(now)
    if done_on > today:
        raise DateInFuture(done_on.isoformat())
    if (today - done_on).days > MAX_AGE_DAYS:
        raise DateTooOld(done_on.isoformat())
    return done_on


def check_programme(programme: str | None) -> str | None:
    if programme is not None and programme not in PROGRAMME_KEYS:
        raise UnknownProgramme(programme)
    return programme


# ---- who may log ----


async def _active_member(session: AsyncSession, person_id: int | None, neighbourhood_id: int) -> bool:
    if person_id is None:
        return False
    member = await session.scalar(
        select(CouncilMember.id).where(
            CouncilMember.person_id == person_id,
            CouncilMember.neighbourhood_id == neighbourhood_id,
            CouncilMember.active.is_(True),
        )
    )
    return member is not None


async def may_log_actions(session: AsyncSession, actor: Actor, neighbourhood_id: int) -> bool:
    """The neighbourhood's manager, officials above it and its active council members."""
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)
    if allows(actor, region, MANAGERS):
        return True
    return await _active_member(session, actor.person_id, neighbourhood_id)


async def require_may_log_actions(session: AsyncSession, actor: Actor, neighbourhood_id: int) -> None:
    if not await may_log_actions(session, actor, neighbourhood_id):
        raise PermissionDenied("log action")


async def action_neighbourhoods(session: AsyncSession, actor: Actor) -> list[int]:
    """The neighbourhoods the person logs actions for in the chat: those they manage, then those
    whose council they sit on (officials above pick a neighbourhood elsewhere)."""
    managed = [
        g.scope_id for g in actor.grants if g.role == Role.MANAGER and g.scope_kind == ScopeKind.NEIGHBOURHOOD
    ]
    seats: list[int] = []
    if actor.person_id is not None:
        seats = list(
            await session.scalars(
                select(CouncilMember.neighbourhood_id)
                .where(CouncilMember.person_id == actor.person_id, CouncilMember.active.is_(True))
                .order_by(CouncilMember.id)
            )
        )
    return list(dict.fromkeys([*managed, *seats]))


async def _may_complete(session: AsyncSession, actor: Actor, resolution: Resolution) -> bool:
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, resolution.neighbourhood_id)
    if allows(actor, region, MANAGERS):
        return True
    return actor.person_id is not None and await is_responsible(session, resolution, actor.person_id)


async def open_resolutions(
    session: AsyncSession, *, actor: Actor, neighbourhood_id: int, limit: int = 8
) -> list[ResolutionChoice]:
    """The neighbourhood's open resolutions an action may be logged against, nearest deadline
    first. Raises `PermissionDenied` for someone who may not log actions there."""
    await require_may_log_actions(session, actor, neighbourhood_id)
    resolutions = await session.scalars(
        select(Resolution)
        .where(
            Resolution.neighbourhood_id == neighbourhood_id,
            Resolution.status.in_(OPEN_RESOLUTION_STATUSES),
        )
        .order_by(Resolution.deadline, Resolution.id)
        .limit(limit)
    )
    return [
        ResolutionChoice(
            id=r.id,
            text=r.text,
            deadline=r.deadline,
            progress=r.progress,
            can_complete=await _may_complete(session, actor, r),
        )
        for r in resolutions
    ]


# ---- logging ----


def _view(action: Action, *, completed: bool = False) -> ActionView:
    return ActionView(
        id=action.id,
        neighbourhood_id=action.neighbourhood_id,
        title=action.title,
        description=action.description,
        committee=action.committee,
        programme=action.programme,
        done_on=action.done_on,
        photos=tuple(Photo(p["platform"], p["file_id"]) for p in action.photos),
        resolution_id=action.resolution_id,
        request_id=action.request_id,
        public=action.public,
        completed_resolution=completed,
    )


async def log_action(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    title: str,
    description: str | None,
    committee: CommitteeKey | None,
    programme: str | None,
    done_on: date,
    photos: Sequence[Photo] = (),
    resolution_id: int | None = None,
    request_id: int | None = None,
    public: bool = True,
    completes_resolution: bool = False,
    now: datetime,
    translator: Translator | None = None,
) -> ActionView:
    """Record an action of the neighbourhood's council; commits.

    For the manager, officials above and active council members of the neighbourhood. A linked
    resolution or request must belong to the same neighbourhood; the resolution's history gets an
    "action" entry, and with `completes_resolution` the resolution is done (100 %) — which only
    the manager, officials and the people responsible for it may do. Nobody is notified, but for
    the keepers of the plan projects linked to a resolution it completes, who are asked to
    confirm the progress that suggests (in `translator`'s catalogs; the default ones without).
    Raises `PermissionDenied`, `UnknownLink`, `CannotComplete` or a validation `ActionError`;
    nothing is saved then.
    """
    async with committing(session):
        await require_may_log_actions(session, actor, neighbourhood_id)
        clean, details = _checked(title, description, programme, done_on, photos, now)
        resolution = await _linked_resolution(
            session, actor, neighbourhood_id, resolution_id, request_id, completes_resolution
        )
        action = Action(
            neighbourhood_id=neighbourhood_id,
            committee=committee,
            title=clean,
            description=details,
            programme=programme,
            done_on=done_on,
            photos=[{"platform": p.platform, "file_id": p.file_id} for p in photos],
            resolution_id=resolution_id,
            request_id=request_id,
            public=public,
            created_at=now,
            created_by_person_id=actor.person_id,
        )
        session.add(action)
        await session.flush()
        if resolution is not None:
            _record_on_resolution(
                session, resolution, actor, completes=completes_resolution, note=clean, now=now
            )
            if completes_resolution:
                await session.flush()
                await propose_and_tell(session, translator, resolution_id=resolution.id, now=now)
        record_audit(
            session,
            actor,
            action="action.log",
            target_type="action",
            target_id=action.id,
            details={
                "neighbourhood_id": neighbourhood_id,
                "public": public,
                "resolution_id": resolution_id,
                "request_id": request_id,
                "completes_resolution": completes_resolution,
            },
            now=now,
        )
        view = _view(action, completed=completes_resolution)
    return view


def _checked(
    title: str,
    description: str | None,
    programme: str | None,
    done_on: date,
    photos: Sequence[Photo],
    now: datetime,
) -> tuple[str, str | None]:
    """The title and description as stored, once every field is checked (in the form's order);
    raises the validation `ActionError` of the first wrong one."""
    clean = clean_title(title)
    details = clean_description(description)
    check_programme(programme)
    check_done_on(done_on, now)
    if len(photos) > MAX_PHOTOS:
        raise TooManyPhotos(str(len(photos)))
    return clean, details


async def _linked_resolution(
    session: AsyncSession,
    actor: Actor,
    neighbourhood_id: int,
    resolution_id: int | None,
    request_id: int | None,
    completes: bool,
) -> Resolution | None:
    """The linked resolution (locked), if any, once the links are found in the neighbourhood and
    completing it is allowed. Raises `UnknownLink`, `CannotComplete`, `PermissionDenied`."""
    resolution: Resolution | None = None
    if resolution_id is not None:
        resolution = await session.scalar(
            select(Resolution).where(Resolution.id == resolution_id).with_for_update()
        )
        if resolution is None or resolution.neighbourhood_id != neighbourhood_id:
            raise UnknownLink(f"resolution {resolution_id}")
    if request_id is not None:
        request_neighbourhood = await session.scalar(
            select(CitizenRequest.neighbourhood_id).where(CitizenRequest.id == request_id)
        )
        if request_neighbourhood != neighbourhood_id:
            raise UnknownLink(f"request {request_id}")
    if completes:
        if resolution is None or resolution.status not in OPEN_RESOLUTION_STATUSES:
            raise CannotComplete(str(resolution_id))
        if not await _may_complete(session, actor, resolution):
            raise PermissionDenied("complete resolution")
    return resolution


def _record_on_resolution(
    session: AsyncSession, resolution: Resolution, actor: Actor, *, completes: bool, note: str, now: datetime
) -> None:
    """The action in the linked resolution's history, completing it (100 %) if asked."""
    if completes:
        resolution.status = ResolutionStatus.DONE
        resolution.progress = 100
        resolution.completed_at = now
    resolution.updated_at = now
    # One history entry: the action (its title as the note) with the state it leaves.
    session.add(
        ResolutionUpdate(
            resolution_id=resolution.id,
            at=now,
            actor_person_id=actor.person_id,
            kind="action",
            progress=resolution.progress,
            status=resolution.status,
            note=note,
        )
    )
