"""/poster: a printable poster with the QR code of the neighbourhood's joining link, for the
manager to put up in the mosque, the school or the bakery. Also a button under /invite."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied, UnknownScope
from services.i18n import BoundTranslator, Translator
from services.poster import PosterText, poster_subject, render_poster
from services.residents import NEIGHBOURHOOD_LINK_PREFIX

DeepLink = Callable[[str], Awaitable[str]]


class PosterRequest(CallbackData, prefix="poster"):
    neighbourhood_id: int


def poster_keyboard(neighbourhood_id: int, t: BoundTranslator) -> InlineKeyboardMarkup:
    """The button that asks for the poster of this neighbourhood (shown with its joining link)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("poster-button"),
                    callback_data=PosterRequest(neighbourhood_id=neighbourhood_id).pack(),
                )
            ]
        ]
    )


async def send_poster(
    message: Message,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    deep_link: DeepLink,
    neighbourhood_id: int | None = None,
) -> None:
    try:
        subject = await poster_subject(
            session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id
        )
    except (PermissionDenied, UnknownScope):
        await message.answer(t("poster-not-manager"))
        return
    link = await deep_link(f"{NEIGHBOURHOOD_LINK_PREFIX}{subject.code}")
    # Residents read the poster on a wall, whatever language the manager chats in: it is in the
    # deployment's default language (Persian unless configured otherwise).
    wall = translator.bind(translator.default_locale)
    text = PosterText(
        brand=wall("poster-brand"),
        title=subject.name,
        call=wall("poster-call", name=subject.name),
        hint=wall("poster-hint"),
        link=link,
    )
    # Drawing takes a few hundred milliseconds: off the event loop, so other chats don't wait.
    poster = await asyncio.to_thread(render_poster, text)
    await message.answer_photo(
        BufferedInputFile(poster.png, filename=f"poster-{subject.code}.png"),
        caption=t("poster-caption", name=subject.name, link=link),
    )


async def poster(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    deep_link: DeepLink,
) -> None:
    await state.clear()  # a command ends whatever form was open
    await send_poster(message, session, viewer, t, translator, deep_link)


async def poster_pressed(
    query: CallbackQuery,
    callback_data: PosterRequest,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    deep_link: DeepLink,
) -> None:
    if (message := await pressed(query)) is not None:
        await send_poster(message, session, viewer, t, translator, deep_link, callback_data.neighbourhood_id)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(poster, Command("poster"))
    router.callback_query.register(poster_pressed, PosterRequest.filter())
    return router
