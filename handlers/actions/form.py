"""The /action form itself: its states, the callback data of its buttons, each step's question
with its keyboard (asked again after bad input), the summary shown before saving, and `ask`,
which moves the form to a step and asks its question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message

from handlers.keyboards import committee_buttons, in_rows, keyboard
from services.actions import MAX_DESCRIPTION_LENGTH, MAX_PHOTOS, MAX_TITLE_LENGTH, MIN_TITLE_LENGTH
from services.council import PROGRAMME_KEYS
from services.i18n import BoundTranslator
from services.jalali import format_jalali_date, format_jalali_numeric

# The committee choice for an action of the whole council (no committee).
WHOLE_COUNCIL = "council"
NO_PROGRAMME = "none"
# Long resolution texts are cut on their button.
BUTTON_TEXT_LIMIT = 40


class ActionForm(StatesGroup):
    title = State()
    description = State()
    committee = State()
    programme = State()
    done_on = State()
    photos = State()
    link = State()
    completes = State()
    visibility = State()
    confirm = State()


class ActionSkip(CallbackData, prefix="acs"):
    # "description" or "photos"
    step: str


class ActionCommittee(CallbackData, prefix="acc"):
    key: str


class ActionProgramme(CallbackData, prefix="acp"):
    key: str


class ActionToday(CallbackData, prefix="act"):
    pass


class ActionLink(CallbackData, prefix="acl"):
    # 0: not linked to a resolution.
    resolution_id: int


class ActionCompletes(CallbackData, prefix="acd"):
    yes: bool


class ActionVisibility(CallbackData, prefix="acv"):
    public: bool


class ActionConfirm(CallbackData, prefix="acf"):
    ok: bool


def _short(text: str, limit: int = BUTTON_TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def committee_label(t: BoundTranslator, key: str | None) -> str:
    return t("action-whole-council") if key in (None, WHOLE_COUNCIL) else t(f"committee-{key}")


def programme_label(t: BoundTranslator, key: str | None) -> str:
    return t("action-no-programme") if key in (None, NO_PROGRAMME) else t(f"programme-{key}")


def photos_done_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    """The button that ends the photos step once a photo was sent."""
    return keyboard([[(t("action-button-photos-done"), ActionSkip(step="photos").pack())]])


# ---- each step's question and keyboard (asked again after bad input) ----

Question = tuple[str, InlineKeyboardMarkup | None]


def _ask_title(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    return t("action-ask-title", min=MIN_TITLE_LENGTH, max=MAX_TITLE_LENGTH), None


def _ask_description(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    markup = keyboard([[(t("action-button-skip"), ActionSkip(step="description").pack())]])
    return t("action-ask-description", max=MAX_DESCRIPTION_LENGTH), markup


def _ask_committee(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    buttons = committee_buttons(t, lambda key: ActionCommittee(key=key).pack())
    buttons.append((t("action-whole-council"), ActionCommittee(key=WHOLE_COUNCIL).pack()))
    return t("action-ask-committee"), keyboard(in_rows(buttons, 2))


def _ask_programme(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    buttons = [(t(f"programme-{key}"), ActionProgramme(key=key).pack()) for key in PROGRAMME_KEYS]
    buttons.append((t("action-no-programme"), ActionProgramme(key=NO_PROGRAMME).pack()))
    return t("action-ask-programme"), keyboard(in_rows(buttons, 2))


def _ask_date(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    markup = keyboard([[(t("action-button-today"), ActionToday().pack())]])
    return t("action-ask-date", example=format_jalali_numeric(today, t.locale)), markup


def _ask_photos(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    label = "action-button-photos-done" if data.get("photos") else "action-button-no-photos"
    markup = keyboard([[(t(label), ActionSkip(step="photos").pack())]])
    return t("action-ask-photos", max=MAX_PHOTOS), markup


def _ask_link(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    rows = [
        [
            (
                t("action-button-resolution", text=_short(text), progress=progress),
                ActionLink(resolution_id=rid).pack(),
            )
        ]
        for rid, text, progress, _can in data.get("choices", [])
    ]
    rows.append([(t("action-button-no-link"), ActionLink(resolution_id=0).pack())])
    return t("action-ask-link"), keyboard(rows)


def _ask_completes(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    return t("action-ask-completes"), keyboard(
        [
            [(t("action-button-completes-yes"), ActionCompletes(yes=True).pack())],
            [(t("action-button-completes-no"), ActionCompletes(yes=False).pack())],
        ]
    )


def _ask_visibility(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    return t("action-ask-visibility"), keyboard(
        [
            [(t("action-button-public"), ActionVisibility(public=True).pack())],
            [(t("action-button-internal"), ActionVisibility(public=False).pack())],
        ]
    )


def _ask_confirm(t: BoundTranslator, data: dict[str, Any], today: date) -> Question:
    return summary(t, data), keyboard(
        [
            [
                (t("action-button-save"), ActionConfirm(ok=True).pack()),
                (t("action-button-discard"), ActionConfirm(ok=False).pack()),
            ]
        ]
    )


_QUESTIONS: dict[str | None, Callable[[BoundTranslator, dict[str, Any], date], Question]] = {
    ActionForm.title.state: _ask_title,
    ActionForm.description.state: _ask_description,
    ActionForm.committee.state: _ask_committee,
    ActionForm.programme.state: _ask_programme,
    ActionForm.done_on.state: _ask_date,
    ActionForm.photos.state: _ask_photos,
    ActionForm.link.state: _ask_link,
    ActionForm.completes.state: _ask_completes,
    ActionForm.visibility.state: _ask_visibility,
}


def step_prompt(t: BoundTranslator, step: str, data: dict[str, Any], today: date) -> Question:
    """The question of `step` (the form's state) and its keyboard; the summary to confirm last."""
    return _QUESTIONS.get(step, _ask_confirm)(t, data, today)


def summary(t: BoundTranslator, data: dict[str, Any]) -> str:
    """The action as it will be saved, for the confirm step."""
    linked = next((c for c in data.get("choices", []) if c[0] == data.get("resolution_id")), None)
    lines = [
        t("action-summary-title", title=data["title"]),
        t("action-summary-description", description=data.get("description") or t("action-none")),
        t("action-summary-committee", committee=committee_label(t, data.get("committee"))),
        t("action-summary-programme", programme=programme_label(t, data.get("programme"))),
        t("action-summary-date", date=format_jalali_date(date.fromisoformat(data["done_on"]), t.locale)),
        t("action-summary-photos", count=len(data.get("photos", []))),
    ]
    if linked is not None:
        lines.append(t("action-summary-link", text=_short(linked[1], 80)))
        if data.get("completes"):
            lines.append(t("action-summary-completes"))
    lines.append(t("action-summary-public" if data.get("public", True) else "action-summary-internal"))
    return t("action-summary-head") + "\n" + "\n".join(lines)


async def ask(
    message: Message, state: FSMContext, t: BoundTranslator, step: State, today: date, prefix: str = ""
) -> None:
    """Move the form to `step` and ask its question (under `prefix`, when given)."""
    await state.set_state(step)
    text, markup = step_prompt(t, step.state or "", await state.get_data(), today)
    await message.answer((prefix + "\n\n" + text) if prefix else text, reply_markup=markup)
