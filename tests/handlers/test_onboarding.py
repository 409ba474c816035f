"""/start, /lang, /help, /cancel and onboarding through the real Dispatcher."""

from __future__ import annotations

import pytest
from aiogram.client.default import Default
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Sticker, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.platforms import make_bot
from models import Account, InboxUpdate, Person, Platform, Role, RoleAssignment
from tests.handlers.conftest import Harness, add_neighbourhood, count, resident, seat_member


async def test_start_greets_in_persian_and_asks_for_language(harness: Harness) -> None:
    await harness.send(harness.updates.message(resident(), text="/start"))
    texts = harness.tg_session.sent_texts()
    assert texts[0] == harness.translator.get("fa", "start-welcome", name="Zahra")
    assert texts[1] == harness.translator.get("fa", "lang-choose")
    keyboard = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    assert [b.callback_data for b in keyboard.inline_keyboard[0]] == ["lang:fa:1", "lang:en:1"]


async def test_english_language_code_is_followed_until_a_choice_is_stored(harness: Harness) -> None:
    await harness.send(harness.updates.message(resident(language_code="en-US"), text="/help"))
    assert harness.last_text().startswith("Mahalleyar help")


async def test_language_choice_is_stored_and_onboarding_asks_for_the_contact(harness: Harness) -> None:
    user = resident()
    await harness.send(harness.updates.message(user, text="/start"))
    await harness.send(harness.updates.callback(user, "lang:en:1"))
    assert any(isinstance(r, AnswerCallbackQuery) for r in harness.tg_session.requests)
    assert harness.last_text() == harness.translator.get("en", "onboarding-share-contact")
    markup = harness.tg_session.requests[-1].reply_markup  # type: ignore[attr-defined]
    assert markup.keyboard[0][0].request_contact is True
    async with harness.session_factory() as session:
        assert await session.scalar(select(Account.locale)) == "en"
    # From now on the stored choice wins over the messenger's language.
    await harness.send(harness.updates.message(resident(language_code="fa"), text="/help"))
    assert harness.last_text().startswith("Mahalleyar help")


async def start_until_contact(harness: Harness, user: User) -> None:
    await harness.send(harness.updates.message(user, text="/start"))
    await harness.send(harness.updates.callback(user, "lang:fa:1"))


async def test_own_contact_registers_the_person(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.contact(user, "+98 912 345 6789", contact_user_id=user.id))
    assert harness.last_text().startswith(
        harness.translator.get("fa", "onboarding-linked", phone="09123456789")
    )
    async with harness.session_factory() as session:
        person = await session.scalar(select(Person))
        assert person is not None and person.phone == "+989123456789"
        assert await session.scalar(select(Account.person_id)) == person.id
    # Recognised next time on /start.
    await harness.send(harness.updates.message(user, text="/start"))
    assert harness.last_text().startswith(harness.translator.get("fa", "start-welcome-back", name="Zahra"))


async def test_admin_phone_gets_the_admin_role(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.contact(user, "989120000001", contact_user_id=user.id))
    async with harness.session_factory() as session:
        roles = list(await session.scalars(select(RoleAssignment.role)))
    assert roles == [Role.ADMIN]
    assert harness.translator.get("fa", "role-admin") in harness.last_text()


async def test_someone_elses_contact_is_refused_and_nothing_saved(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.contact(user, "09123456789", contact_user_id=999))
    assert harness.last_text() == harness.translator.get("fa", "onboarding-contact-not-own")
    await harness.send(harness.updates.contact(user, "09123456789", contact_user_id=None))
    assert harness.last_text() == harness.translator.get("fa", "onboarding-contact-not-own")
    assert await count(harness.session_factory, Person) == 0


async def test_invalid_number_is_refused(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.contact(user, "12", contact_user_id=user.id))
    assert harness.last_text() == harness.translator.get("fa", "onboarding-invalid-phone")
    assert await count(harness.session_factory, Person) == 0


async def test_text_or_sticker_where_a_contact_is_asked_keeps_the_conversation(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.message(user, text="۰۹۱۲۳۴۵۶۷۸۹"))
    assert harness.last_text() == harness.translator.get("fa", "onboarding-contact-expected")
    sticker = Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
    )
    await harness.send(harness.updates.message(user, sticker=sticker))
    assert harness.last_text() == harness.translator.get("fa", "onboarding-contact-expected")
    await harness.send(harness.updates.contact(user, "09123456789", contact_user_id=user.id))
    assert await count(harness.session_factory, Person) == 1


async def test_sticker_outside_any_flow_gets_a_clear_answer(harness: Harness) -> None:
    sticker = Sticker(
        file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
    )
    await harness.send(harness.updates.message(resident(), sticker=sticker))
    assert harness.last_text() == harness.translator.get("fa", "error-unsupported-input")


