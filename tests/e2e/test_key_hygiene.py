"""Key hygiene under the real engine, across the runs a reseller makes: preview, up, refresh,
a refused key, verbose logs (to stderr and to files), destroy, and the exported state.

API keys never appear in clear anywhere but the engine's own record of the stack config,
which `pulumi stack export --show-secrets` decrypts. The tenant password never appears in
the CLI's normal output or in the plain export; the pinned engine's `-v=9` log does print it
(its property log formats secrets in clear), and only there; the current engine's does not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import (
    EMA_TYPE,
    MAILBUX_TYPE,
    ONE_TENANT_EACH,
    PROGRAMS,
    Engine,
    ProjectFactory,
    PulumiProject,
    PulumiWorkspace,
    Run,
)

ROTATED_MAILBUX_KEY = "mailbux-rotated-hygiene-key"
WRONG_MAILBUX_KEY = "mailbux-wrong-hygiene-key"
WRONG_EMA_KEY = "easymailarchive-wrong-hygiene-key"
KEYS = (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY, ROTATED_MAILBUX_KEY, WRONG_MAILBUX_KEY, WRONG_EMA_KEY)
CONFIG_RECORD = "pulumi:providers:pulumi-python"
"""The engine's default provider of dynamic resources: it records the whole stack config."""
ENGINE_PROPERTY_LOG = re.compile(r" rpc\.go:\d+\] (Marshaling|Unmarshaling) property for RPC\[")
"""The engine's `-v=9` line per property sent or received over gRPC (secrets in clear)."""


def assert_no_key(text: str, where: str) -> None:
    for key in KEYS:
        assert key not in text, f"an API key in clear in {where}"


def assert_no_key_in_runs(runs: Iterable[Run]) -> None:
    """Every run but those that asked for secrets (`--show-secrets`)."""
    for run in runs:
        if "--show-secrets" not in run.args:
            assert_no_key(run.output, f"the output of `pulumi {' '.join(run.args)}`")


def password_lines(text: str, password: str) -> list[str]:
    return [line for line in text.splitlines() if password in line]


def assert_password_only_in_engine_property_log(
    text: str, password: str, where: str, engine: Engine
) -> None:
    """The password shows in the engine's property log where that engine prints secret
    outputs, and never from the provider or the CLI.

    A dynamic provider cannot hide it there: its server serializes outputs with no secret
    support, and the pinned engine logs even secret properties in clear (`{&{{...}}}`); only
    secret stack config is masked. The current engine prints none. If this starts failing,
    the engine changed: update the README's security notes and `ENGINE_FACTS`.
    """
    lines = password_lines(text, password)
    if engine.logs_secret_outputs:
        assert lines, f"{where}: the engine's property log no longer shows the password"
    else:
        assert lines == [], f"{where}: the {engine.name} engine's log shows the password"
    strays = [line for line in lines if not ENGINE_PROPERTY_LOG.search(line)]
    assert strays == [], f"{where}: the password outside the engine's property log: {strays}"


def resources_holding(resources: Iterable[Mapping[str, Any]], needle: str) -> set[str]:
    return {r["type"] for r in resources if needle in json.dumps(r)}


def assert_server_matches_state(project: PulumiProject, emulator: EmulatorHandle) -> None:
    live_ids = sorted(str(tenant["id"]) for tenant in mailbux_tenants(emulator))
    assert live_ids == sorted(r["id"] for r in project.resources(MAILBUX_TYPE))
    [archive] = project.resources(EMA_TYPE)
    assert archive_tenant(emulator, archive["id"]) is not None


def engine_log_files(log_dir: Path) -> str:
    """The glog files (`pulumi.*.log.INFO.*`) the engine wrote under TMPDIR."""
    files = sorted(p for p in log_dir.iterdir() if p.is_file() and ".log." in p.name)
    assert any(p.name.startswith("pulumi.") for p in files), f"no engine log in {log_dir}"
    return "".join(p.read_text(errors="replace") for p in files)


