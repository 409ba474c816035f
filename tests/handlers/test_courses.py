"""Courses, letters and cards through the real Dispatcher: an official's /new_course form (bad
input at each step, nothing saved before the confirm), inviting, a manager confirming, attendance
with buttons until the course is completed, issuing the letter and card (with a reason when the
course is not completed), the holder fetching them, the card photo, and /verify with a token, a
link and a photo of the QR code — valid, then revoked once the role is."""

from __future__ import annotations

import io

import zxingcpp
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendDocument
from aiogram.types import BufferedInputFile, PhotoSize, User
from PIL import Image
from sqlalchemy import select

from models import (
    AuditEntry,
    CardPhoto,
    Course,
    CourseParticipant,
    CourseSession,
    IssuedDocument,
    OutboxMessage,
    ParticipantStatus,
    Person,
    Role,
    ScopeKind,
)
from services.authz import OPERATOR, load_actor
from services.roles import grant_role, revoke_role
from services.training import SessionPlan, create_course
from tests.handlers.conftest import Harness, count, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import MANAGER_PHONE, manager, onboard
from tests.handlers.test_resolutions import STICKER, last_markup, t

OFFICIAL_PHONE = "09120000044"
RESIDENT_PHONE = "09124440009"


async def official(harness: Harness) -> User:
    """The county official of ری (the manager's county)."""
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=OFFICIAL_PHONE,
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            now=NOW,
        )
    user = resident(user_id=900)
    await onboard(harness, user, OFFICIAL_PHONE)
    return user


async def person_id(harness: Harness, phone: str) -> int:
    async with harness.session_factory() as session:
        found = await session.scalar(select(Person.id).where(Person.phone == "+98" + phone[1:]))
    assert found is not None
    return found


def last_alert(harness: Harness) -> str | None:
    return next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery)).text


def verdict(harness: Harness, key: str) -> str:
    """The first line of a verdict (the rest names the holder)."""
    return t(harness, key, name="x", role="x", neighbourhood="x", county="x", number="x", expires="x").split(
        "\n"
    )[0]


def documents_sent(harness: Harness, chat_id: int) -> list[BufferedInputFile]:
    sent = [r for r in harness.tg_session.requests if isinstance(r, SendDocument) and r.chat_id == chat_id]
    files = [r.document for r in sent]
    assert all(isinstance(f, BufferedInputFile) for f in files)
    return files  # type: ignore[return-value]


async def outbox_to(harness: Harness, person: int) -> list[OutboxMessage]:
    async with harness.session_factory() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.person_id == person).order_by(OutboxMessage.id)
            )
        )


