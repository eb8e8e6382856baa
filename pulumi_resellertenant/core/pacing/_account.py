"""The reseller account: what the process-wide pacing, clients and caches are keyed by."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Account"]


@dataclass(frozen=True)
class Account:
    """One reseller account of one API: what process-wide caches (clients, rate limiters,
    the quota budget) are keyed by. It holds a digest of the key, never the key."""

    namespace: str
    base_url: str
    key_digest: str
