"""The request form, step by step: the resident's words (an emergency is sent at once), the
committee proposed or chosen, photos and a location, public or anonymous, then the request is
sent and the resident told its tracking code and who has it. The follow-or-new choice between
the committee and the extras is `handlers.requests.duplicate`; `handlers.talk` starts the form
with words written before it (`route_request_text`)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.forms import pressed, reask, stale_buttons
from handlers.keyboards import committee_keyboard, keyboard
from handlers.menu import AnyMenuPress, main_menu
from handlers.reach import holder_lines
from handlers.requests.duplicate import offer_similar
from handlers.requests.shared import (
    CommitteePick,
    DuplicateChoice,
    ExtrasDone,
    Privacy,
    RequestForm,
    ask_extras,
    daily_limit_text,
)
from models.council import CommitteeKey
from services.accounts import Viewer
from services.clock import Clock
from services.emergency import emergency_numbers_text
from services.i18n import BoundTranslator, Translator
from services.requests import (
    MAX_PHOTOS,
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
    DailyLimitReached,
    NewRequest,
    NotAResident,
    Photo,
    RoutingModel,
    Submitted,
    TextTooLong,
    TextTooShort,
    check_can_submit,
    clean_request_text,
    format_tracking_code,
    resident_neighbourhood,
    submit_request,
)
from services.routing_data import CONFIDENCE_THRESHOLD, RouteGuess


async def start_request_form(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    settings: Settings,
) -> None:
    """/request, 📝 and the «new request» next-step button: ask for the text, or say what is missing."""
    await state.clear()
    if viewer.person_id is None:
        await message.answer(t("join-register-first"))
        return
    try:
        await check_can_submit(
            session, person_id=viewer.person_id, now=clock(), daily_limit=settings.request_daily_limit
        )
    except NotAResident:
        await message.answer(t("request-need-join"))
        return
    except DailyLimitReached as error:
        await message.answer(daily_limit_text(t, error))
        return
    await state.set_state(RequestForm.text)
    await state.update_data(photos=[])
    await message.answer(t("request-ask-text", min=MIN_TEXT_LENGTH))


async def route_request_text(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    routing: RoutingModel,
    settings: Settings,
    raw: str | None,
) -> None:
    """The request form's first step, given the resident's words (typed in the form, or kept from a
    message they wrote before the form: `handlers.talk`): an emergency is sent at once, else the
    committee is proposed. `message` is where the answers go."""
    if not raw:
        await message.answer(t("request-attachment-needs-text"))
        return
    try:
        text = clean_request_text(raw)
    except TextTooShort:
        await message.answer(t("request-text-too-short", min=MIN_TEXT_LENGTH))
        return
    except TextTooLong as error:
        await message.answer(t("request-text-too-long", length=error.length, max=MAX_TEXT_LENGTH))
        return
    assert viewer.person_id is not None  # only registered people reach the form
    # The router's emergency verdict knows the handlers' corrections (services.emergency_detection).
    guess = await routing.route(text)
    if guess.emergency:
        await submit_emergency(message, state, session, viewer, t, translator, clock, text, settings)
        return
    await state.update_data(
        text=text, guess=[guess.committee, guess.confidence], urgent=guess.urgent, hazard=guess.hazard
    )
    await state.set_state(RequestForm.committee)
    await _propose_committee(message, t, guess)


# The button under a committee question when the words mention a danger the router did not take
# for an emergency (`RouteGuess.hazard`): one tap sends it as one.
DANGER_NOW = "danger"


async def _propose_committee(message: Message, t: BoundTranslator, guess: RouteGuess) -> None:
    """Ask which committee: the two the router is torn between, the one it is sure of, or all;
    first, when a danger is mentioned, whether it is happening now (one button sends it as an
    emergency)."""
    if guess.hazard:
        await message.answer(
            t("request-danger-now-question") + "\n" + emergency_numbers_text(t),
            reply_markup=keyboard(
                [[(t("request-button-danger-now"), CommitteePick(choice=DANGER_NOW).pack())]]
            ),
        )
    if len(guess.choices) == 2:
        # Torn between two committees: both as buttons, most likely first.
        first, second = guess.choices
        await message.answer(
            t(
                "request-propose-two-committees",
                first=t(f"committee-{first}"),
                second=t(f"committee-{second}"),
            ),
            reply_markup=keyboard(
                [
                    [(t(f"committee-{first}"), CommitteePick(choice=first).pack())],
                    [(t(f"committee-{second}"), CommitteePick(choice=second).pack())],
                    [(t("request-button-other-committee"), CommitteePick(choice="other").pack())],
                ]
            ),
        )
    elif guess.confidence >= CONFIDENCE_THRESHOLD:
        await message.answer(
            t("request-propose-committee", committee=t(f"committee-{guess.committee}")),
            reply_markup=keyboard(
                [
                    [(t("request-button-yes-committee"), CommitteePick(choice="ok").pack())],
                    [(t("request-button-other-committee"), CommitteePick(choice="other").pack())],
                ]
            ),
        )
    else:
        await message.answer(
            t("request-choose-committee"),
            reply_markup=committee_keyboard(t, lambda k: CommitteePick(choice=k).pack()),
        )


async def submit_emergency(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    text: str,
    settings: Settings,
) -> None:
    # The numbers come first: a person in danger must not wait for anything else.
    await message.answer(t("request-emergency") + "\n" + emergency_numbers_text(t))
    draft = _draft(
        await state.get_data(), text=text, committee=CommitteeKey.CRISIS, anonymous=False, emergency=True
    )
    assert viewer.person_id is not None
    sending = submit_request(
        session, translator, person_id=viewer.person_id, draft=draft, now=clock(), sms=settings.sms_policy()
    )
    if (submitted := await _submitted(message, state, t, sending)) is None:
        return
    if submitted.attached:
        # The same emergency again: it joined the first (the numbers went out above anyway).
        await message.answer(
            t("request-emergency-attached", code=format_tracking_code(submitted.code, t.locale)),
            reply_markup=await main_menu(session, viewer, t),
        )
        return
    key = "request-emergency-sent-crisis" if submitted.crisis_committee else "request-emergency-sent-manager"
    await message.answer(
        t(key, code=format_tracking_code(submitted.code, t.locale))
        + "\n"
        + holder_lines(t, submitted.holder),
        reply_markup=await main_menu(session, viewer, t),
    )


async def got_text(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    routing: RoutingModel,
    settings: Settings,
) -> None:
    """The words, typed or as a photo's caption; a photo or a location is kept with them."""
    data = await state.get_data()
    if (photo := _photo_of(message, viewer)) is not None:
        data["photos"] = [*data.get("photos", []), [photo.platform, photo.file_id]][:MAX_PHOTOS]
    if message.location is not None:
        data["location"] = [message.location.latitude, message.location.longitude]
    await state.set_data(data)
    await route_request_text(
        message,
        state,
        session,
        viewer,
        t,
        translator,
        clock,
        routing,
        settings,
        message.text or message.caption,
    )


