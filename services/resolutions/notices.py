"""Telling people about a resolution: the notice of a new one or of an update, rendered in each
recipient's language with the resolution's card and the buttons to report progress, queued in
the caller's transaction; and, read back from the outbox, who the notice of a new one reached."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.i18n import BoundTranslator, Translator
from services.jalali import tehran_today
from services.notify import Told, notify_people, told_by_prefix
from services.resolutions.rendering import describe_resolution, resolution_buttons
from services.resolutions.views import ResolutionView
from services.responsibility import unique

__all__ = ["notify_about", "who_was_told_of_new"]


async def notify_about(
    session: AsyncSession,
    translator: Translator,
    view: ResolutionView,
    people: Iterable[int],
    *,
    headline: str,
    now: datetime,
    skip: int | None,
    dedup_prefix: str,
    who: str | None = None,
    note: str | None = None,
) -> Told:
    """Queue the `headline` notice (with `who` did it and their `note`) to each of `people` but
    `skip` (whoever acted), once per `dedup_prefix`, under the resolution's topic."""
    today = tehran_today(now)

    def render(t: BoundTranslator) -> str:
        text = t(headline, id=view.id, who=who or "—")
        if note:
            text += "\n" + t("resolution-notice-note", note=note)
        return text + "\n\n" + describe_resolution(t, view, today)

    return await notify_people(
        session,
        translator,
        unique(people),
        render=render,
        now=now,
        buttons=resolution_buttons(view.id),
        dedup_prefix=dedup_prefix,
        topic=f"resolution:{view.id}",
        skip=skip,
    )


async def who_was_told_of_new(session: AsyncSession, resolution_id: int) -> Told:
    """Who the new resolution's notice reached now, and who gets it when they join (read back
    from the outbox, so the manager hears the truth)."""
    return await told_by_prefix(session, f"resolution:{resolution_id}:created:")
