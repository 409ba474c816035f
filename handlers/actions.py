"""/action: the council's manager or a member logs an action (اقدام) in a short guided form —
title, description, committee, national programme, date, photos, an optional open resolution it
answers (and whether it completes it), public or internal, then a summary to confirm. Nothing is
saved before the confirm."""

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

from handlers.keyboards import drop_buttons, keyboard
from handlers.menu import AnyMenuPress, MenuPress, main_menu
from models.council import CommitteeKey
from services.accounts import Viewer
from services.actions import (
    MAX_DESCRIPTION_LENGTH,
    MAX_PHOTOS,
    MAX_TITLE_LENGTH,
    MIN_TITLE_LENGTH,
    CannotComplete,
    DateInFuture,
    DateTooOld,
    DescriptionTooLong,
    TitleTooLong,
    TitleTooShort,
    UnknownLink,
    action_neighbourhoods,
    check_done_on,
    clean_description,
    clean_title,
    log_action,
    open_resolutions,
)
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import PROGRAMME_KEYS
from services.i18n import BoundTranslator
from services.jalali import (
    DateParseError,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali_date,
    tehran_today,
)
from services.requests import Photo

# The committee choice for an action of the whole council (no committee).
WHOLE_COUNCIL = "council"
NO_PROGRAMME = "none"
# Long resolution texts are cut on their button.
BUTTON_TEXT_LIMIT = 40


class ActionForm(StatesGroup):
    title = State()
    description = State()
    committee = State()
    programme = State()
    done_on = State()
    photos = State()
    link = State()
    completes = State()
    visibility = State()
    confirm = State()


class ActionSkip(CallbackData, prefix="acs"):
    # "description" or "photos"
    step: str


class ActionCommittee(CallbackData, prefix="acc"):
    key: str


class ActionProgramme(CallbackData, prefix="acp"):
    key: str


class ActionToday(CallbackData, prefix="act"):
    pass


class ActionLink(CallbackData, prefix="acl"):
    # 0: not linked to a resolution.
    resolution_id: int


class ActionCompletes(CallbackData, prefix="acd"):
    yes: bool


class ActionVisibility(CallbackData, prefix="acv"):
    public: bool


class ActionConfirm(CallbackData, prefix="acf"):
    ok: bool


