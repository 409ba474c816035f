"""/join through the real Dispatcher: finding one's neighbourhood by name and joining it."""

from __future__ import annotations

from aiogram.types import Sticker, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import County, Neighbourhood, NeighbourhoodKind, Province, Role, RoleAssignment
from tests.handlers.conftest import Harness, add_neighbourhood, count, resident
from tests.handlers.test_council import onboard

STICKER = Sticker(
    file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
)


async def add_regions(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """دولت‌آباد in Rey (code 1001, from `add_neighbourhood`), a namesake in Kermanshah, and two more."""
    await add_neighbourhood(session_factory)
    async with session_factory() as session, session.begin():
        rey = await session.scalar(select(County).where(County.name == "ری"))
        assert rey is not None
        session.add(Neighbourhood(county=rey, name="کوی فردوس", code="1002", kind=NeighbourhoodKind.URBAN))
        kermanshah = County(province=Province(name="کرمانشاه"), name="کرمانشاه")
        session.add(
            Neighbourhood(county=kermanshah, name="دولت‌آباد", code="2001", kind=NeighbourhoodKind.RURAL)
        )
        session.add(Neighbourhood(county=kermanshah, name="نارمک", code="2002", kind=NeighbourhoodKind.URBAN))


async def registered(harness: Harness, user_id: int = 800) -> User:
    await add_regions(harness.session_factory)
    user = resident(user_id=user_id)
    await onboard(harness, user, "09125550001")
    return user


def last_buttons(harness: Harness) -> list[tuple[str, str]]:
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if getattr(r, "reply_markup", None) is not None
    )
    return [(button.text, button.callback_data) for row in markup.inline_keyboard for button in row]


async def residence(harness: Harness) -> list[str]:
    """Codes of the neighbourhoods where someone is a resident."""
    async with harness.session_factory() as session:
        rows = await session.scalars(
            select(Neighbourhood.code)
            .join(RoleAssignment, RoleAssignment.scope_id == Neighbourhood.id)
            .where(RoleAssignment.role == Role.RESIDENT)
        )
        return list(rows)


async def test_join_by_a_misspelt_name_offers_both_namesakes_with_their_county(harness: Harness) -> None:
    user = await registered(harness)
    t = harness.translator
    await harness.send(harness.updates.message(user, text="/join"))
    assert harness.last_text() == t.get("fa", "join-ask-name")
    # No ZWNJ, no space, and a letter missing: still found.
    await harness.send(harness.updates.message(user, text="دولتآبد"))
    assert harness.last_text() == t.get("fa", "join-pick")
    buttons = last_buttons(harness)
    assert ("دولت‌آباد — ری", "jn:1001") in buttons
    assert ("دولت‌آباد — کرمانشاه", "jn:2001") in buttons
    assert buttons[-1] == (t.get("fa", "join-button-search-again"), "jn_again")
    assert await residence(harness) == []
    await harness.send(harness.updates.callback(user, "jn:1001"))
    assert harness.tg_session.sent_texts()[-2:] == [
        t.get("fa", "join-done", name="دولت‌آباد"),
        t.get("fa", "talk-what-next"),
    ]
    assert await residence(harness) == ["1001"]
    # The flow is over: a later text is not taken as a search.
    await harness.send(harness.updates.message(user, text="نارمک"))
    assert harness.last_text() == t.get("fa", "talk-hello")


async def test_join_with_the_name_in_the_command_and_arabic_letters(harness: Harness) -> None:
    user = await registered(harness)
    await harness.send(harness.updates.message(user, text="/join كوي فردوس"))  # Arabic kaf and yeh
    assert last_buttons(harness)[0] == ("کوی فردوس — ری", "jn:1002")
    await harness.send(harness.updates.callback(user, "jn:1002"))
    assert harness.tg_session.sent_texts()[-2] == harness.translator.get("fa", "join-done", name="کوی فردوس")
    # Joining again says so instead of pretending something changed.
    await harness.send(harness.updates.message(user, text="/join ۱۰۰۲"))  # the code, in Persian digits
    assert ("کوی فردوس — ری", "jn:1002") in last_buttons(harness)
    await harness.send(harness.updates.callback(user, "jn:1002"))
    assert harness.tg_session.sent_texts()[-2] == harness.translator.get(
        "fa", "join-already", name="کوی فردوس"
    )
    assert await residence(harness) == ["1002"]


async def test_bad_input_is_answered_and_the_search_goes_on(harness: Harness) -> None:
    user = await registered(harness)
    t = harness.translator
    await harness.send(harness.updates.message(user, text="/join"))
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == t.get("fa", "join-name-expected")
    await harness.send(harness.updates.message(user, text="ب" * 5000))
    assert harness.last_text() == t.get("fa", "join-name-too-long", limit=150)
    await harness.send(harness.updates.message(user, text="زززززز"))
    assert harness.last_text() == t.get("fa", "join-no-match", query="زززززز")
    await harness.send(harness.updates.message(user, text="؟!"))
    assert harness.last_text() == t.get("fa", "join-ask-name")
    # Still searching after all that.
    await harness.send(harness.updates.message(user, text="نارمك"))
    assert last_buttons(harness)[0] == ("نارمک — کرمانشاه", "jn:2002")
    await harness.send(harness.updates.callback(user, "jn_again"))
    assert harness.last_text() == t.get("fa", "join-ask-name")
    await harness.send(harness.updates.message(user, text="دولت آباد ری"))
    assert harness.last_text() == t.get("fa", "join-pick")
    assert await residence(harness) == []


async def test_cancel_ends_the_search(harness: Harness) -> None:
    user = await registered(harness)
    await harness.send(harness.updates.message(user, text="/join"))
    await harness.send(harness.updates.message(user, text="/cancel"))
    assert harness.last_text() == harness.translator.get("fa", "cancel-done")
    await harness.send(harness.updates.message(user, text="نارمک"))
    assert harness.last_text() == harness.translator.get("fa", "talk-hello")


async def test_a_removed_neighbourhood_asks_for_the_name_again(harness: Harness) -> None:
    user = await registered(harness)
    await harness.send(harness.updates.callback(user, "jn:9999"))
    assert harness.last_text() == harness.translator.get("fa", "join-choice-gone")
    await harness.send(harness.updates.message(user, text="نارمک"))
    assert last_buttons(harness)[0][1] == "jn:2002"
    assert await residence(harness) == []


async def test_an_unregistered_person_is_sent_to_start_first(harness: Harness) -> None:
    await add_regions(harness.session_factory)
    stranger = resident(user_id=900)
    await harness.send(harness.updates.message(stranger, text="/join دولت‌آباد"))
    assert harness.last_text() == harness.translator.get("fa", "join-register-first")
    # A forged button does nothing either.
    await harness.send(harness.updates.callback(stranger, "jn:1001"))
    assert await count(harness.session_factory, RoleAssignment) == 0


async def test_join_speaks_english_to_english_users(harness: Harness) -> None:
    await add_regions(harness.session_factory)
    user = resident(user_id=801)
    await harness.send(harness.updates.message(user, text="/start"))
    await harness.send(harness.updates.callback(user, "lang:en:1"))
    await harness.send(harness.updates.contact(user, "09125550002", contact_user_id=user.id))
    await harness.send(harness.updates.message(user, text="/join xyzzy"))
    assert harness.last_text() == harness.translator.get("en", "join-no-match", query="xyzzy")
