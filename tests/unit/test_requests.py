"""The requests service without a messenger: SLA reminders (once each, across reruns, rounds and
concurrent runs), who may handle a request, the daily limit, tracking codes and duplicates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    CitizenRequest,
    CommitteeKey,
    OutboxMessage,
    Person,
    RequestEvent,
    RequestStatus,
    Role,
    ScopeKind,
    SlaReminder,
)
from services.authz import OPERATOR, PermissionDenied, load_actor
from services.i18n import Translator
from services.jobs import JobContext, job_by_name
from services.regions import import_regions
from services.requests import (
    DailyLimitReached,
    HandlerAction,
    InvalidTransition,
    NewRequest,
    NoteRequired,
    RequestStatusView,
    RequestView,
    UnknownRequest,
    act_on_request,
    check_can_submit,
    confirm_fixed,
    format_tracking_code,
    inbox,
    parse_tracking_code,
    request_for_handler,
    reroute_request,
    reversed_tracking_code,
    run_sla_reminders,
    set_committee_sla,
    submit_request,
    track_request,
)
from services.requests import sla as sla_module
from services.residents import join_neighbourhood
from tests.unit.seed import REGIONS, add_telegram_account, appoint, seat

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 09:30 in Tehran
TRANSLATOR = Translator()


async def person_with_account(session: AsyncSession, phone: str, user_id: int) -> int:
    person = await session.scalar(select(Person).where(Person.phone == phone))
    if person is None:
        person = Person(phone=phone, full_name=f"p{user_id}", created_at=T0)
        session.add(person)
        await session.flush()
    await add_telegram_account(session, person.id, user_id, now=T0)
    return person.id


async def build(session: AsyncSession) -> dict[str, int]:
    """Two neighbourhoods of one county and one of another; the people around them."""
    await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
    people: dict[str, int] = {}
    grants = [
        ("manager", "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001"),
        ("other_manager", "09120000102", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1002"),
        ("county", "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری"),
        ("other_county", "09120000104", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "تهران"),
        ("admin", "09120000105", Role.ADMIN, ScopeKind.GLOBAL, None),
    ]
    for label, phone, role, kind, scope in grants:
        await appoint(session, phone, role, kind, scope, now=T0)
        people[label] = await person_with_account(session, "+98" + phone[1:], 100 + len(people))
    seats = [
        ("head", "09120000201", 1, CommitteeKey.HEALTH, True),
        ("member", "09120000202", 1, CommitteeKey.HEALTH, False),
        ("other_head", "09120000203", 1, CommitteeKey.SERVICES, True),
        ("head_elsewhere", "09120000204", 2, CommitteeKey.HEALTH, True),
    ]
    for label, phone, neighbourhood_id, committee, is_head in seats:
        await seat(session, label, phone, neighbourhood_id, committee, head=is_head, now=T0)
        people[label] = await person_with_account(session, "+98" + phone[1:], 100 + len(people))
    for label, phone, code in [("resident", "09120000301", "1001"), ("neighbour", "09120000302", "1001")]:
        people[label] = await person_with_account(session, "+98" + phone[1:], 100 + len(people))
        await join_neighbourhood(session, person_id=people[label], code=code, now=T0)
    return people


async def new_request(
    session: AsyncSession,
    people: dict[str, int],
    *,
    now: datetime = T0,
    text: str = "درمانگاه محله پزشک ندارد",
) -> int:
    submitted = await submit_request(
        session,
        TRANSLATOR,
        person_id=people["resident"],
        draft=NewRequest(text=text, committee=CommitteeKey.HEALTH),
        now=now,
    )
    return submitted.id


async def outbox_keys(session: AsyncSession) -> list[str]:
    return sorted(
        k
        for k in await session.scalars(select(OutboxMessage.dedup_key))
        if k is not None and k.startswith("sla:")
    )


async def sla_messages_to(session: AsyncSession, person_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.person_id == person_id, OutboxMessage.dedup_key.like("sla:%")
            )
        )
        or 0
    )


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with session_factory() as session:
        return await build(session)


async def test_sla_reminders_fire_once_per_level_and_never_again(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        request_id = await new_request(session, world)
        # Before the 48 hours: nothing.
        summary = await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=47))
        assert summary.reminders == 0
        # First breach: the head is reminded, once, however often the job runs.
        for _ in range(3):
            await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=49))
        assert await sla_messages_to(session, world["head"]) == 1
        assert await sla_messages_to(session, world["manager"]) == 0
        # Twice the time: the manager; three times: the county official.
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=97))
        assert await sla_messages_to(session, world["manager"]) == 1
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=145))
        assert await sla_messages_to(session, world["county"]) == 1
        assert await sla_messages_to(session, world["other_county"]) == 0
        keys_before = await outbox_keys(session)
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=146))
        assert await outbox_keys(session) == keys_before
        assert len(keys_before) == 3
        events = list(
            await session.scalars(select(RequestEvent.kind).where(RequestEvent.request_id == request_id))
        )
        assert events.count("reminded") == 1 and events.count("escalated") == 2


async def test_the_job_catches_up_every_level_at_once_and_survives_a_new_process(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await new_request(session, world)
    job = job_by_name("request_sla")
    # First run long after the breach (the bot was down): all three response levels, once.
    await job.run(
        JobContext(session_factory=session_factory, now=T0 + timedelta(days=7), translator=TRANSLATOR)
    )
    async with session_factory() as session:
        assert await sla_messages_to(session, world["head"]) == 1
        assert await sla_messages_to(session, world["manager"]) == 1
        assert await sla_messages_to(session, world["county"]) == 1
        first = await outbox_keys(session)
    # A "restart": a new context and translator, same database: nothing new.
    await job.run(JobContext(session_factory=session_factory, now=T0 + timedelta(days=7, minutes=15)))
    async with session_factory() as session:
        assert await outbox_keys(session) == first


async def test_a_rerun_loads_no_request_and_only_owing_ones_are_loaded(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    later = T0 + timedelta(hours=49)
    async with session_factory() as session:
        late = await new_request(session, world)
        # Only an hour old at the runs below: its clocks owe nothing yet.
        await new_request(session, world, now=later, text="درخواست تازه درباره روشنایی کوچه محله")
    loaded: list[int] = []
    real_load = sla_module.load_request

    async def counting_load(session: AsyncSession, request_id: int, **kwargs: Any) -> Any:
        loaded.append(request_id)
        return await real_load(session, request_id, **kwargs)

    monkeypatch.setattr(sla_module, "load_request", counting_load)
    async with session_factory() as session:
        first = await run_sla_reminders(session, TRANSLATOR, now=later + timedelta(hours=1))
        assert (first.checked, first.reminders, loaded) == (2, 1, [late])
        again = await run_sla_reminders(session, TRANSLATOR, now=later + timedelta(hours=2))
        assert (again.checked, again.reminders, loaded) == (2, 0, [late])


async def test_answering_stops_the_response_clock_and_the_resolution_clock_runs_on(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        request_id = await new_request(session, world)
        head = await load_actor(session, world["head"])
        await act_on_request(
            session, TRANSLATOR, actor=head, request_id=request_id, action=HandlerAction.ACKNOWLEDGE, now=T0
        )
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(days=13))
        assert await outbox_keys(session) == []
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(days=15))
        assert await outbox_keys(session) == [f"sla:{request_id}:resolution:1:0:{world['head']}"]


async def test_a_reopened_request_starts_a_new_round(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        request_id = await new_request(session, world)
        head = await load_actor(session, world["head"])
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(days=15))
        await act_on_request(
            session,
            TRANSLATOR,
            actor=head,
            request_id=request_id,
            action=HandlerAction.RESOLVE,
            note="درست شد",
            now=T0 + timedelta(days=15),
        )
        await confirm_fixed(
            session,
            TRANSLATOR,
            person_id=world["resident"],
            request_id=request_id,
            fixed=False,
            now=T0 + timedelta(days=16),
        )
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(days=16, hours=1))
        assert {int(k.split(":")[4]) for k in await outbox_keys(session)} == {0}
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(days=31))
        rounds = {int(k.split(":")[4]) for k in await outbox_keys(session)}
        assert rounds == {0, 1}


async def test_two_instances_running_the_job_at_once_send_each_reminder_once(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        for i in range(5):
            await new_request(session, world, text=f"درخواست شماره {i} درباره درمانگاه محله")

    async def one_instance() -> None:
        async with session_factory() as session:
            await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=50))

    await asyncio.gather(one_instance(), one_instance())
    async with session_factory() as session:
        assert await session.scalar(select(func.count(SlaReminder.id))) == 5
        assert await sla_messages_to(session, world["head"]) == 5


async def test_slas_are_configurable_per_committee(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await set_committee_sla(
            session, committee=CommitteeKey.HEALTH, first_response_hours=6, resolution_days=2
        )
        await new_request(session, world)
        await run_sla_reminders(session, TRANSLATOR, now=T0 + timedelta(hours=7))
        assert await sla_messages_to(session, world["head"]) == 1
        with pytest.raises(ValueError):
            await set_committee_sla(
                session, committee=CommitteeKey.HEALTH, first_response_hours=0, resolution_days=2
            )


# ---- who may handle a request ----

HANDLERS = {"head", "member", "manager", "county", "admin"}
OUTSIDERS = {"other_head", "head_elsewhere", "other_manager", "other_county", "resident", "neighbour"}


async def snapshot(session: AsyncSession) -> tuple[Any, ...]:
    request = (await session.scalars(select(CitizenRequest))).one()
    await session.refresh(request)
    events = await session.scalar(select(func.count(RequestEvent.id)))
    messages = await session.scalar(select(func.count(OutboxMessage.id)))
    return (request.status, request.committee, request.sla_round, events, messages)


@pytest.mark.parametrize("operation", ["ack", "resolve", "reroute", "view"])
async def test_only_the_committee_the_manager_and_officials_above_may_handle(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], operation: str
) -> None:
    wrong: list[str] = []
    for label in sorted(HANDLERS | OUTSIDERS):
        async with session_factory() as session:
            await session.execute(CitizenRequest.__table__.delete())
            await session.commit()
            request_id = await new_request(session, world)
            actor = await load_actor(session, world[label])
            before = await snapshot(session)
            try:
                if operation == "reroute":
                    await reroute_request(
                        session,
                        TRANSLATOR,
                        actor=actor,
                        request_id=request_id,
                        committee=CommitteeKey.SERVICES,
                        now=T0,
                    )
                elif operation == "view":
                    await request_for_handler(session, actor=actor, request_id=request_id)
                else:
                    await act_on_request(
                        session,
                        TRANSLATOR,
                        actor=actor,
                        request_id=request_id,
                        action=HandlerAction(operation),
                        note="یادداشت",
                        now=T0,
                    )
            except PermissionDenied:
                if label in HANDLERS:
                    wrong.append(f"{label}: refused")
                elif await snapshot(session) != before:
                    wrong.append(f"{label}: refused but changed the database")
            else:
                if label in OUTSIDERS:
                    wrong.append(f"{label}: allowed")
    assert not wrong, "\n".join(wrong)


async def test_the_inbox_shows_each_handler_their_own(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await new_request(session, world)
        for label, expected in [
            ("head", 1),
            ("member", 1),
            ("manager", 1),
            ("other_head", 0),
            ("resident", 0),
        ]:
            views = await inbox(session, actor=await load_actor(session, world[label]))
            assert len(views) == expected, label
            if views:
                assert views[0].resident_phone == "09120000301"


async def test_transitions_and_notes_are_checked(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        request_id = await new_request(session, world)
        head = await load_actor(session, world["head"])
        with pytest.raises(NoteRequired):
            await act_on_request(
                session, TRANSLATOR, actor=head, request_id=request_id, action=HandlerAction.REJECT, now=T0
            )
        await act_on_request(
            session,
            TRANSLATOR,
            actor=head,
            request_id=request_id,
            action=HandlerAction.REJECT,
            note="تکراری",
            now=T0,
        )
        with pytest.raises(InvalidTransition):
            await act_on_request(
                session,
                TRANSLATOR,
                actor=head,
                request_id=request_id,
                action=HandlerAction.ACKNOWLEDGE,
                now=T0,
            )
        # Only the resident who wrote it answers "was it fixed?".
        with pytest.raises(UnknownRequest):
            await confirm_fixed(
                session, TRANSLATOR, person_id=world["neighbour"], request_id=request_id, fixed=True, now=T0
            )
        request = await session.get(CitizenRequest, request_id)
        assert request is not None and request.status is RequestStatus.REJECTED


async def test_track_shows_text_only_to_the_people_involved(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        request_id = await new_request(session, world)
        code = (await session.get(CitizenRequest, request_id)).code  # type: ignore[union-attr]
        own = await track_request(
            session, actor=await load_actor(session, world["resident"]), code=code, now=T0
        )
        assert isinstance(own, RequestView) and own.text is not None and own.resident_phone is None
        stranger = await track_request(
            session, actor=await load_actor(session, world["neighbour"]), code=code, now=T0
        )
        # Status and dates only (tests/unit/test_request_privacy.py).
        assert isinstance(stranger, RequestStatusView)
        handler = await track_request(
            session, actor=await load_actor(session, world["head"]), code=code, now=T0
        )
        assert isinstance(handler, RequestView) and handler.resident_phone == "09120000301"


async def test_a_code_typed_in_the_order_a_right_to_left_line_showed_it_is_found(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    # «۷۷۸-۴۳۴-۵۶۵» in a Persian line may have been displayed as ۵۶۵-۴۳۴-۷۷۸.
    async with session_factory() as session:
        first = await session.get(CitizenRequest, await new_request(session, world))
        assert first is not None
        first.code = "778434565"
        await session.commit()
        actor = await load_actor(session, world["resident"])
        found = await track_request(session, actor=actor, code=reversed_tracking_code("778434565"), now=T0)
        assert found.code == "778434565"
        # When the code as typed exists too, it is the one meant: no guessing.
        second = await session.get(
            CitizenRequest, await new_request(session, world, text="چراغ کوچه خاموش است")
        )
        assert second is not None
        second.code = "565434778"
        await session.commit()
        assert (await track_request(session, actor=actor, code="565434778", now=T0)).code == "565434778"
        assert (await track_request(session, actor=actor, code="778434565", now=T0)).code == "778434565"
        with pytest.raises(UnknownRequest):
            await track_request(session, actor=actor, code="111222333", now=T0)


async def test_the_daily_limit_counts_the_tehran_day_and_spares_emergencies(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    # 23:00 in Tehran on 1 November is 19:30 UTC.
    evening = datetime(2026, 11, 1, 19, 30, tzinfo=UTC)
    async with session_factory() as session:
        for i in range(3):
            await new_request(session, world, now=evening, text=f"مشکل شماره {i} در محله ما")
        with pytest.raises(DailyLimitReached):
            await check_can_submit(session, person_id=world["resident"], now=evening, daily_limit=3)
        emergency = await submit_request(
            session,
            TRANSLATOR,
            person_id=world["resident"],
            draft=NewRequest(text="آتش سوزی در ساختمان کناری", committee=CommitteeKey.HEALTH, emergency=True),
            now=evening,
            daily_limit=3,
        )
        assert emergency.committee is CommitteeKey.CRISIS and emergency.urgent
        # 00:10 in Tehran the next day (20:40 UTC): a new day.
        await check_can_submit(
            session, person_id=world["resident"], now=evening + timedelta(minutes=70), daily_limit=3
        )


def test_tracking_codes_read_aloud_and_parse_back() -> None:
    assert format_tracking_code("123456789", "fa") == "۱۲۳-۴۵۶-۷۸۹"
    assert format_tracking_code("123456789", "en") == "123-456-789"
    for typed in ("۱۲۳-۴۵۶-۷۸۹", "123 456 789", "١٢٣٤٥٦٧٨٩", " 123-456789 "):
        assert parse_tracking_code(typed) == "123456789"
    for typed in ("12345678", "1234567890", "abc", ""):
        assert parse_tracking_code(typed) is None


# ---- reroutes are training examples ----

ODD_TEXT = "زنگوله های برنجی میدان قدیمی محله"


async def test_stored_corrections_are_used_by_the_next_training(
    session_factory: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Any
) -> None:
    from models import RoutingCorrection
    from services.requests import RoutingModel

    async with session_factory() as session:
        session.add_all(
            RoutingCorrection(text=f"{ODD_TEXT} {i}", committee=CommitteeKey.CULTURE, created_at=T0)
            for i in range(12)
        )
        await session.commit()
        model = RoutingModel()
        shipped = model.guess(ODD_TEXT).committee
        trained_on = await model.retrain(session)
    assert shipped != "culture"
    assert model.guess(ODD_TEXT).committee == "culture"
    assert trained_on >= 700 + 12

    # The stable CLI trains on them too.
    import subprocess
    import sys

    from bot.settings import PROJECT_ROOT

    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "route"],
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": database_url},
        input=ODD_TEXT + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert '"committee": "culture"' in result.stdout


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (RequestStatus.NEW, ["ack", "start", "resolve", "reject", "route"]),
        (RequestStatus.REOPENED, ["ack", "start", "resolve", "reject", "route"]),
        (RequestStatus.ACKNOWLEDGED, ["start", "resolve", "reject", "route"]),
        (RequestStatus.IN_PROGRESS, ["resolve", "reject", "route"]),
        (RequestStatus.RESOLVED, []),
        (RequestStatus.CLOSED, []),
        (RequestStatus.REJECTED, []),
    ],
)
def test_handlers_are_offered_only_the_steps_the_status_allows(
    status: RequestStatus, offered: list[str]
) -> None:
    from services.requests import handler_buttons

    rows = handler_buttons(7, status=status)
    assert [b.callback_data for row in rows for b in row] == [f"rq:{action}:7" for action in offered]
    assert all(rows)  # no empty rows
