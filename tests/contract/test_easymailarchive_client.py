"""EasyMailArchiveClient against the emulator over real HTTP: every endpoint, every documented
error, pagination, rate limiting and lost answers seen from the server's side."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_resellertenant.core.transport import _errors as errors
from pulumi_resellertenant.easymailarchive import EasyMailArchiveClient
from support.emulator_handle import EmulatorHandle

LIST = "GET /api/reseller/tenants"
CREATE = "POST /api/reseller/tenants"


def client_for(
    emu: EmulatorHandle, key: str | None = None, **settings: str
) -> EasyMailArchiveClient:
    environ = {
        "EASYMAILARCHIVE_API_KEY": key or emu.ema_key,
        "EASYMAILARCHIVE_BASE_URL": emu.url,
        # Pacing is the benchmark's subject; here it would only slow the suite down.
        "EASYMAILARCHIVE_REQUESTS_PER_MINUTE": "0",
    }
    environ |= {f"EASYMAILARCHIVE_{name.upper()}": value for name, value in settings.items()}
    return EasyMailArchiveClient.from_config(environ=environ)


@pytest.fixture
def archive(emu: EmulatorHandle) -> Iterator[EasyMailArchiveClient]:
    with client_for(emu) as client:
        yield client


@pytest.fixture
def other_reseller(emu: EmulatorHandle) -> Iterator[EasyMailArchiveClient]:
    with client_for(emu, key=emu.ema_other_key) as client:
        yield client


def test_tenant_lifecycle(emu: EmulatorHandle, archive: EasyMailArchiveClient) -> None:
    created = archive.create_tenant("acme-corp", "Acme Corporation")
    assert (created.slug, created.name, created.status) == (
        "acme-corp",
        "Acme Corporation",
        "active",
    )
    assert created.created_at is not None

    renamed = archive.update_tenant("acme-corp", "Acme Corp International")
    assert renamed.name == "Acme Corp International"
    assert archive.suspend_tenant("acme-corp").suspended
    assert archive.suspend_tenant("acme-corp").suspended  # idempotent
    assert archive.get_tenant("acme-corp").status == "suspended"
    assert not archive.unsuspend_tenant("acme-corp").suspended

    emu.set_usage("acme-corp", users_count=25, storage_bytes=5368709120, messages_count=142857)
    usage = archive.get_usage("acme-corp")
    assert (usage.users_count, usage.storage_bytes, usage.messages_count) == (
        25,
        5368709120,
        142857,
    )
    shown = archive.get_tenant("acme-corp")
    assert (shown.name, shown.messages_count, shown.created_at) == (
        "Acme Corp International",
        142857,
        created.created_at,
    )


def test_list_follows_every_page(emu: EmulatorHandle, archive: EasyMailArchiveClient) -> None:
    slugs = [f"tenant-{n}" for n in range(5)]  # the session emulator pages by 2: 3 pages
    for slug in slugs:
        archive.create_tenant(slug, slug.title())
    emu.reset_counters()

    listed = archive.list_tenants()

    assert [t.slug for t in listed] == slugs
    assert emu.counters()[LIST]["total"] == 3


def test_empty_list(archive: EasyMailArchiveClient) -> None:
    assert archive.list_tenants() == []


def test_wrong_key_is_an_authentication_error(emu: EmulatorHandle) -> None:
    with client_for(emu, key="wrong-key") as client, pytest.raises(errors.AuthenticationError) as e:
        client.list_tenants()
    assert e.value.status == 401
    assert "wrong-key" not in str(e.value)


def test_another_resellers_tenant_is_forbidden(
    archive: EasyMailArchiveClient, other_reseller: EasyMailArchiveClient
) -> None:
    other_reseller.create_tenant("their-tenant", "Theirs")
    for call in (
        lambda: archive.get_tenant("their-tenant"),
        lambda: archive.update_tenant("their-tenant", "Mine now"),
        lambda: archive.suspend_tenant("their-tenant"),
        lambda: archive.get_usage("their-tenant"),
    ):
        with pytest.raises(errors.PermissionDeniedError) as caught:
            call()
        assert caught.value.status == 403
    assert other_reseller.get_tenant("their-tenant").name == "Theirs"
    assert archive.list_tenants() == []


def test_unknown_slug_is_not_found(archive: EasyMailArchiveClient) -> None:
    with pytest.raises(errors.NotFoundError) as caught:
        archive.get_tenant("no-such-tenant")
    assert caught.value.status == 404
    assert caught.value.path == "/api/reseller/tenants/no-such-tenant"


def test_taken_slug_is_a_conflict_whoever_took_it(
    archive: EasyMailArchiveClient, other_reseller: EasyMailArchiveClient
) -> None:
    archive.create_tenant("acme-corp", "Acme")
    other_reseller.create_tenant("globex", "Globex")
    for slug in ("acme-corp", "globex"):
        with pytest.raises(errors.ConflictError) as caught:
            archive.create_tenant(slug, "Again")
        assert caught.value.status == 409
        assert caught.value.field_errors == {"slug": ["The slug has already been taken."]}


@pytest.mark.parametrize("slug", ["ab", "Acme", "acme_corp", "a" * 49, "acme corp"])
def test_invalid_slug_is_a_validation_error(archive: EasyMailArchiveClient, slug: str) -> None:
    with pytest.raises(errors.InvalidRequestError) as caught:
        archive.create_tenant(slug, "Acme")
    assert caught.value.status == 422
    assert "slug" in caught.value.field_errors


def test_empty_name_is_refused_before_sending(
    emu: EmulatorHandle, archive: EasyMailArchiveClient
) -> None:
    with pytest.raises(errors.InvalidInputError, match="name"):
        archive.create_tenant("acme-corp", "")
    assert CREATE not in emu.counters()


def test_bad_request_maps_to_invalid_request(
    emu: EmulatorHandle, archive: EasyMailArchiveClient
) -> None:
    # The client always sends valid JSON, so the emulator's own 400 is injected here.
    emu.add_fault(method="PUT", path="/api/reseller/tenants/*", status=400)
    archive.create_tenant("acme-corp", "Acme")
    with pytest.raises(errors.InvalidRequestError) as caught:
        archive.update_tenant("acme-corp", "Renamed")
    assert caught.value.status == 400


def test_rate_limit_answers_429_with_retry_after(emu: EmulatorHandle) -> None:
    with client_for(emu, max_attempts="1") as client:
        for _ in range(60):  # the documented 60 per minute per key
            client.list_tenants()
        with pytest.raises(errors.RateLimitedError) as caught:
            client.list_tenants()
    assert caught.value.status == 429
    assert caught.value.retry_after is not None
    assert 1 <= caught.value.retry_after <= 60
    # Another reseller's key has a window of its own.
    with client_for(emu, key=emu.ema_other_key) as other:
        assert other.list_tenants() == []


def test_lost_create_answer_leaves_the_tenant_to_be_found(
    emu: EmulatorHandle, archive: EasyMailArchiveClient
) -> None:
    emu.add_fault(method="POST", path="/api/reseller/tenants", drop_after_commit=True)
    # The 201 came before the cut: the API's word that it created the tenant.
    with pytest.raises(errors.UnexpectedResponseError) as caught:
        archive.create_tenant("acme-corp", "Acme")
    assert caught.value.outcome_unknown
    assert caught.value.committed
    assert emu.counters()[CREATE]["total"] == 1  # not blindly repeated
    assert archive.get_tenant("acme-corp").name == "Acme"  # it was committed


def test_server_error_on_update_is_retried(
    emu: EmulatorHandle, archive: EasyMailArchiveClient
) -> None:
    archive.create_tenant("acme-corp", "Acme")
    emu.add_fault(method="PUT", path="/api/reseller/tenants/acme-corp", status=500)
    assert archive.update_tenant("acme-corp", "Acme 2").name == "Acme 2"  # PUT is idempotent
