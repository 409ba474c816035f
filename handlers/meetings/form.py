"""The meeting form's steps, one handler each, from /meeting (or its menu button) to the saved
meeting and the offer to add its resolutions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import pressed, reask
from handlers.jalali_calendar import CalendarPress, calendar_for, picked_date
from handlers.meetings.view import (
    DAY_PICKED,
    MEETING_CALENDAR,
    AttendeeToggle,
    ConfirmMeeting,
    MeetingCommitteePick,
    MeetingForm,
    MeetingKindPick,
    MeetingSkip,
    attendance_keyboard,
    committee_keyboard,
    confirm_keyboard,
    kind_keyboard,
    kind_label,
    skip_keyboard,
    summary,
)
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
    MeetingView,
    TextTooLong,
    UnknownMember,
    check_meeting_date,
    clean_guests,
    clean_minutes,
    create_meeting,
)


async def start_meeting(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    await state.clear()
    neighbourhood_id = managed_neighbourhood(viewer)
    if neighbourhood_id is None:
        await message.answer(t("meeting-not-manager"))
        return
    await state.set_state(MeetingForm.kind)
    await state.update_data(neighbourhood_id=neighbourhood_id, attendees=[])
    await message.answer(t("meeting-ask-kind"), reply_markup=kind_keyboard(t))


async def _ask_date(message: Message, state: FSMContext, t: BoundTranslator, today: date) -> None:
    await state.set_state(MeetingForm.date)
    await message.answer(
        t("meeting-ask-date", example=format_jalali_numeric(today, t.locale)),
        reply_markup=calendar_for(t, today, purpose=MEETING_CALENDAR),
    )


async def got_kind(
    query: CallbackQuery,
    callback_data: MeetingKindPick,
    state: FSMContext,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    try:
        kind = MeetingKind(callback_data.kind)
    except ValueError:
        await query.answer()  # a forged button: nothing to do
        return
    await state.update_data(kind=kind.value, committee=None)
    message = await pressed(query, drop=True)
    if message is None:
        return
    if kind is MeetingKind.COMMITTEE:
        await state.set_state(MeetingForm.committee)
        await message.answer(t("meeting-ask-committee"), reply_markup=committee_keyboard(t))
        return
    await _ask_date(message, state, t, tehran_today(clock()))


async def got_committee(
    query: CallbackQuery,
    callback_data: MeetingCommitteePick,
    state: FSMContext,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    try:
        committee = CommitteeKey(callback_data.committee)
    except ValueError:
        await query.answer()  # a forged button: nothing to do
        return
    await state.update_data(committee=committee.value)
    if (message := await pressed(query, drop=True)) is not None:
        await _ask_date(message, state, t, tehran_today(clock()))


async def _date_chosen(
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
    await _ask_attendance(message, state, session, viewer, t)


async def _ask_attendance(
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
        await _ask_guests(message, state, t, t("meeting-no-members"))
        return
    await state.set_state(MeetingForm.attendance)
    await message.answer(t("meeting-ask-attendance"), reply_markup=attendance_keyboard(t, members, []))


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
    await _date_chosen(message, state, session, viewer, t, held_on, today)


async def date_picked(
    query: CallbackQuery,
    callback_data: CalendarPress,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    try:
        held_on = picked_date(callback_data)
    except ValueError:
        await query.answer()  # a forged day: nothing to do
        return
    if (message := await pressed(query)) is not None:
        await _date_chosen(message, state, session, viewer, t, held_on, tehran_today(clock()))


async def toggle_attendee(
    query: CallbackQuery, callback_data: AttendeeToggle, state: FSMContext, t: BoundTranslator
) -> None:
    done = callback_data.member_id == 0
    message = await pressed(query, drop=done)
    if done:
        if message is not None:
            await _ask_guests(message, state, t)
        return
    data = await state.get_data()
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
        # Ticked in place: the same question, its buttons redrawn.
        await message.edit_reply_markup(reply_markup=attendance_keyboard(t, members, selected))


async def _ask_guests(message: Message, state: FSMContext, t: BoundTranslator, prefix: str = "") -> None:
    await state.set_state(MeetingForm.guests)
    text = t("meeting-ask-guests", max=MAX_GUESTS_LENGTH)
    await message.answer(prefix + "\n\n" + text if prefix else text, reply_markup=skip_keyboard(t, "guests"))


async def _ask_minutes(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.set_state(MeetingForm.minutes)
    await message.answer(
        t("meeting-ask-minutes", max=MAX_MINUTES_LENGTH), reply_markup=skip_keyboard(t, "minutes")
    )


async def _show_summary(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.set_state(MeetingForm.confirm)
    await message.answer(summary(t, await state.get_data()), reply_markup=confirm_keyboard(t))


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
    await _ask_minutes(message, state, t)


async def skipped(
    query: CallbackQuery, callback_data: MeetingSkip, state: FSMContext, t: BoundTranslator
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    if await state.get_state() == MeetingForm.guests.state:
        await state.update_data(guests=None)
        await _ask_minutes(message, state, t)
    else:
        await state.update_data(minutes_text=None, minutes_photo=None)
        await _show_summary(message, state, t)


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
    await _show_summary(message, state, t)


async def _create(session: AsyncSession, viewer: Viewer, data: dict[str, Any], now: datetime) -> MeetingView:
    """Save the meeting the form gathered."""
    photo = data.get("minutes_photo")
    return await create_meeting(
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


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmMeeting,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    # Not `handlers.forms.confirmation`: ✅ on a summary too old to be known still saves here.
    message = await pressed(query, drop=True)
    data = await state.get_data()
    if not callback_data.save:
        await state.clear()
        if message is not None:
            await message.answer(t("meeting-not-saved"))
        return
    now = clock()
    # A manager no longer one is refused by the service (`PermissionDenied`), answered in
    # handlers.errors with `meeting-not-manager`, which ends the form.
    try:
        meeting = await _create(session, viewer, data, now)
    except UnknownMember:
        # Someone left the council meanwhile: mark the attendance again; nothing was saved.
        if message is not None:
            await message.answer(t("meeting-attendance-changed"))
            await _ask_attendance(message, state, session, viewer, t)
        return
    except (DateOutOfRange, CommitteeRequired):
        if message is not None:
            await _ask_date(message, state, t, tehran_today(now))
        return
    await state.clear()
    if message is not None:
        await message.answer(
            t(
                "meeting-saved",
                kind=kind_label(t, data),
                date=format_jalali_date(meeting.held_on, t.locale),
                attendees=len(meeting.attendee_member_ids),
            ),
            reply_markup=meeting_offer_keyboard(t, meeting.id),
        )


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.message.register(start_meeting, MenuPress("meeting"))
    router.message.register(start_meeting, Command("meeting"))
    router.callback_query.register(got_kind, StateFilter(MeetingForm.kind), MeetingKindPick.filter())
    router.callback_query.register(
        got_committee, StateFilter(MeetingForm.committee), MeetingCommitteePick.filter()
    )
    router.message.register(date_typed, StateFilter(MeetingForm.date), *typed)
    router.callback_query.register(date_picked, StateFilter(MeetingForm.date), DAY_PICKED)
    router.callback_query.register(
        toggle_attendee, StateFilter(MeetingForm.attendance), AttendeeToggle.filter()
    )
    router.message.register(got_guests, StateFilter(MeetingForm.guests), *typed)
    router.callback_query.register(
        skipped, StateFilter(MeetingForm.guests, MeetingForm.minutes), MeetingSkip.filter()
    )
    router.message.register(got_minutes, StateFilter(MeetingForm.minutes), *typed)
    router.message.register(got_minutes, StateFilter(MeetingForm.minutes), F.photo)
    router.callback_query.register(confirmed, StateFilter(MeetingForm.confirm), ConfirmMeeting.filter())
    return router
