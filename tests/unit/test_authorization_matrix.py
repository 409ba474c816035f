"""Every privileged service operation, called as every role — and as the right role in the wrong
province, county or neighbourhood: only the allowed callers succeed, the others get
`PermissionDenied` and the database is left exactly as it was."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Agency,
    Base,
    CommitteeKey,
    County,
    DocumentKind,
    MeetingKind,
    QuestionKind,
    Role,
    ScopeKind,
    SurveyQuestion,
)
from services import (
    actions,
    announcements,
    council,
    credentials,
    crisis,
    feed,
    plans,
    poster,
    reach,
    reports,
    requests,
    resolutions,
    surveys,
    training,
)
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.i18n import Translator
from services.regions import import_regions, neighbourhood_by_code
from services.roles import ensure_person, ensure_role, grant_role, revoke_role

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TRANSLATOR = Translator()
REGIONS = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,rural\n"
    "تهران,ورامین,قلعه‌نو,3001,urban\n"
    "البرز,کرج,گوهردشت,5101,urban\n"
)

# Who plays: N1 = دولت‌آباد (in county C1 = شهر ری, province P1 = تهران); the "wrong" manager runs
# N2 in the same county, the "wrong" county official runs ورامین in the same province, the "wrong"
# province official runs البرز.
CALLERS = (
    "operator",
    "admin",
    "province_official",
    "province_official_elsewhere",
    "county_official",
    "county_official_elsewhere",
    "manager",
    "manager_elsewhere",
    "liaison",
    "council_member",
    "committee_head",
    "resident",
    "nobody",
)
ADMINS = frozenset({"operator", "admin"})
PROVINCE = ADMINS | {"province_official"}
COUNTY = PROVINCE | {"county_official"}
MANAGE = COUNTY | {"manager"}
COUNCIL = MANAGE | {"council_member", "committee_head", "resident"}


@dataclass
class World:
    n1: int
    c1: int
    p1: int
    actors: dict[str, Actor]
    serial: itertools.count[int]

    def phone(self) -> str:
        """A new mobile number for every call, so successful calls never collide."""
        return f"0913{next(self.serial):07d}"


async def build_world(session: AsyncSession) -> World:
    await import_regions(session, REGIONS, actor=OPERATOR, now=NOW)
    n1 = await neighbourhood_by_code(session, "1001")
    assert n1 is not None

    async def grant(phone: str, role: Role, kind: ScopeKind, where: str | None, **extra: Any) -> int:
        change = await grant_role(
            session,
            actor=OPERATOR,
            phone=phone,
            role=role,
            scope_kind=kind,
            scope_name_or_code=where,
            now=NOW,
            **extra,
        )
        return change.person_id

    people = {
        "admin": await grant("09120000001", Role.ADMIN, ScopeKind.GLOBAL, None),
        "province_official": await grant("09120000002", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران"),
        "province_official_elsewhere": await grant(
            "09120000003", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "البرز"
        ),
        "county_official": await grant("09120000004", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        "county_official_elsewhere": await grant(
            "09120000005", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ورامین"
        ),
        "manager": await grant("09120000006", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
        "manager_elsewhere": await grant("09120000007", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        "liaison": await grant(
            "09120000008", Role.LIAISON, ScopeKind.COUNTY, "شهر ری", agency_key="health_network"
        ),
    }
    member = await council.register_member(
        session, actor=OPERATOR, neighbourhood_id=n1.id, full_name="عضو", phone="09120000009", now=NOW
    )
    head = await council.register_member(
        session,
        actor=OPERATOR,
        neighbourhood_id=n1.id,
        full_name="رئیس کمیته",
        phone="09120000010",
        head_of=CommitteeKey.HEALTH,
        now=NOW,
    )
    resident, _ = await ensure_person(session, "09120000011", full_name="ساکن", now=NOW)
    nobody, _ = await ensure_person(session, "09120000012", full_name="بی‌نقش", now=NOW)
    await ensure_role(
        session,
        person_id=resident.id,
        role=Role.RESIDENT,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=n1.id,
        now=NOW,
    )
    await session.commit()
    people.update(
        council_member=member.person_id, committee_head=head.person_id, resident=resident.id, nobody=nobody.id
    )
    actors = {"operator": OPERATOR} | {name: await load_actor(session, pid) for name, pid in people.items()}
    assert set(actors) == set(CALLERS)
    county = await session.get(County, n1.county_id)
    assert county is not None
    return World(n1=n1.id, c1=county.id, p1=county.province_id, actors=actors, serial=itertools.count(1))


# An operation: `prepare` runs as the operator and returns what `call` needs (e.g. a member to edit).
Prepare = Callable[[AsyncSession, World], Awaitable[Any]]
Call = Callable[[AsyncSession, World, Actor, Any], Awaitable[Any]]


async def nothing(session: AsyncSession, world: World) -> None:
    return None


async def a_member(session: AsyncSession, world: World) -> int:
    view = await council.register_member(
        session, actor=OPERATOR, neighbourhood_id=world.n1, full_name="عضو تازه", phone=world.phone(), now=NOW
    )
    return view.id


async def a_manager(session: AsyncSession, world: World) -> str:
    phone = world.phone()
    await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=Role.MANAGER,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_name_or_code="1001",
        now=NOW,
    )
    return phone


async def a_county_official(session: AsyncSession, world: World) -> str:
    phone = world.phone()
    await grant_role(
        session,
        actor=OPERATOR,
        phone=phone,
        role=Role.COUNTY_OFFICIAL,
        scope_kind=ScopeKind.COUNTY,
        scope_name_or_code="شهر ری",
        now=NOW,
    )
    return phone


def grant(role: Role, kind: ScopeKind, where: str | None, **extra: Any) -> Call:
    async def call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
        return await grant_role(
            session,
            actor=actor,
            phone=world.phone(),
            role=role,
            scope_kind=kind,
            scope_name_or_code=where,
            now=NOW,
            **extra,
        )

    return call


def revoke(role: Role, kind: ScopeKind, where: str) -> Call:
    async def call(session: AsyncSession, world: World, actor: Actor, phone: str) -> Any:
        change = await revoke_role(
            session, actor=actor, phone=phone, role=role, scope_kind=kind, scope_name_or_code=where, now=NOW
        )
        assert change.changed
        return change

    return call


async def import_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    code = 9000 + next(world.serial)
    csv_text = f"province,county,neighbourhood,code,kind\nتهران,شهر ری,محله {code},{code},urban\n"
    return await import_regions(session, csv_text, actor=actor, now=NOW)


async def register_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.register_member(
        session,
        actor=actor,
        neighbourhood_id=world.n1,
        full_name="عضو",
        phone=world.phone(),
        committees=[CommitteeKey.CULTURE],
        now=NOW,
    )


async def edit_call(session: AsyncSession, world: World, actor: Actor, member_id: int) -> Any:
    return await council.edit_member(
        session, actor=actor, member_id=member_id, full_name="نام ویرایش‌شده", committees=["services"], now=NOW
    )


async def deactivate_call(session: AsyncSession, world: World, actor: Actor, member_id: int) -> Any:
    view = await council.deactivate_member(session, actor=actor, member_id=member_id, now=NOW)
    assert not view.active
    return view


async def list_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.list_members(session, actor=actor, neighbourhood_id=world.n1)


async def staffing_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.committee_staffing(session, actor, world.n1)


async def invite_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.create_invitation(session, actor=actor, neighbourhood_id=world.n1, now=NOW)


async def set_liaison_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.set_liaison(
        session, actor=actor, county_id=world.c1, agency_key="education", phone=world.phone(), now=NOW
    )


async def list_liaisons_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.list_liaisons(session, actor=actor, county_id=world.c1)


async def get_profile_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.get_profile(session, actor=actor, neighbourhood_id=world.n1)


async def update_profile_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    changes: council.ProfileChanges = {"population": 1000 + next(world.serial), "programmes": ["karamat"]}
    return await council.update_profile(
        session, actor=actor, neighbourhood_id=world.n1, changes=changes, now=NOW
    )


async def get_member_call(session: AsyncSession, world: World, actor: Actor, member_id: int) -> Any:
    return await council.get_member(session, actor=actor, member_id=member_id)


async def county_liaisons_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.county_liaisons(session, actor=actor, county_id=world.c1)


async def county_report_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.county_staffing_report(session, actor=actor, county_id=world.c1)


async def province_report_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await council.province_staffing_report(session, actor=actor, province_id=world.p1)


def performance_call(level: reports.ReportLevel) -> Call:
    async def call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
        scope_id = {"neighbourhood": world.n1, "county": world.c1, "province": world.p1}[level.value]
        period = reports.Period.this_month(NOW.date())
        return await reports.performance_report(
            session, actor=actor, level=level, scope_id=scope_id, period=period, now=NOW
        )

    return call


async def overseen_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    regions = await council.overseen_regions(session, actor=actor)
    assert regions.counties, "an official oversees at least their own county"
    return regions


# ---- crisis, actions and the feed, requests, meetings and resolutions ----


async def crisis_on(session: AsyncSession, world: World) -> None:
    """A crisis to end (one left from an earlier caller ends first)."""
    state = await crisis.crisis_state(session, actor=OPERATOR, neighbourhood_id=world.n1)
    if state.active:
        await crisis.end_crisis(
            session, TRANSLATOR, actor=OPERATOR, neighbourhood_id=world.n1, note=None, now=NOW
        )
    await crisis.start_crisis(
        session,
        TRANSLATOR,
        actor=OPERATOR,
        neighbourhood_id=world.n1,
        description="آبگرفتگی خیابان اصلی",
        now=NOW,
    )


async def crisis_off(session: AsyncSession, world: World) -> None:
    state = await crisis.crisis_state(session, actor=OPERATOR, neighbourhood_id=world.n1)
    if state.active:
        await crisis.end_crisis(
            session, TRANSLATOR, actor=OPERATOR, neighbourhood_id=world.n1, note=None, now=NOW
        )


async def start_crisis_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await crisis.start_crisis(
        session,
        TRANSLATOR,
        actor=actor,
        neighbourhood_id=world.n1,
        description="آبگرفتگی خیابان اصلی",
        now=NOW,
    )


async def end_crisis_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await crisis.end_crisis(
        session, TRANSLATOR, actor=actor, neighbourhood_id=world.n1, note=None, now=NOW
    )


async def crisis_state_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await crisis.crisis_state(session, actor=actor, neighbourhood_id=world.n1)


async def log_action_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await actions.log_action(
        session,
        actor=actor,
        neighbourhood_id=world.n1,
        title=f"پاکسازی جوی {next(world.serial)}",
        description=None,
        committee=CommitteeKey.ENVIRONMENT,
        programme=None,
        done_on=NOW.date(),
        now=NOW,
    )


async def an_action(session: AsyncSession, world: World) -> int:
    view = await log_action_call(session, world, OPERATOR, None)
    return int(view.id)


async def a_comment(session: AsyncSession, world: World) -> int:
    """A comment by a neighbour who is none of the callers (nobody reports their own)."""
    action_id = await an_action(session, world)
    neighbour, _ = await ensure_person(session, world.phone(), full_name="همسایه", now=NOW)
    await ensure_role(
        session,
        person_id=neighbour.id,
        role=Role.RESIDENT,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=world.n1,
        now=NOW,
    )
    author = await load_actor(session, neighbour.id)
    view = await feed.add_comment(session, actor=author, action_id=action_id, text="دستتان درد نکند", now=NOW)
    return int(view.id)


async def open_resolutions_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await actions.open_resolutions(session, actor=actor, neighbourhood_id=world.n1)


async def may_log_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await actions.require_may_log_actions(session, actor, world.n1)


async def feed_page_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await feed.feed_page(session, actor=actor, neighbourhood_id=world.n1)


async def add_comment_call(session: AsyncSession, world: World, actor: Actor, action_id: int) -> Any:
    return await feed.add_comment(session, actor=actor, action_id=action_id, text="کار خوبی بود", now=NOW)


async def check_comment_call(session: AsyncSession, world: World, actor: Actor, action_id: int) -> Any:
    return await feed.check_can_comment(session, actor=actor, action_id=action_id)


async def comments_call(session: AsyncSession, world: World, actor: Actor, action_id: int) -> Any:
    return await feed.comments_page(session, actor=actor, action_id=action_id)


async def photos_call(session: AsyncSession, world: World, actor: Actor, action_id: int) -> Any:
    return await feed.action_photos(session, actor=actor, action_id=action_id)


async def moderate_call(session: AsyncSession, world: World, actor: Actor, comment_id: int) -> Any:
    return await feed.moderate_comment(session, actor=actor, comment_id=comment_id, hide=True, now=NOW)


async def report_comment_call(session: AsyncSession, world: World, actor: Actor, comment_id: int) -> Any:
    return await feed.report_comment(session, TRANSLATOR, actor=actor, comment_id=comment_id, now=NOW)


async def poster_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await poster.poster_subject(session, actor=actor, neighbourhood_id=world.n1)


async def not_joined_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await reach.not_joined(session, actor)


async def a_request(session: AsyncSession, world: World) -> int:
    """A resident's request for the health committee (its head handles it; a plain member not)."""
    resident = world.actors["resident"].person_id
    assert resident is not None
    draft = requests.NewRequest(
        text=f"آب آشامیدنی کوچه بوی بد می‌دهد {next(world.serial)}", committee=CommitteeKey.HEALTH
    )
    submitted = await requests.submit_request(
        session, TRANSLATOR, person_id=resident, draft=draft, now=NOW, daily_limit=10**6
    )
    return submitted.id


