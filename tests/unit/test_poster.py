"""The joining poster: a large, quiet-zoned QR code of the deep link that scanners read (also after
the messenger recompresses the photo), Persian shaped right to left with or without libraqm, and
only for the neighbourhood's manager and the officials above it."""

from __future__ import annotations

import io
import unicodedata

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import PROJECT_ROOT
from models import County, Neighbourhood, NeighbourhoodKind, Province, Role, ScopeKind
from services.accounts import RoleGrant
from services.authz import Actor, PermissionDenied
from services.i18n import Translator
from services.poster import (
    POSTER_SIZE,
    QR_QUIET_ZONE,
    Poster,
    PosterText,
    _Typesetter,
    poster_subject,
    qr_modules,
    raqm_available,
    render_poster,
)

TELEGRAM_LINK = "https://t.me/mahalleyar_bot?start=n_1001"
# The longest link there can be: a long Bale username and a 32-character code.
LONG_LINK = "https://ble.ir/mahalleyar_neighbourhoods_bot?start=n_" + "a1b2c3d4" * 4
ENGINES = [
    pytest.param(False, id="reshaper+bidi"),
    pytest.param(
        True,
        id="raqm",
        marks=pytest.mark.skipif(not raqm_available(), reason="Pillow found no libraqm/FriBiDi here"),
    ),
]


def words(link: str, name: str = "دولت‌آباد") -> PosterText:
    fa = Translator().bind("fa")
    return PosterText(
        brand=fa("poster-brand"),
        title=name,
        call=fa("poster-call", name=name),
        hint=fa("poster-hint"),
        link=link,
    )


def drawn_modules(image: Image.Image, poster: Poster) -> list[list[bool]]:
    """Read the module grid back from the pixels, at the centre of each module."""
    grey = image.convert("L")
    half = poster.module_size // 2
    return [
        [
            grey.getpixel(
                (
                    poster.qr_left + c * poster.module_size + half,
                    poster.qr_top + r * poster.module_size + half,
                )
            )
            < 128  # type: ignore[operator]
            for c in range(poster.modules)
        ]
        for r in range(poster.modules)
    ]


@pytest.mark.parametrize("use_raqm", ENGINES)
@pytest.mark.parametrize("link", [TELEGRAM_LINK, LONG_LINK])
def test_the_qr_code_is_the_deep_link_large_and_quiet_zoned(use_raqm: bool, link: str) -> None:
    poster = render_poster(words(link), use_raqm=use_raqm)
    image = Image.open(io.BytesIO(poster.png))
    assert image.format == "PNG" and image.size == POSTER_SIZE and image.mode == "RGB"
    # The very grid qrcode computes for the link, module for module.
    assert drawn_modules(image, poster) == qr_modules(link)
    # Four light modules all round (the scanners' quiet zone), and a big code.
    zone = QR_QUIET_ZONE * poster.module_size
    side = poster.modules * poster.module_size
    grey = image.convert("L")
    ring = [
        grey.crop((poster.qr_left - zone, poster.qr_top - zone, poster.qr_left + side + zone, poster.qr_top)),
        grey.crop(
            (
                poster.qr_left - zone,
                poster.qr_top + side,
                poster.qr_left + side + zone,
                poster.qr_top + side + zone,
            )
        ),
        grey.crop((poster.qr_left - zone, poster.qr_top, poster.qr_left, poster.qr_top + side)),
        grey.crop((poster.qr_left + side, poster.qr_top, poster.qr_left + side + zone, poster.qr_top + side)),
    ]
    assert all(part.getextrema() == (255, 255) for part in ring)
    assert side + 2 * zone >= POSTER_SIZE[0] / 2 and poster.module_size >= 10
    # A real decoder reads it off the page.
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [link]


def test_the_code_survives_the_messengers_photo_compression() -> None:
    """Telegram and Bale shrink a photo to 1280 px and re-encode it as JPEG."""
    image = Image.open(io.BytesIO(render_poster(words(TELEGRAM_LINK)).png))
    image.thumbnail((1280, 1280))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    compressed = Image.open(io.BytesIO(buffer.getvalue()))
    assert [result.text for result in zxingcpp.read_barcodes(compressed)] == [TELEGRAM_LINK]


