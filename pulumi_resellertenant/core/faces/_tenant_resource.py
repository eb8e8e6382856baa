"""The base of the tenant resources: what each hands the engine derives from its State."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi
import pulumi.dynamic

from pulumi_resellertenant.core.lifecycle import TenantState

from ._pickler_leak import unleaked

__all__ = ["TenantResource", "tenant_properties", "with_secret_outputs"]


class TenantResource(pulumi.dynamic.Resource):
    """A subclass sets ``state_model`` and passes its inputs by keyword; its properties and
    secret outputs follow from the model."""

    state_model: ClassVar[type[TenantState]]

    def __init__(
        self,
        provider: pulumi.dynamic.ResourceProvider,
        resource_name: str,
        opts: pulumi.ResourceOptions | None,
        **inputs: Any,
    ) -> None:
        # The SDK's provider pickling leaks a wrapper per resource: N² cost, and a crash
        # near 1,000 resources (see _pickler_leak).
        with unleaked():
            super().__init__(
                provider,
                resource_name,
                tenant_properties(self.state_model, **inputs),
                with_secret_outputs(opts, *self.state_model.secret_names()),
            )


def tenant_properties(state_model: type[TenantState], **inputs: Any) -> dict[str, Any]:
    """The resource's property bag: every input, and every output-only name set to None so
    the engine fills the resource's output attributes."""
    declared = set(state_model.args_model.model_fields)
    if set(inputs) != declared:
        # A resource's keyword arguments and its Args model must not drift apart.
        raise TypeError(
            f"inputs {sorted(inputs)} differ from {state_model.args_model.__name__}'s "
            f"fields {sorted(declared)}"
        )
    return {**inputs, **dict.fromkeys(state_model.output_only_names())}


def with_secret_outputs(opts: pulumi.ResourceOptions | None, *names: str) -> pulumi.ResourceOptions:
    """The user's options with ``names`` marked secret as well.

    A dynamic provider cannot return a secret itself: the resource declares which outputs
    the engine must encrypt. ``merge`` appends to the user's own list rather than replace it.
    """
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(names))
    )
