"""A dynamic provider that answers from its inputs alone: no network, no work.

It lives in a module, not in `__main__`, so that each resource's state holds the class
reference, as for the package's tenants. A class defined in `__main__` is pickled by value,
and the SDK's serializer (pulumi 3.272) wraps `pickle._Pickler._batch_setitems` once more at
every resource without undoing it: past about 300 such resources the program dies with a
RecursionError; and even below that every resource costs more than the one before. So
``Noop`` puts pickle's own method back after each resource, as the package's tenants do: the
floor it measures is the engine's, not the leak's. The engine's language host must find
this module: the benchmarks put the program's directory on PYTHONPATH.
"""

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pulumi import ResourceOptions
from pulumi.dynamic import CreateResult, ReadResult, Resource, ResourceProvider


@contextmanager
def sdk_leak_undone() -> Iterator[None]:
    """Around a dynamic resource's construction: pickle's method as it was before.

    Written here rather than taken from the package: the floor must not import it."""
    pickler: Any = pickle._Pickler
    original = pickler._batch_setitems
    try:
        yield
    finally:
        pickler._batch_setitems = original  # the SDK's wrapper undone (pulumi#9656)


class NoopProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"noop-{props['key']}", props)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)


class Noop(Resource):
    def __init__(self, resource_name: str, **props: Any) -> None:
        with sdk_leak_undone():
            super().__init__(NoopProvider(), resource_name, {"key": resource_name, **props})


# The outputs a tenant adds to its inputs, with placeholder values, by API: a no-op of a
# tenant's shape, so that the engine's cost of larger records and a secret is on the floor too.
# Written out, not derived from the package's State models: the floor must not import it.
OUTPUTS: dict[str, dict[str, Any]] = {
    "mailbux": {
        "tenant_id": "1",
        "tenant_username": "admin",
        "tenant_name": "Bench",
        "tenant_password": "not-a-password-0000",
        "password_known": True,
        "suspended": False,
        "status": "active",
        "email_count": 0,
        "deletion_policy": "delete",
        "adopt_tenant_id": None,
    },
    "easymailarchive": {
        "suspended": False,
        "status": "active",
        "users_count": 0,
        "storage_bytes": 0,
        "created_at": "2026-01-01T00:00:00Z",
        "adopt_existing": False,
    },
}
SECRETS = ["tenant_password"]


class ShapedProvider(NoopProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"noop-{props['key']}", {**props, **OUTPUTS[props["api"]]})


class Shaped(Resource):
    """A no-op whose records look like a tenant of `api`: its outputs, the password secret."""

    def __init__(self, resource_name: str, api: str, **props: Any) -> None:
        with sdk_leak_undone():
            super().__init__(
                ShapedProvider(),
                resource_name,
                {"key": resource_name, "api": api, **props},
                ResourceOptions(additional_secret_outputs=SECRETS),
            )
