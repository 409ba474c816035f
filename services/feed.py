"""The neighbourhood's public feed: public actions and the progress of its resolutions, residents'
comments on actions, reports of bad comments, and the manager's moderation.

Who sees what: the residents, council and manager of a neighbourhood and the officials above it
read its feed; the feed shows public actions only, and resolutions as text, status and progress —
nothing of who answers for them or their notes. Commenters are shown by first name only.

Moderation: a comment reported by `REPORTS_TO_HIDE` different people is hidden until the manager
reviews it (the manager is told once); the manager may also hide any comment or restore one. A
comment the manager kept visible is not hidden again by the reports it had when reviewed.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CouncilMember
from models.identity import Neighbourhood, Person, Role, ScopeKind
from models.inserts import insert_unless_present
from models.resolutions import Action, Comment, CommentHidden, CommentReport, Resolution, ResolutionStatus
from services.authz import (
    MANAGERS,
    Actor,
    PermissionDenied,
    allows,
    record_audit,
    region_of,
    require_can_see_council,
)
from services.i18n import Translator
from services.jalali import tehran_today
from services.notify import Button, notify_person
from services.persian import normalize_prose, normalize_text
from services.requests import Photo, county_officials_of, managers_of, resident_neighbourhood
from services.responsibility import claim_mark
from services.uow import committing

MIN_COMMENT_LENGTH = 2
MAX_COMMENT_LENGTH = 1000
REPORTS_TO_HIDE = 3
COMMENTS_PAGE_SIZE = 5


# ---- errors (handlers answer each clearly) ----


class FeedError(Exception):
    """Base of the errors below."""


class UnknownAction(FeedError):
    """No public action with that id this person may see."""


class UnknownComment(FeedError):
    """No comment with that id this person may see."""


class CommentTooShort(FeedError):
    pass


class CommentTooLong(FeedError):
    pass


class OwnComment(FeedError):
    """Nobody reports their own comment."""


class ReportOutcome(enum.StrEnum):
    REPORTED = "reported"
    ALREADY_REPORTED = "already"
    # This report was the one that hid the comment.
    HIDDEN = "hidden"


# ---- values ----


@dataclass(frozen=True)
class ActionCard:
    id: int
    title: str
    description: str | None
    committee: CommitteeKey | None
    programme: str | None
    done_on: date
    photos: tuple[Photo, ...]
    # Visible comments only.
    comments: int
    # The resolution it was logged against, as residents see it.
    resolution_text: str | None


@dataclass(frozen=True)
class ResolutionCard:
    id: int
    text: str
    status: ResolutionStatus
    progress: int
    deadline: date
    completed_on: date | None


FeedItem = ActionCard | ResolutionCard


@dataclass(frozen=True)
class FeedPage:
    neighbourhood_id: int
    neighbourhood_name: str
    # Zero-based; clamped into range.
    page: int
    pages: int
    total: int
    items: tuple[FeedItem, ...]


@dataclass(frozen=True)
class CommentView:
    id: int
    action_id: int
    # The commenter's first name (None when unknown); never a phone number.
    author_name: str | None
    text: str
    created_at: datetime
    hidden: CommentHidden | None
    mine: bool
    reviewed: bool
    # Reports counted towards hiding (shown to moderators).
    reports: int


@dataclass(frozen=True)
class CommentsPage:
    action_id: int
    action_title: str
    page: int
    pages: int
    total: int
    comments: tuple[CommentView, ...]
    can_moderate: bool


# ---- helpers ----


def clean_comment(text: str) -> str:
    """The comment as stored; raises `CommentTooShort` / `CommentTooLong`."""
    cleaned = normalize_prose(text)
    if len(cleaned) < MIN_COMMENT_LENGTH:
        raise CommentTooShort(cleaned)
    if len(cleaned) > MAX_COMMENT_LENGTH:
        raise CommentTooLong(cleaned)
    return cleaned


def first_name(full_name: str | None) -> str | None:
    """The first word of a name; None when there is none or it looks like a number."""
    if not full_name:
        return None
    word = normalize_text(full_name).split(" ", 1)[0]
    if not word or any(ch.isdigit() for ch in word) or word.startswith("+"):
        return None
    return word


async def feed_neighbourhood(session: AsyncSession, actor: Actor) -> int | None:
    """Whose feed the person reads: where they live, else the neighbourhood they manage, else the
    one whose council they sit on."""
    if actor.person_id is not None:
        home = await resident_neighbourhood(session, actor.person_id)
        if home is not None:
            return home
    for grant in actor.grants:
        if grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD:
            return grant.scope_id
    if actor.person_id is None:
        return None
    seat: int | None = await session.scalar(
        select(CouncilMember.neighbourhood_id)
        .where(CouncilMember.person_id == actor.person_id, CouncilMember.active.is_(True))
        .order_by(CouncilMember.id)
        .limit(1)
    )
    return seat


async def _can_moderate(session: AsyncSession, actor: Actor, neighbourhood_id: int) -> bool:
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)
    return allows(actor, region, MANAGERS)


async def _public_action(session: AsyncSession, actor: Actor, action_id: int) -> Action:
    """The public action, if the actor may read its neighbourhood's feed."""
    action = await session.get(Action, action_id)
    if action is None or not action.public:
        raise UnknownAction(str(action_id))
    try:
        await require_can_see_council(session, actor, action.neighbourhood_id, "read feed")
    except PermissionDenied:
        raise UnknownAction(str(action_id)) from None
    return action


