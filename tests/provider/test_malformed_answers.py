"""Malformed API answers, through the real `python -m pulumi.dynamic` server, against the
emulator's injected answers: garbage JSON, JSON nested too deep to read, HTML error pages
(with 500 and with 200), huge bodies, a 200 without `data` or with `data: null`, and
`success: false` in a 200; and a 2xx create answer that cannot be read after the create
was committed.

For each, an operation either fails with one line (no traceback, no key) that names the API,
the operation and the tenant, or succeeds with the right result; and the next operation,
with the API healthy again, converges: no duplicate tenant, no tenant forgotten while it
exists. One provider process per test, as one deployment; the emulator is not reset within
a test, so the process's caches stay true to the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import (
    Deployed,
    Launch,
    checked,
    refresh,
    stack_config,
    up_change,
    up_create,
)
from support.provider_server import ProviderCallError, ProviderServer

HTML_PAGE = (
    "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
    "<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n"
    "</body>\n</html>\n"
)
HTML = "text/html; charset=utf-8"
HUGE = 5 * 1024 * 1024
MAX_LINE = 1000
"""An error line is read by a person: whatever the answer's size, the line stays short."""


@dataclass(frozen=True)
class Answer:
    """One malformed answer, as emulator fault fields."""

    name: str
    fields: Mapping[str, Any]


GARBAGE = Answer("garbage JSON", {"status": 200, "body_text": '{"success": true, "data": [{"i'})
NESTED = Answer("JSON nested too deep", {"status": 200, "body_text": "[" * 100_000 + "]" * 100_000})
HTML_500 = Answer(
    "HTML page with 500", {"status": 500, "body_text": HTML_PAGE, "content_type": HTML}
)
HTML_200 = Answer(
    "HTML page with 200", {"status": 200, "body_text": HTML_PAGE, "content_type": HTML}
)
HUGE_200 = Answer("huge body with 200", {"status": 200, "body_text": "<html>" + "x" * HUGE})
HUGE_502 = Answer("huge body with 502", {"status": 502, "body_text": "<html>" + "x" * HUGE})
NO_DATA = Answer("200 without data", {"status": 200, "body": {"success": True}})
NULL_DATA = Answer("200 with null data", {"status": 200, "body": {"success": True, "data": None}})
REFUSED_IN_200 = Answer(
    "success false in a 200",
    {
        "status": 200,
        "body": {
            "success": False,
            "message": "Service busy",
            "error": {"code": "SERVER_BUSY", "message": "Service busy"},
        },
    },
)
ANSWERS = [
    GARBAGE,
    NESTED,
    HTML_500,
    HTML_200,
    HUGE_200,
    HUGE_502,
    NO_DATA,
    NULL_DATA,
    REFUSED_IN_200,
]


def params(answers: list[Answer]) -> list[Any]:
    return [pytest.param(answer, id=answer.name) for answer in answers]


# --- the two APIs, as this test drives them ------------------------------------------------


@dataclass(frozen=True)
class Api:
    name: str
    display: str
    inputs: Mapping[str, Any]
    changed: Mapping[str, Any]
    create: str
    read: str
    update: str
    delete: str
    list_path: str

    def describe(self, tenant: Deployed | None) -> str:
        """How the error line names the tenant."""
        if self.name == "easymailarchive":
            return f"tenant {self.inputs['slug']}"
        if tenant is None:
            return f"tenant (quota_gb={self.inputs['quota_gb']})"
        return f"tenant {tenant.id} ({tenant.outputs['tenant_username']})"

    def live(self, emu: EmulatorHandle) -> dict[str, dict[str, Any]]:
        """The account's tenants as the API shows them, by id."""
        headers = emu.mailbux_headers() if self.name == "mailbux" else emu.ema_headers()
        body = httpx.get(f"{emu.url}{self.list_path}", headers=headers, timeout=10).json()
        key = "id" if self.name == "mailbux" else "slug"
        return {str(tenant[key]): tenant for tenant in body["data"]}


