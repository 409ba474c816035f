"""Resolutions through the real Dispatcher: the manager's form (buttons, typed and picked
deadlines, bad input at every step), the /resolutions lists with their filters and pages, and
the responsible liaison's progress reports with the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import Sticker, User
from sqlalchemy import select

from models import (
    Agency,
    CommitteeKey,
    CouncilMember,
    OutboxMessage,
    OutboxStatus,
    Person,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
    Role,
    ScopeKind,
)
from services.authz import OPERATOR
from services.jalali import format_jalali_date, tehran_today
from services.resolutions import Responsible, add_resolution, update_progress
from tests.handlers.conftest import Harness, add_varamin, count, resident, seat_member
from tests.handlers.conftest import fa as t
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard
from tests.handlers.test_liaisons import official

TODAY = tehran_today(NOW)  # 2026-11-22 = 1 Azar 1405
HEAD_PHONE = "09121110001"
BUILDER_PHONE = "09121110002"
LIAISON_PHONE = "09123330001"
FAR_LIAISON_PHONE = "09123330002"
RESIDENT_PHONE = "09124440001"
STICKER = Sticker(
    file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
)


def buttons_of(method: Any) -> list[str]:
    markup = method.reply_markup
    assert markup is not None and hasattr(markup, "inline_keyboard")
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


def last_markup(harness: Harness) -> list[str]:
    method = next(
        r
        for r in reversed(harness.tg_session.requests)
        if isinstance(r, SendMessage | EditMessageText | EditMessageReplyMarkup)
        and r.reply_markup is not None
    )
    return buttons_of(method)


def last_alert(harness: Harness) -> str | None:
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    return answer.text


def last_edit(harness: Harness) -> EditMessageText:
    return next(r for r in reversed(harness.tg_session.requests) if isinstance(r, EditMessageText))


async def ids(harness: Harness) -> dict[str, int]:
    async with harness.session_factory() as session:
        members = {
            phone: member_id
            for member_id, phone in (
                await session.execute(
                    select(CouncilMember.id, Person.phone).join(Person, Person.id == CouncilMember.person_id)
                )
            ).tuples()
        }
        municipality = await session.scalar(select(Agency.id).where(Agency.key == "municipality"))
        assert municipality is not None
    return {
        "head": members["+98" + HEAD_PHONE[1:]],
        "builder": members["+98" + BUILDER_PHONE[1:]],
        "municipality": municipality,
    }


async def liaison(harness: Harness, user_id: int, phone: str, county: str) -> User:
    """The municipality's liaison in `county` (of تهران)."""
    return await official(
        harness,
        user_id,
        phone,
        Role.LIAISON,
        ScopeKind.COUNTY,
        county,
        province_name="تهران",
        agency_key="municipality",
    )


async def setup_council(harness: Harness) -> dict[str, User]:
    """The manager of دولت‌آباد (1001, county ری), the health committee's head and a services
    member; the municipality's liaison in ری and in ورامین (another county); a resident."""
    boss = await manager(harness)
    await add_varamin(harness.session_factory)
    await seat_member(
        harness.session_factory,
        HEAD_PHONE,
        "رئیس بهداشت",
        committees=[CommitteeKey.HEALTH],
        head_of=CommitteeKey.HEALTH,
    )
    await seat_member(harness.session_factory, BUILDER_PHONE, "عضو عمران", committees=[CommitteeKey.SERVICES])
    head = resident(user_id=600)
    await onboard(harness, head, HEAD_PHONE)
    citizen = resident(user_id=700)
    await onboard(harness, citizen, RESIDENT_PHONE)
    await harness.send(harness.updates.message(citizen, text="/start n_1001"))
    return {
        "boss": boss,
        "head": head,
        "citizen": citizen,
        "liaison": await liaison(harness, 800, LIAISON_PHONE, "ری"),
        "far_liaison": await liaison(harness, 801, FAR_LIAISON_PHONE, "ورامین"),
    }


async def only_resolution(harness: Harness) -> Resolution:
    async with harness.session_factory() as session:
        return (await session.scalars(select(Resolution))).one()


