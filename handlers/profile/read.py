"""Reading a profile: /profile (or its menu button) shows the manager their neighbourhood's, and
lets county and province officials name any neighbourhood in their region by code or by name
(`/profile CODE`, or asked for), with buttons when several match."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import pressed
from handlers.menu import MenuPress
from handlers.profile.card import ProfileForm, ProfileOpen, send_profile
from handlers.steps import match_button, neighbourhood_matches, searchable, the_one_named
from services.accounts import Viewer
from services.authz import OFFICIALS
from services.i18n import BoundTranslator
from services.persian import normalize_text
from services.regions import NeighbourhoodMatch

EDIT_ARGS = frozenset({"edit", "ویرایش"})


def neighbourhoods_keyboard(matches: list[NeighbourhoodMatch], t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [match_button(match, t, ProfileOpen(neighbourhood_id=match.id))] for match in matches
        ]
    )


async def _find_and_show(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    text: str,
    t: BoundTranslator,
) -> None:
    """An official named a neighbourhood by code or name: show it, offer the matches, or ask again."""
    query = normalize_text(text)
    await state.set_state(ProfileForm.neighbourhood)
    if not searchable(query):
        await message.answer(t("profile-ask-neighbourhood"))
        return
    matches = await neighbourhood_matches(session, query)
    if not matches:
        await message.answer(t("profile-no-match", query=query))
        return
    # A code, or a name that only one neighbourhood has exactly: no need to ask.
    if (named := the_one_named(matches, query)) is not None:
        await state.clear()
        await send_profile(message, session, viewer, named.id, t)
        return
    await message.answer(t("profile-pick"), reply_markup=neighbourhoods_keyboard(matches, t))


async def profile(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    command: CommandObject | None = None,
) -> None:
    await state.clear()
    args = normalize_text(command.args or "") if command is not None else ""
    managed = managed_neighbourhood(viewer)
    official = any(grant.role in OFFICIALS for grant in viewer.roles)
    if args.lower() in EDIT_ARGS:
        if managed is None:
            await message.answer(t("profile-not-manager"))
        else:
            await send_profile(message, session, viewer, managed, t)
    elif managed is None and not official:
        # Which neighbourhoods they may read is still the service's call; this only spares
        # everyone else a question that can lead nowhere.
        await message.answer(t("profile-not-allowed"))
    elif args:
        await _find_and_show(message, state, session, viewer, args, t)
    elif managed is not None:
        await send_profile(message, session, viewer, managed, t)
    else:
        await state.set_state(ProfileForm.neighbourhood)
        await message.answer(t("profile-ask-neighbourhood"))


async def got_neighbourhood(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await _find_and_show(message, state, session, viewer, message.text or "", t)


async def neighbourhood_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("profile-ask-neighbourhood"))


async def opened(
    query: CallbackQuery,
    callback_data: ProfileOpen,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    message = await pressed(query, drop=True)
    await state.clear()
    if message is not None:
        await send_profile(message, session, viewer, callback_data.neighbourhood_id, t)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(profile, MenuPress("profile"))
    router.message.register(profile, Command("profile"))
    # Commands fall through to their own routers: /help or /join in the middle still work.
    router.message.register(
        got_neighbourhood, StateFilter(ProfileForm.neighbourhood), F.text, ~F.text.startswith("/")
    )
    router.message.register(neighbourhood_expected, StateFilter(ProfileForm.neighbourhood), ~F.text)
    router.callback_query.register(opened, ProfileOpen.filter())
    return router
