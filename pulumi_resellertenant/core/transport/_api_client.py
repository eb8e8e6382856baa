"""The base of the per-API clients: construction, the shared instance, answer parsing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self, TypeVar

import httpx
from pydantic import BaseModel

from ._clients import shared_clients
from ._deadline import Deadline
from ._http import HttpClient
from ._listings import Listings
from ._models import parse_answer, unwrap_data
from ._settings import ApiSettings, ApiSpec, ConfigLookup, load_settings

__all__ = ["ApiClient"]

M = TypeVar("M", bound=BaseModel)


class ApiClient:
    """One method per endpoint of one API, over an ``HttpClient``; subclasses set ``spec``.
    Every method takes an optional ``deadline`` shared by the calls of one operation, and
    raises ``pulumi_resellertenant.core.ApiError``."""

    spec: ClassVar[ApiSpec]

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self.listings: Listings[Any] = Listings()
        """This account's coalesced tenant listings (see ``_listings``)."""
        self.last_write_at = float("-inf")
        """When this client's latest request that may change something ended: a listing
        started before it may not show that change."""

    @classmethod
    def shared(cls, settings: ApiSettings) -> Self:
        """The process-wide client of this account: what providers and functions use."""
        return shared_clients.get(cls, settings)

    @classmethod
    def from_config(
        cls,
        config: ConfigLookup | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> Self:
        """A client of its own (close it, or use ``with``), with settings from stack config
        (a lookup of ``ns:key``) or the environment (see ``load_settings``); ``transport``
        replaces the network, for tests."""
        return cls(HttpClient(load_settings(cls.spec, config, environ), transport=transport))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        payload: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        deadline: Deadline | None = None,
    ) -> Any:
        """Send a request; return the payload of its answer (inside ``{"data": ...}``)."""
        try:
            body = self.http.request(
                method, path, json=payload, idempotent=idempotent, deadline=deadline
            )
        finally:
            if method.upper() != "GET":
                self.last_write_at = self.listings.now()
        self._check_answer(body, method, path)
        return unwrap_data(body)

    def _check_answer(self, body: Any, method: str, path: str) -> None:
        """Hook for an API that can refuse inside a success answer."""

    def _parse(
        self, model: type[M], data: Any, method: str, path: str, *, applied: bool = False
    ) -> M:
        """``applied``: the answer is to a create that succeeded, so an unreadable one still
        means the tenant exists."""
        return parse_answer(
            model, data, api=self.http.api, method=method, path=path, applied=applied
        )
