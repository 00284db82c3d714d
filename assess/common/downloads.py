"""A file to download: the one way a page hands over a CSV or a made PDF (every audience alike)."""

from __future__ import annotations

from werkzeug.wrappers import Response


def csv_download(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_download(body: bytes, filename: str, key: str, cache_status: str) -> Response:
    """A made PDF (a report, an evidence pack, a board pack): attached, tagged with its cache key, never stored
    by the browser or a proxy (it may carry what only this person may read)."""
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Report-Cache"] = cache_status
    response.headers["ETag"] = f'"{key}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
