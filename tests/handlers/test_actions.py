"""/action through the real Dispatcher: the manager's whole form with buttons, completing a
resolution, a council member's internal action, and bad input at every step."""

from __future__ import annotations

from datetime import timedelta

import jdatetime
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import PhotoSize, Sticker, User
from sqlalchemy import select

from models import (
    Action,
    CommitteeKey,
    OutboxMessage,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
)
from services.jalali import tehran_today
from services.persian import to_persian_digits
from tests.handlers.conftest import Harness, count, resident, seat_member
from tests.handlers.conftest import fa as t
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard

MEMBER_PHONE = "09121110002"
RESIDENT_PHONE = "09124440009"
TODAY = tehran_today(NOW)


def jalali(days_ago: int, digits: str = "fa") -> str:
    day = jdatetime.date.fromgregorian(date=TODAY - timedelta(days=days_ago))
    text = f"{day.year}/{day.month}/{day.day}"
    return to_persian_digits(text) if digits == "fa" else text


def last_buttons(harness: Harness) -> list[str]:
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if getattr(r, "reply_markup", None) is not None and hasattr(r.reply_markup, "inline_keyboard")  # type: ignore[attr-defined]
    )
    return [button.callback_data for row in markup.inline_keyboard for button in row]


def last_alert(harness: Harness) -> str | None:
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    return answer.text


def sticker() -> Sticker:
    return Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
    )


def photo(file_id: str) -> list[PhotoSize]:
    return [PhotoSize(file_id=file_id, file_unique_id=f"u{file_id}", width=800, height=600)]


async def add_resolution(harness: Harness, text: str, committee: CommitteeKey = CommitteeKey.SERVICES) -> int:
    async with harness.session_factory() as session:
        resolution = Resolution(
            neighbourhood_id=1,
            text=text,
            responsible_kind=ResponsibleKind.COMMITTEE,
            responsible_committee=committee,
            deadline=TODAY + timedelta(days=10),
            priority=ResolutionPriority.NORMAL,
            status=ResolutionStatus.OPEN,
            progress=20,
            created_at=NOW - timedelta(days=3),
            updated_at=NOW - timedelta(days=3),
        )
        session.add(resolution)
        await session.commit()
        return resolution.id


async def only_action(harness: Harness) -> Action:
    async with harness.session_factory() as session:
        return (await session.scalars(select(Action))).one()


