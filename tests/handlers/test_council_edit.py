"""Editing a council member from /members, through the real Dispatcher: pick a field, give the new
value, see the summary, confirm. Nothing is saved before the confirmation; bad values are explained
and the form goes on; another neighbourhood's member cannot be reached with a forged button."""

from __future__ import annotations

from aiogram.types import User
from sqlalchemy import select

from models import AuditEntry, CommitteeMembership, CouncilMember, Neighbourhood, Person
from services.roles import NAME_MAX_LENGTH
from tests.handlers.conftest import Harness, fa, neighbourhood_id, resident, seat_member
from tests.handlers.test_council import last_keyboard, manager, onboard
from tests.handlers.test_join import STICKER

VALID_NATIONAL_CODE = "0499370899"


async def add_member(harness: Harness, phone: str, name: str, code: str = "1001", **kwargs: object) -> int:
    return await seat_member(
        harness.session_factory, phone, name, neighbourhood_id=await neighbourhood_id(harness, code), **kwargs
    )


async def stored(
    harness: Harness, member_id: int
) -> tuple[str, str | None, str, str | None, list[tuple[str, bool]]]:
    """(phone, name, position, national code, [(committee, is head)]) as saved."""
    async with harness.session_factory() as session:
        member = await session.get(CouncilMember, member_id)
        assert member is not None
        person = await session.get(Person, member.person_id)
        assert person is not None
        seats = await session.scalars(
            select(CommitteeMembership)
            .where(CommitteeMembership.council_member_id == member_id)
            .order_by(CommitteeMembership.committee)
        )
        return (
            person.phone,
            person.full_name,
            member.position.value,
            member.national_code,
            [(s.committee.value, s.is_head) for s in seats],
        )


async def open_edit(harness: Harness, user: User, member_id: int) -> None:
    """/members, then the member's edit button as it is on the list."""
    await harness.send(harness.updates.message(user, text="/members"))
    buttons = [data for row in last_keyboard(harness) for data in row]
    assert f"cm_edit:{member_id}" in buttons and f"cm_off:{member_id}" in buttons
    await harness.send(harness.updates.callback(user, f"cm_edit:{member_id}"))


async def test_the_manager_edits_name_phone_and_national_code_and_saves_once(harness: Harness) -> None:
    user = await manager(harness)
    member_id = await add_member(harness, "09121110001", "علی رضایی", head_of="health")
    before = await stored(harness, member_id)
    await open_edit(harness, user, member_id)
    assert harness.last_text() == fa(harness, "member-edit-choose", name="علی رضایی")
    assert last_keyboard(harness) == [
        ["cm_fld:name"],
        ["cm_fld:phone"],
        ["cm_fld:position"],
        ["cm_fld:committees"],
        ["cm_fld:national_code"],
        ["cm_fld:cancel"],
    ]

    await harness.send(harness.updates.callback(user, "cm_fld:name"))
    assert harness.last_text() == fa(harness, "member-edit-ask-name", name="علی رضایی")
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == fa(harness, "member-bad-name", limit=NAME_MAX_LENGTH)
    await harness.send(harness.updates.message(user, text="ك"))
    assert harness.last_text() == fa(harness, "member-bad-name", limit=NAME_MAX_LENGTH)
    await harness.send(harness.updates.message(user, text="علي  رضايي‌فر"))  # Arabic ي, doubled space
    text = harness.last_text()
    assert "علی رضایی‌فر" in text
    assert text.endswith(fa(harness, "member-edit-changed", fields=fa(harness, "member-field-name")))
    assert await stored(harness, member_id) == before  # nothing saved before the confirmation

    await harness.send(harness.updates.callback(user, "cm_fld:more"))
    assert harness.last_text() == fa(harness, "member-edit-choose", name="علی رضایی‌فر")
    await harness.send(harness.updates.callback(user, "cm_fld:phone"))
    await harness.send(harness.updates.message(user, text="۰۹۱۲۳"))
    assert harness.last_text() == fa(harness, "member-bad-phone")
    # The member's contact, shared from the phone book.
    await harness.send(harness.updates.contact(user, "+98 912 111 0009", contact_user_id=None))
    assert "۰۹۱۲۱۱۱۰۰۰۹" in harness.last_text()

    await harness.send(harness.updates.callback(user, "cm_fld:more"))
    await harness.send(harness.updates.callback(user, "cm_fld:national_code"))
    assert harness.last_text() == fa(harness, "member-edit-ask-national-code", name="علی رضایی‌فر")
    await harness.send(harness.updates.message(user, text="1234567890"))
    assert harness.last_text() == fa(harness, "member-edit-bad-national-code")
    assert last_keyboard(harness) == [["cm_nc"]]
    await harness.send(harness.updates.message(user, text="۰۴۹۹۳۷۰۸۹۹"))
    fields = ("member-field-name", "member-field-phone", "member-field-national_code")
    assert harness.last_text().endswith(
        fa(harness, "member-edit-changed", fields="، ".join(fa(harness, f) for f in fields))
    )
    assert await stored(harness, member_id) == before

    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(harness, "member-edited", name="علی رضایی‌فر")
    # The seat moved to the corrected number; position and head seat are as they were.
    assert await stored(harness, member_id) == (
        "+989121110009",
        "علی رضایی‌فر",
        "member",
        VALID_NATIONAL_CODE,
        [("health", True)],
    )
    async with harness.session_factory() as session:
        audits = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "council.edit_member"))
        )
    assert len(audits) == 1 and audits[0].target_id == member_id