MAILBUX = Api(
    name="mailbux",
    display="Mailbux",
    inputs={"quota_gb": 2},
    changed={"quota_gb": 3},
    create="/api/user/tenants",
    read="/api/user/tenants",
    update="/api/user/tenants/*/quota",
    delete="/api/user/tenants/*/terminate",
    list_path="/api/user/tenants",
)
ARCHIVE = Api(
    name="easymailarchive",
    display="Easy Mail Archive",
    inputs={"slug": "acme-corp", "name": "Acme"},
    changed={"slug": "acme-corp", "name": "Acme Two"},
    create="/api/reseller/tenants",
    read="/api/reseller/tenants*",  # the list and the show
    update="/api/reseller/tenants/acme-corp",
    delete="/api/reseller/tenants/acme-corp/suspend",
    list_path="/api/reseller/tenants",
)
APIS = [MAILBUX, ARCHIVE]


def start(
    launch: Launch, api: Api, emu: EmulatorHandle, request: pytest.FixtureRequest
) -> ProviderServer:
    """A provider process of its own: one deployment, or one refresh."""
    pickle = request.getfixturevalue(
        "mailbux_pickle" if api.name == "mailbux" else "archive_pickle"
    )
    # Two attempts keep the retried answers (5xx) few; no client pacing: the emulator's
    # windows are reset by `emu`, and a test makes a few dozen requests at most. A short
    # deadline: a 2xx create answer is the API's word that it made the tenant, so a create
    # answered 2xx without being processed is looked for until the deadline draws near.
    config = stack_config(
        emu,
        mailbux__maxAttempts="2",
        easymailarchive__maxAttempts="2",
        mailbux__operationTimeout="10",
        easymailarchive__operationTimeout="10",
        easymailarchive__requestsPerMinute="0",
        mailbux__requestsPerMinute="0",
    )
    return launch(pickle, config=config)


# --- one step of a deployment: a result, or the one line the user reads --------------------


@dataclass(frozen=True)
class Step:
    result: Any
    error: str | None


def step(call: Callable[..., Any], *args: Any) -> Step:
    try:
        return Step(call(*args), None)
    except ProviderCallError as failed:
        details = failed.details
        assert "Traceback" not in details, details[-3000:]
        assert "\n" not in details.strip(), details[:3000]
        assert len(details) <= MAX_LINE, f"an error line of {len(details)} characters"
        for key in (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY):
            assert key not in details
        return Step(None, details)


def assert_names(error: str, api: Api, operation: str, tenant: Deployed | None) -> None:
    head = f"{api.display}: cannot {operation} {api.describe(tenant)}"
    assert error.startswith(head), f"{error!r} does not start with {head!r}"


def fault(
    emu: EmulatorHandle,
    method: str,
    path: str,
    answer: Answer,
    *,
    processed: bool = False,
    count: int = 20,
) -> None:
    """Answer requests with ``answer``: instead of processing them, or, ``processed``, after
    processing them (a server that did the work and then answered badly). The default
    count covers every attempt and look-up of one operation."""
    emu.add_fault(method=method, path=path, count=count, after_commit=processed, **answer.fields)


def succeeded(answer: Answer) -> bool:
    """A 2xx says the request was done: only an answer after processing is true to that."""
    return int(answer.fields["status"]) < 300


# --- create, read, update and delete, each answered badly once -----------------------------


