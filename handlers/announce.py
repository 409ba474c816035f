"""/announce: the manager writes an announcement to every resident of the neighbourhood, sees it
as residents will, and sends it (✅) or not (✖). The service (`services.announcements`) keeps the
weekly limit and queues it through the outbox; the reply says who has it now and who will when
they join."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.council import managed_neighbourhood
from handlers.forms import confirmation, reask, stale_buttons
from handlers.menu import AnyMenuPress, MenuPress, main_menu
from handlers.reach import JOIN_PAYLOAD, DeepLink, told_lines
from services.accounts import Viewer
from services.announcements import (
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
    Announced,
    WeeklyLimitReached,
    announcement_allowance,
    clean_announcement,
    send_announcement,
)
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime

# Up to this many people are named in the reply; beyond, they are counted.
NAMED_UP_TO = 20


class AnnounceForm(StatesGroup):
    text = State()
    confirm = State()


class AnnouncePress(CallbackData, prefix="ann"):
    action: str  # "send" or "cancel"


def _confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("announce-button-send"), callback_data=AnnouncePress(action="send").pack()
                ),
                InlineKeyboardButton(
                    text=t("announce-button-cancel"), callback_data=AnnouncePress(action="cancel").pack()
                ),
            ]
        ]
    )


async def announce_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
) -> None:
    """Where it goes and how many are left this week; then the text is asked for."""
    await state.clear()
    neighbourhood_id = managed_neighbourhood(viewer)
    try:
        if neighbourhood_id is None:
            raise PermissionDenied("announce")
        allowance = await announcement_allowance(
            session,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=neighbourhood_id,
            now=clock(),
            weekly_limit=settings.announcement_weekly_limit,
        )
    except PermissionDenied:  # kept here: the command leaves nothing open
        await message.answer(t("announce-not-manager"))
        return
    if allowance.left == 0:
        await message.answer(_limit_text(t, allowance.neighbourhood_name, allowance.limit, None))
        return
    await state.set_state(AnnounceForm.text)
    await state.set_data(
        {
            "neighbourhood_id": neighbourhood_id,
            "neighbourhood": allowance.neighbourhood_name,
            "residents": allowance.residents,
        }
    )
    await message.answer(
        t(
            "announce-ask",
            neighbourhood=allowance.neighbourhood_name,
            residents=allowance.residents,
            left=allowance.left,
            limit=allowance.limit,
            min=MIN_TEXT_LENGTH,
            max=MAX_TEXT_LENGTH,
        )
    )


def _limit_text(t: BoundTranslator, neighbourhood: str, limit: int, error: WeeklyLimitReached | None) -> str:
    next_at = format_datetime(error.next_at, t.locale) if error is not None else "—"
    return t("announce-limit-reached", neighbourhood=neighbourhood, limit=limit, next=next_at)


async def text_typed(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    """The preview, exactly as residents will read it, with ✅/✖ (a wrong length is asked
    again by handlers.errors)."""
    text = clean_announcement(message.text)
    data = await state.update_data(text=text)
    await state.set_state(AnnounceForm.confirm)
    preview = t("announce-preview", neighbourhood=data["neighbourhood"], residents=data["residents"])
    await message.answer(preview)
    await message.answer(
        t("announce-message", neighbourhood=data["neighbourhood"], text=text),
        reply_markup=_confirm_keyboard(t),
    )


async def text_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("announce-text-expected"))


async def confirmed(
    query: CallbackQuery,
    callback_data: AnnouncePress,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    settings: Settings,
    deep_link: DeepLink,
) -> None:
    done = await confirmation(query, callback_data.action == "send", state, t, cancelled="announce-cancelled")
    if done is None:
        return
    await state.clear()
    limit = settings.announcement_weekly_limit
    try:
        announced = await send_announcement(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=int(done.data["neighbourhood_id"]),
            text=str(done.data["text"]),
            now=clock(),
            weekly_limit=limit,
        )
    except PermissionDenied:  # kept here: the answer comes with the main menu
        reply = t("announce-not-manager")
    except WeeklyLimitReached as error:
        reply = _limit_text(t, str(done.data["neighbourhood"]), limit, error)
    else:
        reply = await _sent_text(session, t, announced, limit, deep_link)
    await done.message.answer(reply, reply_markup=await main_menu(session, viewer, t))


async def _sent_text(
    session: AsyncSession, t: BoundTranslator, announced: Announced, limit: int, deep_link: DeepLink
) -> str:
    """Sent, and who has it: by name for a few people, counted for a whole neighbourhood."""
    text = t("announce-sent", left=max(0, limit - announced.sent_this_week))
    told = announced.told
    if announced.queued <= NAMED_UP_TO:
        return text + "\n" + await told_lines(session, t, told, deep_link)
    link = await deep_link(JOIN_PAYLOAD)
    return text + "\n" + t("announce-told-counts", now=len(told.now), waiting=len(told.waiting), link=link)


async def button_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("announce-button-expected"))


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    not_typed = (~F.text.startswith("/"), ~AnyMenuPress())
    # The command first, so it also works in the middle of a form.
    router.message.register(announce_command, MenuPress("announce"))
    router.message.register(announce_command, Command("announce"))
    router.message.register(text_typed, StateFilter(AnnounceForm.text), *typed)
    router.message.register(text_expected, StateFilter(AnnounceForm.text), *not_typed)
    router.callback_query.register(confirmed, StateFilter(AnnounceForm.confirm), AnnouncePress.filter())
    router.message.register(button_expected, StateFilter(AnnounceForm.confirm), *not_typed)
    stale_buttons(router, AnnouncePress.filter(), closed="announce-form-closed")
    return router
