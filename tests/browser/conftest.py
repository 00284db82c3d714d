"""Fixtures for the browser tests: Debian's Chromium, the live app, its seed data, signed-in pages,
and screenshots on failure. See tests/browser/__init__.py for how to run and extend them."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import make_server

from tests import two_factor
from tests.browser.data import AUDIENCE_USERS, Seed, seed
from tests.browser.pagewatch import WATCHES, prepare
from tests.conftest import PASSWORD, ROOT, build_app
from tests.databases import fresh_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
INSTALL_COMMAND = "sudo apt-get install chromium"
SKIP_REASON = (
    f"BROWSER TESTS SKIPPED: Debian's Chromium is not installed at {CHROMIUM}. "
    f"Install it with `{INSTALL_COMMAND}` (never `playwright install`)."
)
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or ROOT / "test-results" / "browser")


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)



# ---------------------------------------------------------------- skipping, loudly, without Chromium

_SKIPPED_KEY = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if item.get_closest_marker("browser") is not None]
    if chromium_available():
        return
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
    config.stash[_SKIPPED_KEY] = len(browser_items)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash.get(_SKIPPED_KEY, 0)
    if not skipped:
        return
    terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
    terminalreporter.write_line(
        f"{skipped} browser tests did not run: Chromium is not installed at {CHROMIUM}.", red=True, bold=True
    )
    terminalreporter.write_line(f"Install it with:  {INSTALL_COMMAND}", red=True, bold=True)
    terminalreporter.write_line("(Do not run `playwright install`: these tests use Debian's Chromium only.)", red=True)
    terminalreporter.write_sep("!", red=True, bold=True)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright deletes its --output folder (default "test-results") when a session starts, which
    # would delete the screenshots of the last failed run. Give it a folder of its own (it writes nothing
    # there unless --screenshot, --video or --tracing is asked for).
    if config.getoption("--output", default=None) == "test-results":
        config.option.output = str(ROOT / "test-results" / "playwright")


# ---------------------------------------------------------------- Playwright settings


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a browser Playwright downloads."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture()
def page(context: BrowserContext) -> Iterator[Page]:
    """pytest-playwright's page, with a shorter timeout and its problems recorded for audit()."""
    opened = prepare(context.new_page())
    yield opened
    WATCHES.pop(id(opened), None)


@pytest.fixture()
def blank_page(browser: Browser) -> Iterator[Page]:
    """A page with no app behind it (no base URL, no live server): for the negative controls."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    opened = prepare(context.new_page())
    yield opened
    WATCHES.pop(id(opened), None)
    context.close()


# ---------------------------------------------------------------- the app, served for real


def buffered_bodies(app: Any) -> Any:
    """WSGI middleware: each response body is read into memory and its iterable closed before it is sent.

    The browser sometimes drops a connection while an asset is on its way (a page moves on before a font
    has arrived). werkzeug's development server then fails before it closes the response, so the file behind
    Flask's send_file stays open until garbage collection, and the ResourceWarning fails whichever test runs
    then (the suite treats warnings as errors). With every body already in memory there is nothing to leak.
    """

    def serve(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()

    return serve


@dataclass
class LiveServer:
    url: str
    app: Any
    seed: Seed


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with CSRF on, on its own fresh database, served on 127.0.0.1 from a daemon thread."""
    with fresh_database(tmp_path_factory.mktemp("browser-db"), "browser") as url:
        app = build_app(url, WTF_CSRF_ENABLED=True)
        data = seed(app)
        server = make_server("127.0.0.1", 0, buffered_bodies(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, seed=data)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                from assess.extensions import db

                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _quiet_request_log() -> Iterator[None]:
    """werkzeug logs every request (assets included); keep warnings and errors only."""
    logger = logging.getLogger("werkzeug")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="session")
def seeded(live_server: LiveServer) -> Seed:
    return live_server.seed


# ---------------------------------------------------------------- signing in


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, with the mouse."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.url.endswith("/sign-in/security-code"):  # two-factor sign-in: the code an app shows now
        page.get_by_label("Security code").fill(two_factor.code_for(email))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert "/sign-in" not in page.url, f"could not sign in as {email}"


class AudiencePages:
    """audience_page("governor") -> a new page already signed in as that audience's user
    (signed in once per session; the cookies are reused)."""

    def __init__(self, browser: Browser, context_args: dict[str, Any]):
        self.browser = browser
        self.context_args = context_args
        self.states: dict[str, Any] = {}
        self.contexts: list[BrowserContext] = []
        self.pages: list[Page] = []

    def __call__(self, audience: str) -> Page:
        state = None
        if audience != "public":
            if audience not in self.states:
                context = self.browser.new_context(**self.context_args)
                try:
                    sign_in(prepare(context.new_page()), AUDIENCE_USERS[audience])
                    self.states[audience] = context.storage_state()
                finally:
                    context.close()
            state = self.states[audience]
        context = self.browser.new_context(**self.context_args, storage_state=state)
        self.contexts.append(context)
        opened = prepare(context.new_page())
        self.pages.append(opened)
        return opened

    def close_all(self) -> None:
        for opened in self.pages:
            WATCHES.pop(id(opened), None)
        for context in self.contexts:
            context.close()
        self.contexts.clear()
        self.pages.clear()


@pytest.fixture(scope="session")
def _audience_pages(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[AudiencePages]:
    pages = AudiencePages(browser, browser_context_args)
    yield pages
    pages.close_all()


@pytest.fixture()
def audience_page(_audience_pages: AudiencePages) -> Iterator[Callable[[str], Page]]:
    yield _audience_pages
    _audience_pages.close_all()


# ---------------------------------------------------------------- screenshots and HTML on failure


def _open_pages(item: pytest.Item) -> list[Page]:
    """The test's `page` fixture first, then any other page it opened."""
    funcargs = getattr(item, "funcargs", {})
    found: list[Page] = []
    candidates: list[Any] = [funcargs.get("page"), *funcargs.values()]
    for value in candidates:
        if isinstance(value, Page):
            found.append(value)
        elif isinstance(value, BrowserContext):
            found.extend(value.pages)
        elif isinstance(value, AudiencePages):
            found.extend(value.pages)
    unique: list[Page] = []
    for opened in found:
        if opened not in unique and not opened.is_closed():
            unique.append(opened)
    return unique


def _save_artifacts(item: pytest.Item) -> list[str]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid.split("::", 1)[-1]).strip("-")[:150]
    written = []
    for number, opened in enumerate(_open_pages(item), start=1):
        name = f"{stem}-page{number}"
        try:
            opened.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, timeout=10_000)
            written.append(str(ARTIFACTS / f"{name}.png"))
        except Exception as error:  # noqa: BLE001 - a crashed page must not hide the test's own failure
            written.append(f"(no screenshot of {opened.url}: {error})")
        try:
            (ARTIFACTS / f"{name}.html").write_text(f"<!-- {opened.url} -->\n{opened.content()}", encoding="utf-8")
            written.append(str(ARTIFACTS / f"{name}.html"))
        except Exception as error:  # noqa: BLE001
            written.append(f"(no HTML of {opened.url}: {error})")
    return written


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.failed and report.when in ("setup", "call"):
        written = _save_artifacts(item)
        if written:
            report.sections.append(("browser artifacts", "\n".join(written)))
    return report
