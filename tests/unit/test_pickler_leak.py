"""The Pulumi SDK's dynamic resources leak a pickling wrapper each (pulumi/pulumi#9656): the
tenants undo it, so a program of thousands of them costs each resource the same and never
reaches the RecursionError near 1,000. Under the SDK's mocks, no engine."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.core.faces._pickler_leak import original_batch_setitems
from support.pulumi_mocks import register

PICKLER: Any = pickle._Pickler


def wrappers() -> int:
    """How many wrappers stand between pickling a dict and pickle's own method."""
    depth, method = 0, PICKLER._batch_setitems
    while method.__module__ != "pickle":
        [method] = [c.cell_contents for c in method.__closure__ if callable(c.cell_contents)]
        depth += 1
    return depth


class NoOp(pulumi.dynamic.ResourceProvider):
    def create(self, props: Any) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult("id", {})


class Plain(pulumi.dynamic.Resource):
    """Anyone's dynamic resource: the SDK bug's minimal reproduction, no package code."""

    def __init__(self, name: str) -> None:
        super().__init__(NoOp(), name, {})


def test_the_sdk_leaks_one_wrapper_per_dynamic_resource() -> None:
    # If this fails, the SDK no longer leaks: the workaround and its docs can go.
    PICKLER._batch_setitems = original_batch_setitems(PICKLER._batch_setitems)
    register(lambda: [Plain(f"plain-{i}") for i in range(30)])
    assert wrappers() == 30


def test_a_tenant_restores_picklings_own_method_and_heals_the_chain() -> None:
    register(lambda: [Plain(f"plain-{i}") for i in range(30)])
    assert wrappers() >= 30
    register(lambda: mailbux.Tenant("mail", quota_gb=1))
    assert wrappers() == 0


def test_five_thousand_tenants_construct_with_no_wrapper_left_behind() -> None:
    def program() -> list[object]:
        tenants: list[object] = []
        for i in range(2_500):
            tenants.append(mailbux.Tenant(f"mail-{i}", quota_gb=1 + i % 5))
            tenants.append(
                easymailarchive.Tenant(f"archive-{i}", slug=f"customer-{i}", name=f"Customer {i}")
            )
        return tenants

    registered = register(program)
    tenants = [r for r in registered if r.type_token.endswith(":Tenant")]
    assert len(tenants) == 5_000
    assert wrappers() == 0
    # Each provider pickles the same whatever came before it: one wrapper, every time.
    assert len({r.provider for r in tenants if "mailbux" in r.type_token}) == 1
    assert len({r.provider for r in tenants if "easymailarchive" in r.type_token}) == 1