async def test_an_official_creates_a_course_by_the_form(harness: Harness) -> None:
    boss = await manager(harness)
    clerk = await official(harness)
    await harness.send(harness.updates.message(boss, text="/new_course"))
    assert harness.last_text() == t(harness, "course-not-official")

    await harness.send(harness.updates.message(clerk, text="/new_course"))
    assert harness.last_text() == t(harness, "course-ask-title")
    await harness.send(harness.updates.message(clerk, text="دو"))
    assert harness.last_text().startswith(t(harness, "course-title-too-short", min=3))
    await harness.send(harness.updates.message(clerk, sticker=STICKER))
    assert harness.last_text().startswith(t(harness, "course-title-expected"))
    await harness.send(harness.updates.message(clerk, text="آشنایی با مدیریت محله‌محور"))
    assert harness.last_text() == t(harness, "course-ask-audience")
    assert last_markup(harness) == [
        "crs_aud:manager",
        "crs_aud:council_member",
        "crs_aud:liaison",
        "crs_aud:done",
    ]
    await harness.send(harness.updates.callback(clerk, "crs_aud:done"))
    assert last_alert(harness) == t(harness, "course-audience-needed")
    await harness.send(harness.updates.callback(clerk, "crs_aud:manager"))
    edit = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, EditMessageReplyMarkup))
    labels = [b.text for row in edit.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels[0] == t(harness, "course-audience-chosen", role=t(harness, "role-manager"))
    await harness.send(harness.updates.callback(clerk, "crs_aud:done"))
    example = "۱۴۰۵/۰۹/۰۸ ۱۶:۳۰ " + t(harness, "course-example-place")
    assert harness.last_text() == t(harness, "course-ask-sessions", example=example)

    await harness.send(harness.updates.message(clerk, text="فردا عصر"))
    assert harness.last_text().startswith(
        t(harness, "course-bad-session-format", line=1, example=example, max=20)
    )
    await harness.send(
        harness.updates.message(clerk, text="۱۴۰۵/۰۹/۰۳ ۱۶:۳۰ مسجد جامع\n۱۴۰۵/۰۸/۰۱ ۱۰:۰۰ سالن")
    )
    assert harness.last_text().startswith(
        t(harness, "course-bad-session-past", line=2, example=example, max=20)
    )
    await harness.send(
        harness.updates.message(clerk, text="۱۴۰۵/۰۹/۱۰ ۱۶:۳۰ سالن فرمانداری\n۱۴۰۵/۰۹/۰۳ ۱۶:۳۰ مسجد جامع")
    )
    summary = harness.last_text()
    assert "آشنایی با مدیریت محله‌محور" in summary and "ری" in summary
    assert summary.index("مسجد جامع") < summary.index("سالن فرمانداری")  # in time order
    assert await count(harness.session_factory, Course) == 0  # nothing before the confirm
    await harness.send(harness.updates.callback(clerk, "crs_ok:1"))

    async with harness.session_factory() as session:
        course = (await session.scalars(select(Course))).one()
        places = list(await session.scalars(select(CourseSession.place).order_by(CourseSession.number)))
    assert (course.title, course.audience, course.min_attendance_percent) == (
        "آشنایی با مدیریت محله‌محور",
        ["manager"],
        80,
    )
    assert places == ["مسجد جامع", "سالن فرمانداری"]
    assert harness.last_text() == t(
        harness, "course-saved", title=course.title, audience=t(harness, "role-manager")
    )
    assert last_markup(harness) == [f"crs_inv:{course.id}"]
    await harness.send(harness.updates.callback(clerk, "crs_ok:1"))  # the closed form's button
    assert last_alert(harness) == t(harness, "course-form-closed")


async def a_course(harness: Harness) -> tuple[int, list[int]]:
    """A two-session course of ری for managers; (its id, its session ids)."""
    async with harness.session_factory() as session:
        actor = await load_actor(session, await person_id(harness, OFFICIAL_PHONE))
        course = await create_course(
            session,
            actor=actor,
            scope_kind=ScopeKind.COUNTY,
            scope_id=1,
            title="آشنایی با مدیریت محله‌محور",
            audience=[Role.MANAGER],
            sessions=[
                SessionPlan(NOW.replace(day=23), "مسجد جامع"),
                SessionPlan(NOW.replace(day=30), "سالن فرمانداری"),
            ],
            now=NOW,
        )
    return course.id, [s.id for s in course.sessions]


async def test_invited_confirmed_attended_issued_fetched_and_verified(harness: Harness) -> None:
    boss = await manager(harness)
    clerk = await official(harness)
    course_id, (first, second) = await a_course(harness)
    boss_id = await person_id(harness, MANAGER_PHONE)

    # Invited: the manager, who has opened the bot, gets it now with ✅/✖.
    await harness.send(harness.updates.callback(clerk, f"crs_inv:{course_id}"))
    assert harness.last_text().startswith(
        t(harness, "course-invited", count=1, already=0, told="x").split("\n")[0]
    )
    [invitation] = await outbox_to(harness, boss_id)
    assert invitation.chat_id == boss.id and "مسجد جامع" in invitation.text
    await harness.send(harness.updates.callback(clerk, f"crs_inv:{course_id}"))
    assert harness.last_text() == t(harness, "course-invited-none", already=1, place="ری")

    await harness.send(harness.updates.callback(boss, f"crs_rsvp:{course_id}:1"))
    assert harness.last_text() == t(harness, "course-answer-confirmed", title="آشنایی با مدیریت محله‌محور")
    async with harness.session_factory() as session:
        status = await session.scalar(select(CourseParticipant.status))
    assert status is ParticipantStatus.CONFIRMED
    await harness.send(harness.updates.message(boss, text="/courses"))
    assert t(harness, "course-status-confirmed") in harness.last_text()

    # The official opens the course and marks the manager present at both sessions.
    await harness.send(harness.updates.message(clerk, text="/courses"))
    assert last_markup(harness) == [f"crs_open:{course_id}", "crs_new:1"]
    await harness.send(harness.updates.callback(clerk, f"crs_open:{course_id}"))
    assert last_markup(harness) == [
        f"crs_inv:{course_id}",
        f"crs_ses:{first}",
        f"crs_ses:{second}",
        f"crs_issue:{course_id}:{boss_id}",
    ]
    for number, session_id in ((1, first), (2, second)):
        await harness.send(harness.updates.callback(clerk, f"crs_ses:{session_id}"))
        assert last_markup(harness) == [f"crs_att:{session_id}:{boss_id}", f"crs_att:{session_id}:0"]
        await harness.send(harness.updates.callback(clerk, f"crs_att:{session_id}:{boss_id}"))
        edit = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, EditMessageReplyMarkup))
        assert edit.reply_markup.inline_keyboard[0][0].text.startswith("✅")  # type: ignore[union-attr]
        await harness.send(harness.updates.callback(clerk, f"crs_att:{session_id}:0"))
        assert harness.last_text() == t(
            harness, "course-attendance-saved", number=number, present=1, completed=number - 1
        )
    assert any("با موفقیت گذراندید" in row.text for row in await outbox_to(harness, boss_id))

    # Issued: the official gets both files, the manager a notice with a button for each.
    await harness.send(harness.updates.callback(clerk, f"crs_issue:{course_id}:{boss_id}"))
    letter, card = documents_sent(harness, clerk.id)
    assert letter.filename.endswith(".pdf") and letter.data.startswith(b"%PDF")
    assert card.filename.endswith(".png")
    async with harness.session_factory() as session:
        letter_id, card_id = list(
            await session.scalars(select(IssuedDocument.id).order_by(IssuedDocument.id))
        )
    notice = (await outbox_to(harness, boss_id))[-1]
    assert notice.reply_markup is not None
    assert [row[0]["callback_data"] for row in notice.reply_markup["inline_keyboard"]] == [
        f"doc_get:{letter_id}",
        f"doc_get:{card_id}",
    ]
    await harness.send(harness.updates.callback(boss, f"doc_get:{card_id}"))
    [fetched] = documents_sent(harness, boss.id)
    [link] = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(fetched.data)))]
    assert link.startswith("http://127.0.0.1:8080/verify/")

    # Anyone verifies it: the link, the token alone, a photo of the card.
    citizen = resident(user_id=700)
    await onboard(harness, citizen, RESIDENT_PHONE)
    await harness.send(harness.updates.message(citizen, text=f"/verify {link}"))
    assert harness.last_text().startswith(verdict(harness, "verify-valid"))
    assert "دولت‌آباد" in harness.last_text() and "۰۹۱۲" not in harness.last_text()
    await harness.send(harness.updates.message(citizen, text="/verify"))
    assert harness.last_text() == t(harness, "verify-ask")
    await harness.send(harness.updates.message(citizen, text=link.rsplit("/", 1)[1]))
    assert harness.last_text().startswith(verdict(harness, "verify-valid"))
    photo = io.BytesIO()
    Image.open(io.BytesIO(fetched.data)).convert("RGB").save(photo, format="JPEG", quality=70)
    harness.tg_session.files["card-photo"] = photo.getvalue()
    shot = [PhotoSize(file_id="card-photo", file_unique_id="cp", width=1011, height=638)]
    await harness.send(harness.updates.message(citizen, photo=shot, caption="/verify"))
    assert harness.last_text().startswith("✅")

    # The role revoked: the same QR says so.
    async with harness.session_factory() as session:
        await revoke_role(
            session,
            actor=OPERATOR,
            phone=MANAGER_PHONE,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            now=NOW,
        )
    await harness.send(harness.updates.message(citizen, text="/verify"))
    await harness.send(harness.updates.message(citizen, photo=shot))
    assert harness.last_text().startswith(verdict(harness, "verify-revoked"))
    await harness.send(harness.updates.message(citizen, text=f"/verify {link[:-3]}abc"))
    assert harness.last_text() == t(harness, "verify-invalid")


