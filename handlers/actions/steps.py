"""/action and the form's steps up to the summary: the typed ones (title, description, date,
photos) and the button ones (committee, programme, the resolution it answers, whether it
completes it, public or internal). Each step keeps its answer in the form's data and asks the
next question; nothing is saved here."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.actions.form import (
    NO_PROGRAMME,
    WHOLE_COUNCIL,
    ActionCommittee,
    ActionCompletes,
    ActionForm,
    ActionLink,
    ActionProgramme,
    ActionSkip,
    ActionToday,
    ActionVisibility,
    ask,
    photos_done_keyboard,
)
from handlers.forms import pressed
from handlers.menu import AnyMenuPress, MenuPress
from models.council import CommitteeKey
from services.accounts import Viewer
from services.actions import (
    MAX_DESCRIPTION_LENGTH,
    MAX_PHOTOS,
    MAX_TITLE_LENGTH,
    MIN_TITLE_LENGTH,
    DateInFuture,
    DateTooOld,
    DescriptionTooLong,
    TitleTooLong,
    TitleTooShort,
    action_neighbourhoods,
    check_done_on,
    clean_description,
    clean_title,
    open_resolutions,
)
from services.authz import Actor
from services.clock import Clock
from services.council import PROGRAMME_KEYS
from services.i18n import BoundTranslator
from services.jalali import DateParseError, format_jalali_numeric, parse_jalali_date, tehran_today

# ---- the command ----


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
    await ask(message, state, t, ActionForm.title, tehran_today(clock()))


# ---- typed steps ----


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
    await ask(message, state, t, ActionForm.description, tehran_today(clock()))


async def title_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("action-title-expected", min=MIN_TITLE_LENGTH, max=MAX_TITLE_LENGTH))


async def got_description(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    try:
        description = clean_description(message.text or "")
    except DescriptionTooLong as error:
        await message.answer(
            t("action-description-too-long", length=len(str(error)), max=MAX_DESCRIPTION_LENGTH)
        )
        return
    await state.update_data(description=description)
    await ask(message, state, t, ActionForm.committee, tehran_today(clock()))


async def skip_description(query: CallbackQuery, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        await state.update_data(description=None)
        await ask(message, state, t, ActionForm.committee, tehran_today(clock()))


async def got_date(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    now = clock()
    try:
        done_on = check_done_on(parse_jalali_date(message.text or ""), now)
    except DateParseError as error:
        await message.answer(
            t(f"action-bad-date-{error.reason}", example=format_jalali_numeric(tehran_today(now), t.locale))
        )
        return
    except DateInFuture:
        await message.answer(t("action-date-in-future"))
        return
    except DateTooOld:
        await message.answer(t("action-date-too-old"))
        return
    await state.update_data(done_on=done_on.isoformat())
    await ask(message, state, t, ActionForm.photos, tehran_today(now))


async def today_pressed(query: CallbackQuery, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        today = tehran_today(clock())
        await state.update_data(done_on=today.isoformat())
        await ask(message, state, t, ActionForm.photos, today)


async def got_photo(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    photos = (await state.get_data()).get("photos", [])
    if len(photos) >= MAX_PHOTOS or not message.photo:
        await message.answer(t("action-photo-limit", max=MAX_PHOTOS), reply_markup=photos_done_keyboard(t))
        return
    photos = [*photos, [viewer.platform.value, message.photo[-1].file_id]]
    await state.update_data(photos=photos)
    await message.answer(
        t("action-photo-added", count=len(photos), max=MAX_PHOTOS), reply_markup=photos_done_keyboard(t)
    )


async def photos_done(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    data = await state.get_data()
    # Someone who may no longer log actions there: handlers.errors says so and ends the form.
    choices = await open_resolutions(
        session, actor=Actor.from_viewer(viewer), neighbourhood_id=int(data["neighbourhood_id"])
    )
    today = tehran_today(clock())
    if not choices:
        await state.update_data(choices=[], resolution_id=None, completes=False)
        await ask(message, state, t, ActionForm.visibility, today)
        return
    await state.update_data(choices=[[c.id, c.text, c.progress, c.can_complete] for c in choices])
    await ask(message, state, t, ActionForm.link, today)


# ---- button steps ----


async def committee_picked(
    query: CallbackQuery, callback_data: ActionCommittee, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    if callback_data.key != WHOLE_COUNCIL and callback_data.key not in {c.value for c in CommitteeKey}:
        await query.answer()  # a forged committee: nothing to choose
        return
    if (message := await pressed(query, drop=True)) is not None:
        await state.update_data(committee=None if callback_data.key == WHOLE_COUNCIL else callback_data.key)
        await ask(message, state, t, ActionForm.programme, tehran_today(clock()))


async def programme_picked(
    query: CallbackQuery, callback_data: ActionProgramme, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    if callback_data.key != NO_PROGRAMME and callback_data.key not in PROGRAMME_KEYS:
        await query.answer()  # a forged programme: nothing to choose
        return
    if (message := await pressed(query, drop=True)) is not None:
        await state.update_data(programme=None if callback_data.key == NO_PROGRAMME else callback_data.key)
        await ask(message, state, t, ActionForm.done_on, tehran_today(clock()))


async def link_picked(
    query: CallbackQuery, callback_data: ActionLink, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    data = await state.get_data()
    choice = next((c for c in data.get("choices", []) if c[0] == callback_data.resolution_id), None)
    if callback_data.resolution_id and choice is None:
        await query.answer()  # not one of the resolutions offered
        return
    message = await pressed(query, drop=True)
    if message is None:
        return
    today = tehran_today(clock())
    await state.update_data(resolution_id=choice[0] if choice else None, completes=False)
    if choice is not None and choice[3]:
        await ask(message, state, t, ActionForm.completes, today)
    else:
        await ask(message, state, t, ActionForm.visibility, today)


async def completes_picked(
    query: CallbackQuery, callback_data: ActionCompletes, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        await state.update_data(completes=callback_data.yes)
        await ask(message, state, t, ActionForm.visibility, tehran_today(clock()))


async def visibility_picked(
    query: CallbackQuery, callback_data: ActionVisibility, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        await state.update_data(public=callback_data.public)
        await ask(message, state, t, ActionForm.confirm, tehran_today(clock()))


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    # The command first, so it also works in the middle of another form.
    router.message.register(start_action, MenuPress("action"))
    router.message.register(start_action, Command("action"))
    # Typed steps.
    router.message.register(got_title, StateFilter(ActionForm.title), *typed)
    router.message.register(
        title_expected, StateFilter(ActionForm.title), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.message.register(got_description, StateFilter(ActionForm.description), *typed)
    router.callback_query.register(
        skip_description, StateFilter(ActionForm.description), ActionSkip.filter(F.step == "description")
    )
    router.message.register(got_date, StateFilter(ActionForm.done_on), *typed)
    router.callback_query.register(today_pressed, StateFilter(ActionForm.done_on), ActionToday.filter())
    router.message.register(got_photo, StateFilter(ActionForm.photos), F.photo)
    router.callback_query.register(
        photos_done, StateFilter(ActionForm.photos), ActionSkip.filter(F.step == "photos")
    )
    # Button steps.
    router.callback_query.register(
        committee_picked, StateFilter(ActionForm.committee), ActionCommittee.filter()
    )
    router.callback_query.register(
        programme_picked, StateFilter(ActionForm.programme), ActionProgramme.filter()
    )
    router.callback_query.register(link_picked, StateFilter(ActionForm.link), ActionLink.filter())
    router.callback_query.register(
        completes_picked, StateFilter(ActionForm.completes), ActionCompletes.filter()
    )
    router.callback_query.register(
        visibility_picked, StateFilter(ActionForm.visibility), ActionVisibility.filter()
    )
    return router
