"""The main menu through the real Dispatcher: at most six buttons in three rows for every role,
the rest under «بیشتر…» with «بازگشت» back; the inbox button's number of requests waiting for an
answer; roles named with their committee and place; a new language brings a new keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import ReplyKeyboardMarkup, User
from sqlalchemy import event, select

from models import CommitteeKey, Person, Role, ScopeKind
from services.accounts import RoleGrant
from services.authz import OPERATOR, Actor
from services.requests import awaiting_answer_count
from services.roles import grant_role
from tests.handlers.conftest import Harness, fa, resident, seat_member
from tests.handlers.harness import NOW
from tests.handlers.test_council import MANAGER_PHONE, manager, onboard
from tests.handlers.test_join import add_regions
from tests.handlers.test_liaisons import official
from tests.handlers.test_requests import HEAD_PHONE, only_request, setup_neighbourhood, submit

EVERYONE = ["menu-join", "menu-help", "menu-lang", "menu-verify"]
MANAGER = [
    "menu-inbox",
    "menu-resolutions",
    "menu-meeting",
    "menu-action",
    "menu-members",
    "menu-crisis",
    "menu-plan",
    "menu-add-member",
    "menu-invite",
    "menu-profile",
    "menu-not-joined",
    "menu-announce",
    "menu-courses",
]
OFFICIAL = [
    "menu-report",
    "menu-resolutions",
    "menu-plan",
    "menu-liaisons",
    "menu-grant",
    "menu-courses",
    "menu-not-joined",
    "menu-profile",
]
RESIDENT = ["menu-request", "menu-my-requests", "menu-feed"]


def last_menu(harness: Harness) -> list[list[str]]:
    """The rows of the last reply keyboard the bot sent (Telegram)."""
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if isinstance(getattr(r, "reply_markup", None), ReplyKeyboardMarkup)
    )
    return [[button.text for button in row] for row in markup.keyboard]


async def pre_registered_head(harness: Harness, phone: str = HEAD_PHONE) -> None:
    await seat_member(
        harness.session_factory,
        phone,
        "رئیس بهداشت",
        committees=[CommitteeKey.HEALTH],
        head_of=CommitteeKey.HEALTH,
    )


async def as_resident(harness: Harness) -> User:
    await add_regions(harness.session_factory)
    user = resident(user_id=801)
    await onboard(harness, user, "09125550001")
    await harness.send(harness.updates.message(user, text="/start n_1001"))
    return user


async def as_manager(harness: Harness) -> User:
    return await manager(harness)


async def as_manager_and_resident(harness: Harness) -> User:
    user = await manager(harness)
    await harness.send(harness.updates.message(user, text="/start n_1001"))
    return user


async def as_committee_head(harness: Harness) -> User:
    await add_regions(harness.session_factory)
    await pre_registered_head(harness)
    user = resident(user_id=802)
    await onboard(harness, user, HEAD_PHONE)
    return user


async def as_liaison(harness: Harness) -> User:
    await add_regions(harness.session_factory)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000601",
            role=Role.LIAISON,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            province_name="تهران",
            agency_key="municipality",
            now=NOW,
        )
    user = resident(user_id=803)
    await onboard(harness, user, "09120000601")
    return user


async def as_county_official(harness: Harness) -> User:
    await add_regions(harness.session_factory)
    return await official(harness, 804, "09120000604", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ری")


async def as_province_official(harness: Harness) -> User:
    await add_regions(harness.session_factory)
    return await official(harness, 805, "09120000605", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران")


async def as_admin(harness: Harness) -> User:
    await add_regions(harness.session_factory)
    user = resident(user_id=806)
    await onboard(harness, user, "09120000001")
    return user


# Who, and every menu button they should reach (on the keyboard or under «بیشتر…»), the first
# ones being the most used.
ROLES: dict[str, tuple[Any, list[str]]] = {
    "resident": (as_resident, RESIDENT + EVERYONE),
    "manager": (as_manager, MANAGER + EVERYONE),
    # Several roles take turns: both the manager's and the resident's first tasks are at hand.
    "manager and resident": (
        as_manager_and_resident,
        [
            "menu-inbox",
            "menu-request",
            "menu-resolutions",
            "menu-my-requests",
            "menu-meeting",
            "menu-feed",
            *MANAGER[3:],
            *EVERYONE,
        ],
    ),
    "committee head": (as_committee_head, ["menu-inbox", "menu-resolutions", "menu-action", *EVERYONE]),
    "liaison": (as_liaison, ["menu-resolutions", *EVERYONE]),
    "county official": (as_county_official, OFFICIAL + EVERYONE),
    "province official": (as_province_official, OFFICIAL + EVERYONE),
    "admin": (as_admin, ["menu-grant", "menu-import-regions", *EVERYONE]),
}


@pytest.mark.parametrize("who", list(ROLES))
async def test_at_most_six_buttons_in_three_rows_and_more_gives_the_rest(harness: Harness, who: str) -> None:
    make, expected_keys = ROLES[who]
    user = await make(harness)
    await harness.send(harness.updates.message(user, text="/start"))
    rows = last_menu(harness)
    main = [label for row in rows for label in row]
    assert len(rows) <= 3 and all(len(row) <= 2 for row in rows) and len(main) <= 6, (who, rows)
    expected = [fa(harness, key) for key in expected_keys]
    more, back = fa(harness, "menu-more"), fa(harness, "menu-back")
    if len(expected) <= 6:
        # Everything fits: no «بیشتر…».
        assert main == expected
        return
    # The most used first, «بیشتر…» last; it opens the rest, then «بازگشت».
    assert main == [*expected[:5], more]
    await harness.send(harness.updates.message(user, text=more))
    assert harness.last_text() == fa(harness, "menu-more-title")
    page = [label for row in last_menu(harness) for label in row]
    assert page == [*expected[5:], back]
    # Every button of the page answers (none is taken as unknown text or fails).
    apology, unknown = fa(harness, "error-generic"), fa(harness, "error-unsupported-input")
    for label in page[:-1]:
        before = len(harness.tg_session.sent_texts())
        await harness.send(harness.updates.message(user, text=label))
        answers = harness.tg_session.sent_texts()[before:]
        assert answers and apology not in answers and unknown not in answers, label
        await harness.send(harness.updates.message(user, text="/cancel"))
    await harness.send(harness.updates.message(user, text=back))
    assert harness.last_text() == fa(harness, "menu-back-title")
    assert [label for row in last_menu(harness) for label in row] == main


async def test_more_in_the_middle_of_a_form_keeps_the_form(harness: Harness) -> None:
    user = await manager(harness)
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-add-member")))
    assert harness.last_text() == fa(harness, "member-ask-name")
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-more")))
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-back")))
    # Neither page button became the member's name: the form still waits for it.
    await harness.send(harness.updates.message(user, text="علی رضایی"))
    assert harness.last_text() == fa(harness, "member-ask-phone", name="علی رضایی")


async def test_the_inbox_button_counts_the_requests_waiting_for_an_answer(harness: Harness) -> None:
    boss, head, citizen = await setup_neighbourhood(harness)
    await harness.send(harness.updates.message(boss, text="/start"))
    assert last_menu(harness)[0][0] == fa(harness, "menu-inbox")  # nothing waits: no number
    await submit(harness, citizen)
    await submit(harness, citizen, "کوچهٔ ما هفته‌هاست آسفالت ندارد و پر از چاله است", "services")
    await harness.send(harness.updates.message(boss, text="/start"))
    counted = last_menu(harness)[0][0]
    assert counted == fa(harness, "menu-counted", label=fa(harness, "menu-inbox"), count=2)
    assert counted.endswith("(۲)")
    # The button is recognised with its number, in either language, and opens the inbox.
    for text in (counted, harness.translator.get("en", "menu-counted", label="📥 Request inbox", count=7)):
        await harness.send(harness.updates.message(boss, text=text))
        assert harness.last_text().startswith(fa(harness, "inbox-title", count=2))
    # The health head counts only the health request; once acknowledged, it waits no more.
    request = await only_request_of(harness, "health")
    await harness.send(harness.updates.message(head, text="/start"), harness.bale)
    head_menu = harness.bale_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    assert head_menu.keyboard[0][0].text.endswith("(۱)")
    await harness.send(harness.updates.callback(head, f"rq:ack:{request}"), harness.bale)
    await harness.send(harness.updates.message(boss, text="/cancel"))
    assert last_menu(harness)[0][0].endswith("(۱)")


async def only_request_of(harness: Harness, committee: str) -> int:
    from models import CitizenRequest

    async with harness.session_factory() as session:
        found = await session.scalar(
            select(CitizenRequest.id).where(CitizenRequest.committee == CommitteeKey(committee))
        )
    assert found is not None
    return found


async def test_the_count_is_one_query(harness: Harness) -> None:
    _boss, _head, citizen = await setup_neighbourhood(harness)
    await submit(harness, citizen)
    request = await only_request(harness)
    async with harness.session_factory() as session:
        person = await session.scalar(select(Person.id).where(Person.phone == "+98" + MANAGER_PHONE[1:]))
        head = await session.scalar(select(Person.id).where(Person.phone == "+98" + HEAD_PHONE[1:]))
    assert person is not None and head is not None
    # A manager who also sits on the committee: the request is counted once.
    boss = Actor(
        person, "boss", (RoleGrant(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, request.neighbourhood_id),)
    )
    statements: list[str] = []
    engine = harness.session_factory.kw["bind"].sync_engine

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        async with harness.session_factory() as session:
            assert await awaiting_answer_count(session, actor=boss) == 1
            assert await awaiting_answer_count(session, actor=Actor(head, "head")) == 1
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


async def test_roles_are_named_with_their_committee_and_place(harness: Harness) -> None:
    user = await as_committee_head(harness)
    text = harness.last_text()
    assert "رئیس کمیتهٔ بهداشت و درمان — دولت‌آباد" in text
    assert fa(harness, "role-title", role=fa(harness, "role-council_member"), place="دولت‌آباد") in text
    await harness.send(harness.updates.message(user, text="/start"))
    assert "رئیس کمیتهٔ بهداشت و درمان — دولت‌آباد" in harness.last_text()
    await harness.send(harness.updates.callback(user, "lang:en:0"))
    await harness.send(harness.updates.message(user, text="/start"))
    assert "Head of the Health & treatment committee — دولت‌آباد" in harness.last_text()


async def test_officials_and_liaisons_are_named_with_their_place_and_agency(harness: Harness) -> None:
    await as_liaison(harness)
    assert "رابط شهرداری — ری" in harness.last_text()
    await official(harness, 807, "09120000607", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, "ری")
    assert (
        fa(harness, "role-title", role=fa(harness, "role-county_official"), place="ری") in harness.last_text()
    )
    await manager_of_second(harness)
    assert (
        fa(harness, "role-title", role=fa(harness, "role-manager"), place="کوی فردوس") in harness.last_text()
    )


async def manager_of_second(harness: Harness) -> None:
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000608",
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1002",
            now=NOW,
        )
    await onboard(harness, resident(user_id=808), "09120000608")


async def test_switching_language_replaces_the_keyboard(harness: Harness) -> None:
    user = await manager(harness)
    assert last_menu(harness)[0][0] == fa(harness, "menu-inbox")
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-more")))
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-lang")))
    await harness.send(harness.updates.callback(user, "lang:en:0", message_id=77))
    en = harness.translator.get
    assert harness.last_text() == en("en", "lang-set")
    # The main keyboard, in English, not the «more» page in Persian.
    assert last_menu(harness)[0] == [en("en", "menu-inbox"), en("en", "menu-resolutions")]
    assert last_menu(harness)[-1][-1] == en("en", "menu-more")
    # The language buttons are gone from the question.
    dropped = [r for r in harness.tg_session.requests if isinstance(r, EditMessageReplyMarkup)]
    assert dropped and dropped[-1].message_id == 77 and dropped[-1].reply_markup is None
    # The old Persian buttons still work.
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-members")))
    assert harness.last_text().startswith(en("en", "members-title", name="دولت‌آباد"))


async def test_the_new_buttons_open_their_commands(harness: Harness) -> None:
    """«استعلام کارت» for everyone, «برنامه‌ها» and «دوره‌ها» for officials and managers."""
    boss = await as_manager(harness)
    await harness.send(harness.updates.message(boss, text=fa(harness, "menu-verify")))
    assert harness.last_text() == fa(harness, "verify-ask")
    await harness.send(harness.updates.message(boss, text=fa(harness, "menu-plan")))
    assert harness.last_text() == fa(harness, "plan-none-keeper")
    await harness.send(harness.updates.message(boss, text=harness.translator.get("en", "menu-courses")))
    assert harness.last_text() == fa(harness, "course-none")
