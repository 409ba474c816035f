"""Reading the feed: /feed opens it at its newest item, the paging buttons turn its pages in
place, and an action's photos button sends the photos this messenger can show."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.feed.render import FeedNav, FeedPhotos, render_page
from handlers.forms import pressed, show
from handlers.menu import MenuPress
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.feed import UnknownAction, action_photos, feed_neighbourhood, feed_page
from services.i18n import BoundTranslator


async def show_feed(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()
    if viewer.person_id is None:
        await message.answer(t("join-register-first"))
        return
    actor = Actor.from_viewer(viewer)
    neighbourhood_id = await feed_neighbourhood(session, actor)
    if neighbourhood_id is None:
        await message.answer(t("feed-need-join"))
        return
    try:
        page = await feed_page(session, actor=actor, neighbourhood_id=neighbourhood_id, page=0, page_size=1)
    except PermissionDenied:  # kept here: not a neighbour (any more) is asked to join
        await message.answer(t("feed-need-join"))
        return
    if page.total == 0:
        await message.answer(t("feed-empty", name=page.neighbourhood_name))
        return
    text, keyboard = render_page(t, page)
    await message.answer(text, reply_markup=keyboard)


async def turn_page(
    query: CallbackQuery,
    callback_data: FeedNav,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        page = await feed_page(
            session,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=callback_data.neighbourhood_id,
            page=callback_data.page,
            page_size=1,
        )
    except PermissionDenied:  # kept here: a pressed button is answered with an alert
        await query.answer(t("feed-not-allowed"), show_alert=True)
        return
    message = await pressed(query)
    if message is None:
        return
    keyboard: InlineKeyboardMarkup | None
    if page.total == 0:
        text, keyboard = t("feed-empty", name=page.neighbourhood_name), None
    else:
        text, keyboard = render_page(t, page)
    await show(message, text, keyboard)


async def show_photos(
    query: CallbackQuery,
    callback_data: FeedPhotos,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        photos = await action_photos(
            session, actor=Actor.from_viewer(viewer), action_id=callback_data.action_id
        )
    except UnknownAction:
        await query.answer(t("feed-action-gone"), show_alert=True)
        return
    # A file id works only on the messenger it came from.
    here = [p for p in photos if p.platform == viewer.platform.value]
    if not here:
        await query.answer(t("feed-photos-elsewhere"), show_alert=True)
        return
    if (message := await pressed(query)) is not None:
        for photo in here:
            await message.answer_photo(photo.file_id)


def setup() -> Router:
    router = Router(name=__name__)
    # The command first, so it also works in the middle of a form.
    router.message.register(show_feed, MenuPress("feed"))
    router.message.register(show_feed, Command("feed"))
    router.callback_query.register(turn_page, FeedNav.filter())
    router.callback_query.register(show_photos, FeedPhotos.filter())
    return router
