"""The one SQLite connection every API's tables live in.

One connection (`check_same_thread=False`) guarded by one lock: each `transaction()` is a single
critical section and a single transaction, so a check and the write it guards (a quota, a tenant
limit, a unique name) cannot interleave with another request. In memory by default; a file path
makes the state survive restarts.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from .recent import RecentCreations


class Database:
    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for queries that write nothing."""
        with self._lock:
            yield self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one transaction: committed on success, rolled back on error."""
        with self._lock, self._conn:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class ApiTables:
    """One API's tables: created when the emulator opens, emptied by a control reset."""

    # Idempotent (CREATE ... IF NOT EXISTS), so a database written by an earlier run opens as
    # it is; keep it so, or migrate.
    schema: ClassVar[str]
    # What a reset empties. AUTOINCREMENT sequences survive it, so a stale id never names a
    # new tenant.
    tables: ClassVar[tuple[str, ...]]

    def __init__(self, database: Database) -> None:
        self._db = database
        with database.transaction() as conn:
            conn.executescript(self.schema)
        self.recent = RecentCreations()
        """Creation times by tenant id, for a list-lag fault."""

    def clear(self) -> None:
        self.recent.clear()
        with self._db.transaction() as conn:
            for table in self.tables:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 (a class constant)
