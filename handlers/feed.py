"""/feed: the neighbourhood's public actions and resolutions' progress, one item a page (the
message is edited when paging); comments under an action, reporting a comment, and the manager's
hide/restore buttons (also under the notice of a comment hidden by reports)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.keyboards import message_of
from handlers.menu import AnyMenuPress, MenuPress
from models.resolutions import CommentHidden
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.feed import (
    MAX_COMMENT_LENGTH,
    MIN_COMMENT_LENGTH,
    ActionCard,
    CommentTooLong,
    CommentTooShort,
    CommentView,
    FeedPage,
    OwnComment,
    ReportOutcome,
    ResolutionCard,
    UnknownAction,
    UnknownComment,
    action_photos,
    add_comment,
    check_can_comment,
    comments_page,
    feed_neighbourhood,
    feed_page,
    moderate_comment,
    report_comment,
)
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime, format_jalali_date

PROGRESS_CELLS = 10


class CommentForm(StatesGroup):
    text = State()


class FeedNav(CallbackData, prefix="fdp"):
    neighbourhood_id: int
    page: int


class FeedCommentOn(CallbackData, prefix="fdc"):
    action_id: int


class FeedShowComments(CallbackData, prefix="fds"):
    action_id: int
    page: int


class FeedPhotos(CallbackData, prefix="fdf"):
    action_id: int


class FeedReport(CallbackData, prefix="fdr"):
    comment_id: int


class FeedModerate(CallbackData, prefix="fm"):
    # Matches services.feed.moderation_buttons: "fm:<hide|restore>:<comment id>"
    decision: str
    comment_id: int


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


async def _edit_markup(message: Message, keyboard: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=keyboard)
    except TelegramBadRequest:
        # Unchanged (pressed twice) or too old to edit: the answer above already told them.
        pass


def progress_bar(progress: int) -> str:
    filled = max(0, min(PROGRESS_CELLS, round(progress / 100 * PROGRESS_CELLS)))
    return "▰" * filled + "▱" * (PROGRESS_CELLS - filled)


def render_page(t: BoundTranslator, page: FeedPage) -> tuple[str, InlineKeyboardMarkup]:
    """One feed item (the page size is 1 in the chat) with its buttons and the paging row."""
    lines = [t("feed-header", name=page.neighbourhood_name, page=page.page + 1, pages=page.pages)]
    rows: list[list[InlineKeyboardButton]] = []
    for item in page.items:
        if isinstance(item, ActionCard):
            lines.append(t("feed-action-title", title=item.title))
            if item.description:
                lines.append(item.description)
            committee = (
                t(f"committee-{item.committee.value}") if item.committee else t("action-whole-council")
            )
            lines.append(t("feed-action-committee", committee=committee))
            if item.programme:
                lines.append(t("feed-action-programme", programme=t(f"programme-{item.programme}")))
            lines.append(t("feed-action-date", date=format_jalali_date(item.done_on, t.locale)))
            if item.resolution_text:
                lines.append(t("feed-action-resolution", text=item.resolution_text))
            lines.append(t("feed-action-counts", photos=len(item.photos), comments=item.comments))
            rows.append(
                [
                    _button(t("feed-button-comment"), FeedCommentOn(action_id=item.id)),
                    _button(
                        t("feed-button-show-comments", count=item.comments),
                        FeedShowComments(action_id=item.id, page=0),
                    ),
                ]
            )
            if item.photos:
                rows.append(
                    [_button(t("feed-button-photos", count=len(item.photos)), FeedPhotos(action_id=item.id))]
                )
        elif isinstance(item, ResolutionCard):
            lines.append(t("feed-resolution-title"))
            lines.append(item.text)
            lines.append(
                t(
                    "feed-resolution-progress",
                    status=t(f"feed-resolution-status-{item.status.value}"),
                    progress=item.progress,
                    bar=progress_bar(item.progress),
                )
            )
            if item.completed_on is not None:
                lines.append(
                    t("feed-resolution-done-on", date=format_jalali_date(item.completed_on, t.locale))
                )
            else:
                lines.append(t("feed-resolution-deadline", date=format_jalali_date(item.deadline, t.locale)))
    nav: list[InlineKeyboardButton] = []
    if page.page > 0:
        nav.append(
            _button(
                t("feed-button-prev"), FeedNav(neighbourhood_id=page.neighbourhood_id, page=page.page - 1)
            )
        )
    if page.page + 1 < page.pages:
        nav.append(
            _button(
                t("feed-button-next"), FeedNav(neighbourhood_id=page.neighbourhood_id, page=page.page + 1)
            )
        )
    if nav:
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def render_comment(
    t: BoundTranslator, comment: CommentView, *, moderator: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A comment as one message, with the reader's buttons: report (others' visible comments) or,
    for the manager, hide / restore."""
    author = comment.author_name or t("feed-someone")
    text = t(
        "feed-comment",
        author=author,
        when=format_datetime(comment.created_at, t.locale),
        text=comment.text,
    )
    if comment.hidden is not None:
        if moderator:
            text += "\n" + t(f"feed-comment-hidden-{comment.hidden.value}")
        elif comment.mine:
            text += "\n" + t("feed-comment-hidden-mine")
    if moderator and comment.reports:
        text += "\n" + t("feed-comment-reports", count=comment.reports)
    buttons: list[InlineKeyboardButton] = []
    if moderator:
        if comment.hidden is None:
            buttons.append(
                _button(t("feed-button-hide"), FeedModerate(decision="hide", comment_id=comment.id))
            )
            if comment.reports and not comment.reviewed:
                buttons.append(
                    _button(t("feed-button-approve"), FeedModerate(decision="restore", comment_id=comment.id))
                )
        else:
            buttons.append(
                _button(t("feed-button-restore"), FeedModerate(decision="restore", comment_id=comment.id))
            )
    elif not comment.mine and comment.hidden is None:
        buttons.append(_button(t("feed-button-report"), FeedReport(comment_id=comment.id)))
    return text, InlineKeyboardMarkup(inline_keyboard=[buttons]) if buttons else None


