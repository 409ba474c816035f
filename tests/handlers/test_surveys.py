"""Needs assessments through the real Dispatcher: a manager makes a survey in the chat (bad input
at every step, nothing saved before ✅, the residents invited); residents answer it on Telegram
and on Bale with buttons and a typed text, one stopping half-way and resuming, once only; the
manager reads the results, closes the survey and turns a top need into a resolution in two
taps."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendDocument, SendMessage, SendPhoto
from aiogram.types import BufferedInputFile, User
from sqlalchemy import select

from handlers.surveys import NeedToResolution, ShowResults, StartSurvey
from models import (
    CommitteeKey,
    County,
    NeedsAssessment,
    Neighbourhood,
    NeighbourhoodKind,
    OutboxMessage,
    OutboxStatus,
    QuestionKind,
    Resolution,
    ResponsibleKind,
    Role,
    ScopeKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyStatus,
)
from services.authz import OPERATOR
from services.requests import RoutingModel
from services.roles import ensure_person, ensure_role, grant_role
from services.routing import RouteGuess
from services.surveys import (
    NEED_CALLBACK,
    RESULTS_CALLBACK,
    START_CALLBACK,
    QuestionDraft,
    SurveyDraft,
    SurveyScope,
    create_survey,
)
from tests.handlers.conftest import Harness, count, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import MANAGER_PHONE, manager, onboard
from tests.handlers.test_resolutions import STICKER, buttons_of, last_markup, t

NEEDS = ("پارک و فضای سبز", "روشنایی معابر", "جمع‌آوری زباله")


async def press(harness: Harness, user: User, data: str, *, bale: bool = False) -> None:
    """A button pressed on the last message the bot sent (as a person would)."""
    session = harness.bale_session if bale else harness.tg_session
    update = harness.updates.callback(user, data, message_id=session.last_sent_id)
    await harness.send(update, harness.bale if bale else harness.tg)


def last_alert(harness: Harness) -> str | None:
    answer = next(r for r in reversed(harness.tg_session.requests) if isinstance(r, AnswerCallbackQuery))
    return answer.text


async def neighbour(harness: Harness, user: User, phone: str, *, bale: bool = False) -> User:
    """A resident of 1001 who opened the bot (on Bale with `bale`)."""
    bot = harness.bale if bale else harness.tg
    await harness.send(harness.updates.message(user, text="/start"), bot)
    await harness.send(harness.updates.callback(user, "lang:fa:1"), bot)
    await harness.send(harness.updates.contact(user, phone, contact_user_id=user.id), bot)
    await harness.send(harness.updates.message(user, text="/start n_1001"), bot)
    return user


async def survey_of(harness: Harness) -> int:
    """A survey of 1001 made by the operator: a multiple choice, a scale, a text."""
    async with harness.session_factory() as session:
        created = await create_survey(
            session,
            harness.translator,
            actor=OPERATOR,
            scope=SurveyScope(ScopeKind.NEIGHBOURHOOD, 1),
            draft=SurveyDraft(
                "نیازهای محله",
                date(2026, 12, 20),
                (
                    QuestionDraft("مهم‌ترین نیاز محله؟", QuestionKind.MULTI, NEEDS),
                    QuestionDraft("رضایت از پاکیزگی محله؟", QuestionKind.SCALE),
                    QuestionDraft("پیشنهاد دیگری دارید؟", QuestionKind.TEXT),
                ),
            ),
            now=NOW,
        )
    return created.id


async def question_ids(harness: Harness, survey_id: int) -> list[int]:
    async with harness.session_factory() as session:
        return list(
            await session.scalars(
                select(SurveyQuestion.id)
                .where(SurveyQuestion.survey_id == survey_id)
                .order_by(SurveyQuestion.position)
            )
        )


def test_the_buttons_services_write_are_the_handlers_buttons() -> None:
    assert StartSurvey(survey_id=7).pack() == START_CALLBACK.format(survey_id=7)
    assert ShowResults(survey_id=7).pack() == RESULTS_CALLBACK.format(survey_id=7)
    packed = NeedToResolution(survey_id=7, neighbourhood_id=3, index=1).pack()
    assert packed == NEED_CALLBACK.format(survey_id=7, neighbourhood_id=3, index=1)


async def absent_resident(harness: Harness) -> None:
    """A resident of 1001 registered by phone who never opened the bot."""
    async with harness.session_factory() as session:
        absent, _ = await ensure_person(session, "+989124440002", full_name="غایب", now=NOW)
        await ensure_role(
            session,
            person_id=absent.id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=1,
            now=NOW,
        )
        await session.commit()


async def title_and_last_day(harness: Harness, boss: User) -> None:
    """/survey, ➕, the title and the last day, with bad input at each step."""
    await harness.send(harness.updates.message(boss, text="/survey"))
    assert harness.last_text() == t(harness, "survey-menu-title") + "\n" + t(harness, "survey-menu-empty")
    assert last_markup(harness) == ["sv_new"]
    await press(harness, boss, "sv_new")
    assert harness.last_text().startswith(t(harness, "survey-ask-title", min=3, max=150).split("\n")[0])
    await harness.send(harness.updates.message(boss, text="ن"))
    assert harness.last_text() == t(harness, "error-text-too-short", limit=3)
    await harness.send(harness.updates.message(boss, sticker=STICKER))
    assert harness.last_text() == t(harness, "survey-title-expected")
    await harness.send(harness.updates.message(boss, text="نیازهای محله در ۱۴۰۵"))
    assert harness.last_text() == t(harness, "survey-ask-closes", example="۱۴۰۵/۰۹/۰۱")
    assert "jcal:day:sv:1405:9:30" in last_markup(harness)

    # The last day: a past one typed, an impossible one, then one picked from the calendar.
    await harness.send(harness.updates.message(boss, text="1405/08/01"))
    assert harness.last_text().startswith(
        t(harness, "survey-invalid-closes-past", today="۱ آذر ۱۴۰۵") + "\n\n"
    )
    await harness.send(harness.updates.message(boss, text="1405/13/01"))
    assert harness.last_text().startswith(t(harness, "resolution-bad-date-month", example="۱۴۰۵/۰۹/۰۱"))
    await press(harness, boss, "jcal:day:sv:1405:9:30")
    assert harness.last_text() == t(harness, "survey-ask-question", number=1, min=3, max=300)


async def three_questions(harness: Harness, boss: User) -> None:
    """A multiple choice (its options one per line, bad ones first), a scale and a text."""
    await harness.send(harness.updates.message(boss, text="مهم‌ترین نیاز محله چیست؟"))
    assert harness.last_text() == t(harness, "survey-ask-kind")
    assert last_markup(harness) == [f"sv_kind:{kind.value}" for kind in QuestionKind]
    await harness.send(harness.updates.message(boss, text="پارک"))
    assert harness.last_text().startswith(t(harness, "survey-use-buttons") + "\n\n")  # asked again below
    await press(harness, boss, "sv_kind:multi")
    assert harness.last_text().startswith(
        t(harness, "survey-ask-options", min=2, max=10, length=60).split("\n")[0]
    )
    await harness.send(harness.updates.message(boss, text="پارک"))
    assert harness.last_text() == t(harness, "survey-invalid-options-count", minimum=2, maximum=10, count=1)
    await harness.send(harness.updates.message(boss, text="پارک\nروشنایی\n پارک "))
    assert harness.last_text() == t(harness, "survey-invalid-options-duplicate", option="پارک")
    await harness.send(harness.updates.message(boss, text="\n".join(NEEDS)))
    assert harness.last_text() == t(
        harness, "survey-question-added", number=1, kind=t(harness, "survey-kind-name-multi")
    )
    assert last_markup(harness) == ["sv_more:1", "sv_more:0"]
    await press(harness, boss, "sv_more:1")
    await harness.send(harness.updates.message(boss, text="از پاکیزگی محله چقدر راضی هستید؟"))
    await press(harness, boss, "sv_kind:scale")
    await press(harness, boss, "sv_more:1")
    await harness.send(harness.updates.message(boss, text="پیشنهاد دیگری دارید؟"))
    await press(harness, boss, "sv_kind:text")


async def test_a_manager_makes_a_survey_in_the_chat(harness: Harness) -> None:
    boss = await manager(harness)
    citizen = await neighbour(harness, resident(user_id=700), "09124440001")
    await absent_resident(harness)  # the invitation waits for them
    await title_and_last_day(harness, boss)
    await three_questions(harness, boss)
    await press(harness, boss, "sv_more:0")
    summary = harness.last_text()
    assert "نیازهای محله در ۱۴۰۵" in summary and "۳۰ آذر ۱۴۰۵" in summary and "محلهٔ دولت‌آباد" in summary
    assert (
        t(
            harness,
            "survey-summary-choice",
            number=1,
            text="مهم‌ترین نیاز محله چیست؟",
            kind=t(harness, "survey-kind-name-multi"),
            options="پارک و فضای سبز، روشنایی معابر، جمع‌آوری زباله",
        )
        in summary
    )
    assert "۳. پیشنهاد دیگری دارید؟" in summary
    assert await count(harness.session_factory, Survey) == 0  # nothing before the confirm
    await press(harness, boss, "sv_ok:1")

    async with harness.session_factory() as session:
        survey = (await session.scalars(select(Survey))).one()
        kinds = list(await session.scalars(select(SurveyQuestion.kind).order_by(SurveyQuestion.position)))
        invitations = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.topic == f"survey:{survey.id}"))
        )
    assert (survey.title, survey.closes_on, survey.neighbourhood_id) == (
        "نیازهای محله در ۱۴۰۵",
        date(2026, 12, 21),
        1,
    )
    assert kinds == [QuestionKind.MULTI, QuestionKind.SCALE, QuestionKind.TEXT]
    assert harness.last_text() == t(
        harness, "survey-saved", title=survey.title, id=survey.id, now=1
    ) + "\n" + t(harness, "survey-saved-waiting", waiting=1)
    assert last_markup(harness) == [f"sv_res:{survey.id}"]
    assert {(m.chat_id, m.status) for m in invitations} == {
        (citizen.id, OutboxStatus.PENDING),
        (None, OutboxStatus.WAITING),
    }
    for invitation in invitations:
        assert invitation.reply_markup is not None
        assert invitation.reply_markup["inline_keyboard"][0][0]["callback_data"] == f"sv_go:{survey.id}"

    # A resident may not make one; the form's buttons, once it is closed, say so.
    await harness.send(harness.updates.message(citizen, text="/survey new"))
    assert harness.last_text() == t(harness, "survey-not-allowed")
    await press(harness, boss, "sv_ok:1")
    assert last_alert(harness) == t(harness, "survey-form-closed")


async def first_question_ticked(
    harness: Harness, zahra: User, survey_id: int, multi: int, scale: int
) -> None:
    """Zahra starts and answers the multiple choice by ticks (none first, then two)."""
    await press(harness, zahra, f"sv_go:{survey_id}")
    first = harness.last_text()
    assert first.startswith(
        t(harness, "survey-question", title="نیازهای محله", number=1, total=3, text="مهم‌ترین نیاز محله؟")
    )
    assert "پرسش ۱ از ۳" in first
    assert last_markup(harness) == [
        f"sv_tog:{survey_id}:{multi}:1",
        f"sv_tog:{survey_id}:{multi}:2",
        f"sv_tog:{survey_id}:{multi}:4",
        f"sv_mdone:{survey_id}:{multi}:0",
        f"sv_skip:{survey_id}:{multi}",
        f"sv_stop:{survey_id}",
    ]
    await harness.send(harness.updates.message(zahra, text="پارک"))  # typed where buttons are asked
    assert harness.last_text().startswith(t(harness, "survey-use-buttons") + "\n\n")
    await press(harness, zahra, f"sv_mdone:{survey_id}:{multi}:0")
    assert last_alert(harness) == t(harness, "survey-pick-one-first")
    await press(harness, zahra, f"sv_tog:{survey_id}:{multi}:1")
    await press(harness, zahra, f"sv_tog:{survey_id}:{multi}:5")
    edit = next(
        r
        for r in reversed(harness.tg_session.requests)
        if isinstance(r, EditMessageReplyMarkup) and r.reply_markup
    )
    labels = [b.text for row in edit.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels[:3] == [
        t(harness, "survey-option-on", option=NEEDS[0]),
        t(harness, "survey-option-off", option=NEEDS[1]),
        t(harness, "survey-option-on", option=NEEDS[2]),
    ]
    assert f"sv_mdone:{survey_id}:{multi}:5" in buttons_of(edit)
    await press(harness, zahra, f"sv_mdone:{survey_id}:{multi}:5")
    assert "پرسش ۲ از ۳" in harness.last_text()
    assert f"sv_scale:{survey_id}:{scale}:5" in last_markup(harness)


async def stop_resume_and_finish(harness: Harness, zahra: User, survey_id: int, scale: int) -> None:
    """Zahra stops at the second question, comes back to it later, and finishes with a text."""
    await press(harness, zahra, f"sv_stop:{survey_id}")
    assert harness.last_text() == t(harness, "survey-stopped")
    assert last_markup(harness) == [f"sv_go:{survey_id}"]
    await press(harness, zahra, f"sv_go:{survey_id}")
    assert harness.last_text().startswith(t(harness, "survey-resumed") + "\n")
    assert "پرسش ۲ از ۳" in harness.last_text()
    await press(harness, zahra, f"sv_scale:{survey_id}:{scale}:4")
    assert "پرسش ۳ از ۳" in harness.last_text()
    await harness.send(harness.updates.message(zahra, sticker=STICKER))
    assert harness.last_text().startswith(t(harness, "survey-answer-text-expected") + "\n\n")
    await harness.send(harness.updates.message(zahra, text="ن" * 501))
    assert harness.last_text().startswith(t(harness, "error-text-too-long", length=501, limit=500))
    await harness.send(harness.updates.message(zahra, text="یک کتابخانهٔ کوچک"))
    assert harness.last_text() == t(harness, "survey-thanks", title="نیازهای محله")


async def test_residents_answer_on_both_messengers_one_stopping_and_resuming(harness: Harness) -> None:
    await manager(harness)
    zahra = await neighbour(harness, resident(user_id=700), "09124440001")
    reza = await neighbour(harness, resident(user_id=701), "09124440003", bale=True)
    survey_id = await survey_of(harness)
    multi, scale, text = await question_ids(harness, survey_id)
    await first_question_ticked(harness, zahra, survey_id, multi, scale)
    await stop_resume_and_finish(harness, zahra, survey_id, scale)
    # Once only.
    await press(harness, zahra, f"sv_go:{survey_id}")
    assert harness.last_text() == t(harness, "survey-already-answered")

    # Reza, on Bale: one option, a skip, a skip.
    await press(harness, reza, f"sv_go:{survey_id}", bale=True)
    await press(harness, reza, f"sv_tog:{survey_id}:{multi}:2", bale=True)
    await press(harness, reza, f"sv_mdone:{survey_id}:{multi}:2", bale=True)
    await press(harness, reza, f"sv_skip:{survey_id}:{scale}", bale=True)
    await press(harness, reza, f"sv_skip:{survey_id}:{text}", bale=True)
    assert harness.last_text(harness.bale_session) == t(harness, "survey-thanks", title="نیازهای محله")

    async with harness.session_factory() as session:
        answers = (
            (
                await session.execute(
                    select(
                        SurveyAnswer.question_id,
                        SurveyAnswer.choices,
                        SurveyAnswer.scale,
                        SurveyAnswer.text,
                        SurveyAnswer.skipped,
                    ).order_by(SurveyAnswer.id)
                )
            )
            .tuples()
            .all()
        )
    assert answers == [
        (multi, [0, 2], None, None, False),
        (scale, None, 4, None, False),
        (text, None, None, "یک کتابخانهٔ کوچک", False),
        (multi, [1], None, None, False),
        (scale, None, None, None, True),
        (text, None, None, None, True),
    ]

    # Someone of another neighbourhood is told politely, and nothing is recorded.
    await a_stranger_is_refused(harness, survey_id)


async def a_stranger_is_refused(harness: Harness, survey_id: int) -> None:
    async with harness.session_factory() as session:
        county = await session.scalar(select(County))
        session.add(Neighbourhood(county=county, name="باقرآباد", code="1002", kind=NeighbourhoodKind.URBAN))
        await session.commit()
    stranger = resident(user_id=702)
    await onboard(harness, stranger, "09124440004")
    await harness.send(harness.updates.message(stranger, text="/start n_1002"))
    await press(harness, stranger, f"sv_go:{survey_id}")
    assert harness.last_text() == t(harness, "survey-not-for-you")
    assert await count(harness.session_factory, SurveyAnswer) == 6


async def results_then_close(harness: Harness, boss: User, zahra: User, survey_id: int) -> None:
    """The resident sees no results; the manager sees them exactly, closes the survey, and the
    needs assessment is recorded and offered to the manager."""
    # A resident sees no results; the manager sees them exactly.
    await harness.send(harness.updates.message(zahra, text=f"/survey results {survey_id}"))
    assert harness.last_text() == t(harness, "survey-not-allowed")
    await harness.send(harness.updates.message(boss, text="/survey"))
    assert f"sv_res:{survey_id}" in last_markup(harness) and "sv_new" in last_markup(harness)
    before = len(harness.tg_session.requests)
    await press(harness, boss, f"sv_res:{survey_id}")
    results = harness.last_text()
    chart, workbook = result_files(harness, before)
    assert isinstance(chart, SendPhoto) and chart.chat_id == boss.id
    assert workbook.document.filename == f"survey-{survey_id}.xlsx"  # type: ignore[union-attr]
    book = openpyxl.load_workbook(io.BytesIO(payload(workbook)))
    assert book.worksheets[0].sheet_view.rightToLeft and book.worksheets[0]["D3"].value == NEEDS[1]
    assert book.worksheets[0]["E3"].value == 1 and book.worksheets[2]["C2"].value == "نیمکت"
    assert not any(
        "Zahra" in str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    assert t(harness, "survey-results-title", title="نیازهای محله", id=survey_id) in results
    assert "۱ نفر پاسخ دادند" in results
    assert t(harness, "survey-results-option", option=NEEDS[1], count=1, percent="100") in results
    assert t(harness, "survey-results-option", option=NEEDS[0], count=0, percent="0") in results
    assert t(harness, "survey-results-average", average="3", answered=1) in results
    assert t(harness, "survey-results-text", text="نیمکت") in results
    assert "Zahra" not in results and "۰۹۱۲۴۴۴۰۰۰۱" not in results
    assert last_markup(harness) == [f"sv_close:{survey_id}:ask"]

    await press(harness, boss, f"sv_close:{survey_id}:ask")
    assert harness.last_text() == t(harness, "survey-close-confirm", title="نیازهای محله")
    await press(harness, boss, f"sv_close:{survey_id}:yes")
    assert harness.last_text() == t(harness, "survey-closed-done", records=1)
    async with harness.session_factory() as session:
        record = (await session.scalars(select(NeedsAssessment))).one()
        status = await session.scalar(select(Survey.status))
        notice = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedup_key.like(f"survey:{survey_id}:closed:1:%"))
        )
    assert status == SurveyStatus.CLOSED and record.top_needs == [NEEDS[1]] and record.respondents == 1
    assert notice is not None and notice.chat_id == boss.id
    assert [row[0]["callback_data"] for row in notice.reply_markup["inline_keyboard"]] == [  # type: ignore[index]
        f"sv_need:{survey_id}:1:0",
        f"sv_res:{survey_id}",
    ]
    await press(harness, zahra, f"sv_go:{survey_id}")
    assert harness.last_text() == t(harness, "survey-closed")


def payload(method: SendPhoto | SendDocument) -> bytes:
    sent = method.photo if isinstance(method, SendPhoto) else method.document
    assert isinstance(sent, BufferedInputFile)
    return sent.data


def result_files(harness: Harness, since: int) -> tuple[SendPhoto | SendDocument, SendDocument]:
    """The chart and the workbook sent since request `since`, after the results' text."""
    sent = harness.tg_session.requests[since:]
    files = [(i, m) for i, m in enumerate(sent) if isinstance(m, SendPhoto | SendDocument)]
    assert len(files) == 2, sent
    texts = [i for i, m in enumerate(sent) if isinstance(m, SendMessage)]
    assert texts and max(texts) < files[0][0]  # after the text
    (_, chart), (_, workbook) = files
    assert payload(chart).startswith(b"\x89PNG\r\n\x1a\n") and isinstance(workbook, SendDocument)
    return chart, workbook


