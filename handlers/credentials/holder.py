"""The holder's side: a button under the «issued» notice (or /my_documents) brings the letter or
card into the chat, drawn afresh; /card_photo takes the photo the card shows from then on."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.credentials.view import (
    CardPhotoForm,
    DocumentRequest,
    documents_keyboard,
    held_lines,
    photo_bytes,
    send_document,
)
from handlers.forms import pressed, reask
from handlers.menu import AnyMenuPress
from models.training import DocumentKind
from services.accounts import Viewer
from services.clock import Clock
from services.credentials import NotAPhoto, appointments_of, documents_of, holder_document, set_card_photo
from services.i18n import BoundTranslator, Translator


async def document_requested(
    query: CallbackQuery,
    callback_data: DocumentRequest,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    settings: Settings,
) -> None:
    message = await pressed(query)
    if viewer.person_id is None or message is None:
        return
    # Someone else's, a forged id, or a document no longer in force: «no longer available»
    # (services.credentials.UnknownDocument, answered in handlers.errors).
    view = await holder_document(
        session,
        person_id=viewer.person_id,
        document_id=callback_data.document_id,
        policy=settings.credential_policy(),
    )
    await send_document(message, t, translator, view)


async def my_documents(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()
    documents = await documents_of(session, viewer.person_id) if viewer.person_id else []
    if not documents:
        await message.answer(t("document-none"))
        return
    await message.answer("\n".join(held_lines(t, documents)), reply_markup=documents_keyboard(t, documents))


async def ask_photo(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()
    if viewer.person_id is None or not await appointments_of(session, viewer.person_id):
        await message.answer(t("photo-not-appointed"))
        return
    await state.set_state(CardPhotoForm.photo)
    await message.answer(t("photo-ask"))


async def got_photo(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    bot: Bot,
) -> None:
    image = await photo_bytes(message, bot)
    if image is None or viewer.person_id is None:
        await reask(message, state, t("photo-unreadable"))
        return
    try:
        await set_card_photo(session, person_id=viewer.person_id, image=image, now=clock())
    except NotAPhoto:
        await reask(message, state, t("photo-unreadable"))
        return
    await state.clear()
    documents = await documents_of(session, viewer.person_id)
    cards = [d for d in documents if d.kind == DocumentKind.CARD]
    await message.answer(t("photo-saved"), reply_markup=documents_keyboard(t, cards) if cards else None)


async def photo_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("photo-expected"))


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(document_requested, DocumentRequest.filter())
    router.message.register(my_documents, Command("my_documents"))
    router.message.register(ask_photo, Command("card_photo"))
    router.message.register(got_photo, StateFilter(CardPhotoForm.photo), F.photo)
    router.message.register(
        photo_expected, StateFilter(CardPhotoForm.photo), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    return router
