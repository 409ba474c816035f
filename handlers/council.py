"""The manager's council tools: /add_member (a short guided form), /members (the list, committee
staffing and deactivation) and /invite (a council invitation and the residents' joining link)."""

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

from handlers.menu import MenuPress
from models.council import CommitteeKey, CouncilPosition
from models.identity import Role, ScopeKind
from services.accounts import Viewer, display_phone
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import (
    INVITATION_DEFAULT_VALIDITY,
    AlreadyMember,
    HeadSeatTaken,
    MemberView,
    PositionTaken,
    committee_staffing,
    create_invitation,
    deactivate_member,
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

DeepLink = Callable[[str], Awaitable[str]]


class AddMember(StatesGroup):
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


def managed_neighbourhood(viewer: Viewer) -> int | None:
    """The neighbourhood this person manages (the first, if several)."""
    for grant in viewer.roles:
        if grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD:
            return grant.scope_id
    return None


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


def skip_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t("button-skip"), callback_data=SkipNationalCode().pack())]
        ]
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


async def _message_of(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


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
                    text=t("button-deactivate", name=m.full_name or "—"),
                    callback_data=DeactivateMember(member_id=m.id).pack(),
                )
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
        if (message := await _message_of(query)) is not None:
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
            )
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
        name = normalize_text(message.text or "")
        if (
            len(name) < 2
            or len(name) > NAME_LIMIT
            or name.startswith("/")
            or not any(c.isalpha() for c in name)
        ):
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
        if (message := await _message_of(query)) is not None:
            await message.edit_text(
                t("member-ask-committees", name=data["name"]), reply_markup=committees_keyboard([], t)
            )

    @router.callback_query(StateFilter(AddMember.committees), CommitteeToggle.filter())
    async def toggle_committee(
        query: CallbackQuery, callback_data: CommitteeToggle, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        selected: list[str] = list(data.get("committees", []))
        message = await _message_of(query)
        await query.answer()
        if callback_data.key == "done":
            if selected:
                await state.set_state(AddMember.head)
                if message is not None:
                    await message.edit_text(
                        t("member-ask-head", name=data["name"]), reply_markup=head_keyboard(selected, t)
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
            await message.edit_text(t("member-ask-national-code", name=name), reply_markup=skip_keyboard(t))

    @router.callback_query(StateFilter(AddMember.head), HeadPick.filter())
    async def got_head(
        query: CallbackQuery, callback_data: HeadPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        head = None if callback_data.key == "none" else CommitteeKey(callback_data.key).value
        await state.update_data(head_of=head)
        await query.answer()
        await ask_national_code(await _message_of(query), state, data["name"], t)

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
        if (message := await _message_of(query)) is not None:
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
        message = await _message_of(query)
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
        except HeadSeatTaken as taken:
            # Back to the head choice: the rest of the form stays filled in.
            await state.set_state(AddMember.head)
            if message is not None:
                await message.answer(
                    t(
                        "member-head-taken",
                        committee=t(f"committee-{taken.committee.value}"),
                        holder=taken.holder_name or "—",
                    ),
                    reply_markup=head_keyboard(data.get("committees", []), t),
                )
            return
        except PositionTaken as taken:
            await state.set_state(AddMember.position)
            if message is not None:
                await message.answer(
                    t(
                        "member-position-taken",
                        position=t(f"position-{taken.position.value}"),
                        holder=taken.holder_name or "—",
                    ),
                    reply_markup=position_keyboard(t),
                )
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
            await message.answer(t("council-use-buttons"))

    return router
