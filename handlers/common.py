"""/help, /cancel, /lang and the menu's «بیشتر…» / «بازگشت»: available to everyone, in every state."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import MenuPress, main_menu, more_menu
from handlers.start import language_keyboard
from models.identity import Role
from services.accounts import Viewer
from services.i18n import BoundTranslator

# (roles, catalog key): the help sections, in the order they are shown.
HELP_SECTIONS: tuple[tuple[frozenset[Role], str], ...] = (
    (frozenset({Role.RESIDENT}), "help-resident"),
    (frozenset({Role.COUNCIL_MEMBER, Role.COMMITTEE_HEAD}), "help-council"),
    (frozenset({Role.MANAGER}), "help-manager"),
    (frozenset({Role.LIAISON}), "help-liaison"),
    (frozenset({Role.COUNTY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN}), "help-official"),
    (frozenset({Role.ADMIN}), "help-admin"),
)


async def show_help(message: Message, viewer: Viewer, t: BoundTranslator) -> None:
    # Everyone's commands, then only the sections of the roles this person has.
    held = {grant.role for grant in viewer.roles}
    sections = [t(key) for roles, key in HELP_SECTIONS if held & roles]
    await message.answer("\n\n".join([t("help-text"), *sections]))


async def cancel(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    # Back to the main menu (for the unregistered: no keyboard, so the contact button goes).
    keyboard = await main_menu(session, viewer, t) if viewer.is_registered else ReplyKeyboardRemove()
    if await state.get_state() is None:
        await message.answer(t("cancel-nothing"), reply_markup=keyboard)
        return
    await state.clear()
    await message.answer(t("cancel-done"), reply_markup=keyboard)


async def choose_language(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.clear()  # a command ends whatever form was open
    await message.answer(t("lang-choose"), reply_markup=language_keyboard(t, onboarding=False))


# The menu's pages: they change the keyboard only, so a form in progress goes on.
async def more(message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator) -> None:
    await message.answer(t("menu-more-title"), reply_markup=await more_menu(session, viewer, t))


async def back(message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator) -> None:
    await message.answer(t("menu-back-title"), reply_markup=await main_menu(session, viewer, t))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_help, MenuPress("help"))
    router.message.register(show_help, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(choose_language, MenuPress("lang"))
    router.message.register(choose_language, Command("lang"))
    router.message.register(more, MenuPress("more"))
    router.message.register(back, MenuPress("back"))
    return router
