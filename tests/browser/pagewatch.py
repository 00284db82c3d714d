"""Every page the browser tests open is watched: JavaScript errors, failed requests, server errors, and the
last document the server sent (for checking the HTML as sent, not only as the browser rebuilt it)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, Response

TIMEOUT_MS = 15_000


class PageWatch:
    """Everything a page did that a test should hear about: JavaScript errors, failed requests,
    server errors, and the HTML of the last document the server sent."""

    def __init__(self, page: Page):
        self.problems: list[str] = []
        self.last_document: Response | None = None
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("requestfailed", self._failed)
        self.page = page

    def _console(self, message: Any) -> None:
        # "Failed to load resource" repeats a response the listener below has seen (and a 404 page is one).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _response(self, response: Response) -> None:
        document = response.request.resource_type == "document"
        if response.status >= 500 or (response.status >= 400 and not document):
            self.problems.append(f"{response.status} on {response.request.method} {response.url}")
        if document and response.frame == self.page.main_frame:
            self.last_document = response

    def _failed(self, request: Any) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # a navigation that replaced an unfinished one
            self.problems.append(f"request failed: {request.method} {request.url} ({failure})")


WATCHES: dict[int, PageWatch] = {}


def watch(page: Page) -> PageWatch:
    """The PageWatch for a page (every page the fixtures open has one)."""
    return WATCHES[id(page)]


def prepare(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    WATCHES[id(page)] = PageWatch(page)
    return page
