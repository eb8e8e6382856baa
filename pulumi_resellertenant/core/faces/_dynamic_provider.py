"""The dynamic-provider face of a tenant lifecycle: Pulumi's property dicts in and out.

A dynamic provider object is pickled into the state of every resource that uses it, and
``refresh`` and ``destroy`` run that pickled copy, possibly months later with a rotated key.
So the object is inert: it pickles to its class alone. Credentials come from ``configure()``
(stack config) or the environment, read at each operation; clients live in a process-wide
cache (``clients``), one per account.

The translation both faces share (checking, the diff, running an operation, one-line errors)
is ``TenantFace``'s; this adapter only wraps its answers in ``pulumi.dynamic``'s result types.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from pulumi_resellertenant.core.lifecycle import TenantLifecycle, TenantState
from pulumi_resellertenant.core.transport import (
    ApiClient,
    ApiSettings,
    ClientCache,
    ConfigLookup,
    load_settings,
    shared_clients,
)

from ._engine_errors import show_expected_errors_as_one_line
from ._provider_face import Props, TenantFace
from ._worker_pool import widen_server_workers

__all__ = ["TenantProvider"]


class TenantProvider(ResourceProvider):
    """Serves one API's ``TenantLifecycle`` to the dynamic provider server."""

    lifecycle: ClassVar[TenantLifecycle[Any, Any, Any]]

    # Nothing secret is ever in the pickle (see __getstate__), so it needs no encryption.
    serialize_as_secret_always = False
    _clients: ClientCache = shared_clients

    def __init__(self, clients: ClientCache | None = None) -> None:
        """``clients``: a cache of one's own, for tests (its transport replaces the network)."""
        super().__init__()
        self._config: ConfigLookup | None = None
        if clients is not None:
            self._clients = clients

    # --- pickling and configuration ------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # Inert when pickled: no config, credentials, clients or caches reach the state.
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._config = None

    def configure(self, req: ConfigureRequest) -> None:
        # Kept in this process only; the pickled copy never carries it (__getstate__).
        self._config = req.config.get
        show_expected_errors_as_one_line()

    @property
    def face(self) -> TenantFace:
        return TenantFace(self.lifecycle, self.client)

    def settings(self) -> ApiSettings:
        """The settings in force now: stack config, then the environment, then defaults."""
        return load_settings(self.lifecycle.spec, self._config, os.environ)

    def client(self, settings: ApiSettings | None = None) -> ApiClient:
        """The process-wide client of the account in force now."""
        return self._clients.get(self.lifecycle.client_class, settings or self.settings())

    # --- the engine's entry points -------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckResult:
        checked = self.face.check(olds, news)
        failures = [CheckFailure(field, reason) for field, reason in checked.failures]
        return CheckResult(checked.inputs, failures)

    def diff(self, id_: str, olds: Props, news: Props) -> DiffResult:
        diff = self.face.diff(id_, olds, news)
        return DiffResult(changes=diff.changes, replaces=diff.replaces, delete_before_replace=False)

    def create(self, props: Props) -> CreateResult:
        # Creates hold their threads (see _worker_pool); a refresh's reads do not, and run
        # faster on the server's four threads than on more.
        widen_server_workers()
        state = self.face.create(props)
        return CreateResult(state.resource_id, state.outputs())

    def read(self, id_: str, props: Props) -> ReadResult:
        found = self.face.read(id_, props)
        if found is None:
            return ReadResult("", {})
        # The id may have changed: a provisional one recorded by a create is resolved.
        return ReadResult(found.resource_id, found.outputs(), _refreshed_inputs(props, found))

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        return UpdateResult(self.face.update(id_, olds, news).outputs())

    def delete(self, id_: str, props: Props) -> None:
        self.face.delete(id_, props)


def _refreshed_inputs(recorded: Props, found: TenantState) -> dict[str, Any] | None:
    """The inputs a read hands the engine: the live tenant's, or None (the engine keeps its
    own) when they are what the recorded outputs already say. Diff compares the recorded
    outputs, not those inputs, so nothing a preview shows changes, and a refresh of thousands
    of unchanged tenants skips serializing each one's inputs a second time. (The plugin's
    SDK cannot answer "keep": it sends whatever inputs it is given.)"""
    for name in found.args_model.model_fields:
        # None and absent alike mean unset, on both sides; 5.0 recorded equals 5 read.
        if recorded.get(name) != getattr(found, name):
            return TenantFace.inputs_of(found)
    return None
