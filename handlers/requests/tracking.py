"""A resident's requests seen from outside the form: /track CODE (or the code asked for), and
📂 «my requests», a list with a button for each request's card. The commands themselves are
registered in `handlers.requests.commands`, before every step."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from handlers.keyboards import keyboard
from handlers.menu import AnyMenuPress
from handlers.requests.shared import track_text
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.requests import (
    TooManyTrackingAttempts,
    UnknownRequest,
    format_tracking_code,
    my_requests,
    parse_tracking_code,
    track_request,
)


class TrackForm(StatesGroup):
    code = State()


class TrackPick(CallbackData, prefix="rqt"):
    code: str


async def show_my_requests(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    """📂: the person's requests, each with a button for its details."""
    await state.clear()
    if viewer.person_id is None:
        await message.answer(t("join-register-first"))
        return
    views = await my_requests(session, person_id=viewer.person_id)
    if not views:
        await message.answer(t("request-my-empty"))
        return
    lines = [t("request-my-title")] + [
        t(
            "request-my-line",
            code=format_tracking_code(v.code, t.locale),
            committee=t(f"committee-{v.committee.value}"),
            status=t(f"request-status-{v.status.value}"),
        )
        for v in views
    ]
    rows = [
        [
            (
                t("request-button-details", code=format_tracking_code(v.code, t.locale)),
                TrackPick(code=v.code).pack(),
            )
        ]
        for v in views
    ]
    await message.answer("\n".join(lines), reply_markup=keyboard(rows))


async def show_tracked(
    message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator, clock: Clock, text: str
) -> None:
    """The card of the request whose code `text` holds, as much of it as this person may see."""
    code = parse_tracking_code(text)
    try:
        if code is None:
            raise UnknownRequest(text)
        view = await track_request(
            session, actor=Actor.from_viewer(viewer), code=code, now=clock(), account_id=viewer.account_id
        )
    except UnknownRequest:
        await message.answer(t("request-track-unknown"))
        return
    except TooManyTrackingAttempts as error:
        await message.answer(t("request-track-too-many", minutes=error.minutes))
        return
    await message.answer(track_text(t, view))


async def track(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    command: CommandObject,
) -> None:
    """/track CODE shows the card; /track alone asks for the code."""
    await state.clear()
    if command.args:
        await show_tracked(message, session, viewer, t, clock, command.args)
        return
    await state.set_state(TrackForm.code)
    await message.answer(t("request-track-ask"))


async def track_code_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    # Something that is not a code keeps the question open for another try.
    if parse_tracking_code(message.text or "") is not None:
        await state.clear()
    await show_tracked(message, session, viewer, t, clock, message.text or "")


async def track_code_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("request-track-ask"))


async def track_picked(
    query: CallbackQuery,
    callback_data: TrackPick,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if (message := await pressed(query)) is not None:
        await show_tracked(message, session, viewer, t, clock, callback_data.code)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        track_code_typed, StateFilter(TrackForm.code), F.text, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.message.register(track_code_expected, StateFilter(TrackForm.code), ~AnyMenuPress())
    router.callback_query.register(track_picked, TrackPick.filter())
    return router