def _visible_to(person_id: int | None) -> ColumnElement[bool]:
    # Residents see comments nobody hid, and their own whatever happened to them.
    return or_(Comment.hidden.is_(None), Comment.person_id == person_id)


async def _visible_comment_counts(session: AsyncSession, action_ids: list[int]) -> dict[int, int]:
    if not action_ids:
        return {}
    rows = (
        await session.execute(
            select(Comment.action_id, func.count())
            .where(Comment.action_id.in_(action_ids), Comment.hidden.is_(None))
            .group_by(Comment.action_id)
        )
    ).tuples()
    return {action_id: int(n) for action_id, n in rows}


async def _counted_reports(session: AsyncSession, comment: Comment) -> int:
    """Reports that count towards hiding: those made after the manager's last review."""
    query = select(func.count()).select_from(CommentReport).where(CommentReport.comment_id == comment.id)
    if comment.reviewed_at is not None:
        query = query.where(CommentReport.created_at > comment.reviewed_at)
    return int(await session.scalar(query) or 0)


# ---- reading the feed ----


async def feed_page(
    session: AsyncSession, *, actor: Actor, neighbourhood_id: int, page: int = 0, page_size: int = 5
) -> FeedPage:
    """One page of the neighbourhood's feed, newest first: public actions (by the day done) and
    open or done resolutions (by their latest change), interleaved. Raises `PermissionDenied` for
    anyone outside the neighbourhood (residents of elsewhere included)."""
    await require_can_see_council(session, actor, neighbourhood_id, "read feed")
    page_size = max(1, page_size)
    keyed = await _feed_order(session, neighbourhood_id)
    total = len(keyed)
    page, pages = _page_in_range(page, total, page_size)
    chosen = [(kind, item_id) for *_rest, kind, item_id in keyed[page * page_size : (page + 1) * page_size]]
    items = await _feed_items(session, chosen)
    name = await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == neighbourhood_id))
    return FeedPage(
        neighbourhood_id=neighbourhood_id,
        neighbourhood_name=name or "",
        page=page,
        pages=pages,
        total=total,
        items=tuple(items),
    )


def _page_in_range(page: int, total: int, page_size: int) -> tuple[int, int]:
    """The page asked for, clamped into range, and the number of pages (one at least)."""
    pages = max(1, math.ceil(total / page_size))
    return min(max(page, 0), pages - 1), pages


async def _feed_order(session: AsyncSession, neighbourhood_id: int) -> list[tuple[date, datetime, str, int]]:
    """Every item of the feed, newest first: public actions by the day done, resolutions (not
    cancelled) by their latest change; each as (day, time, "action" | "resolution", id)."""
    actions = (
        await session.execute(
            select(Action.id, Action.done_on, Action.created_at).where(
                Action.neighbourhood_id == neighbourhood_id, Action.public.is_(True)
            )
        )
    ).tuples()
    resolutions = (
        await session.execute(
            select(Resolution.id, Resolution.updated_at).where(
                Resolution.neighbourhood_id == neighbourhood_id,
                Resolution.status != ResolutionStatus.CANCELLED,
            )
        )
    ).tuples()
    keyed: list[tuple[date, datetime, str, int]] = [
        (done_on, created_at, "action", action_id) for action_id, done_on, created_at in actions
    ] + [(tehran_today(updated_at), updated_at, "resolution", rid) for rid, updated_at in resolutions]
    keyed.sort(reverse=True)
    return keyed


