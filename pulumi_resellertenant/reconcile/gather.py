"""Everything reconcile reads: each stack's export and config through the ``pulumi`` CLI,
then each account's tenants (once per account, however many stacks share it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pulumi_resellertenant.apis import APIS
from pulumi_resellertenant.core.faces import PulumiCli, PulumiCliError, StackConfig
from pulumi_resellertenant.core.pacing import Account
from pulumi_resellertenant.core.transport import (
    ApiError,
    ApiSettings,
    ApiSpec,
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
    ResellerTenantError,
    TransportError,
    env_var,
)

from .account import ADOPTIONS, LISTERS, AccountTenant, parse_time
from .compare import AccountView
from .export import StackState, parse_export
from .locks import UNKNOWN, LockStatus, file_backend_dir, read_file_lock

__all__ = ["Gathered", "gather", "stack_names"]

SPECS: tuple[ApiSpec, ...] = tuple(api.spec() for api in APIS)

Lister = Callable[[ApiSettings], list[AccountTenant]]


@dataclass
class Gathered:
    states: list[StackState]
    accounts: list[AccountView]
    locks: dict[str, LockStatus] = field(default_factory=dict)
    since: dict[str, datetime | None] = field(default_factory=dict)


def stack_names(cli: PulumiCli) -> list[str]:
    """Every stack of the project (``pulumi stack ls --json``)."""
    listed = _json(cli.run("stack", "ls", "--json"), "pulumi stack ls --json")
    if not isinstance(listed, list):
        raise PulumiCliError("`pulumi stack ls --json` printed no list")
    return [str(entry["name"]) for entry in listed if isinstance(entry, dict) and "name" in entry]


def gather(
    cli: PulumiCli,
    stacks: Sequence[str],
    environ: Mapping[str, str],
    listers: Mapping[str, Lister] = LISTERS,
) -> Gathered:
    states: list[StackState] = []
    members: dict[Account, tuple[ApiSettings, list[str]]] = {}
    for stack in stacks:
        export = _json(cli.run("stack", "export", "--stack", stack), f"stack export of {stack}")
        state = parse_export(stack, export)
        states.append(state)
        config = StackConfig.read(stack, cli=cli)
        for spec in SPECS:
            settings = _settings(spec, state, config, environ)
            if settings is not None:
                members.setdefault(settings.account, (settings, []))[1].append(stack)
    accounts = [
        AccountView(
            settings.spec.namespace,
            settings.base_url,
            tuple(names),
            tuple(_list(listers[settings.spec.namespace], settings, names)),
        )
        for settings, names in members.values()
    ]
    gathered = Gathered(states, accounts)
    pending = [state for state in states if state.pending]
    if pending:
        backend = _backend_url(cli)
        for state in pending:
            gathered.locks[state.stack] = _lock(backend, state)
            if any(_timed(op.api) and op.kind == "creating" for op in state.pending):
                gathered.since[state.stack] = _last_update_end(cli, state.stack)
    return gathered


def _timed(api: str | None) -> bool:
    """Whether an interrupted create of this API is matched by when it ran (no input names
    its tenant's id): then the stack's last update's end bounds the candidates."""
    rules = ADOPTIONS.get(api or "")
    return rules is not None and rules.id_input is None


def _settings(
    spec: ApiSpec,
    state: StackState,
    config: StackConfig,
    environ: Mapping[str, str],
) -> ApiSettings | None:
    """The stack's settings for one API; None when the stack neither uses nor configures it."""
    configured = config.get(f"{spec.namespace}:apiKey") or environ.get(env_var(spec, "apiKey"))
    try:
        return config.settings(spec, environ)
    except ConfigurationError:
        if state.uses(spec.namespace) or configured:
            raise
        return None


def _list(lister: Lister, settings: ApiSettings, stacks: Sequence[str]) -> list[AccountTenant]:
    try:
        return lister(settings)
    except ApiError as error:
        namespace = settings.spec.namespace
        hint = ""
        if isinstance(error, AuthenticationError | PermissionDeniedError):
            hint = f": check {namespace}:apiKey"
        elif isinstance(error, TransportError):
            hint = f": check {namespace}:baseUrl and the network"
        raise ResellerTenantError(
            f"cannot list the tenants of the {settings.spec.display_name} account "
            f"{settings.base_url} (stack {', '.join(stacks)}): {error}{hint}"
        ) from None


def _backend_url(cli: PulumiCli) -> str | None:
    try:
        who = _json(cli.run("whoami", "--json"), "pulumi whoami --json")
    except PulumiCliError:
        return None
    url = who.get("url") if isinstance(who, dict) else None
    return url if isinstance(url, str) else None


def _lock(backend_url: str | None, state: StackState) -> LockStatus:
    directory = None if backend_url is None else file_backend_dir(backend_url)
    if directory is None:
        return UNKNOWN
    return read_file_lock(directory, state.project, state.stack)


def _last_update_end(cli: PulumiCli, stack: str) -> datetime | None:
    """When the stack's last completed operation ended (a killed run records none)."""
    try:
        history = _json(
            cli.run("stack", "history", "--json", "--page-size", "1", "--stack", stack),
            f"stack history of {stack}",
        )
    except PulumiCliError:
        return None  # no lower bound: more candidates, never fewer
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        return None
    end = history[0].get("endTime")
    return parse_time(end) if isinstance(end, str) else None


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise PulumiCliError(f"the {what} is not JSON") from None
