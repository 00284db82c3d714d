"""The pure parts of bench/page_speed.py that read numbers: wrk's output, and percentiles of a list of times.
No app, no server, no database (tests/unit/test_page_speed_bench.py)."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

# wrk prints times with these units (src/units.c: time_units_us), and counts with k/M/G.
_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"


class WrkOutputError(ValueError):
    """wrk's output did not have a number the benchmark needs (the message says which)."""


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    seconds: float
    median_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_success: int  # responses that were neither 2xx nor 3xx
    socket_errors: int  # connect + read + write + timeout
    timeouts: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def time_ms(text: str) -> float:
    """A time as wrk prints it ("812.00us", "5.21ms", "1.02s", "1.50m") in milliseconds."""
    found = re.fullmatch(_NUMBER + r"(us|ms|s|m|h)", text.strip())
    if found is None:
        raise WrkOutputError(f"not a wrk time: {text!r}")
    return float(found.group(1)) * _TIME_UNITS_MS[found.group(2)]


def _required(pattern: str, output: str, what: str) -> re.Match[str]:
    found = re.search(pattern, output, flags=re.MULTILINE)
    if found is None:
        raise WrkOutputError(f"wrk's output has no {what} (was --latency given? did the run fail?)")
    return found


def parse_wrk(output: str) -> WrkResult:
    """The numbers of one `wrk --latency` run, from what it printed."""
    rate = float(_required(r"^Requests/sec:\s+" + _NUMBER, output, "Requests/sec line").group(1))
    total = _required(r"^\s*([0-9]+) requests in " + _NUMBER + r"(us|ms|s|m|h)", output, "'N requests in' line")
    percentiles = {}
    for share in ("50", "75", "90", "99"):
        line = _required(r"^\s+" + share + r"%\s+(\S+)\s*$", output, f"{share}% latency (wrk --latency)")
        percentiles[share] = time_ms(line.group(1))
    non_success = re.search(r"^\s*Non-2xx or 3xx responses:\s+([0-9]+)", output, flags=re.MULTILINE)
    errors = re.search(
        r"^\s*Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)",
        output,
        flags=re.MULTILINE,
    )
    counts = [int(value) for value in errors.groups()] if errors else [0, 0, 0, 0]
    return WrkResult(
        requests_per_second=rate,
        requests=int(total.group(1)),
        seconds=time_ms(total.group(2) + total.group(3)) / 1000,
        median_ms=percentiles["50"],
        p75_ms=percentiles["75"],
        p90_ms=percentiles["90"],
        p99_ms=percentiles["99"],
        non_success=int(non_success.group(1)) if non_success else 0,
        socket_errors=sum(counts),
        timeouts=counts[3],
    )


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` (0 to 1) of the values lie, interpolated between the two nearest (as
    numpy's default "linear" method); the median is percentile(values, 0.5)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= share <= 1:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
