"""Each resource's keyword arguments and output attributes are those of its Args and State
models: the models are the one declaration, and the resource classes may not drift."""

from __future__ import annotations

import inspect

import pytest

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.core.faces._tenant_resource import TenantResource

RESOURCES = [mailbux.Tenant, easymailarchive.Tenant]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__module__)
def test_keyword_arguments_are_the_args_fields(resource: type[TenantResource]) -> None:
    parameters = set(inspect.signature(resource.__init__).parameters) - {
        "self",
        "resource_name",
        "opts",
    }
    assert parameters == set(resource.state_model.args_model.model_fields)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__module__)
def test_output_attributes_are_the_state_fields(resource: type[TenantResource]) -> None:
    outputs = {name for name in resource.__annotations__ if name != "state_model"}
    assert outputs == set(resource.state_model.model_fields)


def test_only_the_mailbux_password_is_secret() -> None:
    assert mailbux.Tenant.state_model.secret_names() == ("tenant_password",)
    assert easymailarchive.Tenant.state_model.secret_names() == ()
