"""What the letter and card screens share: their states and buttons, sending a rendered document,
fetching a photo someone sent, and the words of a card's verdict."""

from __future__ import annotations

import asyncio
import io

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message
from aiohttp import ClientError

from handlers.keyboards import keyboard
from models.training import DocumentKind
from services.credentials import DocumentView, HeldDocument, Verdict, Verification, render_document
from services.credentials.qr import MAX_IMAGE_BYTES
from services.i18n import BoundTranslator, Translator
from services.jalali import format_jalali_date


class IssueForm(StatesGroup):
    reason = State()


class CardPhotoForm(StatesGroup):
    photo = State()


class VerifyForm(StatesGroup):
    code = State()


class DocumentRequest(CallbackData, prefix="doc_get"):
    """Brings a document into the holder's chat (`services.credentials.document_buttons` queues
    the same under the holder's notice)."""

    document_id: int


def documents_keyboard(t: BoundTranslator, documents: list[HeldDocument]) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(t(f"document-button-{d.kind.value}"), DocumentRequest(document_id=d.id).pack())]
            for d in documents
        ]
    )


async def send_document(
    message: Message, t: BoundTranslator, translator: Translator, view: DocumentView
) -> None:
    """The letter (PDF) or card (PNG) as a file in the chat, drawn in the deployment's default
    language (an official document, whatever language its holder chats in), off the event loop."""
    official = translator.bind(translator.default_locale)
    rendered = await asyncio.to_thread(render_document, official, view)
    caption = t(f"document-caption-{view.kind.value}", number=view.number)
    # A file, not a photo: the messenger would recompress a photo, and the card is printed.
    await message.answer_document(
        BufferedInputFile(rendered.data, filename=rendered.filename), caption=caption
    )


async def photo_bytes(message: Message, bot: Bot) -> bytes | None:
    """The largest size of the photo in `message`; None when there is none or it can't be had."""
    if not message.photo:
        return None
    photo = message.photo[-1]
    if photo.file_size is not None and photo.file_size > MAX_IMAGE_BYTES:
        return None
    try:
        file = await bot.get_file(photo.file_id)
        if file.file_path is None:
            return None
        buffer = io.BytesIO()
        await bot.download_file(file.file_path, destination=buffer)
    except (TelegramAPIError, ClientError, OSError, TimeoutError):
        return None
    return buffer.getvalue()


def verdict_text(t: BoundTranslator, result: Verification) -> str:
    """What a card is worth, in the reader's language; the holder's name, role and place when the
    card is genuine, never their phone."""
    if result.verdict is Verdict.INVALID or result.role is None:
        return t("verify-invalid")
    expires = format_jalali_date(result.expires_on, t.locale) if result.expires_on else "—"
    return t(
        f"verify-{result.verdict.value}",
        name=result.name or "—",
        role=t(f"role-{result.role.value}"),
        neighbourhood=result.neighbourhood or "—",
        county=result.county or "—",
        number=result.number or "—",
        expires=expires,
    )


def held_lines(t: BoundTranslator, documents: list[HeldDocument]) -> list[str]:
    lines = [t("document-mine-title")]
    for document in documents:
        if document.kind == DocumentKind.CARD and document.expires_on is not None:
            expires = format_jalali_date(document.expires_on, t.locale)
            lines.append(t("document-mine-card", number=document.number, expires=expires))
        else:
            lines.append(t("document-mine-letter", number=document.number))
    return lines
