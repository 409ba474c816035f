"""Helpers for media: image dimension sniffing, sample bytes and MIME guessing."""

from __future__ import annotations

import base64
import mimetypes
import struct

#: A valid 1x1 transparent PNG, handy as default photo bytes.
TINY_PNG: bytes = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return ``(width, height)`` of PNG, GIF or JPEG bytes, or None when unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            seg_len = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + seg_len
    return None


def scaled(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Scale ``(width, height)`` down so the longer side is at most ``max_side``."""
    longest = max(width, height, 1)
    if longest <= max_side:
        return width, height
    factor = max_side / longest
    return max(1, round(width * factor)), max(1, round(height * factor))


def guess_mime(file_name: str | None, content_type: str | None = None) -> str | None:
    """Guess a MIME type from a declared content type or a file name."""
    if content_type and content_type != "application/octet-stream":
        return content_type
    if file_name:
        guessed, _ = mimetypes.guess_type(file_name)
        if guessed:
            return guessed
    return content_type


def extension_for(mime_type: str | None, default: str = "") -> str:
    """Return a file extension (with dot) for a MIME type."""
    if not mime_type:
        return default
    if mime_type == "image/jpeg":
        return ".jpg"
    return mimetypes.guess_extension(mime_type) or default
