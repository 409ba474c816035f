"""Persian text helpers: digit conversion, input normalisation and search folding.

Pure Python (no aiogram) so it can be used from handlers, services and tests alike.
"""

from __future__ import annotations

import re
import unicodedata

from services.finglish import to_persian_script

__all__ = [
    "LRI",
    "PDI",
    "excerpt",
    "fold_for_search",
    "isolate_ltr",
    "normalise_for_routing",
    "normalize_digits",
    "normalize_text",
    "to_persian_digits",
]

_ASCII_DIGITS = "0123456789"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0..U+06F9 (Extended Arabic-Indic)
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669 (Arabic-Indic)

ZWNJ = "\u200c"
LRI = "\u2066"  # left-to-right isolate
PDI = "\u2069"  # pop directional isolate

_TO_ASCII_DIGITS = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, _ASCII_DIGITS * 2)
_TO_PERSIAN_DIGITS = str.maketrans(_ASCII_DIGITS, _PERSIAN_DIGITS)

# Invisible characters that carry no meaning in stored user input.  ZWNJ (U+200C) is
# deliberately absent: it is part of correct Persian spelling and handled separately.
_INVISIBLE_CHARS = (
    "\u00ad"  # soft hyphen
    "\u061c"  # Arabic letter mark
    "\u200b"  # zero width space
    "\u200d"  # zero width joiner (usually a mistyped ZWNJ or emoji glue; drop it)
    "\u200e\u200f"  # LRM / RLM, often pasted around numbers
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings / overrides
    "\u2060"  # word joiner
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff"  # BOM / zero width no-break space
)
_ARABIC_DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"  # harakat + superscript alef
_TATWEEL = "\u0640"

# Conservative letter unification: only Arabic code points that render identically to
# the Persian letter and are produced by Arabic keyboards / old Windows layouts.
# Letters such as ة, أ, ؤ, ئ are legitimate in Persian spelling (e.g. «مسئول»), so they
# are left alone here and only folded in fold_for_search().
_NORMALIZE_TABLE: dict[int, int | str | None] = {
    ord("ي"): "ی",  # U+064A Arabic yeh
    ord("ى"): "ی",  # U+0649 Alef maksura
    ord("ك"): "ک",  # U+0643 Arabic kaf
}
_NORMALIZE_TABLE.update(_TO_ASCII_DIGITS)
_NORMALIZE_TABLE.update(dict.fromkeys(map(ord, _INVISIBLE_CHARS + _ARABIC_DIACRITICS + _TATWEEL)))

# Prose (requests, notes, resolutions, comments) keeps the writer's digits: a Persian reader who
# typed «۵۰ نهال» must see it back in Persian digits. Arabic-Indic digits become the Persian forms.
_PROSE_TABLE: dict[int, int | str | None] = {
    key: value for key, value in _NORMALIZE_TABLE.items() if chr(key) not in _PERSIAN_DIGITS + _ARABIC_DIGITS
}
_PROSE_TABLE.update(str.maketrans(_ARABIC_DIGITS, _PERSIAN_DIGITS))

# Looser mapping used only for comparison keys, never for stored text.
_FOLD_TABLE: dict[int, int | str | None] = {
    ord("آ"): "ا",
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("ٱ"): "ا",  # alef wasla
    ord("ؤ"): "و",
    ord("ئ"): "ی",
    ord("ة"): "ه",
    ord("ۀ"): "ه",  # heh with yeh above (ezafe)
    ord("\u0653"): None,  # combining maddah (decomposed آ)
    ord("\u0654"): None,  # combining hamza above (decomposed ۀ / أ)
    ord("\u0655"): None,  # combining hamza below
    ord(ZWNJ): None,
}

_WHITESPACE_RE = re.compile(r"\s+")
_ZWNJ_RUN_RE = re.compile(ZWNJ + "+")


def normalize_digits(s: str) -> str:
    """Convert Persian and Arabic-Indic digits in ``s`` to ASCII digits."""
    return s.translate(_TO_ASCII_DIGITS)


def to_persian_digits(s_or_int: str | int) -> str:
    """Convert ASCII digits (in a string or an int) to Persian digits for display."""
    return str(s_or_int).translate(_TO_PERSIAN_DIGITS)


def isolate_ltr(text: str) -> str:
    """`text` between LRI and PDI, shown left to right as one unit wherever it stands.

    In a right-to-left line the groups of «۷۷۸-۴۳۴-۵۶۵» (or «+۹۸ ۹۱۲», «۱۰–۲۰») are otherwise laid
    out right to left, so the reader sees ۵۶۵-۴۳۴-۷۷۸. Already isolated text is left as it is.
    The marks are invisible and dropped again by `normalize_text` when a reader pastes them back.
    """
    if text.startswith(LRI) and text.endswith(PDI):
        return text
    return f"{LRI}{text}{PDI}"


def _is_letter(ch: str) -> bool:
    # Marks count as letters so a ZWNJ after a kept combining sign (e.g. hamza above)
    # still sits "between letters".
    return unicodedata.category(ch)[0] in "LM"


def _fix_zwnj(match: re.Match[str]) -> str:
    s = match.string
    start, end = match.span()
    if start > 0 and end < len(s) and _is_letter(s[start - 1]) and _is_letter(s[end]):
        return ZWNJ
    return ""


