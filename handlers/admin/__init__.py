"""Officials' tools in the chat: /grant and /revoke (appoint or remove an official, manager or
liaison by phone, with a short form), and /import_regions (an administrator sends the regions CSV
as a document). The services decide who may do what; the form only offers what they would allow
and saves nothing before the confirmation.

* `appoint`: the /grant and /revoke form's steps; `appoint_view`: its states, buttons, summary;
* `import_regions`: /import_regions and the document it waits for;
* `other_input`: anything else sent in the middle of either form, after both.
"""

from __future__ import annotations

from aiogram import Router

from handlers.admin import appoint, import_regions, other_input
from handlers.admin.appoint_view import (
    ALL_AGENCIES,
    AgencyPick,
    Appoint,
    AppointConfirm,
    NeighbourhoodPick,
    PlacePick,
    RolePick,
    change_text,
    confirm_keyboard,
    neighbourhoods_keyboard,
    place_label,
    places_keyboard,
    roles_keyboard,
    summary,
)
from handlers.admin.import_regions import (
    CSV_MIME_TYPES,
    IMPORT_SIZE_LIMIT,
    IMPORT_SIZE_LIMIT_MB,
    PROBLEMS_SHOWN,
    FileTooLarge,
    ImportRegions,
    looks_like_csv,
    problem_text,
    report_text,
)
from handlers.steps import MATCHES_SHOWN, QUERY_LIMIT

__all__ = [
    "ALL_AGENCIES",
    "CSV_MIME_TYPES",
    "IMPORT_SIZE_LIMIT",
    "IMPORT_SIZE_LIMIT_MB",
    "MATCHES_SHOWN",
    "PROBLEMS_SHOWN",
    "QUERY_LIMIT",
    "AgencyPick",
    "Appoint",
    "AppointConfirm",
    "FileTooLarge",
    "ImportRegions",
    "NeighbourhoodPick",
    "PlacePick",
    "RolePick",
    "change_text",
    "confirm_keyboard",
    "looks_like_csv",
    "neighbourhoods_keyboard",
    "place_label",
    "places_keyboard",
    "problem_text",
    "report_text",
    "roles_keyboard",
    "setup",
    "summary",
]


def setup() -> Router:
    router = Router(name=__name__)
    # The catch-all last: a menu button pressed in the middle of one form reaches the other.
    router.include_routers(appoint.setup(), import_regions.setup(), other_input.setup())
    return router
