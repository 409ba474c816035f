"""Is a resident's request an emergency, or urgent for a committee? (issue 12)

An emergency is something happening now that puts a life or a home in danger: a gas smell, a
fire, water rising into houses, a wall or bridge about to fall, a live wire on the ground, someone
trapped, unconscious or not breathing. Routed as a routine complaint it would wait two days for a
first answer, so this check runs before the committee model and does not depend on it.

**Why concepts and rules first, and a classifier only as a second opinion.** The detector
matches *concepts* (gas, smell, leak, fire, water, rising, wall, collapse, trapped, …), each a
list of words and spellings kept as data in ``data/routing/emergency_lexicon.txt``, and a request
is an emergency when a rule's concepts occur within a few words of each other, in any order, with
anything in between («بوی خیلی شدید گاز» is *smell … gas*). Every verdict names the rule and the
words behind it (:attr:`Assessment.rule`, :attr:`Assessment.words`), a miss is fixed by adding a
word to a list, and the benchmark shows what the change did; above all, the rules can *hold back*
a match for a reason a person can read (a drill, a class, a past event). But rules written by us
meet phrasings written by others: on texts the lexicon had not seen they caught about four
emergencies in five. So the router adds a learned second opinion
(:class:`services.routing.LearnedEmergencies`, character n-grams and a logistic regression over
the labelled rows and the handlers' corrections): it may add an emergency the rules found
nothing in, above a threshold chosen for ≤ 1 % false alarms on training files it had not seen,
and it overrules a match the rules held back only when it is all but certain («پارسال سیل اومد …
الان دوباره آب داره میاد تو», a past frame to the rules); never a handler's correction. Where
the two disagree sharply the resident decides: a rule's emergency that the model all but rules
out, in a message long enough not to be a bare alarm, is held back and the resident is asked,
with one button, whether it is happening now (a chemistry class's «explosion» experiment, «سیل زباله»). The
committee model learns everything else and uses the verdict as one of its features.

Phrasing that is not in the lists is met by the normalisation (:func:`matcher_tokens`): Arabic
letters, digits, ZWNJ present, absent or doubled, stretched letters («بووووی»), doubled letters
(«کمک کنیدد»), and letters that sound alike and are commonly swapped (ز/ذ/ض/ظ، ت/ط، ح/ه،
ق/غ, and گ/پ/چ/ژ typed as ک/ب/ج/ز) all fold to one form, in the text and in the lexicon alike.

**Near-misses stay routine.** A match is held back when, in the same sentence and a few words
around it (before it, only since the last «ولی»/«اما»), there is a harmless context (a class, a
drill, equipment, money or upkeep, a reassurance: «کلاس آموزش اطفای حریق»، «مانور زلزله»، «خسارت
سیل»، «خطری نداره»), a past, conditional, thankful or forecasting frame without a word of now
(«سیل پارسال»، «اگه زلزله بیاد…»، «ممنون از آتش‌نشانا»; words of now include a collapse or a fire
in progress: «داره میریزه»; a hypothetical is undone also by «الان داره…» anywhere later: «اگه
… چیکار کنیم؟ الان داره کج میشه»), a repair or an end said anywhere later in the message unless
it is back («بوی گاز میومد، صبح اومدن درستش کردن»; «… ولی الان دوباره …» is an emergency), the
sender's own word that nobody is in danger anywhere in the message («چیزی نشد»), or a negation in
or right after it («بوی گاز نمیاد»); words that merely contain a concept, metaphors and similes
are masked first («آتش‌نشانی»، «آتش‌بازی»، «دلم آتیش گرفت»، «مثل سیل»). A rule may name its own
exceptions: burning rubbish is an environment complaint unless the fire is spreading; and the
harmless contexts that do not hold it back: a worker unconscious in a well is an emergency though
the well was being dredged (upkeep).

**Urgent, or an emergency: the labelling rule.** A power, gas or water outage together with
extreme cold or heat, or the elderly, the sick or babies, is *urgent* for the services committee
(shorter SLA, not crisis): «برق قطعه تو این سرما، مادربزرگم مریضه». It is an *emergency*
(crisis) only when someone has acute symptoms now or is in danger now: the outage or the weather
together with a word of distress («بیحال شده»، «تب کرده»، «میلرزه»، «لباش کبود شده»، «نفسش
تنگه»، «از حال رفته»), or any other emergency rule (unconscious, not breathing, a heater's
fumes). Worry («نگرانیم»، «اذیتن») is not a symptom. The same holds for violence: a fight or a
theft that is over («دیشب دعوا شد») is for the security committee; a weapon, a break-in or a
beating happening now is an emergency.

**How it is checked.** ``data/routing/emergency_dev.csv`` holds emergencies and near-misses
written in residents' words before the lexicon was read; fresh probes written before each round
of changes measure how an unseen phrasing fares, then join that file. The blind set
(``data/routing_blind/``) is never read for this.

**Corrections.** A handler who marks a request "not an emergency" or "emergency" teaches the
detector that exact text (normalised as above): the next identical request gets the handler's
verdict. Only the safe direction generalises: a short alarm (fewer than
:data:`MIN_WORDS_TO_SILENCE` words, «بوی گاز میاد») is never silenced by a past false alarm, since
the next one may be real. The committee model is retrained on the same corrections.

No aiogram here; the router (:mod:`services.routing`), handlers, the CLI and tests call this.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from services.finglish import to_persian_script
from services.persian import normalise_for_routing

__all__ = [
    "EMERGENCY_LEXICON_PATH",
    "MIN_WORDS_TO_SILENCE",
    "Assessment",
    "EmergencyDetector",
    "EmergencyLexicon",
    "assess",
    "matcher_tokens",
]

EMERGENCY_LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "routing" / "emergency_lexicon.txt"

# A handler's "not an emergency" silences the same text later only when it says this much: a
# short alarm such as «بوی گاز میاد» is always taken seriously.
MIN_WORDS_TO_SILENCE = 5

# --- normalisation --------------------------------------------------------------------------

# Letters that sound alike, or that a non-Persian keyboard lacks, folded to one.
_SOUND_ALIKE = str.maketrans(
    {
        "ذ": "ز",
        "ض": "ز",
        "ظ": "ز",
        "ط": "ت",
        "ح": "ه",
        "غ": "ق",
        "گ": "ک",
        "پ": "ب",
        "چ": "ج",
        "ژ": "ز",
        "ء": None,
    }
)
_DOUBLED_RE = re.compile(r"([^\W\d_])\1+")
_SENTENCE_END_RE = re.compile(r"[.!?؟;؛,،\n…]+")


def _fold(normalised: str) -> str:
    return _DOUBLED_RE.sub(r"\1", normalised.translate(_SOUND_ALIKE))


def matcher_tokens(text: str) -> tuple[list[str], list[int]]:
    """The words of ``text`` as the matcher compares them, and the sentence of each word.

    A message in Finglish is put in Persian script as a whole (:mod:`services.finglish`: a short
    sentence of it, «bia!», is Finglish too), then each sentence goes through
    :func:`services.persian.normalise_for_routing` with emojis as words (Arabic letters, digits,
    ZWNJ, diacritics, stretched letters, bound morphemes, «🔥» → ``emojifire``), then sound-alike
    letters are folded and doubled letters made single. Sentences (clauses) end at . ! ? ; , and
    line breaks.
    """
    tokens: list[str] = []
    sentences: list[int] = []
    for number, sentence in enumerate(_SENTENCE_END_RE.split(to_persian_script(text))):
        words = _fold(normalise_for_routing(sentence, emojis=True)).split()
        tokens += words
        sentences += [number] * len(words)
    return tokens, sentences


# --- the lexicon ----------------------------------------------------------------------------

_PLURAL_ENDINGS = ("", "ها", "های", "هایی")
# Colloquial plural «ا» and «ای» only after a stem of three letters or more («دیوارا», not «نما»).
_LONG_STEM_ENDINGS = ("ا", "ای")
_SHORT_WORD = 3


def _term_pattern(raw: str) -> tuple[str, set[str]] | None:
    """The regex of one lexicon term (see the header of the lexicon file), and the heads of what it
    matches: the first _HEAD letters of every form (all of a shorter form)."""
    term = raw.strip()
    whole = term.startswith("=")
    prefix = term.endswith("*")
    term = term.strip("=*").strip()
    tokens = _fold(normalise_for_routing(term, emojis=True)).split()
    if not tokens:
        return None
    last = tokens[-1]
    if not whole and not prefix:
        prefix = len(last) > _SHORT_WORD
    # Words next to each other, or written as one: every way of joining them.
    forms = set()
    for joins in itertools.product((" ", ""), repeat=len(tokens) - 1):
        forms.add(_fold("".join(a + b for a, b in zip(tokens, (*joins, ""), strict=True))))
    parts = []
    heads: set[str] = set()
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        if prefix:
            parts.append(re.escape(form) + r"\w*")
            heads.add(form[:_HEAD])
            continue
        endings = _PLURAL_ENDINGS + (_LONG_STEM_ENDINGS if len(form.split()[-1]) >= _SHORT_WORD else ())
        variants = sorted({_fold(form + ending) for ending in endings}, key=lambda f: (-len(f), f))
        parts.append("(?:" + "|".join(map(re.escape, variants)) + r")(?!\w)")
        heads.update(variant[:_HEAD] for variant in variants)
    return "(?:" + "|".join(parts) + ")", heads


def _compile(terms: Iterable[str]) -> re.Pattern[str] | None:
    compiled = _compile_with_heads(terms)
    return compiled[0] if compiled else None


def _compile_with_heads(terms: Iterable[str]) -> tuple[re.Pattern[str], frozenset[str]] | None:
    """One pattern for a list of terms, matched from the start of a word, and the terms' heads."""
    patterns = []
    heads: set[str] = set()
    for term in terms:
        if (compiled := _term_pattern(term)) is not None:
            patterns.append(compiled[0])
            heads |= compiled[1]
    if not patterns:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + ")"), frozenset(heads)


