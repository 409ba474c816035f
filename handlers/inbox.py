"""The committee's side of requests: /inbox and the buttons under every request notification —
acknowledge, in progress, resolved (with a note), reject (with a reason), reroute.

A request's card (the notification, or the card opened from the list) is the object's own
message: after a status change it is edited in place to show the new status, and only the
buttons that still apply stay under it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from handlers.keyboards import committee_keyboard, message_of
from handlers.menu import AnyMenuPress, MenuPress
from handlers.requests import not_now_text, track_text
from models.council import CommitteeKey
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.jalali import age
from services.notify import inline_keyboard
from services.persian import excerpt
from services.requests import (
    MAX_TEXT_LENGTH,
    NOTE_REQUIRED,
    HandlerAction,
    InvalidTransition,
    NoteRequired,
    RequestView,
    TextTooLong,
    UnknownRequest,
    act_on_request,
    format_tracking_code,
    handler_buttons,
    inbox,
    mark_emergency,
    request_for_handler,
    reroute_request,
)


class NoteForm(StatesGroup):
    note = State()


class RequestAction(CallbackData, prefix="rq"):
    # Matches services.requests.handler_buttons: "rq:<ack|start|resolve|reject|route|calm|alarm>:<id>"
    action: str
    request_id: int


class NotEmergencyTo(CallbackData, prefix="rqy"):
    # "Not an emergency": the committee it should go to instead.
    committee: str
    request_id: int


class RerouteTo(CallbackData, prefix="rqx"):
    committee: str
    request_id: int
    # The message id of the request's card, to update it once rerouted (0: not known).
    card: int


class OpenRequest(CallbackData, prefix="rqo"):
    request_id: int


# Characters of a request's text shown in the inbox list.
EXCERPT_LENGTH = 40


def _handler_keyboard(t: BoundTranslator, view: RequestView) -> InlineKeyboardMarkup | None:
    """The steps the request's status still allows; None when none does (resolved, closed, …)."""
    markup = inline_keyboard(t, handler_buttons(view.id, emergency=view.is_emergency, status=view.status))
    return None if markup is None else InlineKeyboardMarkup.model_validate(markup)


def _inbox_line(t: BoundTranslator, view: RequestView, now: datetime) -> str:
    ago = age(view.created_at, now)
    return t(
        "inbox-line",
        urgent="urgent" if view.urgent else "normal",
        code=format_tracking_code(view.code, t.locale),
        committee=t(f"committee-{view.committee.value}"),
        status=t(f"request-status-{view.status.value}"),
        age=t("age-ago", unit=ago.unit, count=ago.count),
        excerpt=excerpt(view.text or "", EXCERPT_LENGTH),
    )


async def update_card(
    near: Message, card: int, t: BoundTranslator, view: RequestView, headline: str, *, buttons: bool = True
) -> None:
    """Edit the request's card (message `card` in the chat of `near`) in place: `headline`, the
    request as it is now, and only the buttons its status still allows (none without `buttons`).
    A card too old to edit, or unchanged, stays as it is."""
    if near.bot is None or not card:
        return
    markup = _handler_keyboard(t, view) if buttons else None
    text = headline + "\n\n" + track_text(t, view)
    try:
        await near.bot.edit_message_text(
            text=text, chat_id=near.chat.id, message_id=card, reply_markup=markup
        )
    except TelegramBadRequest:  # too old, not a text message (a photo), or not modified
        try:
            await near.bot.edit_message_reply_markup(
                chat_id=near.chat.id, message_id=card, reply_markup=markup
            )
        except TelegramBadRequest:
            pass


def _updated(t: BoundTranslator, view: RequestView) -> str:
    return t(
        "inbox-updated",
        code=format_tracking_code(view.code, t.locale),
        status=t(f"request-status-{view.status.value}"),
    )


async def ask_committee(
    query: CallbackQuery,
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    request_id: int,
    prompt_key: str,
    pack: Callable[[str, int], str],
) -> None:
    """Ask a handler which committee a request should go to (rerouting it, or saying it is not
    an emergency); `pack` makes each committee button's callback data."""
    try:
        view = await request_for_handler(session, actor=actor, request_id=request_id)
    except (PermissionDenied, UnknownRequest):
        await query.answer(t("inbox-not-allowed"), show_alert=True)
        return
    if (message := await pressed(query)) is not None:
        await message.answer(
            t(prompt_key, code=format_tracking_code(view.code, t.locale)),
            reply_markup=committee_keyboard(t, lambda key: pack(key, view.id)),
        )


