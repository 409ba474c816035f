"""Resolutions (مصوبات) in the chat: the manager adds one (on its own from /resolutions, or to a
meeting just recorded with /meeting) in a short form — text, responsible body, deadline (typed in
any digits or picked from the Jalali calendar; one before today or before the meeting is not taken
silently: the form names the reason and asks to keep it or choose another), priority, confirm;
/resolutions lists them by state (open, due soon, overdue, done, all) and committee, page by page;
whoever answers for one reports its progress and status with a note, and anyone who may read it
sees its history."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import ask_next, reask
from handlers.jalali_calendar import CalendarPress, calendar_for, picked_date
from handlers.keyboards import drop_buttons, keyboard, message_of
from handlers.liaisons import agency_name
from handlers.menu import AnyMenuPress, MenuPress
from handlers.reach import DeepLink, told_lines
from models.council import CommitteeKey
from models.identity import Role, ScopeKind
from models.resolutions import ResolutionPriority, ResolutionStatus, ResponsibleKind
from services.accounts import Viewer
from services.authz import OFFICIALS, Actor, PermissionDenied, can_manage_neighbourhood
from services.clock import Clock
from services.council import list_agencies, list_members
from services.i18n import BoundTranslator, Translator
from services.jalali import (
    DateParseError,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali_date,
    tehran_today,
)
from services.persian import normalize_text
from services.regions import neighbourhood_by_code, neighbourhood_name
from services.resolutions import (
    MAX_NOTE_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
    DateOutOfRange,
    DeadlineDoubt,
    DeadlineDoubtReason,
    InvalidProgress,
    InvalidResponsible,
    NothingToUpdate,
    ResolutionClosed,
    ResolutionFilter,
    ResolutionView,
    Responsible,
    TextTooLong,
    TextTooShort,
    UnknownAgency,
    UnknownMeeting,
    UnknownMember,
    UnknownResolution,
    add_resolution,
    check_deadline,
    clean_note,
    clean_resolution_text,
    describe_history,
    describe_resolution,
    doubt_deadline,
    get_meeting,
    get_resolution,
    list_resolutions,
    may_update,
    parse_progress,
    resolution_line,
    resolutions_for_person,
    update_progress,
    who_was_told_of_new,
)

PAGE_SIZE = 8
# Telegram refuses messages over 4096 characters; keep a margin for the client's own marks.
MESSAGE_LIMIT = 4000
DEADLINE_CALENDAR = "rd"
PROGRESS_STEPS = (25, 50, 75, 100)


class ResolutionForm(StatesGroup):
    text = State()
    responsible_kind = State()
    responsible = State()
    deadline = State()
    # The deadline chosen is before today or before the meeting: keep it, or choose another.
    deadline_doubt = State()
    priority = State()
    confirm = State()


class UpdateForm(StatesGroup):
    progress = State()
    note = State()


class AddResolution(CallbackData, prefix="rs_add"):
    # 0: a resolution of no meeting.
    meeting_id: int = 0


class MeetingFinished(CallbackData, prefix="rs_end"):
    meeting_id: int


class ResponsibleKindPick(CallbackData, prefix="rs_kind"):
    kind: str


class ResponsiblePick(CallbackData, prefix="rs_who"):
    # A committee key, an agency id or a council member id (by the kind chosen); "back".
    value: str


class DeadlineDoubtAnswer(CallbackData, prefix="rs_ddl"):
    # True: keep the doubtful deadline; False: choose another date.
    keep: bool


class PriorityPick(CallbackData, prefix="rs_prio"):
    priority: str


class ConfirmResolution(CallbackData, prefix="rs_ok"):
    save: bool


class ResolutionList(CallbackData, prefix="rs_list"):
    # "n": a neighbourhood's resolutions; "m": the viewer's own.
    scope: str
    nid: int
    flt: str
    com: str = ""
    page: int = 0


class CommitteeFilter(CallbackData, prefix="rs_com"):
    nid: int
    flt: str


class OpenResolution(CallbackData, prefix="rs_open"):
    resolution_id: int


class ShowHistory(CallbackData, prefix="rs_hist"):
    # Matches services.resolutions.resolution_buttons: "rs_hist:<id>"
    resolution_id: int


class StartUpdate(CallbackData, prefix="rs_upd"):
    # Matches services.resolutions.resolution_buttons: "rs_upd:<id>"
    resolution_id: int


class ProgressPick(CallbackData, prefix="rs_pct"):
    value: int


class StatusMenu(CallbackData, prefix="rs_stm"):
    pass


class StatusPick(CallbackData, prefix="rs_st"):
    status: str


class SkipNote(CallbackData, prefix="rs_nonote"):
    pass


# ---- small helpers ----


def _rows(buttons: list[tuple[str, str]], per_row: int) -> list[list[tuple[str, str]]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def split_messages(parts: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join `parts` with blank lines into as few messages as fit under `limit` (a part longer
    than the limit is cut)."""
    messages: list[str] = []
    current = ""
    for part in parts:
        part = part if len(part) <= limit else part[: limit - 1] + "…"
        candidate = f"{current}\n\n{part}" if current else part
        if len(candidate) > limit:
            messages.append(current)
            current = part
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def council_neighbourhood(viewer: Viewer) -> int | None:
    """The neighbourhood whose resolutions the viewer follows: the one they manage, else the one
    whose council they sit on."""
    managed = managed_neighbourhood(viewer)
    if managed is not None:
        return managed
    for grant in viewer.roles:
        if (
            grant.role in (Role.COUNCIL_MEMBER, Role.COMMITTEE_HEAD)
            and grant.scope_kind == ScopeKind.NEIGHBOURHOOD
        ):
            return grant.scope_id
    return None


