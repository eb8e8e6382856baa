"""The base both typed API clients share: construction from settings and answer parsing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel

from .deadline import Deadline
from .http import ApiClient
from .models import parse_answer, unwrap_data
from .settings import ApiSpec, ConfigLookup, load_settings

__all__ = ["TypedClient"]

M = TypeVar("M", bound=BaseModel)


class TypedClient:
    """A typed client over a shared ``ApiClient``; subclasses set ``spec``."""

    spec: ClassVar[ApiSpec]

    def __init__(self, http: ApiClient) -> None:
        self.http = http

    @classmethod
    def from_config(
        cls, config: ConfigLookup | None = None, environ: Mapping[str, str] | None = None
    ) -> Self:
        """A client with settings from stack config (a lookup of ``ns:key``) or the
        environment; see ``load_settings``."""
        return cls(ApiClient(load_settings(cls.spec, config, environ)))

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
        body = self.http.request(
            method, path, json=payload, idempotent=idempotent, deadline=deadline
        )
        self._check_answer(body, method, path)
        return unwrap_data(body)

    def _check_answer(self, body: Any, method: str, path: str) -> None:
        """Hook for an API that can refuse inside a success answer."""

    def _parse(self, model: type[M], data: Any, method: str, path: str) -> M:
        return parse_answer(model, data, api=self.http.api, method=method, path=path)
