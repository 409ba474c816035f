"""Implementations of the emulated Bot API methods."""

from __future__ import annotations

import copy
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ApiError, bad_request
from .formatting import apply_parse_mode, parse_bale_markdown, utf16_len
from .media import guess_mime
from .params import UploadedFile
from .state import BotState, ChatState, MessageRecord, SimUser
from .webhook import start_webhook_pusher, stop_webhook_pusher

if TYPE_CHECKING:
    from .server import BotAPIEmulator

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)

MethodFunc = Callable[[BotState, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Handler:
    """A registered Bot API method."""

    canonical: str
    func: MethodFunc


def _int_param(params: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(
                f"{name} is empty" if name != "message_id" else "message identifier is not specified"
            )
        return None
    if isinstance(value, bool):
        raise bad_request(f"wrong {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise bad_request(f"wrong {name} specified")


def _float_param(params: dict[str, Any], name: str) -> float:
    value = params.get(name)
    if isinstance(value, bool) or value is None:
        raise bad_request(f"wrong {name} specified" if value is not None else f"{name} is empty")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"wrong {name} specified") from None


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup object like Telegram does; return it (or None when absent)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad_request(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                actions = [a for a in INLINE_BUTTON_ACTIONS if a in button]
                if not actions:
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and (
                    not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not re.match(r"^(https?|tg)://\S+$", str(url)):
                    raise bad_request("BUTTON_URL_INVALID")
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str) or not text:
                    raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request('can\'t find field "inline_keyboard"')


#: The fields a KeyboardButton has on Bale (Balethon's ReplyKeyboardButton).
PLAIN_KEYBOARD_BUTTON_FIELDS = ("text", "request_contact", "request_location", "web_app")


def plain_reply_keyboard(markup: dict[str, Any]) -> dict[str, Any]:
    """A ReplyKeyboardMarkup as Bale keeps it: only ``keyboard``, and buttons with only the fields
    Bale knows; everything else is dropped (Quirks.plain_reply_keyboard)."""
    rows = [
        [
            button
            if isinstance(button, str)
            else {k: v for k, v in button.items() if k in PLAIN_KEYBOARD_BUTTON_FIELDS}
            for button in row
        ]
        for row in markup["keyboard"]
    ]
    return {"keyboard": rows}


class BotApiMethods:
    """Bot API method implementations bound to an emulator."""

    def __init__(self, emu: BotAPIEmulator) -> None:
        self.emu = emu
        self.registry: dict[str, Handler] = {}
        for name in (
            "getMe",
            "getUpdates",
            "sendMessage",
            "editMessageText",
            "editMessageCaption",
            "editMessageReplyMarkup",
            "deleteMessage",
            "deleteMessages",
            "answerCallbackQuery",
            "sendPhoto",
            "sendDocument",
            "sendLocation",
            "sendContact",
            "sendChatAction",
            "forwardMessage",
            "copyMessage",
            "setMyCommands",
            "deleteMyCommands",
            "getMyCommands",
            "deleteWebhook",
            "setWebhook",
            "getWebhookInfo",
            "getFile",
            "getChat",
            "close",
            "logOut",
            "setMyDescription",
            "setMyShortDescription",
            "setMyName",
            "setChatMenuButton",
            "getMyDescription",
            "getMyShortDescription",
            "getMyName",
            "getChatMenuButton",
        ):
            func = getattr(self, "m_" + name)
            self.registry[name.lower()] = Handler(canonical=name, func=func)

    # ----------------------------------------------------------- helpers
    def _chat_and_record(
        self, state: BotState, params: dict[str, Any], not_found: str
    ) -> tuple[SimUser, ChatState, MessageRecord]:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        user = self.emu.require_private_chat(state, params.get("chat_id"))
        message_id = _int_param(params, "message_id", required=True)
        chat = state.chat(user.id)
        record = chat.records.get(message_id or 0)
        if record is None or record.deleted:
            raise bad_request(not_found)
        return user, chat, record

    def _new_bot_message(
        self, state: BotState, params: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        """Create, record and return (API form) a bot-sent message."""
        user = self.emu.require_private_chat(state, params.get("chat_id"))
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and "keyboard" in markup and state.quirks.plain_reply_keyboard:
            markup = plain_reply_keyboard(markup)
        self.emu.flood_check(state, user.id)
        chat = state.chat(user.id)
        message: dict[str, Any] = {
            "message_id": chat.allocate_message_id(),
            "from": state.to_user(),
            "chat": user.to_chat(),
            "date": int(time.time()),
            **content,
        }
        reply_id = _int_param(params, "reply_to_message_id")
        reply_params = params.get("reply_parameters")
        if reply_id is None and isinstance(reply_params, dict):
            reply_id = _int_param(reply_params, "message_id")
        if reply_id is not None:
            replied = chat.records.get(reply_id)
            if replied is not None and not replied.deleted:
                reply_copy = copy.deepcopy(replied.message)
                reply_copy.pop("reply_to_message", None)
                message["reply_to_message"] = reply_copy
            elif not (isinstance(reply_params, dict) and reply_params.get("allow_sending_without_reply")):
                raise bad_request("message to be replied not found")
        if markup is not None:
            message["reply_markup"] = markup
            if "inline_keyboard" not in markup:
                chat.reply_keyboard = markup
        self.emu.record_message(state, chat, message, "bot")
        logger.debug("bot %s -> chat %s: message %s", state.id, user.id, message["message_id"])
        return self.emu.api_message(message)

    def _formatted(
        self,
        params: dict[str, Any],
        field: str,
        entities_field: str,
        limit: int,
        too_long: str,
        state: BotState | None = None,
    ) -> dict[str, Any]:
        raw = params.get(field)
        if raw is None:
            return {}
        if state is not None and state.quirks.markdown_text:
            # Bale: always Markdown, whatever parse_mode or entities say (see Quirks.markdown_text).
            text, entities = parse_bale_markdown(str(raw), strict=state.quirks.reject_unbalanced_markdown)
        else:
            text, entities = apply_parse_mode(str(raw), params.get("parse_mode"), params.get(entities_field))
        if utf16_len(text) > limit:
            raise bad_request(too_long)
        result: dict[str, Any] = {field: text}
        if entities:
            result[entities_field] = entities
        return result

    def _resolve_file(self, value: Any, kind: str, field_name: str) -> Any:
        if isinstance(value, UploadedFile):
            return value
        if isinstance(value, str) and value:
            if value in self.emu.files:
                return self.emu.files[value]
            if re.match(r"^https?://", value):
                return UploadedFile(
                    field=field_name, filename=value.rsplit("/", 1)[-1], content_type=None, data=b""
                )
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {kind} in the request")

    # ----------------------------------------------------------- methods
    async def m_getMe(self, state: BotState, params: dict[str, Any]) -> Any:
        """getMe."""
        if state.quirks.minimal_get_me:
            return {"id": state.id, "first_name": state.first_name, "username": state.username}
        return {
            **state.to_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def m_getUpdates(self, state: BotState, params: dict[str, Any]) -> Any:
        """getUpdates with offset confirmation and long polling."""
        if state.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int_param(params, "offset")
        limit = _int_param(params, "limit") or 100
        limit = max(1, min(100, limit))
        timeout = params.get("timeout") or 0
        try:
            timeout_s = float(timeout)
        except (TypeError, ValueError):
            raise bad_request("wrong timeout specified") from None
        return await self.emu.get_updates(state, offset, limit, min(timeout_s, 50.0))

    async def m_sendMessage(self, state: BotState, params: dict[str, Any]) -> Any:
        """sendMessage."""
        raw = params.get("text")
        if raw is None or str(raw) == "":
            self.emu.require_private_chat(state, params.get("chat_id"))
            raise bad_request("message text is empty")
        content = self._formatted(params, "text", "entities", MAX_TEXT, "message is too long", state)
        if not content["text"].strip():
            raise bad_request("message text is empty")
        lpo = params.get("link_preview_options")
        if isinstance(lpo, dict):
            content["link_preview_options"] = lpo
        return self._new_bot_message(state, params, content)

    async def m_sendPhoto(self, state: BotState, params: dict[str, Any]) -> Any:
        """sendPhoto (upload, known file_id or URL)."""
        self.emu.require_private_chat(state, params.get("chat_id"))
        source = self._resolve_file(params.get("photo"), "photo", "photo")
        if isinstance(source, UploadedFile):
            sizes = self.emu.make_photo_sizes(source.data, guess_mime(source.filename, source.content_type))
        else:
            group = self.emu.photo_groups.get(source.file_id)
            sizes = (
                copy.deepcopy(group)
                if group
                else [
                    {
                        "file_id": source.file_id,
                        "file_unique_id": source.file_unique_id,
                        "width": source.width or 800,
                        "height": source.height or 600,
                        "file_size": source.file_size,
                    }
                ]
            )
        content: dict[str, Any] = {"photo": sizes}
        content.update(
            self._formatted(
                params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long", state
            )
        )
        return self._new_bot_message(state, params, content)

    async def m_sendDocument(self, state: BotState, params: dict[str, Any]) -> Any:
        """sendDocument (upload, known file_id or URL)."""
        self.emu.require_private_chat(state, params.get("chat_id"))
        source = self._resolve_file(params.get("document"), "document", "document")
        if isinstance(source, UploadedFile):
            mime = guess_mime(source.filename, source.content_type)
            stored = self.emu.new_file(
                source.data, kind="document", mime_type=mime, file_name=source.filename
            )
        else:
            stored = source
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        content: dict[str, Any] = {"document": document}
        content.update(
            self._formatted(
                params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long", state
            )
        )
        return self._new_bot_message(state, params, content)

    async def m_sendLocation(self, state: BotState, params: dict[str, Any]) -> Any:
        """sendLocation."""
        self.emu.require_private_chat(state, params.get("chat_id"))
        lat = _float_param(params, "latitude")
        lon = _float_param(params, "longitude")
        if not -90 <= lat <= 90 or not -180 <= lon <= 180:
            raise bad_request("wrong location specified")
        location: dict[str, Any] = {"latitude": lat, "longitude": lon}
        if params.get("horizontal_accuracy") is not None:
            location["horizontal_accuracy"] = float(params["horizontal_accuracy"])
        return self._new_bot_message(state, params, {"location": location})

    async def m_sendContact(self, state: BotState, params: dict[str, Any]) -> Any:
        """sendContact."""
        self.emu.require_private_chat(state, params.get("chat_id"))
        if not params.get("phone_number") or not params.get("first_name"):
            raise bad_request("phone_number and first_name are required")
        contact = {
            k: params[k] for k in ("phone_number", "first_name", "last_name", "vcard") if params.get(k)
        }
        return self._new_bot_message(state, params, {"contact": contact})

    async def m_forwardMessage(self, state: BotState, params: dict[str, Any]) -> Any:
        """forwardMessage between known private chats."""
        source_user = self.emu.require_private_chat(state, params.get("from_chat_id"))
        record = state.chat(source_user.id).records.get(_int_param(params, "message_id", required=True) or 0)
        if record is None or record.deleted:
            raise bad_request("message to forward not found")
        content = {
            k: copy.deepcopy(v)
            for k, v in record.message.items()
            if k
            not in ("message_id", "from", "chat", "date", "reply_markup", "reply_to_message", "edit_date")
        }
        origin_user = record.message.get("from") or {}
        content["forward_origin"] = {
            "type": "user",
            "sender_user": origin_user,
            "date": record.message["date"],
        }
        content["forward_date"] = record.message["date"]
        return self._new_bot_message(state, {k: v for k, v in params.items() if k != "reply_markup"}, content)

    async def m_copyMessage(self, state: BotState, params: dict[str, Any]) -> Any:
        """copyMessage between known private chats; returns ``{"message_id": N}``."""
        source_user = self.emu.require_private_chat(state, params.get("from_chat_id"))
        record = state.chat(source_user.id).records.get(_int_param(params, "message_id", required=True) or 0)
        if record is None or record.deleted:
            raise bad_request("message to copy not found")
        content = {
            k: copy.deepcopy(v)
            for k, v in record.message.items()
            if k
            not in (
                "message_id",
                "from",
                "chat",
                "date",
                "reply_markup",
                "reply_to_message",
                "edit_date",
                "contact",
            )
        }
        if "caption" in params:
            content.pop("caption_entities", None)
            content.update(
                self._formatted(
                    params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long", state
                )
            )
        if not content:
            raise bad_request("message can't be copied")
        message = self._new_bot_message(state, params, content)
        return {"message_id": message["message_id"]}

    async def m_editMessageText(self, state: BotState, params: dict[str, Any]) -> Any:
        """editMessageText (without reply_markup the inline keyboard is removed, as in Telegram)."""
        _, _, record = self._chat_and_record(state, params, "message to edit not found")
        if record.direction != "bot":
            raise bad_request("message can't be edited")
        if "text" not in record.message:
            raise bad_request("there is no text in the message to edit")
        if not params.get("text"):
            raise bad_request("message text is empty")
        content = self._formatted(params, "text", "entities", MAX_TEXT, "message is too long", state)
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        edited = self._apply_edit(state, record, content, ("text", "entities"), markup)
        if state.quirks.edit_text_stub:
            # Bale: the edit is made, but the answer is a stub, not the message (Quirks.edit_text_stub).
            return {"message_id": 0}
        return edited

    async def m_editMessageCaption(self, state: BotState, params: dict[str, Any]) -> Any:
        """editMessageCaption."""
        _, _, record = self._chat_and_record(state, params, "message to edit not found")
        if record.direction != "bot":
            raise bad_request("message can't be edited")
        if "text" in record.message:
            raise bad_request("there is no caption in the message to edit")
        content = self._formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long", state
        )
        markup = validate_reply_markup(params.get("reply_markup"))
        return self._apply_edit(state, record, content, ("caption", "caption_entities"), markup)

    async def m_editMessageReplyMarkup(self, state: BotState, params: dict[str, Any]) -> Any:
        """editMessageReplyMarkup (no reply_markup removes the inline keyboard)."""
        _, _, record = self._chat_and_record(state, params, "message to edit not found")
        if record.direction != "bot":
            raise bad_request("message can't be edited")
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return self._apply_edit(state, record, {}, (), markup)

    def _apply_edit(
        self,
        state: BotState,
        record: MessageRecord,
        content: dict[str, Any],
        replaced: tuple[str, ...],
        markup: dict[str, Any] | None,
    ) -> Any:
        message = record.message
        old = {k: message.get(k) for k in (*replaced, "reply_markup")}
        new = {k: content.get(k) for k in replaced}
        new["reply_markup"] = markup
        if old == new:
            raise bad_request(NOT_MODIFIED)
        for key in replaced:
            message.pop(key, None)
        message.update(content)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        # Telegram's apps mark a message «edited» when its text or media changed, not when only
        # its inline keyboard did (the server hides that edit: MTProto's `edit_hide`).
        record.edited = record.edited or bool(replaced)
        record.seq = self.emu.next_seq()
        self.emu.notify_changes()
        return self.emu.api_message(message)

    async def m_deleteMessage(self, state: BotState, params: dict[str, Any]) -> Any:
        """deleteMessage (bot or user messages of a private chat)."""
        _, _, record = self._chat_and_record(state, params, "message to delete not found")
        record.deleted = True
        record.seq = self.emu.next_seq()
        self.emu.notify_changes()
        return True

    async def m_deleteMessages(self, state: BotState, params: dict[str, Any]) -> Any:
        """deleteMessages (silently skips missing ones, like Telegram)."""
        user = self.emu.require_private_chat(state, params.get("chat_id"))
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        chat = state.chat(user.id)
        for mid in ids:
            record = chat.records.get(int(mid))
            if record is not None and not record.deleted:
                record.deleted = True
                record.seq = self.emu.next_seq()
        self.emu.notify_changes()
        return True

    async def m_answerCallbackQuery(self, state: BotState, params: dict[str, Any]) -> Any:
        """answerCallbackQuery (answering twice or an unknown id gives 400, like Telegram)."""
        query_id = str(params.get("callback_query_id") or "")
        record = state.callbacks.get(query_id)
        if record is None or record.answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = {
            k: params[k] for k in ("text", "show_alert", "url", "cache_time") if params.get(k) is not None
        }
        record.answered = True
        record.answer = answer
        chat = state.chat(record.chat_id)
        chat.callback_answers.append(
            {
                "seq": self.emu.next_seq(),
                "callback_query_id": query_id,
                "message_id": record.message_id,
                **answer,
            }
        )
        self.emu.notify_changes()
        return True

    async def m_sendChatAction(self, state: BotState, params: dict[str, Any]) -> Any:
        """sendChatAction."""
        self.emu.require_private_chat(state, params.get("chat_id"))
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def m_setMyCommands(self, state: BotState, params: dict[str, Any]) -> Any:
        """setMyCommands."""
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for cmd in commands:
            name = cmd.get("command") if isinstance(cmd, dict) else None
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            desc = cmd.get("description")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        state.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def m_deleteMyCommands(self, state: BotState, params: dict[str, Any]) -> Any:
        """deleteMyCommands."""
        state.commands.pop(self._commands_key(params), None)
        return True

    async def m_getMyCommands(self, state: BotState, params: dict[str, Any]) -> Any:
        """getMyCommands."""
        return copy.deepcopy(state.commands.get(self._commands_key(params), []))

    async def m_deleteWebhook(self, state: BotState, params: dict[str, Any]) -> Any:
        """deleteWebhook (``drop_pending_updates`` clears the queue)."""
        state.webhook_url = ""
        stop_webhook_pusher(state)
        if params.get("drop_pending_updates"):
            state.pending.clear()
        return True

    async def m_setWebhook(self, state: BotState, params: dict[str, Any]) -> Any:
        """setWebhook: updates are then POSTed to the URL (plain http is allowed, for local
        tests), with the secret token header unless the bot's quirks drop it; getUpdates answers 409."""
        url = str(params.get("url") or "")
        if url and not url.startswith("https://") and not url.startswith("http://"):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        state.webhook_url = url
        if state.quirks.webhook_url_only:
            # Bale reads only the url (Quirks.webhook_url_only): no secret, nothing dropped.
            state.webhook_secret = ""
        else:
            state.webhook_secret = str(params.get("secret_token") or "")
            if params.get("drop_pending_updates"):
                state.pending.clear()
        stop_webhook_pusher(state)
        if url:
            start_webhook_pusher(self.emu, state)
        return True

    async def m_getWebhookInfo(self, state: BotState, params: dict[str, Any]) -> Any:
        """getWebhookInfo."""
        return {
            "url": state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(state.pending),
        }

    async def m_getFile(self, state: BotState, params: dict[str, Any]) -> Any:
        """getFile."""
        stored = self.emu.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_file()

    async def m_getChat(self, state: BotState, params: dict[str, Any]) -> Any:
        """getChat for private chats with known users."""
        numeric = _int_param(params, "chat_id", required=True)
        user = self.emu.users.get(numeric or 0)
        if user is None:
            raise bad_request("chat not found")
        return {
            **user.to_chat(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def m_close(self, state: BotState, params: dict[str, Any]) -> Any:
        """close."""
        return True

    async def m_logOut(self, state: BotState, params: dict[str, Any]) -> Any:
        """logOut."""
        return True

    async def _set_setting(self, state: BotState, params: dict[str, Any], name: str) -> Any:
        state.settings[(name, str(params.get("language_code") or ""))] = params.get(name)
        return True

    def _get_setting(self, state: BotState, params: dict[str, Any], name: str) -> Any:
        return state.settings.get((name, str(params.get("language_code") or ""))) or ""

    async def m_setMyDescription(self, state: BotState, params: dict[str, Any]) -> Any:
        """setMyDescription."""
        return await self._set_setting(state, params, "description")

    async def m_setMyShortDescription(self, state: BotState, params: dict[str, Any]) -> Any:
        """setMyShortDescription."""
        return await self._set_setting(state, params, "short_description")

    async def m_setMyName(self, state: BotState, params: dict[str, Any]) -> Any:
        """setMyName."""
        return await self._set_setting(state, params, "name")

    async def m_getMyDescription(self, state: BotState, params: dict[str, Any]) -> Any:
        """getMyDescription."""
        return {"description": self._get_setting(state, params, "description")}

    async def m_getMyShortDescription(self, state: BotState, params: dict[str, Any]) -> Any:
        """getMyShortDescription."""
        return {"short_description": self._get_setting(state, params, "short_description")}

    async def m_getMyName(self, state: BotState, params: dict[str, Any]) -> Any:
        """getMyName."""
        return {"name": self._get_setting(state, params, "name") or state.first_name}

    async def m_setChatMenuButton(self, state: BotState, params: dict[str, Any]) -> Any:
        """setChatMenuButton."""
        state.settings[("menu_button", str(params.get("chat_id") or ""))] = params.get("menu_button")
        return True

    async def m_getChatMenuButton(self, state: BotState, params: dict[str, Any]) -> Any:
        """getChatMenuButton."""
        return state.settings.get(("menu_button", str(params.get("chat_id") or ""))) or {"type": "commands"}
