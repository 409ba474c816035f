"""What the request router reads and answers, without the router itself: the labelled examples
shipped in ``data/routing/*.csv`` (:func:`load_examples`), the committee a request is routed to
(:class:`RouteGuess`) and the thresholds a handler applies to it.

Kept apart from :mod:`services.routing` so that the bot's handlers and services can name these
without importing NumPy, SciPy and scikit-learn (seconds at every start); the trained router is
loaded when the first request is routed (``services.requests.RoutingModel.ready``). Training reads
this module too: its source is part of the router's cache key (:mod:`services.routing_cache`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from models.council import CommitteeKey

__all__ = [
    "COMMITTEES",
    "CONFIDENCE_THRESHOLD",
    "ROUTING_DATA_DIR",
    "TORN_SECOND",
    "LabelledExample",
    "RouteGuess",
    "load_examples",
    "read_examples",
]

ROUTING_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "routing"

COMMITTEES: tuple[str, ...] = tuple(key.value for key in CommitteeKey)

# Below this confidence the bot does not propose a committee; it asks the resident to pick one
# (or offers two, see TORN_SECOND). From `python -m benchmarks.routing` on the shipped 1272 rows:
# over all 5-fold cross-validated predictions, proposals at >= 0.70 are 96.1 % right and cover
# 87.8 % of requests (held-out 20 %: 96.9 % right, 88.6 % proposed). At 0.60 they are 95.1 % right
# for 91.5 %; at 0.80, 97.1 % right for only 82.6 %. Recheck when the model or data change.
CONFIDENCE_THRESHOLD: float = 0.70

# The model is torn between its two best committees when the second still holds this much
# probability: the resident is shown both, most likely first. From 5-fold cross-validated
# predictions on the shipped 1272 rows: at 0.20 two committees were offered for 11 % of requests,
# the first of them wrong a third of the time, and the right committee was among the offered
# ones for 93.4 % of requests instead of 90.8 % (0.10: 22 % offered two, 95.0 %; 0.30: 5 %, 92.1 %).
# With 9,745 rows the model is sharper and 0.20 offered two for only 5.4 % (right among the
# offered 96.2 %); 0.10 brings back the intended share: two for 9.7 % of requests, the second the
# right one for 226 of those 944, the right committee among the offered for 96.9 % (top-1 94.6 %;
# 0.05: 13.4 % and 97.1 %).
TORN_SECOND: float = 0.10


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledExample:
    """One resident request and the committee a neighbourhood manager would send it to; whether
    it is an emergency when the row says so (None: not said)."""

    text: str
    committee: str
    emergency: bool | None = None


_YES = frozenset({"1", "true", "yes", "y", "بله", "آری", "اره"})
_NO = frozenset({"0", "false", "no", "n", "خیر", "نه"})


def load_examples(directory: Path = ROUTING_DATA_DIR) -> list[LabelledExample]:
    """Read every ``*.csv`` in ``directory`` with :func:`read_examples`, files in name order."""
    examples: list[LabelledExample] = []
    for path in sorted(Path(directory).glob("*.csv")):
        examples += read_examples(path)
    return examples


def read_examples(path: Path) -> list[LabelledExample]:
    """Read one CSV file (header ``committee,text`` or ``committee,text,emergency``).

    ``emergency`` is 1/0, true/false or yes/no (empty: not said). Raises ValueError naming the
    file and line (never the text) of a row with an unknown committee, an empty text, a wrong
    number of fields or an unreadable emergency, or a file with another header.
    """
    known = set(COMMITTEES)
    examples: list[LabelledExample] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return examples
        columns = [cell.strip().lower() for cell in header]
        if columns not in (["committee", "text"], ["committee", "text", "emergency"]):
            raise ValueError(
                f"{path}:1: header must be 'committee,text' or 'committee,text,emergency', "
                f"not {','.join(header)!r}"
            )
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise ValueError(
                    f"{path}:{line}: expected {len(columns)} fields ({','.join(columns)}), got {len(row)}; "
                    "quote texts that contain a comma"
                )
            committee, text = row[0].strip(), row[1].strip()
            flag = row[2].strip().lower() if len(row) > 2 else ""
            if flag and flag not in _YES | _NO:
                raise ValueError(
                    f"{path}:{line}: emergency must be 1 or 0 (true/false, yes/no), not {flag!r}"
                )
            if committee not in known:
                raise ValueError(
                    f"{path}:{line}: unknown committee {committee!r}; expected one of {', '.join(COMMITTEES)}"
                )
            if not text:
                raise ValueError(f"{path}:{line}: empty text")
            emergency = (flag in _YES) if flag else None
            examples.append(LabelledExample(text=text, committee=committee, emergency=emergency))
    return examples


@dataclass(frozen=True)
class RouteGuess:
    """The committee proposed for a request, its confidence (0..1, the model's probability of that
    committee), and every committee ranked best first by the model (probabilities sum to ~1).

    ``emergency``: the emergency detector says it is happening now (the committee is then
    ``crisis`` whatever the model thinks); ``urgent``: an emergency, or an outage in extreme
    weather or with vulnerable people (shorter SLA); ``choices``: what to offer the resident, one
    committee or, when the model is torn, two, most likely first; ``reason``: the detector's rule
    behind ``emergency``/``urgent`` («gas + smell»); ``hazard``: not an emergency, but a danger is
    in the words (the rules held a match back as a drill or a past event, or the learned model
    gives it at least ``services.routing.HAZARD_PROBABILITY``): the resident is asked, with one
    button, whether it is happening now, since a missed emergency is the worst error the router
    can make.
    """

    committee: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    emergency: bool = False
    urgent: bool = False
    choices: tuple[str, ...] = ()
    reason: str | None = None
    hazard: bool = False
