"""One client per account for the process: shared, rebuilt for new settings, closed when
its key is rotated away, and sending through the cache's transport (the test seam)."""

from __future__ import annotations

import threading

import httpx

from pulumi_resellertenant.core.transport._clients import ClientCache
from pulumi_resellertenant.core.transport._settings import ApiSettings, load_settings
from pulumi_resellertenant.easymailarchive import EasyMailArchiveClient
from pulumi_resellertenant.mailbux import MAILBUX, MailbuxClient


def settings(key: str = "cache-key-1", **env: str) -> ApiSettings:
    return load_settings(MAILBUX, None, {"MAILBUX_API_KEY": key, **env})


def answering(calls: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"data": []})

    return httpx.MockTransport(handler)


def test_one_client_per_account_sent_through_the_cache_transport() -> None:
    calls: list[httpx.Request] = []
    cache = ClientCache(transport=answering(calls))
    first = cache.get(MailbuxClient, settings())

    assert cache.get(MailbuxClient, settings()) is first
    assert first.list_tenants() == []
    assert [request.url.path for request in calls] == ["/api/user/tenants"]


def test_new_settings_for_the_account_rebuild_its_client_and_close_the_old() -> None:
    cache = ClientCache(transport=answering([]))
    old = cache.get(MailbuxClient, settings())
    new = cache.get(MailbuxClient, settings(MAILBUX_READ_TIMEOUT="7"))

    assert new is not old
    assert new.http.settings.read_timeout == 7.0
    assert old.http._http.is_closed


def test_a_rotated_key_closes_the_clients_of_the_old_key() -> None:
    cache = ClientCache(transport=answering([]))
    old = cache.get(MailbuxClient, settings("old-key"))
    new = cache.get(MailbuxClient, settings("new-key"))

    assert new is not old
    assert old.http._http.is_closed
    assert not new.http._http.is_closed


def test_each_api_keeps_its_own_client() -> None:
    cache = ClientCache(transport=answering([]))
    mailbux = cache.get(MailbuxClient, settings())
    archive_settings = load_settings(
        EasyMailArchiveClient.spec, None, {"EASYMAILARCHIVE_API_KEY": "cache-key-1"}
    )
    archive = cache.get(EasyMailArchiveClient, archive_settings)

    assert cache.get(MailbuxClient, settings()) is mailbux
    assert not mailbux.http._http.is_closed
    assert isinstance(archive, EasyMailArchiveClient)


def test_threads_asking_at_once_share_one_client() -> None:
    cache = ClientCache(transport=answering([]))
    barrier = threading.Barrier(8)
    got: list[MailbuxClient] = []

    def ask() -> None:
        barrier.wait()
        got.append(cache.get(MailbuxClient, settings()))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(got) == 8
    assert len({id(client) for client in got}) == 1
