"""Signing in through the real forms for bench/page_speed.py: a small HTTP client for the live server (its own
cookie jar: the server may run with ASSESS_ENV=production, whose Secure cookies a standard jar would not send
over plain HTTP on the loopback address), and the same sign-in steps for Flask's test client.

Governors sign in with a password; the demo inspector and commissioner are sent, after the password, to set up
two-factor sign-in: the key is read from the page (#two-factor-key) and a code computed from it, as a person's
authenticator app would (tests/two_factor.py). Later sign-ins of the same person give a code for that key.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from tests import two_factor

_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*name="csrf_token"')
_KEY = re.compile(r'id="two-factor-key"><code>([A-Z2-7-]+)</code>')


class SignInFailed(RuntimeError):
    pass


@dataclass
class Answer:
    status: int
    location: str  # the path (and query) of a redirect, or ""
    body: str
    headers: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def get(self, path: str) -> Answer: ...

    def post(self, path: str, data: dict[str, str]) -> Answer: ...


def _path_of(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LiveSession:
    """Requests to a server on 127.0.0.1, keeping the cookies it sets (names and values only)."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _request(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            if self.cookies:
                headers = {**headers, "Cookie": self.cookie_header()}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    cookie, _, cookie_value = pair.partition("=")
                    self.cookies[cookie.strip()] = cookie_value.strip()
            kind = response.getheader("Content-Type") or ""
            text = content.decode("utf-8", "replace") if "text" in kind or "json" in kind else ""
            return Answer(
                response.status,
                _path_of(response.getheader("Location") or ""),
                text,
                {name.lower(): value for name, value in response.getheaders()},
            )
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self._request("GET", path, None, {})

    def post(self, path: str, data: dict[str, str]) -> Answer:
        return self._request("POST", path, urlencode(data), {"Content-Type": "application/x-www-form-urlencoded"})


class TestClientSession:
    """The same steps through Flask's test client (it keeps its own cookies)."""

    __test__ = False  # not a pytest class

    def __init__(self, client: Any):
        self.client = client

    def _answer(self, response: Any) -> Answer:
        return Answer(
            response.status_code, _path_of(response.headers.get("Location") or ""), response.get_data(as_text=True)
        )

    def get(self, path: str) -> Answer:
        return self._answer(self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Answer:
        return self._answer(self.client.post(path, data=data))


def csrf_token(page: str) -> str:
    """The form's CSRF token, or "" when the page has none (CSRF switched off)."""
    found = _CSRF.search(page)
    if found is None:
        return ""
    return found.group(1) or found.group(2)


def two_factor_key(page: str) -> str:
    found = _KEY.search(page)
    if found is None:
        raise SignInFailed("no key on the two-factor set-up page")
    return found.group(1)


def sign_in(session: Transport, email: str, password: str) -> str:
    """Sign in through the forms; returns how ("password", "two-factor set up", "security code")."""
    form = session.get("/sign-in")
    answer = session.post("/sign-in", {"csrf_token": csrf_token(form.body), "email": email, "password": password})
    if answer.status not in (302, 303):
        raise SignInFailed(f"{email}: the password step answered {answer.status}")
    step = answer.location.split("?", 1)[0]
    if step == "/sign-in/set-up-two-factor":
        page = session.get(step)
        key = two_factor_key(page.body)
        two_factor.KEYS[email] = key
        done = session.post(step, {"csrf_token": csrf_token(page.body), "code": two_factor.next_code(key)})
        if done.status != 200 or "recovery" not in done.body.lower():
            raise SignInFailed(f"{email}: setting up two-factor sign-in answered {done.status}")
        return "two-factor set up"
    if step == "/sign-in/security-code":
        if email not in two_factor.KEYS:
            raise SignInFailed(f"{email} has two-factor sign-in set up with a key this run does not know")
        page = session.get(step)
        done = session.post(step, {"csrf_token": csrf_token(page.body), "code": two_factor.code_for(email)})
        if done.status not in (302, 303) or done.location.startswith("/sign-in"):
            raise SignInFailed(f"{email}: the security code answered {done.status} {done.location}")
        return "security code"
    if step.startswith("/sign-in"):
        raise SignInFailed(f"{email}: the password was refused ({answer.location})")
    return "password"