def setup() -> Router:
    router = Router(name=__name__)

    # ---- the command (first, so it also works in the middle of a form) ----

    @router.message(Command("feed"))
    @router.message(MenuPress("feed"))
    async def show_feed(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await state.clear()
        if viewer.person_id is None:
            await message.answer(t("join-register-first"))
            return
        actor = Actor.from_viewer(viewer)
        neighbourhood_id = await feed_neighbourhood(session, actor)
        if neighbourhood_id is None:
            await message.answer(t("feed-need-join"))
            return
        try:
            page = await feed_page(
                session, actor=actor, neighbourhood_id=neighbourhood_id, page=0, page_size=1
            )
        except PermissionDenied:
            await message.answer(t("feed-need-join"))
            return
        if page.total == 0:
            await message.answer(t("feed-empty", name=page.neighbourhood_name))
            return
        text, keyboard = render_page(t, page)
        await message.answer(text, reply_markup=keyboard)

    @router.callback_query(FeedNav.filter())
    async def turn_page(
        query: CallbackQuery,
        callback_data: FeedNav,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        try:
            page = await feed_page(
                session,
                actor=Actor.from_viewer(viewer),
                neighbourhood_id=callback_data.neighbourhood_id,
                page=callback_data.page,
                page_size=1,
            )
        except PermissionDenied:
            await query.answer(t("feed-not-allowed"), show_alert=True)
            return
        await query.answer()
        message = message_of(query)
        if message is None:
            return
        if page.total == 0:
            text, keyboard = t("feed-empty", name=page.neighbourhood_name), None
        else:
            text, keyboard = render_page(t, page)
        try:
            await message.edit_text(text, reply_markup=keyboard)
        except TelegramBadRequest:
            # "message is not modified" (pressed twice) or too old to edit: send it afresh.
            await message.answer(text, reply_markup=keyboard)

    @router.callback_query(FeedPhotos.filter())
    async def show_photos(
        query: CallbackQuery,
        callback_data: FeedPhotos,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        try:
            photos = await action_photos(
                session, actor=Actor.from_viewer(viewer), action_id=callback_data.action_id
            )
        except UnknownAction:
            await query.answer(t("feed-action-gone"), show_alert=True)
            return
        # A file id works only on the messenger it came from.
        here = [p for p in photos if p.platform == viewer.platform.value]
        if not here:
            await query.answer(t("feed-photos-elsewhere"), show_alert=True)
            return
        await query.answer()
        if (message := message_of(query)) is not None:
            for photo in here:
                await message.answer_photo(photo.file_id)

    # ---- comments ----

    @router.callback_query(FeedShowComments.filter())
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
        await query.answer()
        message = message_of(query)
        if message is None:
            return
        if listing.total == 0:
            await message.answer(
                t("feed-comments-none", title=listing.action_title),
                reply_markup=InlineKeyboardMarkup(
                    inline_keyboard=[
                        [_button(t("feed-button-comment"), FeedCommentOn(action_id=listing.action_id))]
                    ]
                ),
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
                reply_markup=InlineKeyboardMarkup(
                    inline_keyboard=[
                        [
                            _button(
                                t("feed-button-older-comments"),
                                FeedShowComments(action_id=listing.action_id, page=listing.page + 1),
                            )
                        ]
                    ]
                ),
            )

    @router.callback_query(FeedCommentOn.filter())
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
        await query.answer()
        await state.set_state(CommentForm.text)
        await state.update_data(action_id=callback_data.action_id)
        if (message := message_of(query)) is not None:
            await message.answer(t("feed-ask-comment", title=title, max=MAX_COMMENT_LENGTH))

    @router.message(StateFilter(CommentForm.text), F.text, ~F.text.startswith("/"), ~AnyMenuPress())
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
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        _button(
                            t("feed-button-show-all-comments"),
                            FeedShowComments(action_id=int(data["action_id"]), page=0),
                        )
                    ]
                ]
            ),
        )

    @router.message(StateFilter(CommentForm.text), ~F.text.startswith("/"), ~AnyMenuPress())
    async def comment_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("feed-comment-expected", max=MAX_COMMENT_LENGTH))

    @router.callback_query(FeedReport.filter())
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
        if outcome is not ReportOutcome.REPORTED and (message := message_of(query)) is not None:
            await _edit_markup(message, None)

    @router.callback_query(FeedModerate.filter())
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
        except (PermissionDenied, UnknownComment):
            await query.answer(t("feed-not-allowed"), show_alert=True)
            return
        await query.answer(
            t("feed-moderated-hidden" if view.hidden is CommentHidden.MANAGER else "feed-moderated-restored"),
            show_alert=True,
        )
        if (message := message_of(query)) is not None:
            _text, keyboard = render_comment(t, view, moderator=True)
            await _edit_markup(message, keyboard)

    return router
