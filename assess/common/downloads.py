"""A file to download: the one way a page hands over a CSV (governor, inspector and later pages alike)."""

from __future__ import annotations

from werkzeug.wrappers import Response


def csv_download(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
