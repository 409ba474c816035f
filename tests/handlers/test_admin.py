"""/grant, /revoke and /import_regions through the real Dispatcher: officials appoint people by
phone with buttons limited to their own area, nothing is saved before the confirmation, and the
services refuse whatever the buttons would not have offered; the regions CSV arrives as a
document and is imported whole or not at all."""

from __future__ import annotations

from aiogram.types import Document, InlineKeyboardMarkup, PhotoSize, Sticker, User
from sqlalchemy import delete, select

from models import (
    AuditEntry,
    County,
    Liaison,
    Neighbourhood,
    Person,
    Province,
    Role,
    RoleAssignment,
    ScopeKind,
)
from services.authz import OPERATOR
from services.roles import grant_role, revoke_role
from tests.handlers.conftest import Harness, count, fa, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard
from tests.handlers.test_join import add_regions

ADMIN_PHONE = "09120000001"  # in the harness's ADMIN_PHONES
OFFICIAL_PHONE = "09120000031"
STICKER = Sticker(
    file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
)
REGIONS_CSV = (
    "province,county,neighbourhood,code,kind\n"
    "تهران,شهر ری,دولت‌آباد,1001,urban\n"
    "تهران,شهر ری,روستای کهریزک,1002,روستایی\n"
    "تهران,اسلامشهر,واوان,3101,urban\n"
)


def inline_buttons(harness: Harness) -> list[tuple[str, str]]:
    """(label, callback data) of the latest inline keyboard the bot sent."""
    markup = next(
        r.reply_markup  # type: ignore[attr-defined]
        for r in reversed(harness.tg_session.requests)
        if isinstance(getattr(r, "reply_markup", None), InlineKeyboardMarkup)
    )
    return [(b.text, str(b.callback_data)) for row in markup.inline_keyboard for b in row]


def button_for(harness: Harness, label: str) -> str:
    return next(data for text, data in inline_buttons(harness) if text == label)


async def admin(harness: Harness, user_id: int = 900) -> User:
    await add_regions(harness.session_factory)
    user = resident(user_id=user_id)
    await onboard(harness, user, ADMIN_PHONE)
    assert fa(harness, "role-admin") in harness.last_text()
    return user


async def county_official(harness: Harness, user_id: int = 901) -> User:
    """The county official of ری (Tehran province): دولت‌آباد 1001 and کوی فردوس 1002 are theirs;
    Kermanshah (with another دولت‌آباد, 2001) is not."""
    await add_regions(harness.session_factory)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone=OFFICIAL_PHONE,
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            now=NOW,
        )
    user = resident(user_id=user_id)
    await onboard(harness, user, OFFICIAL_PHONE)
    return user