async def act_call(session: AsyncSession, world: World, actor: Actor, request_id: int) -> Any:
    return await requests.act_on_request(
        session,
        TRANSLATOR,
        actor=actor,
        request_id=request_id,
        action=requests.HandlerAction.ACKNOWLEDGE,
        now=NOW,
    )


async def reroute_call(session: AsyncSession, world: World, actor: Actor, request_id: int) -> Any:
    return await requests.reroute_request(
        session, TRANSLATOR, actor=actor, request_id=request_id, committee=CommitteeKey.SERVICES, now=NOW
    )


async def mark_emergency_call(session: AsyncSession, world: World, actor: Actor, request_id: int) -> Any:
    return await requests.mark_emergency(
        session, TRANSLATOR, actor=actor, request_id=request_id, emergency=True, now=NOW
    )


async def request_for_handler_call(session: AsyncSession, world: World, actor: Actor, request_id: int) -> Any:
    return await requests.request_for_handler(session, actor=actor, request_id=request_id)


async def create_meeting_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await resolutions.create_meeting(
        session, actor=actor, neighbourhood_id=world.n1, kind=MeetingKind.COUNCIL, held_on=NOW.date(), now=NOW
    )


async def a_meeting(session: AsyncSession, world: World) -> int:
    return int((await create_meeting_call(session, world, OPERATOR, None)).id)


