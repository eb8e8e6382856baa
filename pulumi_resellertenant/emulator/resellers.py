"""Reseller accounts of one API, keyed by a fingerprint of their API key.

The raw key is hashed on arrival and never kept: tenants are owned by the fingerprint, so the
SQLite file and any debugging output hold no usable credential. Accounts live in memory: a
restart or a reset goes back to the command-line configuration (tenants persist in the store).
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Generic, Self, TypeVar

from .errors import FieldErrors


def fingerprint(api_key: str) -> str:
    """A stable, non-reversible owner id for an API key (sha256 hex prefix)."""
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass(frozen=True)
class ResellerSettings(ABC):
    """One reseller's own settings in one API (a plan, a quota pool, a rate limit...).

    Each API subclasses it as a frozen dataclass; its fields are what the control API's
    PUT /resellers may change for that API, and what it answers.
    """

    @classmethod
    def field_names(cls) -> frozenset[str]:
        return frozenset(field.name for field in fields(cls))

    @classmethod
    @abstractmethod
    def parse_changes(cls, body: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
        """The valid settings a control body changes; a field error for each invalid one."""

    def changed(self, changes: Mapping[str, Any]) -> Self:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


S = TypeVar("S", bound=ResellerSettings)


@dataclass(frozen=True)
class Reseller(Generic[S]):
    owner: str
    settings: S


class ResellerAccounts(Generic[S]):
    """Thread-safe lookup of one API's resellers by API key, with runtime changes."""

    def __init__(self, keys: Sequence[str], configured: S) -> None:
        self._keys = tuple(keys)
        # What every reseller starts with: the command line's settings.
        self._configured = configured
        self._lock = threading.Lock()
        self._accounts: dict[str, Reseller[S]] = {}
        self.reset()

    @property
    def settings_type(self) -> type[S]:
        return type(self._configured)

    def reset(self) -> None:
        """Forget runtime changes: back to the command-line configuration."""
        with self._lock:
            self._accounts = {
                fingerprint(key): Reseller(fingerprint(key), self._configured) for key in self._keys
            }

    def find(self, api_key: str) -> Reseller[S] | None:
        with self._lock:
            return self._accounts.get(fingerprint(api_key))

    def put(self, api_key: str, changes: Mapping[str, Any]) -> Reseller[S]:
        """Add a reseller (configured settings for unset fields) or change the given ones."""
        key = fingerprint(api_key)
        with self._lock:
            current = self._accounts.get(key) or Reseller(key, self._configured)
            updated = Reseller(current.owner, current.settings.changed(changes))
            self._accounts[key] = updated
            return updated

    def rotate_key(self, old_key: str, new_key: str) -> str | None:
        """Move an account to a new key, as a reseller rotating its key would: the account and
        its tenants stay (same owner), the old key stops working. Returns the owner, or None
        when the old key belongs to no reseller."""
        with self._lock:
            reseller = self._accounts.pop(fingerprint(old_key), None)
            if reseller is None:
                return None
            self._accounts[fingerprint(new_key)] = reseller
            return reseller.owner
