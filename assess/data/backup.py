"""Backups that restore (issue 14, item 7): `flask backup create` and `flask backup restore`.

SQLite: an online copy with sqlite3's backup API (consistent while the service runs), and a restore the same
way into the service's database file. PostgreSQL: `pg_dump --format=custom` and `pg_restore`, with the
password given to the child process in PGPASSWORD, never on its command line. Both refuse to restore over a
database that already has data unless told to (force), and report the rows of every table. Triggers (the
append-only audit trail, submitted work that never changes) are part of the copy on both databases.

These functions work on a database URL with their own connections, not on the request's session: a backup
is not part of a unit of work. Every failure is a BackupError with a one-line message for the operator.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

# Not the service's data: the migration the schema is at. Kept in the copy, left out of "has data".
SCHEMA_TABLE = "alembic_version"
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
PG_TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """A backup or restore that could not be done; str() is one line saying why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    """What was written or restored: the file, the database (without its password), rows per table."""

    path: Path
    database: str
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def backend_of(url: str) -> str:
    """'sqlite' or 'postgresql'; anything else is refused."""
    name = _url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups are for SQLite or PostgreSQL databases, not {name}")
    return name


def default_file_name(url: str, when: str) -> str:
    """assess-<backend>-<when>.sqlite3 or .pgdump (the format the file is in)."""
    kind = backend_of(url)
    return f"assess-{kind}-{when}.{'sqlite3' if kind == 'sqlite' else 'pgdump'}"


def create_backup(url: str, path: Path) -> BackupReport:
    """Copy the database at url into a new file at path (never over an existing file)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name (a backup never overwrites a file)")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder: create it first")
    if backend_of(url) == "sqlite":
        return _sqlite_create(url, path)
    return _pg_create(url, path)


def restore_backup(url: str, path: Path, *, force: bool = False) -> BackupReport:
    """Put the backup at path into the database at url, which must be empty unless force."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    if backend_of(url) == "sqlite":
        return _sqlite_restore(url, path, force)
    return _pg_restore(url, path, force)


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the database at url, by table name (sorted)."""
    engine = create_engine(_url(url))
    try:
        with engine.connect() as connection:
            return _counts(connection)
    except SQLAlchemyError as exc:
        raise BackupError(f"could not read {_describe(url)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()


def describe(url: str) -> str:
    """The database for messages: the URL without its password."""
    return _describe(url)


# -- SQLite --------------------------------------------------------------------------------------------------


def _sqlite_file(url: str) -> Path:
    database = _url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("the SQLite database must be a file named in DATABASE_URL, e.g. sqlite:////srv/assess.db")
    return Path(database)


def _sqlite_create(url: str, path: Path) -> BackupReport:
    source_file = _sqlite_file(url)
    if not source_file.is_file():
        raise BackupError(f"{source_file}: no such database file")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with _sqlite(source_file) as source:
            if not _has_table(source, SCHEMA_TABLE):
                raise BackupError(_not_ours(url))
        with _sqlite(source_file) as source, _sqlite(partial) as copy:
            source.backup(copy)  # one consistent snapshot, while others go on writing
            _sqlite_check(copy, partial)
        partial.replace(path)
    except sqlite3.Error as exc:
        raise BackupError(f"could not back up {source_file}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(path, str(source_file), table_counts(f"sqlite:///{path}"))


def _sqlite_restore(url: str, path: Path, force: bool) -> BackupReport:
    target_file = _sqlite_file(url)
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite backup (a PostgreSQL backup restores only into PostgreSQL)")
    try:
        with _sqlite(path) as backup:
            _sqlite_check(backup, path)
            if not _has_table(backup, SCHEMA_TABLE):
                raise BackupError(f"{path} is a SQLite database but not a backup of this service")
        if target_file.exists() and not force:
            _refuse_if_data(url)
        if not target_file.parent.is_dir():
            raise BackupError(f"{target_file.parent} is not a folder: create it first")
        with _sqlite(path) as backup, _sqlite(target_file) as target:
            backup.backup(target)  # replaces every page of the target, in one go
    except sqlite3.Error as exc:
        raise BackupError(f"could not restore into {target_file}: {exc}") from None
    return BackupReport(path, str(target_file), table_counts(url))


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_check(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result[0] if result else 'no answer'}")


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


# -- PostgreSQL ----------------------------------------------------------------------------------------------


def _pg_create(url: str, path: Path) -> BackupReport:
    """pg_dump from a snapshot this connection exports, so the row counts are the dump's own."""
    engine = create_engine(_url(url), isolation_level="REPEATABLE READ")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with engine.connect() as connection:
            pg_dump = _pg_binary("pg_dump", _server_major(connection))
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = _counts(connection)
            if SCHEMA_TABLE not in counts:
                raise BackupError(_not_ours(url))
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
                url,
                "pg_dump",
            )
            connection.rollback()
        partial.replace(path)
    except SQLAlchemyError as exc:
        raise BackupError(f"could not back up {_describe(url)}: {_first_line(exc)}") from None
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    return BackupReport(path, _describe(url), counts)