# Every match of a concept starts where a word starts, with one of its terms' first _HEAD letters.
# The detector gathers the heads of a text's words once and tries only the concepts that share one:
# a concept's regex costs a scan of the whole text, and most of the ~190 concepts have no head in
# a given request. Over the 9,168 shipped and blind texts: 0.54 ms a text without it, 0.23 ms with
# it, and the same verdict on every one.
_HEAD = 3
# What follows each word start: its first one, two and three characters (fewer at the end).
_WORD_HEAD_RE = re.compile(r"(?<!\w)(?=(((.).?).?))", re.DOTALL)


@dataclass(frozen=True)
class Rule:
    """Concepts that, all within ``window`` words of each other, make a request an emergency (or
    urgent for ``committee``) unless one of ``unless`` is in the match's context."""

    kind: str  # "emergency" or "urgent"
    groups: tuple[tuple[str, ...], ...]  # one concept of each group, e.g. (("gas",), ("smell",))
    window: int
    unless: tuple[str, ...] = ()
    committee: str | None = None
    # `unless` words count anywhere in the text, not only in the match's context.
    unless_anywhere: bool = False
    # Harmless concepts that do not hold this rule back («despite upkeep»: a worker unconscious
    # while dredging a well is an emergency, though dredging is upkeep).
    despite: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return " + ".join("|".join(group) for group in self.groups)


