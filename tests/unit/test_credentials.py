"""Letters and ID cards: the signed token (every changed character refused), who may issue them to
whom (a completed course, or a reason kept in the audit log), the card's QR code read back by a
scanner (also after JPEG recompression) and verified, revoked and expired cards, the A4 letter,
the holder's photo, the public page."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import numpy
import pytest
import zxingcpp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.verify_page import add_verify_route
from models import AuditEntry, CardPhoto, DocumentKind, OutboxMessage, Role, ScopeKind
from services.authz import OPERATOR, PermissionDenied, load_actor
from services.credentials import (
    CourseNotCompleted,
    CredentialPolicy,
    NotAPhoto,
    NotAppointed,
    Verdict,
    document_view,
    documents_of,
    holder_document,
    issue_documents,
    read_card_token,
    render_document,
    set_card_photo,
    sign_card_token,
    token_in,
    verify_card,
)
from services.credentials import card as card_module
from services.credentials.card import CARD_SIZE, render_card
from services.credentials.faces import card_face
from services.credentials.tokens import TOKEN_LENGTH
from services.errors import TextTooShort
from services.jalali import tehran_today
from services.roles import revoke_role
from services.training import record_attendance, respond_to_invitation
from tests.unit.test_training import NOW, TRANSLATOR, People, a_course, invite_audience, people

SECRET = b"a test secret, not the development one"
POLICY = CredentialPolicy(SECRET, "https://mahalleyar.example.ir")
TODAY = tehran_today(NOW)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
FA = TRANSLATOR.bind("fa")


def test_a_token_says_which_card_until_when_and_nothing_else_passes() -> None:
    token = sign_card_token(12, date(2028, 11, 22), SECRET)
    assert len(token) == TOKEN_LENGTH and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    claim = read_card_token(token, SECRET)
    assert claim is not None and (claim.card_id, claim.expires_on) == (12, date(2028, 11, 22))
    # Every single character changed, to every other one, is refused.
    for position, original in enumerate(token):
        for other in ALPHABET:
            if other != original:
                altered = token[:position] + other + token[position + 1 :]
                assert read_card_token(altered, SECRET) is None, (position, other)
    assert read_card_token(token, b"another secret") is None
    for junk in ("", "x" * TOKEN_LENGTH, token + "A", token[:-1], token.upper(), "../../etc/passwd"):
        assert read_card_token(junk, SECRET) is None
    assert token_in(f"  https://mahalleyar.example.ir/verify/{token}/ ") == token
    assert token_in(f"https://x.ir/verify/{token}?utm=1") == token
    assert token_in(f" {token}\n") == token


async def completed_manager(session: AsyncSession, who: People) -> int:
    """The manager of دولت‌آباد after both sessions of the course."""
    course_id = await a_course(session, who)
    await invite_audience(session, TRANSLATOR, actor=who.official, course_id=course_id, now=NOW)
    await respond_to_invitation(session, person_id=who.manager, course_id=course_id, accept=True, now=NOW)
    from services.training import get_course

    for held in (await get_course(session, actor=who.official, course_id=course_id)).course.sessions:
        await record_attendance(
            session,
            TRANSLATOR,
            actor=who.official,
            session_id=held.id,
            person_id=who.manager,
            present=True,
            now=NOW,
        )
    return course_id


async def issue(session: AsyncSession, who: People, person_id: int, **extra: object) -> list[int]:
    issued = await issue_documents(
        session,
        TRANSLATOR,
        actor=who.official,
        person_id=person_id,
        kinds=(DocumentKind.LETTER, DocumentKind.CARD),
        now=NOW,
        card_valid_days=730,
        **extra,  # type: ignore[arg-type]
    )
    return issued.document_ids


async def test_issued_after_the_course_or_with_a_reason(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        who = await people(session)
        with pytest.raises(CourseNotCompleted):
            await issue(session, who, who.manager)
        with pytest.raises(TextTooShort):
            await issue(session, who, who.manager, override_reason="چون")
        with pytest.raises(NotAppointed):
            await issue(session, who, who.liaison, override_reason="دستور فرماندار")
        with pytest.raises(PermissionDenied):
            await issue_documents(
                session,
                TRANSLATOR,
                actor=who.far_official,
                person_id=who.manager,
                kinds=(DocumentKind.CARD,),
                now=NOW,
                override_reason="دستور فرماندار",
                card_valid_days=730,
            )
        with pytest.raises(PermissionDenied):  # a manager does not appoint themselves
            await issue_documents(
                session,
                TRANSLATOR,
                actor=await load_actor(session, who.manager),
                person_id=who.manager,
                kinds=(DocumentKind.CARD,),
                now=NOW,
                override_reason="دستور فرماندار",
                card_valid_days=730,
            )
        # A council member without the course: issued on the official's word, which the log keeps.
        letter, card = await issue(session, who, who.member, override_reason="دورهٔ سال پیش را گذرانده است")
        audit = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "document.override"))
        )
        assert {entry.target_id for entry in audit} == {letter, card}
        assert audit[0].details["reason"] == "دورهٔ سال پیش را گذرانده است"
        # The manager after the course: no reason needed; issuing again gives the same documents.
        course_id = await completed_manager(session, who)
        documents = await issue(session, who, who.manager)
        assert await issue(session, who, who.manager) == documents
        letter_view = await document_view(session, documents[0], POLICY)
        card_view = await document_view(session, documents[1], POLICY)
        assert letter_view.number == f"L-1405-{documents[0]:05d}" and letter_view.expires_on is None
        assert card_view.number == f"C-1405-{documents[1]:05d}"
        assert card_view.expires_on == TODAY + timedelta(days=730)
        assert letter_view.course_title == "آشنایی با مدیریت محله‌محور"
        # Appointed by phone alone, the manager has no name yet: a dash stands for it.
        assert (card_view.name, card_view.role, card_view.neighbourhood, card_view.county) == (
            "—",
            Role.MANAGER,
            "دولت‌آباد",
            "ری",
        )
        assert card_view.link == f"https://mahalleyar.example.ir/verify/{card_view.token}"
        entries = await session.scalars(select(AuditEntry).where(AuditEntry.action == "document.issue"))
        assert {e.details["course_id"] for e in entries} == {course_id}
        # The holder is told, with a button for each document.
        notice = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.person_id == who.manager, OutboxMessage.topic.like("documents:%")
                )
            )
        ).one()
        assert notice.reply_markup is not None
        assert [row[0]["callback_data"] for row in notice.reply_markup["inline_keyboard"]] == [
            f"doc_get:{documents[0]}",
            f"doc_get:{documents[1]}",
        ]
        assert [d.id for d in await documents_of(session, who.manager)] == documents[::-1]
        with pytest.raises(LookupError):  # someone else's
            await holder_document(session, person_id=who.member, document_id=documents[1], policy=POLICY)


def footer_band(png: bytes) -> numpy.ndarray:
    """The card's footer, grey levels."""
    with Image.open(io.BytesIO(png)) as image:
        return numpy.asarray(image.convert("L"), dtype=float)[CARD_SIZE[1] - card_module.FOOTER :, :]