def responsible_kind_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(t(f"resolution-kind-{kind.value}"), ResponsibleKindPick(kind=kind.value).pack())]
            for kind in ResponsibleKind
        ]
    )


def priority_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    buttons = [
        (t(f"resolution-priority-{p.value}"), PriorityPick(priority=p.value).pack())
        for p in ResolutionPriority
    ]
    return keyboard(_rows(buttons, 2))


def deadline_doubt_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(t("resolution-button-keep-deadline"), DeadlineDoubtAnswer(keep=True).pack())],
            [(t("resolution-button-other-deadline"), DeadlineDoubtAnswer(keep=False).pack())],
        ]
    )


def deadline_doubt_text(t: BoundTranslator, doubt: DeadlineDoubt) -> str:
    """The warning: the date, why it looks mistaken (named with the date it is compared with),
    and the question."""
    key = (
        "resolution-deadline-doubt-before-meeting"
        if doubt.reason is DeadlineDoubtReason.BEFORE_MEETING
        else "resolution-deadline-doubt-past"
    )
    return (
        t(
            key,
            deadline=format_jalali_date(doubt.deadline, t.locale),
            date=format_jalali_date(doubt.compared_with, t.locale),
        )
        + "\n"
        + t("resolution-deadline-doubt-question")
    )


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("button-save"), ConfirmResolution(save=True).pack()),
                (t("button-cancel"), ConfirmResolution(save=False).pack()),
            ]
        ]
    )


def meeting_offer_keyboard(t: BoundTranslator, meeting_id: int) -> InlineKeyboardMarkup:
    """After a meeting or one of its resolutions is saved: add (another) resolution, or finish."""
    return keyboard(
        [
            [(t("resolution-button-add-to-meeting"), AddResolution(meeting_id=meeting_id).pack())],
            [(t("resolution-button-meeting-done"), MeetingFinished(meeting_id=meeting_id).pack())],
        ]
    )


def progress_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("resolution-progress-button", progress=p), ProgressPick(value=p).pack())
                for p in PROGRESS_STEPS
            ],
            [(t("resolution-button-status"), StatusMenu().pack())],
        ]
    )


def status_keyboard(t: BoundTranslator, *, manages: bool) -> InlineKeyboardMarkup:
    statuses = [s for s in ResolutionStatus if manages or s is not ResolutionStatus.CANCELLED]
    buttons = [(t(f"resolution-status-{s.value}"), StatusPick(status=s.value).pack()) for s in statuses]
    return keyboard(_rows(buttons, 2))


def skip_note_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard([[(t("resolution-button-no-note"), SkipNote().pack())]])


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


