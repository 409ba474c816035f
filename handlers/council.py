"""The manager's council tools: /add_member (a short guided form), /members (the list, committee
staffing, editing a member in a form like /add_member's, and deactivation) and /invite (a council
invitation and the residents' joining link)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import ask_next, reask
from handlers.keyboards import message_of
from handlers.menu import AnyMenuPress, MenuPress
from handlers.poster import poster_keyboard
from models.council import CommitteeKey, CouncilPosition
from models.identity import Role, ScopeKind
from services.accounts import Viewer, display_phone
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import (
    INVITATION_DEFAULT_VALIDITY,
    AlreadyMember,
    HeadSeatTaken,
    MemberInactive,
    MemberView,
    PositionTaken,
    UnknownMember,
    committee_staffing,
    create_invitation,
    deactivate_member,
    edit_member,
    get_member,
    list_members,
    register_member,
)
from services.i18n import BoundTranslator
from services.identity_validation import (
    InvalidNationalCode,
    InvalidPhone,
    normalize_mobile,
    normalize_national_code,
)
from services.jalali import format_datetime
from services.persian import normalize_text
from services.regions import neighbourhood_code, neighbourhood_name
from services.residents import INVITATION_LINK_PREFIX, NEIGHBOURHOOD_LINK_PREFIX

NAME_LIMIT = 100
# What the edit form can change, in the order of its buttons ("committees" includes the head seat).
EDITABLE_MEMBER_FIELDS = ("name", "phone", "position", "committees", "national_code")

DeepLink = Callable[[str], Awaitable[str]]


class AddMember(StatesGroup):
    name = State()
    phone = State()
    position = State()
    committees = State()
    head = State()
    national_code = State()
    confirm = State()


class EditMemberForm(StatesGroup):
    field = State()  # choosing what to change (also after each change, via "change something else")
    name = State()
    phone = State()
    position = State()
    committees = State()
    head = State()
    national_code = State()
    confirm = State()


class PositionPick(CallbackData, prefix="cm_pos"):
    value: str


class CommitteeToggle(CallbackData, prefix="cm_com"):
    key: str  # a committee key, or "done"


class HeadPick(CallbackData, prefix="cm_head"):
    key: str  # a committee key, or "none"


class SkipNationalCode(CallbackData, prefix="cm_nc"):
    pass


class ConfirmMember(CallbackData, prefix="cm_ok"):
    save: bool


class DeactivateMember(CallbackData, prefix="cm_off"):
    member_id: int


class EditMember(CallbackData, prefix="cm_edit"):
    member_id: int


class EditField(CallbackData, prefix="cm_fld"):
    field: str  # one of EDITABLE_MEMBER_FIELDS, "more" (back to the choice) or "cancel"


def managed_neighbourhood(viewer: Viewer) -> int | None:
    """The neighbourhood this person manages (the first, if several)."""
    for grant in viewer.roles:
        if grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD:
            return grant.scope_id
    return None


def member_name(text: str) -> str | None:
    """A person's name as typed, normalised (Arabic letters, spaces); None if it cannot be one."""
    name = normalize_text(text)
    if len(name) < 2 or len(name) > NAME_LIMIT or name.startswith("/") or not any(c.isalpha() for c in name):
        return None
    return name


def _committee_names(keys: list[str], t: BoundTranslator) -> str:
    return t.join(t(f"committee-{key}") for key in keys) if keys else t("member-none")


def position_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t(f"position-{p.value}"), callback_data=PositionPick(value=p.value).pack()
                )
            ]
            for p in CouncilPosition
        ]
    )


