"""Closing the loop: the buttons on the notification that a request was resolved — «was it
really fixed?» (yes closes it and asks for a rating, no reopens it) and the rating's stars. Their
callback data is made by the services (`services.requests.fixed_buttons`, `rating_buttons`), since
the notification goes out through the outbox."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from handlers.keyboards import drop_buttons
from handlers.requests.shared import not_now_text
from services.accounts import Viewer
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.notify import inline_keyboard
from services.requests import (
    InvalidRating,
    InvalidTransition,
    UnknownRequest,
    confirm_fixed,
    format_tracking_code,
    rate_request,
    rating_buttons,
)


class FixedAnswer(CallbackData, prefix="rqf"):
    # Matches services.requests.fixed_buttons: "rqf:y:<id>" / "rqf:n:<id>"
    answer: str
    request_id: int


class Rating(CallbackData, prefix="rqr"):
    # Matches services.requests.rating_buttons: "rqr:<stars>:<id>"
    stars: int
    request_id: int


async def fixed_answer(
    query: CallbackQuery,
    callback_data: FixedAnswer,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    if viewer.person_id is None:
        await query.answer(t("join-register-first"), show_alert=True)
        return
    fixed = callback_data.answer == "y"
    try:
        view = await confirm_fixed(
            session,
            translator,
            person_id=viewer.person_id,
            request_id=callback_data.request_id,
            fixed=fixed,
            now=clock(),
        )
    except UnknownRequest:
        await query.answer(t("request-not-found"), show_alert=True)
        return
    except InvalidTransition as error:
        await query.answer(not_now_text(t, error), show_alert=True)
        await drop_buttons(query)
        return
    message = await pressed(query, drop=True)
    if message is None:
        return
    code = format_tracking_code(view.code, t.locale)
    if fixed:
        await message.answer(
            t("request-closed-thanks", code=code),
            reply_markup=InlineKeyboardMarkup.model_validate(inline_keyboard(t, rating_buttons(view.id))),
        )
    else:
        await message.answer(t("request-reopened", code=code))


async def rated(
    query: CallbackQuery,
    callback_data: Rating,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if viewer.person_id is None:
        await query.answer(t("join-register-first"), show_alert=True)
        return
    try:
        await rate_request(
            session,
            person_id=viewer.person_id,
            request_id=callback_data.request_id,
            rating=callback_data.stars,
            now=clock(),
        )
    except (UnknownRequest, InvalidRating):
        await query.answer(t("request-not-found"), show_alert=True)
        return
    except InvalidTransition as error:
        await query.answer(not_now_text(t, error), show_alert=True)
        return
    if (message := await pressed(query, drop=True)) is not None:
        await message.answer(t("request-rated", rating=callback_data.stars))


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(fixed_answer, FixedAnswer.filter())
    router.callback_query.register(rated, Rating.filter())
    return router
