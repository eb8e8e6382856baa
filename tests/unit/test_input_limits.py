"""Input limits as `check` (preview) applies them: a display name is one line of printable
text of bounded length, a quota has a ceiling; each refusal names the field and the limit and
never echoes a huge value."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_resellertenant.core import InvalidInputError, TenantArgs, build_request
from pulumi_resellertenant.easymailarchive import models as ema_models
from pulumi_resellertenant.easymailarchive.models import MAX_NAME_LENGTH
from pulumi_resellertenant.easymailarchive.tenant_models import EasyMailArchiveTenantArgs
from pulumi_resellertenant.mailbux import models as mailbux_models
from pulumi_resellertenant.mailbux.models import MAX_QUOTA_GB
from pulumi_resellertenant.mailbux.tenant_models import MailbuxTenantArgs

ARCHIVE = {"slug": "acme-corp", "name": "Acme", "suspended": False, "adopt_existing": False}
MAILBUX = {"quota_gb": 5.0, "suspended": False}


def failures(args: type[TenantArgs], props: dict[str, Any]) -> dict[str, str]:
    return dict(args.input_schema().check(props).failures)


def test_the_limits_are_what_the_readme_says() -> None:
    assert MAX_NAME_LENGTH == 255
    assert MAX_QUOTA_GB == 10_000


@pytest.mark.parametrize(
    "name",
    [
        "Acme\x00Corp",
        "Acme\x1b[31mCorp",
        "Acme\nCorp",
        "Acme\r\n",
        "Acme\tCorp",
        "Acme\x7f",
        "Acme\x9bCorp",  # C1 CSI: an ANSI escape on its own
        "Acme\u2028Corp",  # Unicode line separator
        "Acme\u202eproC",  # right-to-left override: disguises what the name says
    ],
)
def test_a_name_with_control_characters_fails_check(name: str) -> None:
    reason = failures(EasyMailArchiveTenantArgs, {**ARCHIVE, "name": name})["name"]
    assert reason.startswith("name must not contain control characters")
    assert "\n" not in reason
    assert "\x1b" not in reason
    assert "\x00" not in reason


def test_a_megabyte_name_fails_check_naming_the_limit_without_echoing_it() -> None:
    reason = failures(EasyMailArchiveTenantArgs, {**ARCHIVE, "name": "x" * 2**20})["name"]
    assert reason.startswith(f"name must be at most {MAX_NAME_LENGTH} characters")
    assert "1048576" in reason  # the length, not the value
    assert len(reason) < 200


@pytest.mark.parametrize(
    "name", ["Acme Corporation", "x" * MAX_NAME_LENGTH, "Société Générale", "مرحبا", "👩\u200d👧"]
)
def test_ordinary_names_pass(name: str) -> None:
    assert failures(EasyMailArchiveTenantArgs, {**ARCHIVE, "name": name}) == {}


@pytest.mark.parametrize("quota", [MAX_QUOTA_GB + 1, 10**30, 1e300, float(10**30), 2**70])
def test_a_quota_above_the_maximum_fails_check(quota: float) -> None:
    reason = failures(MailbuxTenantArgs, {**MAILBUX, "quota_gb": quota})["quota_gb"]
    assert reason.startswith(f"quota_gb must be at most {MAX_QUOTA_GB:,} GB"), reason
    assert len(reason) < 200, reason


@pytest.mark.parametrize("quota", [1, 5.0, float(MAX_QUOTA_GB)])
def test_quotas_up_to_the_maximum_pass(quota: float) -> None:
    assert failures(MailbuxTenantArgs, {**MAILBUX, "quota_gb": quota}) == {}


def test_the_request_models_hold_the_same_limits() -> None:
    # A second guard at the door: nothing past the limits is ever sent.
    with pytest.raises(InvalidInputError, match="quota_gb"):
        build_request(mailbux_models.CreateTenantRequest, quota_gb=MAX_QUOTA_GB + 1)
    with pytest.raises(InvalidInputError, match="quota_gb"):
        build_request(mailbux_models.QuotaUpdateRequest, quota_gb=10**30)
    long_name = "x" * (MAX_NAME_LENGTH + 1)
    with pytest.raises(InvalidInputError, match="name"):
        build_request(ema_models.CreateTenantRequest, slug="acme", name=long_name)
    with pytest.raises(InvalidInputError, match="name"):
        build_request(ema_models.UpdateTenantRequest, name=long_name)


@pytest.mark.parametrize("adopt", ["..", "7/..", "abc", "4 2", "٤٢"])
def test_an_adopted_mailbux_id_must_be_digits(adopt: str) -> None:
    reason = failures(MailbuxTenantArgs, {**MAILBUX, "adopt_tenant_id": adopt})["adopt_tenant_id"]
    assert reason.startswith("adopt_tenant_id must be a Mailbux tenant id (digits only)")


@pytest.mark.parametrize("adopt", ["42", 42.0, " 7 ", ""])
def test_adopted_mailbux_ids_of_digits_pass(adopt: object) -> None:
    assert failures(MailbuxTenantArgs, {**MAILBUX, "adopt_tenant_id": adopt}) == {}
