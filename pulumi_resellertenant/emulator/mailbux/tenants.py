"""The mailbux_tenants table: tenants with numeric ids, each owned by a reseller fingerprint."""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Literal

from pulumi_resellertenant.emulator.database import ApiTables
from pulumi_resellertenant.emulator.timestamps import utc_now

TenantStatus = Literal["active", "suspended"]

# Unchanged since the first release, so databases written by any version open as they are.
SCHEMA = """
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
"""

_COLUMNS = "id, owner, username, name, quota_gb, status, email_count, created_at"
_ID_RE = re.compile(r"[0-9]{1,18}")


def parse_tenant_id(raw: str) -> int | None:
    """A path id: plain decimal digits within SQLite's range, else None (not found)."""
    if _ID_RE.fullmatch(raw) is None:
        return None
    return int(raw)


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


def _get(conn: sqlite3.Connection, owner: str, tenant_id: int) -> MailbuxTenant | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM mailbux_tenants WHERE owner = ? AND id = ?",  # noqa: S608
        (owner, tenant_id),
    ).fetchone()
    return None if row is None else MailbuxTenant(**row)


def _allocated(conn: sqlite3.Connection, owner: str) -> tuple[int, int]:
    """The owner's tenant count and the quota they hold."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(quota_gb), 0) FROM mailbux_tenants WHERE owner = ?",
        (owner,),
    ).fetchone()
    return int(row[0]), int(row[1])


def _new_username(conn: sqlite3.Connection) -> str:
    while True:
        username = f"user{secrets.randbelow(10**8):08d}"
        taken = conn.execute(
            "SELECT 1 FROM mailbux_tenants WHERE username = ?", (username,)
        ).fetchone()
        if taken is None:
            return username


class MailbuxTenants(ApiTables):
    """Each method is one transaction, so a limit check and the write it guards are atomic."""

    schema = SCHEMA
    tables = ("mailbux_tenants",)

    def of_owner(self, owner: str, *, hidden: Collection[Hashable] = ()) -> list[MailbuxTenant]:
        """The owner's tenants, except the ids in ``hidden`` (a lagging list's)."""
        with self._db.reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM mailbux_tenants WHERE owner = ? ORDER BY id",  # noqa: S608
                (owner,),
            ).fetchall()
        return [MailbuxTenant(**row) for row in rows if row["id"] not in hidden]

    def get(self, owner: str, tenant_id: int) -> MailbuxTenant | None:
        with self._db.reading() as conn:
            return _get(conn, owner, tenant_id)

    def create(
        self, owner: str, quota_gb: int, *, quota_pool_gb: int, tenant_limit: int
    ) -> MailbuxTenant:
        """Create a tenant within the reseller's limits."""
        with self._db.transaction() as conn:
            count, allocated = _allocated(conn, owner)
            if count >= tenant_limit:
                raise TenantLimitReached(tenant_limit)
            available = max(0, quota_pool_gb - allocated)
            if quota_gb > available:
                raise QuotaExceeded(quota_gb, available)
            username = _new_username(conn)
            cursor = conn.execute(
                "INSERT INTO mailbux_tenants (owner, username, name, quota_gb, status, created_at)"
                " VALUES (?, ?, ?, ?, 'active', ?)",
                (owner, username, f"{username}_tent", quota_gb, utc_now()),
            )
            assert cursor.lastrowid is not None
            created = _get(conn, owner, cursor.lastrowid)
        assert created is not None
        self.recent.note(created.id)
        return created

    def set_status(self, owner: str, tenant_id: int, status: TenantStatus) -> MailbuxTenant | None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE mailbux_tenants SET status = ? WHERE owner = ? AND id = ?",
                (status, owner, tenant_id),
            )
            return _get(conn, owner, tenant_id)

    def terminate(self, owner: str, tenant_id: int) -> bool:
        """Remove the tenant (its quota goes back to the pool); False if it was not there."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM mailbux_tenants WHERE owner = ? AND id = ?", (owner, tenant_id)
            )
            return cursor.rowcount > 0

    def set_quota(
        self, owner: str, tenant_id: int, quota_gb: int, *, quota_pool_gb: int
    ) -> MailbuxTenant | None:
        """Resize within the pool, counting the pool without the tenant's own quota."""
        with self._db.transaction() as conn:
            tenant = _get(conn, owner, tenant_id)
            if tenant is None:
                return None
            _, allocated = _allocated(conn, owner)
            available = max(0, quota_pool_gb - (allocated - tenant.quota_gb))
            if quota_gb > available:
                raise QuotaExceeded(quota_gb, available)
            conn.execute(
                "UPDATE mailbux_tenants SET quota_gb = ? WHERE id = ?", (quota_gb, tenant_id)
            )
            return _get(conn, owner, tenant_id)

    def summary(self, owner: str) -> MailbuxSummary:
        with self._db.reading() as conn:
            row = conn.execute(
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

    def set_email_count(self, tenant_id: int, email_count: int) -> bool:
        """Control API: set a tenant's email count, whoever owns it."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE mailbux_tenants SET email_count = ? WHERE id = ?", (email_count, tenant_id)
            )
            return cursor.rowcount > 0
