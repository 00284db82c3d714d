"""The evidence pack's PDF: the template filled in from the pack (assess.services.evidence_pack), keyed for the
report cache, and rendered by the PDF library's render process (assess.pdf) within the report time limit.

The pack has no charts (its peer figures are a table), so only the WeasyPrint render process is needed, never
Chromium. The cache key is a digest of the pack itself (every value the PDF prints: levels, decisions, notes,
evidence, peer figures, queries, history, references) with the copy it is, and the template's fingerprint, so
the site's copy and the inspector's copy are different files, and any change to what the pack shows makes a
new one. The time it was generated is printed but not keyed: a cached pack keeps its first time.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app, render_template

from assess.pdf import cache
from assess.pdf import render as pdf
from assess.reports.build import DEFAULT_TIME_LIMIT, report_cache
from assess.services.evidence_pack import EvidencePack

TEMPLATES = Path(__file__).resolve().parent / "templates" / "packs"
PACK_FILES = ("pack.html", "pack.css")
# Bump when the pack changes in a way the template files do not show.
PACK_VERSION = "2026-12-01.1"

__all__ = ["PackTimedOut", "PackUnavailable", "Rendered", "cache_key", "make_pdf", "pack_cache", "warm_up"]


class PackUnavailable(RuntimeError):
    """The PDF could not be made now (the render process failed); the person is told to try again."""


class PackTimedOut(PackUnavailable):
    """The PDF took longer than the time limit (the render process was killed)."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seconds: float  # in the render process
    cpu_seconds: float  # CPU time of the render process for this PDF
    refused: tuple[str, ...]


@functools.cache
def _library_versions() -> tuple[str, ...]:
    return tuple(f"{name} {metadata.version(name)}" for name in ("weasyprint", "pydyf"))


def template_fingerprint() -> str:
    """The template's and stylesheet's bytes (read each time: cheap, and right after an edit), the pack's code
    version and the versions of the libraries that draw it."""
    return cache.fingerprint([TEMPLATES / name for name in PACK_FILES], PACK_VERSION, *_library_versions())


def cache_key(pack: EvidencePack) -> str:
    return cache.digest({"kind": "evidence-pack", "pack": pack, "template": template_fingerprint()})


def pack_cache() -> cache.ReportCache:
    """The report cache (REPORT_CACHE_DIR): packs and reports share its folder and its limits."""
    return report_cache()


def time_limit() -> float:
    return float(current_app.config.get("REPORT_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def warm_up() -> None:
    """Start this process's render process in the background if it is not running (once per process)."""
    pdf.worker().start()


def render_html(pack: EvidencePack, generated_at: datetime) -> str:
    return render_template(
        "packs/pack.html",
        pack=pack,
        generated_at=generated_at,
        template_fingerprint=template_fingerprint(),
    )


def make_pdf(
    pack: EvidencePack,
    *,
    limit: float | None = None,
    generated_at: datetime | None = None,
    timings: dict[str, float] | None = None,
) -> Rendered:
    """HTML, then PDF within `limit` seconds (REPORT_TIME_LIMIT by default). Starting the render process, once
    per process, is not counted (it has its own limit, assess.pdf.render.START_LIMIT). `timings`, if given,
    gets the seconds of each stage (html: the template; pdf: from sending the HTML to having the PDF)."""
    limit = time_limit() if limit is None else limit
    began = time.monotonic()
    html = render_html(pack, generated_at or datetime.now(UTC))
    written = time.monotonic()
    try:
        rendered = pdf.worker().render(html, timeout=limit)
    except pdf.RenderTimeout as exc:
        raise PackTimedOut(str(exc)) from exc
    except pdf.RenderError as exc:
        raise PackUnavailable(str(exc)) from exc
    if timings is not None:
        timings.update(html=written - began, pdf=time.monotonic() - written, html_bytes=float(len(html.encode())))
    return Rendered(rendered.pdf, rendered.seconds, rendered.cpu_seconds, rendered.refused)
