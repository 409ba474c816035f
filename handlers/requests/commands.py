"""The ways into the residents' request flows: /request and 📝, /track, /my_requests and 📂.
They have a router of their own, included before every step, because the steps' catch-alls
(«the form expects text», «send the code») would otherwise take a command typed in the middle of
a form: a command always starts its flow afresh."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command

from handlers.menu import MenuPress
from handlers.requests.form import start_request_form
from handlers.requests.tracking import show_my_requests, track


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(start_request_form, Command("request"))
    router.message.register(start_request_form, MenuPress("request"))
    router.message.register(track, Command("track"))
    router.message.register(show_my_requests, Command("my_requests"))
    router.message.register(show_my_requests, MenuPress("my_requests"))
    return router
