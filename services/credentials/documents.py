"""Issued documents as they are drawn and checked: the holder's name, role and place, the numbers
and dates, the card's signed token and link, the holder's photo; and the photo itself, which the
holder sends in the chat."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import training_repo
from models.identity import County, Neighbourhood, Person, Province, Role
from models.training import CardPhoto, Course, DocumentKind, IssuedDocument
from services.credentials.policy import CredentialPolicy
from services.credentials.tokens import sign_card_token
from services.uow import committing

__all__ = [
    "PHOTO_SIZE",
    "DocumentView",
    "HeldDocument",
    "NotAPhoto",
    "UnknownDocument",
    "document_view",
    "documents_of",
    "holder_document",
    "set_card_photo",
]

# The card's photo: 3 × 4, stored small (the card draws it at about this size).
PHOTO_SIZE = (300, 400)
# Larger uploads are refused before Pillow decodes them.
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class UnknownDocument(LookupError):
    def __init__(self, document_id: int) -> None:
        super().__init__(f"no document {document_id} here")
        self.document_id = document_id


class NotAPhoto(ValueError):
    """What was sent for the card's photo is not an image Pillow can read."""


@dataclass(frozen=True)
class DocumentView:
    """Everything a letter or card shows."""

    id: int
    kind: DocumentKind
    number: str
    holder_id: int
    name: str
    role: Role
    neighbourhood: str
    county: str
    province: str
    issued_at: datetime
    expires_on: date | None
    # The course it rests on (None when issued by an official's override).
    course_title: str | None
    # Cards only: the signed token, the link in the QR code, the holder's photo (JPEG) if sent.
    token: str | None = None
    link: str | None = None
    photo: bytes | None = None


async def document_view(session: AsyncSession, document_id: int, policy: CredentialPolicy) -> DocumentView:
    """The document with this id, ready to draw; `UnknownDocument`."""
    document = await session.get(IssuedDocument, document_id)
    if document is None or document.number is None:
        raise UnknownDocument(document_id)
    row = (
        await session.execute(
            select(Person.full_name, Neighbourhood.name, County.name, Province.name)
            .select_from(Person)
            .join(Neighbourhood, Neighbourhood.id == document.scope_id)
            .join(County, County.id == Neighbourhood.county_id)
            .join(Province, Province.id == County.province_id)
            .where(Person.id == document.person_id)
        )
    ).one()
    course_title = None
    if document.course_id is not None:
        course_title = await session.scalar(select(Course.title).where(Course.id == document.course_id))
    token = link = photo = None
    if document.kind == DocumentKind.CARD and document.expires_on is not None:
        token = sign_card_token(document.id, document.expires_on, policy.secret)
        link = policy.verify_link(token)
        photo = await session.scalar(select(CardPhoto.jpeg).where(CardPhoto.person_id == document.person_id))
    return DocumentView(
        id=document.id,
        kind=document.kind,
        number=document.number,
        holder_id=document.person_id,
        name=row[0] or "—",
        role=document.role,
        neighbourhood=row[1],
        county=row[2],
        province=row[3],
        issued_at=document.issued_at,
        expires_on=document.expires_on,
        course_title=course_title,
        token=token,
        link=link,
        photo=photo,
    )


async def holder_document(
    session: AsyncSession, *, person_id: int, document_id: int, policy: CredentialPolicy
) -> DocumentView:
    """A document of the person's own, still in force (its role held, not revoked); else
    `UnknownDocument` (a forged button, someone else's, or one no longer valid)."""
    document = await session.get(IssuedDocument, document_id)
    if (
        document is None
        or document.person_id != person_id
        or document.revoked_at is not None
        or not await training_repo.role_still_held(session, document)
    ):
        raise UnknownDocument(document_id)
    return await document_view(session, document_id, policy)


@dataclass(frozen=True)
class HeldDocument:
    id: int
    kind: DocumentKind
    number: str
    expires_on: date | None


async def documents_of(session: AsyncSession, person_id: int) -> list[HeldDocument]:
    """The person's documents still in force (role held, not revoked), newest first."""
    documents = await session.scalars(
        select(IssuedDocument)
        .where(IssuedDocument.person_id == person_id, IssuedDocument.revoked_at.is_(None))
        .order_by(IssuedDocument.id.desc())
    )
    held: list[HeldDocument] = []
    for document in documents.all():
        if document.number and await training_repo.role_still_held(session, document):
            held.append(HeldDocument(document.id, document.kind, document.number, document.expires_on))
    return held


def _card_photo(image: bytes) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError  # imported when a photo comes

    if len(image) > MAX_PHOTO_BYTES:
        raise NotAPhoto("the photo is too large")
    try:
        with Image.open(io.BytesIO(image)) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise NotAPhoto(str(error)) from error
    # Cropped to 3 × 4 around the centre (a face is usually there), then made small.
    fitted = ImageOps.fit(picture, PHOTO_SIZE, method=Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    fitted.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


async def set_card_photo(session: AsyncSession, *, person_id: int, image: bytes, now: datetime) -> None:
    """Keep the person's card photo (cropped to 3 × 4 and shrunk); commits. `NotAPhoto`."""
    jpeg = await asyncio.to_thread(_card_photo, image)  # decoding a photo: off the event loop
    async with committing(session):
        photo = await session.get(CardPhoto, person_id)
        if photo is None:
            session.add(CardPhoto(person_id=person_id, jpeg=jpeg, updated_at=now))
        else:
            photo.jpeg, photo.updated_at = jpeg, now
