"""WeasyPrint's URL fetcher for reports: `data:` URLs, the app's own static files and the charts the app
hands over (`report-chart:N`), nothing else.

Imported only where WeasyPrint runs (the render process, and tests), so that importing the app does not
import WeasyPrint. pdf.py's docstring explains why the fetcher is locked down.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

if __package__:
    from . import charturl
else:  # imported by worker.py run as a script: charturl.py sits next to this file
    import charturl  # type: ignore[no-redef]

log = logging.getLogger(__name__)

STATIC_FOLDER = Path(__file__).resolve().parent.parent / "static"


class URLRefused(ValueError):
    """A URL the report may not fetch."""


def parse_data_url(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a `data:` URL (RFC 2397). Raises URLRefused when it is malformed."""
    if not url[:5].lower() == "data:":
        raise URLRefused("not a data: URL")
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise URLRefused("malformed data: URL (no comma)")
    parts = [part.strip() for part in header.split(";")]
    is_base64 = bool(parts) and parts[-1].lower() == "base64"
    if is_base64:
        parts = parts[:-1]
    media_type = parts[0].lower() if parts and parts[0] else "text/plain"
    if "/" not in media_type:
        raise URLRefused("malformed data: URL (media type)")
    raw = unquote_to_bytes(payload)
    if is_base64:
        try:
            raw = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise URLRefused(f"malformed data: URL ({exc})") from None
    return media_type, raw


def static_path(url: str, static_folder: Path) -> Path:
    """The file a `file:` URL names, if it is a file inside the static folder (after resolving `..` and
    symbolic links); otherwise URLRefused."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise URLRefused("only local file: URLs")
    root = static_folder.resolve()
    try:
        path = Path(url2pathname(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError):
        raise URLRefused("no such file") from None
    if not path.is_relative_to(root) or not path.is_file():
        raise URLRefused("outside the static folder")
    return path


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, allowed only `data:` URLs, files in the static folder and, when `charts` is
    given, the report's own charts (`report-chart:N`, SVG text handed over by the app). No network, no
    redirects: nothing is ever opened through urllib."""

    def __init__(self, static_folder: Path = STATIC_FOLDER, charts: Callable[[int], str] | None = None):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False)
        self.static_folder = Path(static_folder)
        self.charts = charts
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        try:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                media_type, body = parse_data_url(url)
                return URLFetcherResponse(url, body, {"Content-Type": media_type})
            if scheme == "file":
                path = static_path(url, self.static_folder)
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})
            if scheme == charturl.SCHEME and self.charts is not None:
                index = charturl.chart_index(url)
                if index is None:
                    raise URLRefused("malformed chart URL")
                return URLFetcherResponse(url, self.charts(index).encode(), {"Content-Type": "image/svg+xml"})
            raise URLRefused(f"scheme {scheme or '(none)'!r} is not allowed")
        except URLRefused:
            self.refused.append(url)
            log.warning("report fetcher refused %.200s", url)
            raise

    # urllib's OpenerDirector entry points: never used by WeasyPrint with this class, and must never
    # reach the network if something calls them.
    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        target = url.full_url if hasattr(url, "full_url") else str(url)
        return self.fetch(target)

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)
