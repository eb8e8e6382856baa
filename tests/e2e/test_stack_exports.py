"""Tenant outputs feeding other resources in the same program and other stacks."""

from __future__ import annotations

from support.emulator_handle import EmulatorHandle
from support.live_tenants import archive_tenant
from support.pulumi_cli import ProjectFactory


def test_an_output_of_one_tenant_is_an_input_of_another(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec({"mailbux": {"mail": {"quota_gb": 3}}, "archive_named_after": "mail"})

    # On a new stack the username is unknown at preview: check and diff must let it pass.
    preview = project.preview()
    assert "+ 3 to create" in preview.stdout
    project.up()

    username = project.outputs()["mail_username"]
    archive = archive_tenant(e2e_emulator, "mail-archive")
    assert archive is not None
    assert archive["name"] == f"Archive of {username}"
    project.preview("--expect-no-changes")


def test_another_stack_reads_the_credentials_and_the_password_stays_secret(
    new_project: ProjectFactory,
) -> None:
    producer = new_project(name="producer")
    producer.write_spec({"mailbux": {"mail": {"quota_gb": 3}}})
    producer.up()
    password = producer.outputs(show_secrets=True)["mail_password"]
    consumer = new_project("consumer")
    consumer.set_config("producer", producer.stack_reference)
    consumer.set_config("tenant", "mail")

    up = consumer.up()

    outputs = consumer.outputs()
    assert outputs["login"] == f"{producer.outputs()['mail_username']}@webmail"
    assert outputs["password"] == outputs["password_length"] == "[secret]"
    revealed = consumer.outputs(show_secrets=True)
    assert revealed["password"] == password
    assert revealed["password_length"] == len(password)
    for project in (producer, consumer):
        assert password not in project.export_text()
    assert password not in up.output
