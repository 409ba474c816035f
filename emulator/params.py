"""Decoding of Bot API request parameters from query string, JSON, urlencoded and multipart bodies."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import bad_request

logger = logging.getLogger(__name__)

#: Fields that are always strings; their values are never JSON-decoded.
STRING_FIELDS: frozenset[str] = frozenset(
    {
        "text",
        "caption",
        "data",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "parse_mode",
        "url",
        "action",
        "emoji",
        "title",
        "description",
        "short_description",
        "name",
        "language_code",
        "file_id",
        "business_connection_id",
        "secret_token",
        "ip_address",
        "query",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "message_effect_id",
        "file_path",
        "certificate",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
        "thumbnail",
        "video_note",
        "sticker",
        "switch_pm_text",
        "switch_pm_parameter",
        "next_offset",
        "sticker_set_name",
        "custom_title",
        "invite_link",
        "start_parameter",
        "payload",
        "provider_token",
        "currency",
    }
)

#: Fields that hold JSON objects/arrays; string values for these are JSON-decoded.
JSON_FIELDS: frozenset[str] = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "permissions",
        "rights",
        "menu_button",
        "prices",
        "explanation_entities",
        "options",
        "reaction",
    }
)

#: Fields that may carry an uploaded file (``attach://name`` or a direct file part).
FILE_FIELDS: frozenset[str] = frozenset(
    {"photo", "document", "audio", "video", "voice", "animation", "thumbnail", "video_note", "sticker"}
)


@dataclass
class UploadedFile:
    """A file part received in a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    def describe(self) -> dict[str, Any]:
        """Return a JSON-friendly description (without the bytes)."""
        return {
            "upload": True,
            "field": self.field,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
        }


def decode_value(key: str, value: Any) -> Any:
    """Decode one form/query value the way the Bot API does.

    Strings in :data:`STRING_FIELDS` are returned unchanged; everything else is JSON
    decoded when possible (numbers, booleans, objects), falling back to the raw string.
    """
    if not isinstance(value, str):
        return value
    if key in STRING_FIELDS:
        return value
    stripped = value.strip()
    if stripped in ("True", "False"):
        return stripped == "True"
    try:
        return json.loads(stripped)
    except ValueError:
        if key in JSON_FIELDS:
            raise bad_request(f"can't parse {key} JSON object") from None
        return value


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode a mapping of raw (string) parameters into typed values."""
    return {key: decode_value(key, value) for key, value in raw.items()}


def resolve_attachments(params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Replace ``attach://<name>`` references and direct file parts by :class:`UploadedFile` objects."""

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("attach://"):
            name = value[len("attach://") :]
            if name in files:
                return files[name]
            raise bad_request(f"file attachment {name!r} not found in the request")
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    result = {key: resolve(value) for key, value in params.items()}
    for name, upload in files.items():
        if name in FILE_FIELDS and name not in result:
            result[name] = upload
    return result


async def read_request_params(request: web.Request) -> dict[str, Any]:
    """Read all Bot API parameters of ``request`` (query string + body) into a typed dict."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    json_params: dict[str, Any] = {}
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON request body") from None
            if body is not None and not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            json_params = body or {}
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        data=value.file.read(),
                    )
                else:
                    raw[key] = value
        else:
            body_bytes = await request.read()
            if body_bytes.strip():
                try:
                    parsed = json.loads(body_bytes)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    json_params = parsed
    params = decode_params(raw)
    for key, value in json_params.items():
        if key in JSON_FIELDS and isinstance(value, str):
            value = decode_value(key, value)
        params[key] = value
    return resolve_attachments(params, files)


def jsonable(value: Any) -> Any:
    """Convert decoded params (which may contain :class:`UploadedFile`) into JSON-friendly data."""
    if isinstance(value, UploadedFile):
        return value.describe()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return {"bytes": len(value)}
    return value
