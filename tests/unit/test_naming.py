"""Each face's spelling is a parameter of the messages, never a rewrite of finished text."""

from __future__ import annotations

import pytest

from pulumi_resellertenant.core.lifecycle import failure_message
from pulumi_resellertenant.core.transport import PYTHON, InvalidRequestError, Naming
from pulumi_resellertenant.mailbux import MAILBUX
from pulumi_resellertenant.mailbux.tenant_models import MailbuxTenantArgs
from pulumi_resellertenant.plugin.names import PLUGIN


@pytest.mark.parametrize(
    ("naming", "expected"),
    [
        (
            PYTHON,
            [
                "quota_gb",
                "mailbux:apiKey",
                "mailbux.list_tenants()",
                "adopt_existing=True",
                'deletion_policy="suspend"',
                "quota_gb=5",
            ],
        ),
        (
            PLUGIN,
            [
                "quotaGb",
                "resellertenant:mailbuxApiKey",
                "resellertenant:mailbux:listTenants",
                "adoptExisting=true",
                'deletionPolicy="suspend"',
                "quotaGb=5",
            ],
        ),
    ],
    ids=["python", "plugin"],
)
def test_a_naming_spells_fields_settings_functions_and_values(
    naming: Naming, expected: list[str]
) -> None:
    assert [
        naming.field("quota_gb"),
        naming.setting("mailbux", "apiKey"),
        naming.function("mailbux", "list_tenants"),
        naming.assign("adopt_existing", True),
        naming.assign("deletion_policy", "suspend"),
        naming.assign("quota_gb", 5),
    ] == expected


def test_a_check_failure_is_written_in_the_faces_naming() -> None:
    schema = MailbuxTenantArgs.input_schema()
    props = {"quota_gb": 2.5, "adopt_tenant_id": "x"}

    python = dict(schema.check(props, PYTHON).failures)
    plugin = dict(schema.check(props, PLUGIN).failures)

    assert python["quota_gb"] == (
        "quota_gb must be a whole number, got 2.5; for example quota_gb=5 (gigabytes)"
    )
    assert plugin["quota_gb"] == (
        "quotaGb must be a whole number, got 2.5; for example quotaGb=5 (gigabytes)"
    )
    assert python["adopt_tenant_id"].endswith(
        'for example adopt_tenant_id="42" (an id from mailbux.list_tenants())'
    )
    assert plugin["adopt_tenant_id"].endswith(
        'for example adoptTenantId="42" (an id from resellertenant:mailbux:listTenants)'
    )


def test_what_the_api_said_is_shown_as_it_said_it_in_any_naming() -> None:
    # A rewrite of the finished line would also have renamed the server's own words.
    error = InvalidRequestError(
        "quota_gb must not exceed the plan; suspended=True is not allowed",
        api="Mailbux",
        method="POST",
        path="/api/user/tenants",
        status=422,
    )

    line = failure_message(MAILBUX, "create", "tenant", error, naming=PLUGIN)

    assert "quota_gb must not exceed the plan; suspended=True is not allowed" in line