async def test_cancel_clears_the_flow(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.message(user, text="/cancel"))
    assert harness.last_text() == harness.translator.get("fa", "cancel-done")
    await harness.send(harness.updates.message(user, text="hello"))
    assert harness.last_text() == harness.translator.get("fa", "talk-hello")
    await harness.send(harness.updates.message(user, text="/cancel"))
    assert harness.last_text() == harness.translator.get("fa", "cancel-nothing")


async def test_duplicated_update_is_handled_once(harness: Harness) -> None:
    update = harness.updates.message(resident(), text="/help")
    await harness.send(update)
    await harness.send(update)
    assert len(harness.tg_session.sent_texts()) == 1
    assert await count(harness.session_factory, InboxUpdate) == 1
    # The same update id on the other bot is a different update.
    await harness.send(update, bot=harness.bale)
    assert len(harness.bale_session.sent_texts()) == 1


async def test_same_user_id_on_telegram_and_bale_do_not_share_state(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)  # on Telegram: waiting for the contact
    await harness.send(harness.updates.message(user, text="hello"), bot=harness.bale)
    assert harness.last_text(harness.bale_session) == harness.translator.get("fa", "talk-hello")
    async with harness.session_factory() as session:
        platforms = set(await session.scalars(select(Account.platform)))
    assert platforms == {Platform.TELEGRAM, Platform.BALE}


async def test_a_failing_handler_apologises_in_the_users_language(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("handlers.start.set_locale", broken)
    user = resident(language_code="en")
    await harness.send(harness.updates.message(user, text="/start"))
    await harness.send(harness.updates.callback(user, "lang:fa:1"))
    assert harness.last_text() == harness.translator.get("en", "error-generic")
    assert all("Traceback" not in text and "fire" not in text for text in harness.tg_session.sent_texts())


async def test_no_parse_mode_is_ever_used(harness: Harness) -> None:
    user = resident()
    await start_until_contact(harness, user)
    sends = [r for r in harness.tg_session.requests if isinstance(r, SendMessage)]
    # Handlers never ask for one explicitly (Default means "the bot's default", which is none).
    assert sends and all(r.parse_mode is None or isinstance(r.parse_mode, Default) for r in sends)
    assert make_bot("1:x", "http://127.0.0.1:9").default.parse_mode is None


async def resident_neighbourhoods(session_factory: async_sessionmaker[AsyncSession]) -> list[int]:
    async with session_factory() as session:
        return list(
            await session.scalars(select(RoleAssignment.scope_id).where(RoleAssignment.role == Role.RESIDENT))
        )


async def test_deep_link_joins_after_onboarding(harness: Harness) -> None:
    await add_neighbourhood(harness.session_factory)
    user = resident()
    await harness.send(harness.updates.message(user, text="/start n_1001"))
    await harness.send(harness.updates.callback(user, "lang:fa:1"))
    await harness.send(harness.updates.contact(user, "09123456789", contact_user_id=user.id))
    assert harness.tg_session.sent_texts()[-2] == harness.translator.get("fa", "join-done", name="دولت‌آباد")
    assert len(await resident_neighbourhoods(harness.session_factory)) == 1
    # The link again: already a resident, nothing duplicated.
    await harness.send(harness.updates.message(user, text="/start n_1001"))
    assert harness.tg_session.sent_texts()[-2] == harness.translator.get(
        "fa", "join-already", name="دولت‌آباد"
    )
    assert len(await resident_neighbourhoods(harness.session_factory)) == 1


async def test_unknown_neighbourhood_link_is_explained(harness: Harness) -> None:
    await add_neighbourhood(harness.session_factory)
    user = resident()
    await start_until_contact(harness, user)
    await harness.send(harness.updates.contact(user, "09123456789", contact_user_id=user.id))
    await harness.send(harness.updates.message(user, text="/start n_9999"))
    assert harness.last_text() == harness.translator.get("fa", "join-unknown-link")
    assert await resident_neighbourhoods(harness.session_factory) == []


async def test_pre_registered_committee_head_is_recognised_on_bale(harness: Harness) -> None:
    from models import CommitteeKey, Neighbourhood

    await add_neighbourhood(harness.session_factory)
    async with harness.session_factory() as session:
        neighbourhood = await session.scalar(select(Neighbourhood))
        assert neighbourhood is not None
    await seat_member(
        harness.session_factory,
        "09121110004",
        "علی رضایی",
        neighbourhood_id=neighbourhood.id,
        committees=[CommitteeKey.HEALTH],
        head_of=CommitteeKey.HEALTH,
    )
    user = resident(user_id=77)
    await harness.send(harness.updates.message(user, text="/start"), bot=harness.bale)
    await harness.send(harness.updates.callback(user, "lang:fa:1"), bot=harness.bale)
    await harness.send(harness.updates.contact(user, "+989121110004", contact_user_id=77), bot=harness.bale)
    text = harness.last_text(harness.bale_session)
    assert harness.translator.get("fa", "role-committee_head") in text
    assert harness.translator.get("fa", "role-council_member") in text
    assert await count(harness.session_factory, Person) == 1