@pytest.mark.parametrize("answer", params(ANSWERS))
@pytest.mark.parametrize("api", APIS, ids=lambda a: a.name)
def test_each_operation_fails_in_one_line_or_succeeds_and_the_next_converges(
    api: Api,
    answer: Answer,
    launch: Launch,
    emu: EmulatorHandle,
    request: pytest.FixtureRequest,
) -> None:
    server = start(launch, api, emu, request)
    if api.name == "mailbux":
        # The quota pre-check reads the reseller overview once per deployment: a bad answer
        # skips the pre-check or fails the preview in one line, and later checks go on.
        fault(emu, "GET", "/api/user/reseller/overview", answer)
        precheck = step(server.check, {}, api.inputs)
        emu.clear_faults()
        if precheck.error is not None:
            assert_names(precheck.error, api, "check", None)
        else:
            assert precheck.result.failures == []
    inputs = checked(server, {}, api.inputs)

    # Create, answered once without being processed: nothing was made, whatever the answer
    # says (a create answered badly after it was processed, or every time: tests below).
    fault(emu, "POST", api.create, answer, count=1)
    created = step(server.create, inputs)
    emu.clear_faults()
    if created.error is not None:
        assert_names(created.error, api, "create", None)
        assert api.live(emu) == {}
        tenant = up_create(server, api.inputs)
    else:
        tenant = Deployed(created.result.id, inputs, created.result.outputs)
    assert list(api.live(emu)) == [tenant.id], "exactly the one tenant, no duplicate"

    # Read, in a `pulumi refresh` of its own (the creating process has the tenant listed
    # already): failing is fine, calling the tenant gone is not (Pulumi would forget it).
    server = start(launch, api, emu, request)
    fault(emu, "GET", api.read, answer)
    read = step(refresh, server, tenant)
    emu.clear_faults()
    if read.error is not None:
        assert_names(read.error, api, "read", tenant)
    else:
        assert read.result is not None, "a malformed answer made a live tenant look gone"
        assert read.result.outputs == tenant.outputs
    again = refresh(server, tenant)
    assert again is not None
    assert again.outputs == tenant.outputs

    # Update: the state stays as recorded, and the next `up` applies the change.
    method = "PATCH" if api.name == "mailbux" else "PUT"
    fault(emu, method, api.update, answer, processed=succeeded(answer))
    updated = step(server.update, tenant.id, tenant.outputs, checked(server, inputs, api.changed))
    emu.clear_faults()
    if updated.error is not None:
        assert_names(updated.error, api, "update", tenant)
        changed = up_change(server, tenant, api.changed)
    else:
        changed = Deployed(tenant.id, dict(api.changed), updated.result)
    field, value = next((k, v) for k, v in api.changed.items() if api.inputs[k] != v)
    assert changed.outputs[field] == value
    assert api.live(emu)[tenant.id][field] == value

    # Delete: the resource stays in the state, and the next `destroy` deletes it.
    fault(emu, "POST", api.delete, answer, processed=succeeded(answer))
    deleted = step(server.delete, changed.id, changed.outputs)
    emu.clear_faults()
    if deleted.error is not None:
        assert_names(deleted.error, api, "delete", changed)
        server.delete(changed.id, changed.outputs)
    left = api.live(emu)
    if api.name == "mailbux":
        assert left == {}
    else:  # no delete in this API: suspended, and the archive stays
        assert left[tenant.id]["status"] == "suspended"


# --- a create answered badly every time ----------------------------------------------------


@pytest.mark.parametrize("api", APIS, ids=lambda a: a.name)
def test_a_create_answered_badly_every_time_fails_in_one_line_and_made_nothing(
    api: Api, launch: Launch, emu: EmulatorHandle, request: pytest.FixtureRequest
) -> None:
    server = start(launch, api, emu, request)
    inputs = checked(server, {}, api.inputs)
    fault(emu, "POST", api.create, GARBAGE)
    created = step(server.create, inputs)
    emu.clear_faults()
    assert created.error is not None
    assert_names(created.error, api, "create", None)
    assert api.live(emu) == {}
    tenant = up_create(server, api.inputs)
    assert list(api.live(emu)) == [tenant.id]


# --- a create answered badly after it was committed ----------------------------------------

# The create is resolved whatever the message would have said: only the crash shows.
COMMITTED = params([GARBAGE, NESTED, HTML_200, NO_DATA, HTML_500])


