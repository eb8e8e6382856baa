"""The reseller's available quota, read once per deployment, for ``check`` to spend.

``check`` runs for every tenant before anything changes, so it is where a quota increase
the reseller pool cannot cover should fail: at preview, not halfway through ``up``. The
overview is read once per provider process and account (one process serves one deployment)
and every increase checked in it is claimed against that figure, so three tenants of 5 GB
against 10 GB available fail on the third. A failed read is not repeated in the run.
Decreases are not credited: the engine may apply them after the increases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from pulumi_resellertenant.core.pacing import Account

__all__ = ["Claim", "QuotaBudget", "QuotaOverviewUnavailable", "budget_for"]


@dataclass(frozen=True)
class Claim:
    granted: bool
    available_gb: float
    """What the reseller overview showed available at the start of the deployment."""
    claimed_before_gb: float
    """What checks earlier in this deployment already claimed."""


class QuotaBudget:
    def __init__(self, available_gb: float) -> None:
        self.available_gb = available_gb
        self._claimed_gb = 0.0
        self._lock = threading.Lock()

    def claim(self, gb: float) -> Claim:
        """Claim ``gb`` if it fits in what is left; a refused claim takes nothing."""
        with self._lock:
            before = self._claimed_gb
            granted = before + gb <= self.available_gb
            if granted:
                self._claimed_gb += gb
            return Claim(granted, self.available_gb, before)


class QuotaOverviewUnavailable(Exception):
    """An earlier read of the overview failed in this run; the pre-check is skipped."""


class _Unavailable:
    """The overview could not be read: remembered for the run, so later checks skip at once
    instead of each waiting for a failing API."""


_results: dict[Account, QuotaBudget | _Unavailable | None] = {}
_account_locks: dict[Account, threading.Lock] = {}
_lock = threading.Lock()  # guards the two dicts only, never a network call


def budget_for(account: Account, available_gb: Callable[[], float | None]) -> QuotaBudget | None:
    """This process's budget for one reseller account; ``available_gb`` reads the overview
    the first time (None: the overview does not say, so nothing is checked).

    Checks of the same account wait for that one read; other accounts never wait for it. An
    error while reading propagates to the first caller and is remembered: later calls raise
    ``QuotaOverviewUnavailable`` at once.
    """
    with _lock:
        account_lock = _account_locks.setdefault(account, threading.Lock())
    with account_lock:
        if account not in _results:
            try:
                available = available_gb()
            except Exception:
                _results[account] = _Unavailable()
                raise
            _results[account] = None if available is None else QuotaBudget(available)
        result = _results[account]
    if isinstance(result, _Unavailable):
        raise QuotaOverviewUnavailable
    return result
