"""The resources as the engine receives them, under the SDK's mocks: type tokens, secret
outputs, inputs, and a pickled provider that carries nothing but its class."""

from __future__ import annotations

import base64
import sys
import typing

import dill
import pulumi
import pytest

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.easymailarchive.provider import EasyMailArchiveTenantProvider
from pulumi_resellertenant.mailbux.provider import MailbuxTenantProvider
from support.pulumi_mocks import construct, register, register_by_name, resource_outputs

KEY_IN_ENVIRONMENT = "env-key-that-must-never-be-pickled-0123456789"


def test_type_tokens_are_the_documented_ones() -> None:
    registered = register(
        lambda: (
            mailbux.Tenant("mail", quota_gb=5),
            easymailarchive.Tenant("archive", slug="acme-corp", name="Acme Corporation"),
        )
    )
    tokens = {r.name: r.type_token for r in registered}
    assert tokens == {
        "mail": "pulumi-python:dynamic/mailbux:Tenant",
        "archive": "pulumi-python:dynamic/easymailarchive:Tenant",
    }


def test_the_password_is_a_declared_secret_output_merged_with_the_users_options() -> None:
    registered = register_by_name(
        lambda: (
            mailbux.Tenant("plain", quota_gb=5),
            mailbux.Tenant(
                "with-opts",
                quota_gb=5,
                opts=pulumi.ResourceOptions(
                    additional_secret_outputs=["tenant_username"], protect=True
                ),
            ),
        )
    )
    plain, with_opts = registered["plain"], registered["with-opts"]
    assert plain.additional_secret_outputs == ("tenant_password",)
    assert set(with_opts.additional_secret_outputs) == {"tenant_username", "tenant_password"}
    assert with_opts.request.protect is True


def test_inputs_travel_as_given_and_unset_ones_stay_unset() -> None:
    registered = register_by_name(
        lambda: (
            mailbux.Tenant("mail", quota_gb=5, suspended=True, deletion_policy="suspend"),
            easymailarchive.Tenant("archive", slug="acme-corp", name="Acme"),
        )
    )
    mail, archive = registered["mail"], registered["archive"]
    assert mail.inputs == {"quota_gb": 5, "suspended": True, "deletion_policy": "suspend"}
    assert archive.inputs == {"slug": "acme-corp", "name": "Acme"}


def test_outputs_are_typed_attributes() -> None:
    tenant, _ = construct(lambda: mailbux.Tenant("mail", quota_gb=5))
    # The mocks echo inputs as state: the attributes exist and resolve from the outputs.
    assert resource_outputs(tenant, "quota_gb", "tenant_password") == {
        "quota_gb": 5,
        "tenant_password": None,
    }
    for name in ("tenant_id", "tenant_username", "status", "email_count", "password_known"):
        assert isinstance(getattr(tenant, name), pulumi.Output)


def test_inputs_may_be_outputs_of_other_resources() -> None:
    def program() -> object:
        archive = easymailarchive.Tenant("archive", slug="acme-corp", name="Acme")
        return mailbux.Tenant("mail", quota_gb=archive.slug.apply(lambda _: 7))

    assert register_by_name(program)["mail"].inputs["quota_gb"] == 7


@pytest.mark.parametrize(
    ("factory", "provider_class"),
    [
        (lambda: mailbux.Tenant("mail", quota_gb=5), MailbuxTenantProvider),
        (
            lambda: easymailarchive.Tenant("archive", slug="acme-corp", name="Acme"),
            EasyMailArchiveTenantProvider,
        ),
    ],
    ids=["mailbux", "easymailarchive"],
)
def test_the_pickled_provider_is_inert(
    monkeypatch: pytest.MonkeyPatch, factory: object, provider_class: type
) -> None:
    # Keys in the environment at construction time must not reach the pickle.
    monkeypatch.setenv("MAILBUX_API_KEY", KEY_IN_ENVIRONMENT)
    monkeypatch.setenv("EASYMAILARCHIVE_API_KEY", KEY_IN_ENVIRONMENT)
    [registered] = register(factory)  # type: ignore[arg-type]
    raw = base64.b64decode(registered.provider)
    assert KEY_IN_ENVIRONMENT.encode() not in raw
    assert b"local-key" not in raw
    # Nothing secret inside, so the engine need not encrypt it.
    assert registered.provider_secret is False
    provider = dill.loads(raw)  # noqa: S301 (bytes this test just made)
    assert type(provider) is provider_class
    assert vars(provider) == {"_config": None}
    # The class by reference and an empty state: nothing else fits in so few bytes.
    assert len(raw) < 200


def test_the_signatures_take_what_the_docs_say() -> None:
    # What a type checker reads: the deletion policy's two values, an id as a string or a
    # number (the README's "tenant id (string or number)").
    policy = typing.Literal["terminate", "suspend"]
    assert policy in _flattened(_hint(mailbux.Tenant.__init__, "deletion_policy"))
    assert {str, int} <= set(_flattened(_hint(mailbux.Tenant.__init__, "adopt_tenant_id")))
    assert _hint(mailbux.Tenant, "deletion_policy") == pulumi.Output[policy]


def _hint(owner: object, name: str) -> object:
    """An annotation as its module reads it (``pulumi.Input`` keeps a forward reference a
    full ``get_type_hints`` cannot resolve)."""
    text = owner.__annotations__[name]  # type: ignore[attr-defined]
    module = sys.modules[owner.__module__]  # type: ignore[attr-defined]
    return eval(text, vars(module))  # noqa: S307 (our own source's annotation)


def _flattened(hint: object) -> list[object]:
    """Every type inside a hint's unions and Pulumi Input/Awaitable wrappers."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) is typing.Literal or not args:
        return [hint]
    return [inner for arg in args for inner in _flattened(arg)]


@pytest.mark.parametrize("resource", [mailbux.Tenant, easymailarchive.Tenant])
def test_the_output_attributes_are_the_state_models_fields_typed_alike(
    resource: type[pulumi.dynamic.Resource],
) -> None:
    state = resource.state_model  # type: ignore[attr-defined]
    own = {name for name in resource.__annotations__ if name != "state_model"}
    assert own == set(state.model_fields)
    for name, info in state.model_fields.items():
        assert _hint(resource, name) == pulumi.Output[info.annotation], name


@pytest.mark.parametrize("resource", [mailbux.Tenant, easymailarchive.Tenant])
def test_help_shows_every_input_and_output_with_its_models_docs(
    resource: type[pulumi.dynamic.Resource],
) -> None:
    state = resource.state_model  # type: ignore[attr-defined]
    page = " ".join((resource.__doc__ or "").split())
    init = " ".join((resource.__init__.__doc__ or "").split())
    for name, info in state.model_fields.items():
        description = " ".join((info.description or "").split())
        assert f"{name} (" in page, name
        assert description in page, name
        if name in state.args_model.model_fields:
            assert f":param {name}: {description}" in init, name
