"""What every Pulumi face of a tenant lifecycle does the same way, on plain property dicts.

Both faces (the dynamic provider and the provider plugin) hand this module the engine's
values keyed by the Args' and State's field names, with numbers as floats and unknown values
during a preview. Here they become the lifecycle's typed Args and State and back: checking
inputs, the changed and replacing inputs of a diff, and running an operation with the
client and one deadline, every expected failure as one line naming operation and tenant.
How the values travel (pickles, gRPC property values, camelCase) is each face's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi_resellertenant.core.lifecycle import (
    TenantLifecycle,
    TenantOperationError,
    TenantState,
    failure_message,
    is_unknown,
)
from pulumi_resellertenant.core.transport import ApiClient, Deadline, ResellerTenantError

__all__ = ["CheckedInputs", "InputChanges", "Props", "TenantFace"]

T = TypeVar("T")
Props = Mapping[str, Any]
"""Resource properties as the engine hands them over: read, never changed in place."""


@dataclass(frozen=True)
class CheckedInputs:
    inputs: dict[str, Any]
    """Typed, normalised inputs; unknown values kept unknown."""
    failures: list[tuple[str, str]]
    """(field, reason) for each refused input."""


@dataclass(frozen=True)
class InputChanges:
    changed: list[str]
    """Inputs whose new value differs from the recorded one (or is not known yet)."""
    replaces: list[str]
    """Those of ``changed`` whose change replaces the tenant."""
    changes: bool
    """Whether an update is due: an input changed, or the recorded id is provisional."""


class _CancellableDeadline(Deadline):
    """A deadline that also ends when the engine cancels the operation."""

    def __init__(self, inner: Deadline, cancelled: threading.Event) -> None:
        super().__init__(inner.seconds)
        self._inner = inner
        self._cancelled = cancelled

    def remaining(self) -> float:
        return 0.0 if self._cancelled.is_set() else self._inner.remaining()


class TenantFace:
    """One API's lifecycle seen through property dicts. Cheap: a face builds one per call.

    ``client`` gives the client of the account in force now (each face reads its own
    settings); ``cancelled``, once set, ends every operation's deadline (the engine's Cancel).
    """

    def __init__(
        self,
        lifecycle: TenantLifecycle[Any, Any, Any],
        client: Callable[[], ApiClient],
        cancelled: threading.Event | None = None,
    ) -> None:
        self.lifecycle = lifecycle
        self.client = client
        self.cancelled = cancelled

    # --- check and diff ------------------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckedInputs:
        schema = self.lifecycle.args_model.input_schema()
        naming = self.lifecycle.naming
        outcome = schema.check(news, naming)
        failures = outcome.failures
        if not failures:
            new, unknown = self._partial_args(outcome.inputs)
            old = self._partial_args(schema.check(olds, naming).inputs)[0] if olds else None
            failures = self.explained(
                "check",
                self.lifecycle.describe(news),
                lambda: self.lifecycle.check_live(old, new, unknown, self.client),
            )
        return CheckedInputs(outcome.inputs, list(failures))

    def diff(self, id_: str, olds: Props, news: Props) -> InputChanges:
        """``olds``: the recorded state; ``news``: the checked new inputs."""
        changed = self.changed(olds, news)
        replaces = [name for name in changed if self.lifecycle.replaces(name, id_, news.get(name))]
        changes = bool(changed) or self.lifecycle.unsettled(id_)
        return InputChanges(changed, replaces, changes)

    def changed(self, olds: Props, news: Props) -> list[str]:
        model = self.lifecycle.args_model
        return [name for name in model.input_names() if self._differs(name, olds, news)]

    # --- operations ----------------------------------------------------------------------

    def create(self, props: Props, timeout: float | None = None) -> TenantState:
        state: TenantState = self.run(
            "create",
            self.lifecycle.describe(props),
            lambda client, deadline: self.lifecycle.create(self.args(props), client, deadline),
            timeout,
        )
        return state

    def read(self, id_: str, props: Props) -> TenantState | None:
        """The live tenant (None: gone). ``props`` may be as little as nothing: an import."""
        old = self.lifecycle.state_model.from_outputs(props, id_, partial=True)
        found: TenantState | None = self.run(
            "read",
            self.lifecycle.describe(props, id_),
            lambda client, deadline: self.lifecycle.read(id_, old, client, deadline),
        )
        return found

    def update(
        self, id_: str, olds: Props, news: Props, timeout: float | None = None
    ) -> TenantState:
        old = self.lifecycle.state_model.from_outputs(olds, id_)
        changed = self.changed(olds, news)
        state: TenantState = self.run(
            "update",
            self.lifecycle.describe(olds, id_),
            lambda client, deadline: self.lifecycle.update(
                old, self.args(news), changed, client, deadline
            ),
            timeout,
        )
        return state

    def delete(self, id_: str, props: Props, timeout: float | None = None) -> None:
        # Whatever can be read: a delete needs little more than the id, and must not fail
        # on a record it does not need.
        state = self.lifecycle.state_model.from_outputs(props, id_, partial=True)
        self.run(
            "delete",
            self.lifecycle.describe(props, id_),
            lambda client, deadline: self.lifecycle.delete(id_, state, client, deadline),
            timeout,
        )

    @staticmethod
    def inputs_of(state: TenantState) -> dict[str, Any]:
        """The refreshed inputs: the state's, so the next preview compares against reality."""
        return {name: value for name, value in dict(state.args()).items() if value is not None}

    # --- translation ---------------------------------------------------------------------

    def args(self, props: Props) -> Any:
        """Typed Args of checked inputs; raises InvalidInputError naming any bad field."""
        model = self.lifecycle.args_model
        return model.model_validate(model.input_schema().parse(props, self.lifecycle.naming))

    def _partial_args(self, checked: Props) -> tuple[Any, frozenset[str]]:
        """Args of checked inputs that may hold unknown values (None in their place)."""
        unknown = frozenset(name for name, value in checked.items() if is_unknown(value))
        known = {name: value for name, value in checked.items() if name not in unknown}
        return self.lifecycle.args_model.model_construct(**known), unknown

    def _differs(self, name: str, olds: Props, news: Props) -> bool:
        new = news.get(name)
        if is_unknown(new):
            return True  # may change once known: show it
        default = self.lifecycle.args_model.model_fields[name].default
        old = olds.get(name)
        old = default if old is None else old
        new = default if new is None else new
        return bool(old != new)

    # --- running an operation ------------------------------------------------------------

    def run(
        self,
        operation: str,
        tenant: str,
        step: Callable[[Any, Deadline], T],
        timeout: float | None = None,
    ) -> T:
        """Run a lifecycle step with the client and one deadline for the whole operation:
        the configured operation timeout, or the engine's own ``timeout`` when shorter."""

        def run() -> T:
            client = self.client()
            limit = client.http.settings.operation_timeout
            deadline = client.http.deadline(min(limit, timeout) if timeout else None)
            if self.cancelled is not None:
                deadline = _CancellableDeadline(deadline, self.cancelled)
            return step(client, deadline)

        return self.explained(operation, tenant, run)

    def explained(self, operation: str, tenant: str, run: Callable[[], T]) -> T:
        """Run ``run``; an expected failure becomes one line naming operation and tenant."""
        try:
            return run()
        except TenantOperationError:
            raise
        except ResellerTenantError as error:
            hint = self.lifecycle.hint(operation, error)
            message = failure_message(
                self.lifecycle.spec, operation, tenant, error, hint, naming=self.lifecycle.naming
            )
            raise TenantOperationError(message, error) from error
