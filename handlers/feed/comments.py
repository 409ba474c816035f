"""An action's comments: listing them a page at a time, the one-step form that writes one,
reporting someone else's, and the manager's hide/restore buttons (also under the notice of a
comment hidden by reports, which services.feed sends)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.feed.render import (
    FeedCommentOn,
    FeedModerate,
    FeedReport,
    FeedShowComments,
    button,
    render_comment,
)
from handlers.forms import pressed
from handlers.keyboards import drop_buttons, message_of
from handlers.menu import AnyMenuPress
from models.resolutions import CommentHidden
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.feed import (
    MAX_COMMENT_LENGTH,
    MIN_COMMENT_LENGTH,
    CommentTooLong,
    CommentTooShort,
    OwnComment,
    ReportOutcome,
    UnknownAction,
    UnknownComment,
    add_comment,
    check_can_comment,
    comments_page,
    moderate_comment,
    report_comment,
)
from services.i18n import BoundTranslator, Translator


class CommentForm(StatesGroup):
    text = State()


def _one_button(text: str, data: FeedCommentOn | FeedShowComments) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(text, data)]])


async def show_comments(
    query: CallbackQuery,
    callback_data: FeedShowComments,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        listing = await comments_page(
            session,
            actor=Actor.from_viewer(viewer),
            action_id=callback_data.action_id,
            page=callback_data.page,
        )
    except UnknownAction:
        await query.answer(t("feed-action-gone"), show_alert=True)
        return
    message = await pressed(query)
    if message is None:
        return
    if listing.total == 0:
        await message.answer(
            t("feed-comments-none", title=listing.action_title),
            reply_markup=_one_button(t("feed-button-comment"), FeedCommentOn(action_id=listing.action_id)),
        )
        return
    if listing.page == 0:
        await message.answer(t("feed-comments-head", title=listing.action_title, count=listing.total))
    for comment in listing.comments:
        text, keyboard = render_comment(t, comment, moderator=listing.can_moderate)
        await message.answer(text, reply_markup=keyboard)
    if listing.page + 1 < listing.pages:
        await message.answer(
            t("feed-comments-more"),
            reply_markup=_one_button(
                t("feed-button-older-comments"),
                FeedShowComments(action_id=listing.action_id, page=listing.page + 1),
            ),
        )


# ---- writing a comment ----


async def ask_comment(
    query: CallbackQuery,
    callback_data: FeedCommentOn,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        title = await check_can_comment(
            session, actor=Actor.from_viewer(viewer), action_id=callback_data.action_id
        )
    except UnknownAction:
        await query.answer(t("feed-action-gone"), show_alert=True)
        return
    message = await pressed(query)
    await state.set_state(CommentForm.text)
    await state.update_data(action_id=callback_data.action_id)
    if message is not None:
        await message.answer(t("feed-ask-comment", title=title, max=MAX_COMMENT_LENGTH))


async def got_comment(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    data = await state.get_data()
    try:
        await add_comment(
            session,
            actor=Actor.from_viewer(viewer),
            action_id=int(data["action_id"]),
            text=message.text or "",
            now=clock(),
        )
    except CommentTooShort:
        await message.answer(t("feed-comment-too-short", min=MIN_COMMENT_LENGTH))
        return
    except CommentTooLong as error:
        await message.answer(t("feed-comment-too-long", length=len(str(error)), max=MAX_COMMENT_LENGTH))
        return
    except UnknownAction:
        await state.clear()
        await message.answer(t("feed-action-gone"))
        return
    await state.clear()
    await message.answer(
        t("feed-comment-added"),
        reply_markup=_one_button(
            t("feed-button-show-all-comments"), FeedShowComments(action_id=int(data["action_id"]), page=0)
        ),
    )


async def comment_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("feed-comment-expected", max=MAX_COMMENT_LENGTH))


# ---- reporting and moderating ----


async def report(
    query: CallbackQuery,
    callback_data: FeedReport,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    try:
        outcome = await report_comment(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            comment_id=callback_data.comment_id,
            now=clock(),
        )
    except OwnComment:
        await query.answer(t("feed-report-own"), show_alert=True)
        return
    except UnknownComment:
        await query.answer(t("feed-comment-gone"), show_alert=True)
        return
    await query.answer(t(f"feed-report-{outcome.value}"), show_alert=True)
    if outcome is not ReportOutcome.REPORTED:
        await drop_buttons(query)


async def moderate(
    query: CallbackQuery,
    callback_data: FeedModerate,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if callback_data.decision not in ("hide", "restore"):
        await query.answer()
        return
    try:
        view = await moderate_comment(
            session,
            actor=Actor.from_viewer(viewer),
            comment_id=callback_data.comment_id,
            hide=callback_data.decision == "hide",
            now=clock(),
        )
    except (PermissionDenied, UnknownComment):  # kept here: a pressed button is answered with an alert
        await query.answer(t("feed-not-allowed"), show_alert=True)
        return
    await query.answer(
        t("feed-moderated-hidden" if view.hidden is CommentHidden.MANAGER else "feed-moderated-restored"),
        show_alert=True,
    )
    if (message := message_of(query)) is not None:
        _text, keyboard = render_comment(t, view, moderator=True)
        try:
            await message.edit_reply_markup(reply_markup=keyboard)
        except TelegramBadRequest:
            # Unchanged (pressed twice) or too old to edit: the answer above already told them.
            pass


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(show_comments, FeedShowComments.filter())
    router.callback_query.register(ask_comment, FeedCommentOn.filter())
    router.message.register(
        got_comment, StateFilter(CommentForm.text), F.text, ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.message.register(
        comment_expected, StateFilter(CommentForm.text), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.callback_query.register(report, FeedReport.filter())
    router.callback_query.register(moderate, FeedModerate.filter())
    return router
