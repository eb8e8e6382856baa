"""The provider plugin's face of the tenant lifecycles: gRPC requests in, typed values out.

Like the dynamic provider, this is an adapter over ``TenantFace``: it only maps the
protocol's camelCase property values to the field names the lifecycle knows, marks secrets
(the provider marks ``tenantPassword`` itself, no resource option needed), and adds what a
real provider can do: a detailed diff, ``pulumi import`` through Read, the engine's
timeouts and Cancel, and functions. Blocking API calls run in worker threads, so the
engine's parallel operations proceed in parallel; clients are shared per account.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from pulumi_resellertenant.core.faces import TenantFace
from pulumi_resellertenant.core.lifecycle import TenantOperationError, failure_message
from pulumi_resellertenant.core.transport import (
    ApiClient,
    ApiSpec,
    ClientCache,
    ResellerTenantError,
    load_settings,
    shared_clients,
)

from .config import ProviderConfig
from .engine_log import current_urn
from .functions import FUNCTIONS
from .names import PLUGIN, camel
from .schema import schema_json
from .tenants import TenantKind, by_token
from .values import plain, plain_props, property_props, secret_keys

__all__ = ["ResellerTenantProvider"]

T = TypeVar("T")
log = logging.getLogger("pulumi_resellertenant.plugin")


class ResellerTenantProvider(Provider):
    """Both APIs' tenants and functions, as package ``resellertenant``."""

    def __init__(self, clients: ClientCache | None = None) -> None:
        self._clients = clients if clients is not None else shared_clients
        self._config = ProviderConfig({})
        self._cancelled = threading.Event()

    # --- the package ---------------------------------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema_json())

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        args = {key: plain(value) for key, value in request.args.items()}
        self._config = ProviderConfig.from_request(args, request.variables)
        # No preview support: the engine then never sends Create or Update during a preview.
        return ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def cancel(self) -> None:
        self._cancelled.set()  # every operation's deadline ends now

    # --- resources -----------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        kind = by_token(request.type)
        names = kind.lifecycle.args_model.model_fields
        olds = plain_props(request.old_inputs, names)
        news = plain_props(request.new_inputs, names)
        checked = await self._run(request.urn, kind, lambda face: face.check(olds, news))
        secret = secret_keys(request.new_inputs, names)
        return CheckResponse(
            inputs=property_props(checked.inputs, secret),
            failures=[CheckFailure(camel(field), reason) for field, reason in checked.failures],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        kind = by_token(request.type)
        olds = plain_props(request.old_state, kind.lifecycle.state_model.model_fields)
        news = plain_props(request.new_inputs, kind.lifecycle.args_model.model_fields)
        diff = await self._run(
            request.urn, kind, lambda face: face.diff(request.resource_id, olds, news)
        )
        detailed = {
            camel(name): PropertyDiff(
                PropertyDiffKind.UPDATE_REPLACE
                if name in diff.replaces
                else PropertyDiffKind.UPDATE,
                input_diff=True,
            )
            for name in diff.changed
        }
        return DiffResponse(
            changes=diff.changes,
            replaces=[camel(name) for name in diff.replaces],
            diffs=list(detailed),
            detailed_diff=detailed,
            delete_before_replace=False,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        kind = by_token(request.type)
        props = plain_props(request.properties, kind.lifecycle.args_model.model_fields)
        state = await self._run(request.urn, kind, lambda face: face.create(props, request.timeout))
        return CreateResponse(state.resource_id, self._outputs(kind, state, request.properties))

    async def read(self, request: ReadRequest) -> ReadResponse:
        kind = by_token(request.type)
        props = plain_props(request.properties, kind.lifecycle.state_model.model_fields)
        importing = not request.properties and not request.inputs
        found = await self._run(
            request.urn, kind, lambda face: face.read(request.resource_id, props)
        )
        if found is None:
            return ReadResponse(resource_id="")
        if importing and getattr(found, "password_known", True) is False:
            log.warning(
                "%s tenant %s imported: its password was shown only when it was created, "
                "so tenantPassword is unset and passwordKnown is false",
                kind.lifecycle.spec.display_name,
                found.resource_id,
            )
        return ReadResponse(
            found.resource_id,
            self._outputs(kind, found, request.properties),
            property_props(TenantFace.inputs_of(found), secret_keys(request.inputs, props)),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        kind = by_token(request.type)
        olds = plain_props(request.olds, kind.lifecycle.state_model.model_fields)
        news = plain_props(request.news, kind.lifecycle.args_model.model_fields)
        state = await self._run(
            request.urn,
            kind,
            lambda face: face.update(request.resource_id, olds, news, request.timeout),
        )
        return UpdateResponse(self._outputs(kind, state, request.news))

    async def delete(self, request: DeleteRequest) -> None:
        kind = by_token(request.type)
        props = plain_props(request.properties, kind.lifecycle.state_model.model_fields)
        await self._run(
            request.urn, kind, lambda face: face.delete(request.resource_id, props, request.timeout)
        )

    # --- functions -----------------------------------------------------------------------

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        function = FUNCTIONS.get(request.tok)
        if function is None:
            raise ValueError(
                f"unknown function {request.tok!r}: this provider has {sorted(FUNCTIONS)}"
            )
        args = plain_props(request.args, function.declared.inputs)
        missing = [name for name in function.declared.inputs if not isinstance(args.get(name), str)]
        if missing:
            return InvokeResponse(
                failures=[CheckFailure(name, f"{name} is required, a string") for name in missing]
            )

        def call() -> Any:
            client = self._client(function.client_class)
            return function.outputs(function.declared.call(client, args))

        spec = function.client_class.spec
        answer = await asyncio.to_thread(self._explained, spec, function.declared.name, call)
        return InvokeResponse(return_value=property_props(answer))

    # --- plumbing ------------------------------------------------------------------------

    def _client(self, client_class: type[ApiClient]) -> ApiClient:
        settings = load_settings(client_class.spec, self._config.lookup, naming=PLUGIN)
        return self._clients.get(client_class, settings)

    def _face(self, kind: TenantKind) -> TenantFace:
        return TenantFace(
            kind.lifecycle, lambda: self._client(kind.lifecycle.client_class), self._cancelled
        )

    async def _run(self, urn: str, kind: TenantKind, step: Callable[[TenantFace], T]) -> T:
        """``step`` in a worker thread (its warnings attributed to ``urn``), its expected
        errors in the plugin's wording."""
        face = self._face(kind)
        current_urn.set(urn)  # to_thread runs the step in a copy of this context
        return await asyncio.to_thread(self._explained, kind.lifecycle.spec, "", lambda: step(face))

    def _outputs(self, kind: TenantKind, state: Any, given: Any) -> dict[str, PropertyValue]:
        """The state as properties: its secret outputs marked, and inputs given secret."""
        names = kind.lifecycle.state_model.model_fields
        secret = set(kind.lifecycle.state_model.secret_names()) | secret_keys(given, names)
        return property_props(state.outputs(), secret)

    @staticmethod
    def _explained(spec: ApiSpec, operation: str, run: Callable[[], T]) -> T:
        try:
            return run()
        except TenantOperationError:
            raise  # a tenant operation's one line, already in the plugin's names
        except ResellerTenantError as error:
            # A function's failure: the same one line, named after the function.
            message = failure_message(spec, "run", operation, error, naming=PLUGIN)
            raise TenantOperationError(message, error) from error
