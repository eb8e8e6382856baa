"""MailbuxClient against the emulator over real HTTP: every endpoint, every documented error,
and the retry rules seen from the server's side (its request counters)."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_resellertenant.core.transport import _errors as errors
from pulumi_resellertenant.mailbux import MailbuxClient
from pulumi_resellertenant.mailbux import errors as mailbux_errors
from support.emulator_handle import EmulatorHandle

CREATE = "POST /api/user/tenants"
LIST = "GET /api/user/tenants"


def client_for(emu: EmulatorHandle, key: str | None = None, **settings: str) -> MailbuxClient:
    environ = {
        "MAILBUX_API_KEY": key or emu.mailbux_key,
        "MAILBUX_BASE_URL": emu.url,
        "MAILBUX_REQUESTS_PER_MINUTE": "0",  # pacing is the benchmark's subject, not this one's
    }
    environ.update({f"MAILBUX_{name.upper()}": value for name, value in settings.items()})
    return MailbuxClient.from_config(environ=environ)


@pytest.fixture
def mailbux(emu: EmulatorHandle) -> MailbuxClient:
    with client_for(emu) as client:
        yield client


def requests_to(emu: EmulatorHandle, route: str) -> int:
    return int(emu.counters().get(route, {}).get("total", 0))


def test_create_returns_one_time_credentials_and_the_list_gives_the_id(
    mailbux: MailbuxClient,
) -> None:
    created = mailbux.create_tenant(5.0)  # Pulumi's float arrives as the integer 5

    assert created.id is None  # as documented: the id comes from the list
    assert created.tenant_username.startswith("user")
    assert created.tenant_name == f"{created.tenant_username}_tent"
    assert len(created.tenant_password.get_secret_value()) >= 12
    assert created.quota_gb == 5
    assert created.status == "active"

    [listed] = mailbux.list_tenants()
    assert listed.tenant_username == created.tenant_username
    assert listed.quota_gb == 5
    assert listed.email_count == 0
    assert mailbux.get_tenant(listed.id) == listed
    # The password is shown once: no later answer carries it.
    assert "tenant_password" not in listed.model_dump()
    assert created.tenant_password.get_secret_value() not in listed.model_dump_json()


def test_suspend_reactivate_and_quota_update(emu: EmulatorHandle, mailbux: MailbuxClient) -> None:
    mailbux.create_tenant(2)
    [tenant] = mailbux.list_tenants()

    suspended = mailbux.suspend_tenant(tenant.id)
    assert suspended is not None
    assert suspended.suspended
    assert mailbux.suspend_tenant(tenant.id).suspended  # idempotent
    assert not mailbux.reactivate_tenant(tenant.id).suspended

    updated = mailbux.update_quota(tenant.id, 7.0)
    assert updated is not None
    assert updated.quota_gb == 7
    emu.set_email_count(int(tenant.id), 12)
    assert mailbux.get_tenant(tenant.id).email_count == 12


def test_terminate_frees_quota_and_the_tenant_is_gone(mailbux: MailbuxClient) -> None:
    mailbux.create_tenant(10)
    [tenant] = mailbux.list_tenants()
    before = mailbux.get_reseller_overview()

    mailbux.terminate_tenant(tenant.id)

    assert mailbux.get_tenant(tenant.id) is None
    after = mailbux.get_reseller_overview()
    assert after.quota_available_gb == before.quota_available_gb + 10
    assert after.tenant_count == before.tenant_count - 1
    with pytest.raises(errors.NotFoundError) as caught:
        mailbux.suspend_tenant(tenant.id)
    assert caught.value.status == 404


def test_overview_and_sync_quota_figures(mailbux: MailbuxClient) -> None:
    mailbux.create_tenant(3)
    mailbux.create_tenant(4)
    [first, _] = mailbux.list_tenants()
    mailbux.suspend_tenant(first.id)

    overview = mailbux.get_reseller_overview()
    assert overview.plan == "paid"
    assert overview.quota_total_gb == 100
    assert overview.quota_allocated_gb == 7
    assert overview.quota_available_gb == 93
    assert (overview.tenant_count, overview.active_tenants, overview.suspended_tenants) == (2, 1, 1)
    assert overview.tenant_limit == 50

    synced = mailbux.sync_quota()
    assert synced.quota_available_gb == 93
    assert synced.model_extra is not None
    assert "synced_at" in synced.model_extra


def test_wrong_key_is_an_authentication_error(emu: EmulatorHandle) -> None:
    with (
        client_for(emu, key="not-a-key") as client,
        pytest.raises(errors.AuthenticationError) as caught,
    ):
        client.list_tenants()
    assert caught.value.status == 401
    assert "not-a-key" not in str(caught.value)
    assert requests_to(emu, LIST) == 1  # a 401 is final: no retry


def test_free_plan_must_upgrade(emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="mailbux", api_key="free-plan-key", plan="free")
    with client_for(emu, key="free-plan-key") as client:
        assert client.list_tenants() == []  # reading is allowed
        with pytest.raises(mailbux_errors.PlanUpgradeRequiredError) as caught:
            client.create_tenant(1)
    assert (caught.value.status, caught.value.code) == (403, "PLAN_UPGRADE_REQUIRED")
    assert "upgrade" in caught.value.message.lower()


def test_quota_exceeded_names_requested_and_available(emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="mailbux", api_key="small-pool-key", quota_gb=10)
    with client_for(emu, key="small-pool-key") as client:
        client.create_tenant(6)
        with pytest.raises(mailbux_errors.QuotaExceededError) as on_create:
            client.create_tenant(5)
        [tenant] = client.list_tenants()
        with pytest.raises(mailbux_errors.QuotaExceededError) as on_update:
            client.update_quota(tenant.id, 11)
    assert (on_create.value.status, on_create.value.code) == (422, "QUOTA_EXCEEDED")
    assert "5" in on_create.value.message
    assert "4" in on_create.value.message  # what is still available
    assert on_update.value.code == "QUOTA_EXCEEDED"


def test_tenant_limit(emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="mailbux", api_key="two-tenants-key", tenant_limit=2)
    with client_for(emu, key="two-tenants-key") as client:
        client.create_tenant(1)
        client.create_tenant(1)
        with pytest.raises(mailbux_errors.TenantLimitError) as caught:
            client.create_tenant(1)
    assert (caught.value.status, caught.value.code) == (422, "TENANT_LIMIT")


def test_invalid_quota_is_refused_before_sending(
    emu: EmulatorHandle, mailbux: MailbuxClient
) -> None:
    for bad in (0, -3, 2.5):
        with pytest.raises(errors.InvalidInputError, match="quota_gb"):
            mailbux.create_tenant(bad)
    assert requests_to(emu, CREATE) == 0


def test_another_resellers_tenant_is_not_found(emu: EmulatorHandle, mailbux: MailbuxClient) -> None:
    mailbux.create_tenant(1)
    [tenant] = mailbux.list_tenants()
    emu.configure_reseller(api="mailbux", api_key="second-reseller-key")
    with client_for(emu, key="second-reseller-key") as other:
        assert other.list_tenants() == []
        with pytest.raises(errors.NotFoundError):
            other.terminate_tenant(tenant.id)
    assert mailbux.get_tenant(tenant.id) is not None


def test_server_errors_on_reads_are_retried(emu: EmulatorHandle, mailbux: MailbuxClient) -> None:
    emu.add_fault(method="GET", path="/api/user/tenants", status=503, count=2)
    assert mailbux.list_tenants() == []
    assert emu.counters()[LIST]["by_status"] == {"503": 2, "200": 1}


def test_a_create_that_failed_on_the_server_is_not_repeated(
    emu: EmulatorHandle, mailbux: MailbuxClient
) -> None:
    emu.add_fault(method="POST", path="/api/user/tenants", status=502)
    with pytest.raises(errors.ServerError) as caught:
        mailbux.create_tenant(1)
    assert caught.value.outcome_unknown
    assert "may have been applied" in str(caught.value)
    assert requests_to(emu, CREATE) == 1


def test_a_create_whose_answer_was_lost_is_not_repeated(
    emu: EmulatorHandle, mailbux: MailbuxClient
) -> None:
    emu.add_fault(method="POST", path="/api/user/tenants", drop_after_commit=True)
    # The 201 came before the cut: the API's word that it created the tenant.
    with pytest.raises(errors.UnexpectedResponseError) as caught:
        mailbux.create_tenant(3)
    assert caught.value.committed
    assert caught.value.outcome_unknown
    assert requests_to(emu, CREATE) == 1
    # The server did create it: that is why the client must not blindly repeat the POST.
    [tenant] = mailbux.list_tenants()
    assert tenant.quota_gb == 3


def test_rate_limited_create_is_retried_after_retry_after(
    emu: EmulatorHandle, mailbux: MailbuxClient
) -> None:
    emu.add_fault(method="POST", path="/api/user/tenants", status=429, retry_after=0)
    created = mailbux.create_tenant(1)  # a 429 means "not done": safe to repeat even a POST
    assert created.quota_gb == 1
    assert emu.counters()[CREATE]["by_status"] == {"429": 1, "200": 1}


def test_slow_answer_times_out_and_the_read_is_retried(emu: EmulatorHandle) -> None:
    emu.add_fault(method="GET", path="/api/user/tenants", latency_ms=1500)
    with client_for(emu, read_timeout="0.3") as client:
        # The first attempt outlives its timeout; the answer comes from the second one.
        assert client.list_tenants() == []
    [fault] = emu.faults()
    assert fault["remaining"] == 0


def test_operation_deadline_bounds_every_retry(emu: EmulatorHandle) -> None:
    emu.add_fault(method="GET", path="/api/user/tenants", latency_ms=1500, count=10)
    with (
        client_for(emu, read_timeout="0.3", operation_timeout="0.8", max_attempts="10") as client,
        pytest.raises(errors.RequestTimeoutError),
    ):
        client.list_tenants()
    [fault] = emu.faults()
    assert 1 <= 10 - fault["remaining"] <= 3  # the deadline, not max_attempts, stopped it


def test_connection_refused_is_a_transport_error(emu: EmulatorHandle) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environ = {"MAILBUX_API_KEY": emu.mailbux_key, "MAILBUX_BASE_URL": f"http://127.0.0.1:{port}"}
    environ |= {"MAILBUX_REQUESTS_PER_MINUTE": "0", "MAILBUX_MAX_ATTEMPTS": "2"}
    with (
        MailbuxClient.from_config(environ=environ) as client,
        pytest.raises(errors.TransportError) as caught,
    ):
        client.create_tenant(1)
    assert not caught.value.request_sent
    assert not caught.value.outcome_unknown  # nothing reached a server: safe to run again


def test_one_client_shared_by_threads(mailbux: MailbuxClient) -> None:
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda _: mailbux.create_tenant(1), range(16)))
    usernames = {c.tenant_username for c in created}
    assert len(usernames) == 16
    assert {t.tenant_username for t in mailbux.list_tenants()} == usernames
    assert mailbux.get_reseller_overview().quota_allocated_gb == 16