async def get_meeting_call(session: AsyncSession, world: World, actor: Actor, meeting_id: int) -> Any:
    return await resolutions.get_meeting(session, actor=actor, meeting_id=meeting_id)


async def _resolution(session: AsyncSession, world: World, actor: Actor, responsible: Any) -> Any:
    return await resolutions.add_resolution(
        session,
        TRANSLATOR,
        actor=actor,
        neighbourhood_id=world.n1,
        text=f"لایروبی جوی خیابان اصلی {next(world.serial)}",
        responsible=responsible,
        deadline=NOW.date() + timedelta(days=30),
        now=NOW,
    )


async def add_resolution_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await _resolution(session, world, actor, resolutions.Responsible.of_committee(CommitteeKey.HEALTH))


async def a_committee_resolution(session: AsyncSession, world: World) -> int:
    """A resolution the health committee answers for (its head reports progress on it)."""
    return int((await add_resolution_call(session, world, OPERATOR, None)).id)


async def an_agency_resolution(session: AsyncSession, world: World) -> int:
    """A resolution the health network answers for (its liaison in the county reads it)."""
    agency = await session.scalar(select(Agency.id).where(Agency.key == "health_network"))
    assert agency is not None
    return int((await _resolution(session, world, OPERATOR, resolutions.Responsible.of_agency(agency))).id)


