"""/new_course: a county or province official creates a training course in a short form — its
title, who it is for (toggled with buttons), its sessions (one a line: Jalali date, time, place),
then a summary to confirm. Nothing is saved before the confirm."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.courses.view import (
    DONE,
    AudienceToggle,
    ConfirmCourse,
    CourseForm,
    InviteAudience,
    NewCourse,
    audience_keyboard,
    audience_label,
    confirm_keyboard,
)
from handlers.forms import ask_next, confirmation, pressed, reask
from handlers.keyboards import keyboard
from handlers.menu import AnyMenuPress
from models.identity import Role, ScopeKind
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.errors import TextTooLong, TextTooShort
from services.i18n import BoundTranslator
from services.jalali import format_jalali_numeric, tehran_today
from services.persian import to_persian_digits
from services.training import (
    AUDIENCE_ROLES,
    DEFAULT_MIN_ATTENDANCE,
    MAX_SESSIONS,
    BadSessionLine,
    SessionPlan,
    SessionView,
    clean_title,
    create_course,
    organiser_scopes,
    parse_sessions,
    session_lines,
)
from services.training.courses import place_names


def session_example(t: BoundTranslator, now: datetime) -> str:
    """A session line to copy: a week from today, at 16:30, at the governorate."""
    day = format_jalali_numeric(tehran_today(now) + timedelta(days=7), t.locale)
    hour = to_persian_digits("16:30") if t.locale == "fa" else "16:30"
    return f"{day} {hour} {t('course-example-place')}"


async def start_course(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()
    scopes = organiser_scopes(Actor.from_viewer(viewer))
    if not scopes:
        await message.answer(t("course-not-official"))
        return
    # An official of several places runs the course of the first (a county before a province).
    kind, scope_id = sorted(scopes, key=lambda scope: scope[0] != ScopeKind.COUNTY)[0]
    place = (await place_names(session, {(kind, scope_id)})).get((kind, scope_id), "—")
    await state.set_state(CourseForm.title)
    await state.update_data(scope_kind=kind.value, scope_id=scope_id, place=place, audience=[])
    await message.answer(t("course-ask-title"))


async def new_course_pressed(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    if (message := await pressed(query)) is not None:
        await start_course(message, state, session, viewer, t)


async def got_title(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    try:
        title = clean_title(message.text)
    except TextTooShort as error:
        await reask(message, state, t("course-title-too-short", min=error.minimum))
        return
    except TextTooLong as error:
        await reask(message, state, t("course-title-too-long", length=error.length, max=error.maximum))
        return
    await state.update_data(title=title)
    await state.set_state(CourseForm.audience)
    await message.answer(t("course-ask-audience"), reply_markup=audience_keyboard(t, []))


async def toggle_audience(
    query: CallbackQuery, callback_data: AudienceToggle, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    chosen: list[str] = list((await state.get_data()).get("audience", []))
    if callback_data.role == DONE:
        if not chosen:
            await query.answer(t("course-audience-needed"), show_alert=True)
            return
        if (message := await pressed(query)) is not None:
            await state.set_state(CourseForm.sessions)
            await ask_next(message, t("course-ask-sessions", example=session_example(t, clock())))
        return
    if callback_data.role not in {role.value for role in AUDIENCE_ROLES}:
        await query.answer()  # a forged button: nothing to do
        return
    chosen = (
        [r for r in chosen if r != callback_data.role]
        if callback_data.role in chosen
        else [*chosen, callback_data.role]
    )
    await state.update_data(audience=chosen)
    if (message := await pressed(query)) is not None:
        await message.edit_reply_markup(reply_markup=audience_keyboard(t, chosen))


def _bad_line(t: BoundTranslator, error: BadSessionLine, example: str) -> str:
    return t(f"course-bad-session-{error.reason}", line=error.line, example=example, max=MAX_SESSIONS)


def _plans(data: dict[str, Any]) -> list[SessionPlan]:
    return [SessionPlan(datetime.fromisoformat(when), place) for when, place in data["sessions"]]


def _summary(t: BoundTranslator, data: dict[str, Any]) -> str:
    views = [SessionView(0, n, plan.starts_at, plan.place) for n, plan in enumerate(_plans(data), start=1)]
    return t(
        "course-summary",
        title=data["title"],
        place=data["place"],
        audience=audience_label(t, [Role(r) for r in data["audience"]]),
        sessions=session_lines(t, views),
        share=DEFAULT_MIN_ATTENDANCE,
    )


async def got_sessions(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    now = clock()
    try:
        plans = parse_sessions(message.text or "", now=now)
    except BadSessionLine as error:
        await reask(message, state, _bad_line(t, error, session_example(t, now)))
        return
    await state.update_data(sessions=[(plan.starts_at.isoformat(), plan.place) for plan in plans])
    await state.set_state(CourseForm.confirm)
    await message.answer(_summary(t, await state.get_data()), reply_markup=confirm_keyboard(t))


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmCourse,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    done = await confirmation(query, callback_data.save, state, t, cancelled="course-not-saved")
    if done is None:
        return
    data = done.data
    course = await create_course(
        session,
        actor=Actor.from_viewer(viewer),
        scope_kind=ScopeKind(data["scope_kind"]),
        scope_id=data["scope_id"],
        title=data["title"],
        audience=[Role(r) for r in data["audience"]],
        sessions=_plans(data),
        now=clock(),
    )
    await state.clear()
    await done.message.answer(
        t("course-saved", title=course.title, audience=audience_label(t, course.audience)),
        reply_markup=keyboard([[(t("course-button-invite"), InviteAudience(course_id=course.id).pack())]]),
    )


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.message.register(start_course, Command("new_course"))
    router.callback_query.register(new_course_pressed, NewCourse.filter())
    router.message.register(got_title, StateFilter(CourseForm.title), *typed)
    router.callback_query.register(toggle_audience, StateFilter(CourseForm.audience), AudienceToggle.filter())
    router.message.register(got_sessions, StateFilter(CourseForm.sessions), *typed)
    router.callback_query.register(confirmed, StateFilter(CourseForm.confirm), ConfirmCourse.filter())
    return router
