"""Fixtures for the integration tests. Clients here are IsolatedClients (see helpers.py): each
request gets its own application context, so separate clients really are separate browsers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.conftest import Factory, sign_in
from tests.integration.helpers import IsolatedClient


@pytest.fixture()
def new_client(app_ctx: Flask) -> Callable[[], IsolatedClient]:
    """new_client() -> an anonymous client with its own cookies."""

    def build() -> IsolatedClient:
        return IsolatedClient(app_ctx, app_ctx.response_class, use_cookies=True)

    return build


@pytest.fixture()
def client_as(new_client: Callable[[], IsolatedClient]) -> Callable[[Any], IsolatedClient]:
    """client_as(user) -> a new client signed in as that person through the real sign-in form."""

    def build(user: Any) -> IsolatedClient:
        return sign_in(new_client(), user)  # type: ignore[return-value]

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


@pytest.fixture()
def questionnaire(make: Factory) -> Any:
    """The definition new assessments use (sui-maturity, latest version)."""
    return make.questionnaire().definition
