"""Capture what dynamic resources hand the Pulumi engine, using the SDK's mocks instead of one.

`register(lambda: Tenant("t", ...))` runs the constructor under `pulumi.runtime.set_mocks`, waits
for every registration and returns what each `RegisterResourceRequest` carried: the type token,
the inputs (as the engine would pass them on), the pickled `__provider` and options such as
`additional_secret_outputs`, which `pulumi.runtime.Mocks.new_resource` never sees.

Each run has its own thread, event loop and copy of the caller's context: pulumi's settings are
context variables, so the mocks never leak into the caller or into other tests.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.stack import run_pulumi_func

PROVIDER_KEY = "__provider"
STACK_TYPE = "pulumi:pulumi:Stack"

T = TypeVar("T")


@dataclass(frozen=True)
class RegisteredResource:
    """One resource registration, as the engine received it.

    `inputs` leaves out `__provider` and has secret markers removed (the engine strips them
    before calling a dynamic provider, which does not accept secrets); `secret_inputs` names
    the top-level inputs that were marked secret. Numbers are floats, as after any gRPC hop.
    """

    type_token: str
    name: str
    inputs: dict[str, Any]
    provider: str
    provider_secret: bool
    secret_inputs: frozenset[str]
    additional_secret_outputs: tuple[str, ...]
    custom: bool
    request: Any = field(repr=False)  # the raw RegisterResourceRequest, for any other option


class _EchoMocks(pulumi.runtime.Mocks):
    """Answers every registration with id `<name>-id` and the inputs as state."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        raise AssertionError(f"unexpected invoke of {args.token}")


class _RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping each RegisterResourceRequest it answers."""

    def __init__(self) -> None:
        super().__init__(_EchoMocks())
        self.registered: list[RegisteredResource] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != STACK_TYPE:
            with self._lock:
                self.registered.append(_from_request(request))
        return response


def _from_request(request: Any) -> RegisteredResource:
    raw: dict[str, Any] = rpc.deserialize_properties(request.object)
    provider = raw.pop(PROVIDER_KEY, None)
    return RegisteredResource(
        type_token=request.type,
        name=request.name,
        inputs={key: rpc.unwrap_rpc_secret(value) for key, value in raw.items()},
        provider=rpc.unwrap_rpc_secret(provider) if provider is not None else "",
        provider_secret=rpc.is_rpc_secret(provider),
        secret_inputs=frozenset(key for key, value in raw.items() if rpc.is_rpc_secret(value)),
        additional_secret_outputs=tuple(request.additionalSecretOutputs),
        custom=request.custom,
        request=request,
    )


def construct(
    factory: Callable[[], T], *, preview: bool = False
) -> tuple[T, list[RegisteredResource]]:
    """Run `factory` under mocks; return what it returned and the registrations, in the
    order they reached the monitor.

    Whatever the factory returns is also awaited (as `@pulumi.runtime.test` does), so a
    factory can return Outputs whose resolution the test needs to finish.
    """
    monitor = _RecordingMonitor()
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulumi-mocks") as pool:
        value = pool.submit(context.run, _run, factory, monitor, preview).result()
    return value, list(monitor.registered)


def register(factory: Callable[[], object], *, preview: bool = False) -> list[RegisteredResource]:
    """Run `factory` under mocks and return its resource registrations in the order they
    reached the monitor, which for independent resources is not the order of construction."""
    return construct(factory, preview=preview)[1]


def register_by_name(
    factory: Callable[[], object], *, preview: bool = False
) -> dict[str, RegisteredResource]:
    """Like `register`, keyed by resource name: what tests of several resources need."""
    return {r.name: r for r in register(factory, preview=preview)}


def _run(factory: Callable[[], T], monitor: _RecordingMonitor, preview: bool) -> T:
    """The body of `@pulumi.runtime.test`, on loops of our own that are all closed afterwards.

    The mock monitor runs in the loop's executor threads and creates an event loop in each
    (`_ensure_event_loop`) that nobody closes: a ResourceWarning, an error under
    `filterwarnings = error`. So the executor's threads get loops we keep and close.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    thread_loops: list[asyncio.AbstractEventLoop] = []

    def give_thread_a_loop() -> None:
        thread_loop = asyncio.new_event_loop()
        thread_loops.append(thread_loop)
        asyncio.set_event_loop(thread_loop)

    loop.set_default_executor(ThreadPoolExecutor(initializer=give_thread_a_loop))
    results: list[T] = []

    async def program() -> None:
        value = factory()
        results.append(value)
        await pulumi.Output.from_input(value).future()

    try:
        # Our own set of pending Outputs to wait for: the copied context shares the caller's set.
        settings.SETTINGS.outputs = set()
        pulumi.runtime.set_mocks(monitor.mocks, preview=preview, monitor=monitor)
        loop.run_until_complete(run_pulumi_func(program))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        asyncio.set_event_loop(None)
        loop.close()
        for thread_loop in thread_loops:
            thread_loop.close()
    return results[0]


def resource_outputs(resource: pulumi.Resource, *names: str) -> dict[str, Any]:
    """The resolved values of a `construct`ed resource's Output attributes (secrets unwrapped).

    `construct` waits for every registration, so these Outputs are already resolved: a private
    loop only unwraps them. Unknown values (under `preview=True`) come back as None.
    """
    loop = asyncio.new_event_loop()
    try:
        return {name: loop.run_until_complete(getattr(resource, name).future()) for name in names}
    finally:
        loop.close()
