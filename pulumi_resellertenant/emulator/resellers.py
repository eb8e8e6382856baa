"""Reseller accounts of both APIs, keyed by a fingerprint of their API key.

The raw key is hashed on arrival and never kept: tenants are owned by the fingerprint, so the
SQLite file and any debugging output hold no usable credential. Resellers live in memory: a
restart or a reset goes back to the command-line configuration (tenants persist in the store).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace
from typing import Literal

from .config import EmulatorConfig, MailbuxPlan

ApiName = Literal["mailbux", "easymailarchive"]


def fingerprint(api_key: str) -> str:
    """A stable, non-reversible owner id for an API key (sha256 hex prefix)."""
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass(frozen=True)
class MailbuxReseller:
    owner: str
    plan: MailbuxPlan
    quota_gb: int
    tenant_limit: int


@dataclass(frozen=True)
class EmaReseller:
    owner: str
    # Requests per minute; 0 disables the limit.
    rate_limit: int


class ResellerRegistry:
    """Thread-safe lookup of resellers by API key, with runtime overrides."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._mailbux: dict[str, MailbuxReseller] = {}
        self._ema: dict[str, EmaReseller] = {}
        self.reset()

    def reset(self) -> None:
        """Forget runtime changes: back to the command-line configuration."""
        cfg = self._config
        with self._lock:
            self._mailbux = {
                fingerprint(key): MailbuxReseller(
                    owner=fingerprint(key),
                    plan=cfg.mailbux_plan,
                    quota_gb=cfg.mailbux_quota_gb,
                    tenant_limit=cfg.mailbux_tenant_limit,
                )
                for key in cfg.mailbux_keys
            }
            self._ema = {
                fingerprint(key): EmaReseller(owner=fingerprint(key), rate_limit=cfg.ema_rate_limit)
                for key in cfg.ema_keys
            }

    def mailbux(self, api_key: str) -> MailbuxReseller | None:
        with self._lock:
            return self._mailbux.get(fingerprint(api_key))

    def ema(self, api_key: str) -> EmaReseller | None:
        with self._lock:
            return self._ema.get(fingerprint(api_key))

    def put_mailbux(
        self,
        api_key: str,
        *,
        plan: MailbuxPlan | None = None,
        quota_gb: int | None = None,
        tenant_limit: int | None = None,
    ) -> MailbuxReseller:
        """Add a reseller (CLI defaults for unset fields) or change the given settings."""
        owner = fingerprint(api_key)
        cfg = self._config
        with self._lock:
            current = self._mailbux.get(owner) or MailbuxReseller(
                owner=owner,
                plan=cfg.mailbux_plan,
                quota_gb=cfg.mailbux_quota_gb,
                tenant_limit=cfg.mailbux_tenant_limit,
            )
            updated = replace(
                current,
                plan=current.plan if plan is None else plan,
                quota_gb=current.quota_gb if quota_gb is None else quota_gb,
                tenant_limit=current.tenant_limit if tenant_limit is None else tenant_limit,
            )
            self._mailbux[owner] = updated
            return updated

    def put_ema(self, api_key: str, *, rate_limit: int | None = None) -> EmaReseller:
        """Add a reseller (CLI defaults for unset fields) or change the given settings."""
        owner = fingerprint(api_key)
        with self._lock:
            current = self._ema.get(owner) or EmaReseller(
                owner=owner, rate_limit=self._config.ema_rate_limit
            )
            updated = replace(
                current, rate_limit=current.rate_limit if rate_limit is None else rate_limit
            )
            self._ema[owner] = updated
            return updated

    def rotate_key(self, api: ApiName, old_key: str, new_key: str) -> str | None:
        """Move a reseller account to a new key, as a reseller rotating its key would: the
        account and its tenants stay (same owner), the old key stops working. Returns the
        owner, or None when the old key belongs to no reseller."""
        accounts: dict[str, MailbuxReseller] | dict[str, EmaReseller]
        with self._lock:
            accounts = self._mailbux if api == "mailbux" else self._ema
            reseller = accounts.pop(fingerprint(old_key), None)
            if reseller is None:
                return None
            accounts[fingerprint(new_key)] = reseller  # type: ignore[assignment]
            return reseller.owner
