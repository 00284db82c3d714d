"""Assessment periods are UK financial years, April to March, written like '2026-27'. Pure."""

from __future__ import annotations

import re
from datetime import date

PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")


def period_for(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def previous_period(period: str) -> str:
    start = int(period[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def is_valid_period(period: str) -> bool:
    match = PERIOD.fullmatch(period)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))  # type: ignore[union-attr]


def describe(period: str) -> str:
    start = int(period[:4])
    return f"1 April {start} to 31 March {start + 1}"


def selectable_periods(today: date) -> list[str]:
    """The current financial year and the one before (for a late return)."""
    current = period_for(today)
    return [current, previous_period(current)]