@pytest.mark.parametrize("answer", COMMITTED)
@pytest.mark.parametrize("api", APIS, ids=lambda a: a.name)
def test_a_create_answered_badly_after_the_commit_converges_without_a_duplicate(
    api: Api,
    answer: Answer,
    launch: Launch,
    emu: EmulatorHandle,
    request: pytest.FixtureRequest,
) -> None:
    server = start(launch, api, emu, request)
    inputs = checked(server, {}, api.inputs)
    emu.add_fault(method="POST", path=api.create, after_commit=True, **answer.fields)
    created = step(server.create, inputs)
    emu.clear_faults()
    [(live_id, listed)] = api.live(emu).items()  # made once, whatever the answer
    # Resolved in the same run: the tenant the POST made, found in the account.
    assert created.error is None, created.error
    tenant = Deployed(created.result.id, inputs, created.result.outputs)
    assert tenant.id == live_id
    if api.name == "mailbux":
        # Its one-time password was in the unreadable answer.
        assert tenant.outputs["password_known"] is False
        assert tenant.outputs.get("tenant_password") is None
        assert tenant.outputs["tenant_username"] == listed["tenant_username"]
    else:
        assert tenant.outputs["name"] == api.inputs["name"]
    # The next `pulumi up` and `pulumi refresh` (new processes) agree: nothing to do.
    later = start(launch, api, emu, request)
    again = checked(later, tenant.inputs, tenant.inputs)
    assert later.diff(tenant.id, tenant.outputs, again).changes == "none"
    refreshed = refresh(later, tenant)
    assert refreshed is not None
    assert refreshed.id == tenant.id
    assert list(api.live(emu)) == [live_id], "no duplicate"


# --- a 404 that is not the API's: never "gone" ---------------------------------------------

NOT_FOUND_PAGE = Answer(
    "HTML 404 page",
    {
        "status": 404,
        "body_text": HTML_PAGE.replace("502 Bad Gateway", "404 Not Found"),
        "content_type": HTML,
    },
)


# A web server's or a proxy's 404 page (a wrong base URL, a half-deployed API) must not make
# delete report the tenant "already gone": Pulumi would forget a live tenant.
@pytest.mark.parametrize("api", APIS, ids=lambda a: a.name)
def test_a_404_page_that_is_not_the_apis_never_makes_a_live_tenant_look_gone(
    api: Api, launch: Launch, emu: EmulatorHandle, request: pytest.FixtureRequest
) -> None:
    tenant = up_create(start(launch, api, emu, request), api.inputs)
    later = start(launch, api, emu, request)  # a `pulumi refresh`, then a `pulumi destroy`
    fault(emu, "GET", api.read, NOT_FOUND_PAGE)
    read = step(refresh, later, tenant)
    emu.clear_faults()
    assert read.error is not None, "a 404 page made a live tenant look gone"
    assert_names(read.error, api, "read", tenant)
    assert "forgets it" not in read.error, "the advice would make Pulumi forget a live tenant"
    fault(emu, "POST", api.delete, NOT_FOUND_PAGE)
    deleted = step(later.delete, tenant.id, tenant.outputs)
    emu.clear_faults()
    assert deleted.error is not None, "a 404 page made a live tenant look already deleted"
    assert_names(deleted.error, api, "delete", tenant)
    later.delete(tenant.id, tenant.outputs)
    if api.name == "mailbux":
        assert api.live(emu) == {}
    else:
        assert api.live(emu)[tenant.id]["status"] == "suspended"


# An answer that never moves to the page asked for (a cache that ignores the query string)
# must fail at once, not be asked again until the operation deadline.
def test_a_tenant_list_whose_pages_never_advance_fails_at_once(
    launch: Launch, emu: EmulatorHandle, request: pytest.FixtureRequest
) -> None:
    tenant = up_create(start(launch, ARCHIVE, emu, request), ARCHIVE.inputs)
    config = stack_config(
        emu, easymailarchive__requestsPerMinute="0", easymailarchive__operationTimeout="3"
    )
    later = launch(request.getfixturevalue("archive_pickle"), config=config)
    first_page = {
        "data": list(ARCHIVE.live(emu).values()),
        "meta": {"current_page": 1, "last_page": 3, "total": 3},
    }
    emu.add_fault(method="GET", path=ARCHIVE.list_path, status=200, count=10**6, body=first_page)
    emu.reset_counters()
    read = step(refresh, later, tenant)
    asked = emu.counters()[f"GET {ARCHIVE.list_path}"]["total"]
    emu.clear_faults()
    assert read.error is not None
    assert_names(read.error, ARCHIVE, "read", tenant)
    assert "page" in read.error
    assert asked <= 3, f"the same page was asked for {asked} times"
