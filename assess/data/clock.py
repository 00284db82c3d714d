"""The time the data layer stamps on what it writes (decisions, queries, audit events): the real time, unless a
caller has said the work stands for another moment (`stamped_at`), as the demo data does for work it shows
as done over past weeks. A context variable, so it holds for one request, command or thread only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from assess.models import utcnow

_stamp: ContextVar[datetime | None] = ContextVar("assess_data_stamp", default=None)


def now() -> datetime:
    stamped = _stamp.get()
    return stamped if stamped is not None else utcnow()


@contextmanager
def stamped_at(when: datetime) -> Iterator[None]:
    if when.tzinfo is None:
        raise ValueError("stamp times must be aware (UTC)")
    token = _stamp.set(when)
    try:
        yield
    finally:
        _stamp.reset(token)
