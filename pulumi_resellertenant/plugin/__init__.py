"""The tenants as a real Pulumi provider plugin, package ``resellertenant``, for every language.

``pulumi-resource-resellertenant`` (or ``python -m pulumi_resellertenant.plugin``) serves it;
``ResellerTenantProvider`` is the provider, ``package_schema()`` its schema.
"""

from .names import PACKAGE
from .provider import ResellerTenantProvider
from .schema import package_schema, schema_json
from .serve import main

__all__ = ["PACKAGE", "ResellerTenantProvider", "main", "package_schema", "schema_json"]
