"""Residents' side of requests: /request (a short guided form), /track CODE, "my requests", and
the answers to "was it really fixed?" and the rating."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.forms import reask
from handlers.keyboards import drop_buttons, keyboard, message_of
from handlers.menu import AnyMenuPress, MenuPress, main_menu
from handlers.reach import holder_lines
from models.council import CommitteeKey
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.emergency import emergency_numbers_text
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime
from services.notify import inline_keyboard
from services.requests import (
    MAX_PHOTOS,
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
    DailyLimitReached,
    InvalidRating,
    InvalidTransition,
    NewRequest,
    NotAResident,
    Photo,
    RequestStatusView,
    RequestView,
    RoutingModel,
    TextTooLong,
    TextTooShort,
    TooManyTrackingAttempts,
    UnknownRequest,
    check_can_submit,
    clean_request_text,
    confirm_fixed,
    describe_history,
    describe_request,
    find_similar_open,
    follow_request,
    format_tracking_code,
    my_requests,
    parse_tracking_code,
    rate_request,
    rating_buttons,
    resident_neighbourhood,
    submit_request,
    track_request,
)
from services.routing import CONFIDENCE_THRESHOLD, RouteGuess


class RequestForm(StatesGroup):
    text = State()
    committee = State()
    duplicate = State()
    extras = State()
    privacy = State()


class TrackForm(StatesGroup):
    code = State()


class CommitteePick(CallbackData, prefix="rqc"):
    # "ok" accepts the proposal, "other" shows every committee, else a committee key.
    choice: str


class DuplicateChoice(CallbackData, prefix="rqd"):
    # The id only says which offer the button belongs to: what may be followed is the offer kept
    # in the form's state (`offered`), and the service checks it again.
    follow: bool
    request_id: int


class ExtrasDone(CallbackData, prefix="rqn"):
    pass


class Privacy(CallbackData, prefix="rqp"):
    anonymous: bool


class FixedAnswer(CallbackData, prefix="rqf"):
    # Matches services.requests.fixed_buttons: "rqf:y:<id>" / "rqf:n:<id>"
    answer: str
    request_id: int


class Rating(CallbackData, prefix="rqr"):
    # Matches services.requests.rating_buttons: "rqr:<stars>:<id>"
    stars: int
    request_id: int


class TrackPick(CallbackData, prefix="rqt"):
    code: str


def committee_keyboard(t: BoundTranslator, pack: Any) -> InlineKeyboardMarkup:
    """Every committee as a button, two a row (crisis last)."""
    buttons = [(t(f"committee-{key.value}"), pack(key.value)) for key in CommitteeKey]
    return keyboard([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _photo_of(message: Message, viewer: Viewer) -> Photo | None:
    if not message.photo:
        return None
    return Photo(platform=viewer.platform.value, file_id=message.photo[-1].file_id)


def track_text(t: BoundTranslator, view: RequestView | RequestStatusView) -> str:
    if isinstance(view, RequestStatusView):
        # Not theirs, not followed, not handled by them: the status and the dates, nothing else.
        return t(
            "request-track-public",
            code=format_tracking_code(view.code, t.locale),
            status=t(f"request-status-{view.status.value}"),
            created=format_datetime(view.created_at, t.locale),
            updated=format_datetime(view.updated_at, t.locale),
        )
    history = describe_history(t, view)
    return describe_request(t, view) + (
        "\n\n" + t("request-history-title") + "\n" + history if history else ""
    )


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
        await message.answer(t("request-daily-limit", limit=error.limit) + "\n\n" + emergency_numbers_text(t))
        return
    await state.set_state(RequestForm.text)
    await state.update_data(photos=[])
    await message.answer(t("request-ask-text", min=MIN_TEXT_LENGTH))


async def show_my_requests(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    """📂: the person's requests, each with a button for its details."""
    await state.clear()
    if viewer.person_id is None:
        await message.answer(t("join-register-first"))
        return
    views = await my_requests(session, person_id=viewer.person_id)
    if not views:
        await message.answer(t("request-my-empty"))
        return
    lines = [t("request-my-title")] + [
        t(
            "request-my-line",
            code=format_tracking_code(v.code, t.locale),
            committee=t(f"committee-{v.committee.value}"),
            status=t(f"request-status-{v.status.value}"),
        )
        for v in views
    ]
    rows = [
        [
            (
                t("request-button-details", code=format_tracking_code(v.code, t.locale)),
                TrackPick(code=v.code).pack(),
            )
        ]
        for v in views
    ]
    await message.answer("\n".join(lines), reply_markup=keyboard(rows))


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
    guess = routing.guess(text)
    if guess.emergency:
        await submit_emergency(message, state, session, viewer, t, translator, clock, text, settings)
        return
    await state.update_data(text=text, guess=[guess.committee, guess.confidence], urgent=guess.urgent)
    await state.set_state(RequestForm.committee)
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
    try:
        submitted = await submit_request(
            session,
            translator,
            person_id=viewer.person_id,
            draft=draft,
            now=clock(),
            sms=settings.sms_policy(),
        )
    except NotAResident:
        await state.clear()
        await message.answer(t("request-need-join"))
        return
    await state.clear()
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


