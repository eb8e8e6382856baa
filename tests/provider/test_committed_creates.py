"""A success answer is a commit: creates against an API that wraps its JSON in noise and whose
list lags behind its writes. Never a second POST, the password kept whenever the answer held
it, and never quoted. Both providers, served as the engine serves them, against the emulator.
"""

from __future__ import annotations

import json

from support.emulator_handle import EmulatorHandle
from support.engine_steps import Launch, error_line, requests_made, stack_config, up_create
from support.live_tenants import archive_tenant, mailbux_tenants
from support.provider_server import ProviderServer

MAILBUX_TENANTS = "/api/user/tenants"
MAILBUX_CREATE = "POST /api/user/tenants"
EMA_TENANTS = "/api/reseller/tenants"
EMA_CREATE = "POST /api/reseller/tenants"
PHP_NOTICE = "<br />\n<b>Deprecated</b>: Creation of dynamic property in x.php on line 9<br />\n"
LAG_MS = 1500
LEAK = "Leak-me-Pw-7c1e"
CUT_BODY = PHP_NOTICE + json.dumps({"data": {"tenant_password": LEAK, "tenant_username": "u"}})[:-9]
"""A 201 whose body holds a password-like value but cannot be read: never to be shown."""


def lagging_lists(emu: EmulatorHandle) -> None:
    emu.add_fault(method="GET", path=MAILBUX_TENANTS, list_lag_ms=LAG_MS, count=50)
    emu.add_fault(method="GET", path=EMA_TENANTS, list_lag_ms=LAG_MS, count=50)


def test_mailbux_json_amid_noise_keeps_the_password_and_waits_for_the_lagging_list(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    lagging_lists(emu)
    emu.add_fault(method="POST", path=MAILBUX_TENANTS, text_before=PHP_NOTICE, count=1)
    emu.reset_counters()
    tenant = up_create(mailbux_server, {"quota_gb": 2})
    assert requests_made(emu)[MAILBUX_CREATE] == 1
    emu.clear_faults()
    [live] = mailbux_tenants(emu)
    assert tenant.id == str(live["id"])
    assert tenant.outputs["password_known"] is True
    password = tenant.outputs["tenant_password"]
    assert len(password) >= 12
    assert password not in mailbux_server.stderr_text()


def test_mailbux_unreadable_success_is_never_posted_again_however_late_the_list(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    lagging_lists(emu)
    emu.add_fault(
        method="POST",
        path=MAILBUX_TENANTS,
        after_commit=True,
        body_text=CUT_BODY,
        content_type="text/html",
        count=1,
    )
    emu.reset_counters()
    tenant = up_create(mailbux_server, {"quota_gb": 2})
    assert requests_made(emu)[MAILBUX_CREATE] == 1  # before: re-POSTed up to 5 times
    emu.clear_faults()
    [live] = mailbux_tenants(emu)
    assert tenant.id == str(live["id"])
    assert tenant.outputs["password_known"] is False
    stderr = mailbux_server.stderr_text()
    assert LEAK not in stderr
    assert "Deprecated" not in stderr
    assert f"tenant {live['id']} ({live['tenant_username']}) was created" in stderr


def test_mailbux_unreadable_success_never_listed_fails_without_a_second_post(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(mailbux_pickle, config=stack_config(emu, mailbux__operationTimeout="8"))
    emu.add_fault(method="GET", path=MAILBUX_TENANTS, list_lag_ms=600_000, count=100)
    emu.add_fault(
        method="POST", path=MAILBUX_TENANTS, after_commit=True, body_text=CUT_BODY, count=1
    )
    emu.reset_counters()
    line = error_line(up_create, server, {"quota_gb": 2})
    assert requests_made(emu)[MAILBUX_CREATE] == 1
    assert "the API created a tenant" in line
    assert "do not run `pulumi up` again before `pulumi-resellertenant reconcile`" in line
    assert LEAK not in line
    assert LEAK not in server.stderr_text()


def test_easymailarchive_json_amid_noise_is_one_post(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    lagging_lists(emu)
    emu.add_fault(method="POST", path=EMA_TENANTS, text_after="\n<!-- cached -->\n", count=1)
    emu.reset_counters()
    tenant = up_create(archive_server, {"slug": "acme-corp", "name": "Acme Corporation"})
    assert tenant.id == "acme-corp"
    assert requests_made(emu) == {EMA_CREATE: 1}
    emu.clear_faults()
    assert archive_tenant(emu, "acme-corp") is not None


def test_easymailarchive_unreadable_success_is_found_by_its_slug_not_posted_again(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    emu.add_fault(method="POST", path=EMA_TENANTS, after_commit=True, body_text=CUT_BODY, count=1)
    emu.reset_counters()
    tenant = up_create(archive_server, {"slug": "acme-corp", "name": "Acme Corporation"})
    assert tenant.id == "acme-corp"
    assert requests_made(emu) == {EMA_CREATE: 1, "GET /api/reseller/tenants/{slug}": 1}
    stderr = archive_server.stderr_text()
    assert "tenant acme-corp was created, but the answer could not be read" in stderr
    assert LEAK not in stderr
