"""A platform team's stack: reads the customer-tenants stack's credentials through a
``StackReference`` and writes each customer's onboarding bundle, a JSON file that only its
owner can read (mode 0600) with the webmail login, the password and the archive slug.

The password arrives as a secret and stays one: in this stack's state it is encrypted, and
the bundle's own outputs mark it secret. When the producer's tenant changes (a new tenant,
so a new login and password), the next ``pulumi up`` here rewrites the bundle.

Stack config: ``producer``, the tenants stack (``organization/customer-tenants/dev`` with a
local backend); ``customers`` (optional), the customer ids to onboard; ``bundleDir``
(optional), where the bundles go.
"""

import json
import os
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic

BUNDLE_FIELDS = ("customer", "webmail_login", "password", "archive_slug")


class BundleProvider(pulumi.dynamic.ResourceProvider):
    """Writes the bundle file; the file's path is the resource's id."""

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        write_bundle(props)
        return pulumi.dynamic.CreateResult(id_=props["path"], outs=props)

    def diff(
        self, _id: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.DiffResult:
        changed = [name for name in ("path", *BUNDLE_FIELDS) if olds.get(name) != news.get(name)]
        return pulumi.dynamic.DiffResult(
            changes=bool(changed),
            replaces=["path"] if "path" in changed else [],
            delete_before_replace=True,
        )

    def update(
        self, _id: str, _olds: dict[str, Any], news: dict[str, Any]
    ) -> pulumi.dynamic.UpdateResult:
        write_bundle(news)
        return pulumi.dynamic.UpdateResult(outs=news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        Path(props["path"]).unlink(missing_ok=True)


def write_bundle(props: dict[str, Any]) -> None:
    """Write the file whole or not at all, readable by its owner only, whatever the umask."""
    path = Path(props["path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # should a partial file of an earlier crash have other bits
    with os.fdopen(fd, "w") as out:
        json.dump({name: props[name] for name in BUNDLE_FIELDS}, out, indent=2)
    os.replace(partial, path)


class OnboardingBundle(pulumi.dynamic.Resource, module="onboarding", name="Bundle"):
    path: pulumi.Output[str]
    webmail_login: pulumi.Output[str]
    archive_slug: pulumi.Output[str]

    def __init__(
        self,
        customer: str,
        *,
        path: str,
        webmail_login: pulumi.Input[str],
        password: pulumi.Input[str],
        archive_slug: pulumi.Input[str],
    ) -> None:
        props = {
            "customer": customer,
            "path": path,
            "webmail_login": webmail_login,
            "password": password,
            "archive_slug": archive_slug,
        }
        # The password is a secret input already; marking the output too keeps it encrypted
        # in the state even if it arrived here as a plain value.
        opts = pulumi.ResourceOptions(additional_secret_outputs=["password"])
        super().__init__(BundleProvider(), customer, props, opts)


config = pulumi.Config()
producer_name = config.require("producer")
producer = pulumi.StackReference(producer_name)
customers = config.get_object("customers") or ["acme-corp"]
bundle_dir = Path(config.get("bundleDir") or "bundles").resolve()

logins = producer.require_output("logins")
passwords = producer.require_output("passwords")  # secret: stays secret in this stack


def customer_login(customer: str) -> pulumi.Output[Any]:
    def pick(every: dict[str, Any]) -> Any:
        if customer not in every:
            raise pulumi.RunError(
                f"stack {producer_name} has no customer {customer!r} (it has "
                f"{', '.join(sorted(every)) or 'none'}): check the config value customers"
            )
        return every[customer]

    return logins.apply(pick)


bundles = {}
for customer in customers:
    login = customer_login(customer)
    bundles[customer] = OnboardingBundle(
        customer,
        path=str(bundle_dir / f"{customer}.json"),
        webmail_login=login["webmail_login"],
        password=passwords[customer],
        archive_slug=login["archive_slug"],
    )

pulumi.export("bundles", {customer: bundle.path for customer, bundle in bundles.items()})
pulumi.export("logins", {customer: bundle.webmail_login for customer, bundle in bundles.items()})