async def roles_of_phone(harness: Harness, phone: str) -> list[tuple[Role, ScopeKind, int]]:
    async with harness.session_factory() as session:
        rows = await session.execute(
            select(RoleAssignment.role, RoleAssignment.scope_kind, RoleAssignment.scope_id)
            .join(Person, Person.id == RoleAssignment.person_id)
            .where(Person.phone == phone)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def scope_id(harness: Harness, model: type, name_or_code: str) -> int:
    column = model.code if model is Neighbourhood else model.name  # type: ignore[attr-defined]
    async with harness.session_factory() as session:
        found = await session.scalar(select(model.id).where(column == name_or_code))  # type: ignore[attr-defined]
    assert found is not None
    return int(found)


# ---- /grant and /revoke ----


async def test_an_admin_appoints_a_county_official_by_buttons(harness: Harness) -> None:
    user = await admin(harness)
    await harness.send(harness.updates.message(user, text="/grant"))
    assert harness.last_text() == fa(harness, "admin-ask-phone-grant")
    await harness.send(harness.updates.message(user, text="۰۹۱۲ ۱۱۱ ۲۲۳۳"))
    assert harness.last_text() == fa(harness, "admin-ask-role-grant", phone="09121112233")
    assert [data for _label, data in inline_buttons(harness)] == [
        "ad_role:admin",
        "ad_role:province_official",
        "ad_role:county_official",
        "ad_role:manager",
        "ad_role:liaison",
    ]
    await harness.send(harness.updates.callback(user, "ad_role:county_official"))
    assert harness.last_text() == fa(harness, "admin-ask-province")
    assert sorted(label for label, _data in inline_buttons(harness)) == ["تهران", "کرمانشاه"]
    await harness.send(harness.updates.callback(user, button_for(harness, "تهران")))
    assert harness.last_text() == fa(harness, "admin-ask-county")
    assert [label for label, _data in inline_buttons(harness)] == ["ری"]
    await harness.send(harness.updates.callback(user, button_for(harness, "ری")))
    summary = harness.last_text()
    assert fa(harness, "admin-summary-role", role=fa(harness, "role-county_official")) in summary
    place = fa(harness, "admin-place-county", county="ری", province="تهران")
    assert fa(harness, "admin-summary-place", place=place) in summary
    # Nothing is saved before the confirmation.
    assert await count(harness.session_factory, Person) == 1
    await harness.send(harness.updates.callback(user, "ad_ok:1"))
    granted = fa(
        harness, "admin-granted", phone="09121112233", role=fa(harness, "role-county_official"), place=place
    )
    assert harness.last_text() == granted + "\n" + fa(harness, "admin-granted-new-person")
    rey = await scope_id(harness, County, "ری")
    assert await roles_of_phone(harness, "+989121112233") == [(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, rey)]
    async with harness.session_factory() as session:
        assert await session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "role.grant"


async def test_a_county_official_appoints_a_manager_found_by_name_in_their_county(harness: Harness) -> None:
    user = await county_official(harness)
    await harness.send(harness.updates.message(user, text="/grant"))
    await harness.send(harness.updates.message(user, text="09121112244"))
    # Only what a county official may give.
    assert [data for _label, data in inline_buttons(harness)] == ["ad_role:manager", "ad_role:liaison"]
    await harness.send(harness.updates.callback(user, "ad_role:manager"))
    assert harness.last_text() == fa(harness, "admin-ask-neighbourhood")
    # Two neighbourhoods are called دولت‌آباد; the one in Kermanshah is not theirs, so no question.
    await harness.send(harness.updates.message(user, text="دولت اباد"))
    place = fa(harness, "admin-place-neighbourhood", name="دولت‌آباد", code="1001", county="ری")
    assert fa(harness, "admin-summary-place", place=place) in harness.last_text()
    await harness.send(harness.updates.callback(user, "ad_ok:1"))
    nid = await scope_id(harness, Neighbourhood, "1001")
    assert await roles_of_phone(harness, "+989121112244") == [(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, nid)]


async def test_a_county_official_names_an_agency_liaison(harness: Harness) -> None:
    user = await county_official(harness)
    await harness.send(harness.updates.message(user, text="/grant"))
    await harness.send(harness.updates.message(user, text="09121112255"))
    await harness.send(harness.updates.callback(user, "ad_role:liaison"))
    # One county in reach: no province question.
    assert harness.last_text() == fa(harness, "admin-ask-county")
    await harness.send(harness.updates.callback(user, button_for(harness, "ری")))
    assert harness.last_text() == fa(harness, "admin-ask-agency")
    await harness.send(harness.updates.callback(user, "ad_ag:health_network"))
    assert fa(harness, "admin-summary-agency", agency="شبکه بهداشت و درمان") in harness.last_text()
    assert await count(harness.session_factory, Liaison) == 0
    await harness.send(harness.updates.callback(user, "ad_ok:1"))
    assert await count(harness.session_factory, Liaison) == 1
    rey = await scope_id(harness, County, "ری")
    assert await roles_of_phone(harness, "+989121112255") == [(Role.LIAISON, ScopeKind.COUNTY, rey)]


async def test_a_county_official_cannot_appoint_outside_their_county(harness: Harness) -> None:
    user = await county_official(harness)
    kermanshah = await scope_id(harness, County, "کرمانشاه")
    await harness.send(harness.updates.message(user, text="/grant"))
    await harness.send(harness.updates.message(user, text="09121112266"))
    # A role they may not give, pressed on a forged button.
    await harness.send(harness.updates.callback(user, "ad_role:county_official"))
    assert harness.tg_session.requests[-1].text == fa(harness, "admin-not-allowed")  # type: ignore[attr-defined]
    await harness.send(harness.updates.callback(user, "ad_role:manager"))
    # A neighbourhood of another county, by code and by name.
    await harness.send(harness.updates.message(user, text="2001"))
    assert harness.last_text() == fa(harness, "admin-outside-scope")
    await harness.send(harness.updates.message(user, text="نارمک"))
    assert harness.last_text() == fa(harness, "admin-outside-scope")
    # A county of another province, pressed on a forged button in the liaison form.
    await harness.send(harness.updates.message(user, text="/grant"))
    await harness.send(harness.updates.message(user, text="09121112266"))
    await harness.send(harness.updates.callback(user, "ad_role:liaison"))
    await harness.send(harness.updates.callback(user, f"ad_place:county:{kermanshah}"))
    assert harness.tg_session.requests[-1].text == fa(harness, "admin-outside-scope")  # type: ignore[attr-defined]
    assert await roles_of_phone(harness, "+989121112266") == []
    assert await count(harness.session_factory, Person) == 1  # the official only


async def test_the_service_has_the_last_word_at_the_confirmation(harness: Harness) -> None:
    """The official loses their role while the summary is open: the confirmation is refused."""
    user = await county_official(harness)
    await harness.send(harness.updates.message(user, text="/grant"))
    await harness.send(harness.updates.message(user, text="09121112277"))
    await harness.send(harness.updates.callback(user, "ad_role:manager"))
    await harness.send(harness.updates.message(user, text="1001"))
    async with harness.session_factory() as session:
        await revoke_role(
            session,
            actor=OPERATOR,
            phone=OFFICIAL_PHONE,
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            now=NOW,
        )
    await harness.send(harness.updates.callback(user, "ad_ok:1"))
    assert harness.last_text() == fa(harness, "admin-denied")
    assert await roles_of_phone(harness, "+989121112277") == []
    assert await count(harness.session_factory, Person) == 1


async def test_managers_and_residents_are_refused(harness: Harness) -> None:
    boss = await manager(harness)
    neighbour = resident(user_id=930)
    await onboard(harness, neighbour, "09125550003")
    assignments = await count(harness.session_factory, RoleAssignment)
    for user in (boss, neighbour):
        for command in ("/grant", "/revoke"):
            await harness.send(harness.updates.message(user, text=command))
            assert harness.last_text() == fa(harness, "admin-not-allowed")
        await harness.send(harness.updates.message(user, text="/import_regions"))
        assert harness.last_text() == fa(harness, "admin-import-not-admin")
        # Typing on as if the form had opened, or pressing a forged confirmation, does nothing.
        await harness.send(harness.updates.message(user, text="09121112288"))
        await harness.send(harness.updates.callback(user, "ad_ok:1"))
    assert await count(harness.session_factory, RoleAssignment) == assignments
    assert await roles_of_phone(harness, "+989121112288") == []


async def test_a_bad_phone_is_explained_and_nothing_is_saved(harness: Harness) -> None:
    user = await admin(harness)
    await harness.send(harness.updates.message(user, text="/grant"))
    for wrong in ("0912", "۰۲۱۵۵۵۵۱۲۳۴", "9" * 5000):
        await harness.send(harness.updates.message(user, text=wrong))
        assert harness.last_text() == fa(harness, "admin-bad-phone")
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == fa(harness, "admin-bad-phone")
    # A contact shared from the phone book is accepted.
    await harness.send(harness.updates.contact(user, "+98 912 111 2299", contact_user_id=None))
    assert harness.last_text() == fa(harness, "admin-ask-role-grant", phone="09121112299")
    await harness.send(harness.updates.callback(user, "ad_role:manager"))
    await harness.send(harness.updates.message(user, text="1001"))
    await harness.send(harness.updates.callback(user, "ad_ok:0"))
    assert harness.last_text() == fa(harness, "cancel-done")
    async with harness.session_factory() as session:
        assert await session.scalar(select(Person).where(Person.phone == "+989121112299")) is None


async def test_an_admin_revokes_a_manager(harness: Harness) -> None:
    user = await admin(harness)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09121113300",
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            now=NOW,
        )
    await harness.send(harness.updates.message(user, text="/revoke"))
    assert harness.last_text() == fa(harness, "admin-ask-phone-revoke")
    await harness.send(harness.updates.message(user, text="09121113300"))
    await harness.send(harness.updates.callback(user, "ad_role:manager"))
    await harness.send(harness.updates.message(user, text="1001"))
    assert harness.last_text().startswith(fa(harness, "admin-summary-revoke"))
    assert inline_buttons(harness)[0][0] == fa(harness, "admin-button-revoke")
    await harness.send(harness.updates.callback(user, "ad_ok:1"))
    place = fa(harness, "admin-place-neighbourhood", name="دولت‌آباد", code="1001", county="ری")
    assert harness.last_text() == fa(
        harness, "admin-revoked", phone="09121113300", role=fa(harness, "role-manager"), place=place
    )
    assert await roles_of_phone(harness, "+989121113300") == []
    # Somebody nobody registered: said so, nothing changes.
    await harness.send(harness.updates.message(user, text="/revoke"))
    await harness.send(harness.updates.message(user, text="09121113399"))
    await harness.send(harness.updates.callback(user, "ad_role:admin"))
    await harness.send(harness.updates.callback(user, "ad_ok:1"))
    assert harness.last_text() == fa(harness, "admin-unknown-person", phone="09121113399")


