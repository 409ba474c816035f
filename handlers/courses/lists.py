"""/courses: the person's own courses (invitations, attendance, completion) and, for officials,
the courses they run; a course opened by its organiser (sessions, participants, buttons to
invite, take attendance and issue letters and cards); inviting; the invitation's answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.courses.view import (
    CourseAnswer,
    InviteAudience,
    NewCourse,
    OpenCourse,
    detail_keyboard,
    detail_text,
    my_courses_text,
    organised_keyboard,
    organised_text,
)
from handlers.forms import pressed
from handlers.keyboards import keyboard
from handlers.menu import MenuPress
from handlers.reach import told_lines
from handlers.report import split_message
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.training import (
    NotAParticipant,
    get_course,
    invite_audience,
    my_courses,
    organised_courses,
    organiser_scopes,
    respond_to_invitation,
)

DeepLink = Callable[[str], Awaitable[str]]


async def _send(message: Message, blocks: list[str], markup: InlineKeyboardMarkup | None) -> None:
    """Blocks in as few messages as fit; the buttons under the last one."""
    texts = split_message(blocks)
    for index, text in enumerate(texts):
        await message.answer(text, reply_markup=markup if index == len(texts) - 1 else None)


async def show_courses(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()  # a command ends whatever form was open
    mine = await my_courses(session, person_id=viewer.person_id) if viewer.person_id else []
    actor = Actor.from_viewer(viewer)
    official = bool(organiser_scopes(actor))
    organised = await organised_courses(session, actor=actor) if official else []
    if not mine and not official:
        await message.answer(t("course-none"))
        return
    if mine:
        await _send(message, my_courses_text(t, mine), None)
    if official:
        blocks = organised_text(t, organised) if organised else [t("course-none")]
        markup = (
            organised_keyboard(t, organised)
            if organised
            else keyboard([[(t("course-button-new"), NewCourse().pack())]])
        )
        await _send(message, blocks, markup)


async def open_course(
    query: CallbackQuery, callback_data: OpenCourse, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    message = await pressed(query)
    detail = await get_course(session, actor=Actor.from_viewer(viewer), course_id=callback_data.course_id)
    if message is not None:
        await _send(message, detail_text(t, detail), detail_keyboard(t, detail))


async def invite(
    query: CallbackQuery,
    callback_data: InviteAudience,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    deep_link: DeepLink,
) -> None:
    message = await pressed(query)
    actor = Actor.from_viewer(viewer)
    outcome = await invite_audience(
        session, translator, actor=actor, course_id=callback_data.course_id, now=clock()
    )
    if message is None:
        return
    if not outcome.new:
        detail = await get_course(session, actor=actor, course_id=callback_data.course_id)
        await message.answer(
            t("course-invited-none", already=outcome.already, place=detail.course.scope_name)
        )
        return
    told = await told_lines(session, t, outcome.told, deep_link)
    await message.answer(t("course-invited", count=outcome.new, already=outcome.already, told=told))


async def answered(
    query: CallbackQuery,
    callback_data: CourseAnswer,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    # The buttons stay: the participant may change their answer later.
    message = await pressed(query)
    if viewer.person_id is None:
        return
    try:
        course = await respond_to_invitation(
            session,
            person_id=viewer.person_id,
            course_id=callback_data.course_id,
            accept=callback_data.accept,
            now=clock(),
        )
    except NotAParticipant:
        if message is not None:
            await message.answer(t("course-not-invited"))
        return
    if message is not None:
        key = "course-answer-confirmed" if callback_data.accept else "course-answer-declined"
        await message.answer(t(key, title=course.title))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_courses, Command("courses"))
    router.message.register(show_courses, MenuPress("courses"))
    router.callback_query.register(open_course, OpenCourse.filter())
    router.callback_query.register(invite, InviteAudience.filter())
    router.callback_query.register(answered, CourseAnswer.filter())
    return router
