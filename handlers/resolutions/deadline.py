"""The deadline step of the add-resolution form: a date typed in any digits or picked from the
Jalali calendar; an impossible one is refused with the limit, and one before today or before the
meeting is not taken silently: a warning names the reason and asks to keep it or choose another
(`ResolutionForm.deadline_doubt`), always at the bottom of the chat, the previous warning's
buttons removed."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.forms import pressed, reask
from handlers.jalali_calendar import CalendarPress, calendar_for, picked_date
from handlers.menu import AnyMenuPress
from handlers.resolutions.keyboards import (
    DEADLINE_CALENDAR,
    DeadlineDoubtAnswer,
    deadline_doubt_keyboard,
    priority_keyboard,
)
from handlers.resolutions.states import ResolutionForm
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import (
    DateParseError,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali_date,
    tehran_today,
)
from services.resolutions import (
    DateOutOfRange,
    DeadlineDoubt,
    DeadlineDoubtReason,
    check_deadline,
    doubt_deadline,
)


def deadline_doubt_text(t: BoundTranslator, doubt: DeadlineDoubt) -> str:
    """The warning: the date, why it looks mistaken (named with the date it is compared with),
    and the question."""
    key = (
        "resolution-deadline-doubt-before-meeting"
        if doubt.reason is DeadlineDoubtReason.BEFORE_MEETING
        else "resolution-deadline-doubt-past"
    )
    return (
        t(
            key,
            deadline=format_jalali_date(doubt.deadline, t.locale),
            date=format_jalali_date(doubt.compared_with, t.locale),
        )
        + "\n"
        + t("resolution-deadline-doubt-question")
    )


async def ask_deadline(message: Message, state: FSMContext, t: BoundTranslator, today: date) -> None:
    await state.set_state(ResolutionForm.deadline)
    await message.answer(
        t("resolution-ask-deadline", example=format_jalali_numeric(today, t.locale)),
        reply_markup=calendar_for(t, today, purpose=DEADLINE_CALENDAR),
    )


async def deadline_chosen(
    message: Message, state: FSMContext, t: BoundTranslator, deadline: date, today: date
) -> None:
    """A date typed or picked: refused when impossible, questioned when before today or the
    meeting, else taken (a warning still waiting then loses its buttons)."""
    try:
        check_deadline(deadline, today)
    except DateOutOfRange as error:
        key = "resolution-deadline-too-old" if error.reason == "past" else "resolution-deadline-too-far"
        await message.answer(t(key, limit=format_jalali_date(error.limit, t.locale)))
        return
    await retire_doubt(message, state)
    held_on = (await state.get_data()).get("meeting_held_on")
    doubt = doubt_deadline(deadline, today, date.fromisoformat(held_on) if held_on else None)
    if doubt is not None:
        await warn_of_deadline(message, state, t, doubt)
        return
    await deadline_taken(message, state, t, deadline)


async def deadline_taken(message: Message, state: FSMContext, t: BoundTranslator, deadline: date) -> None:
    await state.update_data(deadline=deadline.isoformat(), doubtful_deadline=None)
    await state.set_state(ResolutionForm.priority)
    await message.answer(
        t("resolution-ask-priority", deadline=format_jalali_date(deadline, t.locale)),
        reply_markup=priority_keyboard(t),
    )


async def warn_of_deadline(
    message: Message, state: FSMContext, t: BoundTranslator, doubt: DeadlineDoubt
) -> None:
    """Ask whether a doubtful deadline is meant, at the bottom of the chat (an earlier warning
    loses its buttons)."""
    await retire_doubt(message, state)
    await state.set_state(ResolutionForm.deadline_doubt)
    sent = await message.answer(deadline_doubt_text(t, doubt), reply_markup=deadline_doubt_keyboard(t))
    await state.update_data(
        doubtful_deadline=doubt.deadline.isoformat(),
        doubt_reason=doubt.reason.value,
        doubt_compared_with=doubt.compared_with.isoformat(),
        doubt_message_id=sent.message_id,
    )


async def warn_again(message: Message, state: FSMContext, t: BoundTranslator) -> bool:
    """The pending warning asked again below; False when none is pending."""
    data = await state.get_data()
    if not data.get("doubtful_deadline"):
        return False
    doubt = DeadlineDoubt(
        DeadlineDoubtReason(data["doubt_reason"]),
        date.fromisoformat(data["doubtful_deadline"]),
        date.fromisoformat(data["doubt_compared_with"]),
    )
    await warn_of_deadline(message, state, t, doubt)
    return True


async def retire_doubt(message: Message, state: FSMContext) -> None:
    """Take the buttons off the pending warning, if any (another date was typed or picked, or
    the warning is asked again below)."""
    data = await state.get_data()
    warning = data.get("doubt_message_id")
    if not warning:
        return
    await state.update_data(doubt_message_id=None)
    if message.bot is None:
        return
    try:
        await message.bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=warning, reply_markup=None
        )
    except TelegramBadRequest:  # too old to edit, or already without buttons
        pass


async def deadline_typed(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    # While a warning waits, a date typed is simply another choice; other words ask it again.
    today = tehran_today(clock())
    try:
        deadline = parse_jalali_date(message.text or "")
    except DateParseError as error:
        if await state.get_state() == ResolutionForm.deadline_doubt.state and await warn_again(
            message, state, t
        ):
            return
        # The calendar again, at the bottom, under what was wrong.
        await reask(
            message,
            state,
            t(f"resolution-bad-date-{error.reason}", example=format_jalali_numeric(today, t.locale)),
        )
        return
    await deadline_chosen(message, state, t, deadline, today)


async def deadline_picked(
    query: CallbackQuery,
    callback_data: CalendarPress,
    state: FSMContext,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    message = await pressed(query)
    try:
        deadline = picked_date(callback_data)
    except ValueError:
        return
    if message is not None:
        await deadline_chosen(message, state, t, deadline, tehran_today(clock()))


async def deadline_doubt_answered(
    query: CallbackQuery,
    callback_data: DeadlineDoubtAnswer,
    state: FSMContext,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    message = await pressed(query, drop=True)
    data = await state.update_data(doubt_message_id=None)
    if message is None:
        return
    doubtful = data.get("doubtful_deadline")
    if callback_data.keep and doubtful:
        await deadline_taken(message, state, t, date.fromisoformat(doubtful))
    else:
        await ask_deadline(message, state, t, tehran_today(clock()))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        deadline_typed,
        StateFilter(ResolutionForm.deadline, ResolutionForm.deadline_doubt),
        F.text,
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    router.callback_query.register(
        deadline_picked,
        StateFilter(ResolutionForm.deadline, ResolutionForm.deadline_doubt),
        CalendarPress.filter((F.action == "day") & (F.purpose == DEADLINE_CALENDAR)),
    )
    router.callback_query.register(
        deadline_doubt_answered, StateFilter(ResolutionForm.deadline_doubt), DeadlineDoubtAnswer.filter()
    )
    return router
