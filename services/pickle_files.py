"""Pickles kept on disk between starts (the trained router, the parsed message catalogs): written
atomically and listed newest first, so that any number of processes can share a directory.

A pickle runs code when it is loaded: such a directory must be the bot's own, never one that others
can write (see services.routing_cache).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path

__all__ = ["newest", "store"]

_TEMPORARY = ".tmp-"


def store(path: Path, value: object) -> None:
    """Pickle `value` into `path`, whole or not at all: written to a temporary file in the same
    directory (created when needed), then renamed into place, so a reader sees a whole file or
    none. Raises OSError when the disk refuses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY, suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def newest(directory: Path, suffix: str) -> list[Path]:
    """The files of `directory` ending in `suffix`, newest first (none when it does not exist);
    files being written by `store` are left out."""
    stamped: list[tuple[int, Path]] = []
    with contextlib.suppress(OSError):
        for path in directory.glob(f"*{suffix}"):
            if not path.name.startswith(_TEMPORARY):
                with contextlib.suppress(OSError):  # removed meanwhile by another process
                    stamped.append((path.stat().st_mtime_ns, path))
    return [p for _, p in sorted(stamped, key=lambda pair: pair[0], reverse=True)]
