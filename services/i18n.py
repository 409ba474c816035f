"""Message catalogs (Fluent `.ftl` files under `locales/<lang>/`) and locale resolution."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax.ast import Resource

from services import pickle_files
from services.persian import isolate_ltr

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SUPPORTED_LOCALES = ("fa", "en")
DEFAULT_LOCALE = "fa"

LIST_SEPARATORS = {"fa": "، ", "en": ", "}

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def resolve_locale(stored: str | None, language_code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """The user's choice wins; then the messenger's language; then the default (fa)."""
    if stored in SUPPORTED_LOCALES:
        return stored
    if language_code:
        primary = language_code.split("-")[0].lower()
        if primary in SUPPORTED_LOCALES:
            return primary
    return default if default in SUPPORTED_LOCALES else DEFAULT_LOCALE


class Translator:
    """Loads every catalog once; `get(locale, key, **args)` renders a message."""

    def __init__(
        self,
        locales_dir: Path = LOCALES_DIR,
        default_locale: str = DEFAULT_LOCALE,
        *,
        cache_dir: Path | None = None,
    ) -> None:
        """`cache_dir`: where parsed catalogs are kept between starts (see `_parsed`); none by
        default, the bot passes its own."""
        self.default_locale = default_locale
        self._bundles: dict[str, FluentBundle] = {}
        files = 0
        for locale in SUPPORTED_LOCALES:
            # Fluent would wrap every argument in FSI…PDI; only numbers need isolating (done in
            # `_prepare_args`), and fewer invisible marks in names and texts is safer on old fonts.
            bundle = FluentBundle([locale], use_isolating=False)
            for path in sorted((locales_dir / locale).glob("*.ftl")):
                files += 1
                stat = path.stat()
                bundle.add_resource(_parsed(path, stat.st_mtime_ns, stat.st_size, cache_dir))
            self._bundles[locale] = bundle
        if cache_dir is not None:
            _prune(cache_dir, keep=3 * files)
        # A message without arguments always renders the same: rendered once (menus, help).
        self._plain: dict[tuple[str, str], str] = {}

    def has(self, locale: str, key: str) -> bool:
        return self._bundles[locale].has_message(key)

    def get(self, locale: str, key: str, **args: Any) -> str:
        if not args and (plain := self._plain.get((locale, key))) is not None:
            return plain
        bundle = self._bundles.get(locale) or self._bundles[self.default_locale]
        if not bundle.has_message(key):
            log.error("missing message %s in %s", key, locale)
            bundle = self._bundles[self.default_locale]
            if not bundle.has_message(key):
                return key
        message = bundle.get_message(key)
        if message.value is None:
            return key
        text, errors = bundle.format_pattern(message.value, _prepare_args(locale, args))
        for error in errors:
            log.error("formatting %s/%s: %s", locale, key, error)
        if not args and not errors:
            self._plain[(locale, key)] = str(text)
        return str(text)

    def bind(self, locale: str) -> BoundTranslator:
        return BoundTranslator(self, locale)

    def template(self, locale: str, key: str, names: tuple[str, ...]) -> Template | None:
        """`key` split at its arguments `names`, for rendering it many times without Fluent: None
        when that cannot give Fluent's text (an argument used twice or not at all, or chosen
        between by a selector)."""
        marks = {name: f"\ue000{i}\ue001" for i, name in enumerate(names)}
        text = self.get(locale, key, **marks)
        if any(text.count(mark) != 1 for mark in marks.values()):
            return None
        found = sorted((text.index(marks[name]), name) for name in names)
        pieces: list[str] = []
        at = 0
        for position, name in found:
            pieces.append(text[at:position])
            at = position + len(marks[name])
        pieces.append(text[at:])
        return Template(locale, tuple(pieces), tuple(name for _, name in found))


@lru_cache(maxsize=512)
def _parsed(path: Path, mtime_ns: int, size: int, cache_dir: Path | None = None) -> Resource:
    """A catalog file parsed once per process (Fluent's parser is pure Python: a quarter to half
    a second for all of them, at every start); the bot and its scheduler each make a Translator.
    An edited file (another mtime or size) is parsed again. Bundles only read a resource, so
    sharing one is safe.

    With `cache_dir`, the parsed file is also kept there between starts, as a pickle named after
    the SHA-256 of its text and of the Python and fluent.syntax versions (loading them all takes
    a third of the parsing). A pickle runs code when loaded: the directory must be the bot's own,
    as the router cache's (services.routing_cache). A file that does not load is parsed again."""
    text = path.read_text(encoding="utf-8")
    if cache_dir is None:
        return FluentResource(text)
    digest = hashlib.sha256(f"{_PARSER}\0{text}".encode()).hexdigest()
    stored = cache_dir / f"{digest}{_PARSED_SUFFIX}"
    try:
        with stored.open("rb") as file:
            resource = pickle.load(file)  # the bot's own directory only (above)
        if isinstance(resource, Resource):
            return resource
    except FileNotFoundError:
        pass
    except Exception as error:  # truncated, or another version's: parse again
        log.warning("ignoring the unreadable parsed catalog %s: %s", stored.name, error)
    resource = FluentResource(text)
    _store(stored, resource)
    return resource