def normalize_text(s: str) -> str:
    """Normalise user input for storage and comparison.

    Unifies Arabic yeh/kaf with their Persian forms, drops tatweel, harakat and invisible
    control characters, converts all digits to ASCII, keeps a single ZWNJ only between two
    letters and collapses whitespace to single spaces (newlines included).
    """
    s = s.translate(_NORMALIZE_TABLE)
    # ZWNJ before whitespace collapsing: a ZWNJ wedged between spaces is removed and the
    # spaces around it must then merge into one.
    s = _ZWNJ_RUN_RE.sub(_fix_zwnj, s)
    return _WHITESPACE_RE.sub(" ", s).strip()


_BLANKS_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def normalize_prose(s: str) -> str:
    """Normalise free text written by people (a request, a note, a comment) for storage.

    Like `normalize_text` (yeh/kaf unified, invisible marks, tatweel and harakat dropped, ZWNJ only
    between letters) but the digits stay as typed (Arabic-Indic ones become Persian) and line
    breaks are kept: runs of spaces become one, and at most one blank line separates paragraphs.
    """
    s = s.translate(_PROSE_TABLE).replace("\r\n", "\n").replace("\r", "\n")
    s = _ZWNJ_RUN_RE.sub(_fix_zwnj, s)
    lines = [_BLANKS_RE.sub(" ", line).strip() for line in s.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def excerpt(text: str, limit: int = 40) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters with «…» when
    longer (a word longer than half the limit is cut inside)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,،؛:;!?؟-—") + "…"


def fold_for_search(s: str) -> str:
    """Return a loose comparison key: normalised, case-folded, without spaces or ZWNJ.

    "کم برخوردار", "کم‌برخوردار" and "کمبرخوردار" all fold to the same key, because
    Persian users split compound words inconsistently.
    """
    s = normalize_text(s).translate(_FOLD_TABLE).lower()
    return _WHITESPACE_RE.sub("", s)


# --- request routing and emergency matching ---

_NON_WORD_RE = re.compile(r"[\W_]+")
# Emojis that say what a message is about («🔥🔥 پلاک ۹»، «🆘»): for the emergency rules
# (`normalise_for_routing(…, emojis=True)`), each becomes a word of its own, in Latin letters so
# that it never meets a Persian word, which the lexicon names by the emoji itself. A fire emoji is
# not the word «آتش»: «وام گرفتم 🔥» is praise, not a fire. The models do not see them: trained on
# a few rows where 🔥 was mostly a fire, the learned model took «وام گرفتم 🔥» for one (0.76). Only
# the emojis the lexicon names are here; the others go with the punctuation.
_EMOJI_WORDS = str.maketrans(
    {
        "🔥": " emojifire ",
        "🚒": " emojibrigade ",
        "🚑": " emojiambulance ",
        "🆘": " emojisos ",
    }
)
_ROUTING_WHITESPACE_RE = re.compile(r"\s+")
# Colloquial stretching: "سلاااام", "خرابهههه" (letters only; "1000" keeps its zeros).
_STRETCHED_RE = re.compile(r"([^\W\d_])\1{2,}")
# Bound morphemes that people write with a ZWNJ, a space or nothing at all: verb prefixes
# می/نمی and plural/comparative/enclitic suffixes. Joined to their word, so that
# "می خواهم", "می‌خواهم" and "میخواهم" (and "خانه ها", "خانه‌ها", "خانهها") come out alike.
_PREFIX_RE = re.compile(r"(?<!\w)(ن?می) (?=\w)")
_SUFFIX_RE = re.compile(r"(?<=\w) (ها|های|هایی|هایمان|هایشان|هام|هات|هاش|تر|ترین|ای|ام|اش|اید|ایم|اند)(?!\w)")


def normalise_for_routing(text: str, *, emojis: bool = False) -> str:
    """Normalise request text for routing and keyword matching.

    On top of :func:`normalize_text` (Arabic ي/ك → Persian, digits → ASCII,
    diacritics, tatweel and invisible characters gone) every word is folded as in
    :func:`fold_for_search` (آ/أ/إ → ا, ة/ۀ → ه, ئ → ی, ؤ → و, lower case); a message in
    Finglish is first put in Persian script (:mod:`services.finglish`); with ``emojis``, a few
    emojis become words («🔥» → ``emojifire``); ZWNJ, other emojis and punctuation become spaces,
    stretched letters shrink to one, the bound morphemes می/نمی and ها/های/تر/ترین/… are joined
    to their word, and whitespace is collapsed.
    """
    text = to_persian_script(normalize_text(text))
    if emojis:
        text = text.translate(_EMOJI_WORDS)
    words = text.replace(ZWNJ, " ").split()
    folded = " ".join(fold_for_search(word) for word in words)
    folded = _NON_WORD_RE.sub(" ", folded)
    folded = _STRETCHED_RE.sub(r"\1", folded)
    folded = _ROUTING_WHITESPACE_RE.sub(" ", folded).strip()
    folded = _PREFIX_RE.sub(r"\1", folded)
    return _SUFFIX_RE.sub(r"\1", folded)
