from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from assess.extensions import db


def database_is_reachable() -> tuple[bool, str]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return False, type(exc).__name__
    return True, "ok"
