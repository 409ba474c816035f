"""Anything else sent in the middle of the course form (what the step expects, or its question
again), and the form's buttons pressed once it is closed. Included after the steps, whose state
filters make them win while the form is open."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.courses.form import session_example
from handlers.courses.view import AudienceToggle, ConfirmCourse, CourseForm
from handlers.forms import reask, stale_buttons
from handlers.menu import AnyMenuPress
from services.clock import Clock
from services.i18n import BoundTranslator


async def form_expects_something_else(
    message: Message, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    current = await state.get_state()
    if current == CourseForm.title.state:
        await reask(message, state, t("course-title-expected"))
    elif current == CourseForm.sessions.state:
        await reask(message, state, t("course-sessions-expected", example=session_example(t, clock())))
    else:
        await reask(message, state, t("course-use-buttons"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        form_expects_something_else, StateFilter(CourseForm), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    stale_buttons(router, AudienceToggle.filter(), ConfirmCourse.filter(), closed="course-form-closed")
    return router
