"""A cache of finished reports, keyed by everything the report shows.

Key = SHA-256 of (the assessment's content: site, period, questionnaire id, version and content hash,
every answer and piece of evidence, who submitted it and when) + (the benchmark snapshot: for every
peer group, whether it is shown and why not, its size, the versions and areas compared and every
statistic shown) + (the template fingerprint: the report's templates and CSS, TEMPLATE_VERSION, and
the versions of WeasyPrint and plotly). The same inputs always give the same key, so a second download
is a file read; a new submission among the peers changes the statistics, hence the key, hence the report.

Where: files under the app's instance folder (`REPORT_CACHE_DIR`, default `<instance>/report-cache`),
not memory. Every worker process of the app shares them and they survive a restart, while a memory
cache would hold one copy per worker and start empty after each deploy. The folder is bounded: at most
`REPORT_CACHE_MAX_BYTES` (default 256 MB; a report is a few hundred KB), least recently used first out,
and nothing older than `REPORT_CACHE_MAX_AGE_DAYS` (default 30) is kept. Files are written atomically
(temporary file, then rename) and readable by the app's user only: a report holds the same evidence text
as the database, and is only ever served after the same access check as the results page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bump when the report changes in a way the template files do not show (code that builds its data).
TEMPLATE_VERSION = "2026-11-29.1"  # charts: labels drawn as runs, titles wrapped for print
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_AGE_DAYS = 30
_KEY = re.compile(r"^[0-9a-f]{64}$")


def jsonable(value: Any) -> Any:
    """Plain JSON values for hashing: exact numbers as text (Fraction 7/3 -> "7/3"), sets sorted,
    dataclasses as dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: jsonable(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in sorted(value.items(), key=lambda pair: str(pair[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, (Fraction, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in a report key")


def digest(value: Any) -> str:
    canonical = json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprint(files: Iterable[Path], *extra: str) -> str:
    """A hash of the files' bytes (in the given order) and some extra text (versions)."""
    hasher = hashlib.sha256()
    for path in files:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for item in (TEMPLATE_VERSION, *extra):
        hasher.update(item.encode() + b"\0")
    return hasher.hexdigest()


def report_key(assessment: Mapping[str, Any], benchmarks: Any, template: str) -> str:
    return digest({"assessment": assessment, "benchmarks": benchmarks, "template": template})


class ReportCache:
    """PDF files named by their key, bounded in total size and age."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_age_days: float = DEFAULT_MAX_AGE_DAYS):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.max_age = max_age_days * 86400

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("a report key is 64 hexadecimal characters")
        return self.folder / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            log.warning("report cache: could not read %s", path, exc_info=True)
            return None
        if time.time() - path.stat().st_mtime > self.max_age:
            return None
        try:
            os.utime(path)  # recently used: last to be evicted
        except OSError:
            pass
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pdf")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.chmod(temporary, 0o600)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            self.evict()
        except OSError:
            # A full or read-only disk must not stop the download: the report is still sent.
            log.warning("report cache: could not store %s", path, exc_info=True)

    def entries(self) -> list[tuple[float, int, Path]]:
        found = []
        for path in self.folder.glob("*.pdf"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            found.append((stat.st_mtime, stat.st_size, path))
        return sorted(found)

    def evict(self) -> None:
        """Remove reports past the age limit, then the least recently used until under the size limit."""
        entries = self.entries()
        now = time.time()
        total = sum(size for _, size, _ in entries)
        for mtime, size, path in entries:
            if total <= self.max_bytes and now - mtime <= self.max_age:
                continue
            path.unlink(missing_ok=True)
            total -= size