async def test_no_files_before_anyone_answers_and_a_tall_chart_goes_as_a_document(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = await manager(harness)
    survey_id = await survey_of(harness)
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.message(boss, text=f"/survey results {survey_id}"))
    sent = harness.tg_session.requests[before:]
    assert "۰ نفر پاسخ دادند" in harness.last_text()
    assert not any(isinstance(m, SendPhoto | SendDocument) for m in sent)

    zahra = await neighbour(harness, resident(user_id=700), "09124440001")
    multi, _scale, _text = await question_ids(harness, survey_id)
    await press(harness, zahra, f"sv_go:{survey_id}")
    await press(harness, zahra, f"sv_mdone:{survey_id}:{multi}:1")  # the first need
    monkeypatch.setattr("handlers.surveys.results.PHOTO_MAX_HEIGHT", 10)
    before = len(harness.tg_session.requests)
    await harness.send(harness.updates.message(boss, text=f"/survey results {survey_id}"))
    chart, workbook = result_files(harness, before)
    assert isinstance(chart, SendDocument) and chart.document.filename == f"survey-{survey_id}.png"  # type: ignore[union-attr]
    assert openpyxl.load_workbook(io.BytesIO(payload(workbook))).worksheets[0]["E2"].value == 1


async def test_results_close_and_a_need_as_a_resolution_in_two_taps(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = await manager(harness)
    zahra = await neighbour(harness, resident(user_id=700), "09124440001")
    survey_id = await survey_of(harness)
    multi, scale, _text = await question_ids(harness, survey_id)
    await press(harness, zahra, f"sv_go:{survey_id}")
    await press(harness, zahra, f"sv_mdone:{survey_id}:{multi}:2")
    await press(harness, zahra, f"sv_scale:{survey_id}:{scale}:3")
    await harness.send(harness.updates.message(zahra, text="نیمکت"))
    await results_then_close(harness, boss, zahra, survey_id)

    # Tap 1: the need; the routing model suggests the services committee.
    monkeypatch.setattr(RoutingModel, "guess", lambda self, text: RouteGuess("services", 0.9, ()))
    await press(harness, boss, f"sv_need:{survey_id}:1:0")
    draft = harness.last_text()
    wanted = t(harness, "survey-need-resolution", need=NEEDS[1], title="نیازهای محله")
    assert draft.startswith(t(harness, "survey-need-draft", need=NEEDS[1])) and wanted in draft
    assert "۱ دی ۱۴۰۵" in draft  # a month from today
    assert last_markup(harness) == ["rs_ok:1", "rs_ok:0"]
    # Tap 2: saved.
    await press(harness, boss, "rs_ok:1")
    async with harness.session_factory() as session:
        saved = (await session.scalars(select(Resolution))).one()
    assert (saved.text, saved.responsible_kind, saved.responsible_committee) == (
        wanted,
        ResponsibleKind.COMMITTEE,
        CommitteeKey.SERVICES,
    )
    assert saved.deadline == NOW.date() + timedelta(days=30) and saved.neighbourhood_id == 1

    # No confident guess: the form asks who answers for it.
    monkeypatch.setattr(RoutingModel, "guess", lambda self, text: RouteGuess("services", 0.3, ()))
    await press(harness, boss, f"sv_need:{survey_id}:1:0")
    assert harness.last_text() == t(harness, "survey-need-pick-responsible", need=NEEDS[1], text=wanted)
    assert "rs_kind:committee" in last_markup(harness)
    # The resident can't draft one.
    await press(harness, zahra, f"sv_need:{survey_id}:1:0")
    assert await count(harness.session_factory, Resolution) == 1


async def test_someone_with_two_places_chooses_where_the_survey_goes(harness: Harness) -> None:
    boss = await manager(harness)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=MANAGER_PHONE,
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            now=NOW,
        )
    await harness.send(harness.updates.message(boss, text="/survey new"))
    assert harness.last_text() == t(harness, "survey-ask-scope")
    assert last_markup(harness) == ["sv_scope:neighbourhood:1", "sv_scope:county:1"]
    await press(harness, boss, "sv_scope:county:2")  # a place not theirs: nothing happens
    assert harness.last_text() == t(harness, "survey-ask-scope")
    await press(harness, boss, "sv_scope:county:1")
    assert harness.last_text().startswith(t(harness, "survey-ask-title", min=3, max=150).split("\n")[0])
    await harness.send(harness.updates.message(boss, text="نیازهای شهرستان"))
    await press(harness, boss, "jcal:day:sv:1405:9:30")
    await harness.send(harness.updates.message(boss, text="بیشترین نیاز؟"))
    await press(harness, boss, "sv_kind:scale")
    await press(harness, boss, "sv_more:0")
    assert t(harness, "survey-scope-county", name="ری") in harness.last_text()
    await press(harness, boss, "sv_ok:1")
    async with harness.session_factory() as session:
        survey = (await session.scalars(select(Survey))).one()
    assert (survey.county_id, survey.neighbourhood_id) == (1, None)
