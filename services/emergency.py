"""Emergency numbers, kept as data in `data/emergency_numbers.csv` (service key, number).

Each service key has a label `emergency-service-<key>` in the catalogs; a test keeps the two in
step.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from services.i18n import BoundTranslator, Dialable

EMERGENCY_NUMBERS_FILE = Path(__file__).resolve().parents[1] / "data" / "emergency_numbers.csv"


@cache
def emergency_numbers(path: Path = EMERGENCY_NUMBERS_FILE) -> tuple[tuple[str, str], ...]:
    """(service key, number) pairs in the file's order."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return tuple((row["service"].strip(), row["number"].strip()) for row in csv.DictReader(file))


def emergency_numbers_text(t: BoundTranslator) -> str:
    """One line per service: «🚒 آتش‌نشانی: 125», in Latin digits so that a tap dials it."""
    return "\n".join(
        t("emergency-number-line", service=t(f"emergency-service-{key}"), number=Dialable(number))
        for key, number in emergency_numbers()
    )
