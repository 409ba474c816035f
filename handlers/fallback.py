"""Last in line: anything no feature understood gets a clear answer, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from services.i18n import BoundTranslator


async def unknown_command(message: Message, t: BoundTranslator) -> None:
    command = (message.text or "").split(maxsplit=1)[0].split("@", 1)[0]
    await message.answer(t("error-unknown-command", command=command[:32]))


async def not_understood(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("error-unsupported-input"))


async def stale_button(query: CallbackQuery, t: BoundTranslator) -> None:
    # A button from an old message whose flow has moved on: stop the spinner and explain.
    await query.answer(t("error-unsupported-input"), show_alert=False)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(not_understood)
    router.callback_query.register(stale_button)
    return router
