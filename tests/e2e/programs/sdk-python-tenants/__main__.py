"""Both tenants and a function through the generated SDK, as a Python program of another
project uses the plugin: `pulumi package add <repository>` makes `pulumi_resellertenant_sdk`."""

import pulumi
import pulumi_resellertenant_sdk as resellertenant

mail = resellertenant.mailbux.Tenant("mail", quota_gb=2)
archive = resellertenant.easymailarchive.Tenant("archive", slug="acme-sdk", name="Acme SDK")
overview = resellertenant.mailbux.get_reseller_overview_output()

pulumi.export("mailId", mail.tenant_id)
pulumi.export("mailPassword", mail.tenant_password)
pulumi.export("archiveStatus", archive.status)
pulumi.export("quotaTotalGb", overview.quota_total_gb)