async def test_every_menu_button_of_an_admin_answers(harness: Harness) -> None:
    user = await admin(harness)
    for key in ("menu-grant", "menu-import-regions"):
        await harness.send(harness.updates.message(user, text=fa(harness, key)))
        assert harness.last_text() in (
            fa(harness, "admin-ask-phone-grant"),
            fa(harness, "admin-import-ask", limit=2),
        )
        await harness.send(harness.updates.message(user, text="/cancel"))


# ---- /import_regions ----


def csv_document(harness: Harness, data: bytes, name: str = "regions.csv", **fields: object) -> Document:
    file_id = f"doc{len(harness.tg_session.files) + 1}"
    harness.tg_session.files[file_id] = data
    values: dict[str, object] = {"file_size": len(data), "mime_type": "text/csv", **fields}
    return Document(file_id=file_id, file_unique_id=file_id, file_name=name, **values)  # type: ignore[arg-type]


async def test_an_admin_imports_regions_from_a_document(harness: Harness) -> None:
    user = resident(user_id=950)
    await onboard(harness, user, ADMIN_PHONE)
    await harness.send(harness.updates.message(user, text="/import_regions"))
    assert harness.last_text() == fa(harness, "admin-import-ask", limit=2)
    # Saved by Excel as "CSV UTF-8": with a byte order mark.
    document = csv_document(
        harness, "\ufeff".encode() + REGIONS_CSV.encode(), mime_type="application/vnd.ms-excel"
    )
    await harness.send(harness.updates.message(user, document=document))
    assert harness.last_text() == fa(
        harness, "admin-import-done", rows=3, provinces=1, counties=2, created=3, updated=0, unchanged=0
    )
    assert await count(harness.session_factory, Neighbourhood) == 3
    assert await count(harness.session_factory, Province) == 1
    # The form is over: another file is not imported.
    another = REGIONS_CSV.replace("3101", "3109").encode()
    await harness.send(harness.updates.message(user, document=csv_document(harness, another)))
    assert harness.last_text() == fa(harness, "error-unsupported-input")
    assert await count(harness.session_factory, Neighbourhood) == 3