def test_a_poster_to_look_at() -> None:
    """Writes test-artifacts/poster.png: open it to check the Persian reads right to left."""
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    poster = render_poster(words(TELEGRAM_LINK))
    (artifacts / "poster.png").write_bytes(poster.png)
    assert Image.open(artifacts / "poster.png").size == POSTER_SIZE


def test_without_raqm_persian_is_joined_and_put_in_display_order() -> None:
    typesetter = _Typesetter(use_raqm=False)
    visual = typesetter._visual("به «محله‌یار» بپیوندید", rtl=True)
    letters = [c for c in visual if unicodedata.category(c).startswith("L")]
    # Every letter became a contextual form (isolated letters would not join) ...
    assert letters and all("FORM" in unicodedata.name(c) for c in letters)
    # ... the last logical letter (د, final form) comes first on the left, the first (ب, initial) last,
    assert unicodedata.name(letters[0]) == "ARABIC LETTER DAL FINAL FORM"
    assert unicodedata.name(letters[-1]) == "ARABIC LETTER BEH INITIAL FORM"
    # ... and the guillemets are mirrored, so they still open towards the words they quote.
    assert visual.index("«") < visual.index("»")
    # Links are left alone.
    assert typesetter._visual(TELEGRAM_LINK, rtl=False) == TELEGRAM_LINK


@pytest.mark.skipif(not raqm_available(), reason="Pillow found no libraqm/FriBiDi here")
def test_both_engines_set_the_persian_alike() -> None:
    """The fallback draws what libraqm draws (within a few pixels of kerning)."""
    raqm = Image.open(io.BytesIO(render_poster(words(TELEGRAM_LINK), use_raqm=True).png)).convert("L")
    basic = Image.open(io.BytesIO(render_poster(words(TELEGRAM_LINK), use_raqm=False).png)).convert("L")
    title_band = (0, 230, POSTER_SIZE[0], 420)
    a, b = raqm.crop(title_band).getbbox(), basic.crop(title_band).getbbox()
    assert a is not None and b is not None
    assert all(abs(x - y) <= 12 for x, y in zip(a, b, strict=True))


def test_a_long_name_still_fits_the_page() -> None:
    name = "شهرک مسکونی کارکنان شرکت ملی نفت ایران منطقهٔ چهارده بلوار شهید " * 2
    poster = render_poster(words(LONG_LINK, name=name.strip()), use_raqm=False)
    image = Image.open(io.BytesIO(poster.png))
    assert drawn_modules(image, poster) == qr_modules(LONG_LINK)
    assert poster.qr_top + (poster.modules + QR_QUIET_ZONE) * poster.module_size < POSTER_SIZE[1]


async def _neighbourhood(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session, session.begin():
        county = County(province=Province(name="تهران"), name="ری")
        session.add(Neighbourhood(county=county, name="دولت‌آباد", code="1001", kind=NeighbourhoodKind.URBAN))
    async with session_factory() as session:
        found = await session.scalar(select(Neighbourhood.id))
    assert found is not None
    return found


async def test_poster_subject_is_for_the_manager_and_officials_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    nid = await _neighbourhood(session_factory)
    async with session_factory() as session:
        county_id = await session.scalar(select(County.id))
        assert county_id is not None
        manager = Actor(7, "person:7", (RoleGrant(Role.MANAGER, ScopeKind.NEIGHBOURHOOD, nid),))
        subject = await poster_subject(session, actor=manager)
        assert (subject.neighbourhood_id, subject.name, subject.code) == (nid, "دولت‌آباد", "1001")
        official = Actor(8, "person:8", (RoleGrant(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, county_id),))
        assert (await poster_subject(session, actor=official, neighbourhood_id=nid)).code == "1001"
        resident = Actor(9, "person:9", (RoleGrant(Role.RESIDENT, ScopeKind.NEIGHBOURHOOD, nid),))
        with pytest.raises(PermissionDenied):
            await poster_subject(session, actor=resident, neighbourhood_id=nid)
        with pytest.raises(PermissionDenied):
            await poster_subject(session, actor=resident)
        with pytest.raises(PermissionDenied):
            await poster_subject(session, actor=official)  # manages none: must name one
