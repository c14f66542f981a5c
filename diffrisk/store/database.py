"""The history store: ``diffrisk log --db`` keeps each commit's scores in SQLite, so a daily run
scores only the commits it has not stored for the same diffrisk version and effective policy
(which holds the versions of what the analyzers run on).

- **Whose file:** a diffrisk database carries ``PRAGMA application_id`` = APPLICATION_ID and its
  schema version in ``PRAGMA user_version``; any other file with tables in it is refused (exit 2),
  and so is a newer schema than this program knows.  Older schemas are migrated, in one
  transaction per step.
- **One writer at a time:** a writer holds an exclusive lock on a lock file beside the database
  for the whole run; a second writer is refused at once with a clear error rather than waiting.
- **No half-written rows:** rows are written in transactions (``add``); a killed run loses at most
  the batch it was writing, and SQLite's journal rolls that back on the next open.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO

from diffrisk.errors import DiffriskError
from diffrisk.records import record
from diffrisk.store import codec

#: "dRsk": what marks a SQLite file as diffrisk's (SQLite's application_id pragma).
APPLICATION_ID = 0x6452736B
SCHEMA_VERSION = 1
#: A time before any commit, for "since the beginning" (SQLite's integers are 64-bit).
_BEFORE_ANY_COMMIT = -(2**62)
#: Version -> the statements that bring the schema from the version before to it.
MIGRATIONS: Mapping[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE commits ("
        " sha TEXT NOT NULL, version TEXT NOT NULL, policy TEXT NOT NULL,"
        " timestamp INTEGER NOT NULL, written INTEGER NOT NULL, row TEXT NOT NULL,"
        " PRIMARY KEY (sha, version, policy))",
        "CREATE INDEX commits_by_time ON commits (timestamp)",
    ),
}


class StoreError(DiffriskError):
    """A database that cannot be used: not diffrisk's, newer than this program, locked, broken."""


@record
class StoredRows:
    """Rows of one database, labelled with its repository."""

    repository: str
    web_url: str | None
    rows: tuple[codec.StoredCommit, ...]


class Store:
    """An open diffrisk database (``open_store``)."""

    def __init__(self, path: str, connection: sqlite3.Connection, lock: IO[bytes] | None) -> None:
        self.path = path
        self._connection = connection
        self._lock = lock

    def close(self) -> None:
        self._connection.close()
        if self._lock is not None:
            self._lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def known(self, shas: Iterable[str], version: str, policy: str) -> dict[str, codec.StoredCommit]:
        """The stored rows of ``shas`` scored by this ``version`` under this ``policy``."""
        wanted = set(shas)
        cursor = self._connection.execute("SELECT row FROM commits WHERE version = ? AND policy = ?", (version, policy))
        found = {}
        for (text,) in cursor:
            stored = codec.decode(text)
            if stored.score.sha in wanted:
                found[stored.score.sha] = stored
        return found

    def add(self, rows: Sequence[codec.StoredCommit], version: str, policy: str, written: int) -> None:
        """Store ``rows`` in one transaction: all of them, or (killed, or an error) none."""
        with self._transaction():
            self._connection.executemany(
                "INSERT OR REPLACE INTO commits (sha, version, policy, timestamp, written, row) VALUES (?, ?, ?, ?, ?, ?)",
                [(row.score.sha, version, policy, row.score.timestamp, written, codec.encode(row)) for row in rows],
            )

    def set_meta(self, values: Mapping[str, str]) -> None:
        with self._transaction():
            self._connection.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))

    def meta(self) -> dict[str, str]:
        return dict(self._connection.execute("SELECT key, value FROM meta").fetchall())

    def latest(self, since: int | None = None) -> list[codec.StoredCommit]:
        """Each commit's most recently written row (whatever version or policy wrote it), oldest first."""
        latest: dict[str, str] = {}
        earliest = since if since is not None else _BEFORE_ANY_COMMIT
        for sha, text in self._connection.execute(
            "SELECT sha, row FROM commits WHERE timestamp >= ? ORDER BY written, rowid", (earliest,)
        ):
            latest[sha] = text
        return sorted((codec.decode(text) for text in latest.values()), key=lambda row: (row.score.timestamp, row.score.sha))

    def count(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM commits").fetchone()[0])

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.rollback()
            raise
        self._connection.commit()


def open_store(path: str, write: bool) -> Store:
    """Open (``write``: create, migrate and lock) the database at ``path``; StoreError says why not."""
    if not write and not os.path.isfile(path):
        raise StoreError(f"{path}: no such database (diffrisk log --db {path} writes one)")
    lock = _lock(path) if write else None
    try:
        connection = sqlite3.connect(path, timeout=10, isolation_level=None)
        _check_and_migrate(connection, path, write)
    except sqlite3.DatabaseError as error:
        if lock is not None:
            lock.close()
        raise StoreError(f"{path}: not a usable SQLite database ({error})") from None
    except BaseException:
        if lock is not None:
            lock.close()
        raise
    return Store(path, connection, lock)


def _check_and_migrate(connection: sqlite3.Connection, path: str, write: bool) -> None:
    application = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if application != APPLICATION_ID and (tables or version):
        raise StoreError(f"{path}: not a diffrisk database (another program's SQLite file); give another --db path")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer diffrisk (schema {version}; this one knows up to {SCHEMA_VERSION}): upgrade diffrisk"
        )
    if version < SCHEMA_VERSION and not write:
        raise StoreError(f"{path}: an older diffrisk database (schema {version}): run diffrisk log --db {path} to upgrade it")
    for step in range(version + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[step]:
                connection.execute(statement)
            # A PRAGMA takes no bound parameters; both values are this module's own integers.
            connection.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")
            connection.execute(f"PRAGMA user_version = {int(step)}")
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def _lock(path: str) -> IO[bytes]:
    """An exclusive lock on ``path``.lock, held until the store closes."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        handle = open(path + ".lock", "a+b")
    except OSError as error:
        raise StoreError(f"{path}: cannot write the database here ({error.strerror or error})") from None
    try:
        _exclusive(handle)
    except OSError:
        handle.close()
        raise StoreError(f"{path}: another diffrisk log is writing this database; try again when it ends") from None
    return handle


def _exclusive(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
