"""What the request flows share: the request form's states and buttons, a request's card as the
tracker sees it (also the inbox's card), the «photos or a location?» question that both the
committee step and the follow-or-new choice lead to, and two refusals said in several places: the
day's requests used up (`daily_limit_text`) and a step the request's status no longer allows
(`not_now_text`). The committee keyboard is `handlers.keyboards.committee_keyboard`."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from handlers.keyboards import keyboard
from services.emergency import emergency_numbers_text
from services.i18n import BoundTranslator
from services.jalali import format_datetime
from services.requests import (
    MAX_PHOTOS,
    DailyLimitReached,
    InvalidTransition,
    RequestStatusView,
    RequestView,
    describe_history,
    describe_request,
    format_tracking_code,
)


class RequestForm(StatesGroup):
    text = State()
    committee = State()
    duplicate = State()
    extras = State()
    privacy = State()


class CommitteePick(CallbackData, prefix="rqc"):
    # "ok" accepts the proposal, "other" shows every committee, else a committee key.
    choice: str


class DuplicateChoice(CallbackData, prefix="rqd"):
    # The id only says which offer the button belongs to: what may be followed is the offer kept
    # in the form's state (`offered`), and the service checks it again.
    follow: bool
    request_id: int


class ExtrasDone(CallbackData, prefix="rqn"):
    pass


class Privacy(CallbackData, prefix="rqp"):
    anonymous: bool


def track_text(t: BoundTranslator, view: RequestView | RequestStatusView) -> str:
    if isinstance(view, RequestStatusView):
        # Not theirs, not followed, not handled by them: the status and the dates, nothing else.
        return t(
            "request-track-public",
            code=format_tracking_code(view.code, t.locale),
            status=t(f"request-status-{view.status.value}"),
            created=format_datetime(view.created_at, t.locale),
            updated=format_datetime(view.updated_at, t.locale),
        )
    history = describe_history(t, view)
    return describe_request(t, view) + (
        "\n\n" + t("request-history-title") + "\n" + history if history else ""
    )


async def ask_extras(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.set_state(RequestForm.extras)
    await message.answer(
        t("request-ask-extras", max=MAX_PHOTOS),
        reply_markup=keyboard([[(t("request-button-next"), ExtrasDone().pack())]]),
    )


def daily_limit_text(t: BoundTranslator, error: DailyLimitReached) -> str:
    """No more requests today, said before the form starts: with the emergency numbers, since an
    emergency can't wait for tomorrow."""
    return t("request-daily-limit", limit=error.limit) + "\n\n" + emergency_numbers_text(t)


def not_now_text(t: BoundTranslator, error: InvalidTransition) -> str:
    """A step the request's status no longer allows (a button pressed twice, or after someone
    else moved it on): the status it has now."""
    return t("request-invalid-state", status=t(f"request-status-{error.status.value}"))