@dataclass(frozen=True)
class EmergencyLexicon:
    """The parsed lexicon file: concept patterns, masks, rules and the context that holds back."""

    concepts: dict[str, re.Pattern[str]]
    masks: re.Pattern[str] | None
    rules: tuple[Rule, ...]
    harmless: tuple[str, ...]
    not_now: tuple[str, ...]
    not_now_before: tuple[str, ...]
    now: tuple[str, ...]
    negation: tuple[str, ...]
    # A negation right after one of these does not negate the match («آمبولانس نمیاد»).
    negation_exempt: tuple[str, ...] = ()
    # A harmless word before one of these does not reach a match after it: «…درباره اجاره بپرسم
    # ولی الان بوی گاز میاد».
    contrast: tuple[str, ...] = ()
    # Words of «happening right now» that undo a hypothetical from anywhere later in the message.
    happening: tuple[str, ...] = ()
    # Not-now words that reach from the match to the end of the text, sentences apart too: «بوی
    # گاز میومد ولی اداره گاز اومد، درستش کرد».
    not_now_after: tuple[str, ...] = ()
    # Not-now words that reach the whole text: the sender's own «خطری نداره».
    not_now_anywhere: tuple[str, ...] = ()
    context: int = 8
    negation_reach: int = 2
    # Per concept, the first letters a match starts with (see _HEAD); a concept not here is always
    # tried.
    heads: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = EMERGENCY_LEXICON_PATH) -> EmergencyLexicon:
        """Read and compile a lexicon file; raises ValueError naming the line of a mistake."""
        return _load_lexicon(Path(path).resolve())