async def _feed_items(session: AsyncSession, chosen: list[tuple[str, int]]) -> list[FeedItem]:
    """The cards of the chosen (kind, id) items, in that order."""
    action_ids = [item_id for kind, item_id in chosen if kind == "action"]
    resolution_ids = [item_id for kind, item_id in chosen if kind == "resolution"]
    action_rows = {a.id: a for a in await session.scalars(select(Action).where(Action.id.in_(action_ids)))}
    linked = {a.resolution_id for a in action_rows.values() if a.resolution_id is not None}
    resolution_rows = {
        r.id: r
        for r in await session.scalars(
            select(Resolution).where(Resolution.id.in_([*resolution_ids, *linked]))
        )
    }
    counts = await _visible_comment_counts(session, action_ids)
    items: list[FeedItem] = []
    for kind, item_id in chosen:
        if kind == "action":
            a = action_rows[item_id]
            linked_resolution = resolution_rows.get(a.resolution_id) if a.resolution_id else None
            items.append(
                ActionCard(
                    id=a.id,
                    title=a.title,
                    description=a.description,
                    committee=a.committee,
                    programme=a.programme,
                    done_on=a.done_on,
                    photos=tuple(Photo(p["platform"], p["file_id"]) for p in a.photos),
                    comments=counts.get(a.id, 0),
                    resolution_text=linked_resolution.text if linked_resolution else None,
                )
            )
        else:
            r = resolution_rows[item_id]
            items.append(
                ResolutionCard(
                    id=r.id,
                    text=r.text,
                    status=r.status,
                    progress=r.progress,
                    deadline=r.deadline,
                    completed_on=tehran_today(r.completed_at) if r.completed_at else None,
                )
            )
    return items


async def comments_page(
    session: AsyncSession, *, actor: Actor, action_id: int, page: int = 0, page_size: int = COMMENTS_PAGE_SIZE
) -> CommentsPage:
    """The comments on a public action, newest first. Residents see the visible ones and their
    own (hidden or not); the manager and officials see all, with their state. Raises
    `UnknownAction`."""
    action = await _public_action(session, actor, action_id)
    moderator = await _can_moderate(session, actor, action.neighbourhood_id)
    conditions: list[ColumnElement[bool]] = [Comment.action_id == action.id]
    if not moderator:
        conditions.append(_visible_to(actor.person_id))
    total = int(await session.scalar(select(func.count()).select_from(Comment).where(*conditions)) or 0)
    page_size = max(1, page_size)
    page, pages = _page_in_range(page, total, page_size)
    rows = (
        await session.execute(
            select(Comment, Person.full_name)
            .join(Person, Person.id == Comment.person_id)
            .where(*conditions)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .offset(page * page_size)
            .limit(page_size)
        )
    ).tuples()
    views = [
        await _comment_view(session, comment, name, actor, with_reports=moderator) for comment, name in rows
    ]
    return CommentsPage(
        action_id=action.id,
        action_title=action.title,
        page=page,
        pages=pages,
        total=total,
        comments=tuple(views),
        can_moderate=moderator,
    )


async def _comment_view(
    session: AsyncSession, comment: Comment, full_name: str | None, actor: Actor, *, with_reports: bool
) -> CommentView:
    return CommentView(
        id=comment.id,
        action_id=comment.action_id,
        author_name=first_name(full_name),
        text=comment.text,
        created_at=comment.created_at,
        hidden=comment.hidden,
        mine=comment.person_id == actor.person_id,
        reviewed=comment.reviewed_at is not None,
        reports=await _counted_reports(session, comment) if with_reports else 0,
    )


async def action_photos(session: AsyncSession, *, actor: Actor, action_id: int) -> tuple[Photo, ...]:
    """The photos of a public action the actor may see. Raises `UnknownAction`."""
    action = await _public_action(session, actor, action_id)
    return tuple(Photo(p["platform"], p["file_id"]) for p in action.photos)


# ---- commenting and reporting ----


async def check_can_comment(session: AsyncSession, *, actor: Actor, action_id: int) -> str:
    """Whether the actor may comment on the action (before they type); its title. Raises
    `UnknownAction`."""
    if actor.person_id is None:
        raise UnknownAction(str(action_id))
    action = await _public_action(session, actor, action_id)
    return action.title


