"""Request routing: which committee should handle a resident's request (issue 5).

Persian text is normalised (Arabic letters, digits, ZWNJ, diacritics, spacing of bound
morphemes), then a linear SVM over TF-IDF features (character 2–5-grams inside words, word
uni/bigrams) plus a few keyword counts (a seed lexicon per committee and the emergency terms)
picks one of the seven committee keys; a logistic regression over its scores gives calibrated
probabilities, so the bot proposes a committee only above CONFIDENCE_THRESHOLD. It is trained
from the labelled Persian set shipped in ``data/routing/*.csv`` (see ``data/routing/GUIDE.md``),
plus whatever the caller adds (e.g. corrections made by managers); ``benchmarks/routing.py``
prints its figures.

A separate keyword check, :func:`is_emergency`, flags requests that mention a fire, gas leak,
flood, collapse and the like (terms in ``data/routing/emergency_terms.txt``) whatever the model
says, so they can be raised to crisis handling at once.

No aiogram here: handlers, the CLI (``python -m bot route``) and tests all call this module.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from models.council import CommitteeKey
from services.persian import fold_for_search, normalize_text

__all__ = [
    "COMMITTEES",
    "CONFIDENCE_THRESHOLD",
    "EMERGENCY_TERMS_PATH",
    "ROUTING_DATA_DIR",
    "LabelledExample",
    "RequestRouter",
    "RouteGuess",
    "is_emergency",
    "load_emergency_terms",
    "load_examples",
    "normalise_for_routing",
]

ROUTING_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "routing"
EMERGENCY_TERMS_PATH = ROUTING_DATA_DIR / "emergency_terms.txt"

COMMITTEES: tuple[str, ...] = tuple(key.value for key in CommitteeKey)

# Below this confidence the bot does not propose a committee; it asks the resident to pick one.
# From `python -m benchmarks.routing` on the shipped 850 rows: over all 5-fold cross-validated
# predictions, proposals at >= 0.70 are 96 % right and cover 85 % of requests (held-out 20 %:
# 97 % right, 84 % proposed). At 0.60 proposals drop below 95 % right (94.6 %), and at 0.80
# only 78 % of requests get a proposal, for one point more. Recheck when the model or data change.
CONFIDENCE_THRESHOLD: float = 0.70

RANDOM_STATE = 20240505


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledExample:
    """One resident request and the committee a neighbourhood manager would send it to."""

    text: str
    committee: str


def load_examples(directory: Path = ROUTING_DATA_DIR) -> list[LabelledExample]:
    """Read every ``*.csv`` in ``directory`` (header ``committee,text``), files in name order.

    Raises ValueError naming the file and line of a row with an unknown committee, an empty
    text, a wrong number of fields, or a file whose header is not ``committee,text``.
    """
    known = set(COMMITTEES)
    examples: list[LabelledExample] = []
    for path in sorted(Path(directory).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                continue
            if [cell.strip().lower() for cell in header] != ["committee", "text"]:
                raise ValueError(f"{path}:1: header must be 'committee,text', not {','.join(header)!r}")
            for row in reader:
                line = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != 2:
                    raise ValueError(
                        f"{path}:{line}: expected 2 fields (committee,text), got {len(row)}; "
                        "quote texts that contain a comma"
                    )
                committee, text = row[0].strip(), row[1].strip()
                if committee not in known:
                    raise ValueError(
                        f"{path}:{line}: unknown committee {committee!r}; expected one of {', '.join(COMMITTEES)}"
                    )
                if not text:
                    raise ValueError(f"{path}:{line}: empty text")
                examples.append(LabelledExample(text=text, committee=committee))
    return examples


# --- normalisation --------------------------------------------------------------------------

_ZWNJ = "\u200c"
_NON_WORD_RE = re.compile(r"[\W_]+")
_WHITESPACE_RE = re.compile(r"\s+")
# Colloquial stretching: "سلاااام", "خرابهههه" (letters only; "1000" keeps its zeros).
_STRETCHED_RE = re.compile(r"([^\W\d_])\1{2,}")
# Bound morphemes that people write with a ZWNJ, a space or nothing at all: verb prefixes
# می/نمی and plural/comparative/enclitic suffixes. Joined to their word, so that
# "می خواهم", "می‌خواهم" and "میخواهم" (and "خانه ها", "خانه‌ها", "خانهها") come out alike.
_PREFIX_RE = re.compile(r"(?<!\w)(ن?می) (?=\w)")
_SUFFIX_RE = re.compile(r"(?<=\w) (ها|های|هایی|هایمان|هایشان|هام|هات|هاش|تر|ترین|ای|ام|اش|اید|ایم|اند)(?!\w)")


def normalise_for_routing(text: str) -> str:
    """Normalise request text for routing and keyword matching.

    On top of :func:`services.persian.normalize_text` (Arabic ي/ك → Persian, digits → ASCII,
    diacritics, tatweel and invisible characters gone) every word is folded as in
    :func:`services.persian.fold_for_search` (آ/أ/إ → ا, ة/ۀ → ه, ئ → ی, ؤ → و, lower case);
    ZWNJ and punctuation become spaces, stretched letters shrink to one, the bound morphemes
    می/نمی and ها/های/تر/ترین/… are joined to their word, and whitespace is collapsed.
    """
    words = normalize_text(text).replace(_ZWNJ, " ").split()
    folded = " ".join(fold_for_search(word) for word in words)
    folded = _NON_WORD_RE.sub(" ", folded)
    folded = _STRETCHED_RE.sub(r"\1", folded)
    folded = _WHITESPACE_RE.sub(" ", folded).strip()
    folded = _PREFIX_RE.sub(r"\1", folded)
    return _SUFFIX_RE.sub(r"\1", folded)


# --- the model ------------------------------------------------------------------------------

# Seed vocabulary per committee, from the committee table in data/routing/GUIDE.md plus everyday
# words for the same things. With ~120 labelled requests per committee many words a resident
# may use never occur in the training set; one feature per committee (how many of its words
# the request contains) lets the model use this prior knowledge, and the model still learns how
# much to trust it. Terms are normalised like the text and matched at the start of a word
# ("دزد" matches "دزدیدن"); terms of ≤ 3 letters only as whole words ("پل" ≠ "پلیس").
# Adding a term here is a model change: rerun `python -m benchmarks.routing`.
# Terms are separated by the Persian comma «،» or line breaks.
_COMMITTEE_LEXICON: dict[str, str] = {
    "health": """
        درمانگاه، بیمارستان، مرکز سلامت، مرکز بهداشت، خانه بهداشت، بهداشت، پزشک، دکتر، بهورز،
        پرستار، ماما، دارو، واکسن، واکسیناسیون، بیمار، مریض، دیابت، قند خون، فشار خون، سرطان،
        دیالیز، سالمند، معلول، معلولیت، توانبخشی، باردار، زایمان، نوزاد، شیردهی، ترک اعتیاد،
        کمپ ترک، متادون، مشاور، روانشناس، روانپزشک، افسردگی، اضطراب، خودکشی، سلامت روان، مسموم،
        تاریخ گذشته، نانوایی، قصابی، رستوران، اغذیه، ساندویچی، بیمه درمان، دفترچه بیمه،
        بیمه سلامت، بیمه روستایی، آمبولانس، اورژانس، آزمایش، غربالگری، سرخک، کرونا، آنفولانزا،
        اسهال، شپش، هپاتیت، دندانپزشک، عینک، سمعک، تغذیه، اوتیسم، صرع، عفونت، درمان، معاینه،
        ویزیت
    """,
    "livelihood": """
        فقر، فقیر، نیازمند، بی بضاعت، مستمند، سبد غذایی، سبد کالا، بسته معیشتی، کالابرگ، ارزاق،
        بیکار، شغل، اشتغال، کاریابی، کار پیدا، وام، قرض الحسنه، یارانه، اجاره، ودیعه، رهن،
        مستاجر، بی سرپناه، بیوه، سرپرست خانوار، زنان سرپرست، یتیم، ایتام، بهزیستی، کمیته امداد،
        امداد امام، مستمری، جهیزیه، لوازم التحریر، نوشت افزار، سوخت زمستانی، نفت سفید،
        کارآفرینی، مشاغل خانگی، کسب و کار، صنایع دستی، تعاونی، صندوق خرد، خیریه، حامی، گرسنه،
        معیشت، کمک هزینه، بدهی، قسط، دستمزد، درآمد، خرجی
    """,
    "security": """
        دزد، سرقت، سارق، کیف قاپ، جیب بر، زورگیر، قمه، چاقو، مواد مخدر، مواد فروش، ساقی، معتاد،
        پاتوق، مشکوک، ناشناس، دعوا، درگیری، کتک، مزاحم، آزار، تعرض، خشونت، همسر آزاری،
        کودک آزاری، پلیس، کلانتری، پاسگاه، نیروی انتظامی، انتظامی، گشت، امنیت، ناامن، تخریب،
        خرابکاری، عمدا، دیوارنویسی، موتورسوار، ویراژ، تک چرخ، کلاهبردار، قاچاق، تیراندازی،
        اسلحه، شرارت، اراذل، اوباش، دوربین مداربسته، ترس، وحشت
    """,
    "culture": """
        کتابخانه، کتابخوانی، کتاب، مسجد، کانون فرهنگی، فرهنگسرا، کلاس، دوره آموزشی،
        کارگاه آموزشی، قرآن، مداح، هیئت، محرم، عزاداری، اربعین، موکب، جشن، جشنواره، مراسم، عید،
        نوروز، غدیر، ولادت، نیمه شعبان، ورزش، فوتبال، والیبال، بسکتبال، کشتی، باشگاه، تیم،
        مسابقه، المپیاد، همایش، اردو، مدرسه، معلم، دانش آموز، آموزش و پرورش، درس، کنکور، هنر،
        تئاتر، سینما، موسیقی، نقاشی، فرهنگی، تفریحی، اوقات فراغت، نوجوان، جوانان، آسیب اجتماعی،
        آسیب های اجتماعی، سالن مطالعه، بانوان، امام جماعت، نماز
    """,
    "services": """
        جاده، خیابان، آسفالت، چاله، دست انداز، پیاده رو، جدول، روشنایی، چراغ، تیر چراغ، لامپ،
        لوله، شیر آب، فشار آب، قطعی آب، قطع آب، قطعی برق، قطع برق، فاضلاب، منهول، آبرسانی،
        لوله کشی، گازکشی، گاز کشی، اتوبوس، تاکسی، مترو، مینی بوس، ایستگاه، حمل و نقل، پل، تاب،
        سرسره، نیمکت، وسایل بازی، سرعت گیر، سرعتگیر، تابلو، علائم راهنمایی، چراغ راهنمایی،
        خط کشی، عابر پیاده، پروانه ساختمان، مجوز ساخت، شهرداری، دهیاری، برف روبی، نمک پاشی،
        آنتن، تلفن، اینترنت، فیبر، پارکینگ، رمپ، زیرسازی، خاکی، آب شرب، مخزن آب، کانال، تعمیر،
        مرمت، ترمیم، ناهموار، شکسته، خراب
    """,
    "environment": """
        زباله، آشغال، پسماند، نخاله، بازیافت، کمپوست، سطل زباله، مخزن زباله، شیرابه، دفن زباله،
        آتش زدن زباله، دود، آلودگی، آلوده، گرد و غبار، ریزگرد، آلودگی هوا، صدا، سر و صدا،
        سروصدا، آلودگی صوتی، درخت، قطع درخت، فضای سبز، چمن، باغچه، نهال، سگ ولگرد، سگ، گربه،
        موش، سوسک، پشه، مگس، حشرات، سمپاشی، جانور، لاشه، فضولات، کود دامی، طویله، بوی بد،
        بوی تعفن، تعفن، لجن، رودخانه، تالاب، چشمه، پساب، محیط زیست، شکار، جنگل، حیوانات ولگرد،
        کارگاه
    """,
    "crisis": """
        مانور، زلزله، زمین لرزه، پدافند، اسکان موقت، اسکان اضطراری، امداد و نجات، امدادگر،
        هلال احمر، کمک های اولیه، احیای قلبی، مقاوم سازی، کیف اضطراری، بحران، مدیریت بحران،
        پایگاه بحران، پناهگاه، تخلیه اضطراری، آتش نشانی، آتش سوزی، حریق، سیل، آوار، نشت گاز،
        بوی گاز، ترک دیوار، ترک خورده، ریزش، رانش، فوری، فورا، کمک کنید، گیر افتاده، خطر جان
    """,
}
# Weight of the keyword features next to the TF-IDF ones (picked by cross-validation).
_KEYWORD_WEIGHT = 0.5


@dataclass(frozen=True)
class RouteGuess:
    """The committee proposed for a request, its confidence (0..1), and every committee ranked
    best first with its probability (the probabilities sum to ~1)."""

    committee: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]


class _KeywordFeatures(BaseEstimator, TransformerMixin):
    """One column per committee (log of 1 + its lexicon words found) and one for the emergency
    terms (as :func:`is_emergency` matches them), times ``weight``. Stateless."""

    def __init__(
        self, emergency_terms: tuple[str, ...] = (), weight: float = _KEYWORD_WEIGHT, lexicon: bool = True
    ) -> None:
        self.emergency_terms = emergency_terms
        self.weight = weight
        self.lexicon = lexicon

    def fit(self, texts: Sequence[str], labels: object = None) -> _KeywordFeatures:
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            np.array([self.row(text) for text in texts], dtype=float).reshape(len(texts), -1)
        )

    def row(self, text: str) -> np.ndarray:
        """The features of one normalised text."""
        counts = [len(p.findall(text)) if p and self.lexicon else 0 for p in _lexicon_patterns()]
        emergency = _terms_pattern(tuple(self.emergency_terms))
        counts.append(len(emergency.findall(_not_emergency_pattern().sub(" ", text))) if emergency else 0)
        return np.log1p(np.array(counts, dtype=float)) * self.weight


@lru_cache(maxsize=1)
def _lexicon_patterns() -> tuple[re.Pattern[str] | None, ...]:
    patterns = []
    for committee in COMMITTEES:
        terms = (normalise_for_routing(t) for t in re.split(r"[،\n]", _COMMITTEE_LEXICON.get(committee, "")))
        patterns.append(_terms_pattern(tuple(dict.fromkeys(t for t in terms if t))))
    return tuple(patterns)


def _new_features(emergency_terms: tuple[str, ...], lexicon: bool) -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=False),
            ),
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True, lowercase=False
                ),
            ),
            ("keywords", _KeywordFeatures(emergency_terms, lexicon=lexicon)),
        ]
    )


def _new_svm() -> LinearSVC:
    return LinearSVC(C=1.0, random_state=RANDOM_STATE)


class RequestRouter:
    """A trained routing model. Build it with :meth:`train`; it is read-only afterwards.

    The model: the features above, a linear SVM (one-vs-rest) over them, and a multinomial
    logistic regression over the SVM's seven scores that turns them into probabilities (fitted
    on cross-validated scores, so the confidences are those of unseen requests). :meth:`route`
    computes all of it with a few numpy operations on the fitted weights, not through
    scikit-learn's per-call input checks, to stay well under a millisecond per request;
    :meth:`route_many` goes through scikit-learn (the tests check that both agree).
    """

    def __init__(self, features: FeatureUnion, svm: LinearSVC, calibrator: LogisticRegression) -> None:
        self._features = features
        self._svm = svm
        self._calibrator = calibrator
        classes = [str(c) for c in calibrator.classes_]
        # Committees missing from the training data still appear in rankings, with 0.
        self._columns = [classes.index(c) if c in classes else -1 for c in COMMITTEES]
        # The fast path of route(): per TF-IDF block (analyzer, vocabulary, idf, column offset),
        # then the keyword block, the SVM weights as (features × scores) and the calibrator's.
        self._blocks: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, int]] = []
        offset = 0
        for _, transformer in features.transformer_list:
            if isinstance(transformer, TfidfVectorizer):
                self._blocks.append(
                    (transformer.build_analyzer(), transformer.vocabulary_, transformer.idf_, offset)
                )
                offset += len(transformer.vocabulary_)
            else:
                self._keywords: _KeywordFeatures = transformer
                self._keywords_offset = offset
                offset += len(COMMITTEES) + 1
        self._svm_weights = np.ascontiguousarray(svm.coef_.T)
        self._svm_intercept = np.asarray(svm.intercept_, dtype=float)
        self._calibrator_weights = np.ascontiguousarray(calibrator.coef_.T)
        self._calibrator_intercept = np.asarray(calibrator.intercept_, dtype=float)

    @classmethod
    def train(cls, examples: Iterable[LabelledExample], *, lexicon: bool = True) -> RequestRouter:
        """Fit a router on labelled examples (deterministic for the same examples and order).

        Uses the shipped emergency terms (:func:`load_emergency_terms`) as one feature, and the
        committee lexicon unless ``lexicon`` is false (the benchmark compares both).
        """
        rows = list(examples)
        labels = np.array([row.committee for row in rows])
        unknown = sorted(set(labels) - set(COMMITTEES))
        if unknown:
            raise ValueError(f"unknown committee(s) in training data: {', '.join(unknown)}")
        counts = Counter(labels.tolist())
        if len(counts) < 2:
            raise ValueError("training needs examples of at least two committees")
        features = _new_features(load_emergency_terms(), lexicon)
        matrix = features.fit_transform([normalise_for_routing(row.text) for row in rows])
        svm = _new_svm().fit(matrix, labels)
        folds = min(5, min(counts.values()))
        if folds >= 2:
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)
            scores = cross_val_predict(_new_svm(), matrix, labels, cv=splitter, method="decision_function")
        else:  # a committee with a single example: calibrate on the training scores themselves
            scores = svm.decision_function(matrix)
        calibrator = LogisticRegression(C=_CALIBRATION_C, max_iter=1000, random_state=RANDOM_STATE)
        calibrator.fit(_as_2d(scores), labels)
        return cls(features, svm, calibrator)

    def route(self, text: str) -> RouteGuess:
        """The best committee for one request, with its confidence and the full ranking."""
        normalised = normalise_for_routing(text)
        scores = self._svm_intercept.copy()
        for analyzer, vocabulary, idf, offset in self._blocks:
            found = [
                (vocabulary[term], n)
                for term, n in Counter(analyzer(normalised)).items()
                if term in vocabulary
            ]
            if not found:
                continue
            index = np.array([column for column, _ in found])
            tf = np.array([n for _, n in found], dtype=float)
            weights = (1.0 + np.log(tf)) * idf[index]
            weights /= np.sqrt(weights @ weights)
            scores += weights @ self._svm_weights[index + offset]
        keywords = self._keywords.row(normalised)
        scores += keywords @ self._svm_weights[self._keywords_offset : self._keywords_offset + len(keywords)]
        return self._guess(_probabilities(scores @ self._calibrator_weights + self._calibrator_intercept))

    def route_many(self, texts: Iterable[str]) -> list[RouteGuess]:
        """Route several requests at once, through scikit-learn."""
        normalised = [normalise_for_routing(text) for text in texts]
        if not normalised:
            return []
        scores = self._svm.decision_function(self._features.transform(normalised))
        probabilities = self._calibrator.predict_proba(_as_2d(scores))
        return [self._guess(row) for row in probabilities]

    def _guess(self, row: np.ndarray) -> RouteGuess:
        scored = [
            (committee, float(row[column]) if column >= 0 else 0.0)
            for committee, column in zip(COMMITTEES, self._columns, strict=True)
        ]
        # Stable sort: ties keep COMMITTEES order, so results are deterministic.
        ranking = tuple(sorted(scored, key=lambda pair: -pair[1]))
        best, confidence = ranking[0]
        return RouteGuess(committee=best, confidence=confidence, ranking=ranking)


# Inverse regularisation of the calibrating logistic regression (on 7 SVM scores; picked by
# cross-validated log-loss in the benchmark's data).
_CALIBRATION_C = 1.0


def _as_2d(scores: np.ndarray) -> np.ndarray:
    # Two committees: the SVM gives one score per request; keep a column of it.
    return scores.reshape(len(scores), -1)


def _probabilities(logits: np.ndarray) -> np.ndarray:
    """Softmax (multinomial), or the logistic pair for a two-committee model."""
    if logits.shape[0] == 1:
        positive = 1.0 / (1.0 + np.exp(-logits[0]))
        return np.array([1.0 - positive, positive])
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


# --- emergencies ----------------------------------------------------------------------------

# Phrases that contain an emergency word but are about preparedness or something harmless;
# they are blanked out before the terms are matched ("کلاس آموزش آتش نشانی" is not a fire).
_NOT_EMERGENCY = ("آتش نشانی", "آتشنشانی", "آتش نشان", "آتشنشان", "آتش بازی", "آتشبازی")
# How terms match (emergency terms and the committee lexicon alike), on normalised text:
# always from the start of a word ("وسیله" ≠ "سیل"); longer terms as word prefixes ("آتش سوز"
# matches "آتش سوزی"); short one-word terms (≤ 3 letters, e.g. "سیل", "آتش", "پل") only as a
# whole word, optionally with one of these endings, so "سیلاب" and "سیلها" count but "سیلو",
# "سیلی" and "پلیس" do not. A term of several words also matches written as one ("آتشسوزی").
_SHORT_TERM_LENGTH = 3
_SHORT_TERM_ENDINGS = "(?:ها|های|هایی|ه|ا|اب)?"


def load_emergency_terms(path: Path = EMERGENCY_TERMS_PATH) -> tuple[str, ...]:
    """Read the emergency terms (one per line, ``#`` starts a comment), normalised, de-duplicated."""
    return _load_terms(Path(path).resolve())


@lru_cache(maxsize=8)
def _load_terms(path: Path) -> tuple[str, ...]:
    terms: dict[str, None] = {}
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        term = normalise_for_routing(raw.split("#", 1)[0])
        if term:
            terms[term] = None
    return tuple(terms)


@lru_cache(maxsize=8)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    variants = set(terms) | {term.replace(" ", "") for term in terms}
    parts = []
    for term in sorted(variants, key=lambda t: (-len(t), t)):
        body = re.escape(term)
        if " " not in term and len(term) <= _SHORT_TERM_LENGTH:
            body += _SHORT_TERM_ENDINGS + r"(?!\w)"
        parts.append(body)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")") if parts else None


@lru_cache(maxsize=1)
def _not_emergency_pattern() -> re.Pattern[str]:
    phrases = sorted({normalise_for_routing(p) for p in _NOT_EMERGENCY}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")\w*")


def is_emergency(text: str, terms: Iterable[str] | None = None) -> bool:
    """True when the request mentions an emergency term (fire, gas smell, flood, collapse, …).

    ``terms`` defaults to :func:`load_emergency_terms`; given terms are normalised the same
    way as the text.
    """
    if terms is None:
        normalised_terms = load_emergency_terms()
    else:
        normalised_terms = tuple(dict.fromkeys(t for t in map(normalise_for_routing, terms) if t))
    pattern = _terms_pattern(normalised_terms)
    if pattern is None:
        return False
    cleaned = _not_emergency_pattern().sub(" ", normalise_for_routing(text))
    return pattern.search(cleaned) is not None