async def outbox_to(harness: Harness, chat_id: int) -> list[OutboxMessage]:
    async with harness.session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
            )
        )


async def seed(
    harness: Harness,
    text: str,
    *,
    days: int = 10,
    responsible: Responsible | None = None,
) -> int:
    people = await ids(harness)
    async with harness.session_factory() as session:
        view = await add_resolution(
            session,
            harness.translator,
            actor=OPERATOR,
            neighbourhood_id=1,
            text=text,
            responsible=responsible or Responsible.of_agency(people["municipality"]),
            deadline=TODAY + timedelta(days=days),
            now=NOW,
        )
    return view.id


# ---- the form ----


async def test_the_manager_adds_a_resolution_for_a_member_with_arabic_digits(harness: Harness) -> None:
    users = await setup_council(harness)
    boss, head = users["boss"], users["head"]
    people = await ids(harness)
    await harness.send(harness.updates.message(boss, text="/resolutions"))
    assert t(harness, "resolutions-empty") in harness.last_text()
    assert "rs_add:0" in last_markup(harness)
    await harness.send(harness.updates.callback(boss, "rs_add:0"))
    assert harness.last_text().startswith(t(harness, "resolution-ask-text"))
    await harness.send(harness.updates.message(boss, text="پیگیری واکسیناسیون کودکان محله"))
    assert harness.last_text() == t(harness, "resolution-ask-responsible")
    await harness.send(harness.updates.callback(boss, "rs_kind:member"))
    assert harness.last_text() == t(harness, "resolution-ask-member")
    assert f"rs_who:{people['head']}" in last_markup(harness)
    await harness.send(harness.updates.callback(boss, f"rs_who:{people['head']}"))
    assert harness.last_text() == t(harness, "resolution-ask-deadline", example="۱۴۰۵/۰۹/۰۱")
    assert "jcal:day:rd:1405:9:1" in last_markup(harness)
    await harness.send(harness.updates.message(boss, text="١٤٠٥/٠٩/١٠"))
    assert harness.last_text() == t(harness, "resolution-ask-priority", deadline="۱۰ آذر ۱۴۰۵")
    await harness.send(harness.updates.callback(boss, "rs_prio:high"))
    summary = harness.last_text()
    assert "پیگیری واکسیناسیون کودکان محله" in summary and "رئیس بهداشت" in summary
    assert t(harness, "resolution-priority-high") in summary
    assert await count(harness.session_factory, Resolution) == 0
    await harness.send(harness.updates.callback(boss, "rs_ok:1"))

    saved = await only_resolution(harness)
    assert (saved.responsible_kind, saved.responsible_member_id) == (ResponsibleKind.MEMBER, people["head"])
    assert saved.priority is ResolutionPriority.HIGH and saved.deadline == TODAY + timedelta(days=9)
    assert saved.meeting_id is None
    assert t(harness, "resolution-saved", id=saved.id, who="رئیس بهداشت") in harness.last_text()
    notice = (await outbox_to(harness, head.id))[-1]
    assert t(harness, "resolution-notice-new", id=saved.id) in notice.text and "۱۰ آذر ۱۴۰۵" in notice.text


