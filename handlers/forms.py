"""The form toolkit: the pieces every multi-step form shares, and its question kept at the bottom.

A form is a `StatesGroup`, one handler per step, and these pieces:

* `pressed(query)`: acknowledge a button and get the message it sits on (`drop=True`: its
  buttons go, so it can't be pressed twice);
* `ask_next(message, text, markup)`: after a pressed button, the next question comes below;
* `reask(message, state, text)`: a wrong answer gets the current question again, at the bottom;
* `confirmation(query, save, state, t)`: the ✅ save / ✖ cancel step at the end;
* `show(message, text, markup)`: redraw in place (paging), or afresh when it can't be edited;
* `stale_buttons(router, *filters, closed=key)`: buttons of a form no longer open say so;
* domain errors (`PermissionDenied`, `TextTooShort`/`TextTooLong`) raised by a service and not
  caught by the step are answered once, in `handlers.errors`, with the right catalog message.

Why a form's question stays at the bottom:

A form asks with buttons (a committee, a calendar, yes/no); a person who types something else
instead must not be told to look for «the buttons above», 2,000 px up. So the form's current
question is remembered, and a wrong answer gets the question again, at the bottom, with its
buttons, under one line saying what was wrong (`reask`); the old copy's buttons are removed, so
only one live question is on screen. Editing in place stays for paging (the calendar's months).

How the question is known without every form saying it: `PromptCapture`, a request middleware
that the first update of each Bot installs on its session, notes each message with inline buttons
sent (or edited) while an update is handled; `PromptMemoryMiddleware`, after the handler, keeps
the last one in the form's FSM data (`PROMPT`) while a form is open. `state.clear()` forgets it
with the rest of the form.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

from bot.platforms import best_effort
from handlers.errors import is_gone
from handlers.keyboards import drop_buttons, message_of
from services.i18n import BoundTranslator

log = logging.getLogger(__name__)

# The FSM data key of the form's current question: {"chat_id", "message_id", "text", "markup"}.
PROMPT = "_prompt"

# What this update sent or edited with inline buttons, in order (None outside an update).
_noted: ContextVar[list[dict[str, Any]] | None] = ContextVar("form_prompts", default=None)


def _markup(value: Any) -> dict[str, Any] | None:
    if isinstance(value, InlineKeyboardMarkup):
        return value.model_dump(mode="json", exclude_none=True)
    return None


class PromptCapture(BaseRequestMiddleware):
    """Notes the messages with inline buttons sent or edited while an update is handled."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        result = await make_request(bot, method)
        noted = _noted.get()
        if noted is None:
            return result
        if isinstance(method, SendMessage) and isinstance(result, Message):
            noted.append(
                {
                    "chat_id": result.chat.id,
                    "message_id": result.message_id,
                    "text": method.text,
                    "markup": _markup(method.reply_markup),
                }
            )
        elif isinstance(method, EditMessageText) and method.message_id is not None:
            noted.append(
                {
                    "chat_id": method.chat_id,
                    "message_id": method.message_id,
                    "text": method.text,
                    "markup": _markup(method.reply_markup),
                }
            )
        elif isinstance(method, EditMessageReplyMarkup) and method.message_id is not None:
            noted.append(
                {
                    "chat_id": method.chat_id,
                    "message_id": method.message_id,
                    "markup": _markup(method.reply_markup),
                }
            )
        return result


