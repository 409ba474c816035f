"""The meetings and resolutions service without a messenger: who may record, read and update;
validation with nothing half-saved; the list filters; what a person answers for; progress and
its history; notifications to the responsible people in their language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Agency,
    AuditEntry,
    CommitteeKey,
    Meeting,
    MeetingKind,
    OutboxMessage,
    Person,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    Role,
    ScopeKind,
)
from services.authz import OPERATOR, Actor, PermissionDenied, load_actor
from services.i18n import Translator
from services.jalali import tehran_today
from services.regions import import_regions
from services.requests import Photo
from services.residents import join_neighbourhood
from services.resolutions import (
    CommitteeRequired,
    DateOutOfRange,
    DeadlineDoubt,
    DeadlineDoubtReason,
    InvalidProgress,
    MeetingView,
    NothingToUpdate,
    ResolutionClosed,
    ResolutionFilter,
    Responsible,
    TextTooLong,
    TextTooShort,
    UnknownAgency,
    UnknownMeeting,
    UnknownMember,
    add_resolution,
    create_meeting,
    doubt_deadline,
    get_resolution,
    list_resolutions,
    may_update,
    parse_progress,
    resolutions_for_person,
    update_progress,
)
from tests.unit.seed import REGIONS, add_telegram_account, appoint, seat

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 09:30 in Tehran, 1405/08/10
TODAY = date(2026, 11, 1)
TRANSLATOR = Translator()


async def account_for(session: AsyncSession, phone: str, user_id: int, locale: str | None = None) -> int:
    person = await session.scalar(select(Person).where(Person.phone == "+98" + phone[1:]))
    if person is None:
        person = Person(phone="+98" + phone[1:], created_at=T0)
        session.add(person)
    person.full_name = person.full_name or f"p{user_id}"
    await session.flush()
    await add_telegram_account(session, person.id, user_id, now=T0, locale=locale)
    return person.id


async def agency_id(session: AsyncSession, key: str) -> int:
    found = await session.scalar(select(Agency.id).where(Agency.key == key))
    assert found is not None
    return found


async def build(session: AsyncSession) -> dict[str, int]:
    """Two neighbourhoods of the county «شهر ری» and one of «تهران»; managers, officials, the
    municipality's liaison in each county, council members and residents."""
    await import_regions(session, REGIONS, actor=OPERATOR, now=T0)
    people: dict[str, int] = {}
    grants: list[tuple[str, str, Role, ScopeKind, str | None, str | None, str | None]] = [
        ("manager", "09120000101", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "1001", None, None),
        ("other_manager", "09120000102", Role.MANAGER, ScopeKind.NEIGHBOURHOOD, "2101", None, None),
        ("county", "09120000103", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "شهر ری", None, None),
        ("other_county", "09120000104", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "تهران", None, None),
        ("liaison", "09120000105", Role.LIAISON, ScopeKind.COUNTY, "شهر ری", "municipality", "en"),
        ("other_liaison", "09120000106", Role.LIAISON, ScopeKind.COUNTY, "تهران", "municipality", None),
    ]
    for label, phone, role, kind, scope, agency, locale in grants:
        await appoint(session, phone, role, kind, scope, now=T0, agency_key=agency)
        people[label] = await account_for(session, phone, 100 + len(people), locale)
    seats = [
        ("head", "09120000201", 1, CommitteeKey.HEALTH, True),
        ("member", "09120000202", 1, CommitteeKey.HEALTH, False),
        ("builder", "09120000203", 1, CommitteeKey.SERVICES, True),
        ("member_elsewhere", "09120000204", 3, CommitteeKey.HEALTH, True),
    ]
    for label, phone, neighbourhood_id, committee, is_head in seats:
        view = await seat(session, label, phone, neighbourhood_id, committee, head=is_head, now=T0)
        people[label] = await account_for(session, phone, 100 + len(people))
        people[f"{label}_seat"] = view.id
    people["resident"] = await account_for(session, "09120000301", 300)
    await join_neighbourhood(session, person_id=people["resident"], code="1001", now=T0)
    people["municipality"] = await agency_id(session, "municipality")
    return people


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with session_factory() as session:
        return await build(session)


async def actor(session: AsyncSession, people: dict[str, int], label: str) -> Actor:
    return await load_actor(session, people[label])


