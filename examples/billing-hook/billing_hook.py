"""What a billing system's webhook runs: one command per billing event, one Pulumi stack per
customer, driven through the Automation API with an inline program and a local backend.

    billing_hook.py provision   CUSTOMER_ID [--plan PLAN] [--name NAME] [--credentials]
    billing_hook.py suspend     CUSTOMER_ID [--credentials]
    billing_hook.py reactivate  CUSTOMER_ID [--credentials]
    billing_hook.py change-plan CUSTOMER_ID --plan PLAN [--credentials]
    billing_hook.py terminate   CUSTOMER_ID

It prints one JSON object for the billing system, `"ok": true` or `"ok": false` with the
reason; the reason also goes to stderr as one line. Exit codes: 0 done, 1 failed, 2 bad
command, 75 busy (another run holds this customer's stack lock: retry later).

Settings, all from the environment: MAILBUX_API_KEY, MAILBUX_BASE_URL, EASYMAILARCHIVE_API_KEY,
EASYMAILARCHIVE_BASE_URL (the tenants' provider reads them); PULUMI_CONFIG_PASSPHRASE, which
encrypts the passwords in the state; BILLING_HOOK_STATE, the state's directory (default
`state` beside this file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pulumi
from pulumi import automation as auto

from pulumi_resellertenant import easymailarchive, mailbux

PROJECT = "billing-hook"
# The plans you sell and the Mailbux quota (GB) each includes.
PLANS = {"starter": 5, "business": 10, "enterprise": 20}
ACTIONS = ("provision", "suspend", "reactivate", "change-plan", "terminate")
# The customer id is the stack's name and the archive's slug: it must suit both.
CUSTOMER_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,46}[a-z0-9]")
EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 1, 2, 75


class HookError(Exception):
    def __init__(self, reason: str, code: int = EXIT_FAILED) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Declared:
    """The tenants as one run declares them, and which of the values are this event's own.

    A run changes only what its event is about (``owns``). For the other inputs the engine
    keeps what the stack's state holds (``ignore_changes``), read while it holds the stack
    lock: a change-plan that finished just before this suspend is never undone by values
    this run read earlier.
    """

    quota_gb: int
    name: str
    suspended: bool
    owns: frozenset[str]  # of "quota_gb", "name", "suspended"
    # Set for events on an existing customer: should its mail tenant have left the state
    # (terminated meanwhile), creating it takes over this id, which then fails, instead of
    # quietly making a new tenant.
    known_tenant_id: str | None = None


def tenants_program(customer: str, declared: Declared) -> auto.PulumiFn:
    def ignored(*inputs: str) -> list[str]:
        return [name for name in inputs if name not in declared.owns]

    def program() -> None:
        mail = mailbux.Tenant(
            "mail",
            quota_gb=declared.quota_gb,
            suspended=declared.suspended,
            adopt_tenant_id=declared.known_tenant_id,
            opts=pulumi.ResourceOptions(
                ignore_changes=[*ignored("quota_gb", "suspended"), "adopt_tenant_id"]
            ),
        )
        archive = easymailarchive.Tenant(
            "archive",
            slug=customer,
            name=declared.name,
            suspended=declared.suspended,
            # A customer terminated earlier left a suspended archive: provision takes it back.
            adopt_existing=True,
            # After the mail tenant: a run that cannot have that one leaves the archive alone.
            opts=pulumi.ResourceOptions(
                depends_on=[mail], ignore_changes=ignored("name", "suspended")
            ),
        )
        pulumi.export("mail_tenant_id", mail.tenant_id)
        pulumi.export("mail_username", mail.tenant_username)
        pulumi.export("mail_password", mail.tenant_password)  # a secret
        pulumi.export("quota_gb", mail.quota_gb)
        pulumi.export("suspended", mail.suspended)
        pulumi.export("mail_status", mail.status)
        pulumi.export("archive_slug", archive.slug)
        pulumi.export("archive_name", archive.name)
        pulumi.export("archive_status", archive.status)

    return program


def declare(args: argparse.Namespace, last: dict[str, Any]) -> Declared:
    """This event's values over what the customer's stack last recorded."""
    if args.action != "provision" and not last:
        raise HookError(f"customer {args.customer} is not provisioned: run provision first")
    sets: dict[str, Any] = {}
    if args.plan:
        sets["quota_gb"] = PLANS[args.plan]
    if args.name:
        sets["name"] = args.name
    if args.action in ("suspend", "reactivate"):
        sets["suspended"] = args.action == "suspend"
    # A new customer starts on the starter plan, named by its id, active.
    values = {"quota_gb": PLANS["starter"], "name": args.customer, "suspended": False}
    for field, output in (
        ("quota_gb", "quota_gb"),
        ("name", "archive_name"),
        ("suspended", "suspended"),
    ):
        if last.get(output) is not None:
            values[field] = last[output]
    return Declared(
        **(values | sets),
        owns=frozenset(sets),
        known_tenant_id=None if args.action == "provision" else str(last["mail_tenant_id"]),
    )


def customer_stack(customer: str, *, create: bool) -> auto.Stack | None:
    """The customer's stack (made if ``create``), or None when it has none."""
    state = Path(os.environ.get("BILLING_HOOK_STATE") or Path(__file__).parent / "state").resolve()
    backend = state / "backend"
    backend.mkdir(parents=True, exist_ok=True)
    # A working directory per customer: the CLI keeps small files for each directory (here
    # and in PULUMI_HOME), so one set per customer rather than one per run.
    work_dir = state / "work" / customer
    work_dir.mkdir(parents=True, exist_ok=True)
    workspace = auto.LocalWorkspace(
        work_dir=str(work_dir),
        project_settings=auto.ProjectSettings(
            name=PROJECT, runtime="python", backend=auto.ProjectBackend(url=backend.as_uri())
        ),
        secrets_provider="passphrase",
        env_vars={"PULUMI_BACKEND_URL": backend.as_uri(), "PULUMI_SKIP_UPDATE_CHECK": "true"},
    )
    try:
        return auto.Stack.select(customer, workspace)
    except auto.StackNotFoundError:
        if not create:
            return None
    try:
        return auto.Stack.create(customer, workspace)
    except auto.StackAlreadyExistsError:  # a concurrent run for the same customer made it
        return auto.Stack.select(customer, workspace)


