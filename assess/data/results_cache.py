"""SQL for the results cache (assess.models.results_cache): a submitted assessment's benchmarks, kept in the
database once worked out, so that every worker and host shares them (issue 15, item 3).

`read_figures` and `store_figures` do the same for figures that are not one assessment's (keyed by a hash of
their parameters: the national groups an area's distribution page compares with).

`read_entry` is one statement: the stored row of the assessment (if any) together with the stamp of what
benchmarks depend on that can change, as it stands now: the submitted results (a count, the sum of their ids
and the latest submission time: stored scores are never changed or deleted, a database trigger refuses it,
so any new submission anywhere changes the stamp) and the sites (their number and latest change: a site's
kind, region, category, function or population band decides its peer groups). assess.services.benchmarks
hashes the stamp with the rest of the key and compares. `store_entry` writes the row (insert, or replace
the stale one) in a savepoint: if it cannot be written, the page is shown all the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from assess.data.clock import now
from assess.extensions import db
from assess.models import AssessmentScore, FiguresCacheEntry, ResultsCacheEntry, Site

log = logging.getLogger(__name__)
# How long writing an entry may wait for a lock held by another transaction (PostgreSQL's lock_timeout); SQLite
# gives up after its busy timeout.
WRITE_WAIT = "250ms"


@dataclass(frozen=True)
class CacheRead:
    stamp: tuple[str, ...]  # what the benchmarks depend on in the database, as it stands
    key: str | None  # the stored row's key, None when there is no row
    payload: str | None


def _stamp_columns() -> list[Any]:
    """What the cached figures depend on in the database that can change, as it stands (see the module's text)."""
    return [
        select(func.count()).select_from(AssessmentScore).scalar_subquery(),
        select(func.coalesce(func.sum(AssessmentScore.assessment_id), 0)).scalar_subquery(),
        select(func.max(AssessmentScore.submitted_at)).scalar_subquery(),
        select(func.count()).select_from(Site).scalar_subquery(),
        select(func.max(Site.updated_at)).scalar_subquery(),
    ]


def _read(model: type[ResultsCacheEntry] | type[FiguresCacheEntry], where: ColumnElement[bool]) -> CacheRead:
    entry = select(model.key, model.payload).where(where)
    row = db.session.execute(
        select(
            *_stamp_columns(),
            entry.with_only_columns(model.key).scalar_subquery(),
            entry.with_only_columns(model.payload).scalar_subquery(),
        )
    ).one()
    *stamp, key, payload = row
    return CacheRead(tuple(str(value) for value in stamp), key, payload)


def read_entry(assessment_id: int) -> CacheRead:
    """The assessment's stored entry and the current stamp, in one statement."""
    return _read(ResultsCacheEntry, ResultsCacheEntry.assessment_id == assessment_id)


def read_figures(name: str) -> CacheRead:
    """The stored figures of this name (a hash of their parameters) and the current stamp, in one statement."""
    return _read(FiguresCacheEntry, FiguresCacheEntry.name == name)


def store_entry(assessment_id: int, key: str, payload: str) -> bool:
    """Keep the entry (replacing the assessment's older one). False, with nothing kept, if it could not be
    written (the database busy, say): the caller has its results already."""
    return _store(ResultsCacheEntry, {"assessment_id": assessment_id}, key, payload, f"assessment {assessment_id}")


def store_figures(name: str, key: str, payload: str) -> bool:
    """Keep the figures of this name (replacing older ones), as store_entry does."""
    return _store(FiguresCacheEntry, {"name": name}, key, payload, f"figures {name[:12]}")


def _store(
    model: type[ResultsCacheEntry] | type[FiguresCacheEntry],
    identity: dict[str, Any],
    key: str,
    payload: str,
    described: str,
) -> bool:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**identity, key=key, payload=payload, stored_at=now())
    statement = statement.on_conflict_do_update(
        index_elements=[getattr(model, name) for name in identity],
        set_={
            "key": statement.excluded.key,
            "payload": statement.excluded.payload,
            "stored_at": statement.excluded.stored_at,
        },
    )
    try:
        with db.session.begin_nested():
            if dialect == "postgresql":
                # Never wait behind another transaction writing the same entry (it may not commit for a while,
                # or at all before this one ends): give up on keeping it instead. Set for this statement only.
                previous = db.session.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
                db.session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": WRITE_WAIT})
            db.session.execute(statement)
            if dialect == "postgresql":
                db.session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": previous})
    except SQLAlchemyError:
        log.warning("results cache entry for %s not kept", described, exc_info=True)
        return False
    return True