async def test_bad_input_at_each_step_of_the_resolution_form(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    people = await ids(harness)
    await harness.send(harness.updates.message(boss, text="/resolutions"))
    await harness.send(harness.updates.callback(boss, "rs_add:0"))
    # Text: a sticker, too short, 5 000 characters.
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text() == t(harness, "resolution-text-expected")
    await harness.send(harness.updates.message(boss, text="اب"))
    assert harness.last_text() == t(harness, "resolution-text-too-short", min=5)
    await harness.send(harness.updates.message(boss, text="ا" * 5000))
    assert harness.last_text() == t(harness, "resolution-text-too-long", length=5000, max=1000)
    await harness.send(harness.updates.message(boss, text="لایروبی جوی خیابان اصلی"))
    # Text where a button is asked; back from a list to the kinds.
    await harness.send(harness.updates.message(boss, text="کمیتهٔ عمران"))
    assert harness.last_text().startswith(t(harness, "resolution-use-buttons") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(boss, "rs_kind:member"))
    assert f"rs_who:{people['builder']}" in last_markup(harness)
    await harness.send(harness.updates.callback(boss, "rs_who:back"))
    assert harness.last_text() == t(harness, "resolution-ask-responsible")
    await harness.send(harness.updates.callback(boss, "rs_kind:committee"))
    await harness.send(harness.updates.callback(boss, "rs_who:services"))
    # Deadline: impossible dates, a word, a year long past, a decade ahead, a sticker.
    example = "۱۴۰۵/۰۹/۰۱"
    for typed, key in [
        ("1403/13/40", "resolution-bad-date-month"),
        ("۱۴۰۴/۱۲/۳۰", "resolution-bad-date-day"),  # 1404 is not a leap year
        ("1403/12/31", "resolution-bad-date-day"),
        ("فردا", "resolution-bad-date-format"),
        ("99/1/1", "resolution-bad-date-format"),
    ]:
        await harness.send(harness.updates.message(boss, text=typed))
        assert harness.last_text().startswith(t(harness, key, example=example) + "\n\n"), (
            typed
        )  # asked again below
    await harness.send(harness.updates.message(boss, text="1399/01/01"))
    assert harness.last_text() == t(harness, "resolution-deadline-too-old", limit="۱ آذر ۱۴۰۴")
    await harness.send(harness.updates.message(boss, text="1415/01/01"))
    far = format_jalali_date(TODAY + timedelta(days=5 * 365), "fa")
    assert harness.last_text() == t(harness, "resolution-deadline-too-far", limit=far)
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text().startswith(
        t(harness, "resolution-deadline-expected", example=example) + "\n\n"
    )  # asked again below
    # 30 Esfand 1403 existed (a leap year), but is more than a year ago: refused from the calendar too.
    await harness.send(harness.updates.callback(boss, "jcal:day:rd:1403:12:30"))
    assert harness.last_text() == t(harness, "resolution-deadline-too-old", limit="۱ آذر ۱۴۰۴")
    # The calendar moves to the next month, and a day is picked there.
    await harness.send(harness.updates.callback(boss, "jcal:nav:rd:1405:10:0"))
    edit = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, EditMessageReplyMarkup))
    assert edit.reply_markup is not None
    assert edit.reply_markup.inline_keyboard[0][1].text == "دی ۱۴۰۵"  # type: ignore[union-attr]
    await harness.send(harness.updates.callback(boss, "jcal:day:rd:1405:10:5"))
    assert harness.last_text() == t(harness, "resolution-ask-priority", deadline="۵ دی ۱۴۰۵")
    await harness.send(harness.updates.message(boss, text="فوری"))
    assert harness.last_text().startswith(t(harness, "resolution-use-buttons") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(boss, "rs_prio:urgent"))
    assert t(harness, "resolution-responsible-committee", committee=t(harness, "committee-services")) in (
        harness.last_text()
    )
    # Cancelled at the confirm: nothing saved, and the old buttons are dead.
    await harness.send(harness.updates.callback(boss, "rs_ok:0"))
    assert harness.last_text() == t(harness, "resolution-not-saved")
    await harness.send(harness.updates.callback(boss, "rs_ok:1"))
    assert last_alert(harness) == t(harness, "resolution-form-closed")
    assert await count(harness.session_factory, Resolution) == 0


async def test_only_the_manager_opens_the_form(harness: Harness) -> None:
    users = await setup_council(harness)
    await harness.send(harness.updates.callback(users["head"], "rs_add:0"))
    assert last_alert(harness) == t(harness, "resolution-not-manager")
    await harness.send(harness.updates.message(users["head"], text="متن یک مصوبه که نباید ثبت شود"))
    assert await count(harness.session_factory, Resolution) == 0


# ---- the lists ----


