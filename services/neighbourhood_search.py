"""Finding a neighbourhood by name among a country's worth of them, fast.

A `NameIndex` holds the folded names (`fold_for_search`), prepared once: the names one after the
other, shortest first, in one string (the names a query is a part of are found by `str.find`), and
a matrix of how often each letter occurs in each name (numpy). A search narrows the candidates for
a fuzzy match with arithmetic on that matrix and scores the few that remain with rapidfuzz: both
in compiled code, about 10 ms among 100,000 names (`python -m benchmarks.search`).
`services.regions.find_neighbourhoods` keeps one index per database, rebuilt when it changes.

How a name is scored against a query (both folded), 0..1, at least `MIN_SIMILARITY` or not at all:

* 1.0 when they are equal (or the query is the neighbourhood's code);
* just below, 0.9 + 0.09·|query|/|name|, when the query is a part of the name (2 letters or more);
* else the similarity of the two, 2·LCS/(|query| + |name|) (rapidfuzz's `ratio`, LCS the longest
  common subsequence), or, slightly discounted (×0.95), that of the query with the best-matching
  stretch of a longer name (`partial_ratio`: a typo in one word of a longer name; 4 letters or
  more), whichever is higher.

Ties go to the name first in alphabetical order, then to the smaller id.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from services.persian import fold_for_search

__all__ = ["MIN_SIMILARITY", "IndexedNeighbourhood", "NameIndex"]

MIN_SIMILARITY = 0.75
# A stretch of a longer name counts a little less than the whole name.
_PARTIAL_DISCOUNT = 0.95
# Letters with a column of their own in the count matrix; rarer ones share one column, which
# keeps the matrix small whatever the names hold and only lets more names through the filter.
_COUNTED_LETTERS = 96
# Between the names in the one string; folding keeps it and no folded name has it.
_SEPARATOR = "\x00"
_FOLD_SLICE = 5_000
# Scores are compared as shown, to 3 decimals: a candidate this far below a bar may still tie it.
_TIE = 0.0005


@dataclass(frozen=True)
class IndexedNeighbourhood:
    id: int
    name: str
    code: str
    kind: str
    county_name: str
    province_name: str


def _fold_all(names: list[str]) -> list[str]:
    """`fold_for_search` of every name, done on a few thousand joined at a time (not 100,000
    calls, nor one call so long that it holds up other threads): folding maps no character to
    the separator, and at a separator a name's edge is treated as at the end of a string."""
    folded: list[str] = []
    for start in range(0, len(names), _FOLD_SLICE):
        part = names[start : start + _FOLD_SLICE]
        joined = fold_for_search(_SEPARATOR.join(part)).split(_SEPARATOR)
        if len(joined) == len(part):
            folded += joined
        else:  # a name holding the separator itself
            folded += [fold_for_search(name).replace(_SEPARATOR, "") for name in part]
    return folded