def latin_line(text: str, size: int) -> numpy.ndarray:
    """`text` drawn left to right as the card's footer draws its words, cut to its ink."""
    image = Image.new("RGB", (400, card_module.FOOTER), card_module.GREEN)
    writer = card_module._Writer(ImageDraw.Draw(image), rtl=False)
    writer.line(10, 12, text, writer.font(False, size), card_module.WHITE)
    pixels = numpy.asarray(image.convert("L"), dtype=float)
    inked = numpy.nonzero((pixels > 150).any(axis=0))[0]
    return pixels[:, inked[0] - 1 : inked[-1] + 2]


def best_match(band: numpy.ndarray, drawn: numpy.ndarray) -> tuple[int, float]:
    """Where `drawn` appears in `band` most closely, and how closely (the mean difference of grey)."""
    width = drawn.shape[1]
    scores = [float(numpy.abs(band[:, x : x + width] - drawn).mean()) for x in range(band.shape[1] - width)]
    at = int(numpy.argmin(scores))
    return at, scores[at]


def qr_links(png: bytes, *, jpeg_quality: int | None = None) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if jpeg_quality is not None:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg_quality)
        image = Image.open(io.BytesIO(buffer.getvalue()))
    return [result.text for result in zxingcpp.read_barcodes(image)]


