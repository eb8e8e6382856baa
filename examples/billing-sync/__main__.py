"""Tenants declared from the billing system's customer list, ``customers.yaml``.

Each customer in the list gets a Mailbux mail tenant sized by its plan and an Easy Mail
Archive tenant, grouped under one ``Customer`` component. An overdue invoice suspends both;
paying reactivates them. A cancelled customer, or one removed from the list, leaves the
program: Pulumi deletes its tenants, which terminates the mail tenant and suspends the
archive (that API has no delete). ``pulumi up`` touches only the customers whose entry
changed, and an unchanged list makes no API request at all.

Stack config says where the APIs are and with which keys; ``customersFile`` (optional) names
another customer list.
"""

from pathlib import Path

import pulumi
import yaml

from pulumi_resellertenant import easymailarchive, mailbux

# The plans you sell and the Mailbux quota (GB) each includes. Kept in the program, not in
# the list: a change of plan sizes is a change you review, not a billing export.
PLANS = {"starter": 5, "business": 10, "enterprise": 20}
INVOICE_STATES = ("paid", "overdue")


class Customer(pulumi.ComponentResource):
    """One customer's mail and archive tenants. The component makes them one unit in
    ``pulumi stack`` and in the state: a customer that leaves the list takes both along."""

    def __init__(
        self,
        customer_id: str,
        *,
        name: str,
        plan: str,
        overdue: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("billing-sync:index:Customer", customer_id, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.mail = mailbux.Tenant(
            f"{customer_id}-mail", quota_gb=PLANS[plan], suspended=overdue, opts=child
        )
        # adopt_existing: a customer who cancelled and came back finds its archive (suspended
        # when it left, since the API cannot delete) taken back over instead of a 409.
        self.archive = easymailarchive.Tenant(
            f"{customer_id}-archive",
            slug=customer_id,
            name=name,
            suspended=overdue,
            adopt_existing=True,
            opts=child,
        )
        self.summary = pulumi.Output.all(
            self.mail.tenant_username, self.mail.status, self.archive.status
        ).apply(
            lambda live: {
                "plan": plan,
                "mail_username": live[0],
                "mail_status": live[1],
                "archive_status": live[2],
            }
        )
        self.register_outputs({"summary": self.summary})


def load_customers(path: Path) -> list[dict[str, object]]:
    """The customers that keep their service, checked before anything changes: a broken
    export stops the run with one line instead of suspending or terminating anyone."""
    entries = (yaml.safe_load(path.read_text()) or {}).get("customers") or []
    # An empty list would terminate every customer: far likelier a failed export than a
    # wish. Cancel customers one by one instead (or `pulumi destroy`).
    if not entries:
        raise pulumi.RunError(f"{path.name} lists no customers; refusing to terminate them all")
    kept, seen = [], set()
    for entry in entries:
        customer_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(customer_id, str) or customer_id in seen:
            raise pulumi.RunError(f"{path.name}: every customer needs an id of its own: {entry!r}")
        seen.add(customer_id)
        for field, allowed, default in (
            ("plan", tuple(PLANS), None),
            ("invoice", INVOICE_STATES, "paid"),
            ("cancelled", (False, True), False),
        ):
            if entry.get(field, default) not in allowed:
                raise pulumi.RunError(
                    f"{path.name}: customer {customer_id}: {field} {entry.get(field)!r} is not "
                    f"one of {', '.join(map(str, allowed))}"
                )
        if not entry.get("cancelled", False):
            kept.append(entry)
    return kept


config = pulumi.Config()
customers_file = Path(config.get("customersFile") or Path(__file__).parent / "customers.yaml")

customers = {
    str(entry["id"]): Customer(
        str(entry["id"]),
        name=str(entry.get("name") or entry["id"]),
        plan=str(entry["plan"]),
        overdue=entry.get("invoice", "paid") == "overdue",
    )
    for entry in load_customers(customers_file)
}

pulumi.export("customers", {cid: customer.summary for cid, customer in customers.items()})
# The one-time passwords, for the welcome mails: a secret, shown only with --show-secrets.
pulumi.export(
    "mail_passwords", {cid: customer.mail.tenant_password for cid, customer in customers.items()}
)