def _pg_restore(url: str, path: Path, force: bool) -> BackupReport:
    with path.open("rb") as handle:
        if handle.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
            raise BackupError(f"{path} is not a pg_dump backup (a SQLite backup restores only into SQLite)")
    if not force:
        _refuse_if_data(url)
    engine = create_engine(_url(url))
    try:
        with engine.connect() as connection:
            pg_restore = _pg_binary("pg_restore", _server_major(connection))
    except SQLAlchemyError as exc:
        raise BackupError(f"could not connect to {_describe(url)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()
    _run(
        [
            pg_restore,
            "--clean",  # drops what an empty, migrated database already has (tables, triggers) first
            "--if-exists",
            "--no-owner",  # everything belongs to the role in DATABASE_URL
            "--no-privileges",
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            str(path),
        ],
        url,
        "pg_restore",
    )
    return BackupReport(path, _describe(url), table_counts(url))


def _server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _pg_binary(name: str, server_major: int) -> str:
    """The newest pg_dump/pg_restore found (Debian's /usr/lib/postgresql/<n>/bin, then PATH), which must be
    of the server's major version or newer: an older one cannot read the server."""
    candidates = [str(path) for path in Path("/usr/lib/postgresql").glob(f"*/bin/{name}") if path.is_file()]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    versions = {candidate: _client_major(candidate) for candidate in candidates}
    usable = sorted((major, candidate) for candidate, major in versions.items() if major >= server_major)
    if usable:
        return usable[-1][1]
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL {server_major} client tools")
    found = ", ".join(sorted({str(major) for major in versions.values()}))
    raise BackupError(f"{name} is version {found} but the server is {server_major}: install a newer client")


def _client_major(binary: str) -> int:
    try:
        output = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _run(command: list[str], url: str, label: str) -> None:
    """Run a PostgreSQL client tool against url: host, port, user, database and the URL's options as a libpq
    connection string in --dbname; the password only in PGPASSWORD, which the child alone sees (never on a
    command line, where other users of the machine could read it)."""
    target = _url(url)
    environment = dict(os.environ)
    if target.password:
        environment["PGPASSWORD"] = str(target.password)
    settings: dict[str, object] = {"dbname": target.database, "host": target.host, "port": target.port}
    settings["user"] = target.username
    for key, value in target.query.items():  # e.g. sslmode=require, host=/run/postgresql
        settings[key] = value[-1] if isinstance(value, tuple) else value
    conninfo = " ".join(f"{key}={_quote(value)}" for key, value in settings.items() if value not in (None, ""))
    command = [*command, f"--dbname={conninfo}"]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as errors:
        try:
            result = subprocess.run(
                command, env=environment, stdout=subprocess.DEVNULL, stderr=errors, timeout=PG_TIMEOUT_SECONDS
            )
        except subprocess.TimeoutExpired:
            raise BackupError(f"{label} took longer than {PG_TIMEOUT_SECONDS} seconds and was stopped") from None
        except OSError as exc:
            raise BackupError(f"could not run {label}: {exc}") from None
        if result.returncode != 0:
            errors.seek(0)
            lines = [line.strip() for line in errors.read().splitlines() if line.strip()]
            message = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
            raise BackupError(f"{label} failed (exit {result.returncode}): {message or 'no message'}")


# -- Both ----------------------------------------------------------------------------------------------------


def _not_ours(url: str) -> str:
    return f"{_describe(url)} has no tables of this service: check DATABASE_URL (or run flask db upgrade)"


def _quote(value: object) -> str:
    """A libpq connection-string value: in single quotes, with backslashes and quotes escaped."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _refuse_if_data(url: str) -> None:
    counts = table_counts(url)
    rows = sum(count for table, count in counts.items() if table != SCHEMA_TABLE)
    if rows:
        raise BackupError(
            f"{_describe(url)} already has data ({rows} row{'s' if rows != 1 else ''}): restore into an empty "
            "database, or add --force to replace everything in it"
        )


def _counts(connection: Connection) -> dict[str, int]:
    preparer = connection.dialect.identifier_preparer
    counts = {}
    for table in sorted(inspect(connection).get_table_names()):
        counts[table] = int(connection.execute(text(f"SELECT count(*) FROM {preparer.quote(table)}")).scalar_one())
    return counts


def _url(url: str) -> URL:
    try:
        return make_url(url)
    except Exception:  # any unreadable URL is one message
        raise BackupError("DATABASE_URL is not a database URL") from None


def _describe(url: str) -> str:
    return _url(url).render_as_string(hide_password=True)


def _first_line(exc: Exception) -> str:
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
