"""The typed base of both tenant providers.

A dynamic provider object is pickled into the state of every resource that uses it, and
``refresh`` and ``destroy`` run that pickled copy, possibly months later with a rotated key.
So the object is inert: it pickles to its class alone. Credentials come from ``configure()``
(stack config) or the environment, read at each operation; clients live in a process-wide
cache (``shared_clients``).

Subclasses supply the schema of their inputs, which inputs replace the tenant, and the
lifecycle steps on typed values; this base does the translation to and from Pulumi's
property dicts, the diff, and turning every expected failure into one readable line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

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

from .deadline import Deadline
from .engine_errors import show_expected_errors_as_one_line
from .errors import ResellerTenantError
from .inputs import InputSchema, is_unknown
from .operation_errors import TenantOperationError, failure_message
from .settings import ApiSettings, ApiSpec, ConfigLookup, load_settings
from .shared_clients import shared_client
from .typed_client import TypedClient

__all__ = ["Props", "TenantProvider"]

Props = dict[str, Any]
C = TypeVar("C", bound=TypedClient)
T = TypeVar("T")

log = logging.getLogger("pulumi_resellertenant.provider")


class TenantProvider(ResourceProvider, Generic[C]):
    """Lifecycle plumbing shared by the Mailbux and Easy Mail Archive providers."""

    client_class: ClassVar[type[TypedClient]]
    schema: ClassVar[InputSchema]
    replacing_inputs: ClassVar[frozenset[str]] = frozenset()
    """Inputs whose change replaces the tenant rather than updating it."""

    # Nothing secret is ever in the pickle (see __getstate__), so it needs no encryption.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._config: ConfigLookup | None = None

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
    def spec(self) -> ApiSpec:
        return self.client_class.spec

    def settings(self) -> ApiSettings:
        """The settings in force now: stack config, then the environment, then defaults."""
        return load_settings(self.spec, self._config, os.environ)

    def client(self, settings: ApiSettings | None = None) -> C:
        """The process-wide client for these settings, by default those in force now."""
        client = shared_client(self.client_class, settings or self.settings())
        return client  # type: ignore[return-value]

    # --- the engine's entry points -------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckResult:
        outcome = self.schema.check(news)
        failures = [CheckFailure(field, reason) for field, reason in outcome.failures]
        if not failures:
            failures = [
                CheckFailure(field, reason)
                for field, reason in self._explained(
                    "check", self.describe(news), lambda: self.check_live(olds, outcome.inputs)
                )
            ]
        return CheckResult(outcome.inputs, failures)

    def diff(self, id_: str, olds: Props, news: Props) -> DiffResult:
        changed = [name for name in self.schema.names() if self._differs(name, olds, news)]
        replaces = [name for name in changed if self.replaces(name, id_, olds, news)]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: Props) -> CreateResult:
        tenant_id, outputs = self._operation(
            "create",
            self.describe(props),
            lambda client, deadline: self.create_tenant(self.schema.parse(props), client, deadline),
        )
        return CreateResult(tenant_id, outputs)

    def read(self, id_: str, props: Props) -> ReadResult:
        tenant = self.describe(props, id_)
        found = self._operation(
            "read", tenant, lambda client, deadline: self.read_tenant(id_, props, client, deadline)
        )
        if found is None:
            log.warning("%s tenant %s is gone; Pulumi will forget it", self.spec.display_name, id_)
            return ReadResult("", {})
        # The outputs carry every input as last applied or read: the refreshed inputs are
        # those, so the next preview compares the program against reality.
        inputs = {name: found[name] for name in self.schema.names() if found.get(name) is not None}
        return ReadResult(id_, found, inputs)

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        changed = {name for name in self.schema.names() if self._differs(name, olds, news)}
        outputs = self._operation(
            "update",
            self.describe(olds, id_),
            lambda client, deadline: self.update_tenant(
                id_, olds, self.schema.parse(news), changed, client, deadline
            ),
        )
        return UpdateResult(outputs)

    def delete(self, id_: str, props: Props) -> None:
        tenant = self.describe(props, id_)
        self._operation(
            "delete",
            tenant,
            lambda client, deadline: self.delete_tenant(id_, props, client, deadline),
        )

    # --- what subclasses provide ---------------------------------------------------------

    def describe(self, props: Mapping[str, Any], id_: str | None = None) -> str:
        """How messages name the tenant."""
        return f"tenant {id_}" if id_ else "tenant"

    def check_live(self, olds: Props, inputs: Props) -> list[tuple[str, str]]:
        """Checks that need the API (after the offline ones passed); (field, reason) pairs."""
        return []

    def replaces(self, name: str, id_: str, olds: Props, news: Props) -> bool:
        return name in self.replacing_inputs

    # Each step gets the client for the settings in force and the operation's one deadline,
    # which every request and wait of the operation shares.

    def create_tenant(self, inputs: Props, client: C, deadline: Deadline) -> tuple[str, Props]:
        """(id, outputs) of the new or adopted tenant."""
        raise NotImplementedError

    def read_tenant(self, id_: str, props: Props, client: C, deadline: Deadline) -> Props | None:
        """The outputs of the live tenant, or None when it is gone."""
        raise NotImplementedError

    def update_tenant(
        self, id_: str, olds: Props, inputs: Props, changed: set[str], client: C, deadline: Deadline
    ) -> Props:
        """The outputs after applying ``changed``. ``olds`` is the state Pulumi recorded, not
        necessarily the live tenant: changed inputs are applied even where it shows them."""
        raise NotImplementedError

    def delete_tenant(self, id_: str, props: Props, client: C, deadline: Deadline) -> None:
        raise NotImplementedError

    def hint(self, operation: str, error: ResellerTenantError) -> str | None:
        """An API-specific hint for this failure; None for the default one."""
        return None

    # --- plumbing ------------------------------------------------------------------------

    def _operation(self, operation: str, tenant: str, step: Callable[[C, Deadline], T]) -> T:
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
            message = failure_message(
                self.spec, operation, tenant, error, self.hint(operation, error)
            )
            raise TenantOperationError(message, error) from error

    def _differs(self, name: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        new = news.get(name)
        if is_unknown(new):
            return True  # may change once known: show it
        default = self.schema.fields[name].default
        old = olds.get(name)
        old = default if old is None else old
        new = default if new is None else new
        return bool(old != new)
