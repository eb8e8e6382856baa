"""Warnings to the engine, attributed to the tenant they concern.

The lifecycle warns through Python's ``logging`` (an adopted tenant, a suspend instead of a
delete). A dynamic provider can only print those to stderr; a plugin knows the engine's
address, so here they go to the engine's ``Log`` service with the resource's URN and show
under that resource in the CLI. Without an engine (a test), they go to stderr.
"""

from __future__ import annotations

import contextvars
import logging
import sys

import grpc  # type: ignore[import-untyped]
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

__all__ = ["EngineLog", "current_urn"]

current_urn: contextvars.ContextVar[str] = contextvars.ContextVar("current_urn", default="")
"""The URN of the resource the running operation concerns ("" for a function)."""

_SEVERITY = {
    logging.DEBUG: engine_pb2.DEBUG,
    logging.INFO: engine_pb2.INFO,
    logging.WARNING: engine_pb2.WARNING,
    logging.ERROR: engine_pb2.ERROR,
}
_LOG_TIMEOUT = 5.0


class EngineLog(logging.Handler):
    def __init__(self, engine_address: str) -> None:
        super().__init__(logging.WARNING)
        self._channel = grpc.insecure_channel(engine_address)
        self._engine = engine_pb2_grpc.EngineStub(self._channel)

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        # An ERROR would fail the deployment: the lifecycle's messages are warnings at most.
        severity = _SEVERITY.get(min(record.levelno, logging.WARNING), engine_pb2.WARNING)
        request = engine_pb2.LogRequest(severity=severity, message=message, urn=current_urn.get())
        try:
            self._engine.Log(request, timeout=_LOG_TIMEOUT)
        except grpc.RpcError:
            sys.stderr.write(message + "\n")

    @classmethod
    def install(cls, engine_address: str) -> EngineLog:
        """Send the package's warnings to the engine (and only there)."""
        handler = cls(engine_address)
        logger = logging.getLogger("pulumi_resellertenant")
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
        return handler
