"""The demo's own clock: demo data stands for work done in the past, so while it is written, the times the
data layer stamps on it are the times it stands for, not the moment of seeding.

Inside `demo_time()`, between `clock.at(when)` and the end of that block, three things read the demo clock
instead of the real one: the `utcnow` of assess.data.reviews and assess.data.queries (review, decision and
query rows and their steps) and the audit events the block writes (`occurred_at`). The History page and the
query pages then read as weeks of work in order, each step after the one before. The block is flushed at
its end, so no event is left for a later block to stamp. Outside `at()` the real time is used.

The data functions take the time from the clock they import; if one of them stops using `utcnow`, patching
it fails loudly (AttributeError) rather than quietly stamping the real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import Any
from unittest import mock

from sqlalchemy import event

from assess.data import queries as query_data
from assess.data import reviews as review_data
from assess.extensions import db
from assess.models import AuditEvent, utcnow

STAMPED_MODULES = (review_data, query_data)


class DemoClock:
    """What time it is for the demo data being written (the real time outside `at`)."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now if self.now is not None else utcnow()

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        if when.tzinfo is None:
            raise ValueError("demo times must be aware (UTC)")
        self.now = when
        try:
            yield
            db.session.flush()  # every event of the block is stamped with its time, not a later one
        finally:
            self.now = None


@contextmanager
def demo_time() -> Iterator[DemoClock]:
    clock = DemoClock()
    session = db.session()

    def stamp(session: Any, flush_context: Any, instances: Any) -> None:
        if clock.now is None:
            return
        for item in session.new:
            if isinstance(item, AuditEvent) and item.occurred_at is None:
                item.occurred_at = clock.now

    event.listen(session, "before_flush", stamp)
    try:
        with ExitStack() as patches:
            for module in STAMPED_MODULES:
                patches.enter_context(mock.patch.object(module, "utcnow", clock))
            yield clock
    finally:
        event.remove(session, "before_flush", stamp)
