"""One customer's tenants: a Mailbux mailbox tenant and an Easy Mail Archive archive.

Stack config says where the APIs are and with which keys (``tools/demo`` points both at the
bundled emulator); the optional ``customer`` and ``quotaGb`` settings shape the tenants.
"""

import pulumi

from pulumi_resellertenant import easymailarchive, mailbux

config = pulumi.Config()
customer = config.get("customer") or "acme"
quota_gb = config.get_int("quotaGb") or 5

hosting = mailbux.Tenant(f"{customer}-mail", quota_gb=quota_gb)
# Easy Mail Archive has no delete: a destroyed stack leaves its archive suspended, and
# adopt_existing takes it back over (unsuspended) instead of failing on the taken slug.
archive = easymailarchive.Tenant(
    f"{customer}-archive",
    slug=f"{customer}-corp",
    name=f"{customer.title()} Corporation",
    adopt_existing=True,
)

pulumi.export("mail_tenant_id", hosting.tenant_id)
pulumi.export("mail_username", hosting.tenant_username)
pulumi.export("mail_password", hosting.tenant_password)  # a secret: shown as [secret]
pulumi.export("archive_slug", archive.slug)
pulumi.export("archive_status", archive.status)
