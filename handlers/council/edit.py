"""Editing a council member from /members' ✏️ button: the same steps and checks as /add_member, one
field at a time. The form starts from the member as they are; each new value leads to the member
as they would be, with what changed, to save, cancel or change something else. Nothing is saved
before the ✅, and then only what changed is sent to the service."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council.buttons import (
    EDITABLE_MEMBER_FIELDS,
    CommitteeToggle,
    ConfirmMember,
    EditField,
    EditMember,
    HeadPick,
    PositionPick,
    SkipNationalCode,
    committees_keyboard,
    confirm_keyboard,
    head_keyboard,
    position_keyboard,
    skip_keyboard,
)
from handlers.council.shared import MemberFormSteps, summary, typed_name
from handlers.forms import confirmation, pressed
from handlers.keyboards import drop_buttons
from handlers.menu import AnyMenuPress
from handlers.steps import typed_phone
from models.council import CommitteeKey, CouncilPosition
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import (
    AlreadyMember,
    MemberInactive,
    MemberView,
    UnknownMember,
    edit_member,
    get_member,
)
from services.i18n import BoundTranslator

# The form's data key of each editable field, and the service's (`edit_member`) argument for it.
_CHANGES = {"name": "full_name", "phone": "phone", "position": "position", "national_code": "national_code"}


class EditMemberForm(StatesGroup):
    field = State()  # choosing what to change (also after each change, via "change something else")
    name = State()
    phone = State()
    position = State()
    committees = State()
    head = State()
    national_code = State()
    confirm = State()


_STEPS = MemberFormSteps(EditMemberForm, "member-edit-bad-national-code", "button-clear-national-code")


def edit_fields_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=t(f"member-field-{field}"), callback_data=EditField(field=field).pack())]
        for field in EDITABLE_MEMBER_FIELDS
    ]
    rows.append(
        [InlineKeyboardButton(text=t("button-cancel"), callback_data=EditField(field="cancel").pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def edit_confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    more = InlineKeyboardButton(text=t("button-edit-more"), callback_data=EditField(field="more").pack())
    return InlineKeyboardMarkup(inline_keyboard=[*confirm_keyboard(t).inline_keyboard, [more]])


def member_form_data(member: MemberView) -> dict[str, Any]:
    """The edit form starts from the member as they are, in the shape /add_member's form fills."""
    return {
        "member_id": member.id,
        "neighbourhood_id": member.neighbourhood_id,
        "name": member.full_name or "—",
        "phone": member.phone,
        "position": member.position.value,
        "committees": [seat.committee.value for seat in member.committees],
        "head_of": member.heads[0].value if member.heads else None,
        "national_code": member.national_code,
        "changed": [],
    }


def member_changes(data: dict[str, Any]) -> dict[str, Any]:
    """What the form changed, as `edit_member`'s arguments; the rest stays as the service has it
    (KEEP). The committees and the head seat go together."""
    changed = set(data.get("changed", []))
    changes = {argument: data[field] for field, argument in _CHANGES.items() if field in changed}
    if "committees" in changed:
        changes["committees"], changes["head_of"] = data["committees"], data["head_of"]
    return changes


