"""Sliding-window rate computations over message timestamps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence


def peak_rate(times: Iterable[float], window: float = 1.0) -> int:
    """Return the maximum number of events inside any half-open window ``[t, t + window)``.

    ``times`` need not be sorted.  Two events exactly ``window`` seconds apart are *not*
    counted in the same window.
    """
    ordered: Sequence[float] = sorted(times)
    best = 0
    start = 0
    for end, t_end in enumerate(ordered):
        while t_end - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def peak_rate_per_chat(stamps: Iterable[tuple[float, int]], window: float = 1.0) -> int:
    """Return the maximum number of events for a single chat within any window.

    ``stamps`` is an iterable of ``(monotonic_time, chat_id)`` pairs.
    """
    by_chat: dict[int, list[float]] = defaultdict(list)
    for t, chat_id in stamps:
        by_chat[chat_id].append(t)
    return max((peak_rate(ts, window) for ts in by_chat.values()), default=0)


def peak_rate_by_chat(stamps: Iterable[tuple[float, int]], window: float = 1.0) -> dict[int, int]:
    """Return ``{chat_id: peak events in any window}`` for every chat in ``stamps``."""
    by_chat: dict[int, list[float]] = defaultdict(list)
    for t, chat_id in stamps:
        by_chat[chat_id].append(t)
    return {chat_id: peak_rate(ts, window) for chat_id, ts in by_chat.items()}
