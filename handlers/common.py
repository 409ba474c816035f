"""/help, /cancel and /lang: available to everyone, in every state."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove

from handlers.start import language_keyboard
from services.i18n import BoundTranslator


def setup() -> Router:
    router = Router(name=__name__)

    @router.message(Command("help"))
    async def show_help(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("help-text") + "\n\n" + t("help-roles"))

    @router.message(Command("cancel"))
    async def cancel(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        if await state.get_state() is None:
            await message.answer(t("cancel-nothing"), reply_markup=ReplyKeyboardRemove())
            return
        await state.clear()
        await message.answer(t("cancel-done"), reply_markup=ReplyKeyboardRemove())

    @router.message(Command("lang"))
    async def choose_language(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("lang-choose"), reply_markup=language_keyboard(t, onboarding=False))

    return router
