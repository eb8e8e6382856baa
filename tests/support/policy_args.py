"""Policy arguments built by hand as the engine builds them: props behind pulumi_policy's
unknown-checking proxy, numbers as floats, a URN per stack; and a violation recorder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

MAILBUX = "pulumi-python:dynamic/mailbux:Tenant"
EMA = "pulumi-python:dynamic/easymailarchive:Tenant"
UNKNOWN = UNKNOWN_STRING_VALUE  # what the engine sends for a value of another resource


def options(protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def urn(type_token: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::tenants::{type_token}::{name}"


def resource_args(
    type_token: str,
    props: Mapping[str, Any],
    name: str,
    *,
    stack: str = "dev",
    protect: bool = False,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    """What a resource policy gets for one resource."""
    return ResourceValidationArgs(
        type_token,
        unknown_checking_proxy(dict(props)),
        urn(type_token, name, stack),
        name,
        options(protect),
        None,
        config,
    )


def stack_resource(
    type_token: str, props: Mapping[str, Any], name: str, stack: str = "dev"
) -> PolicyResource:
    """One resource as a stack policy sees it."""
    return PolicyResource(
        type_token,
        unknown_checking_proxy(dict(props)),
        urn(type_token, name, stack),
        name,
        options(),
        None,
        None,
        [],
        {},
    )


class Violations(list[str]):
    """Records what a policy reports; each violation must be one line."""

    def __call__(self, message: str, urn: str | None = None) -> None:
        assert "\n" not in message
        assert urn is None  # every violation is reported against the resource or stack itself
        self.append(message)
