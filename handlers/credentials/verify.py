"""/verify: anyone checks an ID card — the token or link after the command, or sent next, or a
photo of the card's QR code (with /verify as its caption, or sent next). The answer says valid,
expired, revoked or invalid, with the holder's name, role and place; never their phone."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.credentials.view import VerifyForm, photo_bytes, verdict_text
from handlers.forms import reask
from handlers.menu import AnyMenuPress, MenuPress
from services.clock import Clock
from services.credentials import qr_texts, verify_card
from services.i18n import BoundTranslator
from services.jalali import tehran_today


async def _answer(
    message: Message, session: AsyncSession, t: BoundTranslator, clock: Clock, settings: Settings, text: str
) -> None:
    policy = settings.credential_policy()
    result = await verify_card(session, text, secret=policy.secret, today=tehran_today(clock()))
    await message.answer(verdict_text(t, result))


async def _from_photo(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    image = await photo_bytes(message, bot)
    # Decoding a large photo takes a while: off the event loop, so other chats don't wait.
    codes = await asyncio.to_thread(qr_texts, image) if image is not None else []
    if not codes:
        await state.set_state(VerifyForm.code)
        await message.answer(t("verify-no-code"))
        return
    await state.clear()
    # A photo may hold other codes too: the first that names a card decides.
    await _answer(message, session, t, clock, settings, next((c for c in codes if "/verify/" in c), codes[0]))


async def verify_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
    bot: Bot,
    command: CommandObject | None = None,  # None: the menu's button
) -> None:
    await state.clear()
    if message.photo:
        await _from_photo(message, state, session, t, clock, settings, bot)
    elif command is not None and command.args and command.args.strip():
        await _answer(message, session, t, clock, settings, command.args)
    else:
        await state.set_state(VerifyForm.code)
        await message.answer(t("verify-ask"))


async def got_code(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
) -> None:
    await state.clear()
    await _answer(message, session, t, clock, settings, message.text or "")


async def got_photo(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    await _from_photo(message, state, session, t, clock, settings, bot)


async def code_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("verify-expected"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(verify_command, Command("verify"))
    router.message.register(verify_command, MenuPress("verify"))
    router.message.register(got_photo, StateFilter(VerifyForm.code), F.photo)
    router.message.register(
        got_code, StateFilter(VerifyForm.code), F.text, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.message.register(
        code_expected, StateFilter(VerifyForm.code), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    return router
