"""/liaisons through the real Dispatcher: a county official sees every agency with its liaison and
names or replaces one (phone or contact, name, confirm); a province official picks the county;
nobody else gets in, by command or by a forged button."""

from __future__ import annotations

from typing import Any

from aiogram.types import User
from sqlalchemy import select

from models import County, Liaison, Person, Province, Role, ScopeKind
from services.authz import OPERATOR
from services.council import list_agencies
from services.roles import NAME_MAX_LENGTH, grant_role
from tests.handlers.conftest import Harness, add_varamin, count, fa, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard
from tests.handlers.test_join import STICKER, add_regions, last_buttons


async def regions(harness: Harness) -> dict[str, int]:
    """Rey (دولت‌آباد 1001, کوی فردوس 1002) and Varamin (قلعه‌نو 3001) in Tehran; Kermanshah apart."""
    await add_regions(harness.session_factory)
    await add_varamin(harness.session_factory)
    async with harness.session_factory() as session:
        ids = {c.name: c.id for c in await session.scalars(select(County))}
        ids |= {p.name: p.id for p in await session.scalars(select(Province))}
    return ids


async def official(
    harness: Harness, user_id: int, phone: str, role: Role, kind: ScopeKind, where: str | None, **grant: Any
) -> User:
    """Someone given `role` over `where` by the operator (`grant`: `grant_role`'s province and
    agency), who then opens the bot and shares their contact."""
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=phone,
            role=role,
            scope_kind=kind,
            scope_name_or_code=where,
            now=NOW,
            **grant,
        )
    user = resident(user_id=user_id)
    await onboard(harness, user, phone)
    return user


async def county_official(harness: Harness, where: str = "ری", user_id: int = 520) -> User:
    return await official(
        harness, user_id, f"091200005{user_id % 100:02d}", Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, where
    )