def _list_keyboard(
    t: BoundTranslator,
    views: list[ResolutionView],
    current: ResolutionList,
    *,
    pages: int,
    can_add: bool,
    home: int | None,
) -> InlineKeyboardMarkup:
    rows: list[list[tuple[str, str]]] = _rows(
        [(t("resolution-button-open", id=v.id), OpenResolution(resolution_id=v.id).pack()) for v in views], 4
    )
    filters = []
    for flt in ResolutionFilter:
        label = t(f"resolutions-filter-{flt.value}")
        if flt.value == current.flt:
            label = t("resolutions-filter-current", label=label)
        filters.append(
            (
                label,
                ResolutionList(scope=current.scope, nid=current.nid, flt=flt.value, com=current.com).pack(),
            )
        )
    rows += [filters[:3], filters[3:]]
    if current.scope == "n":
        rows.append(
            [
                (t("resolutions-button-committee"), CommitteeFilter(nid=current.nid, flt=current.flt).pack()),
                (t("resolutions-button-mine"), ResolutionList(scope="m", nid=0, flt=current.flt).pack()),
            ]
        )
    elif home is not None:
        rows.append(
            [
                (
                    t("resolutions-button-neighbourhood"),
                    ResolutionList(scope="n", nid=home, flt=current.flt).pack(),
                )
            ]
        )
    pager = []
    if current.page > 0:
        pager.append(
            (t("resolutions-button-previous"), current.model_copy(update={"page": current.page - 1}).pack())
        )
    if current.page + 1 < pages:
        pager.append(
            (t("resolutions-button-next"), current.model_copy(update={"page": current.page + 1}).pack())
        )
    rows.append(pager)
    if can_add:
        rows.append([(t("resolutions-button-add"), AddResolution().pack())])
    return keyboard(rows)


