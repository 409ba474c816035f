"""Attendance with buttons: the organiser opens a session's sheet and presses each participant's
name to mark them present (again to take it back); every press is saved at once, and whoever
reaches the course's share of sessions is told they completed it."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.courses.view import MarkAttendance, TakeAttendance, attendance_keyboard
from handlers.forms import pressed
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime
from services.training import get_attendance_sheet, get_course, record_attendance


async def take_attendance(
    query: CallbackQuery,
    callback_data: TakeAttendance,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    message = await pressed(query)
    sheet = await get_attendance_sheet(
        session, actor=Actor.from_viewer(viewer), session_id=callback_data.session_id
    )
    if message is None:
        return
    if not sheet.lines:
        await message.answer(t("course-attendance-none"))
        return
    await message.answer(
        t(
            "course-ask-attendance",
            number=sheet.session.number,
            when=format_datetime(sheet.session.starts_at, t.locale),
        ),
        reply_markup=attendance_keyboard(t, sheet),
    )


async def mark(
    query: CallbackQuery,
    callback_data: MarkAttendance,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    done = callback_data.person_id == 0
    message = await pressed(query, drop=done)
    sheet = await get_attendance_sheet(session, actor=actor, session_id=callback_data.session_id)
    if done:
        detail = await get_course(session, actor=actor, course_id=sheet.course_id)
        if message is not None:
            await message.answer(
                t(
                    "course-attendance-saved",
                    number=sheet.session.number,
                    present=sum(line.present for line in sheet.lines),
                    completed=len(detail.completed()),
                )
            )
        return
    line = next((line for line in sheet.lines if line.person_id == callback_data.person_id), None)
    if line is None:
        return  # not on this sheet (a forged or stale button)
    await record_attendance(
        session,
        translator,
        actor=actor,
        session_id=sheet.session.id,
        person_id=line.person_id,
        present=not line.present,
        now=clock(),
    )
    sheet = await get_attendance_sheet(session, actor=actor, session_id=sheet.session.id)
    if message is not None:
        # Ticked in place: the same sheet, its buttons redrawn.
        await message.edit_reply_markup(reply_markup=attendance_keyboard(t, sheet))


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(take_attendance, TakeAttendance.filter())
    router.callback_query.register(mark, MarkAttendance.filter())
    return router