async def test_the_list_filters_and_the_committee_filter(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    overdue = await seed(harness, "تعمیر چراغ‌های پارک", days=-3)
    soon = await seed(harness, "جمع‌آوری نخاله‌ها", days=2)
    later = await seed(harness, "ساخت سرعت‌گیر", days=20)
    health = await seed(
        harness, "کلاس بهداشت دهان", days=30, responsible=Responsible.of_committee(CommitteeKey.HEALTH)
    )
    done = await seed(harness, "رنگ‌آمیزی مدرسه", days=1)
    async with harness.session_factory() as session:
        await update_progress(
            session, harness.translator, actor=OPERATOR, resolution_id=done, progress=100, now=NOW
        )

    await harness.send(harness.updates.message(boss, text="/resolutions"))
    text = harness.last_text()
    assert text.startswith(
        t(harness, "resolutions-title", name="دولت‌آباد", filter=t(harness, "resolutions-filter-open"))
    )
    for phrase in ("تعمیر چراغ‌های پارک", "جمع‌آوری نخاله‌ها", "ساخت سرعت‌گیر", "کلاس بهداشت دهان"):
        assert phrase in text
    assert "رنگ‌آمیزی مدرسه" not in text
    # The overdue line: red mark, Jalali deadline in Persian digits, days past, progress.
    line = next(part for part in text.split("\n\n") if "تعمیر چراغ‌های پارک" in part)
    assert line.startswith("🔴") and "۲۸ آبان ۱۴۰۵" in line and "۳ روز گذشته" in line and "۰٪" in line
    assert text.index("تعمیر چراغ‌های پارک") < text.index("جمع‌آوری نخاله‌ها") < text.index("ساخت سرعت‌گیر")
    assert f"rs_open:{overdue}" in last_markup(harness)

    async def page(data: str) -> str:
        await harness.send(harness.updates.callback(boss, data))
        return str(last_edit(harness).text)

    overdue_page = await page("rs_list:n:1:overdue::0")
    assert "تعمیر چراغ‌های پارک" in overdue_page and "جمع‌آوری نخاله‌ها" not in overdue_page
    soon_page = await page("rs_list:n:1:due_soon::0")
    assert "جمع‌آوری نخاله‌ها" in soon_page and "ساخت سرعت‌گیر" not in soon_page
    assert "تعمیر چراغ‌های پارک" not in soon_page
    done_page = await page("rs_list:n:1:done::0")
    assert "رنگ‌آمیزی مدرسه" in done_page and "۱۰۰٪" in done_page and "ساخت سرعت‌گیر" not in done_page
    all_page = await page("rs_list:n:1:all::0")
    assert all(p in all_page for p in ("رنگ‌آمیزی مدرسه", "ساخت سرعت‌گیر", "تعمیر چراغ‌های پارک"))
    # The committee filter: a keyboard of committees, then only the health committee's.
    await harness.send(harness.updates.callback(boss, "rs_com:1:open"))
    assert "rs_list:n:1:open:health:0" in last_markup(harness)
    health_page = await page("rs_list:n:1:open:health:0")
    assert "کلاس بهداشت دهان" in health_page and "ساخت سرعت‌گیر" not in health_page
    assert t(harness, "resolutions-title-committee", committee=t(harness, "committee-health")) in health_page
    assert f"rs_open:{health}" in last_markup(harness)
    assert f"rs_open:{soon}" not in last_markup(harness) and f"rs_open:{later}" not in last_markup(harness)

    # A resident cannot open the neighbourhood's list, even with a forged button.
    await harness.send(harness.updates.callback(users["citizen"], "rs_list:n:1:all::0"))
    assert last_alert(harness) == t(harness, "resolutions-not-allowed")
    await harness.send(harness.updates.callback(users["citizen"], f"rs_open:{overdue}"))
    assert last_alert(harness) == t(harness, "resolutions-not-allowed")


async def test_long_lists_are_paged_under_the_message_limit(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    for n in range(20):
        await seed(harness, f"مصوبهٔ شمارهٔ {n:02d} " + "توضیح بلند " * 80, days=n)
    await harness.send(harness.updates.message(boss, text="/resolutions"))
    first = harness.last_text()
    assert len(first) < 4000
    assert t(harness, "resolutions-page", count=20, page=1, pages=3) in first
    assert "rs_list:n:1:open::1" in last_markup(harness)
    await harness.send(harness.updates.callback(boss, "rs_list:n:1:open::2"))
    third = str(last_edit(harness).text)
    assert len(third) < 4000 and t(harness, "resolutions-page", count=20, page=3, pages=3) in third
    assert "مصوبهٔ شمارهٔ 19" in third and "مصوبهٔ شمارهٔ 00" not in third
    assert "rs_list:n:1:open::1" in last_markup(harness) and "rs_list:n:1:open::3" not in last_markup(harness)


# ---- progress, by the responsible liaison ----


async def test_the_liaison_reports_progress_and_sees_the_history(harness: Harness) -> None:
    users = await setup_council(harness)
    boss, liaison_user, far = users["boss"], users["liaison"], users["far_liaison"]
    rid = await seed(harness, "ترمیم آسفالت کوچهٔ شهید رضایی", days=5)
    notice = (await outbox_to(harness, liaison_user.id))[-1]
    assert notice.reply_markup is not None
    assert f"rs_upd:{rid}" in [
        b["callback_data"] for row in notice.reply_markup["inline_keyboard"] for b in row
    ]

    # The liaison's /resolutions is what they answer for.
    await harness.send(harness.updates.message(liaison_user, text="/resolutions"))
    mine = harness.last_text()
    assert mine.startswith(t(harness, "resolutions-mine-title", filter=t(harness, "resolutions-filter-open")))
    assert "ترمیم آسفالت" in mine and "دولت‌آباد" in mine

    # The same agency's liaison in another county is refused, and nothing opens.
    await harness.send(harness.updates.callback(far, f"rs_upd:{rid}"))
    assert last_alert(harness) == t(harness, "resolutions-not-allowed")
    await harness.send(harness.updates.message(far, text="50"))
    assert (await only_resolution(harness)).progress == 0

    await harness.send(harness.updates.callback(liaison_user, f"rs_upd:{rid}"))
    assert "rs_pct:50" in last_markup(harness) and "rs_stm" in last_markup(harness)
    await harness.send(harness.updates.message(liaison_user, text="نصفه"))
    assert harness.last_text() == t(harness, "resolution-bad-progress")
    await harness.send(harness.updates.message(liaison_user, text="150"))
    assert harness.last_text() == t(harness, "resolution-bad-progress")
    await harness.send(harness.updates.message(liaison_user, sticker=STICKER))
    assert harness.last_text() == t(harness, "resolution-bad-progress")
    await harness.send(harness.updates.message(liaison_user, text="۶۰٪"))
    assert harness.last_text() == t(harness, "resolution-ask-note", max=1000)
    await harness.send(harness.updates.message(liaison_user, sticker=STICKER))
    assert harness.last_text() == t(harness, "resolution-note-expected")
    await harness.send(harness.updates.message(liaison_user, text="ا" * 5000))
    assert harness.last_text() == t(harness, "resolution-note-too-long", length=5000, max=1000)
    await harness.send(harness.updates.message(liaison_user, text="پیمانکار کار را شروع کرد"))
    assert harness.last_text() == t(
        harness, "resolution-updated", id=rid, progress=60, status=t(harness, "resolution-status-in_progress")
    )
    stored = await only_resolution(harness)
    assert (stored.progress, stored.status) == (60, ResolutionStatus.IN_PROGRESS)
    told = (await outbox_to(harness, boss.id))[-1].text
    assert "پیمانکار کار را شروع کرد" in told and "۶۰٪" in told

    # The status menu: no "cancelled" for a liaison; "done" with no note.
    await harness.send(harness.updates.callback(liaison_user, f"rs_upd:{rid}"))
    await harness.send(harness.updates.callback(liaison_user, "rs_stm"))
    statuses = last_markup(harness)
    assert "rs_st:done" in statuses and "rs_st:cancelled" not in statuses
    await harness.send(harness.updates.callback(liaison_user, "rs_st:done"))
    await harness.send(harness.updates.callback(liaison_user, "rs_nonote"))
    stored = await only_resolution(harness)
    assert (stored.progress, stored.status) == (100, ResolutionStatus.DONE)

    # Done: a further report is refused with a clear reason.
    await harness.send(harness.updates.callback(liaison_user, f"rs_upd:{rid}"))
    await harness.send(harness.updates.callback(liaison_user, "rs_pct:50"))
    await harness.send(harness.updates.callback(liaison_user, "rs_nonote"))
    assert harness.last_text() == t(harness, "resolution-closed", status=t(harness, "resolution-status-done"))
    assert (await only_resolution(harness)).progress == 100

    # The history, oldest first, with who did what.
    await harness.send(harness.updates.callback(liaison_user, f"rs_hist:{rid}"))
    history = harness.last_text()
    for kind in ("created", "progress", "done"):
        assert t(harness, f"resolution-event-{kind}") in history
    assert "«پیمانکار کار را شروع کرد»" in history
    assert history.index(t(harness, "resolution-event-created")) < history.index(
        t(harness, "resolution-event-done")
    )
    async with harness.session_factory() as session:
        kinds = list(await session.scalars(select(ResolutionUpdate.kind).order_by(ResolutionUpdate.id)))
    assert kinds == ["created", "progress", "done"]


async def test_the_manager_cancels_from_the_card(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    rid = await seed(harness, "برگزاری جشن محله", days=5)
    await harness.send(harness.updates.message(boss, text="/resolutions"))
    await harness.send(harness.updates.callback(boss, f"rs_open:{rid}"))
    assert "برگزاری جشن محله" in harness.last_text()
    assert last_markup(harness) == [f"rs_upd:{rid}", f"rs_hist:{rid}"]
    await harness.send(harness.updates.callback(boss, f"rs_upd:{rid}"))
    await harness.send(harness.updates.callback(boss, "rs_stm"))
    assert "rs_st:cancelled" in last_markup(harness)
    await harness.send(harness.updates.callback(boss, "rs_st:cancelled"))
    await harness.send(harness.updates.message(boss, text="بودجه تأمین نشد"))
    assert (await only_resolution(harness)).status is ResolutionStatus.CANCELLED
    # The liaison who answered for it is told why.
    told = (await outbox_to(harness, users["liaison"].id))[-1].text
    assert "بودجه تأمین نشد" in told


async def test_the_manager_hears_who_was_told_and_who_has_not_joined_yet(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    people = await ids(harness)
    await harness.send(harness.updates.message(boss, text="/resolutions"))
    await harness.send(harness.updates.callback(boss, "rs_add:0"))
    await harness.send(harness.updates.message(boss, text="لایروبی جوی آب خیابان اصلی محله"))
    await harness.send(harness.updates.callback(boss, "rs_kind:member"))
    # The services member was registered by phone and has never opened the bot.
    await harness.send(harness.updates.callback(boss, f"rs_who:{people['builder']}"))
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۰۹/۱۰"))
    await harness.send(harness.updates.callback(boss, "rs_prio:normal"))
    await harness.send(harness.updates.callback(boss, "rs_ok:1"))

    reply = harness.last_text()
    saved = await only_resolution(harness)
    assert t(harness, "resolution-saved", id=saved.id, who="عضو عمران") in reply
    waiting_line = t(harness, "reach-told-waiting", names="عضو عمران", link="LINK").split("\n")[0]
    assert waiting_line in reply and "?start=join" in reply
    assert t(harness, "reach-told-now", names="").strip() not in reply  # nobody was told now
    async with harness.session_factory() as session:
        [waiting] = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.WAITING))
        )
    assert waiting.topic == f"resolution:{saved.id}"

    # The manager's menu lists who has not joined, with the message waiting for them.
    await harness.send(harness.updates.message(boss, text=t(harness, "menu-not-joined")))
    listing = harness.last_text()
    assert listing.startswith(t(harness, "not-joined-title"))
    assert "عضو عمران" in listing and t(harness, "role-council_member") in listing
    assert t(harness, "not-joined-waiting", count=1) in listing
    assert "رئیس بهداشت" not in listing  # opened the bot

    # A resident has no such list.
    await harness.send(harness.updates.message(users["citizen"], text="/not_joined"))
    assert harness.last_text() == t(harness, "not-joined-not-allowed")
