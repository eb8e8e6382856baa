"""Drive a pickled dynamic provider through the real `python -m pulumi.dynamic` gRPC server.

This is what the Pulumi engine does: start the server, read its port from the first stdout line,
send `Configure`, then `Check`/`Diff`/`Create`/`Read`/`Update`/`Delete` with the pickled provider
under `__provider` in every property bag. So tests exercise pickling, the process boundary and
protobuf: numbers come back as floats, config arrives as the server unwraps it, and a provider
is unpickled and configured once per pickled string, on its first call.

Values go through the SDK's own `rpc.serialize_properties`/`deserialize_properties`. Send plain
values, as the engine does: the server answers Configure with `acceptSecrets=False`, so the engine
strips secret markers from what it sends (a wrapped secret would reach the provider as a dict).
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Literal, Self, cast

import grpc
from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_resellertenant.core.transport import PYTHON, Naming

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER_KEY = "__provider"
DEFAULT_PROJECT = "resellertenant-tests"
DEFAULT_TIMEOUT = 120.0
START_TIMEOUT = 30.0
STOP_STEP_TIMEOUT = 5.0  # per signal that `stop` sends

UNKNOWN: str = rpc.UNKNOWN
"""Send this as a value to mean "not known yet", as the engine does during a preview."""

_DIFF_CHANGES: dict[int, Literal["none", "some", "unknown"]] = {
    proto.DiffResponse.DIFF_NONE: "none",
    proto.DiffResponse.DIFF_SOME: "some",
    proto.DiffResponse.DIFF_UNKNOWN: "unknown",
}


def is_unknown(value: object) -> bool:
    """Whether a value in check inputs is an unknown: they come back as `pulumi.output.Unknown`."""
    return isinstance(value, Unknown)


class ProviderServerStartError(RuntimeError):
    pass


class ProviderCallError(RuntimeError):
    """An RPC failed; for a provider exception, `details` holds the server's traceback."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


@dataclass(frozen=True)
class CheckOutcome:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffOutcome:
    changes: Literal["none", "some", "unknown"]
    replaces: list[str]
    delete_before_replace: bool


@dataclass(frozen=True)
class CreateOutcome:
    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class ReadOutcome:
    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None


