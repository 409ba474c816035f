"""/profile through the real Dispatcher: the manager reads and edits the neighbourhood profile,
officials read it, everyone else is refused; bad values are explained and nothing is half-saved."""

from __future__ import annotations

from datetime import date

import jdatetime
from aiogram.types import Sticker, User
from sqlalchemy import select

from models import AuditEntry, Neighbourhood, NeighbourhoodProfile, Role, ScopeKind
from services.authz import OPERATOR
from services.roles import grant_role
from tests.handlers.conftest import Harness, count, fa, neighbourhood_id, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import manager, onboard
from tests.handlers.test_join import add_regions, last_buttons

STICKER = Sticker(
    file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False, is_video=False
)


async def stored_profile(harness: Harness) -> NeighbourhoodProfile | None:
    async with harness.session_factory() as session:
        return await session.scalar(select(NeighbourhoodProfile))


async def managed(harness: Harness) -> tuple[User, int]:
    """The manager of دولت‌آباد (code 1001) and its id."""
    user = await manager(harness)
    return user, await neighbourhood_id(harness)


async def edit(harness: Harness, user: User, nid: int, field: str) -> None:
    await harness.send(harness.updates.callback(user, f"pf_edit:{nid}:{field}"))


async def test_the_manager_sees_an_empty_profile_with_the_edit_menu(harness: Harness) -> None:
    user, nid = await managed(harness)
    await harness.send(harness.updates.message(user, text="/profile"))
    text = harness.last_text()
    assert text.startswith(fa(harness, "profile-title", name="دولت‌آباد", code="1001"))
    assert "۱۰۰۱" in text
    assert fa(harness, "profile-line", field=fa(harness, "profile-field-kind"), value="شهری") in text
    assert fa(harness, "profile-empty-hint") in text
    buttons = last_buttons(harness)
    assert len(buttons) == 10
    assert (fa(harness, "profile-edit-button", field="جمعیت"), f"pf_edit:{nid}:population") in buttons
    assert buttons[-1][1] == f"pf_edit:{nid}:council_formed_on"


async def test_numbers_in_any_digits_and_bad_numbers_are_explained(harness: Harness) -> None:
    user, nid = await managed(harness)
    await edit(harness, user, nid, "population")
    assert harness.last_text() == fa(
        harness, "profile-ask-number", field="جمعیت", current=fa(harness, "profile-not-set")
    )
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == fa(harness, "profile-value-expected")
    await harness.send(harness.updates.message(user, text="-۵۰"))
    assert harness.last_text() == fa(harness, "profile-bad-negative")
    await harness.send(harness.updates.message(user, text="دوازده هزار"))
    assert harness.last_text() == fa(harness, "profile-bad-number")
    await harness.send(harness.updates.message(user, text="9" * 5000))
    assert harness.last_text() == fa(harness, "profile-bad-number")
    await harness.send(harness.updates.message(user, text="99999999999"))
    assert harness.last_text() == fa(harness, "profile-bad-too-large")
    assert await stored_profile(harness) is None
    await harness.send(harness.updates.message(user, text="۱۲٬۵۰۰"))
    text = harness.last_text()
    assert text.startswith(fa(harness, "profile-saved", field="جمعیت"))
    assert fa(harness, "profile-line", field="جمعیت", value="۱۲٬۵۰۰ نفر") in text
    # Arabic-Indic digits, and households may not exceed the population.
    await edit(harness, user, nid, "households")
    await harness.send(harness.updates.message(user, text="١٣٠٠٠"))
    assert harness.last_text() == fa(harness, "profile-bad-households")
    await harness.send(harness.updates.message(user, text="٣٢٠٠"))
    await edit(harness, user, nid, "area_hectares")
    await harness.send(harness.updates.message(user, text="۱۲۰٫۵"))
    await edit(harness, user, nid, "schools")
    await harness.send(harness.updates.message(user, text="3"))
    text = harness.last_text()
    assert fa(harness, "profile-line", field="تعداد خانوار", value="۳٬۲۰۰") in text
    assert fa(harness, "profile-line", field="مساحت", value="۱۲۰٫۵ هکتار") in text
    assert fa(harness, "profile-line", field="مدرسه", value="۳") in text
    profile = await stored_profile(harness)
    assert profile is not None
    assert (profile.population, profile.households, profile.area_hectares) == (12500, 3200, 120.5)
    assert profile.facilities == {"schools": 3}
    # A dash clears a field.
    await edit(harness, user, nid, "schools")
    await harness.send(harness.updates.message(user, text="-"))
    profile = await stored_profile(harness)
    assert profile is not None and profile.facilities == {}


