"""/feed: the neighbourhood's public actions and resolutions' progress, one item a page (the
message is edited when paging); comments under an action, reporting a comment, and the manager's
hide/restore buttons (also under the notice of a comment hidden by reports).

* `render`: the feed's buttons (callback data) and how a page and a comment are drawn;
* `browse`: /feed, turning its pages, an action's photos;
* `comments`: an action's comments, writing one, reporting one, hiding and restoring them.
"""

from __future__ import annotations

from aiogram import Router

from handlers.feed import browse, comments
from handlers.feed.comments import CommentForm
from handlers.feed.render import (
    PROGRESS_CELLS,
    FeedCommentOn,
    FeedModerate,
    FeedNav,
    FeedPhotos,
    FeedReport,
    FeedShowComments,
    progress_bar,
    render_comment,
    render_page,
)

__all__ = [
    "PROGRESS_CELLS",
    "CommentForm",
    "FeedCommentOn",
    "FeedModerate",
    "FeedNav",
    "FeedPhotos",
    "FeedReport",
    "FeedShowComments",
    "progress_bar",
    "render_comment",
    "render_page",
    "setup",
]


def setup() -> Router:
    router = Router(name=__name__)
    # /feed first, so it also works in the middle of a form (the comment form's included).
    router.include_routers(browse.setup(), comments.setup())
    return router
