"""The council flows' buttons: every callback data class (and so every `cm_…` prefix) in one place,
and the keyboards that both member forms (/add_member and the edit form) ask with: position,
committees, committee head, no national code, ✅ save / ✖ cancel. The liaison form in
`handlers.liaisons` confirms with the same ✅/✖ buttons."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from models.council import CommitteeKey, CouncilPosition
from services.i18n import BoundTranslator

# What the edit form can change, in the order of its buttons ("committees" includes the head seat).
EDITABLE_MEMBER_FIELDS = ("name", "phone", "position", "committees", "national_code")


class PositionPick(CallbackData, prefix="cm_pos"):
    value: str


class CommitteeToggle(CallbackData, prefix="cm_com"):
    key: str  # a committee key, or "done"


class HeadPick(CallbackData, prefix="cm_head"):
    key: str  # a committee key, or "none"


class SkipNationalCode(CallbackData, prefix="cm_nc"):
    pass


class ConfirmMember(CallbackData, prefix="cm_ok"):
    save: bool


class DeactivateMember(CallbackData, prefix="cm_off"):
    member_id: int


class EditMember(CallbackData, prefix="cm_edit"):
    member_id: int


class EditField(CallbackData, prefix="cm_fld"):
    field: str  # one of EDITABLE_MEMBER_FIELDS, "more" (back to the choice) or "cancel"


def position_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t(f"position-{p.value}"), callback_data=PositionPick(value=p.value).pack()
                )
            ]
            for p in CouncilPosition
        ]
    )


def committees_keyboard(selected: list[str], t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if c.value in selected else "") + t(f"committee-{c.value}"),
                callback_data=CommitteeToggle(key=c.value).pack(),
            )
        ]
        for c in CommitteeKey
    ]
    rows.append(
        [InlineKeyboardButton(text=t("button-continue"), callback_data=CommitteeToggle(key="done").pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def head_keyboard(selected: list[str], t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=t(f"committee-{key}"), callback_data=HeadPick(key=key).pack())]
        for key in selected
    ]
    rows.append([InlineKeyboardButton(text=t("button-no-head"), callback_data=HeadPick(key="none").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def skip_keyboard(t: BoundTranslator, label: str = "button-skip") -> InlineKeyboardMarkup:
    """No national code: skipped when adding a member, removed when editing one."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t(label), callback_data=SkipNationalCode().pack())]]
    )


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=t("button-save"), callback_data=ConfirmMember(save=True).pack()),
                InlineKeyboardButton(text=t("button-cancel"), callback_data=ConfirmMember(save=False).pack()),
            ]
        ]
    )
