"""The two faces of the tenant lifecycle as the shared cases drive them.

`PluginServer` runs the provider plugin as the engine does (`python -m
pulumi_resellertenant.plugin <engine>`, the port on the first stdout line) and speaks its
gRPC protocol with the SDK's own `PropertyValue` marshalling: camelCase names, numbers as
floats, secrets marked. `PluginFace` gives one of its tenant types the vocabulary of the
dynamic `ProviderServer` (snake_case field names, plain values, the same outcomes), so the
engine's steps (`engine_steps`) and the shared cases drive either face.

Where the faces differ by design, a helper here says it once: `face_config` is the provider
config of each face with some settings of one API overridden (the dynamic provider's stack
config `mailbux:apiKey`, the plugin's own `resellertenant:mailbuxApiKey`).
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self, cast

import grpc
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_resellertenant.apis import by_namespace
from pulumi_resellertenant.core.transport import Naming
from pulumi_resellertenant.plugin.names import PLUGIN, camel
from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import stack_config
from support.provider_server import (
    CheckOutcome,
    CreateOutcome,
    DiffOutcome,
    ProviderCallError,
    ReadOutcome,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0
PLUGIN_UNKNOWN = object()
"""Send this as a value to mean "not known yet" (a computed value) to the plugin."""

_CHANGES = {
    proto.DiffResponse.DIFF_NONE: "none",
    proto.DiffResponse.DIFF_SOME: "some",
    proto.DiffResponse.DIFF_UNKNOWN: "unknown",
}


def to_value(value: Any, secret: bool = False) -> PropertyValue:
    if value is PLUGIN_UNKNOWN:
        converted = PropertyValue(rpc.UNKNOWN)  # the wire's marker: the SDK sends no Computed
    elif isinstance(value, int) and not isinstance(value, bool):
        converted = PropertyValue(float(value))
    elif isinstance(value, Mapping):
        converted = PropertyValue({k: to_value(v) for k, v in value.items()})
    elif isinstance(value, list):
        converted = PropertyValue([to_value(v) for v in value])
    else:
        converted = PropertyValue(value)
    return converted.with_secret(secret)


def from_value(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed) or inner == rpc.UNKNOWN:
        return PLUGIN_UNKNOWN
    if isinstance(inner, Mapping):
        return {k: from_value(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [from_value(v) for v in inner]
    return inner


def struct(props: Mapping[str, Any], secrets: frozenset[str] = frozenset()) -> Any:
    return PropertyValue.marshal_map({k: to_value(v, k in secrets) for k, v in props.items()})


def unstruct(message: Any) -> dict[str, PropertyValue]:
    return PropertyValue.unmarshal_map(message)


def plain(message: Any) -> dict[str, Any]:
    return {key: from_value(value) for key, value in unstruct(message).items()}


class PluginServer:
    """One provider plugin process; every call bounded by `TIMEOUT`."""

    def __init__(self, proc: subprocess.Popen[bytes], stderr_path: Path) -> None:
        self.proc = proc
        self.stderr_path = stderr_path
        self._channel: grpc.Channel | None = None
        self.stub: Any = None

    @classmethod
    def start(
        cls,
        *,
        stderr_path: Path,
        env: Mapping[str, str],
        command: tuple[str, ...] = ("-m", "pulumi_resellertenant.plugin"),
    ) -> Self:
        """`command`: what the interpreter runs, given the engine's address ("127.0.0.1:1":
        no engine, so warnings go to stderr)."""
        with stderr_path.open("wb") as stderr_file:
            proc = subprocess.Popen(  # noqa: S603 (our interpreter, our plugin)
                [sys.executable, "-u", *command, "127.0.0.1:1"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                cwd=REPO_ROOT,
                env=dict(env),
            )
        lines: queue.Queue[bytes | None] = queue.Queue()

        def drain() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:
                lines.put(raw)
            lines.put(None)  # the process ended: no port will come, fail now

        threading.Thread(target=drain, daemon=True).start()
        server = cls(proc, stderr_path)
        try:
            port = int(lines.get(timeout=30) or b"")
        except (queue.Empty, ValueError):
            server.stop()
            raise RuntimeError(f"the plugin printed no port:\n{server.stderr_text()}") from None
        server._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        server.stub = provider_pb2_grpc.ResourceProviderStub(server._channel)
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

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=TIMEOUT)
        except grpc.RpcError as error:
            failed = cast(grpc.Call, error)
            raise ProviderCallError(failed.code(), failed.details() or "") from None

    def configure(
        self, config: Mapping[str, Any], *, secrets: frozenset[str] = frozenset()
    ) -> None:
        """Provider config by variable name (`mailbuxApiKey`), as the engine sends it."""
        variables = {f"resellertenant:{k}": str(v) for k, v in config.items()}
        self.call(
            "Configure",
            proto.ConfigureRequest(
                args=struct(config, secrets),
                variables=variables,
                acceptSecrets=True,
                acceptResources=True,
            ),
        )


def urn(namespace: str, name: str = "t") -> str:
    return f"urn:pulumi:test::resellertenant-tests::{by_namespace(namespace).plugin_type}::{name}"


def camel_props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {camel(k): v for k, v in props.items()}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def snake_props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {snake(k): v for k, v in props.items()}


@dataclass
class PluginFace:
    """One API's tenant type of the provider plugin."""

    server: PluginServer
    namespace: str
    name: str = "plugin"
    naming: ClassVar[Naming] = PLUGIN
    """How its messages spell names: camelCase, its own config keys and invoke tokens."""

    @property
    def urn(self) -> str:
        return urn(self.namespace)

    def stderr_text(self) -> str:
        """The plugin's warnings: without an engine to log to, they go to stderr."""
        return self.server.stderr_text()

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckOutcome:
        request = proto.CheckRequest(
            urn=self.urn, olds=struct(camel_props(olds)), news=struct(camel_props(news))
        )
        response = self.server.call("Check", request)
        failures = [(snake(failure.property), failure.reason) for failure in response.failures]
        return CheckOutcome(snake_props(plain(response.inputs)), failures)

    def diff(self, id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffOutcome:
        response = self.diff_response(id, olds, news)
        return DiffOutcome(
            _CHANGES[response.changes],  # type: ignore[arg-type]
            [snake(name) for name in response.replaces],
            response.deleteBeforeReplace,
        )

    def diff_response(self, id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        request = proto.DiffRequest(
            urn=self.urn, id=id, olds=struct(camel_props(olds)), news=struct(camel_props(news))
        )
        return self.server.call("Diff", request)

    def create(self, properties: Mapping[str, Any]) -> CreateOutcome:
        request = proto.CreateRequest(urn=self.urn, properties=struct(camel_props(properties)))
        response = self.server.call("Create", request)
        return CreateOutcome(response.id, snake_props(plain(response.properties)))

    def read(
        self, id: str, properties: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
    ) -> ReadOutcome:
        response = self.read_response(id, properties, inputs or {})
        return ReadOutcome(
            response.id,
            snake_props(plain(response.properties)),
            snake_props(plain(response.inputs)) if response.HasField("inputs") else None,
        )

    def read_response(
        self, id: str, properties: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
    ) -> Any:
        request = proto.ReadRequest(
            urn=self.urn,
            id=id,
            properties=struct(camel_props(properties)),
            inputs=struct(camel_props(inputs or {})),
        )
        return self.server.call("Read", request)

    def update(self, id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        request = proto.UpdateRequest(
            urn=self.urn, id=id, olds=struct(camel_props(olds)), news=struct(camel_props(news))
        )
        return snake_props(plain(self.server.call("Update", request).properties))

    def delete(self, id: str, properties: Mapping[str, Any]) -> None:
        request = proto.DeleteRequest(
            urn=self.urn, id=id, properties=struct(camel_props(properties))
        )
        self.server.call("Delete", request)


def plugin_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment without any MAILBUX_/EASYMAILARCHIVE_ setting of the shell."""
    source = os.environ if base is None else base
    return {k: v for k, v in source.items() if not k.startswith(("MAILBUX_", "EASYMAILARCHIVE_"))}


def face_config(
    face: str, emu: EmulatorHandle, namespace: str, settings: Mapping[str, object]
) -> dict[str, Any]:
    """The config a face's provider gets: both APIs at the emulator, and `settings` of the
    `namespace` API by config key (`apiKey`, `maxAttempts`) instead of the defaults. The
    dynamic provider reads stack config, strings keyed `mailbux:apiKey`; the plugin its own
    typed config, keyed `mailbuxApiKey` (`resellertenant:mailbuxApiKey` in a stack)."""
    if face == "dynamic":
        overrides = {f"{namespace}__{key}": str(value) for key, value in settings.items()}
        return stack_config(emu, **overrides)
    return {
        "mailbuxApiKey": MAILBUX_KEY,
        "mailbuxBaseUrl": emu.url,
        "easymailarchiveApiKey": EMA_KEY,
        "easymailarchiveBaseUrl": emu.url,
        **{camel(f"{namespace}_{key}"): value for key, value in settings.items()},
    }