async def render_list(
    session: AsyncSession, viewer: Viewer, t: BoundTranslator, today: date, current: ResolutionList
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of a resolution list with its filter, paging and item buttons; raises
    `PermissionDenied` (and ValueError for a malformed filter)."""
    actor = Actor.from_viewer(viewer)
    flt = ResolutionFilter(current.flt)
    committee = CommitteeKey(current.com) if current.com else None
    if current.scope == "n":
        views = await list_resolutions(
            session, actor=actor, neighbourhood_id=current.nid, today=today, filter=flt, committee=committee
        )
        title = t(
            "resolutions-title",
            name=await neighbourhood_name(session, current.nid),
            filter=t(f"resolutions-filter-{flt.value}"),
        )
        if committee is not None:
            title += "\n" + t("resolutions-title-committee", committee=t(f"committee-{committee.value}"))
        can_add = managed_neighbourhood(viewer) == current.nid
    else:
        if viewer.person_id is None:
            raise PermissionDenied("resolution.mine")
        views = await resolutions_for_person(session, person_id=viewer.person_id, today=today, filter=flt)
        title = t("resolutions-mine-title", filter=t(f"resolutions-filter-{flt.value}"))
        can_add = False
    pages = max(1, -(-len(views) // PAGE_SIZE))
    page = min(max(current.page, 0), pages - 1)
    current = current.model_copy(update={"page": page})
    shown = views[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    parts = [title]
    if shown:
        parts.append(t("resolutions-page", count=len(views), page=page + 1, pages=pages))
        parts += [resolution_line(t, v, today, with_place=current.scope == "m") for v in shown]
    else:
        parts.append(t("resolutions-empty"))
    # One page is a handful of lines, each shortened: far under the limit, but never over it.
    text = split_messages(parts)[0]
    keyboard = _list_keyboard(
        t, shown, current, pages=pages, can_add=can_add, home=council_neighbourhood(viewer)
    )
    return text, keyboard


def setup() -> Router:
    router = Router(name=__name__)

    # ---- commands first, so they work in the middle of a form ----

    @router.message(Command("resolutions"))
    @router.message(MenuPress("resolutions"))
    async def show_resolutions(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
        command: CommandObject | None = None,
    ) -> None:
        await state.clear()
        if viewer.person_id is None:
            await message.answer(t("join-register-first"))
            return
        args = normalize_text(command.args or "") if command is not None else ""
        nid: int | None = None
        if args and any(grant.role in OFFICIALS for grant in viewer.roles):
            neighbourhood = await neighbourhood_by_code(session, args)
            if neighbourhood is None:
                await message.answer(t("resolutions-unknown-code", code=args))
                return
            nid = neighbourhood.id
        else:
            nid = council_neighbourhood(viewer)
            if nid is None and any(grant.role in OFFICIALS for grant in viewer.roles):
                await message.answer(t("resolutions-official-hint"))
                return
        current = (
            ResolutionList(scope="n", nid=nid, flt=ResolutionFilter.OPEN.value)
            if nid is not None
            else ResolutionList(scope="m", nid=0, flt=ResolutionFilter.OPEN.value)
        )
        try:
            text, keyboard = await render_list(session, viewer, t, tehran_today(clock()), current)
        except PermissionDenied:
            await message.answer(t("resolutions-not-allowed"))
            return
        await message.answer(text, reply_markup=keyboard)

    # ---- the lists ----

    @router.callback_query(ResolutionList.filter())
    async def list_page(
        query: CallbackQuery,
        callback_data: ResolutionList,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        try:
            text, keyboard = await render_list(session, viewer, t, tehran_today(clock()), callback_data)
        except (PermissionDenied, ValueError):
            await query.answer(t("resolutions-not-allowed"), show_alert=True)
            return
        await query.answer()
        if (message := message_of(query)) is not None:
            try:
                await message.edit_text(text, reply_markup=keyboard)
            except TelegramBadRequest:  # the same page pressed again: nothing to change
                pass

    @router.callback_query(CommitteeFilter.filter())
    async def committee_filter(
        query: CallbackQuery, callback_data: CommitteeFilter, t: BoundTranslator
    ) -> None:
        await query.answer()
        buttons = [
            (
                t(f"committee-{key.value}"),
                ResolutionList(scope="n", nid=callback_data.nid, flt=callback_data.flt, com=key.value).pack(),
            )
            for key in CommitteeKey
        ]
        rows = _rows(buttons, 2)
        rows.append(
            [
                (
                    t("resolutions-all-committees"),
                    ResolutionList(scope="n", nid=callback_data.nid, flt=callback_data.flt).pack(),
                )
            ]
        )
        if (message := message_of(query)) is not None:
            await message.edit_reply_markup(reply_markup=keyboard(rows))

    @router.callback_query(OpenResolution.filter())
    async def open_resolution(
        query: CallbackQuery,
        callback_data: OpenResolution,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        actor = Actor.from_viewer(viewer)
        try:
            view = await get_resolution(session, actor=actor, resolution_id=callback_data.resolution_id)
        except (PermissionDenied, UnknownResolution):
            await query.answer(t("resolutions-not-allowed"), show_alert=True)
            return
        await query.answer()
        buttons = [(t("resolution-button-history"), ShowHistory(resolution_id=view.id).pack())]
        if await may_update(session, actor, view.id):
            buttons.insert(0, (t("resolution-button-update"), StartUpdate(resolution_id=view.id).pack()))
        if (message := message_of(query)) is not None:
            await message.answer(
                describe_resolution(t, view, tehran_today(clock())), reply_markup=keyboard([buttons])
            )

    @router.callback_query(ShowHistory.filter())
    async def show_history(
        query: CallbackQuery,
        callback_data: ShowHistory,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        try:
            view = await get_resolution(
                session, actor=Actor.from_viewer(viewer), resolution_id=callback_data.resolution_id
            )
        except (PermissionDenied, UnknownResolution):
            await query.answer(t("resolutions-not-allowed"), show_alert=True)
            return
        await query.answer()
        if (message := message_of(query)) is None:
            return
        parts = [t("resolution-history-title", id=view.id, text=view.text[:200]), *describe_history(t, view)]
        for text in split_messages(parts):
            await message.answer(text)

    # ---- adding a resolution ----

    @router.callback_query(AddResolution.filter())
    async def add_pressed(
        query: CallbackQuery,
        callback_data: AddResolution,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        neighbourhood_id = managed_neighbourhood(viewer)
        meeting_label = None
        meeting_held_on = None
        meeting_id = callback_data.meeting_id or None
        if meeting_id is not None:
            try:
                meeting = await get_meeting(session, actor=Actor.from_viewer(viewer), meeting_id=meeting_id)
            except (PermissionDenied, UnknownMeeting):
                await query.answer(t("resolution-not-manager"), show_alert=True)
                return
            neighbourhood_id = meeting.neighbourhood_id
            meeting_held_on = meeting.held_on
            meeting_label = t(
                "resolution-meeting-label",
                kind=t(f"meeting-kind-{meeting.kind.value}"),
                date=format_jalali_date(meeting.held_on, t.locale),
            )
        if neighbourhood_id is None or not await can_manage_neighbourhood(
            session, Actor.from_viewer(viewer), neighbourhood_id
        ):
            await query.answer(t("resolution-not-manager"), show_alert=True)
            return
        await query.answer()
        message = await drop_buttons(query) if meeting_id is not None else message_of(query)
        if message is not None:
            await start_resolution_form(
                message,
                state,
                t,
                neighbourhood_id=neighbourhood_id,
                meeting_id=meeting_id,
                meeting_label=meeting_label,
                meeting_held_on=meeting_held_on,
            )

    @router.callback_query(MeetingFinished.filter())
    async def meeting_finished(
        query: CallbackQuery,
        callback_data: MeetingFinished,
        state: FSMContext,
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
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            await message.answer(t("meeting-finished", count=meeting.resolution_count))

    @router.message(StateFilter(ResolutionForm.text), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
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

    @router.callback_query(StateFilter(ResolutionForm.responsible_kind), ResponsibleKindPick.filter())
    async def got_kind(
        query: CallbackQuery,
        callback_data: ResponsibleKindPick,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        await query.answer()
        message = message_of(query)
        if message is None:
            return
        try:
            kind = ResponsibleKind(callback_data.kind)
        except ValueError:
            return
        data = await state.get_data()
        back = (t("resolution-button-back"), ResponsiblePick(value="back").pack())
        if kind is ResponsibleKind.COMMITTEE:
            buttons = [
                (t(f"committee-{key.value}"), ResponsiblePick(value=key.value).pack()) for key in CommitteeKey
            ]
            prompt = t("resolution-ask-committee")
        elif kind is ResponsibleKind.AGENCY:
            buttons = [
                (agency_name(agency, t), ResponsiblePick(value=str(agency.id)).pack())
                for agency in await list_agencies(session)
            ]
            prompt = t("resolution-ask-agency")
        else:
            try:
                members = await list_members(
                    session, actor=Actor.from_viewer(viewer), neighbourhood_id=data["neighbourhood_id"]
                )
            except PermissionDenied:
                members = []
            if not members:
                await message.edit_text(
                    t("resolution-no-members") + "\n\n" + t("resolution-ask-responsible"),
                    reply_markup=responsible_kind_keyboard(t),
                )
                return
            buttons = [(m.full_name or "—", ResponsiblePick(value=str(m.id)).pack()) for m in members]
            prompt = t("resolution-ask-member")
        await state.update_data(responsible_kind=kind.value)
        await state.set_state(ResolutionForm.responsible)
        await message.edit_text(prompt, reply_markup=keyboard([*_rows(buttons, 2), [back]]))

    @router.callback_query(StateFilter(ResolutionForm.responsible), ResponsiblePick.filter())
    async def got_responsible(
        query: CallbackQuery,
        callback_data: ResponsiblePick,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        message = message_of(query)
        if message is None:
            return
        if callback_data.value == "back":
            await state.set_state(ResolutionForm.responsible_kind)
            await message.edit_text(
                t("resolution-ask-responsible"), reply_markup=responsible_kind_keyboard(t)
            )
            return
        data = await state.get_data()
        kind = ResponsibleKind(data["responsible_kind"])
        label: str | None = None
        if kind is ResponsibleKind.COMMITTEE:
            try:
                label = t(
                    "resolution-responsible-committee",
                    committee=t(f"committee-{CommitteeKey(callback_data.value).value}"),
                )
            except ValueError:
                return
        elif kind is ResponsibleKind.AGENCY:
            agency = next((a for a in await list_agencies(session) if str(a.id) == callback_data.value), None)
            label = t("resolution-responsible-agency", agency=agency_name(agency, t)) if agency else None
        else:
            members = await list_members(
                session, actor=Actor.from_viewer(viewer), neighbourhood_id=data["neighbourhood_id"]
            )
            member = next((m for m in members if str(m.id) == callback_data.value), None)
            label = t("resolution-responsible-member", name=member.full_name or "—") if member else None
        if label is None:
            return
        await state.update_data(responsible_value=callback_data.value, responsible_label=label)
        await message.edit_reply_markup(reply_markup=None)
        await ask_deadline(message, state, t, tehran_today(clock()))

    async def ask_deadline(message: Message, state: FSMContext, t: BoundTranslator, today: date) -> None:
        await state.set_state(ResolutionForm.deadline)
        await message.answer(
            t("resolution-ask-deadline", example=format_jalali_numeric(today, t.locale)),
            reply_markup=calendar_for(t, today, purpose=DEADLINE_CALENDAR),
        )

    async def deadline_chosen(
        message: Message, state: FSMContext, t: BoundTranslator, deadline: date, today: date
    ) -> None:
        """A date typed or picked: refused when impossible, questioned when before today or the
        meeting, else taken (a warning still waiting then loses its buttons)."""
        try:
            check_deadline(deadline, today)
        except DateOutOfRange as error:
            key = "resolution-deadline-too-old" if error.reason == "past" else "resolution-deadline-too-far"
            await message.answer(t(key, limit=format_jalali_date(error.limit, t.locale)))
            return
        await retire_doubt(message, state)
        held_on = (await state.get_data()).get("meeting_held_on")
        doubt = doubt_deadline(deadline, today, date.fromisoformat(held_on) if held_on else None)
        if doubt is not None:
            await warn_of_deadline(message, state, t, doubt)
            return
        await deadline_taken(message, state, t, deadline)

    async def deadline_taken(message: Message, state: FSMContext, t: BoundTranslator, deadline: date) -> None:
        await state.update_data(deadline=deadline.isoformat(), doubtful_deadline=None)
        await state.set_state(ResolutionForm.priority)
        await message.answer(
            t("resolution-ask-priority", deadline=format_jalali_date(deadline, t.locale)),
            reply_markup=priority_keyboard(t),
        )

    async def warn_of_deadline(
        message: Message, state: FSMContext, t: BoundTranslator, doubt: DeadlineDoubt
    ) -> None:
        """Ask whether a doubtful deadline is meant, at the bottom of the chat (an earlier warning
        loses its buttons)."""
        await retire_doubt(message, state)
        await state.set_state(ResolutionForm.deadline_doubt)
        sent = await message.answer(deadline_doubt_text(t, doubt), reply_markup=deadline_doubt_keyboard(t))
        await state.update_data(
            doubtful_deadline=doubt.deadline.isoformat(),
            doubt_reason=doubt.reason.value,
            doubt_compared_with=doubt.compared_with.isoformat(),
            doubt_message_id=sent.message_id,
        )

    async def warn_again(message: Message, state: FSMContext, t: BoundTranslator) -> bool:
        """The pending warning asked again below; False when none is pending."""
        data = await state.get_data()
        if not data.get("doubtful_deadline"):
            return False
        doubt = DeadlineDoubt(
            DeadlineDoubtReason(data["doubt_reason"]),
            date.fromisoformat(data["doubtful_deadline"]),
            date.fromisoformat(data["doubt_compared_with"]),
        )
        await warn_of_deadline(message, state, t, doubt)
        return True

    async def retire_doubt(message: Message, state: FSMContext) -> None:
        """Take the buttons off the pending warning, if any (another date was typed or picked, or
        the warning is asked again below)."""
        data = await state.get_data()
        warning = data.get("doubt_message_id")
        if not warning:
            return
        await state.update_data(doubt_message_id=None)
        if message.bot is None:
            return
        try:
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=warning, reply_markup=None
            )
        except TelegramBadRequest:  # too old to edit, or already without buttons
            pass

    @router.message(
        StateFilter(ResolutionForm.deadline, ResolutionForm.deadline_doubt),
        F.text,
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    async def deadline_typed(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
        # While a warning waits, a date typed is simply another choice; other words ask it again.
        today = tehran_today(clock())
        try:
            deadline = parse_jalali_date(message.text or "")
        except DateParseError as error:
            if await state.get_state() == ResolutionForm.deadline_doubt.state and await warn_again(
                message, state, t
            ):
                return
            # The calendar again, at the bottom, under what was wrong.
            await reask(
                message,
                state,
                t(f"resolution-bad-date-{error.reason}", example=format_jalali_numeric(today, t.locale)),
            )
            return
        await deadline_chosen(message, state, t, deadline, today)

    @router.callback_query(
        StateFilter(ResolutionForm.deadline, ResolutionForm.deadline_doubt),
        CalendarPress.filter((F.action == "day") & (F.purpose == DEADLINE_CALENDAR)),
    )
    async def deadline_picked(
        query: CallbackQuery,
        callback_data: CalendarPress,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        try:
            deadline = picked_date(callback_data)
        except ValueError:
            return
        if (message := message_of(query)) is not None:
            await deadline_chosen(message, state, t, deadline, tehran_today(clock()))

    @router.callback_query(StateFilter(ResolutionForm.deadline_doubt), DeadlineDoubtAnswer.filter())
    async def deadline_doubt_answered(
        query: CallbackQuery,
        callback_data: DeadlineDoubtAnswer,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        message = await drop_buttons(query)
        data = await state.update_data(doubt_message_id=None)
        if message is None:
            return
        doubtful = data.get("doubtful_deadline")
        if callback_data.keep and doubtful:
            await deadline_taken(message, state, t, date.fromisoformat(doubtful))
        else:
            await ask_deadline(message, state, t, tehran_today(clock()))

    @router.callback_query(StateFilter(ResolutionForm.priority), PriorityPick.filter())
    async def got_priority(
        query: CallbackQuery, callback_data: PriorityPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        await query.answer()
        try:
            priority = ResolutionPriority(callback_data.priority)
        except ValueError:
            return
        data = await state.update_data(priority=priority.value)
        await state.set_state(ResolutionForm.confirm)
        if (message := await drop_buttons(query)) is not None:
            await message.answer(_summary(data, t), reply_markup=confirm_keyboard(t))

    @router.callback_query(StateFilter(ResolutionForm.confirm), ConfirmResolution.filter())
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
        await query.answer()
        message = await drop_buttons(query)
        data = await state.get_data()
        meeting_id = data.get("meeting_id")
        if not callback_data.save:
            await state.clear()
            if message is not None:
                await message.answer(t("resolution-not-saved"))
                if meeting_id:
                    await message.answer(
                        t("meeting-offer-more"), reply_markup=meeting_offer_keyboard(t, meeting_id)
                    )
            return
        kind = ResponsibleKind(data["responsible_kind"])
        value = data["responsible_value"]
        responsible = (
            Responsible.of_committee(value)
            if kind is ResponsibleKind.COMMITTEE
            else Responsible.of_agency(int(value))
            if kind is ResponsibleKind.AGENCY
            else Responsible.of_member(int(value))
        )
        now = clock()
        try:
            view = await add_resolution(
                session,
                translator,
                actor=Actor.from_viewer(viewer),
                neighbourhood_id=data["neighbourhood_id"],
                text=data["text"],
                responsible=responsible,
                deadline=date.fromisoformat(data["deadline"]),
                priority=ResolutionPriority(data["priority"]),
                meeting_id=meeting_id,
                now=now,
            )
        except (UnknownMember, UnknownAgency, InvalidResponsible):
            # The member left the council in the meantime: choose again, nothing was saved.
            await state.set_state(ResolutionForm.responsible_kind)
            if message is not None:
                await message.answer(
                    t("resolution-responsible-gone"), reply_markup=responsible_kind_keyboard(t)
                )
            return
        except DateOutOfRange:
            if message is not None:
                await ask_deadline(message, state, t, tehran_today(now))
            return
        except (PermissionDenied, UnknownMeeting):
            await state.clear()
            if message is not None:
                await message.answer(t("resolution-not-manager"))
            return
        await state.clear()
        if message is None:
            return
        await message.answer(
            t("resolution-saved", id=view.id, who=data["responsible_label"])
            + "\n"
            + await told_lines(session, t, await who_was_told_of_new(session, view.id), deep_link)
            + "\n\n"
            + describe_resolution(t, view, tehran_today(now))
        )
        if meeting_id:
            await message.answer(t("meeting-offer-more"), reply_markup=meeting_offer_keyboard(t, meeting_id))

    @router.message(StateFilter(ResolutionForm), ~F.text.startswith("/"), ~AnyMenuPress())
    async def form_expects_something_else(
        message: Message, state: FSMContext, t: BoundTranslator, clock: Clock
    ) -> None:
        current = await state.get_state()
        if current == ResolutionForm.deadline_doubt.state and await warn_again(message, state, t):
            return  # the question again, below, with its buttons
        if current == ResolutionForm.text.state:
            await message.answer(t("resolution-text-expected"))
        elif current == ResolutionForm.deadline.state:
            await reask(
                message,
                state,
                t(
                    "resolution-deadline-expected",
                    example=format_jalali_numeric(tehran_today(clock()), t.locale),
                ),
            )
        else:
            await reask(message, state, t("resolution-use-buttons"))

    # ---- reporting progress ----

    @router.callback_query(StartUpdate.filter())
    async def start_update(
        query: CallbackQuery,
        callback_data: StartUpdate,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        actor = Actor.from_viewer(viewer)
        if not await may_update(session, actor, callback_data.resolution_id):
            await query.answer(t("resolutions-not-allowed"), show_alert=True)
            return
        view = await get_resolution(session, actor=actor, resolution_id=callback_data.resolution_id)
        await query.answer()
        await state.clear()
        await state.set_state(UpdateForm.progress)
        await state.update_data(resolution_id=view.id)
        if (message := message_of(query)) is not None:
            await message.answer(
                t(
                    "resolution-ask-progress",
                    id=view.id,
                    text=view.text[:200],
                    progress=view.progress,
                    status=t(f"resolution-status-{view.status.value}"),
                ),
                reply_markup=progress_keyboard(t),
            )

    async def ask_note(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(UpdateForm.note)
        await message.answer(
            t("resolution-ask-note", max=MAX_NOTE_LENGTH), reply_markup=skip_note_keyboard(t)
        )

    @router.callback_query(StateFilter(UpdateForm.progress), ProgressPick.filter())
    async def progress_picked(
        query: CallbackQuery, callback_data: ProgressPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        await query.answer()
        await state.update_data(progress=callback_data.value, status=None)
        if (message := await drop_buttons(query)) is not None:
            await ask_note(message, state, t)

    @router.message(StateFilter(UpdateForm.progress), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def progress_typed(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            progress = parse_progress(message.text or "")
        except InvalidProgress:
            await message.answer(t("resolution-bad-progress"), reply_markup=progress_keyboard(t))
            return
        await state.update_data(progress=progress, status=None)
        await ask_note(message, state, t)

    @router.callback_query(StateFilter(UpdateForm.progress), StatusMenu.filter())
    async def status_menu(
        query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await query.answer()
        data = await state.get_data()
        try:
            view = await get_resolution(
                session, actor=Actor.from_viewer(viewer), resolution_id=data["resolution_id"]
            )
            manages = await can_manage_neighbourhood(
                session, Actor.from_viewer(viewer), view.neighbourhood_id
            )
        except (PermissionDenied, UnknownResolution):
            manages = False
        if (message := message_of(query)) is not None:
            await ask_next(message, t("resolution-ask-status"), status_keyboard(t, manages=manages))

    @router.callback_query(StateFilter(UpdateForm.progress), StatusPick.filter())
    async def status_picked(
        query: CallbackQuery, callback_data: StatusPick, state: FSMContext, t: BoundTranslator
    ) -> None:
        await query.answer()
        try:
            status = ResolutionStatus(callback_data.status)
        except ValueError:
            return
        await state.update_data(progress=None, status=status.value)
        if (message := await drop_buttons(query)) is not None:
            await ask_note(message, state, t)

    async def save_update(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        translator: Translator,
        clock: Clock,
        note: str | None,
    ) -> None:
        data = await state.get_data()
        try:
            view = await update_progress(
                session,
                translator,
                actor=Actor.from_viewer(viewer),
                resolution_id=data["resolution_id"],
                progress=data.get("progress"),
                status=ResolutionStatus(data["status"]) if data.get("status") else None,
                note=note,
                now=clock(),
            )
        except TextTooLong as error:
            await message.answer(t("resolution-note-too-long", length=error.length, max=MAX_NOTE_LENGTH))
            return
        except InvalidProgress:
            await state.set_state(UpdateForm.progress)
            await message.answer(t("resolution-progress-contradicts"), reply_markup=progress_keyboard(t))
            return
        except NothingToUpdate:
            await state.clear()
            await message.answer(t("resolution-nothing-changed"))
            return
        except ResolutionClosed as error:
            await state.clear()
            await message.answer(t("resolution-closed", status=t(f"resolution-status-{error.status.value}")))
            return
        except (PermissionDenied, UnknownResolution):
            await state.clear()
            await message.answer(t("resolutions-not-allowed"))
            return
        await state.clear()
        await message.answer(
            t(
                "resolution-updated",
                id=view.id,
                progress=view.progress,
                status=t(f"resolution-status-{view.status.value}"),
            )
        )

    @router.message(StateFilter(UpdateForm.note), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def note_typed(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        translator: Translator,
        clock: Clock,
    ) -> None:
        try:
            note = clean_note(message.text)
        except TextTooLong as error:
            await message.answer(t("resolution-note-too-long", length=error.length, max=MAX_NOTE_LENGTH))
            return
        await save_update(message, state, session, viewer, t, translator, clock, note)

    @router.callback_query(StateFilter(UpdateForm.note), SkipNote.filter())
    async def note_skipped(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        translator: Translator,
        clock: Clock,
    ) -> None:
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            await save_update(message, state, session, viewer, t, translator, clock, None)

    @router.message(StateFilter(UpdateForm), ~F.text.startswith("/"), ~AnyMenuPress())
    async def update_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        if await state.get_state() == UpdateForm.progress.state:
            await message.answer(t("resolution-bad-progress"), reply_markup=progress_keyboard(t))
        else:
            await message.answer(t("resolution-note-expected"), reply_markup=skip_note_keyboard(t))

    # A button of a form that is no longer open (answered already, or /cancel).
    @router.callback_query(ResponsibleKindPick.filter())
    @router.callback_query(ResponsiblePick.filter())
    @router.callback_query(DeadlineDoubtAnswer.filter())
    @router.callback_query(PriorityPick.filter())
    @router.callback_query(ConfirmResolution.filter())
    @router.callback_query(ProgressPick.filter())
    @router.callback_query(StatusMenu.filter())
    @router.callback_query(StatusPick.filter())
    @router.callback_query(SkipNote.filter())
    @router.callback_query(CalendarPress.filter((F.action == "day") & (F.purpose == DEADLINE_CALENDAR)))
    async def stale_form_button(query: CallbackQuery, t: BoundTranslator) -> None:
        await query.answer(t("resolution-form-closed"), show_alert=True)
        await drop_buttons(query)

    return router
