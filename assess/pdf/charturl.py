"""The URLs of a report's charts in its HTML: `report-chart:N`, the Nth chart, whose SVG the app hands to
the render process (worker.py) rather than embedding it. Imports nothing: the app (build.py) and the
render process (fetcher.py, run without the app) both use it."""

from __future__ import annotations

SCHEME = "report-chart"


def chart_url(index: int) -> str:
    return f"{SCHEME}:{index}"


def chart_index(url: str) -> int | None:
    """N of `report-chart:N`; None for any other URL."""
    scheme, colon, number = url.partition(":")
    if not colon or scheme.lower() != SCHEME or not number.isascii() or not number.isdigit():
        return None
    return int(number)