async def text_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("request-text-expected"))


async def committee_picked(
    query: CallbackQuery,
    callback_data: CommitteePick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    data = await state.get_data()
    if callback_data.choice == DANGER_NOW:
        # Offered only when the words mention a danger (`_propose_committee`); a forged press
        # without that offer is ignored.
        if data.get("hazard") and data.get("text"):
            await submit_emergency(
                message, state, session, viewer, t, translator, clock, data["text"], settings
            )
        return
    if callback_data.choice == "other":
        await message.answer(
            t("request-choose-committee"),
            reply_markup=committee_keyboard(t, lambda k: CommitteePick(choice=k).pack()),
        )
        return
    committee = data["guess"][0] if callback_data.choice == "ok" else callback_data.choice
    try:
        committee_key = CommitteeKey(committee)
    except ValueError:
        return
    await state.update_data(committee=committee_key.value)
    assert viewer.person_id is not None
    # Where they live now (the daily limit was checked when the form opened).
    neighbourhood_id = await resident_neighbourhood(session, viewer.person_id)
    if neighbourhood_id is None:
        await state.clear()
        await message.answer(t("request-need-join"))
        return
    offered = await offer_similar(
        message,
        state,
        session,
        viewer,
        t,
        clock,
        neighbourhood_id=neighbourhood_id,
        committee=committee_key,
        text=data["text"],
    )
    if not offered:
        await ask_extras(message, state, t)


async def extra_photo(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
    photos = (await state.get_data()).get("photos", [])
    photo = _photo_of(message, viewer)
    if len(photos) >= MAX_PHOTOS or photo is None:
        await message.answer(t("request-photo-limit", max=MAX_PHOTOS))
        return
    photos = [*photos, [photo.platform, photo.file_id]]
    await state.update_data(photos=photos)
    await message.answer(t("request-photo-added", count=len(photos)))


async def extra_location(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    assert message.location is not None
    await state.update_data(location=[message.location.latitude, message.location.longitude])
    await message.answer(t("request-location-added"))


async def extras_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("request-extras-expected"))


async def extras_done(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    await state.set_state(RequestForm.privacy)
    await message.answer(
        t("request-ask-privacy"),
        reply_markup=keyboard(
            [
                [(t("request-button-public"), Privacy(anonymous=False).pack())],
                [(t("request-button-anonymous"), Privacy(anonymous=True).pack())],
            ]
        ),
    )


async def button_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("request-button-expected"))


async def privacy_chosen(
    query: CallbackQuery,
    callback_data: Privacy,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    data = await state.get_data()
    draft = _draft(
        data,
        text=data["text"],
        committee=CommitteeKey(data["committee"]),
        anonymous=callback_data.anonymous,
    )
    assert viewer.person_id is not None
    sending = submit_request(
        session,
        translator,
        person_id=viewer.person_id,
        draft=draft,
        now=clock(),
        daily_limit=settings.request_daily_limit,
    )
    if (submitted := await _submitted(message, state, t, sending)) is None:
        return
    await message.answer(
        t(
            "request-submitted",
            code=format_tracking_code(submitted.code, t.locale),
            committee=t(f"committee-{submitted.committee.value}"),
        )
        + "\n"
        + holder_lines(t, submitted.holder),
        reply_markup=await main_menu(session, viewer, t),
    )


async def _submitted(
    message: Message, state: FSMContext, t: BoundTranslator, submitting: Awaitable[Submitted]
) -> Submitted | None:
    """The request sent by `submitting` (`submit_request`); the form ends either way. None after
    saying why it could not go: no longer a resident, or the day's requests used up meanwhile."""
    try:
        submitted = await submitting
    except NotAResident:
        await state.clear()
        await message.answer(t("request-need-join"))
        return None
    except DailyLimitReached as error:
        await state.clear()
        await message.answer(t("request-daily-limit", limit=error.limit))
        return None
    await state.clear()
    return submitted


def _photo_of(message: Message, viewer: Viewer) -> Photo | None:
    if not message.photo:
        return None
    return Photo(platform=viewer.platform.value, file_id=message.photo[-1].file_id)


def _draft(
    data: dict[str, Any], *, text: str, committee: CommitteeKey, anonymous: bool, emergency: bool = False
) -> NewRequest:
    guess = data.get("guess")
    location = data.get("location")
    return NewRequest(
        text=text,
        committee=committee,
        suggestion=RouteGuess(committee=guess[0], confidence=guess[1], ranking=()) if guess else None,
        # [platform, file_id] for a photo, [platform, file_id, "voice"] for a voice note.
        photos=tuple(Photo(*attachment) for attachment in data.get("photos", [])),
        latitude=location[0] if location else None,
        longitude=location[1] if location else None,
        anonymous=anonymous,
        emergency=emergency,
        urgent=bool(data.get("urgent")),
    )


def setup() -> Router:
    router = Router(name=__name__)
    text_step = StateFilter(RequestForm.text)
    router.message.register(got_text, text_step, F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.message.register(got_text, text_step, F.photo)
    router.message.register(got_text, text_step, F.location)
    router.message.register(text_expected, text_step, ~AnyMenuPress())
    router.callback_query.register(
        committee_picked, StateFilter(RequestForm.committee), CommitteePick.filter()
    )
    extras = StateFilter(RequestForm.extras)
    router.message.register(extra_photo, extras, F.photo)
    router.message.register(extra_location, extras, F.location)
    router.message.register(extras_expected, extras, ~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(extras_done, extras, ExtrasDone.filter())
    router.message.register(
        button_expected,
        StateFilter(RequestForm.committee, RequestForm.duplicate, RequestForm.privacy),
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    router.callback_query.register(privacy_chosen, StateFilter(RequestForm.privacy), Privacy.filter())
    # A button from a form that is no longer open (answered already, or /cancel); after the steps,
    # and after the follow-or-new choice (`handlers.requests.duplicate`, included before this).
    stale_buttons(
        router,
        CommitteePick.filter(),
        DuplicateChoice.filter(),
        ExtrasDone.filter(),
        Privacy.filter(),
        closed="request-form-closed",
    )
    return router