_RULE_RE = re.compile(r"^(emergency|urgent\s+(?P<committee>\w+))\s*:\s*(?P<body>.+)$")


# The word lists of the [rules] section («harmless: …»); any other line there is a rule.
_LISTS = (
    "harmless",
    "not-now",
    "not-now before",
    "not-now after",
    "not-now anywhere",
    "now",
    "negation",
    "not negated after",
    "harmless ends at",
    "happening now",
)


@dataclass
class _LexiconText:
    """A lexicon file's lines sorted by section, before anything is compiled."""

    path: Path
    settings: dict[str, int] = field(default_factory=lambda: {"window": 6, "context": 8, "negation": 2})
    terms: dict[str, list[str]] = field(default_factory=dict)
    masks: list[str] = field(default_factory=list)
    rules: list[tuple[int, str]] = field(default_factory=list)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def open(self, number: int, section: str) -> str:
        """A `[section]` header line; the section it opens."""
        if section.startswith("concept "):
            self.terms.setdefault(section.split(None, 1)[1], [])
        elif section not in ("settings", "mask", "rules"):
            raise ValueError(f"{self.path}:{number}: unknown section [{section}]")
        return section

    def add(self, number: int, section: str | None, line: str) -> None:
        """A line of `section` (None: before the first header)."""
        if section == "settings":
            key, _, value = line.partition(" ")
            if key not in self.settings or not value.strip().isdigit():
                raise ValueError(
                    f"{self.path}:{number}: expected one of {', '.join(self.settings)} and a number"
                )
            self.settings[key] = int(value)
        elif section == "mask":
            self.masks.append(line)
        elif section is not None and section.startswith("concept "):
            self.terms[section.split(None, 1)[1]].append(line)
        elif section == "rules":
            key, _, value = line.partition(":")
            if key.strip() in _LISTS:
                self.lists[key.strip()] = tuple(value.split())
            else:
                self.rules.append((number, line))
        else:
            raise ValueError(f"{self.path}:{number}: a line outside any section")


@lru_cache(maxsize=4)
def _load_lexicon(path: Path) -> EmergencyLexicon:
    text = _LexiconText(path)
    section: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = text.open(number, line[1:-1].strip())
        else:
            text.add(number, section, line)
    settings, lists = text.settings, text.lists
    compiled = {name: both for name, words in text.terms.items() if (both := _compile_with_heads(words))}
    concepts = {name: pattern for name, (pattern, _) in compiled.items()}
    rules = tuple(
        _parse_rule(path, number, line, settings["window"], concepts) for number, line in text.rules
    )
    for key, names in lists.items():
        for name in names:
            if name not in concepts:
                raise ValueError(f"{path}: '{key}' names an unknown concept {name!r}")
    return EmergencyLexicon(
        concepts=concepts,
        heads={name: heads for name, (_, heads) in compiled.items()},
        masks=_compile(text.masks),
        rules=rules,
        harmless=lists.get("harmless", ()),
        not_now=lists.get("not-now", ()),
        not_now_before=lists.get("not-now before", ()),
        not_now_after=lists.get("not-now after", ()),
        not_now_anywhere=lists.get("not-now anywhere", ()),
        now=lists.get("now", ()),
        negation=lists.get("negation", ()),
        negation_exempt=lists.get("not negated after", ()),
        contrast=lists.get("harmless ends at", ()),
        happening=lists.get("happening now", ()),
        context=settings["context"],
        negation_reach=settings["negation"],
    )


