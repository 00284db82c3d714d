"""The audit trail as the admin reads it: the filters turned into a query, a page of events in words, and
the same events as a CSV. What counts as an event's site or person is in assess.data.audit_queries."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from assess.charts.table import csv_safe
from assess.data import audit_queries
from assess.data.audit_queries import AuditFilter
from assess.models import AuditEvent

LONDON = ZoneInfo("Europe/London")  # dates typed by an admin are UK dates
PAGE_SIZE = 50
CSV_LIMIT = 10_000  # the most events one download holds (newest first)
MAX_SHOWN = 300  # characters of one before/after value shown on the page (the CSV has all of it)
CSV_HEADER = (
    "Event",
    "When (UTC)",
    "Who",
    "User id",
    "Action",
    "Object type",
    "Object id",
    "Site code",
    "Assessment id",
    "Before",
    "After",
    "Request id",
)


@dataclass(frozen=True)
class AuditRow:
    id: int
    when: datetime
    who: str
    action: str
    object_type: str
    object_id: str
    site_code: str
    assessment_id: int | None
    before: list[tuple[str, str]] = field(default_factory=list)
    after: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int

    @property
    def first_number(self) -> int:
        return 0 if not self.rows else (self.page - 1) * PAGE_SIZE + 1

    @property
    def last_number(self) -> int:
        return 0 if not self.rows else self.first_number + len(self.rows) - 1

    def page_links(self) -> list[int | None]:
        """The page numbers to link (None: an ellipsis): the first, the last and two either side of this one."""
        shown = sorted({1, self.pages, *range(max(self.page - 2, 1), min(self.page + 2, self.pages) + 1)})
        links: list[int | None] = []
        for number in shown:
            if links and number - (links[-1] or 0) > 1:
                links.append(None)
            links.append(number)
        return links


def actions() -> list[str]:
    return audit_queries.audit_actions()


def _start_of(day: date, days_later: int = 0) -> datetime | None:
    """The UTC time a UK day starts (None past the calendar's end: no bound)."""
    try:
        return datetime.combine(day + timedelta(days=days_later), time(), LONDON).astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def build_filter(
    user: str, site: str, action: str, date_from: date | None, date_to: date | None
) -> tuple[AuditFilter | None, dict[str, str]]:
    """The query's filter, or None and an error for each field that names nothing (a site code no site has).
    Dates are whole UK days: from the start of `date_from` to the end of `date_to`."""
    site_id = None
    if site:
        site_id = audit_queries.site_id_for_code(site)
        if site_id is None:
            return None, {"site": f"There is no site with the code ‘{site}’"}
    return (
        AuditFilter(
            user_text=user,
            site_id=site_id,
            action=action,
            occurred_from=_start_of(date_from) if date_from is not None else None,
            occurred_before=_start_of(date_to, days_later=1) if date_to is not None else None,
        ),
        {},
    )


def page_number(text: str | None) -> int:
    """The page asked for: 1 unless it is a whole number from 1 (anything else, however large, is not an error:
    a page past the last shows the last)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    return max(int(text), 1) if len(text) <= 9 else 10**9


def audit_page(wanted: AuditFilter, page: int) -> AuditPage:
    total = audit_queries.count_events(wanted)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    events = audit_queries.find_events(wanted, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    codes = audit_queries.site_codes({event.site_id for event in events if event.site_id is not None})
    return AuditPage(rows=[_row(event, codes) for event in events], total=total, page=page, pages=pages)


def _row(event: AuditEvent, codes: dict[int, str]) -> AuditRow:
    return AuditRow(
        id=event.id,
        when=event.occurred_at,
        who=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id or "",
        site_code=codes.get(event.site_id, "") if event.site_id is not None else "",
        assessment_id=event.assessment_id,
        before=readable(event.before),
        after=readable(event.after),
    )


def _value_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value if value else "(empty)"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def readable(data: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A before or after value as (key, value) lines, each value at most MAX_SHOWN characters (escaped by the
    page, as all text is)."""
    if not data:
        return []
    if not isinstance(data, dict):  # never written so, but the column is JSON
        data = {"value": data}
    lines = []
    for key, value in data.items():
        text = _value_text(value)
        if len(text) > MAX_SHOWN:
            text = text[:MAX_SHOWN] + "… (cut here: the CSV download has all of it)"
        lines.append((str(key), text))
    return lines


def _json(data: dict[str, Any] | None) -> str:
    return "" if data is None else json.dumps(data, ensure_ascii=False, default=str)


def audit_csv_lines(wanted: AuditFilter) -> Iterator[str]:
    """The CSV, a line at a time: a header row, then the filter's events newest first (at most CSV_LIMIT of them),
    every cell formula-safe. Read in batches, so a large download is never held in memory whole."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells: Iterable[str]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([csv_safe(cell) for cell in cells])
        return out.getvalue()

    yield line(CSV_HEADER)
    codes: dict[int, str] = {}
    for event in audit_queries.iter_events(wanted, limit=CSV_LIMIT):
        if event.site_id is not None and event.site_id not in codes:
            codes.update(audit_queries.site_codes({event.site_id}))
        occurred = event.occurred_at
        occurred = occurred.replace(tzinfo=UTC) if occurred.tzinfo is None else occurred.astimezone(UTC)
        yield line(
            (
                str(event.id),
                occurred.isoformat(timespec="seconds"),
                event.actor,
                "" if event.user_id is None else str(event.user_id),
                event.action,
                event.object_type,
                event.object_id or "",
                codes.get(event.site_id, "") if event.site_id is not None else "",
                "" if event.assessment_id is None else str(event.assessment_id),
                _json(event.before),
                _json(event.after),
                event.request_id or "",
            )
        )