_PARSER = f"python {sys.version_info[0]}.{sys.version_info[1]} fluent.syntax {version('fluent.syntax')}"
_PARSED_SUFFIX = ".ftl.pickle"


def _prune(cache_dir: Path, keep: int) -> None:
    """Remove all but the `keep` newest parsed catalogs (those of edited files pile up)."""
    for stale in pickle_files.newest(cache_dir, _PARSED_SUFFIX)[keep:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _store(path: Path, resource: Resource) -> None:
    """Keep `resource` in `path`; a disk that refuses is logged, never raised."""
    try:
        pickle_files.store(path, resource)
    except OSError as error:
        log.warning("cannot keep the parsed catalog in %s: %s", path.parent, error)


@dataclass(frozen=True)
class Template:
    """A message's text between its arguments (`Translator.template`): rendering fills them in,
    prepared as Fluent's are (`_prepare_args`), with the same result at a fraction of the cost."""

    locale: str
    pieces: tuple[str, ...]
    names: tuple[str, ...]

    def __call__(self, **args: Any) -> str:
        return self.fill(**_prepare_args(self.locale, args))

    def fill(self, **prepared: Any) -> str:
        """The text with arguments already prepared (`prepare_value`): a caller rendering many
        lines from few distinct names and dates prepares each of those once."""
        parts = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:], strict=True):
            parts.append(str(prepared[name]))
            parts.append(piece)
        return "".join(parts)


@dataclass(frozen=True)
class BoundTranslator:
    """A translator fixed to one locale: handlers call `t("key", name=...)`."""

    translator: Translator
    locale: str

    def __call__(self, key: str, **args: Any) -> str:
        return self.translator.get(self.locale, key, **args)

    def join(self, items: Iterable[str]) -> str:
        """A list as the language writes it: «الف، ب» in Persian, "a, b" in English."""
        return LIST_SEPARATORS.get(self.locale, ", ").join(items)


class Dialable(str):
    """A number people tap to call (an emergency service): Latin digits in every language, since
    Telegram and Bale turn only those into a phone link."""

    __slots__ = ()


_DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"
# Wholly numeric values: counts, codes, phones, numeric dates, ranges («۱۰–۲۰»).
_NUMERIC = re.compile(rf"\+?[{_DIGIT}][{_DIGIT} +\-/:.,\u2013]*")
# Groups joined by a single «,» «.» «/» or «:» stay in order by themselves (UAX #9, rule W4):
# «۱۴۰۳/۰۷/۱۵», «۱۴:۰۵», "12,500", «۳٫۸» (the decimal point is an Arabic number's own). A dash,
# a plus, a space or an en dash does not hold them.
_HOLDS_TOGETHER = re.compile(rf"[{_DIGIT}]+(?:[,./:\u066b][{_DIGIT}]+)*")
# A decimal fraction («3.8», an average, a percentage): Persian writes its point as «٫» (U+066B).
_DECIMAL = re.compile(rf"[{_DIGIT}]+\.[{_DIGIT}]+")
PERSIAN_DECIMAL_POINT = "\u066b"


def prepare_value(locale: str, value: Any) -> Any:
    """One message argument as the catalog renders it (digits, isolation): see `_prepare_args`."""
    return _prepare_args(locale, {"value": value})["value"]


def _prepare_args(locale: str, args: Mapping[str, Any]) -> dict[str, Any]:
    # Numbers are rendered here, not by Fluent's number formatter, so Persian always gets Persian
    # digits. Only values that are wholly numeric (counts, phones, dates) are converted: a link or
    # a token with digits in it must reach the user exactly as it is. A number whose groups a
    # right-to-left line would show in reverse (the tracking code «۷۷۸-۴۳۴-۵۶۵» read as
    # ۵۶۵-۴۳۴-۷۷۸, «+۹۸…», a range) is isolated here, once for every message; the others stay
    # bare (fewer invisible marks, and a phone number remains a link).
    prepared: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and _NUMERIC.fullmatch(value):
            if locale == "fa" and not isinstance(value, Dialable):
                value = value.translate(_PERSIAN_DIGITS)
                if _DECIMAL.fullmatch(value):
                    value = value.replace(".", PERSIAN_DECIMAL_POINT)
            if not _HOLDS_TOGETHER.fullmatch(value):
                value = isolate_ltr(value)
        prepared[name] = value
    return prepared