async def rows(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def outbox_to(session: AsyncSession, person_id: int) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.person_id == person_id).order_by(OutboxMessage.id)
        )
    )


async def meeting(
    session: AsyncSession,
    people: dict[str, int],
    *,
    by: str = "manager",
    neighbourhood_id: int = 1,
    kind: MeetingKind = MeetingKind.COUNCIL,
    held_on: date = TODAY,
    **details: Any,
) -> MeetingView:
    """A meeting recorded by `by` (a council meeting today, unless told otherwise)."""
    return await create_meeting(
        session,
        actor=await actor(session, people, by),
        neighbourhood_id=neighbourhood_id,
        kind=kind,
        held_on=held_on,
        now=T0,
        **details,
    )


async def resolution(
    session: AsyncSession,
    people: dict[str, int],
    *,
    text: str = "ترمیم آسفالت کوچهٔ شهید رضایی",
    responsible: Responsible | None = None,
    deadline: date = TODAY + timedelta(days=10),
    neighbourhood_id: int = 1,
    by: str = "manager",
    now: datetime = T0,
    meeting_id: int | None = None,
) -> int:
    view = await add_resolution(
        session,
        TRANSLATOR,
        actor=await actor(session, people, by),
        neighbourhood_id=neighbourhood_id,
        text=text,
        responsible=responsible or Responsible.of_agency(people["municipality"]),
        deadline=deadline,
        now=now,
        meeting_id=meeting_id,
    )
    return view.id


# ---- meetings ----


async def test_the_manager_records_a_meeting_with_attendance_and_minutes(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        view = await meeting(
            session,
            world,
            kind=MeetingKind.COMMITTEE,
            committee=CommitteeKey.HEALTH,
            held_on=TODAY - timedelta(days=2),
            attendee_member_ids=[world["head_seat"], world["member_seat"], world["head_seat"]],
            guests="  نمایندهٔ   شبکهٔ بهداشت ",
            minutes_text="بند ۱: واکسیناسیون\n\nبند ۲: آب‌رسانی",
            minutes_photo=Photo("telegram", "signed-page"),
        )
        assert view.attendee_names == ("head", "member")
        assert view.guests == "نمایندهٔ شبکهٔ بهداشت"
        assert view.minutes_text == "بند ۱: واکسیناسیون\nبند ۲: آب‌رسانی"
        stored = await session.get(Meeting, view.id)
        assert stored is not None and stored.committee is CommitteeKey.HEALTH
        assert stored.minutes_photo == {"platform": "telegram", "file_id": "signed-page"}
        assert stored.created_by_person_id == world["manager"]
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.create"))
        assert audit is not None and audit.target_id == view.id


@pytest.mark.parametrize("who", ["other_manager", "resident", "liaison", "head", "other_county"])
async def test_only_the_manager_and_officials_above_record_meetings(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], who: str
) -> None:
    async with session_factory() as session:
        with pytest.raises(PermissionDenied):
            await meeting(session, world, by=who)
        assert await rows(session, Meeting) == 0
        # The county's official may.
        await meeting(session, world, by="county", kind=MeetingKind.OFFICIAL_VISIT)
        assert await rows(session, Meeting) == 1


async def test_a_meeting_with_bad_input_saves_nothing(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        with pytest.raises(CommitteeRequired):
            await meeting(session, world, kind=MeetingKind.COMMITTEE)
        with pytest.raises(DateOutOfRange) as future:
            await meeting(session, world, held_on=TODAY + timedelta(days=1))
        assert future.value.reason == "future"
        with pytest.raises(DateOutOfRange):
            await meeting(session, world, held_on=TODAY - timedelta(days=800))
        # A member of another neighbourhood did not attend this council.
        with pytest.raises(UnknownMember):
            await meeting(
                session, world, attendee_member_ids=[world["head_seat"], world["member_elsewhere_seat"]]
            )
        with pytest.raises(TextTooLong):
            await meeting(session, world, minutes_text="ا" * 5000)
        assert await rows(session, Meeting) == 0
        assert await rows(session, AuditEntry) == await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action != "meeting.create")
        )


# ---- adding resolutions ----


