"""The reseller's available quota, read once per deployment, for ``check`` to spend.

``check`` runs for every tenant before anything changes, so it is where a quota increase
the reseller pool cannot cover should fail: at preview, not halfway through ``up``. The
overview is read once per provider process (one process serves one deployment) and every
increase checked in it is claimed against that figure, so three tenants of 5 GB against
10 GB available fail on the third. Decreases are not credited: the engine may apply them
after the increases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from pulumi_resellertenant.core.settings import ApiSettings

__all__ = ["Claim", "QuotaBudget", "budget_for"]


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


_budgets: dict[ApiSettings, QuotaBudget | None] = {}
_lock = threading.Lock()


def budget_for(
    settings: ApiSettings, available_gb: Callable[[], float | None]
) -> QuotaBudget | None:
    """This process's budget for one reseller account; ``available_gb`` reads the overview
    the first time (None: the overview does not say, so nothing is checked). An error while
    reading propagates and leaves nothing cached."""
    with _lock:  # one overview read per account, however many checks run at once
        if settings not in _budgets:
            available = available_gb()
            _budgets[settings] = None if available is None else QuotaBudget(available)
        return _budgets[settings]