def changed(summary: auto.UpdateSummary) -> bool:
    return any(op != "same" for op in summary.resource_changes or {})


def run(args: argparse.Namespace) -> dict[str, Any]:
    answer = {"ok": True, "action": args.action, "customer": args.customer}
    if args.action == "terminate":
        stack = customer_stack(args.customer, create=False)
        if stack is None:  # never provisioned, or terminated already: a redelivered event
            return answer | {"changed": False}
        destroyed = stack.destroy(remove=True)
        return answer | {
            "changed": changed(destroyed.summary),
            "mail": {"status": "terminated"},
            "archive": {"slug": args.customer, "status": "suspended"},  # that API has no delete
        }

    stack = customer_stack(args.customer, create=args.action == "provision")
    if stack is None:
        raise HookError(f"customer {args.customer} is not provisioned: run provision first")
    last = {name: output.value for name, output in stack.outputs().items()}
    program = tenants_program(args.customer, declare(args, last))
    up = stack.up(program=program, show_secrets=False)
    out = {name: output.value for name, output in up.outputs.items()}
    answer |= {
        "changed": changed(up.summary),
        "plan": {gb: plan for plan, gb in PLANS.items()}.get(out["quota_gb"]),
        "mail": {
            "tenant_id": out["mail_tenant_id"],
            "username": out["mail_username"],
            "quota_gb": out["quota_gb"],
            "status": out["mail_status"],
        },
        "archive": {"slug": out["archive_slug"], "status": out["archive_status"]},
    }
    if args.credentials:
        # Marked secret, as Pulumi keeps it: the billing system stores it encrypted and
        # never logs it.
        password = up.outputs["mail_password"]
        answer["credentials"] = {
            "secret": password.secret,
            "webmail_login": out["mail_username"],
            "password": password.value,
        }
    return answer


def one_line(error: auto.CommandError) -> str:
    """The engine's own reason, from the Diagnostics of its output, as one line: a
    resource's error first, since the Stack's are often the engine winding down (v3.277
    puts "Resource monitor has terminated" under the Stack, before the resource's reason)."""
    generic = (
        "update failed",
        "destroy failed",
        "preview failed",
        "an unhandled error occurred",
        "resource monitor has terminated",
    )
    stack_errors: list[str] = []
    resource_errors: list[str] = []
    under_stack = False
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    for line in lines:
        if line.endswith("):") and " (" in line:  # a Diagnostics heading: "<type> (<name>):"
            under_stack = line.startswith("pulumi:pulumi:Stack ")
        elif line.startswith("error: ") and not line[7:].lower().startswith(generic):
            (stack_errors if under_stack else resource_errors).append(line[7:])
    reasons = resource_errors + stack_errors
    if reasons:
        return reasons[0]
    return lines[-1] if lines else "the pulumi command failed"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise HookError(f"{message} (see --help)", EXIT_USAGE)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("customer", metavar="CUSTOMER_ID")
    parser.add_argument("--plan", choices=tuple(PLANS), help="provision (default starter)")
    parser.add_argument("--name", help="provision: the customer's name, shown in the archive")
    parser.add_argument(
        "--credentials", action="store_true", help="include the webmail login and password"
    )
    args = parser.parse_args(argv)
    if not CUSTOMER_ID.fullmatch(args.customer):
        parser.error(
            f"customer id {args.customer!r} must be 3-48 lowercase letters, digits or hyphens"
        )
    if args.action == "change-plan" and not args.plan:
        parser.error("change-plan needs --plan")
    if args.action not in ("provision", "change-plan") and args.plan:
        parser.error(f"{args.action} takes no --plan")
    if args.action != "provision" and args.name:
        parser.error(f"{args.action} takes no --name")
    if not (
        os.environ.get("PULUMI_CONFIG_PASSPHRASE")
        or os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    ):
        raise HookError("set PULUMI_CONFIG_PASSPHRASE: it encrypts the passwords in the state")
    return args


def main(argv: list[str]) -> int:
    action = argv[0] if argv else None
    customer = argv[1] if len(argv) > 1 else None
    try:
        print(json.dumps(run(parse(argv))))
        return 0
    except HookError as error:
        reason, code = str(error), error.code
    except auto.ConcurrentUpdateError:
        reason = f"customer {customer} is busy: another run holds its stack lock; retry later"
        code = EXIT_BUSY
    except auto.CommandError as error:
        reason, code = one_line(error), EXIT_FAILED
    print(json.dumps({"ok": False, "action": action, "customer": customer, "error": reason}))
    print(f"billing-hook: {reason}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
