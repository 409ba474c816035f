"""The add-resolution form, for the manager: opened on its own (➕ under a list) or for a meeting
just recorded (`meeting_offer_keyboard`), then the text, the responsible body (a committee, an
agency's liaison or a council member), the deadline (`handlers.resolutions.deadline`), the priority
and a summary to confirm. Nothing is saved before ✅; saved, the manager hears who was told, and a
meeting's form offers another resolution or the end of the meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import confirmation, pressed
from handlers.keyboards import committee_buttons, drop_buttons, in_rows, keyboard, message_of
from handlers.liaisons import agency_name
from handlers.menu import AnyMenuPress
from handlers.reach import DeepLink, told_lines
from handlers.resolutions.deadline import ask_deadline
from handlers.resolutions.keyboards import (
    AddResolution,
    ConfirmResolution,
    MeetingFinished,
    PriorityPick,
    ResponsibleKindPick,
    ResponsiblePick,
    confirm_keyboard,
    meeting_offer_keyboard,
    responsible_kind_keyboard,
)
from handlers.resolutions.states import ResolutionForm
from models.council import CommitteeKey
from models.resolutions import ResolutionPriority, ResponsibleKind
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied, can_manage_neighbourhood
from services.clock import Clock
from services.council import list_agencies, list_members
from services.i18n import BoundTranslator, Translator
from services.jalali import format_jalali_date, tehran_today
from services.resolutions import (
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
    DateOutOfRange,
    InvalidResponsible,
    MeetingView,
    ResolutionView,
    Responsible,
    TextTooLong,
    TextTooShort,
    UnknownAgency,
    UnknownMeeting,
    UnknownMember,
    add_resolution,
    clean_resolution_text,
    describe_resolution,
    get_meeting,
    who_was_told_of_new,
)

# The question over the list of candidates, by the kind of responsible body chosen.
_ASK_WHO = {
    ResponsibleKind.COMMITTEE: "resolution-ask-committee",
    ResponsibleKind.AGENCY: "resolution-ask-agency",
    ResponsibleKind.MEMBER: "resolution-ask-member",
}


# ---- opening the form ----


async def start_resolution_form(
    message: Message,
    state: FSMContext,
    t: BoundTranslator,
    *,
    neighbourhood_id: int,
    meeting_id: int | None = None,
    meeting_label: str | None = None,
    meeting_held_on: date | None = None,
) -> None:
    """Open the form that adds a resolution (to `meeting_id`, held on `meeting_held_on`, when
    given)."""
    await state.clear()
    await state.set_state(ResolutionForm.text)
    await state.update_data(
        neighbourhood_id=neighbourhood_id,
        meeting_id=meeting_id,
        meeting_label=meeting_label,
        meeting_held_on=meeting_held_on.isoformat() if meeting_held_on else None,
    )
    intro = (
        t("resolution-ask-text-meeting", meeting=meeting_label) if meeting_label else t("resolution-ask-text")
    )
    await message.answer(intro + "\n" + t("resolution-text-limits", min=MIN_TEXT_LENGTH, max=MAX_TEXT_LENGTH))


def _meeting_label(t: BoundTranslator, meeting: MeetingView) -> str:
    return t(
        "resolution-meeting-label",
        kind=t(f"meeting-kind-{meeting.kind.value}"),
        date=format_jalali_date(meeting.held_on, t.locale),
    )


async def add_pressed(
    query: CallbackQuery,
    callback_data: AddResolution,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    neighbourhood_id = managed_neighbourhood(viewer)
    meeting_id = callback_data.meeting_id or None
    meeting: MeetingView | None = None
    if meeting_id is not None:
        try:
            meeting = await get_meeting(session, actor=Actor.from_viewer(viewer), meeting_id=meeting_id)
        except (PermissionDenied, UnknownMeeting):
            await query.answer(t("resolution-not-manager"), show_alert=True)
            return
        neighbourhood_id = meeting.neighbourhood_id
    if neighbourhood_id is None or not await can_manage_neighbourhood(
        session, Actor.from_viewer(viewer), neighbourhood_id
    ):
        await query.answer(t("resolution-not-manager"), show_alert=True)
        return
    # The meeting's offer is answered, so it loses its buttons; a list stays as it is, to page on.
    if (message := await pressed(query, drop=meeting is not None)) is not None:
        await start_resolution_form(
            message,
            state,
            t,
            neighbourhood_id=neighbourhood_id,
            meeting_id=meeting_id,
            meeting_label=_meeting_label(t, meeting) if meeting else None,
            meeting_held_on=meeting.held_on if meeting else None,
        )


async def meeting_finished(
    query: CallbackQuery,
    callback_data: MeetingFinished,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        meeting = await get_meeting(
            session, actor=Actor.from_viewer(viewer), meeting_id=callback_data.meeting_id
        )
    except (PermissionDenied, UnknownMeeting):
        await query.answer(t("resolution-not-manager"), show_alert=True)
        return
    if (message := await pressed(query, drop=True)) is not None:
        await message.answer(t("meeting-finished", count=meeting.resolution_count))


# ---- the text and who answers for it ----


async def got_text(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    try:
        text = clean_resolution_text(message.text)
    except TextTooShort:
        await message.answer(t("resolution-text-too-short", min=MIN_TEXT_LENGTH))
        return
    except TextTooLong as error:
        await message.answer(t("resolution-text-too-long", length=error.length, max=MAX_TEXT_LENGTH))
        return
    await state.update_data(text=text)
    await state.set_state(ResolutionForm.responsible_kind)
    await message.answer(t("resolution-ask-responsible"), reply_markup=responsible_kind_keyboard(t))


async def _candidates(
    session: AsyncSession, viewer: Viewer, t: BoundTranslator, kind: ResponsibleKind, neighbourhood_id: int
) -> list[tuple[str, str]]:
    """The buttons of who may answer for the resolution, of the kind chosen (no members when the
    council can't be listed)."""
    if kind is ResponsibleKind.COMMITTEE:
        return committee_buttons(t, lambda key: ResponsiblePick(value=key).pack())
    if kind is ResponsibleKind.AGENCY:
        return [
            (agency_name(agency, t), ResponsiblePick(value=str(agency.id)).pack())
            for agency in await list_agencies(session)
        ]
    try:
        members = await list_members(
            session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id
        )
    except PermissionDenied:
        return []
    return [(m.full_name or "—", ResponsiblePick(value=str(m.id)).pack()) for m in members]


async def got_kind(
    query: CallbackQuery,
    callback_data: ResponsibleKindPick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    message = await pressed(query)
    if message is None:
        return
    try:
        kind = ResponsibleKind(callback_data.kind)
    except ValueError:
        return
    data = await state.get_data()
    buttons = await _candidates(session, viewer, t, kind, data["neighbourhood_id"])
    if kind is ResponsibleKind.MEMBER and not buttons:
        await message.edit_text(
            t("resolution-no-members") + "\n\n" + t("resolution-ask-responsible"),
            reply_markup=responsible_kind_keyboard(t),
        )
        return
    await state.update_data(responsible_kind=kind.value)
    await state.set_state(ResolutionForm.responsible)
    back = (t("resolution-button-back"), ResponsiblePick(value="back").pack())
    await message.edit_text(t(_ASK_WHO[kind]), reply_markup=keyboard([*in_rows(buttons, 2), [back]]))


async def _responsible_label(
    session: AsyncSession, viewer: Viewer, t: BoundTranslator, data: dict[str, Any], value: str
) -> str | None:
    """How the summary names the body picked (`value`, of the kind chosen); None when it names
    nothing there is."""
    kind = ResponsibleKind(data["responsible_kind"])
    if kind is ResponsibleKind.COMMITTEE:
        try:
            return t(
                "resolution-responsible-committee", committee=t(f"committee-{CommitteeKey(value).value}")
            )
        except ValueError:
            return None
    if kind is ResponsibleKind.AGENCY:
        agency = next((a for a in await list_agencies(session) if str(a.id) == value), None)
        return t("resolution-responsible-agency", agency=agency_name(agency, t)) if agency else None
    members = await list_members(
        session, actor=Actor.from_viewer(viewer), neighbourhood_id=data["neighbourhood_id"]
    )
    member = next((m for m in members if str(m.id) == value), None)
    return t("resolution-responsible-member", name=member.full_name or "—") if member else None


async def got_responsible(
    query: CallbackQuery,
    callback_data: ResponsiblePick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    message = await pressed(query)
    if message is None:
        return
    if callback_data.value == "back":
        await state.set_state(ResolutionForm.responsible_kind)
        await message.edit_text(t("resolution-ask-responsible"), reply_markup=responsible_kind_keyboard(t))
        return
    label = await _responsible_label(session, viewer, t, await state.get_data(), callback_data.value)
    if label is None:
        return
    await state.update_data(responsible_value=callback_data.value, responsible_label=label)
    await drop_buttons(query)
    await ask_deadline(message, state, t, tehran_today(clock()))


# ---- the priority, the summary and saving ----


def _summary(data: dict[str, Any], t: BoundTranslator) -> str:
    text = t(
        "resolution-summary",
        text=data["text"],
        who=data["responsible_label"],
        deadline=format_jalali_date(date.fromisoformat(data["deadline"]), t.locale),
        priority=t(f"resolution-priority-{data['priority']}"),
    )
    if data.get("meeting_label"):
        text += "\n" + t("resolution-summary-meeting", meeting=data["meeting_label"])
    return text


async def got_priority(
    query: CallbackQuery, callback_data: PriorityPick, state: FSMContext, t: BoundTranslator
) -> None:
    try:
        priority = ResolutionPriority(callback_data.priority)
    except ValueError:  # a forged button: nothing to do, and the question stays
        await query.answer()
        return
    data = await state.update_data(priority=priority.value)
    await state.set_state(ResolutionForm.confirm)
    if (message := await pressed(query, drop=True)) is not None:
        await message.answer(_summary(data, t), reply_markup=confirm_keyboard(t))


def _responsible(data: dict[str, Any]) -> Responsible:
    """The responsible body the form chose."""
    kind = ResponsibleKind(data["responsible_kind"])
    value = data["responsible_value"]
    if kind is ResponsibleKind.COMMITTEE:
        return Responsible.of_committee(value)
    if kind is ResponsibleKind.AGENCY:
        return Responsible.of_agency(int(value))
    return Responsible.of_member(int(value))


async def _offer_more(message: Message, t: BoundTranslator, meeting_id: int | None) -> None:
    """After a meeting's resolution is saved or cancelled: another one, or the end of the meeting."""
    if meeting_id:
        await message.answer(t("meeting-offer-more"), reply_markup=meeting_offer_keyboard(t, meeting_id))


async def _tell_saved(
    message: Message,
    session: AsyncSession,
    t: BoundTranslator,
    deep_link: DeepLink,
    view: ResolutionView,
    data: dict[str, Any],
    today: date,
) -> None:
    """The resolution saved, who was told of it (or will be when they join), and its card."""
    await message.answer(
        t("resolution-saved", id=view.id, who=data["responsible_label"])
        + "\n"
        + await told_lines(session, t, await who_was_told_of_new(session, view.id), deep_link)
        + "\n\n"
        + describe_resolution(t, view, today)
    )
    await _offer_more(message, t, data.get("meeting_id"))


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmResolution,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    deep_link: DeepLink,
) -> None:
    meeting_id = (await state.get_data()).get("meeting_id")  # ✖ clears the form with it
    done = await confirmation(query, callback_data.save, state, t, cancelled="resolution-not-saved")
    if done is None:
        if (message := message_of(query)) is not None:
            await _offer_more(message, t, meeting_id)
        return
    message, data, now = done.message, done.data, clock()
    try:
        view = await add_resolution(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=data["neighbourhood_id"],
            text=data["text"],
            responsible=_responsible(data),
            deadline=date.fromisoformat(data["deadline"]),
            priority=ResolutionPriority(data["priority"]),
            meeting_id=meeting_id,
            now=now,
        )
    except (UnknownMember, UnknownAgency, InvalidResponsible):
        # The member left the council in the meantime: choose again, nothing was saved.
        await state.set_state(ResolutionForm.responsible_kind)
        await message.answer(t("resolution-responsible-gone"), reply_markup=responsible_kind_keyboard(t))
        return
    except DateOutOfRange:
        await ask_deadline(message, state, t, tehran_today(now))
        return
    except (PermissionDenied, UnknownMeeting):
        await state.clear()
        await message.answer(t("resolution-not-manager"))
        return
    await state.clear()
    await _tell_saved(message, session, t, deep_link, view, data, tehran_today(now))


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(add_pressed, AddResolution.filter())
    router.callback_query.register(meeting_finished, MeetingFinished.filter())
    router.message.register(
        got_text, StateFilter(ResolutionForm.text), F.text, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.callback_query.register(
        got_kind, StateFilter(ResolutionForm.responsible_kind), ResponsibleKindPick.filter()
    )
    router.callback_query.register(
        got_responsible, StateFilter(ResolutionForm.responsible), ResponsiblePick.filter()
    )
    router.callback_query.register(got_priority, StateFilter(ResolutionForm.priority), PriorityPick.filter())
    router.callback_query.register(confirmed, StateFilter(ResolutionForm.confirm), ConfirmResolution.filter())
    return router