async def show_inbox(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    """/inbox and its menu button: the requests the person handles, each with a button for its card."""
    await state.clear()
    views = await inbox(session, actor=Actor.from_viewer(viewer))
    if not views:
        await message.answer(t("inbox-empty"))
        return
    now = clock()
    lines = [t("inbox-title", count=len(views))] + [_inbox_line(t, v, now) for v in views]
    rows = [
        [
            InlineKeyboardButton(
                text=t("request-button-details", code=format_tracking_code(v.code, t.locale)),
                callback_data=OpenRequest(request_id=v.id).pack(),
            )
        ]
        for v in views
    ]
    await message.answer("\n\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def open_request(
    query: CallbackQuery,
    callback_data: OpenRequest,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        view = await request_for_handler(
            session, actor=Actor.from_viewer(viewer), request_id=callback_data.request_id
        )
    except (PermissionDenied, UnknownRequest):
        await query.answer(t("inbox-not-allowed"), show_alert=True)
        return
    if (message := await pressed(query)) is not None:
        await message.answer(track_text(t, view), reply_markup=_handler_keyboard(t, view))


async def request_action(
    query: CallbackQuery,
    callback_data: RequestAction,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    """A button under a request's card: an emergency verdict, a reroute (the committee asked
    for), a step that needs a note (asked for), or a step taken at once."""
    actor = Actor.from_viewer(viewer)
    message = message_of(query)
    if callback_data.action in ("calm", "alarm"):
        await emergency_verdict(query, callback_data, session, actor, t, translator, clock)
        return
    if callback_data.action == "route":
        card = message.message_id if message else 0
        await ask_committee(
            query,
            session,
            actor,
            t,
            callback_data.request_id,
            "inbox-choose-committee",
            lambda key, request_id: RerouteTo(committee=key, request_id=request_id, card=card).pack(),
        )
        return
    try:
        action = HandlerAction(callback_data.action)
    except ValueError:
        await query.answer()
        return
    if action in NOTE_REQUIRED:
        await _ask_note(query, message, state, session, actor, t, callback_data.request_id, action)
        return
    await apply(query, message, session, actor, t, translator, clock, callback_data.request_id, action, None)


async def _ask_note(
    query: CallbackQuery,
    message: Message | None,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    request_id: int,
    action: HandlerAction,
) -> None:
    """Resolving and rejecting need a note: ask for it, the request and the card kept in the form."""
    # Check now, so nobody types a note for a request they can't touch.
    try:
        view = await request_for_handler(session, actor=actor, request_id=request_id)
    except (PermissionDenied, UnknownRequest):
        await query.answer(t("inbox-not-allowed"), show_alert=True)
        return
    await query.answer()
    await state.set_state(NoteForm.note)
    await state.update_data(
        request_id=view.id, action=action.value, card=message.message_id if message else 0
    )
    if message is not None:
        key = "inbox-ask-resolve-note" if action is HandlerAction.RESOLVE else "inbox-ask-reject-reason"
        await message.answer(t(key, code=format_tracking_code(view.code, t.locale)))


async def emergency_verdict(
    query: CallbackQuery,
    callback_data: RequestAction,
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    """«It is an emergency» goes through at once; «not an emergency» asks for the committee."""
    if callback_data.action == "calm":
        await ask_committee(
            query,
            session,
            actor,
            t,
            callback_data.request_id,
            "inbox-choose-committee-not-emergency",
            lambda key, request_id: NotEmergencyTo(committee=key, request_id=request_id).pack(),
        )
        return
    await give_verdict(query, session, actor, t, translator, clock, callback_data.request_id, None)


async def give_verdict(
    query: CallbackQuery,
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    request_id: int,
    committee: CommitteeKey | None,
) -> None:
    """An emergency (no `committee`), or not one and the committee's to handle."""
    emergency = committee is None
    try:
        view = await mark_emergency(
            session,
            translator,
            actor=actor,
            request_id=request_id,
            emergency=emergency,
            committee=committee,
            now=clock(),
        )
    except (PermissionDenied, UnknownRequest):
        await query.answer(t("inbox-not-allowed"), show_alert=True)
        return
    except InvalidTransition as error:
        await query.answer(not_now_text(t, error), show_alert=True)
        return
    if (message := await pressed(query, drop=True)) is not None:
        code = format_tracking_code(view.code, t.locale)
        await message.answer(
            t("inbox-marked-emergency", code=code)
            if emergency
            else t("inbox-marked-not-emergency", code=code, committee=t(f"committee-{view.committee.value}"))
        )


async def not_an_emergency(
    query: CallbackQuery,
    callback_data: NotEmergencyTo,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    try:
        committee = CommitteeKey(callback_data.committee)
    except ValueError:
        await query.answer(t("inbox-not-allowed"), show_alert=True)
        return
    await give_verdict(
        query,
        session,
        Actor.from_viewer(viewer),
        t,
        translator,
        clock,
        callback_data.request_id,
        committee,
    )


async def _say(query: CallbackQuery | None, message: Message | None, text: str) -> None:
    """What went wrong: on the pressed button, or below the typed note."""
    if query is not None:
        await query.answer(text, show_alert=True)
    elif message is not None:
        await message.answer(text)


async def apply(
    query: CallbackQuery | None,
    message: Message | None,
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    request_id: int,
    action: HandlerAction,
    note: str | None,
    card: int = 0,
) -> bool:
    """Take the step, from a button (`query`) or with the note typed (`message`), and update the
    card; False when the note must be typed again."""
    try:
        view = await act_on_request(
            session, translator, actor=actor, request_id=request_id, action=action, now=clock(), note=note
        )
    except (PermissionDenied, UnknownRequest):
        await _say(query, message, t("inbox-not-allowed"))
        return True
    except InvalidTransition as error:
        await _say(query, message, not_now_text(t, error))
        return True
    except NoteRequired:
        await _say(query, message, t("inbox-note-expected"))
        return False
    except TextTooLong:
        await _say(query, message, t("request-text-too-long", length=len(note or ""), max=MAX_TEXT_LENGTH))
        return False
    if query is not None:
        await query.answer()
        if message is not None:  # the card the button is on
            await update_card(message, message.message_id, t, view, _updated(t, view))
    elif message is not None:  # the note typed for the card up the chat
        await message.answer(_updated(t, view))
        await update_card(message, card, t, view, _updated(t, view))
    return True


async def note_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    data = await state.get_data()
    done = await apply(
        None,
        message,
        session,
        Actor.from_viewer(viewer),
        t,
        translator,
        clock,
        int(data["request_id"]),
        HandlerAction(data["action"]),
        message.text,
        int(data.get("card") or 0),
    )
    if done:
        await state.clear()


async def note_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("inbox-note-expected"))


async def rerouted(
    query: CallbackQuery,
    callback_data: RerouteTo,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    try:
        committee = CommitteeKey(callback_data.committee)
        view = await reroute_request(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            request_id=callback_data.request_id,
            committee=committee,
            now=clock(),
        )
    except (PermissionDenied, UnknownRequest, ValueError):
        await query.answer(t("inbox-not-allowed"), show_alert=True)
        return
    except InvalidTransition as error:
        await query.answer(not_now_text(t, error), show_alert=True)
        return
    text = t(
        "inbox-rerouted",
        code=format_tracking_code(view.code, t.locale),
        committee=t(f"committee-{committee.value}"),
    )
    if (message := await pressed(query, drop=True)) is not None:
        await message.answer(text)
        # The card keeps no buttons: the request is the other committee's to take now.
        await update_card(message, callback_data.card, t, view, text, buttons=False)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_inbox, Command("inbox"))
    router.message.register(show_inbox, MenuPress("inbox"))
    router.callback_query.register(open_request, OpenRequest.filter())
    router.callback_query.register(request_action, RequestAction.filter())
    router.callback_query.register(not_an_emergency, NotEmergencyTo.filter())
    router.message.register(
        note_typed, StateFilter(NoteForm.note), F.text, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.message.register(
        note_expected, StateFilter(NoteForm.note), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.callback_query.register(rerouted, RerouteTo.filter())
    return router
