"""/help, /cancel and /lang: available to everyone, in every state."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove

from handlers.menu import MenuPress, main_menu
from handlers.start import language_keyboard
from services.accounts import Viewer
from services.i18n import BoundTranslator


def setup() -> Router:
    router = Router(name=__name__)

    @router.message(Command("help"))
    @router.message(MenuPress("help"))
    async def show_help(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("help-text") + "\n\n" + t("help-roles"))

    @router.message(Command("cancel"))
    async def cancel(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        # Back to the main menu (for the unregistered: no keyboard, so the contact button goes).
        keyboard = main_menu(viewer, t) if viewer.is_registered else ReplyKeyboardRemove()
        if await state.get_state() is None:
            await message.answer(t("cancel-nothing"), reply_markup=keyboard)
            return
        await state.clear()
        await message.answer(t("cancel-done"), reply_markup=keyboard)

    @router.message(Command("lang"))
    @router.message(MenuPress("lang"))
    async def choose_language(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()  # a command ends whatever form was open
        await message.answer(t("lang-choose"), reply_markup=language_keyboard(t, onboarding=False))

    return router
