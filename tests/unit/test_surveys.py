"""Needs assessments without a messenger: what a survey may be, who may make one and where it is
published (once each, in each resident's language, waiting for those not joined yet), answering
one question at a time with skips, a stop and a resume, once only; the results exactly and
anonymously; closing by hand and by the job (once), the needs-assessment record, and a top need
drafted as a resolution."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Account,
    AuditEntry,
    CommitteeKey,
    NeedsAssessment,
    Neighbourhood,
    OutboxMessage,
    OutboxStatus,
    Person,
    Platform,
    QuestionKind,
    Role,
    ScopeKind,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    SurveyStatus,
)
from services.authz import OPERATOR, PermissionDenied, load_actor
from services.errors import TextTooLong, TextTooShort
from services.i18n import Translator
from services.jobs import JobContext, job_by_name
from services.notify import release_waiting
from services.regions import import_regions
from services.roles import ensure_person, ensure_role, grant_role
from services.surveys import (
    AlreadyAnswered,
    InvalidAnswer,
    InvalidSurvey,
    QuestionDraft,
    SurveyClosed,
    SurveyDraft,
    SurveyScope,
    answer_question,
    close_due_surveys,
    close_survey,
    create_survey,
    latest_needs_assessment,
    list_surveys,
    needs_assessments,
    parse_survey,
    resolution_draft,
    results_json,
    start_answering,
    survey_results,
    surveys_to_answer,
    validate_draft,
)

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 1405/08/10, 09:30 in Tehran
TODAY = date(2026, 11, 1)
CLOSES = date(2026, 12, 1)  # 1405/09/10
TRANSLATOR = Translator()
REGIONS = """province,county,neighbourhood,code,kind
تهران,شهر ری,دولت‌آباد,1001,urban
تهران,شهر ری,باقرآباد,1002,rural
تهران,تهران,تجریش,2101,urban
"""
NEEDS = ("پارک و فضای سبز", "روشنایی معابر", "جمع‌آوری زباله", "ایستگاه اتوبوس")
QUESTIONS = (
    QuestionDraft("مهم‌ترین نیاز محله چیست؟", QuestionKind.MULTI, NEEDS),
    QuestionDraft("از خدمات شهری چقدر راضی هستید؟", QuestionKind.SCALE),
    QuestionDraft("پیشنهاد دیگری دارید؟", QuestionKind.TEXT),
)


def draft(**changes: object) -> SurveyDraft:
    return dataclasses.replace(SurveyDraft("نیازهای محله ۱۴۰۵", CLOSES, QUESTIONS), **changes)  # type: ignore[arg-type]


async def person(session: AsyncSession, phone: str, user_id: int | None, locale: str | None = None) -> int:
    found, _ = await ensure_person(session, phone, full_name=f"p{phone[-3:]}", now=T0)
    if user_id is not None:
        session.add(
            Account(
                platform=Platform.TELEGRAM if user_id % 2 else Platform.BALE,
                platform_user_id=user_id,
                chat_id=user_id,
                person_id=found.id,
                locale=locale,
                created_at=T0,
                last_seen_at=T0,
            )
        )
    await session.commit()
    return found.id


async def resident(
    session: AsyncSession, code: str, phone: str, user_id: int | None, locale: str | None = None
) -> int:
    person_id = await person(session, phone, user_id, locale)
    neighbourhood = await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == code))
    assert neighbourhood is not None
    await ensure_role(
        session,
        person_id=person_id,
        role=Role.RESIDENT,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=neighbourhood,
        now=T0,
    )
    await session.commit()
    return person_id


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """1001 and 1002 in شهر ری, 2101 in تهران; the manager of 1001 and of 1002, the county's
    official; residents of 1001 (one reads English, one never opened the bot), of 1002 and of
    2101."""
    async with session_factory() as session:
        await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
        people: dict[str, int] = {}
        for label, phone, role, kind, scope in [
            ("manager", "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
            ("other_manager", "09120000102", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
            ("county", "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        ]:
            change = await grant_role(
                session,
                actor=OPERATOR,
                phone=phone,
                role=role,
                scope_kind=kind,
                scope_name_or_code=scope,
                province_name="تهران" if kind == ScopeKind.COUNTY else None,
                now=T0,
            )
            people[label] = await person(session, "+98" + phone[1:], 100 + len(people))
            assert people[label] == change.person_id
        people["r1"] = await resident(session, "1001", "+989120000201", 201)
        people["r2"] = await resident(session, "1001", "+989120000202", 202, locale="en")
        people["r3"] = await resident(session, "1001", "+989120000203", None)
        people["r4"] = await resident(session, "1002", "+989120000204", 204)
        people["r5"] = await resident(session, "2101", "+989120000205", 205)
        for code in ("1001", "1002", "2101"):
            found = await session.scalar(select(Neighbourhood.id).where(Neighbourhood.code == code))
            assert found is not None
            people[f"n{code}"] = found
        people["c1"] = (await session.get(Neighbourhood, people["n1001"])).county_id  # type: ignore[union-attr]
        return people


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def make(session: AsyncSession, world: dict[str, int], who: str = "manager", **changes: object) -> int:
    scope = (
        SurveyScope(ScopeKind.COUNTY, world["c1"])
        if changes.pop("county", False)
        else SurveyScope(ScopeKind.NEIGHBOURHOOD, world["n1001"])
    )
    created = await create_survey(
        session,
        TRANSLATOR,
        actor=await load_actor(session, world[who]),
        scope=scope,
        draft=draft(**changes),
        now=T0,
    )
    return created.id


async def answer_all(
    session: AsyncSession,
    world: dict[str, int],
    who: str,
    survey_id: int,
    picks: list[int],
    scale: int,
    text: str,
) -> None:
    actor = await load_actor(session, world[who])
    step = await start_answering(session, actor=actor, survey_id=survey_id, now=T0)
    assert step.question is not None
    step = await answer_question(
        session, actor=actor, survey_id=survey_id, question_id=step.question.id, choices=picks, now=T0
    )
    assert step.question is not None
    step = await answer_question(
        session, actor=actor, survey_id=survey_id, question_id=step.question.id, scale=scale, now=T0
    )
    assert step.question is not None
    step = await answer_question(
        session, actor=actor, survey_id=survey_id, question_id=step.question.id, text=text, now=T0
    )
    assert step.question is None


# ---- what a survey may be ----


@pytest.mark.parametrize(
    ("changes", "error", "reason"),
    [
        ({"title": "ن"}, TextTooShort, None),
        ({"title": "ن" * 151}, TextTooLong, None),
        ({"questions": ()}, InvalidSurvey, "no-questions"),
        ({"questions": (QUESTIONS[1],) * 11}, InvalidSurvey, "too-many-questions"),
        (
            {"questions": (QuestionDraft("کدام؟", QuestionKind.SINGLE, ("یک",)),)},
            InvalidSurvey,
            "options-count",
        ),
        (
            {
                "questions": (
                    QuestionDraft("کدام؟", QuestionKind.SINGLE, tuple(f"گزینه {i}" for i in range(11))),
                )
            },
            InvalidSurvey,
            "options-count",
        ),
        (
            {"questions": (QuestionDraft("کدام؟", QuestionKind.MULTI, ("پارک", "پارک ", "نور")),)},
            InvalidSurvey,
            "options-duplicate",
        ),
        (
            {"questions": (QuestionDraft("چقدر؟", QuestionKind.SCALE, ("کم", "زیاد")),)},
            InvalidSurvey,
            "options-not-allowed",
        ),
        ({"questions": (QuestionDraft("کدام؟", QuestionKind.SINGLE, ("الف", "ب" * 61)),)}, TextTooLong, None),
        ({"questions": (QuestionDraft("؟", QuestionKind.TEXT),)}, TextTooShort, None),
        ({"closes_on": TODAY}, InvalidSurvey, "closes-past"),
        ({"closes_on": TODAY + timedelta(days=184)}, InvalidSurvey, "closes-far"),
    ],
)
async def test_a_bad_survey_is_refused_and_nothing_is_saved(
    session_factory: async_sessionmaker[AsyncSession],
    world: dict[str, int],
    changes: dict[str, object],
    error: type[Exception],
    reason: str | None,
) -> None:
    with pytest.raises(error) as raised:
        validate_draft(draft(**changes), TODAY)
    if reason is not None:
        assert getattr(raised.value, "reason", None) == reason
    async with session_factory() as session:
        with pytest.raises(error):
            await make(session, world, **changes)
        assert await count(session, Survey) == 0
        assert await count(session, OutboxMessage) == 0


def test_the_command_lines_json_is_read_with_a_jalali_date() -> None:
    parsed = parse_survey(
        {
            "title": " نیازهای   محله ",
            "closes": "۱۴۰۵/۰۹/۱۰",
            "questions": [
                {"text": "مهم‌ترین نیاز؟", "kind": "single", "options": ["پارک", "نور"]},
                {"text": "رضایت از پاکیزگی؟", "kind": "scale"},
            ],
        },
        TODAY,
    )
    assert parsed.title == "نیازهای محله" and parsed.closes_on == CLOSES
    assert [q.kind for q in parsed.questions] == [QuestionKind.SINGLE, QuestionKind.SCALE]
    assert parsed.questions[0].options == ("پارک", "نور")
    for bad, reason in [
        ([], "not-a-survey"),
        ({"title": "نیازها", "closes": "1405/13/01", "questions": []}, "closes-format"),
        ({"title": "نیازها", "closes": "1405/09/10", "questions": [{"text": "چه؟", "kind": "poll"}]}, "kind"),
        ({"title": "نیازها", "closes": "1405/09/10"}, "not-a-survey"),
    ]:
        with pytest.raises(InvalidSurvey) as raised:
            parse_survey(bad, TODAY)
        assert raised.value.reason == reason, bad


async def test_who_may_make_a_survey_where(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        for who, scope in [
            ("r1", SurveyScope(ScopeKind.NEIGHBOURHOOD, world["n1001"])),
            ("other_manager", SurveyScope(ScopeKind.NEIGHBOURHOOD, world["n1001"])),
            ("manager", SurveyScope(ScopeKind.COUNTY, world["c1"])),
        ]:
            with pytest.raises(PermissionDenied):
                await create_survey(
                    session,
                    TRANSLATOR,
                    actor=await load_actor(session, world[who]),
                    scope=scope,
                    draft=draft(),
                    now=T0,
                )
        assert await count(session, Survey) == 0
        await make(session, world, who="county")  # an official above the neighbourhood may
        await make(session, world, who="county", county=True)
        assert await count(session, Survey) == 2


# ---- publishing ----


async def test_publishing_invites_each_resident_once_in_their_language(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        created = await create_survey(
            session,
            TRANSLATOR,
            actor=await load_actor(session, world["manager"]),
            scope=SurveyScope(ScopeKind.NEIGHBOURHOOD, world["n1001"]),
            draft=draft(),
            now=T0,
        )
        assert (created.invited_now, created.invited_waiting) == (2, 1)
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.person_id)))
        assert [m.person_id for m in rows] == [world["r1"], world["r2"], world["r3"]]
        assert [m.status for m in rows] == [OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.WAITING]
        assert [m.chat_id for m in rows] == [201, 202, None]
        assert {m.dedup_key for m in rows} == {
            f"survey:{created.id}:invite:{world[r]}" for r in ("r1", "r2", "r3")
        }
        assert all(m.topic == f"survey:{created.id}" for m in rows)
        assert (
            "نیازهای محله ۱۴۰۵" in rows[0].text and "۱۰ آذر ۱۴۰۵" in rows[0].text and "۳ پرسش" in rows[0].text
        )
        assert "Answer by the end of 10 Azar 1405" in rows[1].text
        assert rows[0].reply_markup == {
            "inline_keyboard": [
                [
                    {
                        "text": TRANSLATOR.get("fa", "survey-button-start"),
                        "callback_data": f"sv_go:{created.id}",
                    }
                ]
            ]
        }
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "survey.create"))
        assert (
            audit is not None and audit.actor_person_id == world["manager"] and audit.target_id == created.id
        )

        # A county survey reaches every neighbourhood of the county, not the next county.
        county = await make(session, world, who="county", county=True)
        reached = await session.scalars(
            select(OutboxMessage.person_id).where(OutboxMessage.dedup_key.like(f"survey:{county}:invite:%"))
        )
        assert sorted(reached) == sorted(world[r] for r in ("r1", "r2", "r3", "r4"))

        # The resident who had not opened the bot gets it, with its button, when they arrive.
        session.add(
            Account(
                platform=Platform.BALE,
                platform_user_id=203,
                chat_id=203,
                person_id=world["r3"],
                created_at=T0,
                last_seen_at=T0,
            )
        )
        await session.flush()
        assert await release_waiting(session, TRANSLATOR, person_id=world["r3"], now=T0) == 3
        await session.commit()
        sent = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == 203).order_by(OutboxMessage.id)
            )
        )
        buttons = [m.reply_markup["inline_keyboard"][0][0]["callback_data"] for m in sent if m.reply_markup]
        assert buttons == [f"sv_go:{created.id}", f"sv_go:{county}"]


# ---- answering ----


async def test_one_question_at_a_time_with_a_skip_a_stop_and_a_resume_once_only(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(session, world)
        actor = await load_actor(session, world["r1"])
        step = await start_answering(session, actor=actor, survey_id=survey_id, now=T0)
        assert step.question is not None and not step.resumed
        assert (step.question.number, step.question.total, step.question.kind) == (1, 3, QuestionKind.MULTI)
        assert step.question.options == NEEDS
        first = step.question.id
        step = await answer_question(
            session, actor=actor, survey_id=survey_id, question_id=first, choices=[2, 0], now=T0
        )
        assert step.question is not None and step.question.number == 2
        # A second tap on the first question changes nothing.
        again = await answer_question(
            session, actor=actor, survey_id=survey_id, question_id=first, choices=[1], now=T0
        )
        assert again.repeated and again.question == step.question
        step = await answer_question(
            session, actor=actor, survey_id=survey_id, question_id=step.question.id, skip=True, now=T0
        )
        assert step.question is not None and step.question.number == 3
        # Stopped here; pressing «start» again resumes at the third question.
        resumed = await start_answering(session, actor=actor, survey_id=survey_id, now=T0 + timedelta(days=1))
        assert resumed.resumed and resumed.question == step.question
        assert await count(session, SurveyResponse) == 1
        done = await answer_question(
            session,
            actor=actor,
            survey_id=survey_id,
            question_id=step.question.id,
            text="  یک کتابخانه  ",
            now=T0,
        )
        assert done.question is None
        response = await session.scalar(select(SurveyResponse))
        assert response is not None and response.completed_at == T0
        answers = list(await session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.question_id)))
        assert [(a.choices, a.scale, a.text, a.skipped) for a in answers] == [
            ([0, 2], None, None, False),
            (None, None, None, True),
            (None, None, "یک کتابخانه", False),
        ]
        with pytest.raises(AlreadyAnswered):
            await start_answering(session, actor=actor, survey_id=survey_id, now=T0)


async def test_answers_a_question_cannot_take_are_refused(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(
            session,
            world,
            questions=(QuestionDraft("یک نیاز؟", QuestionKind.SINGLE, NEEDS[:2]), *QUESTIONS[1:]),
        )
        actor = await load_actor(session, world["r1"])
        step = await start_answering(session, actor=actor, survey_id=survey_id, now=T0)
        assert step.question is not None
        single = step.question.id
        for choices in ([0, 1], [2], [-1], []):
            with pytest.raises(InvalidAnswer):
                await answer_question(
                    session, actor=actor, survey_id=survey_id, question_id=single, choices=choices, now=T0
                )
        await answer_question(
            session, actor=actor, survey_id=survey_id, question_id=single, choices=[1], now=T0
        )
        step = await start_answering(session, actor=actor, survey_id=survey_id, now=T0)
        assert step.question is not None
        for value in (0, 6, None):
            with pytest.raises(InvalidAnswer):
                await answer_question(
                    session,
                    actor=actor,
                    survey_id=survey_id,
                    question_id=step.question.id,
                    scale=value,
                    now=T0,
                )
        await answer_question(
            session, actor=actor, survey_id=survey_id, question_id=step.question.id, scale=5, now=T0
        )
        step = await start_answering(session, actor=actor, survey_id=survey_id, now=T0)
        assert step.question is not None
        with pytest.raises(TextTooShort):
            await answer_question(
                session, actor=actor, survey_id=survey_id, question_id=step.question.id, text="   ", now=T0
            )
        with pytest.raises(TextTooLong):
            await answer_question(
                session,
                actor=actor,
                survey_id=survey_id,
                question_id=step.question.id,
                text="ن" * 501,
                now=T0,
            )
        assert await count(session, SurveyAnswer) == 2


async def test_only_residents_it_reaches_answer_and_only_while_it_is_open(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(session, world)
        for who in ("r4", "r5", "manager"):
            with pytest.raises(PermissionDenied):
                await start_answering(
                    session, actor=await load_actor(session, world[who]), survey_id=survey_id, now=T0
                )
        with pytest.raises(PermissionDenied):
            await start_answering(session, actor=OPERATOR, survey_id=survey_id, now=T0)
        assert await count(session, SurveyResponse) == 0
        actor = await load_actor(session, world["r1"])
        # Its last day still takes answers; the day after does not, even before the job closes it.
        late = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 23:30 in Tehran on 1405/09/10
        assert (
            await start_answering(session, actor=actor, survey_id=survey_id, now=late)
        ).question is not None
        with pytest.raises(SurveyClosed):
            await start_answering(session, actor=actor, survey_id=survey_id, now=late + timedelta(hours=1))
        await close_survey(
            session,
            TRANSLATOR,
            actor=await load_actor(session, world["manager"]),
            survey_id=survey_id,
            now=T0,
        )
        with pytest.raises(SurveyClosed):
            await start_answering(session, actor=actor, survey_id=survey_id, now=T0)


async def test_a_resident_sees_the_open_surveys_they_have_not_finished(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        first = await make(session, world)
        county = await make(session, world, who="county", county=True, closes_on=CLOSES - timedelta(days=5))
        actor = await load_actor(session, world["r1"])
        assert [s.id for s in await surveys_to_answer(session, actor=actor, now=T0)] == [county, first]
        step = await start_answering(session, actor=actor, survey_id=first, now=T0)
        assert step.question is not None
        await answer_question(
            session, actor=actor, survey_id=first, question_id=step.question.id, skip=True, now=T0
        )
        listed = {s.id: (s.answered, s.total) for s in await surveys_to_answer(session, actor=actor, now=T0)}
        assert listed == {county: (0, 3), first: (1, 3)}
        await answer_all(session, world, "r1", county, [0], 3, "هیچ")
        assert [s.id for s in await surveys_to_answer(session, actor=actor, now=T0)] == [first]
        r5 = await load_actor(session, world["r5"])
        assert await surveys_to_answer(session, actor=r5, now=T0) == []


# ---- results ----


async def test_results_are_exact_and_anonymous(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(session, world)
        await answer_all(session, world, "r1", survey_id, [0, 1], 4, "کتابخانه")
        await answer_all(session, world, "r2", survey_id, [0], 1, "پیاده‌رو")
        r3 = await load_actor(session, world["r3"])
        step = await start_answering(session, actor=r3, survey_id=survey_id, now=T0)
        assert step.question is not None
        step = await answer_question(
            session, actor=r3, survey_id=survey_id, question_id=step.question.id, skip=True, now=T0
        )
        assert step.question is not None
        await answer_question(
            session, actor=r3, survey_id=survey_id, question_id=step.question.id, scale=3, now=T0
        )

        results = await survey_results(
            session, actor=await load_actor(session, world["manager"]), survey_id=survey_id
        )
        assert results.responses == 3
        multi, scale, text = results.questions
        assert (multi.answered, multi.skipped) == (2, 1)
        assert [(o.option, o.count, o.percent) for o in multi.options] == [
            (NEEDS[0], 2, 100.0),
            (NEEDS[1], 1, 50.0),
            (NEEDS[2], 0, 0.0),
            (NEEDS[3], 0, 0.0),
        ]
        assert (scale.answered, scale.average, scale.scale_counts) == (3, 2.67, (1, 0, 1, 1, 0))
        assert text.texts == ("پیاده‌رو", "کتابخانه")  # sorted, not in the order written
        assert results_json(results) == {
            "survey": survey_id,
            "responses": 3,
            "questions": [
                {
                    "text": QUESTIONS[0].text,
                    "kind": "multi",
                    "counts": {NEEDS[0]: 2, NEEDS[1]: 1, NEEDS[2]: 0, NEEDS[3]: 0},
                },
                {"text": QUESTIONS[1].text, "kind": "scale", "average": 2.67},
                {"text": QUESTIONS[2].text, "kind": "text"},
            ],
        }
        # Nobody is named anywhere in the results.
        people = {world[r] for r in ("r1", "r2", "r3")}
        phones = set(await session.scalars(select(Person.phone).where(Person.id.in_(people))))
        everything = repr(results) + repr(results_json(results))
        assert not any(phone in everything for phone in phones)
        names = {f.name for f in dataclasses.fields(results)} | {f.name for f in dataclasses.fields(multi)}
        assert not names & {"person_id", "respondents", "people", "response_id"}

        with pytest.raises(PermissionDenied):
            await survey_results(session, actor=await load_actor(session, world["r1"]), survey_id=survey_id)
        with pytest.raises(PermissionDenied):
            await survey_results(
                session, actor=await load_actor(session, world["other_manager"]), survey_id=survey_id
            )


async def test_a_county_surveys_results_by_neighbourhood_for_its_managers(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(session, world, who="county", county=True)
        await answer_all(session, world, "r1", survey_id, [0], 5, "یک")
        await answer_all(session, world, "r4", survey_id, [1], 1, "دو")
        official = await survey_results(
            session, actor=await load_actor(session, world["county"]), survey_id=survey_id
        )
        assert official.responses == 2 and official.neighbourhood_id is None
        mine = await survey_results(
            session, actor=await load_actor(session, world["other_manager"]), survey_id=survey_id
        )
        assert mine.neighbourhood_id == world["n1002"] and mine.responses == 1
        assert [o.count for o in mine.questions[0].options] == [0, 1, 0, 0] and mine.questions[2].texts == (
            "دو",
        )
        listed = await list_surveys(session, actor=await load_actor(session, world["other_manager"]))
        assert [(s.id, s.county_wide, s.place) for s in listed] == [(survey_id, True, "شهر ری")]
        assert await list_surveys(session, actor=await load_actor(session, world["r1"])) == []


# ---- closing ----


async def test_closing_records_the_top_needs_and_tells_the_managers(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(session, world, who="county", county=True)
        await answer_all(session, world, "r1", survey_id, [1, 2], 2, "الف")
        await answer_all(session, world, "r2", survey_id, [1, 0], 4, "ب")
        await answer_all(session, world, "r3", survey_id, [2, 3], 3, "ج")
        closer = await load_actor(session, world["county"])
        with pytest.raises(PermissionDenied):
            await close_survey(
                session,
                TRANSLATOR,
                actor=await load_actor(session, world["manager"]),
                survey_id=survey_id,
                now=T0,
            )
        records = await close_survey(session, TRANSLATOR, actor=closer, survey_id=survey_id, now=T0)
        # روشنایی and زباله twice each (in the question's order), then پارک and ایستگاه once: three kept.
        assert [(r.neighbourhood_id, r.respondents, r.top_needs) for r in records] == [
            (world["n1001"], 3, (NEEDS[1], NEEDS[2], NEEDS[0]))
        ]
        survey = await session.get(Survey, survey_id)
        assert survey is not None and survey.status == SurveyStatus.CLOSED and survey.closed_at == T0
        latest = await latest_needs_assessment(session, world["n1001"])
        assert (
            latest is not None
            and latest.done_on == TODAY
            and latest.top_needs == (NEEDS[1], NEEDS[2], NEEDS[0])
        )
        assert await latest_needs_assessment(session, world["n1002"]) is None  # nobody there answered
        assert len(await needs_assessments(session, [world["n1001"], world["n1002"]], TODAY, TODAY)) == 1

        notice = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.dedup_key == f"survey:{survey_id}:closed:{world['n1001']}:{world['manager']}"
            )
        )
        assert notice is not None and NEEDS[1] in notice.text and "۳ نفر" in notice.text
        buttons = [row[0]["callback_data"] for row in notice.reply_markup["inline_keyboard"]]  # type: ignore[index]
        assert buttons == [f"sv_need:{survey_id}:{world['n1001']}:{i}" for i in range(3)] + [
            f"sv_res:{survey_id}"
        ]
        creator = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.dedup_key == f"survey:{survey_id}:closed:{world['county']}"
            )
        )
        assert creator is not None and "۱ محله" in creator.text
        with pytest.raises(SurveyClosed):
            await close_survey(session, TRANSLATOR, actor=closer, survey_id=survey_id, now=T0)


async def test_the_job_closes_surveys_past_their_date_once(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        due = await make(session, world, closes_on=TODAY + timedelta(days=1))
        later = await make(session, world)
        await answer_all(session, world, "r1", due, [3], 5, "ایستگاه")
        # On its last day it stays open.
        assert (await close_due_surveys(session, TRANSLATOR, now=T0 + timedelta(days=1))).closed == 0
    job = job_by_name("close_surveys")
    after = datetime(2026, 11, 2, 21, 0, tzinfo=UTC)  # 00:30 on the day after, in Tehran
    context = JobContext(session_factory=session_factory, now=after, translator=TRANSLATOR)
    assert (
        await job.run(context)
        == "checked 1 surveys past their closing date: 1 closed, 1 needs assessments recorded"
    )
    async with session_factory() as session:
        outbox, records = await count(session, OutboxMessage), await count(session, NeedsAssessment)
    assert (
        await job.run(context)
        == "checked 0 surveys past their closing date: 0 closed, 0 needs assessments recorded"
    )
    async with session_factory() as session:
        assert (await count(session, OutboxMessage), await count(session, NeedsAssessment)) == (
            outbox,
            records,
        )
        statuses = dict((await session.execute(select(Survey.id, Survey.status))).tuples().all())
        assert statuses == {due: SurveyStatus.CLOSED, later: SurveyStatus.OPEN}
        record = await latest_needs_assessment(session, world["n1001"])
        assert record is not None and record.top_needs == (NEEDS[3],) and record.done_on == date(2026, 11, 3)


async def test_a_top_need_becomes_a_resolution_draft(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        survey_id = await make(session, world)
        await answer_all(session, world, "r1", survey_id, [1], 2, "نور")
        await close_survey(session, TRANSLATOR, actor=OPERATOR, survey_id=survey_id, now=T0)
        t = TRANSLATOR.bind("fa")
        manager = await load_actor(session, world["manager"])
        drafted = await resolution_draft(
            session,
            t,
            actor=manager,
            survey_id=survey_id,
            neighbourhood_id=world["n1001"],
            need_index=0,
            today=TODAY,
            suggest=lambda need: CommitteeKey.SERVICES if "روشنایی" in need else None,
        )
        assert drafted.need == NEEDS[1] and drafted.committee == CommitteeKey.SERVICES
        assert drafted.text == t("survey-need-resolution", need=NEEDS[1], title="نیازهای محله ۱۴۰۵")
        assert drafted.deadline == TODAY + timedelta(days=30)
        plain = await resolution_draft(
            session,
            t,
            actor=manager,
            survey_id=survey_id,
            neighbourhood_id=world["n1001"],
            need_index=0,
            today=TODAY,
        )
        assert plain.committee is None
        with pytest.raises(LookupError):
            await resolution_draft(
                session,
                t,
                actor=manager,
                survey_id=survey_id,
                neighbourhood_id=world["n1001"],
                need_index=1,
                today=TODAY,
            )
        with pytest.raises(PermissionDenied):
            await resolution_draft(
                session,
                t,
                actor=await load_actor(session, world["other_manager"]),
                survey_id=survey_id,
                neighbourhood_id=world["n1001"],
                need_index=0,
                today=TODAY,
            )
