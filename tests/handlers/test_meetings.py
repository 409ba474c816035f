"""/meeting through the real Dispatcher: the whole form by buttons (kind, committee, the Jalali
calendar, attendance toggles, guests, a photo of the signed minutes), bad input at every step,
nothing saved before the confirm, then resolutions added to the meeting one by one."""

from __future__ import annotations

from datetime import date

from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import PhotoSize
from sqlalchemy import select

from models import Meeting, MeetingKind, Resolution, ResolutionPriority, ResponsibleKind
from models.council import CommitteeKey
from tests.handlers.conftest import Harness, count
from tests.handlers.test_resolutions import (
    STICKER,
    ids,
    last_alert,
    last_markup,
    outbox_to,
    setup_council,
    t,
)


def photo(file_id: str) -> list[PhotoSize]:
    return [PhotoSize(file_id=file_id, file_unique_id=f"u{file_id}", width=800, height=1100)]


async def only_meeting(harness: Harness) -> Meeting:
    async with harness.session_factory() as session:
        return (await session.scalars(select(Meeting))).one()


async def test_a_committee_meeting_by_buttons_then_its_resolutions(harness: Harness) -> None:
    users = await setup_council(harness)
    boss, liaison = users["boss"], users["liaison"]
    people = await ids(harness)

    await harness.send(harness.updates.message(boss, text="/meeting"))
    assert harness.last_text().startswith(t(harness, "meeting-ask-kind").split("\n")[0])
    assert last_markup(harness) == [f"mt_kind:{kind.value}" for kind in MeetingKind]
    await harness.send(harness.updates.message(boss, text="جلسهٔ کمیته"))  # typed where a button is asked
    assert harness.last_text().startswith(t(harness, "resolution-use-buttons") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(boss, "mt_kind:committee"))
    assert harness.last_text() == t(harness, "meeting-ask-committee")
    await harness.send(harness.updates.callback(boss, "mt_com:health"))
    assert harness.last_text() == t(harness, "meeting-ask-date", example="۱۴۰۵/۰۹/۰۱")
    assert "jcal:day:md:1405:9:1" in last_markup(harness)

    # The calendar goes back a month; a day of Aban is picked.
    await harness.send(harness.updates.callback(boss, "jcal:nav:md:1405:8:0"))
    edit = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, EditMessageReplyMarkup))
    assert edit.reply_markup is not None
    keyboard = edit.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert keyboard[0][1].text == "آبان ۱۴۰۵" and keyboard[1][0].text == "ش"
    await harness.send(harness.updates.callback(boss, "jcal:day:md:1405:8:20"))
    assert harness.last_text() == t(harness, "meeting-ask-attendance")
    assert last_markup(harness) == [f"mt_att:{people['head']}", f"mt_att:{people['builder']}", "mt_att:0"]

    # Attendance: both marked, one unmarked again.
    await harness.send(harness.updates.callback(boss, f"mt_att:{people['head']}"))
    await harness.send(harness.updates.callback(boss, f"mt_att:{people['builder']}"))
    await harness.send(harness.updates.callback(boss, f"mt_att:{people['builder']}"))
    edit = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, EditMessageReplyMarkup))
    labels = [b.text for row in edit.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels[:2] == [t(harness, "meeting-attendee-present", name="رئیس بهداشت"), "عضو عمران"]
    await harness.send(harness.updates.message(boss, text="رئیس بهداشت"))
    assert harness.last_text().startswith(t(harness, "resolution-use-buttons") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(boss, "mt_att:0"))
    assert harness.last_text() == t(harness, "meeting-ask-guests", max=500)

    await harness.send(harness.updates.message(boss, text="ن" * 5000))
    assert harness.last_text() == t(harness, "meeting-guests-too-long", length=5000, max=500)
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text() == t(harness, "meeting-guests-expected")
    await harness.send(harness.updates.message(boss, text="نمایندهٔ شبکهٔ بهداشت"))
    assert harness.last_text() == t(harness, "meeting-ask-minutes", max=3500)

    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text() == t(harness, "meeting-minutes-expected")
    await harness.send(
        harness.updates.message(boss, photo=photo("signed-minutes"), caption="صورت‌جلسهٔ امضاشده")
    )
    summary = harness.last_text()
    assert t(harness, "meeting-kind-committee") in summary and t(harness, "committee-health") in summary
    assert "۲۰ آبان ۱۴۰۵" in summary and "رئیس بهداشت" in summary and "عضو عمران" not in summary
    assert t(harness, "meeting-minutes-photo-attached") in summary and "نمایندهٔ شبکهٔ بهداشت" in summary
    assert await count(harness.session_factory, Meeting) == 0  # nothing before the confirm
    await harness.send(harness.updates.callback(boss, "mt_ok:1"))

    meeting = await only_meeting(harness)
    assert (meeting.kind, meeting.committee) == (MeetingKind.COMMITTEE, CommitteeKey.HEALTH)
    assert meeting.held_on == date(2026, 11, 11)
    assert meeting.attendee_member_ids == [people["head"]]
    assert meeting.guests == "نمایندهٔ شبکهٔ بهداشت"
    assert meeting.minutes_photo == {"platform": "telegram", "file_id": "signed-minutes"}
    assert meeting.minutes_text == "صورت‌جلسهٔ امضاشده"
    assert harness.last_text().startswith(
        t(
            harness,
            "meeting-saved",
            kind=t(harness, "meeting-kind-committee") + " — " + t(harness, "committee-health"),
            date="۲۰ آبان ۱۴۰۵",
            attendees=1,
        ).split("\n")[0]
    )
    assert last_markup(harness) == [f"rs_add:{meeting.id}", f"rs_end:{meeting.id}"]

    # A resolution of this meeting, for the municipality: its liaison in the county is told.
    await harness.send(harness.updates.callback(boss, f"rs_add:{meeting.id}"))
    assert "۲۰ آبان ۱۴۰۵" in harness.last_text()
    await harness.send(harness.updates.message(boss, text="نصب سطل زباله کنار درمانگاه"))
    await harness.send(harness.updates.callback(boss, "rs_kind:agency"))
    assert f"rs_who:{people['municipality']}" in last_markup(harness)
    await harness.send(harness.updates.callback(boss, f"rs_who:{people['municipality']}"))
    await harness.send(harness.updates.message(boss, text="۱۴۰۵/۰۹/۱۵"))
    await harness.send(harness.updates.callback(boss, "rs_prio:normal"))
    assert t(harness, "resolution-summary-meeting", meeting="x").split(":")[0] in harness.last_text()
    await harness.send(harness.updates.callback(boss, "rs_ok:1"))
    assert harness.last_text() == t(harness, "meeting-offer-more")
    assert last_markup(harness) == [f"rs_add:{meeting.id}", f"rs_end:{meeting.id}"]
    notice = (await outbox_to(harness, liaison.id))[-1].text
    assert "نصب سطل زباله کنار درمانگاه" in notice and "۱۵ آذر ۱۴۰۵" in notice

    # A second one, for the health committee, then done.
    await harness.send(harness.updates.callback(boss, f"rs_add:{meeting.id}"))
    await harness.send(harness.updates.message(boss, text="آموزش بهداشت دست به کودکان"))
    await harness.send(harness.updates.callback(boss, "rs_kind:committee"))
    await harness.send(harness.updates.callback(boss, "rs_who:health"))
    await harness.send(harness.updates.callback(boss, "jcal:day:rd:1405:9:20"))
    await harness.send(harness.updates.callback(boss, "rs_prio:low"))
    await harness.send(harness.updates.callback(boss, "rs_ok:1"))
    await harness.send(harness.updates.callback(boss, f"rs_end:{meeting.id}"))
    assert harness.last_text() == t(harness, "meeting-finished", count=2)

    async with harness.session_factory() as session:
        saved = list(await session.scalars(select(Resolution).order_by(Resolution.id)))
    assert [(r.meeting_id, r.responsible_kind) for r in saved] == [
        (meeting.id, ResponsibleKind.AGENCY),
        (meeting.id, ResponsibleKind.COMMITTEE),
    ]
    assert saved[0].responsible_agency_id == people["municipality"]
    assert saved[1].priority is ResolutionPriority.LOW and saved[1].deadline == date(2026, 12, 11)


async def test_impossible_and_future_meeting_dates_are_answered_clearly(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    await harness.send(harness.updates.message(boss, text="/meeting"))
    await harness.send(harness.updates.callback(boss, "mt_kind:council"))
    example = "۱۴۰۵/۰۹/۰۱"
    for typed, expected in [
        ("1403/13/40", t(harness, "resolution-bad-date-month", example=example)),
        ("۱۴۰۴/۱۲/۳۰", t(harness, "resolution-bad-date-day", example=example)),
        ("1403/12/31", t(harness, "resolution-bad-date-day", example=example)),
        ("دیروز", t(harness, "resolution-bad-date-format", example=example)),
        ("1405/09/05", t(harness, "meeting-date-future")),
        ("1400/01/01", t(harness, "meeting-date-too-old", limit="۲ آذر ۱۴۰۳")),
    ]:
        await harness.send(harness.updates.message(boss, text=typed))
        assert harness.last_text().startswith(expected + "\n\n"), typed  # the calendar again, below
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text().startswith(
        t(harness, "meeting-date-expected", example=example) + "\n\n"
    )  # asked again below
    # A future day from the calendar is refused too; Esfand 30 of a leap year is a real day.
    await harness.send(harness.updates.callback(boss, "jcal:day:md:1405:9:10"))
    assert harness.last_text().startswith(t(harness, "meeting-date-future") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(boss, "jcal:day:md:1403:12:30"))
    assert harness.last_text() == t(harness, "meeting-ask-attendance")
    # Guests and minutes skipped; cancelled at the confirm: nothing saved.
    await harness.send(harness.updates.callback(boss, "mt_att:0"))
    await harness.send(harness.updates.callback(boss, "mt_skip:guests"))
    await harness.send(harness.updates.callback(boss, "mt_skip:minutes"))
    assert "۳۰ اسفند ۱۴۰۳" in harness.last_text()
    await harness.send(harness.updates.callback(boss, "mt_ok:0"))
    assert harness.last_text() == t(harness, "meeting-not-saved")
    assert await count(harness.session_factory, Meeting) == 0


async def test_a_command_in_the_middle_ends_the_form_and_text_minutes_are_kept(harness: Harness) -> None:
    users = await setup_council(harness)
    boss = users["boss"]
    await harness.send(harness.updates.message(boss, text="/meeting"))
    await harness.send(harness.updates.callback(boss, "mt_kind:official_visit"))
    await harness.send(harness.updates.message(boss, text="/resolutions"))
    assert t(harness, "resolutions-empty") in harness.last_text()
    await harness.send(harness.updates.message(boss, text="1405/08/25"))
    assert await count(harness.session_factory, Meeting) == 0

    await harness.send(harness.updates.message(boss, text="/meeting"))
    await harness.send(harness.updates.callback(boss, "mt_kind:official_visit"))
    await harness.send(harness.updates.message(boss, text="1405/08/25"))
    await harness.send(harness.updates.callback(boss, "mt_att:0"))
    await harness.send(harness.updates.callback(boss, "mt_skip:guests"))
    await harness.send(harness.updates.message(boss, text="بازدید فرماندار از محله\nقول ساخت پارک"))
    await harness.send(harness.updates.callback(boss, "mt_ok:1"))
    meeting = await only_meeting(harness)
    assert meeting.kind is MeetingKind.OFFICIAL_VISIT and meeting.committee is None
    assert meeting.minutes_text == "بازدید فرماندار از محله\nقول ساخت پارک" and meeting.minutes_photo is None
    assert meeting.attendee_member_ids == [] and meeting.guests is None


async def test_only_a_manager_records_meetings(harness: Harness) -> None:
    users = await setup_council(harness)
    for who in ("head", "citizen", "liaison"):
        await harness.send(harness.updates.message(users[who], text="/meeting"))
        assert harness.last_text() == t(harness, "meeting-not-manager")
    # A forged button of the form does nothing but say the form is closed.
    await harness.send(harness.updates.callback(users["head"], "mt_ok:1"))
    assert last_alert(harness) == t(harness, "resolution-form-closed")
    assert await count(harness.session_factory, Meeting) == 0