def _short(text: str, limit: int = BUTTON_TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _pairs(buttons: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def committee_label(t: BoundTranslator, key: str | None) -> str:
    return t("action-whole-council") if key in (None, WHOLE_COUNCIL) else t(f"committee-{key}")


def programme_label(t: BoundTranslator, key: str | None) -> str:
    return t("action-no-programme") if key in (None, NO_PROGRAMME) else t(f"programme-{key}")


# ---- each step's question and keyboard (asked again after bad input) ----


def _step_prompt(
    t: BoundTranslator, step: str, data: dict[str, Any], today: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    if step == ActionForm.title.state:
        return t("action-ask-title", min=MIN_TITLE_LENGTH, max=MAX_TITLE_LENGTH), None
    if step == ActionForm.description.state:
        markup = keyboard([[(t("action-button-skip"), ActionSkip(step="description").pack())]])
        return t("action-ask-description", max=MAX_DESCRIPTION_LENGTH), markup
    if step == ActionForm.committee.state:
        buttons = [
            (t(f"committee-{key.value}"), ActionCommittee(key=key.value).pack()) for key in CommitteeKey
        ]
        buttons.append((t("action-whole-council"), ActionCommittee(key=WHOLE_COUNCIL).pack()))
        return t("action-ask-committee"), keyboard(_pairs(buttons))
    if step == ActionForm.programme.state:
        buttons = [(t(f"programme-{key}"), ActionProgramme(key=key).pack()) for key in PROGRAMME_KEYS]
        buttons.append((t("action-no-programme"), ActionProgramme(key=NO_PROGRAMME).pack()))
        return t("action-ask-programme"), keyboard(_pairs(buttons))
    if step == ActionForm.done_on.state:
        markup = keyboard([[(t("action-button-today"), ActionToday().pack())]])
        return t("action-ask-date", example=format_jalali_numeric(today, t.locale)), markup
    if step == ActionForm.photos.state:
        label = "action-button-photos-done" if data.get("photos") else "action-button-no-photos"
        markup = keyboard([[(t(label), ActionSkip(step="photos").pack())]])
        return t("action-ask-photos", max=MAX_PHOTOS), markup
    if step == ActionForm.link.state:
        rows = [
            [
                (
                    t("action-button-resolution", text=_short(text), progress=progress),
                    ActionLink(resolution_id=rid).pack(),
                )
            ]
            for rid, text, progress, _can in data.get("choices", [])
        ]
        rows.append([(t("action-button-no-link"), ActionLink(resolution_id=0).pack())])
        return t("action-ask-link"), keyboard(rows)
    if step == ActionForm.completes.state:
        return t("action-ask-completes"), keyboard(
            [
                [(t("action-button-completes-yes"), ActionCompletes(yes=True).pack())],
                [(t("action-button-completes-no"), ActionCompletes(yes=False).pack())],
            ]
        )
    if step == ActionForm.visibility.state:
        return t("action-ask-visibility"), keyboard(
            [
                [(t("action-button-public"), ActionVisibility(public=True).pack())],
                [(t("action-button-internal"), ActionVisibility(public=False).pack())],
            ]
        )
    return summary(t, data), keyboard(
        [
            [
                (t("action-button-save"), ActionConfirm(ok=True).pack()),
                (t("action-button-discard"), ActionConfirm(ok=False).pack()),
            ]
        ]
    )


def summary(t: BoundTranslator, data: dict[str, Any]) -> str:
    """The action as it will be saved, for the confirm step."""
    linked = next((c for c in data.get("choices", []) if c[0] == data.get("resolution_id")), None)
    lines = [
        t("action-summary-title", title=data["title"]),
        t("action-summary-description", description=data.get("description") or t("action-none")),
        t("action-summary-committee", committee=committee_label(t, data.get("committee"))),
        t("action-summary-programme", programme=programme_label(t, data.get("programme"))),
        t("action-summary-date", date=format_jalali_date(date.fromisoformat(data["done_on"]), t.locale)),
        t("action-summary-photos", count=len(data.get("photos", []))),
    ]
    if linked is not None:
        lines.append(t("action-summary-link", text=_short(linked[1], 80)))
        if data.get("completes"):
            lines.append(t("action-summary-completes"))
    lines.append(t("action-summary-public" if data.get("public", True) else "action-summary-internal"))
    return t("action-summary-head") + "\n" + "\n".join(lines)


async def _ask(
    message: Message, state: FSMContext, t: BoundTranslator, step: State, today: date, prefix: str = ""
) -> None:
    await state.set_state(step)
    text, markup = _step_prompt(t, step.state or "", await state.get_data(), today)
    await message.answer((prefix + "\n\n" + text) if prefix else text, reply_markup=markup)


def setup() -> Router:
    router = Router(name=__name__)

    # ---- the command (first, so it also works in the middle of another form) ----

    @router.message(Command("action"))
    @router.message(MenuPress("action"))
    async def start_action(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await state.clear()
        if viewer.person_id is None:
            await message.answer(t("join-register-first"))
            return
        neighbourhoods = await action_neighbourhoods(session, Actor.from_viewer(viewer))
        if not neighbourhoods:
            await message.answer(t("action-not-allowed"))
            return
        await state.set_data({"neighbourhood_id": neighbourhoods[0], "photos": []})
        await _ask(message, state, t, ActionForm.title, tehran_today(clock()))

    # ---- typed steps ----

    @router.message(StateFilter(ActionForm.title), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def got_title(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
        try:
            title = clean_title(message.text or "")
        except TitleTooShort:
            await message.answer(t("action-title-too-short", min=MIN_TITLE_LENGTH))
            return
        except TitleTooLong as error:
            await message.answer(t("action-title-too-long", length=len(str(error)), max=MAX_TITLE_LENGTH))
            return
        await state.update_data(title=title)
        await _ask(message, state, t, ActionForm.description, tehran_today(clock()))

    @router.message(StateFilter(ActionForm.title), ~F.text.startswith("/"), ~AnyMenuPress())
    async def title_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("action-title-expected", min=MIN_TITLE_LENGTH, max=MAX_TITLE_LENGTH))

    @router.message(StateFilter(ActionForm.description), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def got_description(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
        try:
            description = clean_description(message.text or "")
        except DescriptionTooLong as error:
            await message.answer(
                t("action-description-too-long", length=len(str(error)), max=MAX_DESCRIPTION_LENGTH)
            )
            return
        await state.update_data(description=description)
        await _ask(message, state, t, ActionForm.committee, tehran_today(clock()))

    @router.callback_query(StateFilter(ActionForm.description), ActionSkip.filter(F.step == "description"))
    async def skip_description(
        query: CallbackQuery, state: FSMContext, t: BoundTranslator, clock: Clock
    ) -> None:
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            await state.update_data(description=None)
            await _ask(message, state, t, ActionForm.committee, tehran_today(clock()))

    @router.message(StateFilter(ActionForm.done_on), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def got_date(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
        now = clock()
        try:
            done_on = check_done_on(parse_jalali_date(message.text or ""), now)
        except DateParseError as error:
            await message.answer(
                t(
                    f"action-bad-date-{error.reason}",
                    example=format_jalali_numeric(tehran_today(now), t.locale),
                )
            )
            return
        except DateInFuture:
            await message.answer(t("action-date-in-future"))
            return
        except DateTooOld:
            await message.answer(t("action-date-too-old"))
            return
        await state.update_data(done_on=done_on.isoformat())
        await _ask(message, state, t, ActionForm.photos, tehran_today(now))

    @router.callback_query(StateFilter(ActionForm.done_on), ActionToday.filter())
    async def today_pressed(
        query: CallbackQuery, state: FSMContext, t: BoundTranslator, clock: Clock
    ) -> None:
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            today = tehran_today(clock())
            await state.update_data(done_on=today.isoformat())
            await _ask(message, state, t, ActionForm.photos, today)

    @router.message(StateFilter(ActionForm.photos), F.photo)
    async def got_photo(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        photos = (await state.get_data()).get("photos", [])
        if len(photos) >= MAX_PHOTOS or not message.photo:
            await message.answer(
                t("action-photo-limit", max=MAX_PHOTOS),
                reply_markup=keyboard([[(t("action-button-photos-done"), ActionSkip(step="photos").pack())]]),
            )
            return
        photos = [*photos, [viewer.platform.value, message.photo[-1].file_id]]
        await state.update_data(photos=photos)
        await message.answer(
            t("action-photo-added", count=len(photos), max=MAX_PHOTOS),
            reply_markup=keyboard([[(t("action-button-photos-done"), ActionSkip(step="photos").pack())]]),
        )

    @router.callback_query(StateFilter(ActionForm.photos), ActionSkip.filter(F.step == "photos"))
    async def photos_done(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        message = await drop_buttons(query)
        if message is None:
            return
        data = await state.get_data()
        try:
            choices = await open_resolutions(
                session, actor=Actor.from_viewer(viewer), neighbourhood_id=int(data["neighbourhood_id"])
            )
        except PermissionDenied:
            await state.clear()
            await message.answer(t("action-not-allowed"))
            return
        today = tehran_today(clock())
        if not choices:
            await state.update_data(choices=[], resolution_id=None, completes=False)
            await _ask(message, state, t, ActionForm.visibility, today)
            return
        await state.update_data(choices=[[c.id, c.text, c.progress, c.can_complete] for c in choices])
        await _ask(message, state, t, ActionForm.link, today)

    # ---- button steps ----

    @router.callback_query(StateFilter(ActionForm.committee), ActionCommittee.filter())
    async def committee_picked(
        query: CallbackQuery,
        callback_data: ActionCommittee,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        if callback_data.key != WHOLE_COUNCIL and callback_data.key not in {c.value for c in CommitteeKey}:
            return
        if (message := await drop_buttons(query)) is not None:
            await state.update_data(
                committee=None if callback_data.key == WHOLE_COUNCIL else callback_data.key
            )
            await _ask(message, state, t, ActionForm.programme, tehran_today(clock()))

    @router.callback_query(StateFilter(ActionForm.programme), ActionProgramme.filter())
    async def programme_picked(
        query: CallbackQuery,
        callback_data: ActionProgramme,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        if callback_data.key != NO_PROGRAMME and callback_data.key not in PROGRAMME_KEYS:
            return
        if (message := await drop_buttons(query)) is not None:
            await state.update_data(
                programme=None if callback_data.key == NO_PROGRAMME else callback_data.key
            )
            await _ask(message, state, t, ActionForm.done_on, tehran_today(clock()))

    @router.callback_query(StateFilter(ActionForm.link), ActionLink.filter())
    async def link_picked(
        query: CallbackQuery, callback_data: ActionLink, state: FSMContext, t: BoundTranslator, clock: Clock
    ) -> None:
        await query.answer()
        data = await state.get_data()
        choice = next((c for c in data.get("choices", []) if c[0] == callback_data.resolution_id), None)
        if callback_data.resolution_id and choice is None:
            return
        message = await drop_buttons(query)
        if message is None:
            return
        today = tehran_today(clock())
        await state.update_data(resolution_id=choice[0] if choice else None, completes=False)
        if choice is not None and choice[3]:
            await _ask(message, state, t, ActionForm.completes, today)
        else:
            await _ask(message, state, t, ActionForm.visibility, today)

    @router.callback_query(StateFilter(ActionForm.completes), ActionCompletes.filter())
    async def completes_picked(
        query: CallbackQuery,
        callback_data: ActionCompletes,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            await state.update_data(completes=callback_data.yes)
            await _ask(message, state, t, ActionForm.visibility, tehran_today(clock()))

    @router.callback_query(StateFilter(ActionForm.visibility), ActionVisibility.filter())
    async def visibility_picked(
        query: CallbackQuery,
        callback_data: ActionVisibility,
        state: FSMContext,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            await state.update_data(public=callback_data.public)
            await _ask(message, state, t, ActionForm.confirm, tehran_today(clock()))

    @router.callback_query(StateFilter(ActionForm.confirm), ActionConfirm.filter())
    async def confirmed(
        query: CallbackQuery,
        callback_data: ActionConfirm,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        message = await drop_buttons(query)
        if message is None:
            return
        data = await state.get_data()
        await state.clear()
        if not callback_data.ok:
            await message.answer(t("action-discarded"), reply_markup=await main_menu(session, viewer, t))
            return
        try:
            view = await log_action(
                session,
                actor=Actor.from_viewer(viewer),
                neighbourhood_id=int(data["neighbourhood_id"]),
                title=data["title"],
                description=data.get("description"),
                committee=CommitteeKey(data["committee"]) if data.get("committee") else None,
                programme=data.get("programme"),
                done_on=date.fromisoformat(data["done_on"]),
                photos=[Photo(platform, file_id) for platform, file_id in data.get("photos", [])],
                resolution_id=data.get("resolution_id"),
                public=bool(data.get("public", True)),
                completes_resolution=bool(data.get("completes")),
                now=clock(),
            )
        except PermissionDenied:
            await message.answer(t("action-not-allowed"), reply_markup=await main_menu(session, viewer, t))
            return
        except (UnknownLink, CannotComplete):
            await message.answer(t("action-link-gone"), reply_markup=await main_menu(session, viewer, t))
            return
        except DateInFuture:
            await message.answer(t("action-date-in-future"), reply_markup=await main_menu(session, viewer, t))
            return
        except DateTooOld:
            await message.answer(t("action-date-too-old"), reply_markup=await main_menu(session, viewer, t))
            return
        lines = [t("action-logged-public" if view.public else "action-logged-internal", title=view.title)]
        if view.completed_resolution:
            lines.append(t("action-logged-completed"))
        await message.answer("\n".join(lines), reply_markup=await main_menu(session, viewer, t))

    # ---- bad input at the button steps: say so and show the buttons again ----

    @router.message(
        StateFilter(
            ActionForm.description,
            ActionForm.committee,
            ActionForm.programme,
            ActionForm.done_on,
            ActionForm.photos,
            ActionForm.link,
            ActionForm.completes,
            ActionForm.visibility,
            ActionForm.confirm,
        ),
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    async def button_expected(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
        current = await state.get_state()
        hint = {
            ActionForm.description.state: "action-description-expected",
            ActionForm.done_on.state: "action-date-expected",
            ActionForm.photos.state: "action-photos-expected",
        }.get(current or "", "action-button-expected")
        text, markup = _step_prompt(t, current or "", await state.get_data(), tehran_today(clock()))
        await message.answer(t(hint) + "\n\n" + text, reply_markup=markup)

    # A button of a form that is no longer open (answered already, or /cancel).
    @router.callback_query(ActionSkip.filter())
    @router.callback_query(ActionCommittee.filter())
    @router.callback_query(ActionProgramme.filter())
    @router.callback_query(ActionToday.filter())
    @router.callback_query(ActionLink.filter())
    @router.callback_query(ActionCompletes.filter())
    @router.callback_query(ActionVisibility.filter())
    @router.callback_query(ActionConfirm.filter())
    async def stale_form_button(query: CallbackQuery, t: BoundTranslator) -> None:
        await query.answer(t("action-form-closed"), show_alert=True)
        await drop_buttons(query)

    return router
