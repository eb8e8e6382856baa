"""Stacks made today keep working: the provider blobs in their state still unpickle.

Every tenant's state holds its provider as `__provider`, base64 of a pickle that names the
provider class by module and name (and carries an empty state). Moving or renaming that
class would break every existing stack; pickling it differently would rewrite `__provider`
on every tenant at the next `up`. The blobs below are copied from a state made on
2026-12-07; a redesign must leave both tests green.
"""

from __future__ import annotations

import base64

import dill
import pytest

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.easymailarchive.provider import EasyMailArchiveTenantProvider
from pulumi_resellertenant.mailbux.provider import MailbuxTenantProvider
from support.pulumi_mocks import register

MAILBUX_BLOB = (
    "gASVSgAAAAAAAACMJnB1bHVtaV9yZXNlbGxlcnRlbmFudC5tYWlsYnV4LnByb3ZpZGVylIwVTWFpbGJ1eFRlbmFudF"
    "Byb3ZpZGVylJOUKYGUfZRiLg=="
)
EMA_BLOB = (
    "gASVWgAAAAAAAACMLnB1bHVtaV9yZXNlbGxlcnRlbmFudC5lYXN5bWFpbGFyY2hpdmUucHJvdmlkZXKUjB1FYXN5TW"
    "FpbEFyY2hpdmVUZW5hbnRQcm92aWRlcpSTlCmBlH2UYi4="
)

CASES = [
    pytest.param(
        MAILBUX_BLOB,
        MailbuxTenantProvider,
        "mailbux",
        lambda: mailbux.Tenant("mail", quota_gb=5),
        id="mailbux",
    ),
    pytest.param(
        EMA_BLOB,
        EasyMailArchiveTenantProvider,
        "easymailarchive",
        lambda: easymailarchive.Tenant("archive", slug="acme-corp", name="Acme"),
        id="easymailarchive",
    ),
]


@pytest.mark.parametrize(("blob", "provider_class", "namespace", "factory"), CASES)
def test_todays_blobs_unpickle_into_the_providers(
    blob: str, provider_class: type, namespace: str, factory: object
) -> None:
    provider = dill.loads(base64.b64decode(blob))  # noqa: S301 (a blob of our own, above)
    assert type(provider) is provider_class
    assert vars(provider) == {"_config": None}
    assert provider.lifecycle.spec.namespace == namespace


@pytest.mark.parametrize(("blob", "provider_class", "namespace", "factory"), CASES)
def test_new_tenants_pickle_their_provider_as_today(
    blob: str, provider_class: type, namespace: str, factory: object
) -> None:
    [registered] = register(factory)  # type: ignore[arg-type]
    assert registered.provider == blob