async def test_the_manager_logs_a_public_action_that_completes_a_resolution(harness: Harness) -> None:
    boss = await manager(harness)
    resolution_id = await add_resolution(harness, "لایروبی جوی‌های خیابان اصلی پیش از بارندگی پاییز")

    await harness.send(harness.updates.message(boss, text="/action"))
    assert harness.last_text() == t(harness, "action-ask-title", min=3, max=200)
    await harness.send(harness.updates.message(boss, sticker=sticker()))
    assert harness.last_text() == t(harness, "action-title-expected", min=3, max=200)
    await harness.send(harness.updates.message(boss, text="جو"))
    assert harness.last_text() == t(harness, "action-title-too-short", min=3)
    await harness.send(harness.updates.message(boss, text="ل" * 250))
    assert harness.last_text() == t(harness, "action-title-too-long", length=250, max=200)
    await harness.send(harness.updates.message(boss, text="لايروبي جوی خیابان اصلی"))
    assert harness.last_text() == t(harness, "action-ask-description", max=2000)
    assert last_buttons(harness) == ["acs:description"]

    await harness.send(harness.updates.message(boss, text="با کمک ۵ کارگر شهرداری"))
    assert harness.last_text() == t(harness, "action-ask-committee")
    assert "acc:services" in last_buttons(harness) and "acc:council" in last_buttons(harness)
    # Typed where a button is asked: told, and the buttons come again.
    await harness.send(harness.updates.message(boss, text="عمران"))
    assert harness.last_text() == t(harness, "action-button-expected") + "\n\n" + t(
        harness, "action-ask-committee"
    )
    assert "acc:services" in last_buttons(harness)
    await harness.send(harness.updates.callback(boss, "acc:services"))
    assert harness.last_text() == t(harness, "action-ask-programme")
    assert "acp:karamat" in last_buttons(harness) and "acp:none" in last_buttons(harness)
    await harness.send(harness.updates.callback(boss, "acp:karamat"))
    example = to_persian_digits(jdatetime.date.fromgregorian(date=TODAY).strftime("%Y/%m/%d"))
    assert harness.last_text() == t(harness, "action-ask-date", example=example)

    # Dates: nonsense, an impossible month, tomorrow, then three days ago in Persian digits.
    await harness.send(harness.updates.message(boss, text="دیروز"))
    assert harness.last_text() == t(harness, "action-bad-date-format", example=example)
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۱۳/۰۱"))
    assert harness.last_text() == t(harness, "action-bad-date-month", example=example)
    await harness.send(harness.updates.message(boss, text=jalali(-1)))
    assert harness.last_text() == t(harness, "action-date-in-future")
    await harness.send(harness.updates.message(boss, text=jalali(3)))
    assert harness.last_text() == t(harness, "action-ask-photos", max=5)
    assert last_buttons(harness) == ["acs:photos"]

    await harness.send(harness.updates.message(boss, text="عکس ندارم"))
    assert harness.last_text().startswith(t(harness, "action-photos-expected"))
    await harness.send(harness.updates.message(boss, photo=photo("p1")))
    assert harness.last_text() == t(harness, "action-photo-added", count=1, max=5)
    await harness.send(harness.updates.message(boss, photo=photo("p2")))
    await harness.send(harness.updates.callback(boss, "acs:photos"))
    assert harness.last_text() == t(harness, "action-ask-link")
    assert last_buttons(harness) == [f"acl:{resolution_id}", "acl:0"]

    await harness.send(harness.updates.callback(boss, f"acl:{resolution_id}"))
    assert harness.last_text() == t(harness, "action-ask-completes")
    await harness.send(harness.updates.callback(boss, "acd:1"))
    assert harness.last_text() == t(harness, "action-ask-visibility")
    await harness.send(harness.updates.callback(boss, "acv:1"))
    summary = harness.last_text()
    assert summary.startswith(t(harness, "action-summary-head"))
    assert t(harness, "action-summary-committee", committee=t(harness, "committee-services")) in summary
    assert t(harness, "action-summary-programme", programme=t(harness, "programme-karamat")) in summary
    assert t(harness, "action-summary-photos", count=2) in summary
    assert t(harness, "action-summary-completes") in summary
    # Nothing is saved before the confirm.
    assert await count(harness.session_factory, Action) == 0

    await harness.send(harness.updates.callback(boss, "acf:1"))
    assert harness.last_text() == t(
        harness, "action-logged-public", title="لایروبی جوی خیابان اصلی"
    ) + "\n" + t(harness, "action-logged-completed")
    action = await only_action(harness)
    assert action.title == "لایروبی جوی خیابان اصلی" and action.description == "با کمک ۵ کارگر شهرداری"
    assert action.committee is CommitteeKey.SERVICES and action.programme == "karamat"
    assert action.done_on == TODAY - timedelta(days=3) and action.public
    assert action.photos == [
        {"platform": "telegram", "file_id": "p1"},
        {"platform": "telegram", "file_id": "p2"},
    ]
    assert action.resolution_id == resolution_id
    async with harness.session_factory() as session:
        resolution = await session.get(Resolution, resolution_id)
        assert (
            resolution is not None
            and resolution.status is ResolutionStatus.DONE
            and resolution.progress == 100
        )
        kinds = list(await session.scalars(select(ResolutionUpdate.kind)))
        assert kinds == ["action"]
    # Nobody is notified of a public action.
    assert await count(harness.session_factory, OutboxMessage) == 0

    # The buttons of the finished form do nothing now.
    await harness.send(harness.updates.callback(boss, "acf:1"))
    assert last_alert(harness) == t(harness, "action-form-closed")
    assert await count(harness.session_factory, Action) == 1


async def test_a_member_logs_an_internal_action_by_the_menu_button_with_today(harness: Harness) -> None:
    await manager(harness)
    await seat_member(harness.session_factory, MEMBER_PHONE, "عضو شورا", committees=[CommitteeKey.CULTURE])
    member = resident(user_id=610)
    await onboard(harness, member, MEMBER_PHONE)
    await harness.send(harness.updates.message(member, text=t(harness, "menu-action")))
    assert harness.last_text() == t(harness, "action-ask-title", min=3, max=200)
    await harness.send(harness.updates.message(member, text="جلسهٔ هماهنگی جشن محله"))
    await harness.send(harness.updates.callback(member, "acs:description"))
    await harness.send(harness.updates.callback(member, "acc:council"))
    await harness.send(harness.updates.callback(member, "acp:none"))
    await harness.send(harness.updates.message(member, sticker=sticker()))
    assert harness.last_text().startswith(t(harness, "action-date-expected"))
    await harness.send(harness.updates.callback(member, "act"))
    assert harness.last_text() == t(harness, "action-ask-photos", max=5)
    # No open resolutions: straight to public or internal.
    await harness.send(harness.updates.callback(member, "acs:photos"))
    assert harness.last_text() == t(harness, "action-ask-visibility")
    await harness.send(harness.updates.callback(member, "acv:0"))
    assert t(harness, "action-summary-internal") in harness.last_text()
    assert (
        t(harness, "action-summary-committee", committee=t(harness, "action-whole-council"))
        in harness.last_text()
    )
    await harness.send(harness.updates.callback(member, "acf:1"))
    assert harness.last_text() == t(harness, "action-logged-internal", title="جلسهٔ هماهنگی جشن محله")
    action = await only_action(harness)
    assert not action.public and action.committee is None and action.programme is None
    assert action.done_on == TODAY and action.description is None and action.photos == []


