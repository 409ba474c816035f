"""/join: a registered person finds their neighbourhood by name (spelling-tolerant) and joins it as
a resident, the alternative to the `/start n_<code>` link."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.forms import pressed
from handlers.keyboards import drop_buttons, message_of
from handlers.menu import MenuPress
from handlers.steps import QUERY_LIMIT, match_button, neighbourhood_matches
from services.accounts import Viewer
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.persian import normalize_text
from services.regions import NeighbourhoodMatch
from services.requests import RoutingModel
from services.residents import UnknownNeighbourhood, join_neighbourhood


class Join(StatesGroup):
    name = State()


class JoinPick(CallbackData, prefix="jn"):
    code: str


class JoinSearchAgain(CallbackData, prefix="jn_again"):
    pass


def matches_keyboard(matches: list[NeighbourhoodMatch], t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [[match_button(match, t, JoinPick(code=match.code))] for match in matches]
    rows.append(
        [InlineKeyboardButton(text=t("join-button-search-again"), callback_data=JoinSearchAgain().pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def search(
    message: Message, state: FSMContext, session: AsyncSession, text: str, t: BoundTranslator
) -> None:
    """Show the neighbourhoods matching `text`; the state stays on `Join.name`, so another
    name typed instead of pressing a button is simply a new search."""
    query = normalize_text(text)
    await state.set_state(Join.name)
    if len(query) > QUERY_LIMIT:
        await message.answer(t("join-name-too-long", limit=QUERY_LIMIT))
        return
    if not any(c.isalnum() for c in query):
        await message.answer(t("join-ask-name"))
        return
    matches = await neighbourhood_matches(session, query)
    if not matches:
        await message.answer(t("join-no-match", query=query))
        return
    await message.answer(t("join-pick"), reply_markup=matches_keyboard(matches, t))


async def join(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    command: CommandObject | None = None,
) -> None:
    await state.clear()
    if not viewer.is_registered:
        await message.answer(t("join-register-first"))
        return
    if command is not None and command.args:
        await search(message, state, session, command.args, t)
        return
    await state.set_state(Join.name)
    await message.answer(t("join-ask-name"))


# Commands fall through to their own routers: /help or /profile in the middle still work.
async def got_name(message: Message, state: FSMContext, session: AsyncSession, t: BoundTranslator) -> None:
    await search(message, state, session, message.text or "", t)


async def name_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("join-name-expected"))


async def picked(
    query: CallbackQuery,
    callback_data: JoinPick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    translator: Translator,
    routing: RoutingModel,
    settings: Settings,
) -> None:
    message = message_of(query)
    if viewer.person_id is None:
        await query.answer(t("join-register-first"), show_alert=True)
        return
    await query.answer()
    try:
        joined = await join_neighbourhood(
            session, person_id=viewer.person_id, code=callback_data.code, now=clock()
        )
    except UnknownNeighbourhood:
        # A button from before the regions were re-imported: search again.
        await state.set_state(Join.name)
        if message is not None:
            await message.answer(t("join-choice-gone"))
        return
    await state.clear()
    if message is not None:
        await drop_buttons(query)
        # `handlers.talk` imports this module: the join form is one of the ways into a request.
        from handlers.talk import after_joining

        await after_joining(
            message,
            state,
            session,
            viewer,
            t,
            translator,
            clock,
            routing,
            settings,
            t("join-already" if joined.already_member else "join-done", name=joined.neighbourhood_name),
        )


async def search_again(query: CallbackQuery, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    if not viewer.is_registered:
        await query.answer(t("join-register-first"), show_alert=True)
        return
    await state.set_state(Join.name)
    if (message := await pressed(query)) is not None:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(t("join-ask-name"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(join, MenuPress("join"))
    router.message.register(join, Command("join"))
    router.message.register(got_name, StateFilter(Join.name), F.text, ~F.text.startswith("/"))
    router.message.register(name_expected, StateFilter(Join.name), ~F.text)
    router.callback_query.register(picked, JoinPick.filter())
    router.callback_query.register(search_again, JoinSearchAgain.filter())
    return router
