"""Forms keep their question at the bottom of the chat.

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
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.fsm.context import FSMContext
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import InlineKeyboardMarkup, Message, TelegramObject

from bot.platforms import best_effort

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
