"""Two-factor sign-in for the tests: the people the factories make with a key, and the code an app would show.

The suite's inspectors, commissioners and admins have two-factor sign-in set up when they are made (as real
ones would after their first sign-in), with a key kept here by email, so that signing in enters a real code.
A code is accepted once: each code given is for a later time step than the last one given for that key
(within the one step either side of now that the service accepts), so that one person can sign in several
times in the same 30 seconds, as the suite does."""

from __future__ import annotations

from typing import Any

KEYS: dict[str, str] = {}  # email -> encrypted key, for the people made in this test
_LAST_STEP: dict[str, int] = {}  # key -> the last time step a code was given for


def set_up(user: Any) -> str:
    """Give this person two-factor sign-in with a new key (what the set-up page stores), and keep the key."""
    from assess.auth import two_factor
    from assess.data.two_factor import set_up_two_factor

    secret = two_factor.new_secret()
    set_up_two_factor(user, secret, 0, [], None)
    KEYS[user.email] = secret
    return secret


def next_code(secret: str) -> str:
    """A code the service will accept now for this key, never one given before."""
    from assess.auth import two_factor

    step = max(two_factor.current_step() - 1, _LAST_STEP.get(secret, -1) + 1)
    if step > two_factor.current_step() + 1:
        raise AssertionError("more than three sign-ins with one key in 30 seconds: wait for the next step")
    _LAST_STEP[secret] = step
    return two_factor.code_at(secret, step)


def code_for(email: str) -> str:
    return next_code(KEYS[email])