async def get_resolution_call(session: AsyncSession, world: World, actor: Actor, resolution_id: int) -> Any:
    return await resolutions.get_resolution(session, actor=actor, resolution_id=resolution_id)


async def list_resolutions_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await resolutions.list_resolutions(
        session, actor=actor, neighbourhood_id=world.n1, today=NOW.date()
    )


async def progress_call(session: AsyncSession, world: World, actor: Actor, resolution_id: int) -> Any:
    return await resolutions.update_progress(
        session, TRANSLATOR, actor=actor, resolution_id=resolution_id, now=NOW, progress=40
    )


# ---- announcements ----


async def announce_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    # A generous weekly limit: the allowed callers here announce one after another.
    return await announcements.send_announcement(
        session,
        TRANSLATOR,
        actor=actor,
        neighbourhood_id=world.n1,
        text="فردا آب محله قطع است",
        now=NOW,
        weekly_limit=100,
    )


async def allowance_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await announcements.announcement_allowance(
        session, actor=actor, neighbourhood_id=world.n1, now=NOW, weekly_limit=3
    )


# ---- needs assessments ----

SURVEY = surveys.SurveyDraft(
    title="نیازهای محله",
    closes_on=NOW.date() + timedelta(days=30),
    questions=(surveys.QuestionDraft("مهم‌ترین نیاز؟", QuestionKind.SINGLE, ("پارک", "روشنایی")),),
)


def create_survey_call(kind: ScopeKind) -> Call:
    async def call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
        scope = surveys.SurveyScope(kind, world.n1 if kind == ScopeKind.NEIGHBOURHOOD else world.c1)
        return await surveys.create_survey(
            session, TRANSLATOR, actor=actor, scope=scope, draft=SURVEY, now=NOW
        )

    return call


async def a_survey(session: AsyncSession, world: World) -> int:
    return int((await create_survey_call(ScopeKind.NEIGHBOURHOOD)(session, world, OPERATOR, None)).id)


async def a_county_survey(session: AsyncSession, world: World) -> int:
    return int((await create_survey_call(ScopeKind.COUNTY)(session, world, OPERATOR, None)).id)


async def an_assessed_survey(session: AsyncSession, world: World) -> int:
    """A survey of N1 the resident answered, closed: its needs assessment is recorded."""
    survey_id = await a_survey(session, world)
    step = await start_answering_call(session, world, world.actors["resident"], survey_id)
    await surveys.answer_question(
        session,
        actor=world.actors["resident"],
        survey_id=survey_id,
        question_id=step.question.id,
        choices=[1],
        now=NOW,
    )
    await surveys.close_survey(session, TRANSLATOR, actor=OPERATOR, survey_id=survey_id, now=NOW)
    return survey_id


async def survey_results_call(session: AsyncSession, world: World, actor: Actor, survey_id: int) -> Any:
    return await surveys.survey_results(session, actor=actor, survey_id=survey_id)


async def close_survey_call(session: AsyncSession, world: World, actor: Actor, survey_id: int) -> Any:
    return await surveys.close_survey(session, TRANSLATOR, actor=actor, survey_id=survey_id, now=NOW)


async def start_answering_call(session: AsyncSession, world: World, actor: Actor, survey_id: int) -> Any:
    return await surveys.start_answering(session, actor=actor, survey_id=survey_id, now=NOW)


async def answer_question_call(session: AsyncSession, world: World, actor: Actor, survey_id: int) -> Any:
    survey = await surveys.load_survey(session, survey_id)
    question = await session.scalar(select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id))
    assert question is not None
    return await surveys.answer_question(
        session, actor=actor, survey_id=survey_id, question_id=question, choices=[0], now=NOW
    )


async def resolution_draft_call(session: AsyncSession, world: World, actor: Actor, survey_id: int) -> Any:
    return await surveys.resolution_draft(
        session,
        TRANSLATOR.bind("fa"),
        actor=actor,
        survey_id=survey_id,
        neighbourhood_id=world.n1,
        need_index=0,
        today=NOW.date(),
    )


