"""What a results page costs on the wire: its first view and a repeat view, in Debian's Chromium.

Signs in as the demo governor at BASE (default http://127.0.0.1:8000, e.g. `make serve` with the demo data),
opens the first results page linked from /sites in a new browser profile (empty cache), then opens it again
in the same profile. For each view: every request that went to the network (not the browser's cache), the
bytes transferred (headers and the body as sent, compressed or not) and the time to the load event and until
the charts are drawn. Usage:

    .venv/bin/python scripts/assets_first_view.py [BASE] [--email E] [--password P] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class Wire:
    """The requests of one page load that reached the network, with their transferred size (CDP Network)."""

    def __init__(self, page: Page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.send("Network.setCacheDisabled", {"cacheDisabled": False})
        self.requests: dict[str, dict[str, Any]] = {}
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.responseReceived", self._received)
        self.session.on("Network.requestServedFromCache", self._cached)
        self.session.on("Network.loadingFinished", self._finished)

    def reset(self) -> None:
        self.requests = {}

    def _sent(self, event: dict[str, Any]) -> None:
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "cached": False, "bytes": 0}

    def _received(self, event: dict[str, Any]) -> None:
        entry = self.requests.setdefault(event["requestId"], {"url": event["response"]["url"], "bytes": 0})
        response = event["response"]
        entry["status"] = response.get("status")
        entry["cached"] = bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))
        headers = {key.lower(): value for key, value in response.get("headers", {}).items()}
        entry["encoding"] = headers.get("content-encoding", "")
        entry["cache-control"] = headers.get("cache-control", "")

    def _cached(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["cached"] = True

    def _finished(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = event.get("encodedDataLength", 0)

    def network(self) -> list[dict[str, Any]]:
        return [entry for entry in self.requests.values() if not entry.get("cached") and entry.get("bytes", 0) > 0]


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/sign-in" in page.url:
        raise SystemExit(f"could not sign in as {email} (now at {page.url})")


def view(page: Page, wire: Wire, url: str) -> dict[str, Any]:
    wire.reset()
    started = time.perf_counter()
    response = page.goto(url, wait_until="load")
    loaded = time.perf_counter() - started
    if response is None or response.status != 200 or not page.locator(".app-chart[data-chart-source]").count():
        raise SystemExit(f"{url} is not a results page with charts (status {response and response.status})")
    page.wait_for_function(
        "[...document.querySelectorAll('.app-chart[data-chart-source]')].every("
        "e => e.dataset.drawn === 'true' || e.offsetParent === null)"
    )
    drawn = time.perf_counter() - started
    page.wait_for_timeout(300)  # late requests (fonts, icons)
    requests = wire.network()
    return {
        "load_s": round(loaded, 3),
        "charts_drawn_s": round(drawn, 3),
        "requests": len(requests),
        "bytes": sum(entry["bytes"] for entry in requests),
        "detail": sorted(
            ((re.sub(r"^https?://[^/]+", "", entry["url"]), entry["bytes"], entry.get("encoding", ""),
              entry.get("cache-control", "")) for entry in requests),
            key=lambda row: -row[1],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="governor@example.org")
    parser.add_argument("--password", default="demo-Fellwater-2026")
    parser.add_argument("--runs", type=int, default=3, help="first views, each in a new profile (median shown)")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        signer = browser.new_context()
        page = signer.new_page()
        sign_in(page, base, args.email, args.password)
        page.goto(base + "/sites")
        links = page.eval_on_selector_all(
            "a[href*='/results']", "links => links.map(a => a.getAttribute('href'))"
        )
        results = next((link for link in links if re.search(r"/assessments/\d+/results$", link)), None)
        if results is None:
            raise SystemExit("no results page linked from /sites")
        state = signer.storage_state()
        signer.close()
        firsts, repeats = [], []
        for _ in range(args.runs):
            context = browser.new_context(storage_state=state)  # a new profile: empty cache
            page = context.new_page()
            wire = Wire(page)
            firsts.append(view(page, wire, base + results))
            repeats.append(view(page, wire, base + results))
            context.close()
        browser.close()
    summary = {
        "page": results,
        "first_view": firsts[-1] | {
            "load_s_median": statistics.median(run["load_s"] for run in firsts),
            "charts_drawn_s_median": statistics.median(run["charts_drawn_s"] for run in firsts),
        },
        "repeat_view": repeats[-1] | {
            "load_s_median": statistics.median(run["load_s"] for run in repeats),
            "charts_drawn_s_median": statistics.median(run["charts_drawn_s"] for run in repeats),
        },
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
