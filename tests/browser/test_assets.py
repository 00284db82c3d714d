"""Light pages on the wire (issue 15, item 4), in Chromium: a results page's first view transfers at most 1.5 MB
with its charts drawn from the cut-down plotly.js, and a repeat view fetches only the page itself (everything
else comes from the browser's cache). Sizes are what Chromium counted on the network (DevTools protocol)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import assert_no_page_problems
from tests.browser.data import Seed

pytestmark = pytest.mark.browser

FIRST_VIEW_LIMIT = 1_500_000


class Network:
    """The requests of a page load that went to the network, with the bytes each transferred."""

    def __init__(self, page: Page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.requests: dict[str, dict[str, Any]] = {}
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.requestServedFromCache", self._cached)
        self.session.on("Network.responseReceived", self._received)
        self.session.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict[str, Any]) -> None:
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "cached": False, "bytes": 0}

    def _cached(self, event: dict[str, Any]) -> None:
        self.requests.get(event["requestId"], {})["cached"] = True

    def _received(self, event: dict[str, Any]) -> None:
        if event["response"].get("fromDiskCache") and event["requestId"] in self.requests:
            self.requests[event["requestId"]]["cached"] = True

    def _finished(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = event.get("encodedDataLength", 0)

    def take(self) -> list[dict[str, Any]]:
        fetched = [entry for entry in self.requests.values() if not entry["cached"]]
        self.requests = {}
        return fetched


def charts_drawn(page: Page) -> None:
    charts = page.locator(".app-chart[data-chart-source]")
    assert charts.count() >= 2
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()


def test_a_results_page_is_light_the_first_time_and_only_the_page_the_second(
    audience_page: Callable[[str], Page], seeded: Seed
) -> None:
    page = audience_page("governor")
    network = Network(page)
    url = "/assessments/{submitted}/results".format(**seeded.placeholders)

    page.goto(url, wait_until="load")
    charts_drawn(page)
    page.wait_for_timeout(300)  # fonts and icons that arrive after the load event
    first = network.take()
    total = sum(entry["bytes"] for entry in first)
    assert any("plotly" in entry["url"] for entry in first)
    assert total <= FIRST_VIEW_LIMIT, f"first view {total:,} bytes: {first}"
    assert page.evaluate("typeof window.Plotly.newPlot") == "function"

    page.goto(url, wait_until="load")
    charts_drawn(page)
    page.wait_for_timeout(300)
    repeat = network.take()
    assert [entry["url"] for entry in repeat] == [page.url], f"a repeat view fetched more than the page: {repeat}"
    assert_no_page_problems(page)  # no script error, no refused request (CSP included), nothing missing