def setup() -> Router:
    router = Router(name=__name__)

    # ---- commands (first, so they also work in the middle of a form) ----

    @router.message(Command("request"))
    @router.message(MenuPress("request"))
    async def start_request(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
        settings: Settings,
    ) -> None:
        await start_request_form(message, state, session, viewer, t, clock, settings)

    @router.message(Command("track"))
    async def track(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
        command: CommandObject,
    ) -> None:
        await state.clear()
        if command.args:
            await show_tracked(message, session, viewer, t, clock, command.args)
            return
        await state.set_state(TrackForm.code)
        await message.answer(t("request-track-ask"))

    @router.message(Command("my_requests"))
    @router.message(MenuPress("my_requests"))
    async def mine(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await show_my_requests(message, state, session, viewer, t)

    async def show_tracked(
        message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator, clock: Clock, text: str
    ) -> None:
        code = parse_tracking_code(text)
        try:
            if code is None:
                raise UnknownRequest(text)
            view = await track_request(
                session, actor=Actor.from_viewer(viewer), code=code, now=clock(), account_id=viewer.account_id
            )
        except UnknownRequest:
            await message.answer(t("request-track-unknown"))
            return
        except TooManyTrackingAttempts as error:
            await message.answer(t("request-track-too-many", minutes=error.minutes))
            return
        await message.answer(track_text(t, view))

    @router.message(StateFilter(TrackForm.code), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    async def track_code_typed(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        if parse_tracking_code(message.text or "") is not None:
            await state.clear()
        await show_tracked(message, session, viewer, t, clock, message.text or "")

    @router.message(StateFilter(TrackForm.code), ~AnyMenuPress())
    async def track_code_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("request-track-ask"))

    @router.callback_query(TrackPick.filter())
    async def track_picked(
        query: CallbackQuery,
        callback_data: TrackPick,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        await query.answer()
        if (message := message_of(query)) is not None:
            await show_tracked(message, session, viewer, t, clock, callback_data.code)

    # ---- the form ----

    @router.message(StateFilter(RequestForm.text), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    @router.message(StateFilter(RequestForm.text), F.photo)
    @router.message(StateFilter(RequestForm.text), F.location)
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

    @router.message(StateFilter(RequestForm.text), ~AnyMenuPress())
    async def text_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("request-text-expected"))

    @router.callback_query(StateFilter(RequestForm.committee), CommitteePick.filter())
    async def committee_picked(
        query: CallbackQuery,
        callback_data: CommitteePick,
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
        similar = await find_similar_open(
            session,
            neighbourhood_id=neighbourhood_id,
            committee=committee_key,
            text=data["text"],
            now=clock(),
            person_id=viewer.person_id,
        )
        if similar is not None:
            # The offer is kept server-side: the button's id is checked against it, not trusted.
            await state.update_data(offered=similar.id)
            await state.set_state(RequestForm.duplicate)
            await message.answer(
                t("request-similar-found", card=describe_request(t, similar)),
                reply_markup=keyboard(
                    [
                        [
                            (
                                t("request-button-follow"),
                                DuplicateChoice(follow=True, request_id=similar.id).pack(),
                            )
                        ],
                        [
                            (
                                t("request-button-new-anyway"),
                                DuplicateChoice(follow=False, request_id=similar.id).pack(),
                            )
                        ],
                    ]
                ),
            )
            return
        await ask_extras(message, state, t)

    async def ask_extras(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(RequestForm.extras)
        await message.answer(
            t("request-ask-extras", max=MAX_PHOTOS),
            reply_markup=keyboard([[(t("request-button-next"), ExtrasDone().pack())]]),
        )

    @router.callback_query(StateFilter(RequestForm.duplicate), DuplicateChoice.filter())
    async def duplicate_choice(
        query: CallbackQuery,
        callback_data: DuplicateChoice,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        translator: Translator,
        clock: Clock,
    ) -> None:
        data = await state.get_data()
        if callback_data.request_id != data.get("offered"):
            # Not the button this person was offered (forged, or from another form): nothing happens.
            await query.answer(t("request-form-closed"), show_alert=True)
            return
        await query.answer()
        message = await drop_buttons(query)
        if message is None:
            return
        if not callback_data.follow:
            await ask_extras(message, state, t)
            return
        assert viewer.person_id is not None
        try:
            view = await follow_request(
                session,
                translator,
                person_id=viewer.person_id,
                request_id=data["offered"],
                text=data["text"],
                committee=CommitteeKey(data["committee"]),
                now=clock(),
            )
        except (UnknownRequest, InvalidTransition):
            # Closed in the meantime: the resident's own request goes ahead.
            await message.answer(t("request-similar-gone"))
            await ask_extras(message, state, t)
            return
        await state.clear()
        await message.answer(
            t("request-following", code=format_tracking_code(view.code, t.locale)),
            reply_markup=await main_menu(session, viewer, t),
        )

    @router.message(StateFilter(RequestForm.extras), F.photo)
    async def extra_photo(message: Message, state: FSMContext, viewer: Viewer, t: BoundTranslator) -> None:
        photos = (await state.get_data()).get("photos", [])
        photo = _photo_of(message, viewer)
        if len(photos) >= MAX_PHOTOS or photo is None:
            await message.answer(t("request-photo-limit", max=MAX_PHOTOS))
            return
        photos = [*photos, [photo.platform, photo.file_id]]
        await state.update_data(photos=photos)
        await message.answer(t("request-photo-added", count=len(photos)))

    @router.message(StateFilter(RequestForm.extras), F.location)
    async def extra_location(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        assert message.location is not None
        await state.update_data(location=[message.location.latitude, message.location.longitude])
        await message.answer(t("request-location-added"))

    @router.message(StateFilter(RequestForm.extras), ~F.text.startswith("/"), ~AnyMenuPress())
    async def extras_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await reask(message, state, t("request-extras-expected"))

    @router.callback_query(StateFilter(RequestForm.extras), ExtrasDone.filter())
    async def extras_done(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
        await query.answer()
        message = await drop_buttons(query)
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

    @router.message(
        StateFilter(RequestForm.committee, RequestForm.duplicate, RequestForm.privacy),
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    async def button_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await reask(message, state, t("request-button-expected"))

    @router.callback_query(StateFilter(RequestForm.privacy), Privacy.filter())
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
        await query.answer()
        message = await drop_buttons(query)
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
        try:
            submitted = await submit_request(
                session,
                translator,
                person_id=viewer.person_id,
                draft=draft,
                now=clock(),
                daily_limit=settings.request_daily_limit,
            )
        except NotAResident:
            await state.clear()
            await message.answer(t("request-need-join"))
            return
        except DailyLimitReached as error:
            await state.clear()
            await message.answer(t("request-daily-limit", limit=error.limit))
            return
        await state.clear()
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

    # A button from a form that is no longer open (answered already, or /cancel).
    @router.callback_query(CommitteePick.filter())
    @router.callback_query(DuplicateChoice.filter())
    @router.callback_query(ExtrasDone.filter())
    @router.callback_query(Privacy.filter())
    async def stale_form_button(query: CallbackQuery, t: BoundTranslator) -> None:
        await query.answer(t("request-form-closed"), show_alert=True)
        await drop_buttons(query)

    # ---- closing the loop (buttons on the outbox notification) ----

    @router.callback_query(FixedAnswer.filter())
    async def fixed_answer(
        query: CallbackQuery,
        callback_data: FixedAnswer,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        translator: Translator,
        clock: Clock,
    ) -> None:
        if viewer.person_id is None:
            await query.answer(t("join-register-first"), show_alert=True)
            return
        fixed = callback_data.answer == "y"
        try:
            view = await confirm_fixed(
                session,
                translator,
                person_id=viewer.person_id,
                request_id=callback_data.request_id,
                fixed=fixed,
                now=clock(),
            )
        except UnknownRequest:
            await query.answer(t("request-not-found"), show_alert=True)
            return
        except InvalidTransition as error:
            await query.answer(
                t("request-invalid-state", status=t(f"request-status-{error.status.value}")), show_alert=True
            )
            await drop_buttons(query)
            return
        await query.answer()
        message = await drop_buttons(query)
        if message is None:
            return
        code = format_tracking_code(view.code, t.locale)
        if fixed:
            await message.answer(
                t("request-closed-thanks", code=code),
                reply_markup=InlineKeyboardMarkup.model_validate(inline_keyboard(t, rating_buttons(view.id))),
            )
        else:
            await message.answer(t("request-reopened", code=code))

    @router.callback_query(Rating.filter())
    async def rated(
        query: CallbackQuery,
        callback_data: Rating,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        clock: Clock,
    ) -> None:
        if viewer.person_id is None:
            await query.answer(t("join-register-first"), show_alert=True)
            return
        try:
            await rate_request(
                session,
                person_id=viewer.person_id,
                request_id=callback_data.request_id,
                rating=callback_data.stars,
                now=clock(),
            )
        except (UnknownRequest, InvalidRating):
            await query.answer(t("request-not-found"), show_alert=True)
            return
        except InvalidTransition as error:
            await query.answer(
                t("request-invalid-state", status=t(f"request-status-{error.status.value}")), show_alert=True
            )
            return
        await query.answer()
        if (message := await drop_buttons(query)) is not None:
            await message.answer(t("request-rated", rating=callback_data.stars))

    return router


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
