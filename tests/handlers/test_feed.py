"""/feed through the real Dispatcher: paging by editing the message, commenting, reporting until a
comment is hidden, the manager's notice and restore, and people outside the neighbourhood."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SendPhoto
from aiogram.types import Sticker, User
from sqlalchemy import select

from models import (
    Comment,
    CommentHidden,
    CommitteeKey,
    Neighbourhood,
    NeighbourhoodKind,
    OutboxMessage,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResponsibleKind,
)
from services.actions import log_action
from services.authz import OPERATOR
from services.jalali import format_jalali_date, tehran_today
from services.requests import Photo
from tests.handlers.conftest import Harness, resident
from tests.handlers.conftest import fa as t
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard

TODAY = tehran_today(NOW)


def last_send(harness: Harness, chat_id: int) -> SendMessage:
    return next(
        r
        for r in reversed(harness.tg_session.requests)
        if isinstance(r, SendMessage) and r.chat_id == chat_id
    )


def buttons_of(method: SendMessage | EditMessageText) -> list[str]:
    markup = method.reply_markup
    assert markup is not None and hasattr(markup, "inline_keyboard")
    return [b.callback_data for row in markup.inline_keyboard for b in row]  # type: ignore[union-attr]


def last_alert(harness: Harness) -> str | None:
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    return answer.text


async def join(harness: Harness, user_id: int, phone: str, code: str = "1001") -> User:
    user = resident(user_id=user_id)
    await onboard(harness, user, phone)
    await harness.send(harness.updates.message(user, text=f"/start n_{code}"))
    return user


async def seed(harness: Harness) -> tuple[int, int, int]:
    """Two public actions, one internal, one resolution in progress; newest first in the feed:
    the newer action, the resolution (changed two days ago), the older action."""
    async with harness.session_factory() as session:
        resolution = Resolution(
            neighbourhood_id=1,
            text="ساخت سرعت‌گیر جلوی مدرسه",
            responsible_kind=ResponsibleKind.COMMITTEE,
            responsible_committee=CommitteeKey.SECURITY,
            deadline=TODAY + timedelta(days=30),
            priority=ResolutionPriority.HIGH,
            status=ResolutionStatus.IN_PROGRESS,
            progress=60,
            created_at=NOW - timedelta(days=10),
            updated_at=NOW - timedelta(days=2),
        )
        session.add(resolution)
        await session.commit()
        ids = []
        for title, days_ago, public in [
            ("کاشت نهال در بوستان محله", 5, True),
            ("جلسهٔ داخلی بودجه", 0, False),
            ("نصب سطل زباله در خیابان اصلی", 1, True),
        ]:
            view = await log_action(
                session,
                actor=OPERATOR,
                neighbourhood_id=1,
                title=title,
                description="با همکاری شهرداری" if public else None,
                committee=CommitteeKey.ENVIRONMENT,
                programme="karamat" if days_ago == 1 else None,
                done_on=TODAY - timedelta(days=days_ago),
                photos=[],
                public=public,
                now=NOW,
            )
            ids.append(view.id)
    return ids[2], resolution.id, ids[0]


async def test_a_resident_pages_through_the_feed_and_comments(harness: Harness) -> None:
    await manager(harness)
    newer, _resolution_id, older = await seed(harness)
    citizen = await join(harness, 700, "09124440001")

    await harness.send(harness.updates.message(citizen, text="/feed"))
    first = last_send(harness, citizen.id)
    assert first.text is not None
    assert first.text.startswith(t(harness, "feed-header", name="دولت‌آباد", page=1, pages=3))
    assert t(harness, "feed-action-title", title="نصب سطل زباله در خیابان اصلی") in first.text
    assert t(harness, "feed-action-programme", programme=t(harness, "programme-karamat")) in first.text
    assert t(harness, "feed-action-committee", committee=t(harness, "committee-environment")) in first.text
    assert (
        t(harness, "feed-action-date", date=format_jalali_date(TODAY - timedelta(days=1), "fa")) in first.text
    )
    assert t(harness, "feed-action-counts", photos=0, comments=0) in first.text
    assert "جلسهٔ داخلی" not in first.text
    assert buttons_of(first) == [f"fdc:{newer}", f"fds:{newer}:0", "fdp:1:1"]

    # Next: the message is edited to the resolution's progress.
    await harness.send(harness.updates.callback(citizen, "fdp:1:1"))
    edit = harness.tg_session.requests[-1]
    assert isinstance(edit, EditMessageText) and edit.text is not None
    assert "ساخت سرعت‌گیر جلوی مدرسه" in edit.text
    assert (
        t(
            harness,
            "feed-resolution-progress",
            status=t(harness, "feed-resolution-status-in_progress"),
            progress=60,
            bar="▰▰▰▰▰▰▱▱▱▱",
        )
        in edit.text
    )
    assert buttons_of(edit) == ["fdp:1:0", "fdp:1:2"]
    await harness.send(harness.updates.callback(citizen, "fdp:1:2"))
    last = harness.tg_session.requests[-1]
    assert isinstance(last, EditMessageText) and "کاشت نهال" in (last.text or "")
    assert buttons_of(last) == [f"fdc:{older}", f"fds:{older}:0", "fdp:1:1"]

    # No comments yet.
    await harness.send(harness.updates.callback(citizen, f"fds:{older}:0"))
    assert harness.last_text() == t(harness, "feed-comments-none", title="کاشت نهال در بوستان محله")

    # Comment: a sticker and a one-letter text are refused, then the comment is saved.
    await harness.send(harness.updates.callback(citizen, f"fdc:{older}"))
    assert harness.last_text() == t(harness, "feed-ask-comment", title="کاشت نهال در بوستان محله", max=1000)
    sticker = Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
    )
    await harness.send(harness.updates.message(citizen, sticker=sticker))
    assert harness.last_text() == t(harness, "feed-comment-expected", max=1000)
    await harness.send(harness.updates.message(citizen, text="!"))
    assert harness.last_text() == t(harness, "feed-comment-too-short")
    await harness.send(harness.updates.message(citizen, text="ك" * 1200))
    assert harness.last_text() == t(harness, "feed-comment-too-long", length=1200, max=1000)
    await harness.send(harness.updates.message(citizen, text="خيلي عالي بود، ممنون از شورا"))
    assert harness.last_text() == t(harness, "feed-comment-added")
    async with harness.session_factory() as session:
        comment = (await session.scalars(select(Comment))).one()
    assert comment.text == "خیلی عالی بود، ممنون از شورا" and comment.action_id == older

    # Another resident sees it with the first name only and a report button; the count shows.
    neighbour = await join(harness, 701, "09124440002")
    await harness.send(harness.updates.callback(neighbour, f"fds:{older}:0"))
    shown = last_send(harness, neighbour.id)
    assert shown.text is not None and shown.text.startswith("💬 Zahra — ") and "خیلی عالی بود" in shown.text
    assert "0912" not in shown.text and "۰۹۱۲" not in shown.text
    assert buttons_of(shown) == [f"fdr:{comment.id}"]
    # The author sees no report button on their own.
    await harness.send(harness.updates.callback(citizen, f"fds:{older}:0"))
    assert last_send(harness, citizen.id).reply_markup is None
    await harness.send(harness.updates.callback(citizen, f"fdr:{comment.id}"))
    assert last_alert(harness) == t(harness, "feed-report-own")


async def test_three_reports_hide_a_comment_and_the_manager_restores_it(harness: Harness) -> None:
    boss = await manager(harness)
    _newer, _resolution_id, older = await seed(harness)
    author = await join(harness, 700, "09124440001")
    reporters = [await join(harness, 710 + i, f"0912444001{i}") for i in range(4)]
    await harness.send(harness.updates.callback(author, f"fdc:{older}"))
    await harness.send(harness.updates.message(author, text="این نظر به نظر بعضی‌ها نامناسب است"))
    async with harness.session_factory() as session:
        comment_id = (await session.scalars(select(Comment.id))).one()

    for i, reporter in enumerate(reporters[:3]):
        await harness.send(harness.updates.callback(reporter, f"fdr:{comment_id}"))
        expected = "feed-report-hidden" if i == 2 else "feed-report-reported"
        assert last_alert(harness) == t(harness, expected)
        if i == 0:
            # The same person twice counts once.
            await harness.send(harness.updates.callback(reporter, f"fdr:{comment_id}"))
            assert last_alert(harness) == t(harness, "feed-report-already")

    async with harness.session_factory() as session:
        assert (await session.get(Comment, comment_id)).hidden is CommentHidden.REPORTS  # type: ignore[union-attr]
        notices = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == boss.id)))
    assert len(notices) == 1 and "این نظر به نظر بعضی‌ها نامناسب است" in notices[0].text
    assert notices[0].reply_markup is not None

    # A fourth resident no longer sees it; the author sees it marked hidden.
    fourth = reporters[3]
    await harness.send(harness.updates.callback(fourth, f"fds:{older}:0"))
    assert harness.last_text() == t(harness, "feed-comments-none", title="کاشت نهال در بوستان محله")
    await harness.send(harness.updates.callback(author, f"fds:{older}:0"))
    assert t(harness, "feed-comment-hidden-mine") in last_send(harness, author.id).text  # type: ignore[operator]

    # The manager sees it with its state and a restore button, and restores it from the notice.
    await harness.send(harness.updates.callback(boss, f"fds:{older}:0"))
    seen = last_send(harness, boss.id)
    assert t(harness, "feed-comment-hidden-reports") in (seen.text or "")
    assert buttons_of(seen) == [f"fm:restore:{comment_id}"]
    await harness.send(harness.updates.callback(fourth, f"fm:restore:{comment_id}"))
    assert last_alert(harness) == t(harness, "feed-not-allowed")
    await harness.send(harness.updates.callback(boss, f"fm:restore:{comment_id}"))
    assert last_alert(harness) == t(harness, "feed-moderated-restored")
    await harness.send(harness.updates.callback(fourth, f"fds:{older}:0"))
    assert "این نظر به نظر بعضی‌ها" in (last_send(harness, fourth.id).text or "")

    # And can hide it for good.
    await harness.send(harness.updates.callback(boss, f"fm:hide:{comment_id}"))
    assert last_alert(harness) == t(harness, "feed-moderated-hidden")
    async with harness.session_factory() as session:
        assert (await session.get(Comment, comment_id)).hidden is CommentHidden.MANAGER  # type: ignore[union-attr]


async def test_people_outside_the_neighbourhood(harness: Harness) -> None:
    await manager(harness)
    _newer, _resolution_id, older = await seed(harness)
    async with harness.session_factory() as session, session.begin():
        session.add(Neighbourhood(county_id=1, name="باقرآباد", code="1002", kind=NeighbourhoodKind.RURAL))
    outsider = await join(harness, 720, "09124440020", code="1002")
    await harness.send(harness.updates.message(outsider, text="/feed"))
    assert harness.last_text() == t(harness, "feed-empty", name="باقرآباد")  # their own, empty feed
    # Forged buttons of neighbourhood 1001's feed.
    await harness.send(harness.updates.callback(outsider, "fdp:1:0"))
    assert last_alert(harness) == t(harness, "feed-not-allowed")
    await harness.send(harness.updates.callback(outsider, f"fdc:{older}"))
    assert last_alert(harness) == t(harness, "feed-action-gone")
    await harness.send(harness.updates.callback(outsider, f"fds:{older}:0"))
    assert last_alert(harness) == t(harness, "feed-action-gone")

    # Registered but not joined: told to join; a stranger: told to register.
    lonely = resident(user_id=730)
    await onboard(harness, lonely, "09124440030")
    await harness.send(harness.updates.message(lonely, text=t(harness, "menu-feed")))
    assert harness.last_text() == t(harness, "feed-need-join")
    await harness.send(harness.updates.message(User(id=731, is_bot=False, first_name="X"), text="/feed"))
    assert harness.last_text() == t(harness, "join-register-first")


async def test_photos_of_an_action_are_sent_on_the_messenger_they_came_from(harness: Harness) -> None:
    await manager(harness)
    async with harness.session_factory() as session:
        view = await log_action(
            session,
            actor=OPERATOR,
            neighbourhood_id=1,
            title="رنگ‌آمیزی دیوار مدرسه",
            description=None,
            committee=CommitteeKey.CULTURE,
            programme=None,
            done_on=TODAY,
            photos=[Photo("telegram", "tg-photo-1"), Photo("bale", "bale-photo-1")],
            now=NOW,
        )
    citizen = await join(harness, 700, "09124440001")
    await harness.send(harness.updates.message(citizen, text="/feed"))
    card = last_send(harness, citizen.id)
    assert t(harness, "feed-action-counts", photos=2, comments=0) in (card.text or "")
    assert f"fdf:{view.id}" in buttons_of(card)
    await harness.send(harness.updates.callback(citizen, f"fdf:{view.id}"))
    sent = [r.photo for r in harness.tg_session.requests if isinstance(r, SendPhoto)]
    assert sent == ["tg-photo-1"]
