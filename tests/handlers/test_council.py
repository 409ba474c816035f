"""The manager's council tools through the real Dispatcher: /add_member, /members, /invite."""

from __future__ import annotations

from aiogram.types import User
from sqlalchemy import select

from handlers.council import member_name
from models import (
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    Neighbourhood,
    Person,
    Platform,
    Role,
    ScopeKind,
)
from services.authz import OPERATOR
from services.roles import NAME_MAX_LENGTH, grant_role
from tests.handlers.conftest import Harness, add_neighbourhood, count, resident, seat_member
from tests.handlers.harness import NOW

MANAGER_PHONE = "09120000011"


async def onboard(harness: Harness, user: User, phone: str) -> None:
    await harness.send(harness.updates.message(user, text="/start"))
    await harness.send(harness.updates.callback(user, "lang:fa:1"))
    await harness.send(harness.updates.contact(user, phone, contact_user_id=user.id))


async def appoint_manager(harness: Harness) -> None:
    """Neighbourhood 1001, and MANAGER_PHONE its manager (appointed by the operator)."""
    await add_neighbourhood(harness.session_factory)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=MANAGER_PHONE,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            now=NOW,
        )


async def manager(harness: Harness) -> User:
    """The manager of 1001, who has opened the bot and shared their contact."""
    await appoint_manager(harness)
    user = resident(user_id=500)
    await onboard(harness, user, MANAGER_PHONE)
    assert harness.translator.get("fa", "role-manager") in harness.last_text()
    return user


def last_keyboard(harness: Harness) -> list[list[str]]:
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if getattr(r, "reply_markup", None) is not None
    )
    return [[button.callback_data for button in row] for row in markup.inline_keyboard]


async def fill_form(harness: Harness, user: User, name: str, phone: str, head: str) -> None:
    await harness.send(harness.updates.message(user, text="/add_member"))
    await harness.send(harness.updates.message(user, text=name))
    await harness.send(harness.updates.message(user, text=phone))
    await harness.send(harness.updates.callback(user, "cm_pos:member"))
    await harness.send(harness.updates.callback(user, f"cm_com:{head}"))
    await harness.send(harness.updates.callback(user, "cm_com:done"))
    await harness.send(harness.updates.callback(user, f"cm_head:{head}"))


def test_a_typed_name_may_be_as_long_as_the_service_stores() -> None:
    """The forms take a name as long as the service keeps (`services.roles.clean_name`), no longer."""
    longest = "ب" * NAME_MAX_LENGTH
    assert member_name(longest) == longest
    assert member_name(longest + "ب") is None
    assert member_name("ك") is None


async def test_manager_registers_a_committee_head(harness: Harness) -> None:
    user = await manager(harness)
    t = harness.translator
    await harness.send(harness.updates.message(user, text="/add_member"))
    assert harness.last_text() == t.get("fa", "member-ask-name")
    await harness.send(harness.updates.message(user, text="ك"))  # too short, Arabic kaf
    assert harness.last_text() == t.get("fa", "member-bad-name", limit=NAME_MAX_LENGTH)
    await harness.send(harness.updates.message(user, text="مريم  كريمي"))
    assert harness.last_text() == t.get("fa", "member-ask-phone", name="مریم کریمی")
    await harness.send(harness.updates.message(user, text="۰۹۱۲۳"))
    assert harness.last_text() == t.get("fa", "member-bad-phone")
    await harness.send(harness.updates.message(user, text="۰۹۱۲ ۳۴۵ ۶۷۸۹"))
    assert harness.last_text() == t.get("fa", "member-ask-position", name="مریم کریمی")
    await harness.send(harness.updates.callback(user, "cm_pos:member"))
    await harness.send(harness.updates.callback(user, "cm_com:health"))
    await harness.send(harness.updates.callback(user, "cm_com:culture"))
    await harness.send(harness.updates.callback(user, "cm_com:culture"))  # toggled off again
    await harness.send(harness.updates.callback(user, "cm_com:done"))
    assert last_keyboard(harness) == [["cm_head:health"], ["cm_head:none"]]
    await harness.send(harness.updates.callback(user, "cm_head:health"))
    await harness.send(harness.updates.message(user, text="1234567890"))
    assert harness.last_text() == t.get("fa", "member-bad-national-code")
    assert await count(harness.session_factory, CouncilMember) == 0
    await harness.send(harness.updates.callback(user, "cm_nc"))
    assert "مریم کریمی" in harness.last_text() and "۰۹۱۲۳۴۵۶۷۸۹" in harness.last_text()
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text().startswith(t.get("fa", "member-saved", name="مریم کریمی").splitlines()[0])
    async with harness.session_factory() as session:
        seats = list(await session.scalars(select(CommitteeMembership)))
        person = await session.scalar(select(Person).where(Person.phone == "+989123456789"))
    assert [(s.committee, s.is_head) for s in seats] == [(CommitteeKey.HEALTH, True)]
    assert person is not None and person.full_name == "مریم کریمی"