async def liaisons_in(harness: Harness) -> list[tuple[str, str, str | None]]:
    """(county, phone, name) of every liaison saved."""
    async with harness.session_factory() as session:
        rows = await session.execute(
            select(County.name, Person.phone, Person.full_name)
            .join(Liaison, Liaison.county_id == County.id)
            .join(Person, Person.id == Liaison.person_id)
            .order_by(Liaison.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_county_official_names_then_replaces_a_liaison(harness: Harness) -> None:
    ids = await regions(harness)
    user = await county_official(harness)
    async with harness.session_factory() as session:
        agencies = await list_agencies(session)
    rey = ids["ری"]

    await harness.send(harness.updates.message(user, text="/liaisons"))
    text = harness.last_text()
    assert text.startswith(fa(harness, "liaisons-title", county="ری"))
    for agency in agencies:
        assert fa(harness, "liaisons-line-empty", agency=agency.name_fa) in text
    assert [data for _, data in last_buttons(harness)] == [f"li_ag:{rey}:{a.key}" for a in agencies]

    await harness.send(harness.updates.callback(user, f"li_ag:{rey}:police"))
    assert harness.last_text() == fa(harness, "liaisons-ask-phone", agency="فرماندهی انتظامی", county="ری")
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == fa(harness, "member-bad-phone")
    await harness.send(harness.updates.message(user, text="0912"))
    assert harness.last_text() == fa(harness, "member-bad-phone")
    await harness.send(harness.updates.message(user, text="۰۹۱۲۱۱۱۰۰۱۰"))
    assert harness.last_text() == fa(harness, "liaisons-ask-name")
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == fa(harness, "member-bad-name", limit=NAME_MAX_LENGTH)
    await harness.send(harness.updates.message(user, text="احمد  كاظمي"))
    assert harness.last_text() == fa(
        harness,
        "liaisons-summary",
        agency="فرماندهی انتظامی",
        county="ری",
        name="احمد کاظمی",
        phone="09121110010",
    )
    await harness.send(harness.updates.message(user, text="بله"))  # typed where a button is expected
    assert harness.last_text().startswith(fa(harness, "council-use-buttons") + "\n\n")  # asked again below
    assert await liaisons_in(harness) == []  # nothing saved before the confirmation
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    texts = harness.tg_session.sent_texts()
    assert texts[-2] == fa(
        harness, "liaisons-saved", name="احمد کاظمی", agency="فرماندهی انتظامی", county="ری"
    )
    assert (
        fa(harness, "liaisons-line", agency="فرماندهی انتظامی", name="احمد کاظمی", phone="09121110010")
        in texts[-1]
    )
    assert await liaisons_in(harness) == [("ری", "+989121110010", "احمد کاظمی")]

    # Replaced by a shared contact, whose name is offered as the answer.
    await harness.send(harness.updates.callback(user, f"li_ag:{rey}:police"))
    await harness.send(harness.updates.contact(user, "+989121110011", contact_user_id=None))
    assert harness.last_text() == fa(harness, "liaisons-ask-name")
    assert last_buttons(harness) == [(fa(harness, "liaisons-button-use-name", name="Zahra"), "li_nm")]
    await harness.send(harness.updates.callback(user, "li_nm"))
    assert harness.last_text().endswith(fa(harness, "liaisons-replaces", name="احمد کاظمی"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert await liaisons_in(harness) == [("ری", "+989121110011", "Zahra")]


async def test_a_province_official_picks_the_county(harness: Harness) -> None:
    ids = await regions(harness)
    user = await official(harness, 530, "09120000530", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران")
    await harness.send(harness.updates.message(user, text="/liaisons"))
    assert harness.last_text() == fa(harness, "liaisons-pick-county")
    assert last_buttons(harness) == [("ری", f"li_cty:{ids['ری']}"), ("ورامین", f"li_cty:{ids['ورامین']}")]
    await harness.send(harness.updates.callback(user, f"li_cty:{ids['ورامین']}"))
    assert harness.last_text().startswith(fa(harness, "liaisons-title", county="ورامین"))
    await harness.send(harness.updates.callback(user, f"li_ag:{ids['ورامین']}:education"))
    await harness.send(harness.updates.message(user, text="09121110020"))
    await harness.send(harness.updates.message(user, text="مینا احمدی"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert await liaisons_in(harness) == [("ورامین", "+989121110020", "مینا احمدی")]
    # Kermanshah is not theirs.
    await harness.send(harness.updates.callback(user, f"li_cty:{ids['کرمانشاه']}"))
    assert harness.last_text() == fa(harness, "liaisons-not-allowed")


async def test_an_admin_picks_the_province_first(harness: Harness) -> None:
    ids = await regions(harness)
    user = resident(user_id=540)
    await onboard(harness, user, "09120000001")  # ADMIN_PHONES in the harness
    await harness.send(harness.updates.message(user, text="/liaisons"))
    assert harness.last_text() == fa(harness, "liaisons-pick-province")
    assert sorted(data for _, data in last_buttons(harness)) == sorted(
        f"li_prv:{ids[name]}" for name in ("تهران", "کرمانشاه")
    )
    await harness.send(harness.updates.callback(user, f"li_prv:{ids['کرمانشاه']}"))
    assert last_buttons(harness) == [("کرمانشاه", f"li_cty:{ids['کرمانشاه']}")]


async def test_cancel_in_the_middle_saves_nothing(harness: Harness) -> None:
    ids = await regions(harness)
    user = await county_official(harness)
    await harness.send(harness.updates.callback(user, f"li_ag:{ids['ری']}:welfare"))
    await harness.send(harness.updates.message(user, text="09121110010"))
    await harness.send(harness.updates.message(user, text="/cancel"))
    assert harness.last_text() == fa(harness, "cancel-done")
    await harness.send(harness.updates.message(user, text="احمد کاظمی"))
    assert harness.last_text() == fa(harness, "talk-staff-hint")  # outside any form (handlers/talk.py)
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    await harness.send(harness.updates.callback(user, f"li_ag:{ids['ری']}:welfare"))
    await harness.send(harness.updates.message(user, text="09121110010"))
    await harness.send(harness.updates.message(user, text="احمد کاظمی"))
    await harness.send(harness.updates.callback(user, "cm_ok:0"))
    assert harness.last_text() == fa(harness, "cancel-done")
    assert await liaisons_in(harness) == []


async def test_only_the_countys_officials_get_in(harness: Harness) -> None:
    ids = await regions(harness)
    rey = ids["ری"]
    # A manager and a resident: refused, by command and by a forged button.
    boss = await manager_of_1002(harness)
    neighbour = resident(user_id=610)
    await onboard(harness, neighbour, "09125550000")
    await harness.send(harness.updates.message(neighbour, text="/start n_1001"))
    for user in (boss, neighbour):
        await harness.send(harness.updates.message(user, text="/liaisons"))
        assert harness.last_text() == fa(harness, "liaisons-not-official")
        await harness.send(harness.updates.callback(user, f"li_ag:{rey}:police"))
        assert getattr(harness.tg_session.requests[-1], "text", None) == fa(harness, "liaisons-not-allowed")
        await harness.send(harness.updates.message(user, text="09121110010"))
        assert harness.last_text() == fa(harness, "talk-hello")  # a number alone, outside any form
    # Kermanshah's county official sees Kermanshah only.
    other = await county_official(harness, where="کرمانشاه", user_id=521)
    await harness.send(harness.updates.message(other, text="/liaisons"))
    assert harness.last_text().startswith(fa(harness, "liaisons-title", county="کرمانشاه"))
    await harness.send(harness.updates.callback(other, f"li_cty:{rey}"))
    assert harness.last_text() == fa(harness, "liaisons-not-allowed")
    await harness.send(harness.updates.callback(other, f"li_ag:{rey}:police"))
    assert getattr(harness.tg_session.requests[-1], "text", None) == fa(harness, "liaisons-not-allowed")
    await harness.send(harness.updates.message(other, text="09121110010"))
    assert harness.last_text() == fa(harness, "talk-hello")  # a number alone, outside any form
    # An unknown agency in a forged button starts nothing either.
    await harness.send(harness.updates.callback(other, f"li_ag:{ids['کرمانشاه']}:no_such"))
    assert getattr(harness.tg_session.requests[-1], "text", None) == fa(harness, "liaisons-unknown-agency")
    assert await count(harness.session_factory, Liaison) == 0


async def manager_of_1002(harness: Harness) -> User:
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000011",
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1002",
            now=NOW,
        )
    user = resident(user_id=500)
    await onboard(harness, user, "09120000011")
    return user


async def test_every_menu_button_of_an_official_answers(harness: Harness) -> None:
    await regions(harness)
    user = await county_official(harness)
    menu = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    labels = [button.text for row in menu.keyboard for button in row]
    assert fa(harness, "menu-liaisons") in labels and fa(harness, "menu-report") in labels
    apology, unknown = fa(harness, "error-generic"), fa(harness, "error-unsupported-input")
    for label in labels:
        before = len(harness.tg_session.sent_texts())
        await harness.send(harness.updates.message(user, text=label))
        answers = harness.tg_session.sent_texts()[before:]
        assert answers and apology not in answers and unknown not in answers, label
    # The menu button works in the middle of a form that asks for text.
    await harness.send(harness.updates.message(user, text="/profile"))
    assert harness.last_text() == fa(harness, "profile-ask-neighbourhood")
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-liaisons")))
    assert harness.last_text().startswith(fa(harness, "liaisons-title", county="ری"))


async def test_a_manager_has_no_liaison_button(harness: Harness) -> None:
    await manager(harness)
    menu = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    labels = [button.text for row in menu.keyboard for button in row]
    assert fa(harness, "menu-liaisons") not in labels and fa(harness, "menu-report") not in labels
