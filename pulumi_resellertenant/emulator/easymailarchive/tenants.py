"""The ema_tenants table: tenants named by a slug that is unique across all resellers."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Literal

from pulumi_resellertenant.emulator.database import ApiTables
from pulumi_resellertenant.emulator.timestamps import utc_now

TenantStatus = Literal["active", "suspended"]

# Unchanged since the first release, so databases written by any version open as they are.
SCHEMA = """
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

_COLUMNS = "slug, owner, name, status, users_count, storage_bytes, messages_count, created_at"


class SlugTaken(Exception):
    pass


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


def _get(conn: sqlite3.Connection, slug: str) -> EmaTenant | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM ema_tenants WHERE slug = ?",  # noqa: S608
        (slug,),
    ).fetchone()
    return None if row is None else EmaTenant(**row)


class EmaTenants(ApiTables):
    """Each method is one transaction, so the slug check and the insert it guards are atomic."""

    schema = SCHEMA
    tables = ("ema_tenants",)

    def page(
        self, owner: str, page: int, per_page: int, *, hidden: Collection[Hashable] = ()
    ) -> tuple[list[EmaTenant], int]:
        """One page (1-based) of the owner's tenants in creation order, and the total; the
        slugs in ``hidden`` (a lagging list's) are left out of both, as a stale replica
        would."""
        if hidden:
            with self._db.reading() as conn:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM ema_tenants WHERE owner = ? ORDER BY seq",  # noqa: S608
                    (owner,),
                ).fetchall()
            listed = [EmaTenant(**row) for row in rows if row["slug"] not in hidden]
            start = (page - 1) * per_page
            return listed[start : start + per_page], len(listed)
        with self._db.reading() as conn:
            total = int(
                conn.execute(
                    "SELECT COUNT(*) FROM ema_tenants WHERE owner = ?", (owner,)
                ).fetchone()[0]
            )
            offset = (page - 1) * per_page
            # Python ints are unbounded, SQLite's are not: skip the query past the end.
            if offset >= total:
                return [], total
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM ema_tenants WHERE owner = ?"  # noqa: S608
                " ORDER BY seq LIMIT ? OFFSET ?",
                (owner, per_page, offset),
            ).fetchall()
        return [EmaTenant(**row) for row in rows], total

    def get(self, slug: str) -> EmaTenant | None:
        """Any reseller's tenant: slugs are global, the routes check the owner."""
        with self._db.reading() as conn:
            return _get(conn, slug)

    def create(self, owner: str, slug: str, name: str) -> EmaTenant:
        with self._db.transaction() as conn:
            if _get(conn, slug) is not None:
                raise SlugTaken(slug)
            conn.execute(
                "INSERT INTO ema_tenants (slug, owner, name, status, created_at)"
                " VALUES (?, ?, ?, 'active', ?)",
                (slug, owner, name, utc_now()),
            )
            created = _get(conn, slug)
        assert created is not None
        self.recent.note(slug)
        return created

    def rename(self, slug: str, name: str) -> EmaTenant | None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE ema_tenants SET name = ? WHERE slug = ?", (name, slug))
            return _get(conn, slug)

    def set_status(self, slug: str, status: TenantStatus) -> EmaTenant | None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE ema_tenants SET status = ? WHERE slug = ?", (status, slug))
            return _get(conn, slug)

    def set_usage(
        self,
        slug: str,
        *,
        users_count: int | None = None,
        storage_bytes: int | None = None,
        messages_count: int | None = None,
    ) -> EmaTenant | None:
        """Control API: set usage figures; unset ones keep their value."""
        with self._db.transaction() as conn:
            tenant = _get(conn, slug)
            if tenant is None:
                return None
            conn.execute(
                "UPDATE ema_tenants SET users_count = ?, storage_bytes = ?, messages_count = ?"
                " WHERE slug = ?",
                (
                    tenant.users_count if users_count is None else users_count,
                    tenant.storage_bytes if storage_bytes is None else storage_bytes,
                    tenant.messages_count if messages_count is None else messages_count,
                    slug,
                ),
            )
            return _get(conn, slug)
