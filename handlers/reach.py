"""Telling the truth about who was told: the lines under a saved request or resolution, and
/not_joined — the people with a role in your area who have not opened the bot yet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import MenuPress
from handlers.report import split_message
from services.accounts import Viewer, display_phone
from services.authz import Actor, PermissionDenied
from services.i18n import BoundTranslator
from services.notify import Told
from services.reach import names_of, not_joined
from services.requests import Holder

DeepLink = Callable[[str], Awaitable[str]]
# The payload of the bot's plain link for someone who only has to start it and share their phone.
JOIN_PAYLOAD = "join"


def holder_lines(t: BoundTranslator, holder: Holder) -> str:
    """Whom the resident's request is with, and whether they have it yet."""
    if holder.level is None:
        return t("request-held-nobody")
    level = t(f"reach-level-{holder.level}")
    who = t("reach-holder", level=level, names=t.join(holder.names)) if holder.names else level
    return t("request-held-now" if holder.reachable else "request-held-waiting", who=who)


async def told_lines(session: AsyncSession, t: BoundTranslator, told: Told, deep_link: DeepLink) -> str:
    """Who was told now, and who will be when they join (with the link to pass on)."""
    lines = []
    if told.now:
        lines.append(t("reach-told-now", names=t.join(await names_of(session, told.now))))
    if told.waiting:
        lines.append(
            t(
                "reach-told-waiting",
                names=t.join(await names_of(session, told.waiting)),
                link=await deep_link(JOIN_PAYLOAD),
            )
        )
    return "\n".join(lines) or t("reach-told-nobody")


async def show_not_joined(
    message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator, deep_link: DeepLink
) -> None:
    try:
        people = await not_joined(session, Actor.from_viewer(viewer))
    except PermissionDenied:  # kept here: /not_joined leaves a form that is open as it is
        await message.answer(t("not-joined-not-allowed"))
        return
    if not people:
        await message.answer(t("not-joined-none"))
        return
    blocks = [t("not-joined-title")]
    for person in people:
        line = t(
            "not-joined-line",
            name=person.name or "—",
            role=t(f"role-{person.role.value}"),
            place=person.place,
            phone=display_phone(person.phone),
        )
        if person.waiting:
            line += " " + t("not-joined-waiting", count=person.waiting)
        blocks.append(line)
    blocks.append(t("not-joined-hint", link=await deep_link(JOIN_PAYLOAD)))
    for text in split_message(blocks):
        await message.answer(text)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_not_joined, Command("not_joined"))
    router.message.register(show_not_joined, MenuPress("not_joined"))
    return router
