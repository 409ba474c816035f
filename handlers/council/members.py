"""/members: the manager's council as a list (each member with their position and committees),
the committees' staffing under it, and a pair of buttons per member: ✏️ edit (the form in
`handlers.council.edit`) and deactivate (answered here)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council.buttons import DeactivateMember, EditMember
from handlers.council.shared import managed_neighbourhood
from handlers.forms import pressed
from handlers.menu import MenuPress
from services.accounts import Viewer, display_phone
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import (
    CommitteeStaffing,
    MemberView,
    committee_staffing,
    deactivate_member,
    list_members,
)
from services.i18n import BoundTranslator
from services.regions import neighbourhood_name


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


def render_council(
    title: str, council: list[MemberView], staffing: list[CommitteeStaffing], t: BoundTranslator
) -> str:
    """The members, one a line, then each committee's head and size."""
    lines = [title]
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
    return "\n".join(lines)


def members_keyboard(council: list[MemberView], t: BoundTranslator) -> InlineKeyboardMarkup | None:
    """Edit and deactivate, a row per member; no keyboard for an empty council."""
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
    return InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None


async def members(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    # A refusal of the service (`PermissionDenied`) is answered by handlers.errors: «not a manager».
    await state.clear()  # a command ends whatever form was open
    neighbourhood_id = managed_neighbourhood(viewer)
    if neighbourhood_id is None:
        await message.answer(t("council-not-manager"))
        return
    actor = Actor.from_viewer(viewer)
    council = await list_members(session, actor=actor, neighbourhood_id=neighbourhood_id)
    staffing = await committee_staffing(session, actor, neighbourhood_id)
    title = t("members-title", name=await neighbourhood_name(session, neighbourhood_id))
    await message.answer(
        render_council(title, council, staffing, t), reply_markup=members_keyboard(council, t)
    )


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
        # On the button itself, unlike handlers.errors' answer below it.
        await query.answer(t("council-not-manager"), show_alert=True)
        return
    if (message := await pressed(query)) is not None:
        await message.answer(t("member-deactivated", name=member.full_name or "—"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(members, MenuPress("members"))
    router.message.register(members, Command("members"))
    router.callback_query.register(deactivate, DeactivateMember.filter())
    return router