# ---- plans ----

PLAN_CSV = (
    "goal,strategy,policy,project,responsible,weight,start,end,progress\n"
    "آب سالم,,,لوله‌کشی,شهرداری,2,1405/01/01,1405/12/29,40\n"
)


async def a_plan(session: AsyncSession, world: World) -> tuple[int, int]:
    """A neighbourhood plan of N1 with one project: (plan id, project id)."""
    plan_id = await plans.create_plan(
        session,
        actor=OPERATOR,
        scope_kind=ScopeKind.NEIGHBOURHOOD,
        scope_id=world.n1,
        title="برنامهٔ سالانه",
        now=NOW,
    )
    node = await plans.add_plan_node(
        session, actor=OPERATOR, plan_id=plan_id, parent_id=None, name="پارک", now=NOW
    )
    return plan_id, node.id


async def a_county_plan(session: AsyncSession, world: World) -> int:
    return await plans.create_plan(
        session,
        actor=OPERATOR,
        scope_kind=ScopeKind.COUNTY,
        scope_id=world.c1,
        title="برنامهٔ شهرستان",
        now=NOW,
    )


async def a_project_and_resolution(session: AsyncSession, world: World) -> tuple[int, int]:
    return (await a_plan(session, world))[1], await a_committee_resolution(session, world)


async def a_project_and_action(session: AsyncSession, world: World) -> tuple[int, int]:
    return (await a_plan(session, world))[1], await an_action(session, world)


async def a_proposal(session: AsyncSession, world: World) -> int:
    node_id, action_id = await a_project_and_action(session, world)
    linked = await plans.link_action(session, actor=OPERATOR, node_id=node_id, action_id=action_id, now=NOW)
    return linked.proposals[0].id


async def import_plan_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await plans.import_plan(
        session,
        TRANSLATOR,
        actor=actor,
        scope_kind=ScopeKind.PROVINCE,
        scope_id=world.p1,
        title="برنامهٔ استان",
        rows=plans.read_plan_file(PLAN_CSV),
        now=NOW,
    )


async def create_plan_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await plans.create_plan(
        session, actor=actor, scope_kind=ScopeKind.COUNTY, scope_id=world.c1, title="برنامهٔ شهرستان", now=NOW
    )


async def add_plan_node_call(session: AsyncSession, world: World, actor: Actor, plan: tuple[int, int]) -> Any:
    return await plans.add_plan_node(
        session, actor=actor, plan_id=plan[0], parent_id=None, name="کتابخانه", now=NOW
    )


async def set_project_progress_call(
    session: AsyncSession, world: World, actor: Actor, plan: tuple[int, int]
) -> Any:
    return await plans.set_project_progress(session, actor=actor, node_id=plan[1], progress=40, now=NOW)


async def plan_tree_call(session: AsyncSession, world: World, actor: Actor, plan_id: int) -> Any:
    return await plans.plan_tree(session, actor=actor, plan_id=plan_id, today=NOW.date())


async def project_view_call(session: AsyncSession, world: World, actor: Actor, plan: tuple[int, int]) -> Any:
    return await plans.project_view(session, actor=actor, node_id=plan[1], today=NOW.date())


async def open_proposals_call(
    session: AsyncSession, world: World, actor: Actor, plan: tuple[int, int]
) -> Any:
    return await plans.open_proposals(session, actor=actor, plan_id=plan[0])


async def link_resolution_call(
    session: AsyncSession, world: World, actor: Actor, pair: tuple[int, int]
) -> Any:
    return await plans.link_resolution(session, actor=actor, node_id=pair[0], resolution_id=pair[1], now=NOW)


async def linkable_resolutions_call(
    session: AsyncSession, world: World, actor: Actor, plan: tuple[int, int]
) -> Any:
    return await plans.linkable_resolutions(session, actor=actor, node_id=plan[1])


async def linkable_actions_call(
    session: AsyncSession, world: World, actor: Actor, plan: tuple[int, int]
) -> Any:
    return await plans.linkable_actions(session, actor=actor, node_id=plan[1])


async def link_action_call(session: AsyncSession, world: World, actor: Actor, pair: tuple[int, int]) -> Any:
    return await plans.link_action(session, actor=actor, node_id=pair[0], action_id=pair[1], now=NOW)


async def confirm_progress_call(session: AsyncSession, world: World, actor: Actor, proposal_id: int) -> Any:
    return await plans.confirm_progress(session, actor=actor, proposal_id=proposal_id, now=NOW)


# ---- training courses, letters and cards ----


async def create_course_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    return await training.create_course(
        session,
        actor=actor,
        scope_kind=ScopeKind.COUNTY,
        scope_id=world.c1,
        title=f"دورهٔ آموزشی {next(world.serial)}",
        audience=[Role.MANAGER],
        sessions=[training.SessionPlan(NOW + timedelta(days=7), "سالن فرمانداری")],
        now=NOW,
    )


async def a_course(session: AsyncSession, world: World) -> int:
    return int((await create_course_call(session, world, OPERATOR, None)).id)


