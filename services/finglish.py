"""Finglish: Persian typed in Latin letters («atish gerefte bia zood», «boye gaz miad»), as people
write on a phone without a Persian keyboard. The router and the emergency lexicon read Persian, so
a message written mostly in Latin letters is turned into Persian script word by word before it is
matched (:func:`services.persian.normalise_for_routing` calls :func:`to_persian_script`).

The conversion is the `finglish` package's (a letter-by-letter search for the spelling most
frequent in a Persian word list, plus a dictionary of common words). Its search tries every
spelling of a word, which grows exponentially with the word's vowels and ambiguous letters
(«sasasasasa» has 1.6 million): a word with more than `MAX_SPELLINGS` is looked up in the
dictionary only, and at most `MAX_WORDS` words of a message are converted, so hostile input stays
cheap. A handful of English alarm words («fire», «help») are translated, not spelled.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
from functools import cache, lru_cache
from types import ModuleType

__all__ = ["MAX_SPELLINGS", "MAX_WORDS", "to_persian_script"]

# Spellings tried per word (about 0.5 µs each): «sakhtemoon» has 3,240, «sareshun» 3,780.
MAX_SPELLINGS = 5000
MAX_WORDS = 40

_LATIN_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_PERSIAN_WORD_RE = re.compile(r"[\u0600-\u06ff]+")
# English words residents mix in («FIRE FIRE anbar posht masjed», «help», «plz»).
_ENGLISH = {
    "fire": "آتش",
    "help": "کمک",
    "sos": "کمک",
    "plz": "لطفا",
    "pls": "لطفا",
    "please": "لطفا",
    "emergency": "اورژانس",
    "ambulance": "آمبولانس",
    "police": "پلیس",
    "gas": "گاز",
    "smoke": "دود",
    "flood": "سیل",
    "urgent": "فوری",
}
# Colloquial words the package spells as another word («khoone» → «خون», blood, not home).
_COLLOQUIAL = {
    "boye": "بوی",
    "booye": "بوی",
    "buye": "بوی",
    "khoone": "خونه",
    "khune": "خونه",
    "sakhtemoon": "ساختمون",
    "sakhtemun": "ساختمون",
    "miad": "میاد",
    "miyad": "میاد",
    "nemiad": "نمیاد",
    "omad": "اومد",
    "oomad": "اومد",
    "adam": "آدم",
}


@cache
def _converter() -> ModuleType:
    # The package prints its progress while it loads its word lists.
    with contextlib.redirect_stdout(io.StringIO()):
        return importlib.import_module("finglish.f2p")


def _spellings(converter: ModuleType, word: str) -> int:
    """How many spellings the converter would try for `word` (it tries them all)."""
    total = 0
    for letters in converter.variations(word):
        count = 1
        for i, letter in enumerate(letters):
            table = (
                converter.beginning
                if i == 0
                else converter.ending
                if i == len(letters) - 1
                else converter.middle
            )
            count *= len(table.get(letter, ("",)))
        total += count
        if total > MAX_SPELLINGS:
            break
    return total


@lru_cache(maxsize=8192)
def _word(word: str) -> str:
    lower = word.lower()
    if lower in _ENGLISH:
        return _ENGLISH[lower]
    if lower in _COLLOQUIAL:
        return _COLLOQUIAL[lower]
    converter = _converter()
    known = converter.dictionary.get(lower)
    if known:
        return str(known)
    if len(lower) > 15 or _spellings(converter, lower) > MAX_SPELLINGS:
        return word
    found = converter.f2p_word(lower)
    if not found:
        return word
    persian = str(found[0][0])
    # A final «e» is «ه» in colloquial verbs the word list lacks («nemikeshe» → «نمیکشه», not «نمیکشع»).
    return persian[:-1] + "ه" if lower.endswith("e") and persian.endswith("ع") else persian


def to_persian_script(text: str) -> str:
    """`text` with its Latin words in Persian script when it is written mostly in Latin letters
    (at least two Latin words, and more than Persian ones); otherwise `text` unchanged, so a
    Persian message keeps its English words («آلارم fire alarm ساختمون»)."""
    latin = _LATIN_WORD_RE.findall(text)
    if len(latin) < 2 or len(latin) <= len(_PERSIAN_WORD_RE.findall(text)):
        return text
    converted = 0

    def convert(match: re.Match[str]) -> str:
        nonlocal converted
        converted += 1
        return _word(match.group()) if converted <= MAX_WORDS else match.group()

    return _LATIN_WORD_RE.sub(convert, text)
