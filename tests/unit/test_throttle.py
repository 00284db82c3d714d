"""Sign-in throttling rules (assess.auth.throttle): pure functions of failure times, now and the rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assess.auth import throttle
from assess.auth.throttle import Rule

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
RULE = Rule(limit=10, window=timedelta(minutes=5))


def seconds_ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


def test_fewer_failures_than_the_limit_may_go_ahead():
    assert throttle.wait_for(seconds_ago(*range(9)), NOW, RULE) is None
    assert throttle.wait_for([], NOW, RULE) is None


def test_the_limit_reached_waits_until_the_oldest_counted_failure_leaves_the_window():
    # Ten failures, 0 to 90 seconds ago: the oldest (90 s ago) leaves the 5-minute window in 210 s.
    wait = throttle.wait_for(seconds_ago(*range(0, 100, 10)), NOW, RULE)
    assert wait == timedelta(seconds=210)


def test_only_the_newest_failures_up_to_the_limit_count_for_the_wait():
    # Fifteen failures: the 10th newest (90 s ago) decides, not the oldest (140 s ago); order does not matter.
    times = seconds_ago(*range(140, -1, -10))
    assert throttle.wait_for(times, NOW, RULE) == timedelta(seconds=210)


def test_failures_outside_the_window_do_not_count_so_the_window_slides():
    times = seconds_ago(*range(0, 90, 10), 300, 301, 3600)  # nine inside, three at or past five minutes
    assert throttle.wait_for(times, NOW, RULE) is None
    # And ten failures all inside, seen once the oldest has left: the wait is over.
    ten = seconds_ago(*range(0, 100, 10))
    assert throttle.wait_for(ten, NOW + timedelta(seconds=210), RULE) is None
    assert throttle.wait_for(ten, NOW + timedelta(seconds=209), RULE) == timedelta(seconds=1)


def test_failures_in_the_future_are_not_counted():
    assert throttle.wait_for([NOW + timedelta(seconds=5)] * 20, NOW, RULE) is None


def test_the_wait_is_never_zero():
    times = [NOW - timedelta(minutes=5) + timedelta(microseconds=1)] * 10
    assert throttle.wait_for(times, NOW, RULE) == timedelta(seconds=1)


def test_a_smaller_rule_from_settings():
    rule = throttle.rule_from(3, 60)
    assert rule == Rule(limit=3, window=timedelta(seconds=60))
    assert throttle.wait_for(seconds_ago(1, 2, 3), NOW, rule) == timedelta(seconds=57)
    assert throttle.rule_from() == RULE
    assert throttle.rule_from("4", "120") == Rule(limit=4, window=timedelta(minutes=2))


@pytest.mark.parametrize("limit, window", [(0, 300), (10, 0), (10, -5)])
def test_a_rule_that_would_lock_everyone_out_or_nobody_is_refused(limit, window):
    with pytest.raises(ValueError):
        throttle.rule_from(limit, window)


def test_longest_wait_of_account_and_address():
    assert throttle.longest(None, None) is None
    assert throttle.longest(None, timedelta(seconds=4)) == timedelta(seconds=4)
    assert throttle.longest(timedelta(seconds=9), timedelta(seconds=4)) == timedelta(seconds=9)


@pytest.mark.parametrize(
    "seconds, header, message",
    [
        (0.2, 1, "Wait 1 minute,"),
        (59.5, 60, "Wait 1 minute,"),
        (60, 60, "Wait 1 minute,"),
        (61, 61, "Wait 2 minutes,"),
        (210, 210, "Wait 4 minutes,"),
        (300, 300, "Wait 5 minutes,"),
    ],
)
def test_retry_after_and_the_message_round_up(seconds, header, message):
    wait = timedelta(seconds=seconds)
    assert throttle.retry_after_seconds(wait) == header
    text = throttle.wait_message(wait)
    assert text.startswith("Too many attempts to sign in. ")
    assert message in text
    assert text.endswith(", then try again")


def test_emails_are_normalised_as_accounts_are():
    assert throttle.normalise_email("  Governor-A@EXAMPLE.org ") == "governor-a@example.org"
    assert throttle.normalise_email("a\x00b\r\n@x.org\x7f") == "ab@x.org"
    assert throttle.normalise_email(None) == ""
    assert len(throttle.normalise_email("x" * 1000)) == 255


def test_addresses_are_kept_short_and_never_empty():
    assert throttle.normalise_address("203.0.113.9") == "203.0.113.9"
    assert throttle.normalise_address(None) == "unknown"
    assert throttle.normalise_address("") == "unknown"
    assert len(throttle.normalise_address("f" * 200)) == 64


def test_wrong_codes_have_a_day_long_rule_with_its_own_limit():
    rule = throttle.second_factor_rule()
    assert rule.limit == 30 and rule.window == timedelta(days=1)
    assert throttle.second_factor_rule("50").limit == 50
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    spread = [now - timedelta(minutes=40 * n) for n in range(30)]  # 30 wrong codes over 20 hours
    wait = throttle.wait_for(spread, now, rule)
    assert wait is not None and wait == spread[-1] + timedelta(days=1) - now
    assert throttle.wait_for(spread[:29], now, rule) is None


def test_a_wait_of_hours_is_said_in_hours_with_the_way_out():
    text = throttle.wait_message(timedelta(hours=23, minutes=10))
    assert text.startswith("Too many wrong codes. Wait 24 hours")
    assert "administrator" in text
    assert throttle.wait_message(timedelta(minutes=90)).startswith("Too many attempts to sign in. Wait 90 minutes")
