"""/add_member: registering a council member in a short guided form: name, phone (typed or a
shared contact), position, committees, the head seat of one of them, national code (or skip),
then the summary to save or cancel. Nothing is saved before the ✅."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council.buttons import (
    CommitteeToggle,
    ConfirmMember,
    HeadPick,
    PositionPick,
    SkipNationalCode,
    committees_keyboard,
    confirm_keyboard,
    head_keyboard,
    position_keyboard,
    skip_keyboard,
)
from handlers.council.shared import MemberFormSteps, managed_neighbourhood, summary, typed_name
from handlers.forms import ask_next, confirmation, pressed
from handlers.menu import MenuPress
from handlers.steps import typed_phone
from models.council import CommitteeKey, CouncilPosition
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.council import AlreadyMember, register_member
from services.i18n import BoundTranslator


class AddMember(StatesGroup):
    name = State()
    phone = State()
    position = State()
    committees = State()
    head = State()
    national_code = State()
    confirm = State()


_STEPS = MemberFormSteps(AddMember, "member-bad-national-code", "button-skip")


async def add_member(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    neighbourhood_id = managed_neighbourhood(viewer)
    if neighbourhood_id is None:
        await message.answer(t("council-not-manager"))
        return
    await state.clear()
    await state.set_state(AddMember.name)
    await state.update_data(neighbourhood_id=neighbourhood_id, committees=[])
    await message.answer(t("member-ask-name"))


async def got_name(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (name := await typed_name(message, t)) is None:
        return
    await state.update_data(name=name)
    await state.set_state(AddMember.phone)
    await message.answer(t("member-ask-phone", name=name))


async def got_phone(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (phone := await typed_phone(message, t)) is None:
        return
    data = await state.update_data(phone=phone)
    await state.set_state(AddMember.position)
    await message.answer(t("member-ask-position", name=data["name"]), reply_markup=position_keyboard(t))


async def got_position(
    query: CallbackQuery, callback_data: PositionPick, state: FSMContext, t: BoundTranslator
) -> None:
    data = await state.update_data(position=CouncilPosition(callback_data.value).value)
    await state.set_state(AddMember.committees)
    if (message := await pressed(query)) is not None:
        await ask_next(message, t("member-ask-committees", name=data["name"]), committees_keyboard([], t))


async def toggle_committee(
    query: CallbackQuery, callback_data: CommitteeToggle, state: FSMContext, t: BoundTranslator
) -> None:
    data = await state.get_data()
    selected: list[str] = list(data.get("committees", []))
    message = await pressed(query)
    if callback_data.key == "done":
        if selected:
            await state.set_state(AddMember.head)
            if message is not None:
                await ask_next(message, t("member-ask-head", name=data["name"]), head_keyboard(selected, t))
        else:
            await state.update_data(head_of=None)
            await _ask_national_code(message, state, data["name"], t)
        return
    key = CommitteeKey(callback_data.key).value
    selected = [k for k in selected if k != key] if key in selected else [*selected, key]
    await state.update_data(committees=selected)
    if message is not None:
        await message.edit_reply_markup(reply_markup=committees_keyboard(selected, t))


async def _ask_national_code(
    message: Message | None, state: FSMContext, name: str, t: BoundTranslator
) -> None:
    await state.set_state(AddMember.national_code)
    if message is not None:
        await ask_next(message, t("member-ask-national-code", name=name), skip_keyboard(t))


async def got_head(
    query: CallbackQuery, callback_data: HeadPick, state: FSMContext, t: BoundTranslator
) -> None:
    data = await state.get_data()
    head = None if callback_data.key == "none" else CommitteeKey(callback_data.key).value
    await state.update_data(head_of=head)
    await _ask_national_code(await pressed(query), state, data["name"], t)


async def _show_summary(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.set_state(AddMember.confirm)
    await message.answer(summary(await state.get_data(), t), reply_markup=confirm_keyboard(t))


async def got_national_code(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (code := await _STEPS.typed_national_code(message, t)) is None:
        return
    await state.update_data(national_code=code)
    await _show_summary(message, state, t)


async def skipped_national_code(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
    await state.update_data(national_code=None)
    if (message := await pressed(query, drop=True)) is not None:
        await _show_summary(message, state, t)


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmMember,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if (done := await confirmation(query, callback_data.save, state, t)) is None:
        return
    data = done.data
    await _STEPS.save(
        done,
        state,
        t,
        lambda: register_member(
            session,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=data["neighbourhood_id"],
            full_name=data["name"],
            phone=data["phone"],
            now=clock(),
            position=data["position"],
            committees=data.get("committees", []),
            head_of=data.get("head_of"),
            national_code=data.get("national_code"),
        ),
        saved="member-saved",
        refusals={AlreadyMember: "member-already"},
    )


async def form_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await _STEPS.expects_something_else(message, state, t)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(add_member, MenuPress("add_member"))
    router.message.register(add_member, Command("add_member"))
    router.message.register(got_name, StateFilter(AddMember.name), F.text)
    router.message.register(got_phone, StateFilter(AddMember.phone), F.text | F.contact)
    router.callback_query.register(got_position, StateFilter(AddMember.position), PositionPick.filter())
    router.callback_query.register(
        toggle_committee, StateFilter(AddMember.committees), CommitteeToggle.filter()
    )
    router.callback_query.register(got_head, StateFilter(AddMember.head), HeadPick.filter())
    router.message.register(got_national_code, StateFilter(AddMember.national_code), F.text)
    router.callback_query.register(
        skipped_national_code, StateFilter(AddMember.national_code), SkipNationalCode.filter()
    )
    router.callback_query.register(confirmed, StateFilter(AddMember.confirm), ConfirmMember.filter())
    # After the steps: what none of them takes.
    router.message.register(form_expects_something_else, StateFilter(AddMember))
    return router
