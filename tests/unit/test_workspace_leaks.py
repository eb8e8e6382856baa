"""The e2e layer's key-hygiene check over every command a test ran (tests/support/pulumi_cli.py)."""

from __future__ import annotations

from pathlib import Path

from support.pulumi_cli import PulumiWorkspace, Run

KEY = "a-reseller-key"


def test_a_key_in_any_commands_output_is_reported_unless_secrets_were_asked_for(
    tmp_path: Path,
) -> None:
    workspace = PulumiWorkspace(tmp_path / "engine", tmp_path / "pulumi")
    workspace.runs += [
        Run(("up", "--yes"), 0, "Resources: 2 created", ""),
        Run(("refresh", "--yes"), 1, "", f"error: 401 for key {KEY}"),
        Run(("stack", "export", "--show-secrets"), 0, f'"plaintext": "{KEY}"', ""),
    ]
    assert workspace.leaks([KEY]) == ["refresh --yes"]
    assert workspace.leaks(["another-key"]) == []