class ProviderServer:
    """One `python -m pulumi.dynamic` process serving `provider` (a base64 pickled provider)."""

    naming: ClassVar[Naming] = PYTHON
    """How its messages spell names: the dynamic resources speak Python."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        port: int,
        provider: str,
        stderr_path: Path,
        reader: threading.Thread,
        timeout: float,
    ) -> None:
        self.proc = proc
        self.port = port
        self.provider = provider
        self.stderr_path = stderr_path
        self.timeout = timeout
        self._reader = reader
        # Inherited: a child exec'd while we ignore SIGINT ignores it too.
        self._ignores_sigint = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        self._channel: grpc.Channel | None = None
        self._stub: Any = None

    @classmethod
    def start(
        cls,
        provider: str,
        *,
        stderr_path: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
    ) -> Self:
        """Start the server and connect; `timeout` bounds every later call.

        `-u` as in the engine's `pulumi-resource-pulumi-python` shim: the server writes its port
        line without a flush, so on a buffered pipe it would never arrive.
        """
        child_env = {**os.environ, **(env or {})}
        child_env.setdefault("PULUMI_PROJECT", DEFAULT_PROJECT)
        with stderr_path.open("wb") as stderr_file:
            # stderr goes to a file, not a pipe: a pipe nobody drains would block the server.
            proc = subprocess.Popen(
                [sys.executable, "-u", "-m", "pulumi.dynamic"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                cwd=REPO_ROOT,
                env=child_env,
            )
        lines: queue.Queue[str | None] = queue.Queue()

        def read_stdout() -> None:
            # The first line is the port; the rest (a provider's prints) is drained so that a
            # full pipe never blocks the server.
            assert proc.stdout is not None
            for raw in proc.stdout:
                lines.put(raw.decode(errors="replace"))
            lines.put(None)

        reader = threading.Thread(target=read_stdout, name="provider-stdout", daemon=True)
        reader.start()
        server = cls(proc, 0, provider, stderr_path, reader, timeout)

        def fail(reason: str) -> ProviderServerStartError:
            server.stop()
            return ProviderServerStartError(
                f"{reason}\n--- provider server stderr ---\n{server.stderr_text()}"
            )

        try:
            line = lines.get(timeout=start_timeout)
        except queue.Empty:
            raise fail(f"the provider server printed no port within {start_timeout} s") from None
        if line is None or not line.strip().isdigit():
            raise fail(f"unexpected first stdout line from the provider server: {line!r}")
        server.port = int(line)
        server._channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        server._stub = provider_pb2_grpc.ResourceProviderStub(server._channel)
        return server

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stderr_text(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> int:
        """Close the channel and end the process; returns its exit code (0 after SIGINT).

        SIGINT first: the server then stops gRPC and exits normally, so coverage writes the
        data it measured (it does not handle SIGTERM in this project). A child started while
        this process ignores SIGINT (`pytest &` in a script) ignores it too: SIGTERM first then.
        """
        self._stub = None
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        signals = [signal.SIGTERM, signal.SIGKILL]
        if not self._ignores_sigint:
            signals.insert(0, signal.SIGINT)
        for signum in signals:
            if self.proc.poll() is not None:
                break
            self.proc.send_signal(signum)
            try:
                self.proc.wait(timeout=STOP_STEP_TIMEOUT)
            except subprocess.TimeoutExpired:
                continue
        self.proc.wait()  # reaped in every case: no zombie
        self._reader.join(timeout=STOP_STEP_TIMEOUT)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode

    # --- the RPCs ---------------------------------------------------------------------------

    def configure(self, config: Mapping[str, Any], *, secrets: Iterable[str] = ()) -> None:
        """Send stack config (full keys such as "mailbux:apiKey"), `secrets` marked secret.

        The server unwraps the secrets and keeps the config for providers it has not yet
        unpickled: one already used by an earlier call keeps the config it was configured with.
        """
        secret_keys = set(secrets)
        if not secret_keys <= config.keys():
            raise ValueError(f"secret keys not in config: {sorted(secret_keys - config.keys())}")
        args = {
            key: rpc.wrap_rpc_secret(value) if key in secret_keys else value
            for key, value in config.items()
        }
        variables = {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config.items()
        }
        request = proto.ConfigureRequest(
            args=_struct(args), variables=variables, acceptSecrets=True, acceptResources=True
        )
        self._call("Configure", request)

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        """Unknowns in the returned inputs are `pulumi.output.Unknown` (see `is_unknown`)."""
        request = proto.CheckRequest(olds=self._props(olds), news=self._props(news))
        response = self._call("Check", request)
        return CheckOutcome(
            inputs=_plain(response.inputs, keep_unknowns=True),
            failures=[(failure.property, failure.reason) for failure in response.failures],
        )

    def diff(self, id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffOutcome:
        """`olds` are the old outputs (the engine's state), `news` the new checked inputs."""
        request = proto.DiffRequest(id=id, olds=self._props(olds), news=self._props(news))
        response = self._call("Diff", request)
        return DiffOutcome(
            changes=_DIFF_CHANGES[response.changes],
            replaces=list(response.replaces),
            delete_before_replace=response.deleteBeforeReplace,
        )

    def create(self, properties: Mapping[str, Any]) -> CreateOutcome:
        response = self._call("Create", proto.CreateRequest(properties=self._props(properties)))
        return CreateOutcome(id=response.id, outputs=_plain(response.properties))

    def read(
        self,
        id: str,
        properties: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadOutcome:
        request = proto.ReadRequest(id=id, properties=self._props(properties))
        if inputs is not None:
            request.inputs.CopyFrom(self._props(inputs))
        response = self._call("Read", request)
        return ReadOutcome(
            id=response.id,
            outputs=_plain(response.properties),
            inputs=_plain(response.inputs) if response.HasField("inputs") else None,
        )

    def update(self, id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        request = proto.UpdateRequest(id=id, olds=self._props(olds), news=self._props(news))
        return _plain(self._call("Update", request).properties)

    def delete(self, id: str, properties: Mapping[str, Any]) -> None:
        self._call("Delete", proto.DeleteRequest(id=id, properties=self._props(properties)))

    # --- plumbing ---------------------------------------------------------------------------

    def _props(self, props: Mapping[str, Any]) -> struct_pb2.Struct:
        """The bag with the pickled provider added, as the SDK stores it on every resource."""
        return _struct({PROVIDER_KEY: self.provider, **props})

    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise RuntimeError("the provider server is stopped")
        try:
            return getattr(self._stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as error:
            call = cast(grpc.Call, error)
            raise ProviderCallError(call.code(), call.details() or "") from None


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    # A private loop: the SDK's serializer is async, and the caller's loop is not ours to use.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def _plain(struct: struct_pb2.Struct, *, keep_unknowns: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns)
    props.pop(PROVIDER_KEY, None)
    return props