async def test_the_formation_date_is_a_jalali_date_in_any_digits(harness: Harness) -> None:
    user, nid = await managed(harness)
    await edit(harness, user, nid, "council_formed_on")
    for typed, key in (
        ("1403/13/40", "profile-bad-date-month"),
        ("۱۴۰۲/۱۲/۳۰", "profile-bad-date-day"),  # 1402 is not a leap year
        ("دیروز", "profile-bad-date-format"),
        ("1200/01/01", "profile-bad-date-year"),
        ("1406/01/01", "profile-bad-date-future"),
    ):
        await harness.send(harness.updates.message(user, text=typed))
        assert harness.last_text() == fa(harness, key), typed
    assert await stored_profile(harness) is None
    await harness.send(harness.updates.message(user, text="۱۴۰۲/۷/۱۵"))
    assert fa(harness, "profile-line", field="تاریخ تشکیل شورا", value="۱۵ مهر ۱۴۰۲") in harness.last_text()
    profile = await stored_profile(harness)
    assert profile is not None
    assert profile.council_formed_on == jdatetime.date(1402, 7, 15).togregorian() == date(2023, 10, 7)


async def test_main_problems_keep_their_lines_and_are_limited(harness: Harness) -> None:
    user, nid = await managed(harness)
    await edit(harness, user, nid, "main_problems")
    assert harness.last_text() == fa(harness, "profile-ask-problems", limit=4000)
    await harness.send(harness.updates.message(user, text="ي" * 5000))
    assert harness.last_text() == fa(harness, "error-text-too-long", length=5000, limit=4000)
    assert await stored_profile(harness) is None
    await harness.send(harness.updates.message(user, text="كمبود  پارك\nنبود  مدرسه دخترانه"))
    profile = await stored_profile(harness)
    assert profile is not None and profile.main_problems == "کمبود پارک\nنبود مدرسه دخترانه"
    assert "کمبود پارک\nنبود مدرسه دخترانه" in harness.last_text()


async def test_programmes_are_toggled_and_saved_once(harness: Harness) -> None:
    user, nid = await managed(harness)
    await edit(harness, user, nid, "programmes")
    assert harness.last_text() == fa(harness, "profile-ask-programmes")
    for key in ("karamat", "salam_behzisti", "karamat", "tan_mehrab"):
        await harness.send(harness.updates.callback(user, f"pf_prog:{key}"))
    buttons = last_buttons(harness)
    assert ("✅ " + fa(harness, "programme-tan_mehrab"), "pf_prog:tan_mehrab") in buttons
    assert (fa(harness, "programme-karamat"), "pf_prog:karamat") in buttons
    # Text where buttons are expected is answered; nothing is saved before «ثبت».
    await harness.send(harness.updates.message(user, text="کرامت"))
    assert harness.last_text().startswith(fa(harness, "council-use-buttons") + "\n\n")  # asked again below
    assert await stored_profile(harness) is None
    await harness.send(harness.updates.callback(user, "pf_prog:done"))
    names = fa(harness, "programme-salam_behzisti") + "، " + fa(harness, "programme-tan_mehrab")
    assert fa(harness, "profile-line", field="برنامه‌های ملی", value=names) in harness.last_text()
    profile = await stored_profile(harness)
    assert profile is not None and profile.programmes == ["salam_behzisti", "tan_mehrab"]
    async with harness.session_factory() as session:
        audits = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "profile.update")))
    assert len(audits) == 1


async def test_cancel_in_the_middle_saves_nothing(harness: Harness) -> None:
    user, nid = await managed(harness)
    await edit(harness, user, nid, "population")
    await harness.send(harness.updates.message(user, text="/cancel"))
    assert harness.last_text() == fa(harness, "cancel-done")
    await harness.send(harness.updates.message(user, text="500"))
    assert harness.last_text() == fa(harness, "talk-hello")  # outside any form (handlers/talk.py)
    assert await stored_profile(harness) is None


async def test_a_resident_cannot_read_or_edit_the_profile(harness: Harness) -> None:
    _, nid = await managed(harness)
    user = resident(user_id=600)
    await onboard(harness, user, "09125550000")
    await harness.send(harness.updates.message(user, text="/start n_1001"))  # a resident of 1001
    await harness.send(harness.updates.message(user, text="/profile"))
    assert harness.last_text() == fa(harness, "profile-not-allowed")
    await harness.send(harness.updates.message(user, text="/profile 1001"))
    assert harness.last_text() == fa(harness, "profile-not-allowed")
    await harness.send(harness.updates.message(user, text="/profile edit"))
    assert harness.last_text() == fa(harness, "profile-not-manager")
    # A forged edit button is refused by the service before anything is asked…
    await edit(harness, user, nid, "population")
    answer = harness.tg_session.requests[-1]
    assert getattr(answer, "text", None) == fa(harness, "profile-not-manager")
    # …so a number typed afterwards is not a profile value.
    await harness.send(harness.updates.message(user, text="500"))
    assert harness.last_text() == fa(harness, "talk-hello")  # outside any form (handlers/talk.py)
    assert await stored_profile(harness) is None


