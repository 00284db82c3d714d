"""The demo's own clock: demo data stands for work done in the past, so while it is written, the times the
data layer stamps on it (review, decision and query rows, their steps, and the audit events) are the times it
stands for, not the moment of seeding (assess.data.clock.stamped_at). The History page and the query pages
then read as weeks of work in order, each step after the one before. Each block is flushed at its end, so
nothing written in it is left for a later block to stamp. Outside `at()` the real time is used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from assess.data.clock import now, stamped_at
from assess.extensions import db


class DemoClock:
    """What time it is for the demo data being written (the real time outside `at`)."""

    def __call__(self) -> datetime:
        return now()

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        with stamped_at(when):
            yield
            db.session.flush()  # every row and event of the block is written with its time


@contextmanager
def demo_time() -> Iterator[DemoClock]:
    yield DemoClock()
