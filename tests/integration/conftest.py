"""Fixtures for the integration tests: clients that behave like separate browsers.

The session app's `app_ctx` fixture keeps one application context open for the whole test, and
Flask reuses an open application context for every request made inside it. `flask.g` (where
Flask-Login caches the signed-in person) and the Flask-SQLAlchemy session then live across
requests, so a second client in the same test is served as whoever signed in first, and an
anonymous client is served as signed in. `IsolatedClient` gives every request its own application
context, as a real server does, so each client only has what its own cookies give it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import Factory, sign_in


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh application context."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def page(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(node: Any) -> str:
    """The visible text of a node with its white space collapsed."""
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()


def location(response: TestResponse) -> str:
    """The path (and query) a redirect points to."""
    target = response.headers.get("Location", "")
    return re.sub(r"^https?://[^/]+", "", target)


@pytest.fixture()
def new_client(app_ctx: Flask) -> Callable[[], IsolatedClient]:
    """new_client() -> an anonymous client with its own cookies and its own contexts."""

    def build() -> IsolatedClient:
        return IsolatedClient(app_ctx, app_ctx.response_class, use_cookies=True)

    return build


@pytest.fixture()
def client_as(new_client: Callable[[], IsolatedClient]) -> Callable[[Any], IsolatedClient]:
    """client_as(user) -> a client signed in as that person through the real sign-in form."""

    def build(user: Any) -> IsolatedClient:
        client = new_client()
        sign_in(client, user)
        return client

    return build


@pytest.fixture()
def site_a(make: Factory) -> Any:
    return make.site(code="GOV-A", name="HMP Alpha")


@pytest.fixture()
def gov(make: Factory, site_a: Any) -> Any:
    return make.user("governor", sites=(site_a,), email="governor-a@example.org", name="Ada Governor")


@pytest.fixture()
def gov_client(client_as: Callable[[Any], IsolatedClient], gov: Any) -> IsolatedClient:
    return client_as(gov)