def committees_keyboard(selected: list[str], t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if c.value in selected else "") + t(f"committee-{c.value}"),
                callback_data=CommitteeToggle(key=c.value).pack(),
            )
        ]
        for c in CommitteeKey
    ]
    rows.append(
        [InlineKeyboardButton(text=t("button-continue"), callback_data=CommitteeToggle(key="done").pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def head_keyboard(selected: list[str], t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=t(f"committee-{key}"), callback_data=HeadPick(key=key).pack())]
        for key in selected
    ]
    rows.append([InlineKeyboardButton(text=t("button-no-head"), callback_data=HeadPick(key="none").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def skip_keyboard(t: BoundTranslator, label: str = "button-skip") -> InlineKeyboardMarkup:
    """No national code: skipped when adding a member, removed when editing one."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t(label), callback_data=SkipNationalCode().pack())]]
    )


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=t("button-save"), callback_data=ConfirmMember(save=True).pack()),
                InlineKeyboardButton(text=t("button-cancel"), callback_data=ConfirmMember(save=False).pack()),
            ]
        ]
    )


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


def summary(data: dict[str, Any], t: BoundTranslator) -> str:
    head = data.get("head_of")
    return t(
        "member-summary",
        name=data["name"],
        phone=display_phone(data["phone"]),
        position=t(f"position-{data['position']}"),
        committees=_committee_names(data.get("committees", []), t),
        head=t(f"committee-{head}") if head else t("member-none"),
        code=data.get("national_code") or t("member-none"),
    )


def member_line(member: MemberView, t: BoundTranslator) -> str:
    seats = [
        t(f"committee-{seat.committee.value}") + (" " + t("member-head-mark") if seat.is_head else "")
        for seat in member.committees
    ]
    committees = (" — " + t.join(seats)) if seats else ""
    position = t(f"position-{member.position.value}")
    name = member.full_name or "—"
    if member.phone:
        return t(
            "member-line-phone",
            name=name,
            position=position,
            committees=committees,
            phone=display_phone(member.phone),
        )
    return t("member-line", name=name, position=position, committees=committees)


async def reopen_seat_choice(
    taken: HeadSeatTaken | PositionTaken,
    message: Message | None,
    state: FSMContext,
    committees: list[str],
    t: BoundTranslator,
    form: type[AddMember] | type[EditMemberForm],
) -> None:
    """Someone else holds the head seat or position asked for: back to that choice, with the rest
    of the form (adding or editing) kept as it was."""
    if isinstance(taken, HeadSeatTaken):
        await state.set_state(form.head)
        text = t(
            "member-head-taken",
            committee=t(f"committee-{taken.committee.value}"),
            holder=taken.holder_name or "—",
        )
        keyboard = head_keyboard(committees, t)
    else:
        await state.set_state(form.position)
        text = t(
            "member-position-taken",
            position=t(f"position-{taken.position.value}"),
            holder=taken.holder_name or "—",
        )
        keyboard = position_keyboard(t)
    if message is not None:
        await message.answer(text, reply_markup=keyboard)


def setup() -> Router:
    router = Router(name=__name__)

    # Commands first, so they work in the middle of a form.
    @router.message(Command("members"))
    @router.message(MenuPress("members"))
    async def members(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await state.clear()  # a command ends whatever form was open
        neighbourhood_id = managed_neighbourhood(viewer)
        if neighbourhood_id is None:
            await message.answer(t("council-not-manager"))
            return
        actor = Actor.from_viewer(viewer)
        try:
            council = await list_members(session, actor=actor, neighbourhood_id=neighbourhood_id)
            staffing = await committee_staffing(session, actor, neighbourhood_id)
        except PermissionDenied:
            await message.answer(t("council-not-manager"))
            return
        lines = [t("members-title", name=await neighbourhood_name(session, neighbourhood_id))]
        lines += [member_line(m, t) for m in council] or [t("members-empty")]
        lines += ["", t("staffing-title")]
        lines += [
            t(
                "staffing-line",
                committee=t(f"committee-{s.committee.value}"),
                head=s.head_name or t("staffing-no-head"),
                count=s.members,
            )
            for s in staffing
        ]
        buttons = [
            [
                InlineKeyboardButton(
                    text=t("button-edit", name=m.full_name or "—"),
                    callback_data=EditMember(member_id=m.id).pack(),
                ),
                InlineKeyboardButton(
                    text=t("button-deactivate", name=m.full_name or "—"),
                    callback_data=DeactivateMember(member_id=m.id).pack(),
                ),
            ]
            for m in council
        ]
        await message.answer(
            "\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None
        )

    @router.callback_query(DeactivateMember.filter())
    async def deactivate(
        query: CallbackQuery,
        callback_data: DeactivateMember,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        try:
            member = await deactivate_member(
                session, actor=Actor.from_viewer(viewer), member_id=callback_data.member_id, now=clock()
            )
        except PermissionDenied:
            await query.answer(t("council-not-manager"), show_alert=True)
            return
        await query.answer()
        if (message := message_of(query)) is not None:
            await message.answer(t("member-deactivated", name=member.full_name or "—"))

    @router.message(Command("invite"))
    @router.message(MenuPress("invite"))
    async def invite(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
        deep_link: DeepLink,
    ) -> None:
        await state.clear()  # a command ends whatever form was open
        neighbourhood_id = managed_neighbourhood(viewer)
        if neighbourhood_id is None:
            await message.answer(t("council-not-manager"))
            return
        now = clock()
        try:
            token = await create_invitation(
                session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id, now=now
            )
        except PermissionDenied:
            await message.answer(t("council-not-manager"))
            return
        code = await neighbourhood_code(session, neighbourhood_id)
        await message.answer(
            t(
                "invite-created",
                name=await neighbourhood_name(session, neighbourhood_id),
                expires=format_datetime(now + INVITATION_DEFAULT_VALIDITY, t.locale),
                link=await deep_link(f"{INVITATION_LINK_PREFIX}{token}"),
                resident_link=await deep_link(f"{NEIGHBOURHOOD_LINK_PREFIX}{code}"),
            ),
            # Under the residents' link: the same link as a QR poster to print.
            reply_markup=poster_keyboard(neighbourhood_id, t),
        )

    @router.message(Command("add_member"))
    @router.message(MenuPress("add_member"))
    async def add_member(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        neighbourhood_id = managed_neighbourhood(viewer)
        if neighbourhood_id is None:
            await message.answer(t("council-not-manager"))
            return
        await state.clear()
        await state.set_state(AddMember.name)
        await state.update_data(neighbourhood_id=neighbourhood_id, committees=[])
        await message.answer(t("member-ask-name"))

    @router.message(StateFilter(AddMember.name), F.text)
    async def got_name(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        name = member_name(message.text or "")
        if name is None:
            await message.answer(t("member-bad-name", limit=NAME_LIMIT))
            return
        await state.update_data(name=name)
        await state.set_state(AddMember.phone)
        await message.answer(t("member-ask-phone", name=name))

    @router.message(StateFilter(AddMember.phone), F.text | F.contact)
    async def got_phone(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        raw = message.contact.phone_number if message.contact else (message.text or "")
        try:
            phone = normalize_mobile(raw)
        except InvalidPhone:
            await message.answer(t("member-bad-phone"))
            return
        data = await state.update_data(phone=phone)
        await state.set_state(AddMember.position)
        await message.answer(t("member-ask-position", name=data["name"]), reply_markup=position_keyboard(t))

    @router.callback_query(StateFilter(AddMember.position), PositionPick.filter())
    async def got_position(
        query: CallbackQuery, callback_data: PositionPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.update_data(position=CouncilPosition(callback_data.value).value)
        await state.set_state(AddMember.committees)
        await query.answer()
        if (message := message_of(query)) is not None:
            await ask_next(message, t("member-ask-committees", name=data["name"]), committees_keyboard([], t))

    @router.callback_query(StateFilter(AddMember.committees), CommitteeToggle.filter())
    async def toggle_committee(
        query: CallbackQuery, callback_data: CommitteeToggle, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        selected: list[str] = list(data.get("committees", []))
        message = message_of(query)
        await query.answer()
        if callback_data.key == "done":
            if selected:
                await state.set_state(AddMember.head)
                if message is not None:
                    await ask_next(
                        message, t("member-ask-head", name=data["name"]), head_keyboard(selected, t)
                    )
            else:
                await state.update_data(head_of=None)
                await ask_national_code(message, state, data["name"], t)
            return
        key = CommitteeKey(callback_data.key).value
        selected = [k for k in selected if k != key] if key in selected else [*selected, key]
        await state.update_data(committees=selected)
        if message is not None:
            await message.edit_reply_markup(reply_markup=committees_keyboard(selected, t))

    async def ask_national_code(
        message: Message | None, state: FSMContext, name: str, t: BoundTranslator
    ) -> None:
        await state.set_state(AddMember.national_code)
        if message is not None:
            await ask_next(message, t("member-ask-national-code", name=name), skip_keyboard(t))

    @router.callback_query(StateFilter(AddMember.head), HeadPick.filter())
    async def got_head(
        query: CallbackQuery, callback_data: HeadPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        head = None if callback_data.key == "none" else CommitteeKey(callback_data.key).value
        await state.update_data(head_of=head)
        await query.answer()
        await ask_national_code(message_of(query), state, data["name"], t)

    async def show_summary(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(AddMember.confirm)
        await message.answer(summary(await state.get_data(), t), reply_markup=confirm_keyboard(t))

    @router.message(StateFilter(AddMember.national_code), F.text)
    async def got_national_code(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            code = normalize_national_code(message.text or "")
        except InvalidNationalCode:
            await message.answer(t("member-bad-national-code"), reply_markup=skip_keyboard(t))
            return
        await state.update_data(national_code=code)
        await show_summary(message, state, t)

    @router.callback_query(StateFilter(AddMember.national_code), SkipNationalCode.filter())
    async def skipped_national_code(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
        await state.update_data(national_code=None)
        await query.answer()
        if (message := message_of(query)) is not None:
            await message.edit_reply_markup(reply_markup=None)
            await show_summary(message, state, t)

    @router.callback_query(StateFilter(AddMember.confirm), ConfirmMember.filter())
    async def confirmed(
        query: CallbackQuery,
        callback_data: ConfirmMember,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        data = await state.get_data()
        message = message_of(query)
        await query.answer()
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
        if not callback_data.save:
            await state.clear()
            if message is not None:
                await message.answer(t("cancel-done"))
            return
        reply: str
        try:
            member = await register_member(
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
            )
        except (HeadSeatTaken, PositionTaken) as taken:
            await reopen_seat_choice(taken, message, state, data.get("committees", []), t, AddMember)
            return
        except AlreadyMember:
            reply = t("member-already")
        except PermissionDenied:
            reply = t("council-not-manager")
        else:
            reply = t("member-saved", name=member.full_name or data["name"])
        await state.clear()
        if message is not None:
            await message.answer(reply)

    @router.message(StateFilter(AddMember))
    async def form_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        current = await state.get_state()
        if current == AddMember.name.state:
            await message.answer(t("member-bad-name", limit=NAME_LIMIT))
        elif current == AddMember.phone.state:
            await message.answer(t("member-bad-phone"))
        elif current == AddMember.national_code.state:
            await message.answer(t("member-bad-national-code"), reply_markup=skip_keyboard(t))
        else:
            await reask(message, state, t("council-use-buttons"))

    # ---- editing a member: the same steps and checks as /add_member, one field at a time ----

    @router.callback_query(EditMember.filter())
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
            member = await get_member(
                session, actor=Actor.from_viewer(viewer), member_id=callback_data.member_id
            )
        except PermissionDenied:
            await query.answer(t("council-not-manager"), show_alert=True)
            return
        except UnknownMember:
            await query.answer(t("member-edit-unavailable"), show_alert=True)
            return
        if not member.active:
            await query.answer(t("member-edit-unavailable"), show_alert=True)
            return
        await query.answer()
        await state.clear()
        await state.set_state(EditMemberForm.field)
        data = await state.update_data(member_form_data(member))
        if (message := message_of(query)) is not None:
            await message.answer(
                t("member-edit-choose", name=data["name"]), reply_markup=edit_fields_keyboard(t)
            )

    @router.callback_query(StateFilter(EditMemberForm), EditField.filter())
    async def edit_choose_field(
        query: CallbackQuery, callback_data: EditField, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        name, field = data["name"], callback_data.field
        message = message_of(query)
        await query.answer()
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
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
        question: str
        keyboard: InlineKeyboardMarkup | None = None
        if field == "name":
            await state.set_state(EditMemberForm.name)
            question = t("member-edit-ask-name", name=name)
        elif field == "phone":
            await state.set_state(EditMemberForm.phone)
            question = t("member-ask-phone", name=name)
        elif field == "position":
            await state.set_state(EditMemberForm.position)
            question, keyboard = t("member-ask-position", name=name), position_keyboard(t)
        elif field == "committees":
            # Toggled apart from the member's committees, so that leaving half-way changes nothing.
            picked = list(data.get("committees", []))
            await state.update_data(picked=picked)
            await state.set_state(EditMemberForm.committees)
            question, keyboard = t("member-ask-committees", name=name), committees_keyboard(picked, t)
        else:
            await state.set_state(EditMemberForm.national_code)
            question = t("member-edit-ask-national-code", name=name)
            keyboard = skip_keyboard(t, "button-clear-national-code")
        if message is not None:
            await message.answer(question, reply_markup=keyboard)

    async def edit_summary(
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

    @router.message(StateFilter(EditMemberForm.name), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def edit_got_name(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        name = member_name(message.text or "")
        if name is None:
            await message.answer(t("member-bad-name", limit=NAME_LIMIT))
            return
        await edit_summary(message, state, t, "name", name=name)

    @router.message(
        StateFilter(EditMemberForm.phone), F.text | F.contact, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    async def edit_got_phone(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        raw = message.contact.phone_number if message.contact else (message.text or "")
        try:
            phone = normalize_mobile(raw)
        except InvalidPhone:
            await message.answer(t("member-bad-phone"))
            return
        await edit_summary(message, state, t, "phone", phone=phone)

    @router.callback_query(StateFilter(EditMemberForm.position), PositionPick.filter())
    async def edit_got_position(
        query: CallbackQuery, callback_data: PositionPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        await query.answer()
        if (message := message_of(query)) is not None:
            await message.edit_reply_markup(reply_markup=None)
            position = CouncilPosition(callback_data.value).value
            await edit_summary(message, state, t, "position", position=position)

    @router.callback_query(StateFilter(EditMemberForm.committees), CommitteeToggle.filter())
    async def edit_toggle_committee(
        query: CallbackQuery, callback_data: CommitteeToggle, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        picked: list[str] = list(data.get("picked", []))
        message = message_of(query)
        await query.answer()
        if message is None:
            return
        if callback_data.key == "done":
            await message.edit_reply_markup(reply_markup=None)
            if picked:
                await state.set_state(EditMemberForm.head)
                await message.answer(
                    t("member-ask-head", name=data["name"]), reply_markup=head_keyboard(picked, t)
                )
            else:
                await edit_summary(message, state, t, "committees", committees=[], head_of=None)
            return
        key = CommitteeKey(callback_data.key).value
        picked = [k for k in picked if k != key] if key in picked else [*picked, key]
        await state.update_data(picked=picked)
        await message.edit_reply_markup(reply_markup=committees_keyboard(picked, t))

    @router.callback_query(StateFilter(EditMemberForm.head), HeadPick.filter())
    async def edit_got_head(
        query: CallbackQuery, callback_data: HeadPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        picked: list[str] = list(data.get("picked", data.get("committees", [])))
        head = None if callback_data.key == "none" else CommitteeKey(callback_data.key).value
        await query.answer()
        if (message := message_of(query)) is not None:
            await message.edit_reply_markup(reply_markup=None)
            await edit_summary(message, state, t, "committees", committees=picked, head_of=head)

    @router.message(
        StateFilter(EditMemberForm.national_code), F.text, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    async def edit_got_national_code(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            code = normalize_national_code(message.text or "")
        except InvalidNationalCode:
            await message.answer(
                t("member-edit-bad-national-code"),
                reply_markup=skip_keyboard(t, "button-clear-national-code"),
            )
            return
        await edit_summary(message, state, t, "national_code", national_code=code)

    @router.callback_query(StateFilter(EditMemberForm.national_code), SkipNationalCode.filter())
    async def edit_cleared_national_code(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
        await query.answer()
        if (message := message_of(query)) is not None:
            await message.edit_reply_markup(reply_markup=None)
            await edit_summary(message, state, t, "national_code", national_code=None)

    @router.callback_query(StateFilter(EditMemberForm.confirm), ConfirmMember.filter())
    async def edit_confirmed(
        query: CallbackQuery,
        callback_data: ConfirmMember,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        data = await state.get_data()
        message = message_of(query)
        await query.answer()
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
        if not callback_data.save:
            await state.clear()
            if message is not None:
                await message.answer(t("cancel-done"))
            return
        # Only what was changed is sent; the rest stays as the service has it (KEEP).
        changed = set(data.get("changed", []))
        changes: dict[str, Any] = {}
        if "name" in changed:
            changes["full_name"] = data["name"]
        if "phone" in changed:
            changes["phone"] = data["phone"]
        if "position" in changed:
            changes["position"] = data["position"]
        if "committees" in changed:
            changes["committees"], changes["head_of"] = data["committees"], data["head_of"]
        if "national_code" in changed:
            changes["national_code"] = data["national_code"]
        reply: str
        try:
            member = await edit_member(
                session, actor=Actor.from_viewer(viewer), member_id=data["member_id"], now=clock(), **changes
            )
        except (HeadSeatTaken, PositionTaken) as taken:
            await reopen_seat_choice(taken, message, state, data.get("committees", []), t, EditMemberForm)
            return
        except AlreadyMember:
            await state.set_state(EditMemberForm.phone)
            if message is not None:
                await message.answer(t("member-edit-phone-taken"))
            return
        except (MemberInactive, UnknownMember):
            reply = t("member-edit-unavailable")
        except PermissionDenied:
            reply = t("council-not-manager")
        else:
            reply = t("member-edited", name=member.full_name or data["name"])
        await state.clear()
        if message is not None:
            await message.answer(reply)

    # Commands and menu buttons go on to their own routers; anything else is answered here.
    @router.message(StateFilter(EditMemberForm), ~F.text.startswith("/"), ~AnyMenuPress())
    async def edit_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        current = await state.get_state()
        if current == EditMemberForm.name.state:
            await message.answer(t("member-bad-name", limit=NAME_LIMIT))
        elif current == EditMemberForm.phone.state:
            await message.answer(t("member-bad-phone"))
        elif current == EditMemberForm.national_code.state:
            await message.answer(
                t("member-edit-bad-national-code"),
                reply_markup=skip_keyboard(t, "button-clear-national-code"),
            )
        else:
            await reask(message, state, t("council-use-buttons"))

    return router