async def test_a_manager_cannot_touch_another_neighbourhood(harness: Harness) -> None:
    user, _ = await managed(harness)
    async with harness.session_factory() as session, session.begin():
        county = await session.scalar(select(Neighbourhood.county_id))
        session.add(Neighbourhood(county_id=county, name="نارمک", code="1003", kind="urban"))
    other = await neighbourhood_id(harness, "1003")
    await harness.send(harness.updates.message(user, text="/profile 1003"))
    assert harness.last_text() == fa(harness, "profile-not-allowed")
    await edit(harness, user, other, "population")
    assert getattr(harness.tg_session.requests[-1], "text", None) == fa(harness, "profile-not-manager")
    await harness.send(harness.updates.message(user, text="500"))
    assert await count(harness.session_factory, NeighbourhoodProfile) == 0


async def test_a_county_official_reads_by_code_or_name_without_the_edit_menu(harness: Harness) -> None:
    await add_regions(harness.session_factory)
    async with harness.session_factory() as session:
        await grant_role(
            session,
            actor=OPERATOR,
            phone="09120000022",
            role=Role.COUNTY_OFFICIAL,
            scope_kind=ScopeKind.COUNTY,
            scope_name_or_code="ری",
            now=NOW,
        )
    user = resident(user_id=510)
    await onboard(harness, user, "09120000022")
    await harness.send(harness.updates.message(user, text="/profile"))
    assert harness.last_text() == fa(harness, "profile-ask-neighbourhood")
    await harness.send(harness.updates.message(user, sticker=STICKER))
    assert harness.last_text() == fa(harness, "profile-ask-neighbourhood")
    await harness.send(harness.updates.message(user, text="۱۰۰۱"))
    assert harness.last_text().startswith(fa(harness, "profile-title", name="دولت‌آباد", code="1001"))
    assert harness.tg_session.requests[-1].reply_markup is None  # type: ignore[attr-defined]
    # By name: the namesake in another county is offered, but its profile is not theirs to read.
    await harness.send(harness.updates.message(user, text="/profile دولت اباد"))
    assert harness.last_text() == fa(harness, "profile-pick")
    kermanshah = await neighbourhood_id(harness, "2001")
    assert ("دولت‌آباد — کرمانشاه", f"pf_open:{kermanshah}") in last_buttons(harness)
    await harness.send(harness.updates.callback(user, f"pf_open:{kermanshah}"))
    assert harness.last_text() == fa(harness, "profile-not-allowed")
    # Reading is all: a forged edit button for a neighbourhood outside the county is refused.
    await edit(harness, user, kermanshah, "population")
    await harness.send(harness.updates.message(user, text="500"))
    assert await stored_profile(harness) is None


async def test_long_main_problems_still_fit_in_one_message(harness: Harness) -> None:
    user, nid = await managed(harness)
    await edit(harness, user, nid, "main_problems")
    long_text = ("آب‌گرفتگی کوچه‌ها " * 250)[:3990]
    await harness.send(harness.updates.message(user, text=long_text))
    profile = await stored_profile(harness)
    assert profile is not None and profile.main_problems == long_text.strip()
    shown = harness.last_text()
    # Stored whole, shown cut short so the message stays under the messengers' 4096 characters.
    assert len(shown) <= 4096
    assert long_text[:3000] + "…" in shown


async def test_english_gets_latin_digits_and_jalali_month_names(harness: Harness) -> None:
    user, nid = await managed(harness)
    await harness.send(harness.updates.callback(user, "lang:en:0"))
    await edit(harness, user, nid, "population")
    assert harness.last_text() == harness.translator.get(
        "en", "profile-ask-number", field="Population", current="not recorded"
    )
    await harness.send(harness.updates.message(user, text="۱۲۵۰۰"))
    await edit(harness, user, nid, "council_formed_on")
    await harness.send(harness.updates.message(user, text="1402/07/15"))
    text = harness.last_text()
    assert "• Population: 12,500 people" in text
    assert "• Council formed on: 15 Mehr 1402" in text
