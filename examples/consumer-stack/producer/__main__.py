"""The tenants stack: a Mailbux and an Easy Mail Archive tenant per customer, and the
credentials as stack outputs that other stacks read through a ``StackReference``.

Stack config: where the APIs are and with which keys, and ``customers`` (optional), a map of
customer id (also the archive slug) to the customer's name.
"""

import pulumi

from pulumi_resellertenant import easymailarchive, mailbux

config = pulumi.Config()
customers = config.get_object("customers") or {"acme-corp": "Acme Corporation"}

logins = {}
passwords = {}
for customer_id, name in customers.items():
    mail = mailbux.Tenant(f"{customer_id}-mail", quota_gb=5)
    archive = easymailarchive.Tenant(
        f"{customer_id}-archive", slug=customer_id, name=name, adopt_existing=True
    )
    logins[customer_id] = {"webmail_login": mail.tenant_username, "archive_slug": archive.slug}
    passwords[customer_id] = mail.tenant_password

# Two exports, so that the logins stay readable: one secret in a map makes it all secret.
pulumi.export("logins", logins)
pulumi.export("passwords", passwords)  # a secret here and in every stack that reads it
