"""The base of the tenant resources: what each hands the engine derives from its State, and
what ``help()`` shows of it (inputs and outputs) is read from the models' field docstrings,
the same text the plugin's schema carries."""

from __future__ import annotations

import inspect
import textwrap
import types
from typing import Any, ClassVar, Literal, Union, get_args, get_origin

import pulumi
import pulumi.dynamic

from pulumi_resellertenant.core.lifecycle import TenantState

from ._pickler_leak import unleaked

__all__ = [
    "TenantResource",
    "init_doc",
    "resource_doc",
    "tenant_properties",
    "type_text",
    "with_secret_outputs",
]


class TenantResource(pulumi.dynamic.Resource):
    """A subclass sets ``state_model`` and passes its inputs by keyword; its properties and
    secret outputs follow from the model."""

    state_model: ClassVar[type[TenantState]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "state_model" in vars(cls):  # an API's resource: document it from its models
            cls.__doc__ = resource_doc(cls.__doc__ or "", cls.state_model)
            cls.__init__.__doc__ = init_doc(cls.state_model)

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


def resource_doc(summary: str, state_model: type[TenantState]) -> str:
    """The resource's own summary, then each input and each output with its model's docs."""
    args_model = state_model.args_model
    secret = set(state_model.secret_names())
    inputs = [_entry(name, info, secret) for name, info in args_model.model_fields.items()]
    outputs = [
        _entry(name, info, secret)
        for name, info in state_model.model_fields.items()
        if name not in args_model.model_fields
    ]
    return "\n\n".join(
        [
            inspect.cleandoc(summary),
            "Inputs:\n\n" + "\n".join(inputs),
            "Outputs (each input too, as last applied or read):\n\n" + "\n".join(outputs),
        ]
    )


def init_doc(state_model: type[TenantState]) -> str:
    """The constructor's parameters, each with its input's docs."""
    lines = [":param resource_name: The Pulumi name of the resource."]
    for name, info in state_model.args_model.model_fields.items():
        lines.append(_wrapped(f":param {name}: {_description(info)}", "    "))
    secret = ", ".join(f"``{name}``" for name in state_model.secret_names())
    lines.append(
        ":param opts: Pulumi resource options"
        + (f"; {secret} always made secret." if secret else ".")
    )
    return "\n".join(lines)


def _entry(name: str, info: Any, secret: set[str]) -> str:
    kind = type_text(info.annotation) + (", secret" if name in secret else "")
    return _wrapped(f"{name} ({kind}): {_description(info)}", "    ")


def _description(info: Any) -> str:
    return " ".join((info.description or "").split())


def _wrapped(text: str, indent: str) -> str:
    return textwrap.fill(text, width=92, subsequent_indent=indent)


def type_text(annotation: Any) -> str:
    """``str | None``, ``"terminate" | "suspend"``: a field's type as a reader writes it."""
    origin = get_origin(annotation)
    if origin is Literal:
        return " | ".join(f'"{choice}"' for choice in get_args(annotation))
    if origin in (Union, types.UnionType):
        return " | ".join(type_text(arg) for arg in get_args(annotation))
    if annotation is type(None):
        return "None"
    return getattr(annotation, "__name__", str(annotation))
