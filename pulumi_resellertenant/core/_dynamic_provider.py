"""The dynamic-provider face of a tenant lifecycle: Pulumi's property dicts in and out.

A dynamic provider object is pickled into the state of every resource that uses it, and
``refresh`` and ``destroy`` run that pickled copy, possibly months later with a rotated key.
So the object is inert: it pickles to its class alone. Credentials come from ``configure()``
(stack config) or the environment, read at each operation; clients live in a process-wide
cache (``clients``), one per account.

Everything here is translation: dicts (with floats and unknown values) to the lifecycle's
typed Args and State and back, the diff, and every expected failure as one readable line.
The lifecycle itself (``lifecycle``) knows nothing of Pulumi.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

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

from ._api_client import ApiClient
from ._clients import ClientCache, shared_clients
from ._deadline import Deadline
from ._engine_errors import show_expected_errors_as_one_line
from ._errors import ResellerTenantError
from ._inputs import is_unknown
from ._lifecycle import TenantLifecycle
from ._operation_errors import TenantOperationError, failure_message
from ._settings import ApiSettings, ConfigLookup, load_settings

__all__ = ["Props", "TenantProvider"]

Props = dict[str, Any]
T = TypeVar("T")


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

    def settings(self) -> ApiSettings:
        """The settings in force now: stack config, then the environment, then defaults."""
        return load_settings(self.lifecycle.spec, self._config, os.environ)

    def client(self, settings: ApiSettings | None = None) -> ApiClient:
        """The process-wide client of the account in force now."""
        return self._clients.get(self.lifecycle.client_class, settings or self.settings())

    # --- the engine's entry points -------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckResult:
        schema = self.lifecycle.args_model.input_schema()
        outcome = schema.check(news)
        failures = [CheckFailure(field, reason) for field, reason in outcome.failures]
        if not failures:
            new, unknown = self._partial_args(outcome.inputs)
            old = self._partial_args(schema.check(olds).inputs)[0] if olds else None
            failures = [
                CheckFailure(field, reason)
                for field, reason in self._explained(
                    "check",
                    self.lifecycle.describe(news),
                    lambda: self.lifecycle.check_live(old, new, unknown, self.client),
                )
            ]
        return CheckResult(outcome.inputs, failures)

    def diff(self, id_: str, olds: Props, news: Props) -> DiffResult:
        changed = self._changed(olds, news)
        replaces = [name for name in changed if self.lifecycle.replaces(name, id_, news.get(name))]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: Props) -> CreateResult:
        state = self._operation(
            "create",
            self.lifecycle.describe(props),
            lambda client, deadline: self.lifecycle.create(self._args(props), client, deadline),
        )
        return CreateResult(state.resource_id, state.outputs())

    def read(self, id_: str, props: Props) -> ReadResult:
        old = self.lifecycle.state_model.from_outputs(props, id_, partial=True)
        found = self._operation(
            "read",
            self.lifecycle.describe(props, id_),
            lambda client, deadline: self.lifecycle.read(id_, old, client, deadline),
        )
        if found is None:
            return ReadResult("", {})
        # The refreshed inputs are the state's, so the next preview compares against reality.
        inputs = {name: value for name, value in dict(found.args()).items() if value is not None}
        return ReadResult(id_, found.outputs(), inputs)

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        old = self.lifecycle.state_model.from_outputs(olds, id_)
        changed = self._changed(olds, news)
        state = self._operation(
            "update",
            self.lifecycle.describe(olds, id_),
            lambda client, deadline: self.lifecycle.update(
                old, self._args(news), changed, client, deadline
            ),
        )
        return UpdateResult(state.outputs())

    def delete(self, id_: str, props: Props) -> None:
        # Whatever can be read: a delete needs little more than the id, and must not fail
        # on a record it does not need.
        state = self.lifecycle.state_model.from_outputs(props, id_, partial=True)
        self._operation(
            "delete",
            self.lifecycle.describe(props, id_),
            lambda client, deadline: self.lifecycle.delete(id_, state, client, deadline),
        )

    # --- translation ---------------------------------------------------------------------

    def _args(self, props: Mapping[str, Any]) -> Any:
        """Typed Args of checked inputs; raises InvalidInputError naming any bad field."""
        model = self.lifecycle.args_model
        return model.model_validate(model.input_schema().parse(props))

    def _partial_args(self, checked: Mapping[str, Any]) -> tuple[Any, frozenset[str]]:
        """Args of checked inputs that may hold unknown values (None in their place)."""
        unknown = frozenset(name for name, value in checked.items() if is_unknown(value))
        known = {name: value for name, value in checked.items() if name not in unknown}
        return self.lifecycle.args_model.model_construct(**known), unknown

    def _changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        model = self.lifecycle.args_model
        return [name for name in model.input_names() if self._differs(name, olds, news)]

    def _differs(self, name: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new = news.get(name)
        if is_unknown(new):
            return True  # may change once known: show it
        default = self.lifecycle.args_model.model_fields[name].default
        old = olds.get(name)
        old = default if old is None else old
        new = default if new is None else new
        return bool(old != new)

    # --- running an operation ------------------------------------------------------------

    def _operation(self, operation: str, tenant: str, step: Callable[[Any, Deadline], T]) -> T:
        """Run a lifecycle step with the client and one deadline for the whole operation."""

        def run() -> T:
            client = self.client()
            return step(client, client.http.deadline())

        return self._explained(operation, tenant, run)

    def _explained(self, operation: str, tenant: str, run: Callable[[], T]) -> T:
        """Run ``run``; an expected failure becomes one line naming operation and tenant."""
        try:
            return run()
        except TenantOperationError:
            raise
        except ResellerTenantError as error:
            hint = self.lifecycle.hint(operation, error)
            message = failure_message(self.lifecycle.spec, operation, tenant, error, hint)
            raise TenantOperationError(message, error) from error