async def test_bad_files_are_explained_and_nothing_is_imported(harness: Harness) -> None:
    user = resident(user_id=951)
    await onboard(harness, user, ADMIN_PHONE)
    await harness.send(harness.updates.message(user, text="/import_regions"))
    # A photo, a text, a sticker: a document is expected.
    photo = [PhotoSize(file_id="p", file_unique_id="p", width=1, height=1)]
    for update in (
        harness.updates.message(user, photo=photo),
        harness.updates.message(user, text="تهران,ری,دولت‌آباد,1001,urban"),
        harness.updates.message(user, sticker=STICKER),
    ):
        await harness.send(update)
        assert harness.last_text() == fa(harness, "admin-import-send-document")
    # Not a CSV.
    await harness.send(
        harness.updates.message(
            user, document=csv_document(harness, b"%PDF-1.4", "regions.pdf", mime_type="application/pdf")
        )
    )
    assert harness.last_text() == fa(harness, "admin-import-not-csv", name="regions.pdf")
    # A missing column: the header's line is named.
    missing = "province,county,neighbourhood,code\nتهران,ری,دولت‌آباد,1001\n"
    await harness.send(harness.updates.message(user, document=csv_document(harness, missing.encode())))
    assert harness.last_text() == "\n".join(
        [
            fa(harness, "admin-import-failed"),
            fa(harness, "admin-import-problem-missing_columns", line=1, value="kind"),
        ]
    )
    assert "سطر ۱" in harness.last_text()
    # A code twice and a bad kind: each line is named, and the good lines are not imported either.
    duplicate = REGIONS_CSV + "تهران,اسلامشهر,واوان نو,1001,urban\nتهران,اسلامشهر,نسیم‌شهر,3102,city\n"
    await harness.send(harness.updates.message(user, document=csv_document(harness, duplicate.encode())))
    assert harness.last_text() == "\n".join(
        [
            fa(harness, "admin-import-failed"),
            fa(harness, "admin-import-problem-duplicate_code", line=5, value="1001", other="2"),
            fa(harness, "admin-import-problem-bad_kind", line=6, value="city"),
        ]
    )
    # Not UTF-8 (Excel's "Unicode text" is UTF-16).
    await harness.send(
        harness.updates.message(user, document=csv_document(harness, REGIONS_CSV.encode("utf-16")))
    )
    assert harness.last_text() == fa(harness, "admin-import-not-utf8")
    # Too large: by its declared size, and by what actually arrives when no size is declared (Bale).
    big = REGIONS_CSV.encode() + b"x" * (2 * 1024 * 1024)
    await harness.send(harness.updates.message(user, document=csv_document(harness, big)))
    assert harness.last_text() == fa(harness, "admin-import-too-large", limit=2)
    await harness.send(harness.updates.message(user, document=csv_document(harness, big, file_size=None)))
    assert harness.last_text() == fa(harness, "admin-import-too-large", limit=2)
    assert await count(harness.session_factory, Neighbourhood) == 0
    # The form went on all along: the corrected file is imported.
    await harness.send(harness.updates.message(user, document=csv_document(harness, REGIONS_CSV.encode())))
    assert await count(harness.session_factory, Neighbourhood) == 3


async def test_the_import_service_refuses_someone_no_longer_admin(harness: Harness) -> None:
    user = resident(user_id=952)
    await onboard(harness, user, ADMIN_PHONE)
    await harness.send(harness.updates.message(user, text="/import_regions"))
    async with harness.session_factory() as session, session.begin():
        await session.execute(delete(RoleAssignment).where(RoleAssignment.role == Role.ADMIN))
    await harness.send(harness.updates.message(user, document=csv_document(harness, REGIONS_CSV.encode())))
    assert harness.last_text() == fa(harness, "admin-import-not-admin")
    assert await count(harness.session_factory, Neighbourhood) == 0