async def add_comment(
    session: AsyncSession, *, actor: Actor, action_id: int, text: str, now: datetime
) -> CommentView:
    """A comment by a person of the action's neighbourhood on a public action; commits. Raises
    `UnknownAction` (internal, missing or elsewhere), `CommentTooShort`, `CommentTooLong`."""
    async with committing(session):
        if actor.person_id is None:
            raise UnknownAction(str(action_id))
        action = await _public_action(session, actor, action_id)
        comment = Comment(
            action_id=action.id, person_id=actor.person_id, text=clean_comment(text), created_at=now
        )
        session.add(comment)
        await session.flush()
        name = await session.scalar(select(Person.full_name).where(Person.id == actor.person_id))
        view = await _comment_view(session, comment, name, actor, with_reports=False)
    return view


async def _claim_report(session: AsyncSession, comment_id: int, person_id: int, now: datetime) -> bool:
    """Record the person's report; False when they reported this comment already (the unique
    constraint decides, so two presses at once count once)."""
    values = {"comment_id": comment_id, "person_id": person_id, "created_at": now}
    report = await insert_unless_present(session, CommentReport, values, unique=["comment_id", "person_id"])
    return report is not None


def moderation_buttons(comment_id: int) -> list[list[Button]]:
    """Buttons under the manager's notice (handled in handlers/feed.py: "fm:<decision>:<id>")."""
    return [
        [
            Button("feed-button-restore", f"fm:restore:{comment_id}"),
            Button("feed-button-keep-hidden", f"fm:hide:{comment_id}"),
        ]
    ]


async def report_comment(
    session: AsyncSession, translator: Translator, *, actor: Actor, comment_id: int, now: datetime
) -> ReportOutcome:
    """Report a visible comment as inappropriate, once per person; commits. The report that makes
    `REPORTS_TO_HIDE` hides the comment until the manager reviews it, and tells the manager (once).
    Raises `UnknownComment`, `OwnComment`."""
    async with committing(session):
        comment = await session.scalar(select(Comment).where(Comment.id == comment_id).with_for_update())
        if comment is None or actor.person_id is None:
            raise UnknownComment(str(comment_id))
        try:
            action = await _public_action(session, actor, comment.action_id)
        except UnknownAction:
            raise UnknownComment(str(comment_id)) from None
        if comment.person_id == actor.person_id:
            raise OwnComment(str(comment_id))
        if comment.hidden is not None:
            raise UnknownComment(str(comment_id))
        if not await _claim_report(session, comment.id, actor.person_id, now):
            return ReportOutcome.ALREADY_REPORTED
        if await _counted_reports(session, comment) < REPORTS_TO_HIDE:
            return ReportOutcome.REPORTED
        comment.hidden = CommentHidden.REPORTS
        round_key = comment.reviewed_at.isoformat() if comment.reviewed_at else "0"
        if await claim_mark(session, f"comment-hidden:{comment.id}:{round_key}", now):
            moderators = await managers_of(session, action.neighbourhood_id) or await county_officials_of(
                session, action.neighbourhood_id
            )
            for person_id in moderators:
                await notify_person(
                    session,
                    translator,
                    person_id=person_id,
                    render=lambda t: t(
                        "feed-notice-comment-hidden",
                        title=action.title,
                        text=comment.text,
                        reports=REPORTS_TO_HIDE,
                    ),
                    now=now,
                    buttons=moderation_buttons(comment.id),
                )
    return ReportOutcome.HIDDEN


async def moderate_comment(
    session: AsyncSession, *, actor: Actor, comment_id: int, hide: bool, now: datetime
) -> CommentView:
    """The manager's review: hide the comment for good, or restore it (keep it visible); commits.
    For the neighbourhood's manager and officials above. Raises `UnknownComment`,
    `PermissionDenied`."""
    async with committing(session):
        comment = await session.scalar(select(Comment).where(Comment.id == comment_id).with_for_update())
        if comment is None:
            raise UnknownComment(str(comment_id))
        action = await session.get(Action, comment.action_id)
        assert action is not None
        if not await _can_moderate(session, actor, action.neighbourhood_id):
            raise PermissionDenied("moderate comment")
        comment.hidden = CommentHidden.MANAGER if hide else None
        comment.reviewed_at = now
        comment.reviewed_by_person_id = actor.person_id
        record_audit(
            session,
            actor,
            action="comment.hide" if hide else "comment.restore",
            target_type="comment",
            target_id=comment.id,
            details={"action_id": action.id},
            now=now,
        )
        name = await session.scalar(select(Person.full_name).where(Person.id == comment.person_id))
        view = await _comment_view(session, comment, name, actor, with_reports=True)
    return view
