"""examples/consumer-stack: a second stack reads the tenants stack's credentials through a
StackReference and writes an onboarding bundle, kept current and with the password secret."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from support.emulator_handle import EmulatorHandle
from support.engine_steps import requests_made
from support.live_tenants import mailbux_tenants
from support.pulumi_cli import EXAMPLES, MAILBUX_TYPE, ProjectFactory, PulumiProject

CONSUMER_STACK = EXAMPLES / "consumer-stack"
BUNDLE_TYPE = "pulumi-python:dynamic/onboarding:Bundle"
SECRET_SIG = "4dabf18193072939515e22adb298388d"


def read_bundle(path: Path) -> dict[str, Any]:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "the bundle must be owner-only"
    return dict(json.loads(path.read_text()))


def credentials(producer: PulumiProject) -> tuple[str, str]:
    revealed = producer.outputs(show_secrets=True)
    return revealed["logins"]["acme-corp"]["webmail_login"], revealed["passwords"]["acme-corp"]


def test_the_bundle_follows_the_producers_tenant_and_the_password_stays_secret(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    producer = new_project(CONSUMER_STACK / "producer", name="producer")
    producer.up()
    consumer = new_project(CONSUMER_STACK / "consumer", name="consumer")
    consumer.set_config("producer", producer.stack_reference)
    e2e_emulator.reset_counters()

    consumer.up()

    assert requests_made(e2e_emulator) == {}  # the credentials come from the producer's state
    login, password = credentials(producer)
    bundle_path = consumer.workdir / "bundles" / "acme-corp.json"
    assert read_bundle(bundle_path) == {
        "customer": "acme-corp",
        "webmail_login": login,
        "password": password,
        "archive_slug": "acme-corp",
    }
    assert consumer.outputs() == {
        "bundles": {"acme-corp": str(bundle_path)},
        "logins": {"acme-corp": login},
    }

    # The producer gives acme-corp a new mail tenant: a new login and a new password.
    mail_urn = producer.resource_named(MAILBUX_TYPE, "acme-corp-mail")["urn"]
    producer.up("--replace", mail_urn)
    new_login, new_password = credentials(producer)
    assert (new_login, new_password) != (login, password)
    [live] = mailbux_tenants(e2e_emulator)  # the old tenant was terminated
    assert live["tenant_username"] == new_login

    update = consumer.up()

    assert "1 updated" in update.stdout
    assert read_bundle(bundle_path)["webmail_login"] == new_login
    assert read_bundle(bundle_path)["password"] == new_password
    assert consumer.outputs()["logins"] == {"acme-corp": new_login}

    # Neither password is in clear in either stack's state or in any `pulumi up` output; the
    # bundle's state holds the password as ciphertext, as an input and as an output.
    for project in (producer, consumer):
        exported = project.export_text()
        ups = [run.output for run in project.runs if run.args[0] == "up"]
        for secret in (password, new_password):
            assert secret not in exported
            assert all(secret not in output for output in ups)
    [bundle_state] = consumer.resources(BUNDLE_TYPE)
    assert SECRET_SIG in bundle_state["inputs"]["password"]
    assert SECRET_SIG in bundle_state["outputs"]["password"]
