"""/survey: what a person can do with needs assessments, by who they are. A resident sees the open
surveys of their neighbourhood they have not finished, each with a button to start (or go on);
a manager or an official sees the latest surveys of their area, each with its results, and a
button to make a new one. `/survey new` opens the form at once; `/survey results N` shows the
results of survey N."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.create import start_form
from handlers.surveys.keyboards import menu_keyboard, to_answer_keyboard
from handlers.surveys.rendering import menu_text, to_answer_text
from handlers.surveys.results import show_results
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.persian import normalize_digits
from services.surveys import list_surveys, survey_scopes, surveys_to_answer


async def survey_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    args = normalize_digits(command.args or "").split()
    await state.clear()
    if args[:1] == ["new"]:
        await start_form(message, state, session, viewer, t)
        return
    if args[:1] == ["results"] and len(args) > 1 and args[1].isdigit():
        await show_results(message, session, viewer, t, int(args[1]))
        return
    actor = Actor.from_viewer(viewer)
    to_answer = await surveys_to_answer(session, actor=actor, now=clock())
    scopes = await survey_scopes(session, actor)
    listed = await list_surveys(session, actor=actor)
    if to_answer:
        await message.answer(to_answer_text(t, to_answer), reply_markup=to_answer_keyboard(t, to_answer))
    if scopes or listed:
        await message.answer(
            menu_text(t, listed), reply_markup=menu_keyboard(t, listed, can_create=bool(scopes))
        )
    elif not to_answer:
        await message.answer(t("survey-none"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(survey_command, Command("survey"))
    return router