async def test_issuing_without_the_course_asks_why(harness: Harness) -> None:
    boss = await manager(harness)
    clerk = await official(harness)
    course_id, _ = await a_course(harness)
    boss_id = await person_id(harness, MANAGER_PHONE)
    async with harness.session_factory() as session:
        name = (await session.get(Person, boss_id)).full_name or "—"  # type: ignore[union-attr]
    await harness.send(harness.updates.callback(clerk, f"crs_issue:{course_id}:{boss_id}"))
    assert harness.last_text() == t(harness, "document-ask-reason", name=name)
    await harness.send(harness.updates.message(clerk, text="چون"))
    assert harness.last_text().startswith(t(harness, "document-reason-too-short", min=5))
    assert await count(harness.session_factory, IssuedDocument) == 0
    await harness.send(harness.updates.message(clerk, text="دورهٔ سال پیش را در استان گذرانده است"))
    assert len(documents_sent(harness, clerk.id)) == 2
    async with harness.session_factory() as session:
        entries = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "document.override"))
        )
    assert len(entries) == 2 and entries[0].details["reason"] == "دورهٔ سال پیش را در استان گذرانده است"
    # A manager cannot issue.
    await harness.send(harness.updates.callback(boss, f"crs_issue:{course_id}:{boss_id}"))
    assert harness.last_text() == t(harness, "error-denied")


async def test_the_holder_sends_a_photo_for_the_card(harness: Harness) -> None:
    boss = await manager(harness)
    citizen = resident(user_id=700)
    await onboard(harness, citizen, RESIDENT_PHONE)
    await harness.send(harness.updates.message(citizen, text="/card_photo"))
    assert harness.last_text() == t(harness, "photo-not-appointed")
    await harness.send(harness.updates.message(boss, text="/card_photo"))
    assert harness.last_text() == t(harness, "photo-ask")
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text().startswith(t(harness, "photo-expected"))
    face = io.BytesIO()
    Image.new("RGB", (600, 800), (40, 90, 160)).save(face, format="JPEG")
    harness.tg_session.files["face"] = face.getvalue()
    await harness.send(
        harness.updates.message(
            boss, photo=[PhotoSize(file_id="face", file_unique_id="f", width=600, height=800)]
        )
    )
    assert harness.last_text() == t(harness, "photo-saved")
    assert await count(harness.session_factory, CardPhoto) == 1
    await harness.send(harness.updates.message(boss, text="/my_documents"))
    assert harness.last_text() == t(harness, "document-none")
