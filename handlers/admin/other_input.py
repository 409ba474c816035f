"""Anything else sent in the middle of the officials' forms (/grant, /revoke, /import_regions):
what the current step expects, or its question again. Included after both forms, whose steps
(and /import_regions's menu button, in the middle of the appointing form) come first."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.admin.appoint_view import Appoint
from handlers.admin.import_regions import ImportRegions
from handlers.forms import reask
from services.i18n import BoundTranslator


async def form_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    current = await state.get_state()
    if current == Appoint.phone.state:
        await message.answer(t("admin-bad-phone"))
    elif current == Appoint.neighbourhood.state:
        await message.answer(t("admin-ask-neighbourhood"))
    elif current == ImportRegions.file.state:
        await message.answer(t("admin-import-send-document"))
    else:
        await reask(message, state, t("council-use-buttons"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        form_expects_something_else, StateFilter(Appoint, ImportRegions), ~F.text.startswith("/")
    )
    return router
