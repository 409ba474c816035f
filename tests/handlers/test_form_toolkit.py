"""The form toolkit (`handlers.forms`) and the one place domain errors are answered
(`handlers.errors`), through the real Dispatcher: a probe router placed first raises or uses them
the way a feature's step would."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.methods.base import Response
from aiogram.types import CallbackQuery, Message

from handlers.errors import DENIED, denied_key
from handlers.forms import confirmation, pressed, show, stale_buttons
from handlers.keyboards import keyboard
from services.authz import PermissionDenied
from services.errors import TextTooLong, TextTooShort
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator
from tests.handlers.conftest import Harness, resident


class Probe(StatesGroup):
    asking = State()
    confirming = State()


class ProbeConfirm(CallbackData, prefix="probe_ok"):
    save: bool


class ProbePick(CallbackData, prefix="probe_pick"):
    value: int


def probe_router(seen: dict[str, Any]) -> Router:
    router = Router(name="probe")

    @router.message(Command("probe_ask"))
    async def ask(message: Message, state: FSMContext) -> None:
        await state.set_state(Probe.asking)
        await message.answer("which one?", reply_markup=keyboard([[("1", ProbePick(value=1).pack())]]))

    @router.message(StateFilter(Probe.asking), F.text == "too long")
    async def too_long(message: Message) -> None:
        raise TextTooLong("probe", length=900, maximum=500)

    @router.message(StateFilter(Probe.asking), F.text == "too short")
    async def too_short(message: Message) -> None:
        raise TextTooShort("probe", minimum=10)

    @router.message(StateFilter(Probe.asking), F.text.startswith("deny "))
    async def deny(message: Message) -> None:
        assert message.text is not None
        raise PermissionDenied(message.text.removeprefix("deny "))

    @router.message(Command("probe_confirm"))
    async def summary(message: Message, state: FSMContext) -> None:
        await state.set_state(Probe.confirming)
        await state.update_data(answer=42)
        await message.answer(
            "save?",
            reply_markup=keyboard(
                [[("✅", ProbeConfirm(save=True).pack()), ("✖", ProbeConfirm(save=False).pack())]]
            ),
        )

    @router.callback_query(StateFilter(Probe.confirming), ProbeConfirm.filter())
    async def confirmed(
        query: CallbackQuery, callback_data: ProbeConfirm, state: FSMContext, t: BoundTranslator
    ) -> None:
        done = await confirmation(query, callback_data.save, state, t)
        seen["confirmed"] = None if done is None else done.data
        if done is not None:
            await state.clear()

    @router.callback_query(StateFilter(Probe.asking), ProbePick.filter())
    async def picked(query: CallbackQuery) -> None:
        message = await pressed(query, drop=True)
        assert message is not None
        await show(message, "page two")

    stale_buttons(router, ProbeConfirm.filter(), ProbePick.filter(), closed="resolution-form-closed")
    return router


@pytest.fixture
def probe(harness: Harness) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    harness.dispatcher.include_router(probe_router(seen))
    # First in the tree, as a feature's own step would win for its own state.
    harness.dispatcher.sub_routers.insert(0, harness.dispatcher.sub_routers.pop())
    return seen


async def state_of(harness: Harness, user_id: int = 42) -> str | None:
    return await harness.dispatcher.fsm.get_context(harness.tg, user_id, user_id).get_state()


def text(harness: Harness, key: str, **args: Any) -> str:
    return harness.translator.get("fa", key, **args)


async def test_a_refusal_is_answered_with_its_areas_message_and_ends_the_form(
    harness: Harness, probe: dict[str, Any]
) -> None:
    await harness.send(harness.updates.message(resident(), text="/probe_ask"))
    await harness.send(harness.updates.message(resident(), text="deny meeting.create"))
    assert harness.last_text() == text(harness, "meeting-not-manager")
    assert await state_of(harness) is None


async def test_a_refusal_of_an_area_without_its_own_message_gets_the_general_one(
    harness: Harness, probe: dict[str, Any]
) -> None:
    await harness.send(harness.updates.message(resident(), text="/probe_ask"))
    await harness.send(harness.updates.message(resident(), text="deny something new"))
    assert harness.last_text() == text(harness, "error-denied")
    assert text(harness, "error-generic") not in harness.tg_session.sent_texts()


async def test_a_text_too_long_says_so_and_asks_the_question_again_with_its_buttons(
    harness: Harness, probe: dict[str, Any]
) -> None:
    await harness.send(harness.updates.message(resident(), text="/probe_ask"))
    await harness.send(harness.updates.message(resident(), text="too long"))
    last = harness.tg_session.requests[-1]
    assert isinstance(last, SendMessage)
    assert last.text.startswith(text(harness, "error-text-too-long", length=900, limit=500))
    assert last.text.endswith("which one?")
    assert last.reply_markup is not None  # the question's buttons, at the bottom again
    assert await state_of(harness) == Probe.asking.state


async def test_a_text_too_short_says_the_minimum(harness: Harness, probe: dict[str, Any]) -> None:
    await harness.send(harness.updates.message(resident(), text="/probe_ask"))
    await harness.send(harness.updates.message(resident(), text="too short"))
    assert text(harness, "error-text-too-short", limit=10) in harness.last_text()
    assert await state_of(harness) == Probe.asking.state


async def test_cancel_ends_the_form_and_save_hands_over_its_data(
    harness: Harness, probe: dict[str, Any]
) -> None:
    await harness.send(harness.updates.message(resident(), text="/probe_confirm"))
    summary = harness.tg_session.last_sent_id
    await harness.send(harness.updates.callback(resident(), ProbeConfirm(save=False).pack(), summary))
    assert probe["confirmed"] is None
    assert harness.last_text() == text(harness, "cancel-done")
    assert await state_of(harness) is None

    await harness.send(harness.updates.message(resident(), text="/probe_confirm"))
    summary = harness.tg_session.last_sent_id
    await harness.send(harness.updates.callback(resident(), ProbeConfirm(save=True).pack(), summary))
    assert probe["confirmed"]["answer"] == 42


async def test_a_closed_forms_button_says_so(harness: Harness, probe: dict[str, Any]) -> None:
    await harness.send(harness.updates.callback(resident(), ProbeConfirm(save=True).pack(), 7))
    answers = [r for r in harness.tg_session.requests if isinstance(r, AnswerCallbackQuery)]
    assert answers[-1].text == text(harness, "resolution-form-closed")
    assert answers[-1].show_alert


async def test_show_sends_afresh_a_message_too_old_to_edit(harness: Harness, probe: dict[str, Any]) -> None:
    await harness.send(harness.updates.message(resident(), text="/probe_ask"))
    question = harness.tg_session.last_sent_id
    # answerCallbackQuery, then dropping the buttons: fine; the edit: the message is gone.
    harness.tg_session.queue(Response[bool](ok=True, result=True))
    harness.tg_session.queue(Response[bool](ok=True, result=True))
    gone = Response[bool](ok=False, error_code=400, description="Bad Request: message to edit not found")
    harness.tg_session.queue(gone)
    await harness.send(harness.updates.callback(resident(), ProbePick(value=1).pack(), question))
    edits = [r for r in harness.tg_session.requests if isinstance(r, EditMessageText)]
    assert [e.text for e in edits] == ["page two"]
    assert harness.last_text() == "page two"
    assert text(harness, "error-generic") not in harness.tg_session.sent_texts()


def test_every_refusal_message_is_in_both_catalogs() -> None:
    translator = Translator()
    keys = {
        *DENIED.values(),
        denied_key("read feed"),
        denied_key("read profile"),
        denied_key("list liaisons"),
    }
    for locale in SUPPORTED_LOCALES:
        for key in keys | {"error-denied", "error-text-too-short", "error-text-too-long"}:
            assert translator.get(locale, key, length=1, limit=1) != key, (locale, key)