async def test_a_member_can_link_but_not_complete_a_resolution_of_another_committee(harness: Harness) -> None:
    await manager(harness)
    await seat_member(harness.session_factory, MEMBER_PHONE, "عضو شورا", committees=[CommitteeKey.CULTURE])
    resolution_id = await add_resolution(harness, "تعمیر چراغ‌های کوچه", CommitteeKey.SERVICES)
    member = resident(user_id=610)
    await onboard(harness, member, MEMBER_PHONE)
    await harness.send(harness.updates.message(member, text="/action"))
    await harness.send(harness.updates.message(member, text="گزارش خرابی چراغ‌ها به شهرداری"))
    await harness.send(harness.updates.callback(member, "acs:description"))
    await harness.send(harness.updates.callback(member, "acc:culture"))
    await harness.send(harness.updates.callback(member, "acp:none"))
    await harness.send(harness.updates.callback(member, "act"))
    await harness.send(harness.updates.callback(member, "acs:photos"))
    assert harness.last_text() == t(harness, "action-ask-link")
    # A forged resolution id is ignored.
    await harness.send(harness.updates.callback(member, "acl:999"))
    assert harness.last_text() == t(harness, "action-ask-link")
    await harness.send(harness.updates.callback(member, f"acl:{resolution_id}"))
    # Not theirs to complete: the question is not asked.
    assert harness.last_text() == t(harness, "action-ask-visibility")
    await harness.send(harness.updates.callback(member, "acv:1"))
    await harness.send(harness.updates.callback(member, "acf:1"))
    action = await only_action(harness)
    assert action.resolution_id == resolution_id
    async with harness.session_factory() as session:
        resolution = await session.get(Resolution, resolution_id)
        assert resolution is not None and resolution.status is ResolutionStatus.OPEN


async def test_residents_cannot_log_and_a_cancelled_or_discarded_form_saves_nothing(harness: Harness) -> None:
    boss = await manager(harness)
    citizen = resident(user_id=700)
    await onboard(harness, citizen, RESIDENT_PHONE)
    await harness.send(harness.updates.message(citizen, text="/start n_1001"))
    await harness.send(harness.updates.message(citizen, text="/action"))
    assert harness.last_text() == t(harness, "action-not-allowed")
    # A forged confirm press by a resident does nothing either.
    await harness.send(harness.updates.callback(citizen, "acf:1"))
    assert await count(harness.session_factory, Action) == 0

    stranger = User(id=701, is_bot=False, first_name="Ali")
    await harness.send(harness.updates.message(stranger, text="/action"))
    assert harness.last_text() == t(harness, "join-register-first")

    # /cancel in the middle.
    await harness.send(harness.updates.message(boss, text="/action"))
    await harness.send(harness.updates.message(boss, text="کاشت نهال در بوستان"))
    await harness.send(harness.updates.message(boss, text="/cancel"))
    assert harness.last_text() == t(harness, "cancel-done")
    await harness.send(harness.updates.callback(boss, "acs:description"))
    assert last_alert(harness) == t(harness, "action-form-closed")

    # Discarded at the summary.
    await harness.send(harness.updates.message(boss, text="/action"))
    await harness.send(harness.updates.message(boss, text="کاشت نهال در بوستان"))
    await harness.send(harness.updates.message(boss, text="ا" * 2500))
    assert harness.last_text() == t(harness, "action-description-too-long", length=2500, max=2000)
    await harness.send(harness.updates.callback(boss, "acs:description"))
    await harness.send(harness.updates.callback(boss, "acc:environment"))
    await harness.send(harness.updates.callback(boss, "acp:tarh_2020"))
    await harness.send(harness.updates.message(boss, text=jalali(400, digits="en")))
    assert harness.last_text() == t(harness, "action-date-too-old")
    await harness.send(harness.updates.message(boss, text=jalali(1, digits="en")))
    for i in range(6):
        await harness.send(harness.updates.message(boss, photo=photo(f"p{i}")))
    assert harness.last_text() == t(harness, "action-photo-limit", max=5)
    await harness.send(harness.updates.callback(boss, "acs:photos"))
    await harness.send(harness.updates.callback(boss, "acv:1"))
    assert t(harness, "action-summary-photos", count=5) in harness.last_text()
    await harness.send(harness.updates.message(boss, text="ثبت کن"))
    assert harness.last_text().startswith(t(harness, "action-button-expected"))
    await harness.send(harness.updates.callback(boss, "acf:0"))
    assert harness.last_text() == t(harness, "action-discarded")
    assert await count(harness.session_factory, Action) == 0