async def test_a_taken_head_seat_or_position_sends_the_form_back_to_that_choice(harness: Harness) -> None:
    user = await manager(harness)
    await add_member(harness, "09121110001", "علی رضایی", head_of="health", position="chair")
    member_id = await add_member(harness, "09121110002", "رضا محمدی", committees=["culture"])
    before = await stored(harness, member_id)
    await open_edit(harness, user, member_id)

    await harness.send(harness.updates.callback(user, "cm_fld:committees"))
    assert harness.last_text() == fa(harness, "member-ask-committees", name="رضا محمدی")
    assert last_keyboard(harness)[3] == ["cm_com:culture"]  # the member's committees come ticked
    await harness.send(harness.updates.message(user, text="بهداشت"))  # typed where a button is expected
    assert harness.last_text().startswith(fa(harness, "council-use-buttons") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(user, "cm_com:health"))
    await harness.send(harness.updates.callback(user, "cm_com:culture"))  # off again
    await harness.send(harness.updates.callback(user, "cm_com:done"))
    assert last_keyboard(harness) == [["cm_head:health"], ["cm_head:none"]]
    await harness.send(harness.updates.callback(user, "cm_head:health"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(
        harness, "member-head-taken", committee=fa(harness, "committee-health"), holder="علی رضایی"
    )
    assert last_keyboard(harness) == [["cm_head:health"], ["cm_head:none"]]
    assert await stored(harness, member_id) == before

    await harness.send(harness.updates.callback(user, "cm_head:none"))
    await harness.send(harness.updates.callback(user, "cm_fld:more"))
    await harness.send(harness.updates.callback(user, "cm_fld:position"))
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text().startswith(fa(harness, "council-use-buttons") + "\n\n")  # asked again below
    await harness.send(harness.updates.callback(user, "cm_pos:chair"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(
        harness, "member-position-taken", position=fa(harness, "position-chair"), holder="علی رضایی"
    )
    assert await stored(harness, member_id) == before
    await harness.send(harness.updates.callback(user, "cm_pos:secretary"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(harness, "member-edited", name="رضا محمدی")
    assert await stored(harness, member_id) == (
        "+989121110002",
        "رضا محمدی",
        "secretary",
        None,
        [("health", False)],
    )


async def test_a_number_of_another_member_is_refused_and_another_can_be_given(harness: Harness) -> None:
    user = await manager(harness)
    await add_member(harness, "09121110001", "علی رضایی")
    member_id = await add_member(harness, "09121110002", "رضا محمدی")
    before = await stored(harness, member_id)
    await open_edit(harness, user, member_id)
    await harness.send(harness.updates.callback(user, "cm_fld:phone"))
    await harness.send(harness.updates.message(user, text="09121110001"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(harness, "member-edit-phone-taken")
    assert await stored(harness, member_id) == before
    await harness.send(harness.updates.message(user, text="09121110003"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(harness, "member-edited", name="رضا محمدی")
    assert (await stored(harness, member_id))[:2] == ("+989121110003", "رضا محمدی")


async def test_cancel_or_the_cancel_button_saves_nothing(harness: Harness) -> None:
    user = await manager(harness)
    member_id = await add_member(harness, "09121110001", "علی رضایی", national_code=VALID_NATIONAL_CODE)
    before = await stored(harness, member_id)
    await open_edit(harness, user, member_id)
    await harness.send(harness.updates.callback(user, "cm_fld:national_code"))
    await harness.send(harness.updates.callback(user, "cm_nc"))  # remove the national code…
    assert fa(harness, "member-field-national_code") in harness.last_text()
    await harness.send(harness.updates.message(user, text="/cancel"))  # …but leave instead
    assert harness.last_text() == fa(harness, "cancel-done")
    await harness.send(harness.updates.callback(user, "cm_ok:1"))  # a stale button
    await harness.send(harness.updates.message(user, text="علی"))
    assert harness.last_text() == fa(harness, "talk-hello")  # outside any form (handlers/talk.py)
    await open_edit(harness, user, member_id)
    await harness.send(harness.updates.callback(user, "cm_fld:name"))
    await harness.send(harness.updates.message(user, text="نام تازه"))
    await harness.send(harness.updates.callback(user, "cm_ok:0"))
    assert harness.last_text() == fa(harness, "cancel-done")
    await open_edit(harness, user, member_id)
    await harness.send(harness.updates.callback(user, "cm_fld:cancel"))
    assert harness.last_text() == fa(harness, "cancel-done")
    assert await stored(harness, member_id) == before


async def test_a_menu_button_in_the_middle_opens_its_command(harness: Harness) -> None:
    user = await manager(harness)
    member_id = await add_member(harness, "09121110001", "علی رضایی")
    await open_edit(harness, user, member_id)
    await harness.send(harness.updates.callback(user, "cm_fld:name"))
    await harness.send(harness.updates.message(user, text=fa(harness, "menu-profile")))
    assert harness.last_text().startswith(fa(harness, "profile-title", name="دولت‌آباد", code="1001"))
    assert (await stored(harness, member_id))[1] == "علی رضایی"


async def test_another_neighbourhoods_member_cannot_be_edited_with_a_forged_button(harness: Harness) -> None:
    user = await manager(harness)
    async with harness.session_factory() as session, session.begin():
        county = await session.scalar(select(Neighbourhood.county_id))
        session.add(Neighbourhood(county_id=county, name="نارمک", code="1003", kind="urban"))
    theirs = await add_member(harness, "09121110001", "علی رضایی", code="1003", head_of="health")
    before = await stored(harness, theirs)
    await harness.send(harness.updates.callback(user, f"cm_edit:{theirs}"))
    answer = harness.tg_session.requests[-1]
    assert getattr(answer, "text", None) == fa(harness, "council-not-manager")
    assert getattr(answer, "show_alert", None) is True
    # No form was opened: what follows is not taken as an edit.
    await harness.send(harness.updates.callback(user, "cm_fld:name"))
    await harness.send(harness.updates.message(user, text="نام دیگر"))
    assert harness.last_text() == fa(harness, "talk-hello")  # outside any form (handlers/talk.py)
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert await stored(harness, theirs) == before
    # Nor by a resident of the member's own neighbourhood.
    neighbour = resident(user_id=650)
    await onboard(harness, neighbour, "09125550000")
    await harness.send(harness.updates.message(neighbour, text="/start n_1003"))
    await harness.send(harness.updates.callback(neighbour, f"cm_edit:{theirs}"))
    assert getattr(harness.tg_session.requests[-1], "text", None) == fa(harness, "council-not-manager")
    assert await stored(harness, theirs) == before
    async with harness.session_factory() as session:
        edits = await session.scalars(select(AuditEntry).where(AuditEntry.action == "council.edit_member"))
        assert list(edits) == []


async def test_a_deactivated_member_cannot_be_edited(harness: Harness) -> None:
    user = await manager(harness)
    member_id = await add_member(harness, "09121110001", "علی رضایی")
    await open_edit(harness, user, member_id)
    await harness.send(harness.updates.callback(user, f"cm_off:{member_id}"))
    # The edit form opened before the deactivation cannot save over it.
    await harness.send(harness.updates.callback(user, "cm_fld:name"))
    await harness.send(harness.updates.message(user, text="نام دیگر"))
    await harness.send(harness.updates.callback(user, "cm_ok:1"))
    assert harness.last_text() == fa(harness, "member-edit-unavailable")
    await harness.send(harness.updates.callback(user, f"cm_edit:{member_id}"))
    assert getattr(harness.tg_session.requests[-1], "text", None) == fa(harness, "member-edit-unavailable")
    assert (await stored(harness, member_id))[1] == "علی رضایی"
