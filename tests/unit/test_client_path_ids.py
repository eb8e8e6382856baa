"""Ids and slugs are checked before they enter a URL path: `.`, `..` and anything else that is
no Mailbux tenant id (digits only) or Easy Mail Archive slug (the slug rule) raise
InvalidInputError, and no request is sent (`..` would leave the tenant path: httpx resolves
dot segments, so terminate of `..` became POST /api/user/terminate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from test_clients_offline import archive, mailbux

from pulumi_resellertenant.core import InvalidInputError
from pulumi_resellertenant.easymailarchive.client import EasyMailArchiveClient
from pulumi_resellertenant.mailbux.client import MailbuxClient

UNSAFE = [".", "..", "../x", "7/..", "a/b", "", " 7", "7 ", "7\n", "-1", "1.5", "٣", "7?x", "%2e"]
UNSAFE_SLUGS = [".", "..", "...", "../admin", "a/b", "acme corp", "Acme", "ab", "acme\n", "x" * 49]
"""Outside the API's documented rule. A hyphen at either end is only this package's rule for
new slugs: a tenant made elsewhere as "-acme" stays readable (see below)."""

MailbuxCall = Callable[[MailbuxClient, str], Any]
ArchiveCall = Callable[[EasyMailArchiveClient, str], Any]

MAILBUX_CALLS: dict[str, MailbuxCall] = {
    "suspend": lambda c, i: c.suspend_tenant(i),
    "reactivate": lambda c, i: c.reactivate_tenant(i),
    "terminate": lambda c, i: c.terminate_tenant(i),
    "quota": lambda c, i: c.update_quota(i, 5),
}
ARCHIVE_CALLS: dict[str, ArchiveCall] = {
    "get": lambda c, s: c.get_tenant(s),
    "update": lambda c, s: c.update_tenant(s, "Acme"),
    "suspend": lambda c, s: c.suspend_tenant(s),
    "unsuspend": lambda c, s: c.unsuspend_tenant(s),
    "usage": lambda c, s: c.get_usage(s),
}


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent: {request.method} {request.url.raw_path!r}")


@pytest.mark.parametrize("call", MAILBUX_CALLS.values(), ids=list(MAILBUX_CALLS))
@pytest.mark.parametrize("tenant_id", UNSAFE)
def test_a_mailbux_id_that_is_not_digits_sends_nothing(call: MailbuxCall, tenant_id: str) -> None:
    client, server = mailbux(never)
    with pytest.raises(InvalidInputError, match="is not a valid Mailbux tenant id") as info:
        call(client, tenant_id)
    assert server.requests == []
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("call", ARCHIVE_CALLS.values(), ids=list(ARCHIVE_CALLS))
@pytest.mark.parametrize("slug", UNSAFE_SLUGS)
def test_a_slug_outside_the_rule_sends_nothing(call: ArchiveCall, slug: str) -> None:
    client, server = archive(never)
    with pytest.raises(InvalidInputError, match="is not a valid Easy Mail Archive slug") as info:
        call(client, slug)
    assert server.requests == []
    assert "\n" not in str(info.value)


def test_the_refused_id_is_named_escaped_and_short() -> None:
    client, _ = mailbux(never)
    with pytest.raises(InvalidInputError) as info:
        client.terminate_tenant("..\x1b[2J" + "9" * 10_000)
    message = str(info.value)
    assert '"..\\u001b[2J' in message
    assert "\x1b" not in message
    assert len(message) < 400


def test_valid_ids_and_slugs_still_reach_their_paths() -> None:
    client, server = mailbux(httpx.Response(200, json={"success": True}))
    client.terminate_tenant("42")
    client.update_quota("007", 3)
    assert server.calls == [
        ("POST", "/api/user/tenants/42/terminate"),
        ("PATCH", "/api/user/tenants/007/quota"),
    ]
    ema, ema_server = archive(httpx.Response(200, json={"data": {"slug": "acme-corp"}}))
    ema.update_tenant("acme-corp", "Acme")
    assert ema_server.calls == [("PUT", "/api/reseller/tenants/acme-corp")]


@pytest.mark.parametrize("slug", ["-acme", "acme-"])
def test_a_slug_the_api_allows_but_new_tenants_may_not_use_stays_readable(slug: str) -> None:
    # Made outside Pulumi: the package refuses it for a new tenant, never for one that exists.
    tenant = {"slug": slug, "name": "Acme", "status": "active"}
    client, server = archive(httpx.Response(200, json={"data": tenant}))
    assert client.get_tenant(slug).slug == slug
    assert [request.url.path for request in server.requests] == [f"/api/reseller/tenants/{slug}"]