def test_keys_in_stack_config_stay_inside_the_engines_encrypted_config_record(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle, tmp_path: Path, engine: Engine
) -> None:
    project = new_project()
    project.write_spec(ONE_TENANT_EACH)

    preview = project.preview()
    verbose_up = project.up("-v=9", "--logtostderr")
    assert f"{MAILBUX_TYPE}::mail" in verbose_up.stderr  # the engine's log is really there
    assert_server_matches_state(project, e2e_emulator)
    password = project.outputs(show_secrets=True)["mail_password"]
    assert len(password) >= 12

    # -v=9 to glog files (the default without --logtostderr), with --logflow, which passes
    # the level on to the provider process (the Python dynamic provider ignores it today).
    log_dir = tmp_path / "engine-logs"
    log_dir.mkdir()
    verbose_refresh = project.pulumi(
        "refresh", "--yes", "--skip-preview", "--stack", project.stack, "-v=9", "--logflow",
        env={"TMPDIR": str(log_dir)},
    )  # fmt: skip
    file_log = engine_log_files(log_dir)

    # A refused key: the account moved to a new key, the stack still has the old one.
    e2e_emulator.rotate_key("mailbux", MAILBUX_KEY, ROTATED_MAILBUX_KEY)
    refused = project.refresh(check=False)
    e2e_emulator.rotate_key("mailbux", ROTATED_MAILBUX_KEY, MAILBUX_KEY)
    assert refused.returncode != 0
    assert "401" in refused.output

    plain = project.export_text()
    revealed = project.export(show_secrets=True)["deployment"]["resources"]
    destroy = project.destroy()

    # Keys: nowhere in clear, in any run's output, log or error, nor in the plain export.
    assert_no_key_in_runs(project.runs)
    assert_no_key(file_log, "the engine's -v=9 log files")
    assert_no_key(plain, "`pulumi stack export`")
    assert_no_key(project.export_text(), "`pulumi stack export` after destroy")
    assert project.resources(MAILBUX_TYPE) == project.resources(EMA_TYPE) == []
    # With --show-secrets, only the engine's config record holds them, in inputs and outputs.
    for key in (MAILBUX_KEY, EMA_KEY):
        assert resources_holding(revealed, key) == {CONFIG_RECORD}
    [record] = [r for r in revealed if r["type"] == CONFIG_RECORD]
    assert record["urn"].endswith(f"::{CONFIG_RECORD}::default")
    for properties in (record["inputs"], record["outputs"]):
        assert json.loads(properties["mailbux:apiKey"]["plaintext"]) == MAILBUX_KEY
        assert json.loads(properties["easymailarchive:apiKey"]["plaintext"]) == EMA_KEY

    # The password: never in the CLI's display or the plain export ...
    assert password not in plain
    for run in (preview, refused, destroy):
        assert password not in run.output, f"the password in `pulumi {' '.join(run.args)}`"
    assert password not in verbose_up.stdout
    assert password not in verbose_refresh.output
    # ... but in the engine's -v=9 property log, wherever the log goes.
    assert_password_only_in_engine_property_log(verbose_up.stderr, password, "up -v=9", engine)
    assert_password_only_in_engine_property_log(
        file_log, password, "refresh -v=9 log files", engine
    )


def test_keys_only_in_the_environment_never_reach_state_logs_or_error_text(
    workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle
) -> None:
    # The engine masks secret stack config in everything it prints; keys from the
    # environment it never sees, so any leak here would be the provider's own.
    project = workspace.project(PROGRAMS / "tenants", "tenants")
    project.set_config("mailbux:baseUrl", e2e_emulator.url)
    project.set_config("easymailarchive:baseUrl", e2e_emulator.url)
    project.write_spec(ONE_TENANT_EACH)
    good = {"MAILBUX_API_KEY": MAILBUX_KEY, "EASYMAILARCHIVE_API_KEY": EMA_KEY}
    wrong = {"MAILBUX_API_KEY": WRONG_MAILBUX_KEY, "EASYMAILARCHIVE_API_KEY": WRONG_EMA_KEY}

    verbose_up = project.pulumi(
        "up", "--yes", "--skip-preview", "-v=9", "--logtostderr", "--logflow", env=good
    )
    assert f"{EMA_TYPE}::archive" in verbose_up.stderr
    assert_server_matches_state(project, e2e_emulator)
    refused = project.pulumi(
        "refresh", "--yes", "--skip-preview", "-v=9", "--logtostderr", env=wrong, check=False
    )
    assert refused.returncode != 0
    assert "401" in refused.stdout
    assert "mailbux:apiKey" in refused.stdout  # the fix is named, the key is not
    assert "easymailarchive:apiKey" in refused.stdout

    revealed = project.export_text(show_secrets=True)
    assert_no_key_in_runs(project.runs)
    assert_no_key(revealed, "`pulumi stack export --show-secrets`")
    # Not even encrypted: the engine's config record holds only the stack config.
    [record] = [
        r for r in json.loads(revealed)["deployment"]["resources"] if r["type"] == CONFIG_RECORD
    ]
    assert sorted(record["inputs"]) == ["easymailarchive:baseUrl", "mailbux:baseUrl"]