def _parse_rule(
    path: Path, number: int, line: str, window: int, concepts: dict[str, re.Pattern[str]]
) -> Rule:
    match = _RULE_RE.match(line)
    if match is None:
        raise ValueError(f"{path}:{number}: expected 'emergency: …' or 'urgent COMMITTEE: …'")
    rest, _, despite = match["body"].partition(" despite ")
    body, _, unless = rest.partition(" unless ")
    unless_words = unless.split()
    anywhere = bool(unless_words) and unless_words[-1] == "anywhere"
    if anywhere:
        unless_words = unless_words[:-1]
    words = body.split()
    if "within" in words:
        at = words.index("within")
        if at + 1 >= len(words) or not words[at + 1].isdigit():
            raise ValueError(f"{path}:{number}: 'within' needs a number of words")
        window = int(words[at + 1])
        words = words[:at] + words[at + 2 :]
    groups = tuple(tuple(word.split("|")) for word in words)
    despite_words = despite.split()
    names = [name for group in groups for name in group] + unless_words + despite_words
    unknown = [name for name in names if name not in concepts]
    if unknown or not groups:
        raise ValueError(f"{path}:{number}: unknown concept(s) {', '.join(unknown) or '(none given)'}")
    return Rule(
        kind="urgent" if match["committee"] else "emergency",
        groups=groups,
        window=window,
        unless=tuple(unless_words),
        committee=match["committee"] or None,
        unless_anywhere=anywhere,
        despite=tuple(despite_words),
    )


# --- the verdict ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """What the detector made of a request, and why."""

    emergency: bool = False
    # Urgent for `committee` (shorter SLA) though not an emergency; an emergency is urgent too.
    urgent: bool = False
    committee: str | None = None
    # The rule that decided («gas + smell»), or "correction" when a handler's verdict was reused.
    rule: str | None = None
    # The words of the text behind the verdict, as normalised.
    words: tuple[str, ...] = ()
    # Rules that matched but were held back, and why («fire + ignite: harmless کلاس»).
    held_back: tuple[str, ...] = field(default=())


_Span = tuple[int, int, str]  # first word, last word, concept


