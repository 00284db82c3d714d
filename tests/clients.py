"""The test client the whole suite uses."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh application context, as on a real server.

    The shared `app_ctx` fixture keeps one application context open for the whole test, and Flask
    reuses an open application context for every request made inside it. `flask.g` (where
    Flask-Login caches the signed-in person) and the database session then outlive each request, so
    a second client in the same test would be served as whoever signed in first, and an anonymous
    client would be served as signed in.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)
