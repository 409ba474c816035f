"""/meeting: the manager records a meeting in a short guided form — its kind (council, committee,
county session, official visit), the committee for a committee meeting, the Jalali date (typed in
any digits or picked from the calendar), who attended (council members toggled with buttons,
then guests as text), the minutes (text, or a photo of the signed page), then a summary to
confirm. Nothing is saved before the confirm; then resolutions can be added to it one by one."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import reask
from handlers.jalali_calendar import CalendarPress, calendar_for, picked_date
from handlers.keyboards import drop_buttons, keyboard, message_of
from handlers.menu import AnyMenuPress, MenuPress
from handlers.resolutions import meeting_offer_keyboard
from models.council import CommitteeKey
from models.resolutions import MeetingKind
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import list_members
from services.i18n import BoundTranslator
from services.jalali import (
    DateParseError,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali_date,
    tehran_today,
)
from services.requests import Photo
from services.resolutions import (
    MAX_GUESTS_LENGTH,
    MAX_MINUTES_LENGTH,
    CommitteeRequired,
    DateOutOfRange,
    TextTooLong,
    UnknownMember,
    check_meeting_date,
    clean_guests,
    clean_minutes,
    create_meeting,
)

MEETING_CALENDAR = "md"
# The minutes are shown shortened in the summary; all of them are saved.
MINUTES_PREVIEW = 300


class MeetingForm(StatesGroup):
    kind = State()
    committee = State()
    date = State()
    attendance = State()
    guests = State()
    minutes = State()
    confirm = State()


class MeetingKindPick(CallbackData, prefix="mt_kind"):
    kind: str


class MeetingCommitteePick(CallbackData, prefix="mt_com"):
    committee: str


class AttendeeToggle(CallbackData, prefix="mt_att"):
    # A council member id; 0 when the list is done.
    member_id: int


class MeetingSkip(CallbackData, prefix="mt_skip"):
    # "guests" or "minutes"
    step: str


class ConfirmMeeting(CallbackData, prefix="mt_ok"):
    save: bool


def kind_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [[(t(f"meeting-kind-{kind.value}"), MeetingKindPick(kind=kind.value).pack())] for kind in MeetingKind]
    )


def committee_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    buttons = [
        (t(f"committee-{key.value}"), MeetingCommitteePick(committee=key.value).pack())
        for key in CommitteeKey
    ]
    return keyboard([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def attendance_keyboard(
    t: BoundTranslator, members: dict[str, str], selected: list[int]
) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                t("meeting-attendee-present", name=name) if int(member_id) in selected else name,
                AttendeeToggle(member_id=int(member_id)).pack(),
            )
        ]
        for member_id, name in members.items()
    ]
    rows.append([(t("button-continue"), AttendeeToggle(member_id=0).pack())])
    return keyboard(rows)


def skip_keyboard(t: BoundTranslator, step: str) -> InlineKeyboardMarkup:
    return keyboard([[(t("button-skip"), MeetingSkip(step=step).pack())]])


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("button-save"), ConfirmMeeting(save=True).pack()),
                (t("button-cancel"), ConfirmMeeting(save=False).pack()),
            ]
        ]
    )


def _kind_label(t: BoundTranslator, data: dict[str, Any]) -> str:
    label = t(f"meeting-kind-{data['kind']}")
    if data.get("committee"):
        label += " — " + t(f"committee-{data['committee']}")
    return label


def summary(t: BoundTranslator, data: dict[str, Any]) -> str:
    members: dict[str, str] = data.get("members", {})
    names = [members[str(m)] for m in data.get("attendees", []) if str(m) in members]
    minutes = data.get("minutes_text") or ""
    if len(minutes) > MINUTES_PREVIEW:
        minutes = minutes[: MINUTES_PREVIEW - 1] + "…"
    if data.get("minutes_photo"):
        minutes = t("meeting-minutes-photo-attached") + ("\n" + minutes if minutes else "")
    return t(
        "meeting-summary",
        kind=_kind_label(t, data),
        date=format_jalali_date(date.fromisoformat(data["held_on"]), t.locale),
        attendees=t.join(names) if names else t("meeting-none"),
        guests=data.get("guests") or t("meeting-none"),
        minutes=minutes or t("meeting-none"),
    )


def setup() -> Router:
    router = Router(name=__name__)

    @router.message(Command("meeting"))
    @router.message(MenuPress("meeting"))
    async def start_meeting(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        await state.clear()
        neighbourhood_id = managed_neighbourhood(viewer)
        if neighbourhood_id is None:
            await message.answer(t("meeting-not-manager"))
            return
        await state.set_state(MeetingForm.kind)
        await state.update_data(neighbourhood_id=neighbourhood_id, attendees=[])
        await message.answer(t("meeting-ask-kind"), reply_markup=kind_keyboard(t))

    async def ask_date(message: Message, state: FSMContext, t: BoundTranslator, today: date) -> None:
        await state.set_state(MeetingForm.date)
        await message.answer(
            t("meeting-ask-date", example=format_jalali_numeric(today, t.locale)),
            reply_markup=calendar_for(t, today, purpose=MEETING_CALENDAR),
        )

    @router.callback_query(StateFilter(MeetingForm.kind), MeetingKindPick.filter())
    async def got_kind(
        query: CallbackQuery,
        callback_data: MeetingKindPick,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        try:
            kind = MeetingKind(callback_data.kind)
        except ValueError:
            return
        await state.update_data(kind=kind.value, committee=None)
        message = await drop_buttons(query)
        if message is None:
            return
        if kind is MeetingKind.COMMITTEE:
            await state.set_state(MeetingForm.committee)
            await message.answer(t("meeting-ask-committee"), reply_markup=committee_keyboard(t))
            return
        await ask_date(message, state, t, tehran_today(clock()))

    @router.callback_query(StateFilter(MeetingForm.committee), MeetingCommitteePick.filter())
    async def got_committee(
        query: CallbackQuery,
        callback_data: MeetingCommitteePick,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        try:
            committee = CommitteeKey(callback_data.committee)
        except ValueError:
            return
        await state.update_data(committee=committee.value)
        if (message := await drop_buttons(query)) is not None:
            await ask_date(message, state, t, tehran_today(clock()))

    async def date_chosen(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        held_on: date,
        today: date,
    ) -> None:
        try:
            check_meeting_date(held_on, today)
        except DateOutOfRange as error:
            if error.reason == "future":
                await reask(message, state, t("meeting-date-future"))
            else:
                await reask(
                    message, state, t("meeting-date-too-old", limit=format_jalali_date(error.limit, t.locale))
                )
            return
        await state.update_data(held_on=held_on.isoformat())
        await ask_attendance(message, state, session, viewer, t)

    async def ask_attendance(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        data = await state.get_data()
        try:
            council = await list_members(
                session, actor=Actor.from_viewer(viewer), neighbourhood_id=data["neighbourhood_id"]
            )
        except PermissionDenied:
            council = []
        members = {str(m.id): m.full_name or "—" for m in council}
        await state.update_data(members=members, attendees=[])
        if not members:
            await ask_guests(message, state, t, t("meeting-no-members"))
            return
        await state.set_state(MeetingForm.attendance)
        await message.answer(t("meeting-ask-attendance"), reply_markup=attendance_keyboard(t, members, []))

    @router.message(StateFilter(MeetingForm.date), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def date_typed(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        today = tehran_today(clock())
        try:
            held_on = parse_jalali_date(message.text or "")
        except DateParseError as error:
            # The calendar again, at the bottom, under what was wrong.
            await reask(
                message,
                state,
                t(f"resolution-bad-date-{error.reason}", example=format_jalali_numeric(today, t.locale)),
            )
            return
        await date_chosen(message, state, session, viewer, t, held_on, today)

    @router.callback_query(
        StateFilter(MeetingForm.date),
        CalendarPress.filter((F.action == "day") & (F.purpose == MEETING_CALENDAR)),
    )
    async def date_picked(
        query: CallbackQuery,
        callback_data: CalendarPress,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        try:
            held_on = picked_date(callback_data)
        except ValueError:
            return
        if (message := message_of(query)) is not None:
            await date_chosen(message, state, session, viewer, t, held_on, tehran_today(clock()))

    @router.callback_query(StateFilter(MeetingForm.attendance), AttendeeToggle.filter())
    async def toggle_attendee(
        query: CallbackQuery, callback_data: AttendeeToggle, state: FSMContext, t: BoundTranslator
    ) -> None:
        await query.answer()
        message = message_of(query)
        data = await state.get_data()
        if callback_data.member_id == 0:
            if message is not None:
                await message.edit_reply_markup(reply_markup=None)
                await ask_guests(message, state, t)
            return
        members: dict[str, str] = data.get("members", {})
        if str(callback_data.member_id) not in members:
            return
        selected: list[int] = list(data.get("attendees", []))
        if callback_data.member_id in selected:
            selected.remove(callback_data.member_id)
        else:
            selected.append(callback_data.member_id)
        await state.update_data(attendees=selected)
        if message is not None:
            await message.edit_reply_markup(reply_markup=attendance_keyboard(t, members, selected))

    async def ask_guests(message: Message, state: FSMContext, t: BoundTranslator, prefix: str = "") -> None:
        await state.set_state(MeetingForm.guests)
        text = t("meeting-ask-guests", max=MAX_GUESTS_LENGTH)
        await message.answer(
            prefix + "\n\n" + text if prefix else text, reply_markup=skip_keyboard(t, "guests")
        )

    async def ask_minutes(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(MeetingForm.minutes)
        await message.answer(
            t("meeting-ask-minutes", max=MAX_MINUTES_LENGTH), reply_markup=skip_keyboard(t, "minutes")
        )

    async def show_summary(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(MeetingForm.confirm)
        await message.answer(summary(t, await state.get_data()), reply_markup=confirm_keyboard(t))

    @router.message(StateFilter(MeetingForm.guests), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def got_guests(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            guests = clean_guests(message.text)
        except TextTooLong as error:
            await message.answer(
                t("meeting-guests-too-long", length=error.length, max=MAX_GUESTS_LENGTH),
                reply_markup=skip_keyboard(t, "guests"),
            )
            return
        await state.update_data(guests=guests)
        await ask_minutes(message, state, t)

    @router.callback_query(StateFilter(MeetingForm.guests, MeetingForm.minutes), MeetingSkip.filter())
    async def skipped(
        query: CallbackQuery, callback_data: MeetingSkip, state: FSMContext, t: BoundTranslator
    ) -> None:
        await query.answer()
        current = await state.get_state()
        message = await drop_buttons(query)
        if message is None:
            return
        if current == MeetingForm.guests.state:
            await state.update_data(guests=None)
            await ask_minutes(message, state, t)
        else:
            await state.update_data(minutes_text=None, minutes_photo=None)
            await show_summary(message, state, t)

    @router.message(StateFilter(MeetingForm.minutes), F.photo)
    @router.message(StateFilter(MeetingForm.minutes), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def got_minutes(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        try:
            text = clean_minutes(message.text or message.caption)
        except TextTooLong as error:
            await message.answer(
                t("meeting-minutes-too-long", length=error.length, max=MAX_MINUTES_LENGTH),
                reply_markup=skip_keyboard(t, "minutes"),
            )
            return
        photo = [viewer.platform.value, message.photo[-1].file_id] if message.photo else None
        await state.update_data(minutes_text=text, minutes_photo=photo)
        await show_summary(message, state, t)

    @router.callback_query(StateFilter(MeetingForm.confirm), ConfirmMeeting.filter())
    async def confirmed(
        query: CallbackQuery,
        callback_data: ConfirmMeeting,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        message = await drop_buttons(query)
        data = await state.get_data()
        if not callback_data.save:
            await state.clear()
            if message is not None:
                await message.answer(t("meeting-not-saved"))
            return
        photo = data.get("minutes_photo")
        now = clock()
        try:
            meeting = await create_meeting(
                session,
                actor=Actor.from_viewer(viewer),
                neighbourhood_id=data["neighbourhood_id"],
                kind=MeetingKind(data["kind"]),
                committee=CommitteeKey(data["committee"]) if data.get("committee") else None,
                held_on=date.fromisoformat(data["held_on"]),
                attendee_member_ids=data.get("attendees", []),
                guests=data.get("guests"),
                minutes_text=data.get("minutes_text"),
                minutes_photo=Photo(photo[0], photo[1]) if photo else None,
                now=now,
            )
        except UnknownMember:
            # Someone left the council meanwhile: mark the attendance again; nothing was saved.
            if message is not None:
                await message.answer(t("meeting-attendance-changed"))
                await ask_attendance(message, state, session, viewer, t)
            return
        except (DateOutOfRange, CommitteeRequired):
            if message is not None:
                await ask_date(message, state, t, tehran_today(now))
            return
        except PermissionDenied:
            await state.clear()
            if message is not None:
                await message.answer(t("meeting-not-manager"))
            return
        await state.clear()
        if message is not None:
            await message.answer(
                t(
                    "meeting-saved",
                    kind=_kind_label(t, data),
                    date=format_jalali_date(meeting.held_on, t.locale),
                    attendees=len(meeting.attendee_member_ids),
                ),
                reply_markup=meeting_offer_keyboard(t, meeting.id),
            )

    @router.message(StateFilter(MeetingForm), ~F.text.startswith("/"), ~AnyMenuPress())
    async def form_expects_something_else(
        message: Message, state: FSMContext, t: BoundTranslator, clock: Clock
    ) -> None:
        current = await state.get_state()
        if current == MeetingForm.date.state:
            await reask(
                message,
                state,
                t("meeting-date-expected", example=format_jalali_numeric(tehran_today(clock()), t.locale)),
            )
        elif current == MeetingForm.guests.state:
            await message.answer(t("meeting-guests-expected"), reply_markup=skip_keyboard(t, "guests"))
        elif current == MeetingForm.minutes.state:
            await message.answer(t("meeting-minutes-expected"), reply_markup=skip_keyboard(t, "minutes"))
        else:
            await reask(message, state, t("resolution-use-buttons"))

    @router.callback_query(MeetingKindPick.filter())
    @router.callback_query(MeetingCommitteePick.filter())
    @router.callback_query(AttendeeToggle.filter())
    @router.callback_query(MeetingSkip.filter())
    @router.callback_query(ConfirmMeeting.filter())
    @router.callback_query(CalendarPress.filter((F.action == "day") & (F.purpose == MEETING_CALENDAR)))
    async def stale_form_button(query: CallbackQuery, t: BoundTranslator) -> None:
        await query.answer(t("resolution-form-closed"), show_alert=True)
        await drop_buttons(query)

    return router