class NameIndex:
    """The folded names of a set of neighbourhoods, prepared for `search`. Immutable once built,
    so it may be searched from several threads at once."""

    def __init__(self, entries: Sequence[IndexedNeighbourhood]) -> None:
        self.entries: tuple[IndexedNeighbourhood, ...] = tuple(entries)
        folded = _fold_all([e.name for e in self.entries])
        self._folded = folded
        self._choices = np.array(folded, dtype=object)
        lengths = np.fromiter((len(f) for f in folded), dtype=np.int32, count=len(folded))
        self._lengths = lengths
        self._by_code = {e.code: position for position, e in enumerate(self.entries)}
        # Parts: every name in one string, shortest first (ties in position order).
        self._by_length = np.argsort(lengths, kind="stable")
        self._haystack = _SEPARATOR.join(folded[p] for p in self._by_length.tolist()) + _SEPARATOR
        self._starts = np.concatenate(([0], np.cumsum(lengths[self._by_length] + 1)[:-1])).tolist()
        self._counts, self._column, self._other = _letter_counts(folded, lengths)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str, str, str, str]]) -> NameIndex:
        """An index of (id, name, code, kind, county name, province name) rows."""
        return cls([IndexedNeighbourhood(*row) for row in rows])

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, folded_query: str, code: str, limit: int) -> list[tuple[IndexedNeighbourhood, float]]:
        """The best `limit` entries for a folded query (`code`: the query as a code), best first,
        with their scores rounded to 3 decimals (see the module's docstring)."""
        folded_query = folded_query.replace(_SEPARATOR, "")
        if not folded_query or limit <= 0 or not self.entries:
            return []
        scores: dict[int, float] = {}
        if (position := self._by_code.get(code)) is not None:
            scores[position] = 1.0
        if len(folded_query) >= 2:
            self._parts(folded_query, limit, scores)
        # The most a name that does not contain the query can score (its best: all the query's
        # letters but one, in a name or stretch one letter shorter): when the first `limit` are
        # already better, there is no fuzzy matching to do.
        ceiling = 2 * (len(folded_query) - 1) / (2 * len(folded_query) - 1)
        shared: np.ndarray | None = None
        if (bar := self._bar(scores, limit)) <= ceiling:
            shared = self._shared_letters(folded_query)
            self._whole(folded_query, shared, bar, scores)
        if len(folded_query) >= 4 and (bar := self._bar(scores, limit)) <= _PARTIAL_DISCOUNT * ceiling:
            if shared is None:
                shared = self._shared_letters(folded_query)
            self._stretches(folded_query, shared, bar, scores)
        entries = self.entries
        best = sorted(
            (-round(score, 3), entries[position].name, entries[position].id, position)
            for position, score in scores.items()
        )[:limit]
        return [(entries[position], -score) for score, _, _, position in best]

    @staticmethod
    def _bar(scores: dict[int, float], limit: int) -> float:
        """The least score a further candidate needs to possibly make the first `limit`."""
        if len(scores) < limit:
            return MIN_SIMILARITY
        return max(MIN_SIMILARITY, sorted(scores.values(), reverse=True)[limit - 1] - _TIE)

    def _parts(self, query: str, limit: int, scores: dict[int, float]) -> None:
        """The shortest names the query is a part of (or equal to): the best `limit` of them, and
        any as long as the last of those."""
        haystack, starts, found, longest = self._haystack, self._starts, 0, 0
        at = haystack.find(query)
        while at >= 0:
            row = bisect.bisect_right(starts, at) - 1
            position = int(self._by_length[row])
            name = self._folded[position]
            if found >= limit and len(name) > longest:
                break
            score = 1.0 if name == query else 0.9 + 0.09 * len(query) / len(name)
            scores[position] = max(scores.get(position, 0.0), score)
            found, longest = found + 1, len(name)
            at = haystack.find(query, starts[row] + len(name) + 1)

    def _shared_letters(self, query: str) -> np.ndarray:
        """For every name, how many of the query's letters it has (with repeats): an upper bound
        on the length of the longest subsequence the two have in common."""
        wanted: dict[int, int] = {}
        for letter in query:
            column = self._column.get(letter, self._other)
            wanted[column] = wanted.get(column, 0) + 1
        columns = list(wanted)
        limits = np.array([min(wanted[c], 255) for c in columns], dtype=np.uint8)
        shared: np.ndarray = np.minimum(self._counts[:, columns], limits).sum(axis=1, dtype=np.int32)
        return shared

    def _whole(self, query: str, shared: np.ndarray, bar: float, scores: dict[int, float]) -> None:
        """Names similar to the query as a whole, `bar` or more."""
        # similarity = 2·LCS / (|query| + |name|) ≤ 2·shared / (|query| + |name|)
        candidates = np.flatnonzero(2 * shared >= bar * (len(query) + self._lengths))
        for position, score in self._score(query, candidates, fuzz.ratio, bar):
            if query not in self._folded[position]:  # a part: scored as one already
                scores[position] = max(scores.get(position, 0.0), score)

    def _stretches(self, query: str, shared: np.ndarray, bar: float, scores: dict[int, float]) -> None:
        """Longer names with a stretch similar to the query, discounted to `bar` or more."""
        cutoff = min(1.0, bar / _PARTIAL_DISCOUNT)
        # A stretch s is at most as long as the query (q): 2·LCS/(q + s) ≥ cutoff with LCS ≤ s
        # needs s ≥ q·cutoff/(2 - cutoff), so LCS ≥ q·cutoff/(2 - cutoff) too.
        least = math.ceil(len(query) * cutoff / (2 - cutoff) - 1e-9)
        candidates = np.flatnonzero((self._lengths > len(query)) & (shared >= least))
        for position, score in self._score(query, candidates, fuzz.partial_ratio, cutoff):
            if query not in self._folded[position]:
                scores[position] = max(scores.get(position, 0.0), _PARTIAL_DISCOUNT * score)

    def _score(
        self, query: str, positions: np.ndarray, scorer: Callable[..., Any], cutoff: float
    ) -> list[tuple[int, float]]:
        """(position, score 0..1) of the names at `positions` that `scorer` rates `cutoff` or more."""
        if not len(positions):
            return []
        found = process.cdist(
            [query],
            self._choices[positions].tolist(),
            scorer=scorer,
            score_cutoff=cutoff * 100,
            dtype=np.float32,
            workers=1,
        )[0]
        hits = np.flatnonzero(found > 0)
        return list(zip(positions[hits].tolist(), (found[hits] / 100).tolist(), strict=True))


def _letter_counts(folded: list[str], lengths: np.ndarray) -> tuple[np.ndarray, dict[str, int], int]:
    """A names × letters matrix of counts (column-major: a search reads a few whole columns),
    the column of each letter, and the column shared by the rarer letters."""
    if not folded:
        return np.zeros((0, 1), dtype=np.uint8, order="F"), {}, 0
    points = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32)
    letters, which, frequency = np.unique(points, return_inverse=True, return_counts=True)
    common = np.argsort(-frequency, kind="stable")[:_COUNTED_LETTERS]
    other = len(common)
    column_of_letter = np.full(len(letters), other, dtype=np.int64)
    column_of_letter[common] = np.arange(other)
    rows = np.repeat(np.arange(len(folded), dtype=np.int64), lengths)
    columns = other + 1
    flat = np.bincount(rows * columns + column_of_letter[which], minlength=len(folded) * columns)
    counts = np.asfortranarray(np.minimum(flat, 255).astype(np.uint8).reshape(len(folded), columns))
    column = {chr(int(letters[i])): int(column_of_letter[i]) for i in range(len(letters))}
    return counts, column, other
