"""The HTTP client both APIs share: auth, timeouts, deadline, retries, pacing, logging.

One ``HttpClient`` per account is shared by every thread of the provider process (see
``clients``); httpx's connection pool and the rate limiter are thread-safe.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Generator, Mapping
from typing import Any

import httpx

from pulumi_resellertenant import __version__
from pulumi_resellertenant.core.pacing import (
    PacingStoreError,
    RateLimiter,
    Slot,
    shared_rate_limiter,
)

from ._answer_body import (
    AnswerTooLargeError,
    AnswerTooSlowError,
    decode_json,
    read_body,
    read_error_body,
)
from ._deadline import Deadline
from ._error_answers import error_from_response
from ._errors import (
    ApiError,
    ConfigurationError,
    DeadlineExceededError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from ._retry import RetryPolicy, is_idempotent, retry_delay
from ._settings import ApiSettings
from ._shown import shown

__all__ = ["REDACTED", "HttpClient"]

log = logging.getLogger("pulumi_resellertenant.http")

REDACTED = "[REDACTED]"

# These failures happen before a single byte of the request left this machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class _ApiKeyAuth(httpx.Auth):
    """Adds the key header at send time; its repr never shows the key."""

    def __init__(self, settings: ApiSettings) -> None:
        self._header = settings.spec.auth_header
        self._scheme = settings.spec.auth_scheme
        self._key = settings.api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        key = self._key.get_secret_value()
        request.headers[self._header] = f"{self._scheme} {key}" if self._scheme else key
        yield request

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._header}: {REDACTED}>"


class HttpClient:
    """Sends requests to one API and turns every failure into an ``ApiError``."""

    def __init__(
        self,
        settings: ApiSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.api = settings.spec.display_name
        self._policy = RetryPolicy(max_attempts=settings.max_attempts)
        if limiter is None and settings.requests_per_minute > 0:
            limiter = _default_limiter(settings)
        self._limiter = limiter
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self._http = httpx.Client(
            base_url=settings.base_url,
            auth=_ApiKeyAuth(settings),
            headers={
                "Accept": "application/json",
                "User-Agent": f"pulumi-resellertenant/{__version__}",
            },
            # A redirect could carry the key header to another host: never follow one.
            follow_redirects=False,
            # Plain http is allowed only to loopback (check_base_url); a proxy from the
            # environment would carry the key in clear to another host, so none is used.
            trust_env=not settings.base_url.startswith("http://"),
            transport=transport,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def deadline(self, seconds: float | None = None) -> Deadline:
        """A deadline for one operation, by default the configured operation timeout."""
        return Deadline(seconds or self.settings.operation_timeout, clock=self._clock)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        idempotent: bool | None = None,
        deadline: Deadline | None = None,
    ) -> Any:
        """Send a request and return its decoded JSON body (None for an empty one).

        Retries what ``retry_delay`` allows within the deadline; raises ``ApiError``.
        A non-idempotent request that failed after it may have reached the server raises
        with ``outcome_unknown`` set: only the caller can tell whether to repeat it.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = is_idempotent(method)
        if deadline is None:
            deadline = self.deadline()
        attempt = 0
        while True:
            attempt += 1
            slot = self._wait_for_slot(method, path, deadline)
            started = self._clock()
            outcome = "no answer"
            try:
                with self._http.stream(
                    method, path, json=json, params=params, timeout=self._timeout(deadline)
                ) as response:
                    outcome = str(response.status_code)
                    if response.is_success:
                        return self._success(method, path, response, deadline, idempotent)
                    error = self._failure(method, path, response, deadline)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                # DecodingError (an unreadable Content-Encoding) is no httpx.TransportError,
                # but it too leaves no usable answer once the request was sent.
                outcome = type(exc).__name__
                error = self._transport_error(method, path, exc, deadline)
            finally:
                self._log_attempt(method, path, outcome, started, attempt)
                self._settle_slot(slot)
            self._heed_retry_after(error)

            delay = retry_delay(
                self._policy, attempt, error, idempotent=idempotent, rand=self._rand
            )
            if delay is None or delay >= deadline.remaining():
                if not idempotent and _may_have_been_applied(error):
                    error.outcome_unknown = True
                raise error
            log.info(
                "%s %s %s: %s; retrying in %.1f s", self.api, method, path, error.message, delay
            )
            self._sleep(delay)

    def _log_attempt(
        self, method: str, path: str, outcome: str, started: float, attempt: int
    ) -> None:
        # Method, path, outcome and time only: headers (and so the key) never reach a log.
        elapsed_ms = (self._clock() - started) * 1000
        log.debug(
            "%s %s %s -> %s in %.0f ms (attempt %d)",
            self.api,
            method,
            path,
            outcome,
            elapsed_ms,
            attempt,
        )

    def redact(self, text: str) -> str:
        """The text with the API key replaced, in case an answer echoes it back."""
        key = self.settings.api_key.get_secret_value()
        return text.replace(key, REDACTED) if key else text

    def _wait_for_slot(self, method: str, path: str, deadline: Deadline) -> Slot | None:
        """Wait for the request's place in the pacing window; the caller settles it once the
        answer arrived (``_settle_slot``), whatever the outcome."""
        slot = None
        if self._limiter is not None:
            try:
                slot = self._limiter.acquire(deadline.remaining(), lease=self._lease())
            except PacingStoreError as exc:
                raise TransportError(
                    str(exc),
                    api=self.api,
                    method=method,
                    path=path,
                    request_sent=False,
                ) from None
            if slot is None:
                raise DeadlineExceededError(
                    f"the operation deadline of {deadline.seconds:g} s would pass while waiting "
                    "for the client-side rate limit; lower the number of parallel operations "
                    "or raise operationTimeout",
                    api=self.api,
                    method=method,
                    path=path,
                    request_sent=False,
                )
        if deadline.expired():
            self._settle_slot(slot)
            raise DeadlineExceededError(
                f"the operation deadline of {deadline.seconds:g} s has passed",
                api=self.api,
                method=method,
                path=path,
                request_sent=False,
            )
        return slot

    def _lease(self) -> float:
        # The longest an attempt can take to reach the server: an unsettled slot (its
        # process died) counts as in flight until then.
        return self.settings.connect_timeout + self.settings.read_timeout

    def _settle_slot(self, slot: Slot | None) -> None:
        if self._limiter is not None and slot is not None:
            self._limiter.settle(slot)

    def _heed_retry_after(self, error: ApiError) -> None:
        """A 429's Retry-After is the server's word on its window: everyone sharing the
        pacing window waits that long, not only the request that was refused. (Capped like
        the retry's own wait: a window kept in a file outlives this run.)"""
        if (
            self._limiter is not None
            and isinstance(error, RateLimitedError)
            and error.retry_after is not None
        ):
            self._limiter.hold(min(error.retry_after, self._policy.max_retry_after))

    def _timeout(self, deadline: Deadline) -> httpx.Timeout:
        remaining = deadline.remaining()
        connect = min(self.settings.connect_timeout, remaining)
        read = min(self.settings.read_timeout, remaining)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _transport_error(
        self,
        method: str,
        path: str,
        exc: httpx.TransportError | httpx.DecodingError,
        deadline: Deadline,
    ) -> TransportError:
        sent = not isinstance(exc, _NOT_SENT)
        detail = self.redact(str(exc)) or type(exc).__name__
        fields: dict[str, Any] = {"api": self.api, "method": method, "path": path}
        if isinstance(exc, httpx.TimeoutException):
            if deadline.expired():
                return DeadlineExceededError(
                    f"no answer before the operation deadline of {deadline.seconds:g} s",
                    request_sent=sent,
                    **fields,
                )
            return RequestTimeoutError(
                f"timed out ({type(exc).__name__}: {detail})", request_sent=sent, **fields
            )
        return TransportError(f"{type(exc).__name__}: {detail}", request_sent=sent, **fields)

    def _success(
        self,
        method: str,
        path: str,
        response: httpx.Response,
        deadline: Deadline,
        idempotent: bool,
    ) -> Any:
        """The decoded JSON of a success answer (None for an empty one).

        A success answer is the API's word that it did the request: one that cannot be read
        raises an ``UnexpectedResponseError`` carrying its status (``committed``), so that
        a create is never sent again (and ``outcome_unknown`` for a write, as its result
        is). The body is never quoted: it may hold the one-time
        password. What the error says is its status, content type and length."""
        try:
            body = read_body(response, limit=self.settings.max_answer_bytes, deadline=deadline)
        except AnswerTooLargeError as exc:
            why = f"larger than maxAnswerBytes ({exc.size} bytes read or declared)"
            raise self._unreadable(method, path, response, why, idempotent) from None
        except AnswerTooSlowError as exc:
            why = (
                f"still arriving at the operation deadline of {deadline.seconds:g} s "
                f"({exc.size} bytes read)"
            )
            raise self._unreadable(method, path, response, why, idempotent) from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            why = f"cut off ({type(exc).__name__})"
            raise self._unreadable(method, path, response, why, idempotent) from None
        if not body.strip():
            return None
        try:
            return decode_json(body)
        except (ValueError, RecursionError):
            shape = f"not JSON ({len(body)} bytes of {_content_type(response)})"
            raise self._unreadable(method, path, response, shape, idempotent) from None

    def _unreadable(
        self, method: str, path: str, response: httpx.Response, why: str, idempotent: bool
    ) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            f"the {response.status_code} answer cannot be read: it is {why}",
            api=self.api,
            method=method,
            path=path,
            status=response.status_code,
            outcome_unknown=not idempotent,
        )

    def _failure(
        self, method: str, path: str, response: httpx.Response, deadline: Deadline
    ) -> ApiError:
        """The error an error answer stands for, from the start of its body."""
        try:
            body = read_error_body(response, deadline=deadline)
        except (httpx.TransportError, httpx.DecodingError):
            body = b""  # the status alone says enough
        return error_from_response(
            api=self.api,
            method=method,
            path=path,
            status=response.status_code,
            body=body,
            headers=response.headers,
            codes=self.settings.spec.error_codes,
            redact=self.redact,
        )


def _content_type(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "").partition(";")[0].strip()
    return shown(kind, 60) if kind else "no content type"


def _default_limiter(settings: ApiSettings) -> RateLimiter:
    """The account's shared limiter: machine-local, or in Redis when a URL is set."""
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    setting = settings.naming.setting(settings.spec.namespace, "redisUrl")
    try:
        return shared_rate_limiter(
            settings.account,
            settings.requests_per_minute,
            redis_url=redis_url,
            redis_setting=setting,
        )
    except PacingStoreError as exc:
        raise ConfigurationError(str(exc)) from None


def _may_have_been_applied(error: ApiError) -> bool:
    if isinstance(error, TransportError):
        return error.request_sent
    return isinstance(error, ServerError)