def _current(prompt: dict[str, Any] | None, noted: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The question on screen after this update: the last message sent (or rewritten) with
    buttons, as edited since; None once its buttons are gone."""
    for note in noted:
        same = prompt is not None and (str(note["chat_id"]), note["message_id"]) == (
            str(prompt["chat_id"]),
            prompt["message_id"],
        )
        if same:
            assert prompt is not None
            prompt = {**prompt, "markup": note["markup"]}
            if note.get("text") is not None:
                prompt["text"] = note["text"]
        elif note.get("text") is not None and note["markup"]:
            prompt = dict(note)
    return prompt if prompt is not None and prompt.get("markup") else None


class PromptMemoryMiddleware(BaseMiddleware):
    """An outer update middleware after the FSM's: installs `PromptCapture` on the Bot once,
    collects this update's notes, and keeps the form's current question in its data."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot | None = data.get("bot")
        if bot is not None:
            installed = bot.session.middleware
            if not any(isinstance(installed[i], PromptCapture) for i in range(len(installed))):
                installed(PromptCapture())
        noted: list[dict[str, Any]] = []
        token = _noted.set(noted)
        try:
            return await handler(event, data)
        finally:
            _noted.reset(token)
            state: FSMContext | None = data.get("state")
            if noted and state is not None:
                await _remember(state, noted)


async def _remember(state: FSMContext, noted: list[dict[str, Any]]) -> None:
    try:
        if await state.get_state() is None:
            return
        data = await state.get_data()
        before = data.get(PROMPT)
        now = _current(before, noted)
        if now != before:
            await state.update_data({PROMPT: now})
    except Exception:
        # Only the convenience of a re-asked question is lost.
        log.exception("could not remember the form's question")


async def reask(message: Message, state: FSMContext, text: str) -> None:
    """Say what was wrong, and ask the form's question again at the bottom with its buttons (the
    old copy loses its buttons). Without a question with buttons, just say `text`."""
    prompt = (await state.get_data()).get(PROMPT)
    if not prompt or message.bot is None:
        await message.answer(text)
        return
    bot = message.bot
    await best_effort(
        "dropping the old question's buttons",
        lambda: bot.edit_message_reply_markup(
            chat_id=prompt["chat_id"], message_id=prompt["message_id"], reply_markup=None
        ),
    )
    markup = InlineKeyboardMarkup.model_validate(prompt["markup"])
    await message.answer(f"{text}\n\n{prompt['text']}", reply_markup=markup)
    noted = _noted.get()
    if noted:
        # Remembered as the question alone, so a second wrong answer does not repeat the first's note.
        noted[-1]["text"] = prompt["text"]


async def ask_next(message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Go on to the form's next question after a button on `message` was pressed: the pressed
    message keeps its text (what was asked stays readable) and loses its buttons, and the next
    question comes below it. Editing the message into the next question would continue the
    form up the chat; editing is for paging in place."""
    if message.reply_markup is not None and message.bot is not None:
        bot = message.bot
        await best_effort(
            "dropping the answered question's buttons",
            lambda: bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
            ),
        )
    await message.answer(text, reply_markup=reply_markup)


async def pressed(query: CallbackQuery, *, drop: bool = False) -> Message | None:
    """Acknowledge a pressed button (the spinner stops) and return the message it sits on, None
    when that is too old to be known. With `drop`, the message loses its buttons first, so the
    same choice can't be made twice."""
    await query.answer()
    return await drop_buttons(query) if drop else message_of(query)


@dataclass(frozen=True)
class Confirmed:
    """A form's summary confirmed with ✅: the summary message and the form's data."""

    message: Message
    data: dict[str, Any]


async def confirmation(
    query: CallbackQuery,
    save: bool,
    state: FSMContext,
    t: BoundTranslator,
    *,
    cancelled: str = "cancel-done",
) -> Confirmed | None:
    """The last step of a form: its summary with ✅ save and ✖ cancel. The press is acknowledged
    and the summary loses its buttons (a double tap saves once). ✖ ends the form and says
    `cancelled`; ✅ returns what to save, the form still open, so the handler can go back a step
    when saving finds something changed meanwhile, and clears it once saved."""
    message = await pressed(query, drop=True)
    if not save or message is None:
        await state.clear()
        if message is not None:
            await message.answer(t(cancelled))
        return None
    return Confirmed(message, await state.get_data())


async def show(message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer-or-edit: redraw `message` as `text` (a page turned, a list refreshed); one that can no
    longer be edited (too old, deleted) is sent afresh below. Pressing the same page twice is
    harmless (`bot.harmless_refusals`)."""
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as error:
        if not is_gone(error):
            raise
        await message.answer(text, reply_markup=reply_markup)


def stale_buttons(router: Router, *filters: CallbackQueryFilter | Filter, closed: str) -> None:
    """The form's buttons pressed when the form is no longer open (finished, cancelled, replaced
    by another form) answer `closed` and lose their buttons. Register after the form's steps,
    whose state filters make them win while the form is open."""

    async def form_closed(query: CallbackQuery, t: BoundTranslator) -> None:
        await query.answer(t(closed), show_alert=True)
        await drop_buttons(query)

    for button in filters:
        router.callback_query.register(form_closed, button)
