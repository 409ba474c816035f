"""A request's attachments: photos and voice notes, as the resident sent them (the messenger's
file ids) and as they are stored on the request (a list of small dicts), at most `MAX_PHOTOS`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_PHOTOS", "Photo", "photos_added", "photos_of", "stored_photos"]

MAX_PHOTOS = 5


@dataclass(frozen=True)
class Photo:
    """An attachment of a request: a photo, or a voice note (`kind` "voice")."""

    platform: str
    file_id: str
    kind: str = "photo"

    def stored(self) -> dict[str, str]:
        row = {"platform": self.platform, "file_id": self.file_id}
        return row if self.kind == "photo" else {**row, "kind": self.kind}


def stored_photos(photos: Sequence[Photo]) -> list[dict[str, str]]:
    """The attachments of a new request as stored: the first `MAX_PHOTOS`."""
    return [p.stored() for p in photos[:MAX_PHOTOS]]


def photos_added(stored: list[dict[str, Any]], photos: Sequence[Photo]) -> list[dict[str, Any]] | None:
    """A request's stored attachments with these added while there is room (a repeated emergency
    fills what the first one lacks); None when there is nothing to add or no room left, so that
    the request is not touched."""
    if photos and len(stored) < MAX_PHOTOS:
        return [*stored, *(p.stored() for p in photos)][:MAX_PHOTOS]
    return None


def photos_of(stored: Iterable[dict[str, Any]]) -> tuple[Photo, ...]:
    """The attachments of a stored request (rows written before voice notes have no `kind`)."""
    return tuple(Photo(p["platform"], p["file_id"], p.get("kind", "photo")) for p in stored)
