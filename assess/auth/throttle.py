"""Sign-in throttling rules, pure (no Flask, no database): after `limit` failed sign-ins for one account or
from one address within `window`, further attempts wait until the oldest of those failures leaves the
window. The window slides, so nothing is locked for good. The queries are in assess.data.sign_in_attempts,
the use in the sign-in view (assess.auth.routes)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_LIMIT = 10
DEFAULT_WINDOW_SECONDS = 300
# Wrong security or recovery codes for one account in a day (NIST SP 800-63B 5.2.2 allows at most 100 in a
# row): as well as the 5-minute limit they share with passwords. Someone who has the password then has about a
# 1 in 11,000 chance a day of guessing a code (3 codes are right at any moment: now, and a step either side).
DEFAULT_SECOND_FACTOR_DAILY_LIMIT = 30
EMAIL_MAX_LENGTH = 255
ADDRESS_MAX_LENGTH = 64


@dataclass(frozen=True)
class Rule:
    limit: int = DEFAULT_LIMIT
    window: timedelta = timedelta(seconds=DEFAULT_WINDOW_SECONDS)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("the sign-in limit must be at least 1")
        if self.window <= timedelta(0):
            raise ValueError("the sign-in window must be longer than no time")


def rule_from(limit: object = None, window_seconds: object = None) -> Rule:
    """A rule from settings (SIGN_IN_THROTTLE_LIMIT, SIGN_IN_THROTTLE_WINDOW_SECONDS), defaults when unset."""
    return Rule(
        limit=DEFAULT_LIMIT if limit is None else int(str(limit)),
        window=timedelta(seconds=DEFAULT_WINDOW_SECONDS if window_seconds is None else int(str(window_seconds))),
    )


def second_factor_rule(limit: object = None) -> Rule:
    """The daily limit on wrong codes (SIGN_IN_SECOND_FACTOR_DAILY_LIMIT)."""
    return Rule(limit=DEFAULT_SECOND_FACTOR_DAILY_LIMIT if limit is None else int(str(limit)), window=timedelta(days=1))


def normalise_email(typed: str | None) -> str:
    """The email as the account and the throttle know it: no surrounding spaces, lower case, no control
    characters, at most 255 characters."""
    cleaned = "".join(character for character in (typed or "") if character >= " " and character != "\x7f")
    return cleaned.strip().lower()[:EMAIL_MAX_LENGTH]


def normalise_address(address: str | None) -> str:
    return (address or "unknown")[:ADDRESS_MAX_LENGTH]


def wait_for(failures: Iterable[datetime], now: datetime, rule: Rule) -> timedelta | None:
    """How long the next attempt must wait, or None if it may go ahead. `failures` are the times of failed
    attempts (any order; those outside the window are ignored)."""
    recent = sorted((when for when in failures if timedelta(0) <= now - when < rule.window), reverse=True)
    if len(recent) < rule.limit:
        return None
    # The count drops below the limit when the limit-th newest failure leaves the window.
    wait = recent[rule.limit - 1] + rule.window - now
    return max(wait, timedelta(seconds=1))


def longest(*waits: timedelta | None) -> timedelta | None:
    given = [wait for wait in waits if wait is not None]
    return max(given) if given else None


def retry_after_seconds(wait: timedelta) -> int:
    """The Retry-After header's whole seconds (never 0: rounding down would invite a retry too soon)."""
    return max(1, math.ceil(wait.total_seconds()))


def wait_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    if minutes > 90:
        hours = math.ceil(minutes / 60)
        return (
            f"Too many wrong codes. Wait {hours} hours, then try again, or ask your service's administrator to "
            "reset your two-factor sign-in"
        )
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many attempts to sign in. Wait {minutes} {unit}, then try again"