async def test_a_resolution_for_an_agency_reaches_its_liaison_in_the_county(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        held = await meeting(session, world)
        rid = await resolution(session, world, deadline=date(2026, 11, 22), meeting_id=held.id)
        stored = await session.get(Resolution, rid)
        assert stored is not None
        assert (stored.status, stored.progress, stored.meeting_id) == (ResolutionStatus.OPEN, 0, held.id)
        history = list(
            await session.scalars(select(ResolutionUpdate).where(ResolutionUpdate.resolution_id == rid))
        )
        assert [(h.kind, h.actor_person_id) for h in history] == [("created", world["manager"])]
        assert await session.scalar(select(AuditEntry.id).where(AuditEntry.action == "resolution.create"))

        # The county's liaison reads English: the Jalali deadline in English, with the buttons.
        (notice,) = await outbox_to(session, world["liaison"])
        assert notice.text.startswith(TRANSLATOR.get("en", "resolution-notice-new", id=rid))
        assert "1 Azar 1405" in notice.text and "ترمیم آسفالت" in notice.text
        assert notice.reply_markup is not None
        assert [b["callback_data"] for b in notice.reply_markup["inline_keyboard"][0]] == [
            f"rs_upd:{rid}",
            f"rs_hist:{rid}",
        ]
        # The same agency's liaison in another county hears nothing, nor does the manager who added it.
        assert await outbox_to(session, world["other_liaison"]) == []
        assert await outbox_to(session, world["manager"]) == []


async def test_a_committee_or_member_resolution_is_told_in_persian(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        await resolution(session, world, responsible=Responsible.of_committee(CommitteeKey.HEALTH))
        (to_head,) = await outbox_to(session, world["head"])
        assert "۲۰ آبان ۱۴۰۵" in to_head.text  # 2026-11-11, with Persian digits
        assert TRANSLATOR.get("fa", "committee-health") in to_head.text
        await resolution(session, world, responsible=Responsible.of_member(world["member_seat"]))
        (to_member,) = await outbox_to(session, world["member"])
        assert TRANSLATOR.get("fa", "resolution-responsible-member", name="member") in to_member.text


async def test_adding_a_resolution_validates_everything_and_saves_nothing_on_error(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        other_meeting = await meeting(session, world, by="other_manager", neighbourhood_id=3)
        cases: list[tuple[type[Exception], dict[str, object]]] = [
            (TextTooShort, {"text": " ab "}),
            (TextTooLong, {"text": "ا" * 5000}),
            (DateOutOfRange, {"deadline": TODAY - timedelta(days=400)}),
            (DateOutOfRange, {"deadline": TODAY + timedelta(days=6 * 365)}),
            (UnknownMember, {"responsible": Responsible.of_member(world["member_elsewhere_seat"])}),
            (UnknownAgency, {"responsible": Responsible.of_agency(9999)}),
            (UnknownMeeting, {"meeting_id": other_meeting.id}),
        ]
        for error, changes in cases:
            args: dict[str, object] = {
                "text": "ترمیم آسفالت کوچه",
                "responsible": Responsible.of_agency(world["municipality"]),
                "deadline": TODAY + timedelta(days=3),
                "meeting_id": None,
                **changes,
            }
            with pytest.raises(error):
                await add_resolution(
                    session,
                    TRANSLATOR,
                    actor=await actor(session, world, "manager"),
                    neighbourhood_id=1,
                    now=T0,
                    **args,  # type: ignore[arg-type]
                )
        assert await rows(session, Resolution) == 0
        assert await rows(session, ResolutionUpdate) == 0
        assert await rows(session, OutboxMessage) == 0
        # A deadline eleven months past is a late record, not a mistake.
        await resolution(session, world, deadline=TODAY - timedelta(days=330))
        assert await rows(session, Resolution) == 1


@pytest.mark.parametrize("who", ["other_manager", "resident", "liaison", "head", "other_county"])
async def test_only_the_manager_and_officials_above_add_resolutions(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], who: str
) -> None:
    async with session_factory() as session:
        with pytest.raises(PermissionDenied):
            await resolution(session, world, by=who)
        assert await rows(session, Resolution) == 0
        assert await rows(session, OutboxMessage) == 0


# ---- reading ----


async def test_the_list_filters(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        ids = {
            "overdue": await resolution(
                session, world, text="گذشته از مهلت", deadline=TODAY - timedelta(days=2)
            ),
            "today": await resolution(session, world, text="مهلت امروز", deadline=TODAY),
            "soon": await resolution(
                session,
                world,
                text="مهلت نزدیک کمیته",
                deadline=TODAY + timedelta(days=3),
                responsible=Responsible.of_committee(CommitteeKey.HEALTH),
            ),
            "later": await resolution(session, world, text="مهلت دور", deadline=TODAY + timedelta(days=4)),
            "done": await resolution(session, world, text="انجام‌شده", deadline=TODAY - timedelta(days=5)),
            "cancelled": await resolution(session, world, text="لغوشده", deadline=TODAY + timedelta(days=1)),
        }
        await resolution(session, world, text="مصوبهٔ محلهٔ دیگر", neighbourhood_id=3, by="other_manager")
        manager = await actor(session, world, "manager")
        await update_progress(
            session, TRANSLATOR, actor=manager, resolution_id=ids["done"], progress=100, now=T0
        )
        await update_progress(
            session,
            TRANSLATOR,
            actor=manager,
            resolution_id=ids["cancelled"],
            status=ResolutionStatus.CANCELLED,
            now=T0,
        )

        async def listed(flt: ResolutionFilter, who: str = "manager", **kwargs: object) -> list[int]:
            views = await list_resolutions(
                session,
                actor=await actor(session, world, who),
                neighbourhood_id=1,
                today=TODAY,
                filter=flt,
                **kwargs,  # type: ignore[arg-type]
            )
            return [v.id for v in views]

        assert await listed(ResolutionFilter.OPEN) == [
            ids["overdue"],
            ids["today"],
            ids["soon"],
            ids["later"],
        ]
        assert await listed(ResolutionFilter.DUE_SOON) == [ids["today"], ids["soon"]]
        assert await listed(ResolutionFilter.OVERDUE) == [ids["overdue"]]
        assert await listed(ResolutionFilter.DONE) == [ids["done"]]
        assert sorted(await listed(ResolutionFilter.ALL)) == sorted(ids.values())
        assert await listed(ResolutionFilter.OPEN, committee=CommitteeKey.HEALTH) == [ids["soon"]]
        # The council and the county read them too; a resident, another county, a liaison do not.
        assert await listed(ResolutionFilter.OVERDUE, who="member") == [ids["overdue"]]
        assert await listed(ResolutionFilter.OVERDUE, who="county") == [ids["overdue"]]
        for who in ("resident", "other_county", "other_manager", "liaison"):
            with pytest.raises(PermissionDenied):
                await listed(ResolutionFilter.ALL, who=who)


async def test_what_a_person_answers_for(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        county = await actor(session, world, "county")
        here = await resolution(session, world, text="آسفالت دولت‌آباد")
        # A neighbourhood of the same county, added by the county's official: the same liaison.
        there = await resolution(session, world, text="آسفالت باقرآباد", neighbourhood_id=2, by="county")
        elsewhere = await resolution(
            session, world, text="آسفالت تجریش", neighbourhood_id=3, by="other_manager"
        )
        health = await resolution(session, world, responsible=Responsible.of_committee(CommitteeKey.HEALTH))
        named = await resolution(session, world, responsible=Responsible.of_member(world["member_seat"]))

        async def mine(label: str, flt: ResolutionFilter = ResolutionFilter.OPEN) -> list[int]:
            views = await resolutions_for_person(session, person_id=world[label], today=TODAY, filter=flt)
            return sorted(v.id for v in views)

        assert await mine("liaison") == sorted([here, there])
        assert await mine("other_liaison") == [elsewhere]
        assert await mine("head") == [health]
        assert await mine("member") == sorted([health, named])
        assert await mine("builder") == []
        assert await mine("resident") == []
        views = await resolutions_for_person(session, person_id=world["liaison"], today=TODAY)
        assert {v.neighbourhood_name for v in views} == {"دولت‌آباد", "باقرآباد"}
        await update_progress(session, TRANSLATOR, actor=county, resolution_id=there, progress=100, now=T0)
        assert await mine("liaison") == [here]
        assert await mine("liaison", ResolutionFilter.DONE) == [there]


# ---- progress ----


async def test_the_liaison_reports_progress_and_the_history_is_kept(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        rid = await resolution(session, world)
        liaison = await actor(session, world, "liaison")
        assert await may_update(session, liaison, rid)
        view = await update_progress(
            session,
            TRANSLATOR,
            actor=liaison,
            resolution_id=rid,
            progress=50,
            note="نیمی از کوچه آسفالت شد",
            now=T0 + timedelta(hours=1),
        )
        assert (view.progress, view.status) == (50, ResolutionStatus.IN_PROGRESS)
        # The manager (who added it) hears of it, with the note; the liaison does not hear of their own.
        (to_manager,) = await outbox_to(session, world["manager"])
        assert "نیمی از کوچه آسفالت شد" in to_manager.text and "۵۰٪" in to_manager.text
        assert len(await outbox_to(session, world["liaison"])) == 1  # only the first notice

        view = await update_progress(
            session, TRANSLATOR, actor=liaison, resolution_id=rid, progress=100, now=T0 + timedelta(hours=2)
        )
        assert (view.progress, view.status) == (100, ResolutionStatus.DONE)
        assert view.completed_at == T0 + timedelta(hours=2)

        full = await get_resolution(session, actor=liaison, resolution_id=rid)
        assert [(h.kind, h.progress, h.status) for h in full.history] == [
            ("created", 0, ResolutionStatus.OPEN),
            ("progress", 50, ResolutionStatus.IN_PROGRESS),
            ("done", 100, ResolutionStatus.DONE),
        ]
        assert full.history[1].note == "نیمی از کوچه آسفالت شد"
        assert full.history[1].actor_name == "p104"

        # Done: the liaison may not change it any more; the manager reopens it.
        with pytest.raises(ResolutionClosed):
            await update_progress(session, TRANSLATOR, actor=liaison, resolution_id=rid, progress=80, now=T0)
        manager = await actor(session, world, "manager")
        view = await update_progress(
            session,
            TRANSLATOR,
            actor=manager,
            resolution_id=rid,
            status=ResolutionStatus.IN_PROGRESS,
            note="آسفالت دوباره خراب شد",
            now=T0 + timedelta(hours=3),
        )
        assert (view.progress, view.status, view.completed_at) == (0, ResolutionStatus.IN_PROGRESS, None)
        history = await get_resolution(session, actor=manager, resolution_id=rid)
        assert history.history[-1].kind == "reopened"


@pytest.mark.parametrize("who", ["other_liaison", "resident", "other_manager", "builder", "other_county"])
async def test_people_who_do_not_answer_for_it_cannot_update_it(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int], who: str
) -> None:
    async with session_factory() as session:
        rid = await resolution(session, world)
        stranger = await actor(session, world, who)
        assert not await may_update(session, stranger, rid)
        with pytest.raises(PermissionDenied):
            await update_progress(session, TRANSLATOR, actor=stranger, resolution_id=rid, progress=90, now=T0)
        stored = await session.get(Resolution, rid)
        await session.refresh(stored)
        assert stored is not None and (stored.progress, stored.status) == (0, ResolutionStatus.OPEN)
        assert await rows(session, ResolutionUpdate) == 1
        if who == "builder":
            # Another committee of the same council: reads it, does not answer for it.
            assert (await get_resolution(session, actor=stranger, resolution_id=rid)).id == rid
        else:
            with pytest.raises(PermissionDenied):
                await get_resolution(session, actor=stranger, resolution_id=rid)


async def test_committee_members_update_their_committees_resolutions_but_only_managers_cancel(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        rid = await resolution(session, world, responsible=Responsible.of_committee(CommitteeKey.HEALTH))
        member = await actor(session, world, "member")
        view = await update_progress(
            session, TRANSLATOR, actor=member, resolution_id=rid, progress=25, now=T0
        )
        assert view.progress == 25
        with pytest.raises(PermissionDenied):
            await update_progress(
                session,
                TRANSLATOR,
                actor=member,
                resolution_id=rid,
                status=ResolutionStatus.CANCELLED,
                now=T0,
            )
        view = await update_progress(
            session,
            TRANSLATOR,
            actor=await actor(session, world, "manager"),
            resolution_id=rid,
            status=ResolutionStatus.CANCELLED,
            note="دیگر لازم نیست",
            now=T0,
        )
        assert (view.status, view.progress) == (ResolutionStatus.CANCELLED, 25)


async def test_bad_progress_updates_change_nothing(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        rid = await resolution(session, world)
        liaison = await actor(session, world, "liaison")
        for kwargs in (
            {"progress": 101},
            {"progress": -1},
            {"progress": 50, "status": ResolutionStatus.DONE},
            {"progress": 100, "status": ResolutionStatus.IN_PROGRESS},
        ):
            with pytest.raises(InvalidProgress):
                await update_progress(
                    session,
                    TRANSLATOR,
                    actor=liaison,
                    resolution_id=rid,
                    now=T0,
                    **kwargs,  # type: ignore[arg-type]
                )
        with pytest.raises(NothingToUpdate):
            await update_progress(session, TRANSLATOR, actor=liaison, resolution_id=rid, progress=0, now=T0)
        with pytest.raises(TextTooLong):
            await update_progress(
                session, TRANSLATOR, actor=liaison, resolution_id=rid, progress=10, note="ا" * 5000, now=T0
            )
        assert await rows(session, ResolutionUpdate) == 1
        # A note alone is an update.
        view = await update_progress(
            session, TRANSLATOR, actor=liaison, resolution_id=rid, note="پیمانکار انتخاب شد", now=T0
        )
        assert view.status is ResolutionStatus.OPEN and view.progress == 0
        assert await rows(session, ResolutionUpdate) == 2


def test_a_deadline_today_or_later_is_not_doubted() -> None:
    assert doubt_deadline(TODAY, TODAY) is None
    assert doubt_deadline(TODAY + timedelta(days=30), TODAY) is None
    # On the meeting's own day, or after it, with the meeting a week ago.
    meeting = TODAY - timedelta(days=7)
    assert doubt_deadline(TODAY, TODAY, meeting) is None
    assert doubt_deadline(TODAY + timedelta(days=1), TODAY, meeting) is None


def test_a_past_deadline_is_doubted_against_today() -> None:
    yesterday = TODAY - timedelta(days=1)
    assert doubt_deadline(yesterday, TODAY) == DeadlineDoubt(DeadlineDoubtReason.PAST, yesterday, TODAY)
    # After the meeting but already past: the reason is that it has passed.
    meeting = TODAY - timedelta(days=10)
    assert doubt_deadline(yesterday, TODAY, meeting) == DeadlineDoubt(
        DeadlineDoubtReason.PAST, yesterday, TODAY
    )
    # On the meeting's own day, a week ago: past, not before the meeting.
    assert doubt_deadline(meeting, TODAY, meeting) == DeadlineDoubt(DeadlineDoubtReason.PAST, meeting, TODAY)


def test_a_deadline_before_the_meeting_is_doubted_against_the_meeting() -> None:
    meeting = TODAY - timedelta(days=10)
    early = meeting - timedelta(days=1)
    assert doubt_deadline(early, TODAY, meeting) == DeadlineDoubt(
        DeadlineDoubtReason.BEFORE_MEETING, early, meeting
    )
    # The rule compares dates as given: a meeting dated after today still counts first.
    later_meeting = TODAY + timedelta(days=5)
    assert doubt_deadline(TODAY + timedelta(days=2), TODAY, later_meeting) == DeadlineDoubt(
        DeadlineDoubtReason.BEFORE_MEETING, TODAY + timedelta(days=2), later_meeting
    )


def test_today_is_the_day_in_tehran() -> None:
    # 22:00 UTC on 31 October is 01:30 on 1 November in Tehran: 31 October has passed there.
    late_evening = datetime(2026, 10, 31, 22, 0, tzinfo=UTC)
    today = tehran_today(late_evening)
    assert today == date(2026, 11, 1)
    assert doubt_deadline(date(2026, 10, 31), today) is not None
    assert doubt_deadline(date(2026, 11, 1), today) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("60", 60), ("۶۰", 60), ("٦٠", 60), ("60%", 60), ("۶۰٪", 60), (" ٪۲۵ ", 25), ("0", 0), ("100", 100)],
)
def test_progress_is_read_in_any_digits(typed: str, expected: int) -> None:
    assert parse_progress(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "101", "-5", "50.5", "۱۰۰۰"])
def test_impossible_progress_is_refused(typed: str) -> None:
    with pytest.raises(InvalidProgress):
        parse_progress(typed)


async def test_priority_is_kept(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    async with session_factory() as session:
        view = await add_resolution(
            session,
            TRANSLATOR,
            actor=await actor(session, world, "manager"),
            neighbourhood_id=1,
            text="تخلیهٔ نخاله‌های ساختمانی",
            responsible=Responsible.of_committee("environment"),
            deadline=TODAY,
            priority=ResolutionPriority.URGENT,
            now=T0,
        )
        assert view.priority is ResolutionPriority.URGENT
        assert view.responsible_committee is CommitteeKey.ENVIRONMENT