class EmergencyDetector:
    """The lexicon's rules, plus the verdicts handlers gave on earlier requests."""

    def __init__(
        self, lexicon: EmergencyLexicon | None = None, corrections: Iterable[tuple[str, bool]] = ()
    ) -> None:
        self.lexicon = lexicon or EmergencyLexicon.load()
        self._corrected: dict[str, bool] = {}
        for text, emergency in corrections:
            tokens, _ = matcher_tokens(text)
            if tokens and (emergency or len(tokens) >= MIN_WORDS_TO_SILENCE):
                self._corrected[" ".join(tokens)] = emergency

    def assess(self, text: str) -> Assessment:
        """The verdict on one request (a few hundred microseconds)."""
        tokens, sentences = matcher_tokens(text)
        if not tokens:
            return Assessment()
        key = " ".join(tokens)
        corrected = self._corrected.get(key)
        if corrected is True:
            return Assessment(emergency=True, urgent=True, committee="crisis", rule="correction")
        if corrected is False:
            # A handler said it is not an emergency; it may still be urgent for a committee.
            routine = self._assess(key, sentences, emergencies=False)
            return Assessment(
                urgent=routine.urgent, committee=routine.committee, rule="correction", words=routine.words
            )
        return self._assess(key, sentences)

    def _assess(self, key: str, sentences: list[int], emergencies: bool = True) -> Assessment:
        lexicon = self.lexicon
        if lexicon.masks is not None:
            key = lexicon.masks.sub(lambda m: re.sub(r"\S", "_", m.group()), key)
        starts = [0] + [i + 1 for i, ch in enumerate(key) if ch == " "]
        present: set[str] = set()
        for head in _WORD_HEAD_RE.finditer(key):
            present.update(head.groups())
        found: dict[str, list[_Span]] = {}
        for concept, pattern in lexicon.concepts.items():
            heads = lexicon.heads.get(concept)
            if heads is not None and heads.isdisjoint(present):
                continue
            spans = [
                (
                    bisect.bisect_right(starts, m.start()) - 1,
                    bisect.bisect_right(starts, m.end() - 1) - 1,
                    concept,
                )
                for m in pattern.finditer(key)
            ]
            if spans:
                found[concept] = spans
        if not found:
            return Assessment()
        words = key.split(" ")
        held_back: list[str] = []
        urgent: Assessment | None = None
        for rule in lexicon.rules:
            if (rule.kind == "urgent" and urgent is not None) or (
                rule.kind == "emergency" and not emergencies
            ):
                continue
            verdict = self._apply(rule, found, sentences, words, held_back)
            if verdict is None:
                continue
            if rule.kind == "emergency":
                return Assessment(
                    emergency=True,
                    urgent=True,
                    committee="crisis",
                    rule=verdict.rule,
                    words=verdict.words,
                    held_back=tuple(held_back),
                )
            urgent = verdict
        if urgent is not None:
            return Assessment(
                urgent=True,
                committee=urgent.committee,
                rule=urgent.rule,
                words=urgent.words,
                held_back=tuple(held_back),
            )
        return Assessment(held_back=tuple(held_back))

    def _apply(
        self,
        rule: Rule,
        found: dict[str, list[_Span]],
        sentences: list[int],
        words: list[str],
        held_back: list[str],
    ) -> Assessment | None:
        options = []
        for group in rule.groups:
            spans = [span for concept in group for span in found.get(concept, ())]
            if not spans:
                return None
            options.append(spans[:12])
        reason: str | None = None
        for combination in itertools.product(*options):
            first = min(span[0] for span in combination)
            last = max(span[1] for span in combination)
            if last - first > rule.window:
                continue
            why = self._held_back_by(rule, combination, first, last, found, sentences, words)
            if why is None:
                matched = tuple(" ".join(words[a : b + 1]) for a, b, _ in sorted(combination))
                return Assessment(committee=rule.committee, rule=rule.name, words=matched)
            reason = reason or why
        if reason is not None:
            held_back.append(f"{rule.name}: {reason}")
        return None

    def _held_back_by(
        self,
        rule: Rule,
        combination: tuple[_Span, ...],
        first: int,
        last: int,
        found: dict[str, list[_Span]],
        sentences: list[int],
        words: list[str],
    ) -> str | None:
        """Why a match from word ``first`` to ``last`` is not an emergency, or None."""
        lexicon = self.lexicon
        around = _Surroundings(found, words, first, last, lexicon.context, sentences)
        # A rule's own exceptions reach across sentences («آشغال آتیش میزنن. دودش میاد تو خونه»);
        # harmless and not-now words only within the sentence.
        if (hit := around.near(rule.unless, across=True, anywhere=rule.unless_anywhere)) is not None:
            return "unless " + hit
        harmless = [concept for concept in lexicon.harmless if concept not in rule.despite]
        # …unless a «ولی»/«اما» between them starts a new clause («میخواستم درباره اجاره بپرسم ولی
        # الان یه بوی گاز تندی میاد»); one after the match does not («آتیش گرفت ولی خسارتی نداشت»).
        turn = around.last_before(lexicon.contrast, first)
        if (hit := around.near(harmless, after=turn)) is not None:
            return "harmless " + hit
        past = around.near(lexicon.not_now)
        if past is not None and around.near(lexicon.now) is None:
            return "not now " + past
        # A hypothetical is also undone by «it is happening right now» later in the message: «کسی
        # میدونه وقتی … چیکار باید کرد؟ الان داره همین میشه»; a plea is not enough there («اگه
        # بارون بیاد آب میره تو خونه ها، سریع بیاین لایروبی کنید»).
        supposed = around.near(lexicon.not_now_before, before=first) or _conditional_inside(
            combination, first, found, sentences, words, lexicon.not_now_before
        )
        if (
            supposed is not None
            and around.near(lexicon.now) is None
            and around.near(lexicon.happening, after_anywhere=True) is None
        ):
            return "not now " + supposed
        # Over, said later («…، اومدن درستش کردن»), unless it is back («ولی الان دوباره…»).
        over = around.near(lexicon.not_now_after, after_anywhere=True) or around.near(
            lexicon.not_now_anywhere, anywhere=True
        )
        if (
            over is not None
            and around.near(lexicon.now) is None
            and around.near(lexicon.now, after_anywhere=True) is None
        ):
            return "not now " + over
        return self._negated(rule, combination, first, last, found, words)

    def _negated(
        self,
        rule: Rule,
        combination: tuple[_Span, ...],
        first: int,
        last: int,
        found: dict[str, list[_Span]],
        words: list[str],
    ) -> str | None:
        """The negation that holds the match back, or None."""
        lexicon = self.lexicon
        # Negated right after a word of the rule's concepts, inside the match («بوی گاز نمیاد ولی
        # فشار گاز کمه») or at its end, but not right after a plea («سکته کرده، آمبولانس نمیاد»); a
        # negation after other words is about something else («بخاری دودکش نداره، سرشون گیج میره»).
        ends = [
            b
            for group in rule.groups
            for concept in group
            if concept not in lexicon.negation_exempt
            for _, b, _ in found.get(concept, ())
            if first <= b <= last
        ]
        exempt_ends = {b for _, b, concept in combination if concept in lexicon.negation_exempt}
        matched = {i for a, b, _ in combination for i in range(a, b + 1)}
        for concept in lexicon.negation:
            for a, _, _ in found.get(concept, ()):
                if (
                    any(b < a <= b + lexicon.negation_reach for b in ends)
                    and a not in matched  # «نفس نمیکشه» is the alarm itself
                    and (a - 1) not in exempt_ends
                ):
                    return f"negated «{words[a]}»"
        return None


