"""Issuing a letter and a card from a course's view (📜 under a participant): at once for someone
who completed a qualifying course; otherwise the official is asked why, and the reason goes into
the audit log. The official gets both files and hears who was told; the holder is told through
the outbox, with buttons that bring each document into their chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.courses.view import IssueFor
from handlers.credentials.view import IssueForm, send_document
from handlers.forms import pressed, reask
from handlers.menu import AnyMenuPress
from handlers.reach import told_lines
from models.training import DocumentKind
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.credentials import (
    CourseNotCompleted,
    NotAppointed,
    clean_reason,
    document_view,
    issue_documents,
)
from services.errors import TextTooLong, TextTooShort
from services.i18n import BoundTranslator, Translator
from services.reach import names_of

DeepLink = Callable[[str], Awaitable[str]]


@dataclass(frozen=True)
class Context:
    """What issuing needs from the update, gathered once."""

    session: AsyncSession
    viewer: Viewer
    t: BoundTranslator
    translator: Translator
    clock: Clock
    settings: Settings
    deep_link: DeepLink


async def _issue(message: Message, state: FSMContext, c: Context, person_id: int, reason: str | None) -> None:
    name = (await names_of(c.session, [person_id]))[0]
    policy = c.settings.credential_policy()
    try:
        issued = await issue_documents(
            c.session,
            c.translator,
            actor=Actor.from_viewer(c.viewer),
            person_id=person_id,
            kinds=(DocumentKind.LETTER, DocumentKind.CARD),
            now=c.clock(),
            override_reason=reason,
            card_valid_days=policy.card_valid_days,
        )
    except CourseNotCompleted:
        await state.set_state(IssueForm.reason)
        await state.update_data(person_id=person_id)
        await message.answer(c.t("document-ask-reason", name=name))
        return
    except NotAppointed:
        await state.clear()
        await message.answer(c.t("document-not-appointed", name=name))
        return
    await state.clear()
    views = [await document_view(c.session, document_id, policy) for document_id in issued.document_ids]
    numbers = ", ".join(view.number for view in views)
    if issued.new:
        told = await told_lines(c.session, c.t, issued.told, c.deep_link)
        await message.answer(c.t("document-issued", name=name, numbers=numbers, told=told))
    else:
        await message.answer(c.t("document-issued-again", name=name, numbers=numbers))
    for view in views:
        await send_document(message, c.t, c.translator, view)


async def issue_pressed(
    query: CallbackQuery,
    callback_data: IssueFor,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    settings: Settings,
    deep_link: DeepLink,
) -> None:
    if (message := await pressed(query)) is not None:
        await state.clear()  # a form left open elsewhere gives way
        context = Context(session, viewer, t, translator, clock, settings, deep_link)
        await _issue(message, state, context, callback_data.person_id, None)


async def got_reason(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    settings: Settings,
    deep_link: DeepLink,
) -> None:
    try:
        reason = clean_reason(message.text)
    except TextTooShort as error:
        await reask(message, state, t("document-reason-too-short", min=error.minimum))
        return
    except TextTooLong as error:
        await reask(message, state, t("document-reason-too-long", length=error.length, max=error.maximum))
        return
    person_id = int((await state.get_data())["person_id"])
    context = Context(session, viewer, t, translator, clock, settings, deep_link)
    await _issue(message, state, context, person_id, reason)


async def reason_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("document-reason-expected"))


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(issue_pressed, IssueFor.filter())
    router.message.register(got_reason, StateFilter(IssueForm.reason), *typed)
    router.message.register(
        reason_expected, StateFilter(IssueForm.reason), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    return router