async def an_invited_course(session: AsyncSession, world: World) -> int:
    """A course whose one session the manager of N1 is invited to; the session's id."""
    course_id = await a_course(session, world)
    await training.invite_audience(session, TRANSLATOR, actor=OPERATOR, course_id=course_id, now=NOW)
    detail = await training.get_course(session, actor=OPERATOR, course_id=course_id)
    return detail.course.sessions[0].id


async def get_course_call(session: AsyncSession, world: World, actor: Actor, course_id: int) -> Any:
    return await training.get_course(session, actor=actor, course_id=course_id)


async def course_invite_call(session: AsyncSession, world: World, actor: Actor, course_id: int) -> Any:
    return await training.invite_audience(session, TRANSLATOR, actor=actor, course_id=course_id, now=NOW)


async def attendance_call(session: AsyncSession, world: World, actor: Actor, session_id: int) -> Any:
    manager = world.actors["manager"].person_id
    assert manager is not None
    return await training.record_attendance(
        session, TRANSLATOR, actor=actor, session_id=session_id, person_id=manager, present=True, now=NOW
    )


async def sheet_call(session: AsyncSession, world: World, actor: Actor, session_id: int) -> Any:
    return await training.get_attendance_sheet(session, actor=actor, session_id=session_id)


async def issue_call(session: AsyncSession, world: World, actor: Actor, _: Any) -> Any:
    manager = world.actors["manager"].person_id
    assert manager is not None
    return await credentials.issue_documents(
        session,
        TRANSLATOR,
        actor=actor,
        person_id=manager,
        kinds=(DocumentKind.LETTER, DocumentKind.CARD),
        now=NOW,
        override_reason="دستور فرماندار",
        card_valid_days=730,
    )


# Operations that only read: even an allowed call must leave the database as it was.
READS = (
    "list",
    "get",
    "committee",
    "county_",
    "province_staffing",
    "performance",
    "overseen",
    "crisis_state",
    "open_resolutions",
    "require_may",
    "feed_page",
    "check_can",
    "comments",
    "action_photos",
    "poster",
    "not_joined",
    "request_for",
    "announcement_allowance",
    "plan_tree",
    "project_view",
    "open_proposals",
)
READERS = MANAGE | {"council_member", "committee_head"}
# Who handles a health request: the managers above it and the health committee (its head).
HEALTH = MANAGE | {"committee_head"}
# A resident of another neighbourhood is not told that an action or comment there exists: the
# feed refuses them as if it were not there.
NOT_THERE = (PermissionDenied, feed.UnknownAction, feed.UnknownComment)