def _conditional_inside(
    combination: tuple[_Span, ...],
    first: int,
    found: dict[str, list[_Span]],
    sentences: list[int],
    words: list[str],
    concepts: Sequence[str],
) -> str | None:
    """A conditional inside the match, in the same sentence as its last words: what follows it is
    hypothetical («خونه ساختن اگه سیل بیاد آب میره تو خونه ها», «از پل رد میشن میترسیم یه روز خراب
    بشه»). One in an earlier sentence is about something else («شیلنگ گاز بریده، اگه کسی کبریت
    بزنه …، نشت داره»)."""
    last_start = max(a for a, _, _ in combination)
    for concept in concepts:
        for a, b, _ in found.get(concept, ()):
            if first <= a and b < last_start and sentences[a] == sentences[last_start]:
                return f"{concept} «{' '.join(words[a : b + 1])}»"
    return None


class _Surroundings:
    """The words around a match from word ``first`` to ``last``: ``context`` words either side,
    within the match's sentences unless asked otherwise."""

    def __init__(
        self,
        found: dict[str, list[_Span]],
        words: list[str],
        first: int,
        last: int,
        context: int,
        sentences: list[int],
    ) -> None:
        self.found, self.words, self.first, self.last, self.context = found, words, first, last, context
        low = max(0, first - context)
        high = min(len(words) - 1, last + context)
        while low < first and sentences[low] != sentences[first]:
            low += 1
        while high > last and sentences[high] != sentences[last]:
            high -= 1
        self.low, self.high = low, high

    def last_before(self, concepts: Sequence[str], first: int) -> int | None:
        """The word after the last of ``concepts`` between the context's start and word ``first``."""
        ends = [
            b
            for concept in concepts
            for a, b, _ in self.found.get(concept, ())
            if self.low <= a and b < first
        ]
        return max(ends) + 1 if ends else None

    def near(
        self,
        concepts: Sequence[str],
        before: int | None = None,
        across: bool = False,
        anywhere: bool = False,
        after_anywhere: bool = False,
        after: int | None = None,
    ) -> str | None:
        """The first of ``concepts`` found around the match, as «concept «its words»», or None; ``across``
        sentences, ``anywhere`` in the text, ``after_anywhere`` from the match to the end of the
        text, or ``before`` word ``before``; none before word ``after``."""
        if after_anywhere:
            start, end = self.last + 1, len(self.words)
        elif anywhere:
            start, end = 0, len(self.words)
        elif across:
            start, end = max(0, self.first - self.context), self.last + self.context
        else:
            start, end = self.low, self.high
        if before is not None:
            end = before - 1
        if after is not None:
            start = max(start, after)
        for concept in concepts:
            for a, b, _ in self.found.get(concept, ()):
                if a >= start and b <= end:
                    return f"{concept} «{' '.join(self.words[a : b + 1])}»"
        return None


@lru_cache(maxsize=1)
def _shipped_detector() -> EmergencyDetector:
    return EmergencyDetector()


def assess(text: str) -> Assessment:
    """The shipped lexicon's verdict on one request (no corrections)."""
    return _shipped_detector().assess(text)