async def test_a_second_head_is_refused_and_the_form_goes_back_to_the_choice(harness: Harness) -> None:
    user = await manager(harness)
    await fill_form(harness, user, "علی رضایی", "09121110001", "health")
    await harness.send(harness.updates.callback(user, "cm_nc"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    await fill_form(harness, user, "رضا محمدی", "09121110002", "health")
    await harness.send(harness.updates.callback(user, "cm_nc"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    expected = harness.translator.get(
        "fa",
        "member-head-taken",
        committee=harness.translator.get("fa", "committee-health"),
        holder="علی رضایی",
    )
    assert harness.last_text() == expected
    assert await count(harness.session_factory, CouncilMember) == 1
    await harness.send(harness.updates.callback(user, "cm_head:none"))
    await harness.send(harness.updates.callback(user, "cm_nc"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert await count(harness.session_factory, CouncilMember) == 2


async def test_cancel_in_the_middle_saves_nothing(harness: Harness) -> None:
    user = await manager(harness)
    await harness.send(harness.updates.message(user, text="/add_member"))
    await harness.send(harness.updates.message(user, text="علی رضایی"))
    await harness.send(harness.updates.message(user, text="/cancel"))
    assert harness.last_text() == harness.translator.get("fa", "cancel-done")
    await harness.send(harness.updates.message(user, text="09121110001"))
    assert await count(harness.session_factory, CouncilMember) == 0


async def test_a_resident_cannot_reach_the_manager_tools(harness: Harness) -> None:
    await add_neighbourhood(harness.session_factory)
    user = resident(user_id=600)
    await onboard(harness, user, "09125550000")
    for command in ("/add_member", "/members", "/invite"):
        await harness.send(harness.updates.message(user, text=command))
        assert harness.last_text() == harness.translator.get("fa", "council-not-manager")
    # A forged button press from an old keyboard does nothing either.
    await harness.send(harness.updates.callback(user, "cm_off:1"))
    assert await count(harness.session_factory, CouncilMember) == 0


async def test_members_list_and_staffing(harness: Harness) -> None:
    user = await manager(harness)
    async with harness.session_factory() as session:
        neighbourhood_id = await session.scalar(select(Neighbourhood.id))
        assert neighbourhood_id is not None
    await seat_member(
        harness.session_factory,
        "09121110003",
        "زهرا احمدی",
        neighbourhood_id=neighbourhood_id,
        committees=[CommitteeKey.HEALTH],
        head_of=CommitteeKey.HEALTH,
    )
    await harness.send(harness.updates.message(user, text="/members"))
    text = harness.last_text()
    assert "زهرا احمدی" in text and "۰۹۱۲۱۱۱۰۰۰۳" in text
    t = harness.translator
    assert (
        t.get("fa", "staffing-line", committee=t.get("fa", "committee-health"), head="زهرا احمدی", count=1)
        in text
    )
    assert (
        t.get(
            "fa",
            "staffing-line",
            committee=t.get("fa", "committee-culture"),
            head=t.get("fa", "staffing-no-head"),
            count=0,
        )
        in text
    )
    member_id = last_keyboard(harness)[0][0].split(":")[1]
    await harness.send(harness.updates.callback(user, f"cm_off:{member_id}"))
    assert harness.last_text() == t.get("fa", "member-deactivated", name="زهرا احمدی")


async def test_invitation_link_is_single_use(harness: Harness) -> None:
    user = await manager(harness)
    await harness.send(harness.updates.message(user, text="/invite"))
    text = harness.last_text()
    link = next(line for line in text.splitlines() if "start=i_" in line)
    assert link.startswith("https://t.me/mahalleyar_bot?start=i_")
    assert "https://t.me/mahalleyar_bot?start=n_1001" in text
    payload = link.split("start=")[1]
    guest = resident(user_id=700)
    await harness.send(harness.updates.message(guest, text=f"/start {payload}"))
    await harness.send(harness.updates.callback(guest, "lang:fa:1"))
    await harness.send(harness.updates.contact(guest, "09127770000", contact_user_id=guest.id))
    t = harness.translator
    assert harness.last_text() == t.get(
        "fa", "invite-accepted", name="دولت‌آباد", position=t.get("fa", "position-member")
    )
    other = resident(user_id=701)
    await onboard(harness, other, "09127770001")
    await harness.send(harness.updates.message(other, text=f"/start {payload}"))
    assert harness.last_text() == t.get("fa", "invite-used")
    await harness.send(harness.updates.message(other, text="/start i_nonsense"))
    assert harness.last_text() == t.get("fa", "invite-unknown")
    assert await count(harness.session_factory, CouncilMember) == 1


async def test_the_manager_gets_a_menu_and_its_buttons_work(harness: Harness) -> None:
    user = await manager(harness)
    t = harness.translator
    menu = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    labels = [button.text for row in menu.keyboard for button in row]
    # Help and the rarer tools are under «بیشتر…» (tests/handlers/test_menu.py).
    assert t.get("fa", "menu-members") in labels and t.get("fa", "menu-more") in labels
    await harness.send(harness.updates.message(user, text=t.get("fa", "menu-add-member")))
    assert harness.last_text() == t.get("fa", "member-ask-name")
    # A menu button (here in English: the keyboard may predate /lang) or a command mid-form
    # is never taken as the member's name.
    await harness.send(harness.updates.message(user, text=t.get("en", "menu-members")))
    assert harness.last_text().startswith(t.get("fa", "members-title", name="دولت‌آباد"))
    await harness.send(harness.updates.message(user, text="/add_member"))
    await harness.send(harness.updates.message(user, text="/invite"))
    assert "start=i_" in harness.last_text()
    await harness.send(harness.updates.message(user, text="علی"))
    # Outside any form: a greeting and what to do, not a form's answer (handlers/talk.py).
    assert harness.last_text() == t.get("fa", "talk-hello")
    assert await count(harness.session_factory, CouncilMember) == 0


async def test_a_resident_menu_has_no_manager_buttons(harness: Harness) -> None:
    await add_neighbourhood(harness.session_factory)
    await onboard(harness, resident(user_id=601), "09125550001")
    menu = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    labels = [button.text for row in menu.keyboard for button in row]
    assert harness.translator.get("fa", "menu-members") not in labels
    assert harness.translator.get("fa", "menu-help") in labels


async def test_every_menu_button_of_a_manager_answers(harness: Harness) -> None:
    from handlers.menu import menu_items
    from services.accounts import RoleGrant, Viewer

    user = await manager(harness)
    viewer = Viewer(
        1, Platform.TELEGRAM, 1, 1, None, None, None, (RoleGrant(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, 1),)
    )
    apology = harness.translator.get("fa", "error-generic")
    unknown = harness.translator.get("fa", "error-unsupported-input")
    for _command, label in menu_items(viewer):
        before = len(harness.tg_session.sent_texts())
        await harness.send(harness.updates.message(user, text=harness.translator.get("fa", label)))
        answers = harness.tg_session.sent_texts()[before:]
        assert answers and apology not in answers and unknown not in answers, label


async def test_english_lists_use_english_commas(harness: Harness) -> None:
    user = await manager(harness)
    await harness.send(harness.updates.callback(user, "lang:en:0"))
    async with harness.session_factory() as session:
        neighbourhood_id = await session.scalar(select(Neighbourhood.id))
        assert neighbourhood_id is not None
    await seat_member(
        harness.session_factory,
        "09121110005",
        "Sara",
        neighbourhood_id=neighbourhood_id,
        committees=[CommitteeKey.HEALTH, CommitteeKey.CULTURE],
    )
    await harness.send(harness.updates.message(user, text="/members"))
    assert "Health & treatment, Cultural affairs" in harness.last_text()
    assert "،" not in harness.last_text()
