"""The trained request router, kept on disk so a start does not retrain it.

Training the router (:meth:`services.routing.RequestRouter.train`) takes seconds of CPU, more on a
loaded machine; loading a trained one takes a fifth of a second. A router is stored under a key,
the SHA-256 of everything its training reads:

- the labelled examples (the shipped ones plus the corrections handlers made) and the emergency
  verdicts, in order;
- every file under ``data/routing/`` (the examples again, the emergency lexicon, the guide);
- the source of the modules that train and apply it (a changed feature or rule is a new model);
- the versions of Python, scikit-learn, NumPy and SciPy (a pickle is only good for the versions
  that wrote it).

So the same key always means the same model, a changed correction means a new key, and an artefact
can be shared by any number of processes on the machine: writes go to a temporary file renamed
into place, so a reader sees a whole file or none.

The artefacts are pickles. A pickle runs code when it is loaded, so the directory must be the
bot's own (``ROUTER_CACHE_DIR``, by default ``data/cache/router`` in the project), never one that
others can write. A file that fails to load (truncated, written by another version) is treated as
absent: the router is trained again and the file replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import pickle
import platform
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from services import pickle_files
from services.routing_data import ROUTING_DATA_DIR, LabelledExample

if TYPE_CHECKING:
    from services.routing import RequestRouter

__all__ = ["KEEP", "RouterCache", "router_key"]

log = logging.getLogger(__name__)

KEEP = 4  # artefacts kept in the directory (the newest); older ones are removed on store
_SUFFIX = ".router.pickle"
# Imported when a key is made, not with this module: `services.routing` brings NumPy, SciPy and
# scikit-learn, which the bot's start need not wait for (services.routing_data).
_CODE = ("services.routing", "services.routing_data", "services.emergency_detection", "services.persian")


def _feed(digest: hashlib._Hash, *parts: str) -> None:
    for part in parts:
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)


def router_key(
    examples: Sequence[LabelledExample],
    emergency_corrections: Iterable[tuple[str, bool]] = (),
    *,
    data_dir: Path = ROUTING_DATA_DIR,
) -> str:
    """The key of the router `RequestRouter.train(examples, emergency_corrections=…)` would build."""
    import numpy
    import scipy
    import sklearn

    digest = hashlib.sha256()
    _feed(
        digest,
        "versions",
        platform.python_version(),
        sklearn.__version__,
        numpy.__version__,
        scipy.__version__,
    )
    for name in _CODE:
        module = importlib.import_module(name)
        _feed(digest, "code", module.__name__, Path(str(module.__file__)).read_text(encoding="utf-8"))
    for path in sorted(p for p in Path(data_dir).rglob("*") if p.is_file()):
        _feed(digest, "data", path.relative_to(data_dir).as_posix())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for example in examples:
        _feed(digest, "example", example.committee, example.text, repr(example.emergency))
    for text, emergency in emergency_corrections:
        _feed(digest, "verdict", text, repr(emergency))
    return digest.hexdigest()


class RouterCache:
    """Trained routers on disk, one file per key, in `directory` (created when first needed)."""

    def __init__(self, directory: Path | str, *, keep: int = KEEP) -> None:
        self.directory = Path(directory)
        self.keep = keep

    def path(self, key: str) -> Path:
        return self.directory / f"{key}{_SUFFIX}"

    def load(self, key: str) -> RequestRouter | None:
        """The router stored under `key`, or None (none stored, or unreadable)."""
        return self._read(self.path(key))

    def has_any(self) -> bool:
        """Whether any router is stored (without loading one)."""
        return bool(self._artefacts())

    def latest(self) -> RequestRouter | None:
        """The most recently stored router that loads, whatever its key (a stand-in while the
        right one trains)."""
        for path in self._artefacts():
            router = self._read(path)
            if router is not None:
                return router
        return None

    def store(self, key: str, router: RequestRouter) -> None:
        """Keep `router` under `key` (atomically), then remove all but the newest `keep`. A disk
        that refuses is logged, never raised: the router in memory still works."""
        try:
            pickle_files.store(self.path(key), router)
        except OSError as error:
            log.warning("cannot keep the trained router in %s: %s", self.directory, error)
            return
        for stale in self._artefacts()[self.keep :]:
            with contextlib.suppress(OSError):
                stale.unlink()

    def _artefacts(self) -> list[Path]:
        """The stored routers, newest first."""
        return pickle_files.newest(self.directory, _SUFFIX)

    @staticmethod
    def _read(path: Path) -> RequestRouter | None:
        try:
            with path.open("rb") as file:
                router = pickle.load(file)  # our own directory only (module docstring)
        except FileNotFoundError:
            return None
        except Exception as error:  # truncated, or written by other versions: train again
            log.warning("ignoring the unreadable router artefact %s: %s", path.name, error)
            return None
        from services.routing import RequestRouter

        return router if isinstance(router, RequestRouter) else None
