"""The edge: what every request's text goes through before routing, forms or the database see it.

One place, never per field:
- Form values and query-string values are cleaned as Werkzeug parses them (the request's
  `parameter_storage_class`): NUL and the other C0 control characters, DEL and the C1 controls are removed
  (a form value keeps tab, CR and LF, which multi-line text needs; a query-string value keeps none), and so
  are the text-direction embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069), which
  could make text read differently from what was stored. A value of only spaces becomes empty, so a field
  treats it as not filled in. PostgreSQL refuses a NUL in text, which used to give a 500.
- A URL path with a control character names nothing: 404 before any view runs.
- Body limits: MAX_CONTENT_LENGTH (whole body), MAX_FORM_MEMORY_SIZE (one form field) and MAX_FORM_PARTS
  answer 413 before a larger body is read. The largest form the service needs is an area page: a few
  evidence boxes of at most 2,000 characters, at most 4 bytes each, percent-encoded (x3): about 24 KB a box.
  The defaults are generous multiples of that, and each can be set in the environment
  (ASSESS_MAX_CONTENT_LENGTH, ASSESS_MAX_FORM_MEMORY_SIZE, ASSESS_MAX_FORM_PARTS, in bytes / parts).
- A value longer than MAX_FIELD_LENGTH characters is cut to it (see there), so an overlong field is never
  echoed back in full.
- One route may take a larger whole body than MAX_CONTENT_LENGTH: a view marked with `larger_body(limit)` (the
  admin's sites CSV upload, a file of up to 1 MB plus the form around it). The limit is set on the request
  before anything reads the body (CSRF's check included); every other route keeps MAX_CONTENT_LENGTH.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, flash, has_request_context, request
from flask.wrappers import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MB: the whole body of any request
MAX_FORM_MEMORY_SIZE = 128 * 1024  # 128 KB: any one form field
MAX_FORM_PARTS = 200  # fields (and files) in one multipart form
# No field of the service takes more than 10,000 characters (a reason, a note, a reply; evidence 2,000). A value
# longer than this is cut here: its field still refuses it (it is still over the field's own limit) and the page
# shows the cut copy, never megabytes echoed back, with a message saying so. Werkzeug applies
# MAX_FORM_MEMORY_SIZE to multipart forms only, not to the url-encoded ones browsers send by default.
MAX_FIELD_LENGTH = 20_000
TRUNCATED_MESSAGE = (
    f"Some text you sent was much longer than any box on this page takes, so only its first {MAX_FIELD_LENGTH:,} "
    "characters are shown and none of it was saved. Shorten it to the limit shown under its box."
)

LARGER_BODY = "_edge_max_content_length"  # the attribute larger_body sets on a view
F = TypeVar("F", bound=Callable[..., Any])

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = (
    "".join(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r")
    + "\x7f"
    + "".join(chr(code) for code in range(0x80, 0xA0))
)
# Form values: keep tab, CR and LF (multi-line evidence); query strings and paths: keep none of them.
_FORM_UNWANTED = re.compile(f"[{re.escape(_CONTROLS + BIDI_CONTROLS)}]")
_LINE_UNWANTED = re.compile(f"[{re.escape(_CONTROLS + BIDI_CONTROLS)}\t\n\r]")
_PATH_CONTROLS = re.compile(f"[{re.escape(_CONTROLS)}\t\n\r]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def clean_text(value: str, multiline: bool = True) -> str:
    """The text without control characters or direction overrides; only spaces -> ''."""
    cleaned = (_FORM_UNWANTED if multiline else _LINE_UNWANTED).sub("", value)
    return "" if cleaned.isspace() else cleaned


def strip_bidi(value: str) -> str:
    """Remove text-direction embedding, override and isolate characters (for text already stored)."""
    return _BIDI.sub("", value)


def has_bidi(value: str) -> bool:
    return _BIDI.search(value) is not None


def _pairs(mapping: Any) -> list[tuple[Any, Any]]:
    if mapping is None:
        return []
    return list(MultiDict(mapping).items(multi=True))


def _cut(value: str) -> str:
    if len(value) <= MAX_FIELD_LENGTH:
        return value
    if has_request_context():
        flash(TRUNCATED_MESSAGE)
    return value[:MAX_FIELD_LENGTH]


class CleanFormDict(ImmutableMultiDict):  # type: ignore[type-arg]
    """Form fields, cleaned as they are parsed (keeps tab, CR, LF), each cut to MAX_FIELD_LENGTH."""

    multiline = True

    def __init__(self, mapping: Any = None) -> None:
        super().__init__(
            [
                (
                    _cut(clean_text(key, multiline=False)) if isinstance(key, str) else key,
                    _cut(clean_text(value, self.multiline)) if isinstance(value, str) else value,
                )
                for key, value in _pairs(mapping)
            ]
        )


class CleanArgsDict(CleanFormDict):
    """Query-string values, cleaned as they are parsed (one line: no tab, CR or LF)."""

    multiline = False


class EdgeRequest(Request):
    """The app's request: form values cleaned as parsed; query-string values cleaned the same way."""

    parameter_storage_class = CleanFormDict

    @property
    def args(self) -> ImmutableMultiDict[str, str]:  # type: ignore[override]
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            cached = CleanArgsDict(super().args)
            self.__dict__["_clean_args"] = cached
        return cached


def larger_body(limit: int) -> Callable[[F], F]:
    """Let this one view take a whole body of up to `limit` bytes instead of MAX_CONTENT_LENGTH (a file upload).
    Put it next to the route (outermost), so the attribute is on the function the URL map holds."""

    def mark(view: F) -> F:
        setattr(view, LARGER_BODY, limit)
        return view

    return mark


def _limit(name: str, default: int) -> int:
    text = os.environ.get(f"ASSESS_{name}", "")
    return int(text) if text.isdigit() and int(text) > 0 else default


def register(app: Flask) -> None:
    """Install the edge. Call it before any other before_request function is registered (CSRF's included), so
    a path that names nothing stops here first."""
    app.request_class = EdgeRequest
    # Flask fills these keys in with its own defaults (None, 500,000 and 1,000); a value equal to Flask's default
    # is ours to replace, one set in the app's configuration on purpose is kept.
    for name, default, flask_default in (
        ("MAX_CONTENT_LENGTH", MAX_CONTENT_LENGTH, None),
        ("MAX_FORM_MEMORY_SIZE", MAX_FORM_MEMORY_SIZE, 500_000),
        ("MAX_FORM_PARTS", MAX_FORM_PARTS, 1_000),
    ):
        if app.config.get(name, flask_default) == flask_default:
            app.config[name] = _limit(name, default)

    @app.before_request
    def refuse_control_characters_in_path() -> None:
        if _PATH_CONTROLS.search(request.path):
            abort(404)

    @app.before_request
    def larger_body_for_marked_views() -> None:
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, LARGER_BODY, None)
        if isinstance(limit, int) and limit > 0:
            request.max_content_length = limit