async def edit_open(
    query: CallbackQuery,
    callback_data: EditMember,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    # Asked of the service first, so a forged or stale button opens nothing.
    try:
        member = await get_member(session, actor=Actor.from_viewer(viewer), member_id=callback_data.member_id)
    except PermissionDenied:
        # On the button itself, unlike handlers.errors' answer below it.
        await query.answer(t("council-not-manager"), show_alert=True)
        return
    except UnknownMember:
        await query.answer(t("member-edit-unavailable"), show_alert=True)
        return
    if not member.active:
        await query.answer(t("member-edit-unavailable"), show_alert=True)
        return
    message = await pressed(query)
    await state.clear()
    await state.set_state(EditMemberForm.field)
    data = await state.update_data(member_form_data(member))
    if message is not None:
        await message.answer(t("member-edit-choose", name=data["name"]), reply_markup=edit_fields_keyboard(t))


async def edit_choose_field(
    query: CallbackQuery, callback_data: EditField, state: FSMContext, t: BoundTranslator
) -> None:
    data = await state.get_data()
    name, field = data["name"], callback_data.field
    message = await pressed(query, drop=True)
    if field == "cancel":
        await state.clear()
        if message is not None:
            await message.answer(t("cancel-done"))
        return
    if field not in EDITABLE_MEMBER_FIELDS:  # "more": back to the choice
        await state.set_state(EditMemberForm.field)
        if message is not None:
            await message.answer(t("member-edit-choose", name=name), reply_markup=edit_fields_keyboard(t))
        return
    question, keyboard = await _ask_field(field, data, state, t)
    if message is not None:
        await message.answer(question, reply_markup=keyboard)


async def _ask_field(
    field: str, data: dict[str, Any], state: FSMContext, t: BoundTranslator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Go to the step that changes `field`; its question and buttons."""
    name = data["name"]
    if field == "name":
        await state.set_state(EditMemberForm.name)
        return t("member-edit-ask-name", name=name), None
    if field == "phone":
        await state.set_state(EditMemberForm.phone)
        return t("member-ask-phone", name=name), None
    if field == "position":
        await state.set_state(EditMemberForm.position)
        return t("member-ask-position", name=name), position_keyboard(t)
    if field == "committees":
        # Toggled apart from the member's committees, so that leaving half-way changes nothing.
        picked = list(data.get("committees", []))
        await state.update_data(picked=picked)
        await state.set_state(EditMemberForm.committees)
        return t("member-ask-committees", name=name), committees_keyboard(picked, t)
    await state.set_state(EditMemberForm.national_code)
    return t("member-edit-ask-national-code", name=name), skip_keyboard(t, "button-clear-national-code")


async def _edit_summary(
    message: Message, state: FSMContext, t: BoundTranslator, field: str, **values: Any
) -> None:
    """Keep the new value (nothing is saved yet) and show the member as they would be."""
    changed = list((await state.get_data()).get("changed", []))
    if field not in changed:
        changed.append(field)
    data = await state.update_data(changed=changed, **values)
    await state.set_state(EditMemberForm.confirm)
    fields = t.join(t(f"member-field-{f}") for f in changed)
    await message.answer(
        summary(data, t) + "\n\n" + t("member-edit-changed", fields=fields),
        reply_markup=edit_confirm_keyboard(t),
    )


async def edit_got_name(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (name := await typed_name(message, t)) is None:
        return
    await _edit_summary(message, state, t, "name", name=name)


async def edit_got_phone(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (phone := await typed_phone(message, t)) is None:
        return
    await _edit_summary(message, state, t, "phone", phone=phone)


async def edit_got_position(
    query: CallbackQuery, callback_data: PositionPick, state: FSMContext, t: BoundTranslator
) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        position = CouncilPosition(callback_data.value).value
        await _edit_summary(message, state, t, "position", position=position)


async def edit_toggle_committee(
    query: CallbackQuery, callback_data: CommitteeToggle, state: FSMContext, t: BoundTranslator
) -> None:
    data = await state.get_data()
    picked: list[str] = list(data.get("picked", []))
    if (message := await pressed(query)) is None:
        return
    if callback_data.key == "done":
        await drop_buttons(query)
        if picked:
            await state.set_state(EditMemberForm.head)
            await message.answer(
                t("member-ask-head", name=data["name"]), reply_markup=head_keyboard(picked, t)
            )
        else:
            await _edit_summary(message, state, t, "committees", committees=[], head_of=None)
        return
    key = CommitteeKey(callback_data.key).value
    picked = [k for k in picked if k != key] if key in picked else [*picked, key]
    await state.update_data(picked=picked)
    await message.edit_reply_markup(reply_markup=committees_keyboard(picked, t))


async def edit_got_head(
    query: CallbackQuery, callback_data: HeadPick, state: FSMContext, t: BoundTranslator
) -> None:
    data = await state.get_data()
    picked: list[str] = list(data.get("picked", data.get("committees", [])))
    head = None if callback_data.key == "none" else CommitteeKey(callback_data.key).value
    if (message := await pressed(query, drop=True)) is not None:
        await _edit_summary(message, state, t, "committees", committees=picked, head_of=head)


async def edit_got_national_code(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if (code := await _STEPS.typed_national_code(message, t)) is None:
        return
    await _edit_summary(message, state, t, "national_code", national_code=code)


async def edit_cleared_national_code(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        await _edit_summary(message, state, t, "national_code", national_code=None)


async def edit_confirmed(
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
    try:
        await _STEPS.save(
            done,
            state,
            t,
            lambda: edit_member(
                session,
                actor=Actor.from_viewer(viewer),
                member_id=data["member_id"],
                now=clock(),
                **member_changes(data),
            ),
            saved="member-edited",
            refusals={MemberInactive: "member-edit-unavailable", UnknownMember: "member-edit-unavailable"},
        )
    except AlreadyMember:
        # The new phone is another member's: back to the phone step, the rest of the form kept.
        await state.set_state(EditMemberForm.phone)
        await done.message.answer(t("member-edit-phone-taken"))


async def edit_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await _STEPS.expects_something_else(message, state, t)


def setup() -> Router:
    router = Router(name=__name__)
    # Commands and menu buttons typed in the form go on to their own routers.
    typed = (~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(edit_open, EditMember.filter())
    router.callback_query.register(edit_choose_field, StateFilter(EditMemberForm), EditField.filter())
    router.message.register(edit_got_name, StateFilter(EditMemberForm.name), F.text, *typed)
    router.message.register(edit_got_phone, StateFilter(EditMemberForm.phone), F.text | F.contact, *typed)
    router.callback_query.register(
        edit_got_position, StateFilter(EditMemberForm.position), PositionPick.filter()
    )
    router.callback_query.register(
        edit_toggle_committee, StateFilter(EditMemberForm.committees), CommitteeToggle.filter()
    )
    router.callback_query.register(edit_got_head, StateFilter(EditMemberForm.head), HeadPick.filter())
    router.message.register(edit_got_national_code, StateFilter(EditMemberForm.national_code), F.text, *typed)
    router.callback_query.register(
        edit_cleared_national_code, StateFilter(EditMemberForm.national_code), SkipNationalCode.filter()
    )
    router.callback_query.register(
        edit_confirmed, StateFilter(EditMemberForm.confirm), ConfirmMember.filter()
    )
    # After the steps: anything else typed in the form is answered here.
    router.message.register(edit_expects_something_else, StateFilter(EditMemberForm), *typed)
    return router