OPERATIONS: dict[str, tuple[Prepare, Call, frozenset[str]]] = {
    "import_regions": (nothing, import_call, ADMINS),
    "grant_admin": (nothing, grant(Role.ADMIN, ScopeKind.GLOBAL, None), ADMINS),
    "grant_province_official": (
        nothing,
        grant(Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران"),
        ADMINS,
    ),
    "grant_county_official": (nothing, grant(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"), PROVINCE),
    "grant_manager": (nothing, grant(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"), COUNTY),
    "grant_liaison": (
        nothing,
        grant(Role.LIAISON, ScopeKind.COUNTY, "شهر ری", agency_key="police"),
        COUNTY,
    ),
    "revoke_manager": (a_manager, revoke(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"), COUNTY),
    "revoke_county_official": (
        a_county_official,
        revoke(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        PROVINCE,
    ),
    "register_member": (nothing, register_call, MANAGE),
    "edit_member": (a_member, edit_call, MANAGE),
    "deactivate_member": (a_member, deactivate_call, MANAGE),
    "list_members": (nothing, list_call, COUNCIL),
    "committee_staffing": (nothing, staffing_call, MANAGE),
    "create_invitation": (nothing, invite_call, MANAGE),
    "set_liaison": (nothing, set_liaison_call, COUNTY),
    "list_liaisons": (nothing, list_liaisons_call, COUNTY),
    "get_profile": (nothing, get_profile_call, MANAGE),
    # Officials read the profile; the neighbourhood's manager keeps it.
    "update_profile": (nothing, update_profile_call, ADMINS | {"manager"}),
    "get_member": (a_member, get_member_call, MANAGE),
    "county_liaisons": (nothing, county_liaisons_call, COUNTY),
    "county_staffing_report": (nothing, county_report_call, COUNTY),
    "province_staffing_report": (nothing, province_report_call, PROVINCE),
    # A neighbourhood's performance for its manager and above; a county's and a province's for
    # their officials and above.
    "performance_report": (nothing, performance_call(reports.ReportLevel.NEIGHBOURHOOD), MANAGE),
    "performance_report_county": (nothing, performance_call(reports.ReportLevel.COUNTY), COUNTY),
    "performance_report_province": (nothing, performance_call(reports.ReportLevel.PROVINCE), PROVINCE),
    # Every official, wherever: it lists their own provinces and counties, nobody else's.
    "overseen_regions": (
        nothing,
        overseen_call,
        COUNTY | {"province_official_elsewhere", "county_official_elsewhere"},
    ),
    "start_crisis": (crisis_off, start_crisis_call, MANAGE),
    "end_crisis": (crisis_on, end_crisis_call, MANAGE),
    "crisis_state": (nothing, crisis_state_call, MANAGE),
    "log_action": (nothing, log_action_call, READERS),
    "require_may_log_actions": (nothing, may_log_call, READERS),
    "open_resolutions": (nothing, open_resolutions_call, READERS),
    "feed_page": (nothing, feed_page_call, COUNCIL),
    # Comments are written and reported by people: the operator at the command line is no one.
    "add_comment": (an_action, add_comment_call, COUNCIL - {"operator"}),
    "check_can_comment": (an_action, check_comment_call, COUNCIL - {"operator"}),
    "comments_page": (an_action, comments_call, COUNCIL),
    "action_photos": (an_action, photos_call, COUNCIL),
    "moderate_comment": (a_comment, moderate_call, MANAGE),
    "report_comment": (a_comment, report_comment_call, COUNCIL - {"operator"}),
    "poster_subject": (nothing, poster_call, MANAGE),
    # Like overseen_regions: every manager and official, wherever, about their own area.
    "not_joined": (
        nothing,
        not_joined_call,
        MANAGE | {"province_official_elsewhere", "county_official_elsewhere", "manager_elsewhere"},
    ),
    "act_on_request": (a_request, act_call, HEALTH),
    "reroute_request": (a_request, reroute_call, HEALTH),
    "mark_emergency": (a_request, mark_emergency_call, HEALTH),
    "request_for_handler": (a_request, request_for_handler_call, HEALTH),
    "create_meeting": (nothing, create_meeting_call, MANAGE),
    "get_meeting": (a_meeting, get_meeting_call, READERS),
    "add_resolution": (nothing, add_resolution_call, MANAGE),
    "list_resolutions": (nothing, list_resolutions_call, READERS),
    # Whoever answers for a resolution reads it and reports on it, besides the council and above.
    "get_resolution": (an_agency_resolution, get_resolution_call, READERS | {"liaison"}),
    "update_progress": (a_committee_resolution, progress_call, HEALTH),
    "send_announcement": (nothing, announce_call, MANAGE),
    "announcement_allowance": (nothing, allowance_call, MANAGE),
    # Needs assessments: the manager for the neighbourhood, the officials for the county; a
    # manager in the county reads a county survey's answers from their own neighbourhood.
    "create_survey": (nothing, create_survey_call(ScopeKind.NEIGHBOURHOOD), MANAGE),
    "create_survey_for_a_county": (nothing, create_survey_call(ScopeKind.COUNTY), COUNTY),
    "survey_results": (a_survey, survey_results_call, MANAGE),
    "survey_results_of_a_county": (
        a_county_survey,
        survey_results_call,
        COUNTY | {"manager", "manager_elsewhere"},
    ),
    "close_survey": (a_survey, close_survey_call, MANAGE),
    "close_survey_of_a_county": (a_county_survey, close_survey_call, COUNTY),
    # Only the residents a survey reaches answer it (the operator is no one).
    "start_answering": (a_survey, start_answering_call, frozenset({"resident"})),
    "answer_question": (a_survey, answer_question_call, frozenset({"resident"})),
    "resolution_draft": (an_assessed_survey, resolution_draft_call, MANAGE),
    # A province's plan is kept by its officials, a county's by its officials and the province's,
    # a neighbourhood's by its manager and the officials above; its council reads it too.
    "import_plan": (nothing, import_plan_call, PROVINCE),
    "create_plan": (nothing, create_plan_call, COUNTY),
    "add_plan_node": (a_plan, add_plan_node_call, MANAGE),
    "set_project_progress": (a_plan, set_project_progress_call, MANAGE),
    "plan_tree": (a_county_plan, plan_tree_call, COUNTY),
    "project_view": (a_plan, project_view_call, READERS),
    "open_proposals": (a_plan, open_proposals_call, MANAGE),
    "link_resolution": (a_project_and_resolution, link_resolution_call, MANAGE),
    "link_action": (a_project_and_action, link_action_call, MANAGE),
    "linkable_resolutions": (a_plan, linkable_resolutions_call, MANAGE),
    "linkable_actions": (a_plan, linkable_actions_call, MANAGE),
    "confirm_progress": (a_proposal, confirm_progress_call, MANAGE),
    # Courses are run by the county's officials and those above; so are letters and cards issued.
    "create_course": (nothing, create_course_call, COUNTY),
    "get_course": (a_course, get_course_call, COUNTY),
    "invite_audience": (a_course, course_invite_call, COUNTY),
    "record_attendance": (an_invited_course, attendance_call, COUNTY),
    "get_attendance_sheet": (an_invited_course, sheet_call, COUNTY),
    "issue_documents": (nothing, issue_call, COUNTY),
}

# How an operation refuses, when not with `PermissionDenied` alone.
REFUSED_WITH: dict[str, tuple[type[Exception], ...]] = {
    name: NOT_THERE
    for name in ("add_comment", "check_can_comment", "comments_page", "action_photos", "report_comment")
}

# Service functions that take an actor but refuse nobody: they answer each actor with what is
# theirs (or say yes/no), so there is nothing to refuse. Each names the test that covers it.
SCOPED_NOT_REFUSED: dict[str, str] = {
    "require": "the authz primitive every refusal above goes through (tests/unit/test_oversight.py)",
    "require_province_official": "authz primitive, exercised by the province operations above",
    "require_county_official": "authz primitive, exercised by the county operations above",
    "require_neighbourhood_manager": "authz primitive, exercised by the manager operations above",
    "require_can_read_neighbourhood": "authz primitive, exercised by get_meeting and list_resolutions",
    "require_can_see_council": "authz primitive, exercised by list_members and feed_page",
    "can_manage_neighbourhood": "a yes/no for showing buttons; the operations check again",
    "may_log_actions": "a yes/no; require_may_log_actions above refuses",
    "may_handle": "a yes/no; act_on_request above refuses",
    "may_update": "a yes/no; update_progress above refuses",
    "require_handler": "the requests' authz primitive, exercised by act_on_request and reroute_request",
    "action_neighbourhoods": "the actor's own neighbourhoods (tests/unit/test_actions_feed.py)",
    "feed_neighbourhood": "the actor's own neighbourhood (tests/unit/test_actions_feed.py)",
    "inbox": "the requests the actor may handle (tests/unit/test_requests.py)",
    "awaiting_answer_count": "counts the actor's own inbox (tests/unit/test_requests.py)",
    "track_request": "anyone with the code; strangers see less (tests/unit/test_request_privacy.py)",
    "appointable_roles": "what the actor may appoint (tests/unit/test_appointing.py)",
    "counties_for": "where the actor may appoint (tests/unit/test_appointing.py)",
    "provinces_for": "where the actor may appoint (tests/unit/test_appointing.py)",
    "may_appoint_in": "a yes/no; grant_role refuses",
    "require_survey_manager": "authz primitive, exercised by create_survey and close_survey above",
    "results_neighbourhood": "authz primitive, exercised by survey_results above",
    "survey_scopes": "where the actor may make a survey in the chat (tests/handlers/test_surveys.py)",
    "surveys_to_answer": "the actor's own open surveys (tests/unit/test_surveys.py)",
    "list_surveys": "the surveys the actor may read (tests/unit/test_surveys.py)",
    "plans_for": "the plans of the actor's own scopes (tests/unit/test_plans.py)",
    "may_edit_plan": "a yes/no for showing buttons; the plan operations above refuse",
    "require_plan_editor": "authz primitive, exercised by the plan operations above",
    "require_plan_reader": "authz primitive, exercised by plan_tree and project_view",
    "require_organiser": "authz primitive, exercised by the course operations above",
    "organised_courses": "the courses of the actor's own counties and provinces (tests/unit/test_training.py)",
}


async def dump(session: AsyncSession) -> dict[str, list[str]]:
    """Every row of every table, to prove a refused call changed nothing at all."""
    session.expire_all()
    result: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        rows = (await session.execute(select(table))).all()
        result[table.name] = sorted(repr(tuple(row)) for row in rows)
    return result


@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_only_allowed_callers_succeed(
    session_factory: async_sessionmaker[AsyncSession], operation: str
) -> None:
    prepare, call, allowed = OPERATIONS[operation]
    assert allowed <= set(CALLERS)
    wrong: list[str] = []
    async with session_factory() as session:
        world = await build_world(session)
        for caller in CALLERS:
            target = await prepare(session, world)
            await session.commit()
            before = await dump(session)
            try:
                await call(session, world, world.actors[caller], target)
            except REFUSED_WITH.get(operation, (PermissionDenied,)):
                if caller in allowed:
                    wrong.append(f"{caller}: refused but should be allowed")
                elif await dump(session) != before:
                    wrong.append(f"{caller}: refused but the database changed")
            else:
                if caller not in allowed:
                    wrong.append(f"{caller}: allowed but should be refused")
                elif operation.startswith(READS) and await dump(session) != before:
                    wrong.append(f"{caller}: a read changed the database")
    assert not wrong, f"{operation}:\n" + "\n".join(wrong)


def test_every_privileged_operation_is_in_the_matrix() -> None:
    """Every service function that takes an actor, found by walking `services`, is in the matrix
    above or says why it refuses nobody: a new one cannot be forgotten."""
    import importlib
    import inspect
    import pkgutil

    import services

    taking_an_actor: dict[str, str] = {}
    for info in pkgutil.walk_packages(services.__path__, "services."):
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.iscoroutinefunction):
            if (
                function.__module__.startswith("services.")
                and not name.startswith("_")
                and "actor" in inspect.signature(function).parameters
            ):
                taking_an_actor.setdefault(name, function.__module__)
    covered = {"import_regions", "grant_role", "revoke_role", *OPERATIONS, *SCOPED_NOT_REFUSED}
    forgotten = {f"{module}.{name}" for name, module in taking_an_actor.items() if name not in covered}
    assert not forgotten, f"add these to OPERATIONS (or SCOPED_NOT_REFUSED, saying why): {sorted(forgotten)}"
    assert set(SCOPED_NOT_REFUSED) <= set(taking_an_actor), "a listed function no longer exists"
