"""SQLite store of both APIs' tenants.

One connection (`check_same_thread=False`) guarded by one lock: every public method is a single
critical section and a single transaction, so a check and the write it guards (quota, tenant
limit, slug uniqueness) cannot interleave with another request. In memory by default; a file
path makes the state survive restarts.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

TenantStatus = Literal["active", "suspended"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailbux_tenants (
    -- AUTOINCREMENT: a terminated tenant's id is never handed out again.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    quota_gb INTEGER NOT NULL,
    status TEXT NOT NULL,
    email_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mailbux_tenants_owner ON mailbux_tenants (owner, id);
CREATE TABLE IF NOT EXISTS ema_tenants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    users_count INTEGER NOT NULL DEFAULT 0,
    storage_bytes INTEGER NOT NULL DEFAULT 0,
    messages_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ema_tenants_owner ON ema_tenants (owner, seq);
"""

_MAILBUX_COLUMNS = "id, owner, username, name, quota_gb, status, email_count, created_at"
_EMA_COLUMNS = "slug, owner, name, status, users_count, storage_bytes, messages_count, created_at"


def utc_now() -> str:
    """ISO-8601 UTC to the second, as in both documents' examples: 2025-06-15T10:30:00Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TenantLimitReached(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Maximum tenant limit reached ({limit})")
        self.limit = limit


class QuotaExceeded(Exception):
    def __init__(self, requested: int, available: int) -> None:
        super().__init__(
            f"Requested quota ({requested} GB) exceeds available quota ({available} GB)"
        )
        self.requested = requested
        self.available = available


class SlugTaken(Exception):
    pass


@dataclass(frozen=True)
class MailbuxTenant:
    id: int
    owner: str
    username: str
    name: str
    quota_gb: int
    status: TenantStatus
    email_count: int
    created_at: str


@dataclass(frozen=True)
class MailbuxSummary:
    quota_allocated_gb: int
    tenant_count: int
    active_tenants: int
    suspended_tenants: int
    email_count: int


@dataclass(frozen=True)
class EmaTenant:
    slug: str
    owner: str
    name: str
    status: TenantStatus
    users_count: int
    storage_bytes: int
    messages_count: int
    created_at: str


def _status(value: object) -> TenantStatus:
    return "suspended" if value == "suspended" else "active"


def _mailbux_row(row: sqlite3.Row) -> MailbuxTenant:
    return MailbuxTenant(
        id=int(row["id"]),
        owner=str(row["owner"]),
        username=str(row["username"]),
        name=str(row["name"]),
        quota_gb=int(row["quota_gb"]),
        status=_status(row["status"]),
        email_count=int(row["email_count"]),
        created_at=str(row["created_at"]),
    )


def _ema_row(row: sqlite3.Row) -> EmaTenant:
    return EmaTenant(
        slug=str(row["slug"]),
        owner=str(row["owner"]),
        name=str(row["name"]),
        status=_status(row["status"]),
        users_count=int(row["users_count"]),
        storage_bytes=int(row["storage_bytes"]),
        messages_count=int(row["messages_count"]),
        created_at=str(row["created_at"]),
    )


class Store:
    """All persistent state of the emulator."""

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def reset(self) -> None:
        """Wipe every tenant. Id sequences continue, so a stale id never names a new tenant."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM mailbux_tenants")
            self._conn.execute("DELETE FROM ema_tenants")

    # Mailbux ------------------------------------------------------------------------------

    def mailbux_list(self, owner: str) -> list[MailbuxTenant]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_MAILBUX_COLUMNS} FROM mailbux_tenants WHERE owner = ? ORDER BY id",  # noqa: S608
                (owner,),
            ).fetchall()
        return [_mailbux_row(row) for row in rows]

    def mailbux_get(self, owner: str, tenant_id: int) -> MailbuxTenant | None:
        with self._lock:
            return self._mailbux_get(owner, tenant_id)

    def _mailbux_get(self, owner: str, tenant_id: int) -> MailbuxTenant | None:
        row = self._conn.execute(
            f"SELECT {_MAILBUX_COLUMNS} FROM mailbux_tenants WHERE owner = ? AND id = ?",  # noqa: S608
            (owner, tenant_id),
        ).fetchone()
        return None if row is None else _mailbux_row(row)

    def _mailbux_allocated(self, owner: str) -> tuple[int, int]:
        row = self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(quota_gb), 0) FROM mailbux_tenants WHERE owner = ?",
            (owner,),
        ).fetchone()
        return int(row[0]), int(row[1])

    def mailbux_create(
        self, owner: str, quota_gb: int, *, quota_pool_gb: int, tenant_limit: int
    ) -> MailbuxTenant:
        """Create a tenant within the reseller's limits, in one critical section."""
        with self._lock, self._conn:
            count, allocated = self._mailbux_allocated(owner)
            if count >= tenant_limit:
                raise TenantLimitReached(tenant_limit)
            available = max(0, quota_pool_gb - allocated)
            if quota_gb > available:
                raise QuotaExceeded(quota_gb, available)
            while True:
                username = f"user{secrets.randbelow(10**8):08d}"
                taken = self._conn.execute(
                    "SELECT 1 FROM mailbux_tenants WHERE username = ?", (username,)
                ).fetchone()
                if taken is None:
                    break
            cursor = self._conn.execute(
                "INSERT INTO mailbux_tenants (owner, username, name, quota_gb, status, created_at)"
                " VALUES (?, ?, ?, ?, 'active', ?)",
                (owner, username, f"{username}_tent", quota_gb, utc_now()),
            )
            tenant_id = cursor.lastrowid
            assert tenant_id is not None
            created = self._mailbux_get(owner, tenant_id)
        assert created is not None
        return created

    def mailbux_set_status(
        self, owner: str, tenant_id: int, status: TenantStatus
    ) -> MailbuxTenant | None:
        with self._lock, self._conn:
            self._conn.execute(
                "UPDATE mailbux_tenants SET status = ? WHERE owner = ? AND id = ?",
                (status, owner, tenant_id),
            )
            return self._mailbux_get(owner, tenant_id)

    def mailbux_terminate(self, owner: str, tenant_id: int) -> bool:
        """Remove the tenant (its quota goes back to the pool); False if it was not there."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "DELETE FROM mailbux_tenants WHERE owner = ? AND id = ?", (owner, tenant_id)
            )
            return cursor.rowcount > 0

    def mailbux_set_quota(
        self, owner: str, tenant_id: int, quota_gb: int, *, quota_pool_gb: int
    ) -> MailbuxTenant | None:
        with self._lock, self._conn:
            tenant = self._mailbux_get(owner, tenant_id)
            if tenant is None:
                return None
            _, allocated = self._mailbux_allocated(owner)
            available = max(0, quota_pool_gb - (allocated - tenant.quota_gb))
            if quota_gb > available:
                raise QuotaExceeded(quota_gb, available)
            self._conn.execute(
                "UPDATE mailbux_tenants SET quota_gb = ? WHERE id = ?", (quota_gb, tenant_id)
            )
            return self._mailbux_get(owner, tenant_id)

    def mailbux_summary(self, owner: str) -> MailbuxSummary:
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(quota_gb), 0),"
                " COALESCE(SUM(status = 'active'), 0), COALESCE(SUM(status = 'suspended'), 0),"
                " COALESCE(SUM(email_count), 0)"
                " FROM mailbux_tenants WHERE owner = ?",
                (owner,),
            ).fetchone()
        return MailbuxSummary(
            tenant_count=int(row[0]),
            quota_allocated_gb=int(row[1]),
            active_tenants=int(row[2]),
            suspended_tenants=int(row[3]),
            email_count=int(row[4]),
        )

    def mailbux_set_email_count(self, tenant_id: int, email_count: int) -> bool:
        """Control API: set a tenant's email count, whoever owns it."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "UPDATE mailbux_tenants SET email_count = ? WHERE id = ?", (email_count, tenant_id)
            )
            return cursor.rowcount > 0

    # Easy Mail Archive -------------------------------------------------------------------

    def ema_page(self, owner: str, page: int, per_page: int) -> tuple[list[EmaTenant], int]:
        """One page (1-based) of the owner's tenants in creation order, and the total."""
        with self._lock:
            total = int(
                self._conn.execute(
                    "SELECT COUNT(*) FROM ema_tenants WHERE owner = ?", (owner,)
                ).fetchone()[0]
            )
            offset = (page - 1) * per_page
            # Python ints are unbounded, SQLite's are not: skip the query past the end.
            if offset >= total:
                return [], total
            rows = self._conn.execute(
                f"SELECT {_EMA_COLUMNS} FROM ema_tenants WHERE owner = ?"  # noqa: S608
                " ORDER BY seq LIMIT ? OFFSET ?",
                (owner, per_page, offset),
            ).fetchall()
        return [_ema_row(row) for row in rows], total

    def ema_get(self, slug: str) -> EmaTenant | None:
        """Any reseller's tenant: slugs are global, the API layer checks the owner."""
        with self._lock:
            return self._ema_get(slug)

    def _ema_get(self, slug: str) -> EmaTenant | None:
        row = self._conn.execute(
            f"SELECT {_EMA_COLUMNS} FROM ema_tenants WHERE slug = ?",  # noqa: S608
            (slug,),
        ).fetchone()
        return None if row is None else _ema_row(row)

    def ema_create(self, owner: str, slug: str, name: str) -> EmaTenant:
        with self._lock, self._conn:
            if self._ema_get(slug) is not None:
                raise SlugTaken(slug)
            self._conn.execute(
                "INSERT INTO ema_tenants (slug, owner, name, status, created_at)"
                " VALUES (?, ?, ?, 'active', ?)",
                (slug, owner, name, utc_now()),
            )
            created = self._ema_get(slug)
        assert created is not None
        return created

    def ema_rename(self, slug: str, name: str) -> EmaTenant | None:
        with self._lock, self._conn:
            self._conn.execute("UPDATE ema_tenants SET name = ? WHERE slug = ?", (name, slug))
            return self._ema_get(slug)

    def ema_set_status(self, slug: str, status: TenantStatus) -> EmaTenant | None:
        with self._lock, self._conn:
            self._conn.execute("UPDATE ema_tenants SET status = ? WHERE slug = ?", (status, slug))
            return self._ema_get(slug)

    def ema_set_usage(
        self,
        slug: str,
        *,
        users_count: int | None = None,
        storage_bytes: int | None = None,
        messages_count: int | None = None,
    ) -> EmaTenant | None:
        """Control API: set usage figures; unset ones keep their value."""
        with self._lock, self._conn:
            tenant = self._ema_get(slug)
            if tenant is None:
                return None
            self._conn.execute(
                "UPDATE ema_tenants SET users_count = ?, storage_bytes = ?, messages_count = ?"
                " WHERE slug = ?",
                (
                    tenant.users_count if users_count is None else users_count,
                    tenant.storage_bytes if storage_bytes is None else storage_bytes,
                    tenant.messages_count if messages_count is None else messages_count,
                    slug,
                ),
            )
            return self._ema_get(slug)