async def test_the_card_s_code_verifies_until_revoked_or_expired(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        who = await people(session)
        await completed_manager(session, who)
        card_id = (await issue(session, who, who.manager))[1]
        view = await document_view(session, card_id, POLICY)
        png = render_document(FA, view).data
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == CARD_SIZE == (1011, 638)
            assert round(image.info["dpi"][0]) == 300
        # A scanner reads the link, also after the messenger recompresses the picture.
        assert qr_links(png) == [view.link]
        assert qr_links(png, jpeg_quality=70) == [view.link]
        assert view.link is not None and view.token is not None

        async def check(text: str, today: date = TODAY) -> Verdict:
            return (await verify_card(session, text, secret=SECRET, today=today)).verdict

        valid = await verify_card(session, view.link, secret=SECRET, today=TODAY)
        assert (valid.verdict, valid.role, valid.neighbourhood, valid.number) == (
            Verdict.VALID,
            Role.MANAGER,
            "دولت‌آباد",
            view.number,
        )
        assert "0912" not in repr(valid) and "+98" not in repr(valid)  # never the phone
        flipped = view.token[:7] + ("A" if view.token[7] != "A" else "B") + view.token[8:]
        assert await check(flipped) is Verdict.INVALID
        assert await check(view.token, today=view.expires_on or TODAY) is Verdict.VALID  # its last day
        assert (
            await check(view.token, today=(view.expires_on or TODAY) + timedelta(days=1)) is Verdict.EXPIRED
        )
        # A forged token for a card that does not exist, signed with the right secret, is invalid too.
        assert (
            await check(sign_card_token(card_id + 100, view.expires_on or TODAY, SECRET)) is Verdict.INVALID
        )
        assert await check(sign_card_token(card_id, TODAY, SECRET)) is Verdict.INVALID  # another expiry
        await revoke_role(
            session,
            actor=OPERATOR,
            phone="09120000006",
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_name_or_code="1001",
            now=NOW,
        )
        assert await check(view.link) is Verdict.REVOKED
        assert await check(view.token, today=TODAY + timedelta(days=1000)) is Verdict.REVOKED
        with pytest.raises(LookupError):  # no longer the holder's to fetch
            await holder_document(session, person_id=who.manager, document_id=card_id, policy=POLICY)


@pytest.mark.parametrize("raqm", [True, False], ids=["raqm", "reshaper+bidi"])
def test_the_card_is_drawn_with_either_layout_engine(raqm: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.credentials import DocumentView

    if raqm and not card_module.raqm_available():
        pytest.skip("Pillow found no libraqm here")
    monkeypatch.setattr(card_module, "raqm_available", lambda: raqm)
    token = sign_card_token(7, date(2028, 1, 1), SECRET)
    view = DocumentView(
        id=7,
        kind=DocumentKind.CARD,
        number="C-1405-00007",
        holder_id=1,
        name="زهرا احمدی",
        role=Role.COUNCIL_MEMBER,
        neighbourhood="دولت‌آباد",
        county="ری",
        province="تهران",
        issued_at=NOW,
        expires_on=date(2028, 1, 1),
        course_title=None,
        token=token,
        link=POLICY.verify_link(token),
    )
    face = card_face(FA, view)
    card = render_card(face)
    assert qr_links(card.png, jpeg_quality=70) == [POLICY.verify_link(token)]
    # The footer's command reads «/verify» inside the right-to-left line, never «verify/».
    writer = card_module._Writer(ImageDraw.Draw(Image.new("RGB", (1, 1))), rtl=True)
    size = int(writer.fitting(face.footer, False, range(24, 15, -1), CARD_SIZE[0] - 60).size)
    footer, word, slash = footer_band(card.png), latin_line("verify", size), latin_line("/", size)
    at, likeness = best_match(footer, word)
    assert likeness < 8  # the word is there, drawn left to right
    end, reach = at + word.shape[1], slash.shape[1] + 6
    _, before = best_match(footer[:, at - reach : at + 2], slash)
    _, after = best_match(footer[:, end - 2 : end + reach], slash)
    assert before < 2 and after > 6, (before, after)  # the slash on its left, as in «/verify»


async def test_the_holder_s_photo_goes_on_the_card(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        who = await people(session)
        photo = io.BytesIO()
        Image.new("RGB", (900, 600), (200, 30, 30)).save(photo, format="JPEG")
        with pytest.raises(NotAPhoto):
            await set_card_photo(session, person_id=who.manager, image=b"not an image", now=NOW)
        await set_card_photo(session, person_id=who.manager, image=photo.getvalue(), now=NOW)
        await set_card_photo(session, person_id=who.manager, image=photo.getvalue(), now=NOW)  # replaced
        stored = (await session.scalars(select(CardPhoto))).one()
        with Image.open(io.BytesIO(stored.jpeg)) as image:
            assert image.size == (300, 400)
        card_id = (await issue(session, who, who.manager, override_reason="دستور فرماندار"))[1]
        view = await document_view(session, card_id, POLICY)
        assert view.photo == stored.jpeg
        with Image.open(io.BytesIO(render_document(FA, view).data)) as card:
            # The photo's red inside its frame on the right (Persian reads from the right).
            assert card.convert("RGB").getpixel((CARD_SIZE[0] - 150, 300)) == pytest.approx(
                (200, 30, 30), abs=12
            )


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


async def test_the_letter_is_one_a4_page(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with session_factory() as session:
        who = await people(session)
        await completed_manager(session, who)
        letter_id = (await issue(session, who, who.manager))[0]
        rendered = render_document(FA, await document_view(session, letter_id, POLICY))
    assert rendered.filename.endswith(".pdf") and rendered.data.startswith(b"%PDF-")
    assert pdf_pages(rendered.data) == [(595.28, 841.89)]  # one A4 page, in points
    assert b"+Vazirmatn" in rendered.data and b"/FontFile2" in rendered.data  # the font, embedded
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the page was not rendered")
    (tmp_path / "letter.pdf").write_bytes(rendered.data)
    await asyncio.to_thread(
        subprocess.run,
        ["pdftoppm", "-png", "-r", "30", "-singlefile", tmp_path / "letter.pdf", tmp_path / "page"],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as page:
        width, height = page.size  # 210 × 297 mm at 30 dpi: 248 × 351 px, give or take rounding
        assert abs(width - 248) <= 1 and abs(height - 351) <= 1
        assert page.convert("L").getextrema()[0] < 100  # something dark is drawn on it


async def test_the_public_page(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        who = await people(session)
        card_id = (await issue(session, who, who.manager, override_reason="دستور فرماندار"))[1]
    settings = Settings(_env_file=None, card_secret=SECRET.decode())  # type: ignore[call-arg]
    async with session_factory() as session:
        token = (await document_view(session, card_id, settings.credential_policy())).token
    app = web.Application()
    add_verify_route(app, session_factory, settings, clock=lambda: NOW)
    async with TestClient(TestServer(app)) as client:
        response = await client.get(f"/verify/{token}")
        page = await response.text()
        assert response.status == 200 and 'dir="rtl"' in page
        assert FA("verify-page-valid") in page and "دولت‌آباد" in page and FA("role-manager") in page
        assert "0912" not in page and "۰۹۱۲" not in page
        forged = await (await client.get(f"/verify/{token[:-2]}AA")).text()
        assert FA("verify-page-invalid") in forged and "دولت‌آباد" not in forged
        hostile = await (await client.get("/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E")).text()
        assert "<script>" not in hostile
