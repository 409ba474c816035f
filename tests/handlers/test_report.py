"""/report through the real Dispatcher: a county official gets every neighbourhood's council,
committees and profile in one compact message (several when long); a province official a line per
county, then a county's detail by button; nobody else gets in."""

from __future__ import annotations

from aiogram.types import User
from sqlalchemy import select

from models import CommitteeKey, County, Neighbourhood, NeighbourhoodKind, Role, ScopeKind
from services.authz import OPERATOR
from services.council import register_member, update_profile
from tests.handlers.conftest import Harness, fa, neighbourhood_id, resident
from tests.handlers.harness import NOW
from tests.handlers.test_council import onboard
from tests.handlers.test_join import last_buttons
from tests.handlers.test_liaisons import county_official, manager_of_1002, official, regions


async def staff_dowlatabad(harness: Harness) -> None:
    """دولت‌آباد (1001): three members, health and culture headed, the profile written."""
    nid = await neighbourhood_id(harness, "1001")
    async with harness.session_factory() as session:
        for phone, kwargs in (
            ("09121110001", {"head_of": CommitteeKey.HEALTH}),
            ("09121110002", {"committees": [CommitteeKey.HEALTH], "head_of": CommitteeKey.CULTURE}),
            ("09121110003", {"committees": [CommitteeKey.HEALTH, CommitteeKey.SECURITY]}),
        ):
            await register_member(
                session,
                actor=OPERATOR,
                neighbourhood_id=nid,
                full_name="عضو " + phone[-1],
                phone=phone,
                now=NOW,
                **kwargs,  # type: ignore[arg-type]
            )
        await update_profile(
            session, actor=OPERATOR, neighbourhood_id=nid, changes={"population": 12500}, now=NOW
        )


def committees_line(harness: Harness, marks: dict[str, tuple[bool, int]]) -> str:
    return "، ".join(
        fa(
            harness,
            "report-committee",
            committee=fa(harness, f"report-short-{key}"),
            mark=fa(harness, "report-head-yes" if head else "report-head-no"),
            count=members,
        )
        for key, (head, members) in marks.items()
    )


async def test_a_county_official_sees_every_neighbourhood(harness: Harness) -> None:
    await regions(harness)
    await staff_dowlatabad(harness)
    user = await county_official(harness)
    await harness.send(harness.updates.message(user, text="/report"))
    text = harness.last_text()
    lines = text.splitlines()
    assert lines[0] == fa(harness, "report-county-title", county="ری", province="تهران")
    assert lines[1] == fa(
        harness, "report-county-totals", formed=1, total=2, headed=2, committees=12, profiles=1
    )
    assert "۱ از ۲" in lines[1] and "۲ از ۱۲" in lines[1]  # Persian digits
    council = fa(harness, "report-council-formed", members=3, heads=2, total=6)
    assert lines[3] == fa(
        harness,
        "report-neighbourhood",
        name="دولت‌آباد",
        code="1001",
        council=council,
        profile=fa(harness, "report-profile-written"),
    )
    assert "(۱۰۰۱)" in lines[3]
    assert lines[4] == committees_line(
        harness,
        {
            "health": (True, 3),
            "livelihood": (False, 0),
            "security": (False, 1),
            "culture": (True, 1),
            "services": (False, 0),
            "environment": (False, 0),
        },
    )
    assert lines[5] == fa(
        harness,
        "report-neighbourhood",
        name="کوی فردوس",
        code="1002",
        council=fa(harness, "report-council-none"),
        profile=fa(harness, "report-profile-missing"),
    )
    assert len(lines) == 6  # no committee line for a council not formed
    assert "کرمانشاه" not in text and "قلعه‌نو" not in text


async def test_a_province_official_gets_a_line_per_county_then_the_detail(harness: Harness) -> None:
    ids = await regions(harness)
    await staff_dowlatabad(harness)
    user = await official(harness, 530, "09120000530", Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, "تهران")
    await harness.send(harness.updates.message(user, text="/report"))
    lines = harness.last_text().splitlines()
    assert lines[0] == fa(harness, "report-province-title", province="تهران")
    assert lines[1:3] == [
        fa(
            harness,
            "report-province-county",
            county="ری",
            formed=1,
            total=2,
            headed=2,
            committees=12,
            profiles=1,
        ),
        fa(
            harness,
            "report-province-county",
            county="ورامین",
            formed=0,
            total=1,
            headed=0,
            committees=6,
            profiles=0,
        ),
    ]
    assert lines[-1] == fa(harness, "report-province-pick")
    assert last_buttons(harness) == [("ری", f"rp_cty:{ids['ری']}"), ("ورامین", f"rp_cty:{ids['ورامین']}")]
    await harness.send(harness.updates.callback(user, f"rp_cty:{ids['ری']}"))
    assert harness.last_text().startswith(fa(harness, "report-county-title", county="ری", province="تهران"))
    assert "دولت‌آباد" in harness.last_text()
    # Not Kermanshah's, nor Kermanshah province's.
    await harness.send(harness.updates.callback(user, f"rp_cty:{ids['کرمانشاه']}"))
    assert harness.last_text() == fa(harness, "report-not-allowed")
    await harness.send(harness.updates.callback(user, f"rp_prv:{ids['کرمانشاه']}"))
    assert harness.last_text() == fa(harness, "report-not-allowed")


