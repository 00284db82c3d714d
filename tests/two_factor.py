"""Two-factor sign-in for the tests: the people the factories make with a key, and the code an app would show.

The suite's inspectors, commissioners and admins have two-factor sign-in set up when they are made (as real
ones would after their first sign-in), with their key kept here by email, so that signing in enters a real
code. A code is accepted once: each code given is for a later time step than the last one given for that key
(within the one step either side of now that the service accepts), so that one person can sign in several
times in the same 30 seconds, as the suite does. Codes are made as an authenticator app makes them, from the
key the set-up page shows (no application context needed: the browser tests use them too)."""

from __future__ import annotations

import time
from typing import Any

from passlib.totp import TOTP

KEYS: dict[str, str] = {}  # email -> the base32 key an app would be given, for the people made in this test
_LAST_STEP: dict[str, int] = {}  # key -> the last time step a code was given for
STEP_SECONDS = 30


def set_up(user: Any) -> str:
    """Give this person two-factor sign-in with a new key (as the set-up page stores it), and keep the key."""
    from assess.auth import two_factor
    from assess.data.two_factor import set_up_two_factor

    secret = two_factor.new_secret()
    set_up_two_factor(user, secret, 0, [], None)
    key = two_factor.set_up_values(user.email, secret).key
    KEYS[user.email] = key
    return key


def app_code(key: str, step: int) -> str:
    return str(TOTP(key=key.replace("-", ""), format="base32").generate(time=step * STEP_SECONDS).token)


def current_step() -> int:
    return int(time.time()) // STEP_SECONDS


def next_code(key: str) -> str:
    """A code the service will accept now for this key, never one given before. The step before now is used
    only early in the current step (so that it is still accepted when the request arrives); a fourth sign-in in
    one 30 seconds waits for the next step, as a person would."""
    while True:
        now = current_step()
        earliest = now - 1 if time.time() % STEP_SECONDS < 20 else now
        step = max(earliest, _LAST_STEP.get(key, -1) + 1)
        if step <= now + 1:
            break
        time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.1)
    _LAST_STEP[key] = step
    return app_code(key, step)


def code_for(email: str) -> str:
    return next_code(KEYS[email])


def set_up_from_page(client: Any, email: str) -> str:
    """Read the key the set-up page shows (as a person types it into an app), keep it, and give a code for it."""
    import re

    response = client.get("/sign-in/set-up-two-factor")
    found = re.search(rb'id="two-factor-key"><code>([A-Z2-7-]+)</code>', response.data)
    assert found is not None, "no key on the set-up page"
    KEYS[email] = found.group(1).decode()
    return code_for(email)
