"""How the feed looks in the chat: the callback data of its buttons, one page of the feed (an
action or a resolution's progress, with the paging row) and one comment with the reader's
buttons (report; for the manager, hide and restore)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from services.feed import ActionCard, CommentView, FeedPage, ResolutionCard
from services.i18n import BoundTranslator
from services.jalali import format_datetime, format_jalali_date

PROGRESS_CELLS = 10


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


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def progress_bar(progress: int) -> str:
    filled = max(0, min(PROGRESS_CELLS, round(progress / 100 * PROGRESS_CELLS)))
    return "▰" * filled + "▱" * (PROGRESS_CELLS - filled)


def _action_card(t: BoundTranslator, item: ActionCard) -> tuple[list[str], list[list[InlineKeyboardButton]]]:
    """An action's lines, and its buttons: comment, show the comments, its photos."""
    lines = [t("feed-action-title", title=item.title)]
    if item.description:
        lines.append(item.description)
    committee = t(f"committee-{item.committee.value}") if item.committee else t("action-whole-council")
    lines.append(t("feed-action-committee", committee=committee))
    if item.programme:
        lines.append(t("feed-action-programme", programme=t(f"programme-{item.programme}")))
    lines.append(t("feed-action-date", date=format_jalali_date(item.done_on, t.locale)))
    if item.resolution_text:
        lines.append(t("feed-action-resolution", text=item.resolution_text))
    lines.append(t("feed-action-counts", photos=len(item.photos), comments=item.comments))
    rows = [
        [
            button(t("feed-button-comment"), FeedCommentOn(action_id=item.id)),
            button(
                t("feed-button-show-comments", count=item.comments),
                FeedShowComments(action_id=item.id, page=0),
            ),
        ]
    ]
    if item.photos:
        rows.append([button(t("feed-button-photos", count=len(item.photos)), FeedPhotos(action_id=item.id))])
    return lines, rows


def _resolution_card(t: BoundTranslator, item: ResolutionCard) -> list[str]:
    """A resolution's text, status and progress bar, and when it was done or is due."""
    lines = [
        t("feed-resolution-title"),
        item.text,
        t(
            "feed-resolution-progress",
            status=t(f"feed-resolution-status-{item.status.value}"),
            progress=item.progress,
            bar=progress_bar(item.progress),
        ),
    ]
    if item.completed_on is not None:
        lines.append(t("feed-resolution-done-on", date=format_jalali_date(item.completed_on, t.locale)))
    else:
        lines.append(t("feed-resolution-deadline", date=format_jalali_date(item.deadline, t.locale)))
    return lines


def _paging_row(t: BoundTranslator, page: FeedPage) -> list[InlineKeyboardButton]:
    """The previous and next page buttons there are (none on a feed of one page)."""
    nav: list[InlineKeyboardButton] = []
    if page.page > 0:
        nav.append(
            button(t("feed-button-prev"), FeedNav(neighbourhood_id=page.neighbourhood_id, page=page.page - 1))
        )
    if page.page + 1 < page.pages:
        nav.append(
            button(t("feed-button-next"), FeedNav(neighbourhood_id=page.neighbourhood_id, page=page.page + 1))
        )
    return nav


def render_page(t: BoundTranslator, page: FeedPage) -> tuple[str, InlineKeyboardMarkup]:
    """One feed item (the page size is 1 in the chat) with its buttons and the paging row."""
    lines = [t("feed-header", name=page.neighbourhood_name, page=page.page + 1, pages=page.pages)]
    rows: list[list[InlineKeyboardButton]] = []
    for item in page.items:
        if isinstance(item, ActionCard):
            action_lines, action_rows = _action_card(t, item)
            lines += action_lines
            rows += action_rows
        elif isinstance(item, ResolutionCard):
            lines += _resolution_card(t, item)
    if nav := _paging_row(t, page):
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def _comment_buttons(
    t: BoundTranslator, comment: CommentView, *, moderator: bool
) -> list[InlineKeyboardButton]:
    """The manager's hide (and approve, once reported) or restore; others' report."""
    if moderator:
        if comment.hidden is not None:
            return [button(t("feed-button-restore"), FeedModerate(decision="restore", comment_id=comment.id))]
        buttons = [button(t("feed-button-hide"), FeedModerate(decision="hide", comment_id=comment.id))]
        if comment.reports and not comment.reviewed:
            buttons.append(
                button(t("feed-button-approve"), FeedModerate(decision="restore", comment_id=comment.id))
            )
        return buttons
    if not comment.mine and comment.hidden is None:
        return [button(t("feed-button-report"), FeedReport(comment_id=comment.id))]
    return []


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
    buttons = _comment_buttons(t, comment, moderator=moderator)
    return text, InlineKeyboardMarkup(inline_keyboard=[buttons]) if buttons else None
