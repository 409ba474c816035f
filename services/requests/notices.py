"""What a change to a request leaves behind: its history event, and the notices it causes to the
handlers (with the request's card and buttons) and to the resident and followers (each in their
language). Notices are queued in the outbox in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.requests import CitizenRequest, RequestEvent
from services.i18n import BoundTranslator, Translator
from services.notify import Button, Render, notify_people, notify_person
from services.requests.cards import describe_request, handler_buttons
from services.requests.codes import format_tracking_code
from services.requests.values import RequestView
from services.requests.views import view_of

__all__ = ["handler_notice", "new_event", "notify_handlers", "notify_residents", "topic_of"]


def topic_of(request: CitizenRequest) -> str:
    """The outbox topic of the request's notices (`services.notify.release_waiting` keeps the
    latest of each topic)."""
    return f"request:{request.id}"


def new_event(
    request: CitizenRequest,
    kind: str,
    now: datetime,
    actor_person_id: int | None,
    note: str | None = None,
    **details: Any,
) -> RequestEvent:
    """A history event of the request, with the status it has now."""
    return RequestEvent(
        request_id=request.id,
        at=now,
        actor_person_id=actor_person_id,
        kind=kind,
        status=request.status,
        note=note,
        details=details,
    )


def handler_notice(
    request: CitizenRequest, view: RequestView, headline: str, args: dict[str, Any] | None = None
) -> Render:
    """A notice to a handler: the headline, then the request's card."""

    def render(t: BoundTranslator) -> str:
        return (
            t(headline, code=format_tracking_code(request.code, t.locale), **(args or {}))
            + "\n\n"
            + describe_request(t, view)
        )

    return render


async def notify_handlers(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    people: Iterable[int],
    *,
    headline: str,
    now: datetime,
    args: dict[str, Any] | None = None,
    dedup_prefix: str | None = None,
    skip: int | None = None,
) -> int:
    """Tell these handlers of the request, with its buttons; how many were told (now or, for
    those who have not joined yet, when they arrive)."""
    view = await view_of(session, request, show_text=True, private=True)
    told = await notify_people(
        session,
        translator,
        people,
        render=handler_notice(request, view, headline, args),
        now=now,
        buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
        dedup_prefix=dedup_prefix,
        topic=topic_of(request),
        skip=skip,
    )
    return len(told.now) + len(told.waiting)


async def notify_residents(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    key: str,
    *,
    now: datetime,
    note: str | None = None,
    owner_buttons: Sequence[Sequence[Button]] = (),
) -> None:
    """Tell the resident (and the followers) of a change, each in their language."""
    people = [request.person_id, *await requests_repo.followers(session, request.id)]
    for person_id in dict.fromkeys(people):
        # Followers are told the same, but only the resident who wrote it is asked "fixed?".
        message_key = key if person_id == request.person_id or not owner_buttons else f"{key}-follower"

        def render(t: BoundTranslator, message_key: str = message_key) -> str:
            return t(
                message_key,
                code=format_tracking_code(request.code, t.locale),
                committee=t(f"committee-{request.committee.value}"),
                note=note or "",
            )

        await notify_person(
            session,
            translator,
            person_id=person_id,
            render=render,
            now=now,
            buttons=owner_buttons if person_id == request.person_id else (),
            topic=topic_of(request),
        )
