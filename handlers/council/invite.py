"""/invite: a council invitation for the manager to pass on (a one-time link, valid for
`INVITATION_DEFAULT_VALIDITY`), with the residents' joining link of the neighbourhood and, under
it, the same link as a QR poster to print."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council.shared import managed_neighbourhood
from handlers.menu import MenuPress
from handlers.poster import poster_keyboard
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.council import INVITATION_DEFAULT_VALIDITY, create_invitation
from services.i18n import BoundTranslator
from services.jalali import format_datetime
from services.regions import neighbourhood_code, neighbourhood_name
from services.residents import INVITATION_LINK_PREFIX, NEIGHBOURHOOD_LINK_PREFIX

# A /start link to this bot with the given payload (`deep_link` in the handlers' data).
DeepLink = Callable[[str], Awaitable[str]]


async def invite(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    deep_link: DeepLink,
) -> None:
    # A refusal of the service (`PermissionDenied`) is answered by handlers.errors: «not a manager».
    await state.clear()  # a command ends whatever form was open
    neighbourhood_id = managed_neighbourhood(viewer)
    if neighbourhood_id is None:
        await message.answer(t("council-not-manager"))
        return
    now = clock()
    token = await create_invitation(
        session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id, now=now
    )
    code = await neighbourhood_code(session, neighbourhood_id)
    await message.answer(
        t(
            "invite-created",
            name=await neighbourhood_name(session, neighbourhood_id),
            expires=format_datetime(now + INVITATION_DEFAULT_VALIDITY, t.locale),
            link=await deep_link(f"{INVITATION_LINK_PREFIX}{token}"),
            resident_link=await deep_link(f"{NEIGHBOURHOOD_LINK_PREFIX}{code}"),
        ),
        # Under the residents' link: the same link as a QR poster to print.
        reply_markup=poster_keyboard(neighbourhood_id, t),
    )


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(invite, MenuPress("invite"))
    router.message.register(invite, Command("invite"))
    return router