async def test_an_admin_picks_a_province_or_county(harness: Harness) -> None:
    ids = await regions(harness)
    user = resident(user_id=540)
    await onboard(harness, user, "09120000001")  # ADMIN_PHONES in the harness
    await harness.send(harness.updates.message(user, text="/report"))
    assert harness.last_text() == fa(harness, "report-pick")
    assert sorted(data for _, data in last_buttons(harness)) == sorted(
        f"rp_prv:{ids[name]}" for name in ("تهران", "کرمانشاه")
    )
    await harness.send(harness.updates.callback(user, f"rp_prv:{ids['کرمانشاه']}"))
    assert harness.last_text().startswith(fa(harness, "report-province-title", province="کرمانشاه"))


async def test_managers_residents_and_other_counties_are_refused(harness: Harness) -> None:
    ids = await regions(harness)
    boss = await manager_of_1002(harness)
    neighbour = resident(user_id=610)
    await onboard(harness, neighbour, "09125550000")
    await harness.send(harness.updates.message(neighbour, text="/start n_1001"))
    for user in (boss, neighbour):
        await harness.send(harness.updates.message(user, text="/report"))
        assert harness.last_text() == fa(harness, "report-not-official")
        for forged in (f"rp_cty:{ids['ری']}", f"rp_prv:{ids['تهران']}"):
            await harness.send(harness.updates.callback(user, forged))
            assert harness.last_text() == fa(harness, "report-not-allowed")
    other = await county_official(harness, where="کرمانشاه", user_id=521)
    await harness.send(harness.updates.message(other, text="/report"))
    assert harness.last_text().startswith(
        fa(harness, "report-county-title", county="کرمانشاه", province="کرمانشاه")
    )
    assert "دولت‌آباد (" not in harness.last_text().split("کرمانشاه")[0]
    for forged in (f"rp_cty:{ids['ری']}", f"rp_prv:{ids['تهران']}", f"rp_prv:{ids['کرمانشاه']}"):
        await harness.send(harness.updates.callback(other, forged))
        assert harness.last_text() == fa(harness, "report-not-allowed")


async def test_a_long_report_is_split_under_the_message_limit(harness: Harness) -> None:
    await regions(harness)
    async with harness.session_factory() as session, session.begin():
        rey = await session.scalar(select(County).where(County.name == "ری"))
        assert rey is not None
        for i in range(80):
            session.add(
                Neighbourhood(
                    county=rey,
                    name=f"محلهٔ شمارهٔ {i} با نامی بلند",
                    code=f"9{i:03d}",
                    kind=NeighbourhoodKind.URBAN,
                )
            )
    user = await county_official(harness)
    before = len(harness.tg_session.sent_texts())
    await harness.send(harness.updates.message(user, text="/report"))
    messages = harness.tg_session.sent_texts()[before:]
    assert len(messages) >= 2
    assert all(len(message) <= 4000 for message in messages)
    joined = "\n".join(messages)
    assert all(joined.count(f"با نامی بلند ({code})") == 1 for code in ("۹۰۰۰", "۹۰۴۰", "۹۰۷۹"))
    assert messages[0].startswith(fa(harness, "report-county-title", county="ری", province="تهران"))


async def test_english_gets_latin_digits(harness: Harness) -> None:
    await regions(harness)
    await staff_dowlatabad(harness)
    user = await county_official(harness)
    await harness.send(harness.updates.callback(user, "lang:en:0"))
    await harness.send(harness.updates.message(user, text="/report"))
    text = harness.last_text()
    assert "Councils formed: 1 of 2" in text
    assert "Health ✅3, Livelihood ⚠️0" in text
    assert "(1001)" in text


async def test_the_report_button_of_the_menu_opens_it(harness: Harness) -> None:
    await regions(harness)
    user: User = await county_official(harness)
    await harness.send(harness.updates.message(user, text=harness.translator.get("en", "menu-report")))
    assert harness.last_text().startswith(fa(harness, "report-county-title", county="ری", province="تهران"))
