"""Serve the provider over gRPC, as the engine starts a plugin: `<plugin> <engine address>`.

The SDK's server (``pulumi.provider.experimental.server``) adds a stack listing to every
error; for the errors we expect (the API refused, a key is missing) that buries the one line
that matters, so those are answered with their message alone. A bug keeps its stack.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc  # type: ignore[import-untyped]
import grpc.aio  # type: ignore[import-untyped]
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_resellertenant import __version__
from pulumi_resellertenant.core.transport import ResellerTenantError

from .engine_log import EngineLog
from .provider import ResellerTenantProvider

__all__ = ["engine_address", "main", "serve"]

_RPCS = (
    "GetSchema",
    "CheckConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
    "Invoke",
)

Rpc = Callable[[Any, Any, Any], Awaitable[Any]]


def _expected(error: BaseException | None) -> ResellerTenantError | None:
    """The expected error behind ``error`` (the SDK re-raises it as a plain Exception)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, ResellerTenantError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _one_line(rpc: Rpc) -> Rpc:
    async def answer(self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await rpc(self, request, context)
        except Exception as error:
            expected = _expected(error)
            if expected is None:
                raise
            await context.abort(grpc.StatusCode.UNKNOWN, str(expected))

    return answer


class OneLineServicer(ProviderServicer):
    """The SDK's servicer, expected errors answered as one line."""


for _name in _RPCS:
    setattr(OneLineServicer, _name, _one_line(getattr(ProviderServicer, _name)))


async def serve(provider: ResellerTenantProvider, engine_address: str, args: Sequence[str]) -> None:
    """Serve until terminated; the port goes to stdout first, as the engine expects."""
    EngineLog.install(engine_address)
    server = grpc.aio.server()
    servicer = OneLineServicer(list(args), __version__, provider, engine_address=engine_address)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await server.wait_for_termination()


def engine_address(args: Sequence[str]) -> str:
    """The engine's address among the arguments it starts a plugin with (``--version`` and
    ``--help`` answer and exit)."""
    parser = argparse.ArgumentParser(
        prog="pulumi-resource-resellertenant",
        description="The resellertenant Pulumi provider plugin (a gRPC server the engine starts)",
    )
    parser.add_argument("engine", help="the Pulumi engine's address")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # The engine's own flags, before its address: a flag's value must not pass for it.
    parser.add_argument("--logflow", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--logtostderr", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tracing", help=argparse.SUPPRESS)
    parser.add_argument("-v", help=argparse.SUPPRESS)
    known, _ = parser.parse_known_args(args)
    address: str = known.engine
    return address


def main(argv: Sequence[str] | None = None) -> None:
    """``pulumi-resource-resellertenant``: the console script the engine runs."""
    args = list(sys.argv[1:] if argv is None else argv)
    address = engine_address(args)
    with contextlib.suppress(KeyboardInterrupt):  # the engine's way to stop a plugin
        asyncio.run(serve(ResellerTenantProvider(), address, args))
