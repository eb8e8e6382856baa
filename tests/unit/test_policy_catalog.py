"""The pack as users name it: policy names, knobs, defaults and levels (stable: they are in
users' CI scripts and config files), the shipped pack directory, and the sample config."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

import pulumi_resellertenant
from pulumi_resellertenant.easymailarchive import models as ema_models
from pulumi_resellertenant.policy import PACK_NAME, pack_path, slugs
from pulumi_resellertenant.policy.__main__ import main
from pulumi_resellertenant.policy.policies import ALL

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_LIMITS = REPO_ROOT / "examples" / "policy" / "limits.json"

# The documented interface: name -> (kind, default level, {knob: default}).
DOCUMENTED: dict[str, tuple[type, EnforcementLevel, dict[str, Any]]] = {
    "mailbux-quota-per-tenant": (
        ResourceValidationPolicy,
        EnforcementLevel.MANDATORY,
        {"maxQuotaGb": 50},
    ),
    "mailbux-total-quota": (
        StackValidationPolicy,
        EnforcementLevel.MANDATORY,
        {"maxTotalQuotaGb": 500},
    ),
    "tenant-count": (
        StackValidationPolicy,
        EnforcementLevel.MANDATORY,
        {"maxMailbuxTenants": 100, "maxEasyMailArchiveTenants": 100},
    ),
    "easymailarchive-slug-pattern": (
        ResourceValidationPolicy,
        EnforcementLevel.ADVISORY,
        {"pattern": "^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$"},
    ),
    "tenants-protected": (
        ResourceValidationPolicy,
        EnforcementLevel.ADVISORY,
        {"stackPattern": "(^|[-_.])prod(uction)?($|[-_.])"},
    ),
}


def test_the_pack_has_the_documented_policies_knobs_defaults_and_levels() -> None:
    found = {}
    for policy in ALL:
        assert policy.config_schema is not None, policy.name
        defaults = {k: v["default"] for k, v in policy.config_schema.properties.items()}
        found[policy.name] = (type(policy), policy.enforcement_level, defaults)
        assert policy.description.endswith(".")
    assert found == DOCUMENTED


def test_every_knob_has_a_type_and_a_description_for_the_engine() -> None:
    for policy in ALL:
        assert policy.config_schema is not None
        for name, schema in policy.config_schema.properties.items():
            assert schema["type"] in {"integer", "string"}, name
            assert schema["description"], name


def test_the_pack_directory_ships_in_the_package_with_its_version() -> None:
    pack = pack_path()
    assert pack.is_absolute()
    assert pack.is_relative_to(Path(pulumi_resellertenant.__file__).parent)
    manifest = yaml.safe_load((pack / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"] == "python"
    assert manifest["version"] == pulumi_resellertenant.__version__
    source = (pack / "__main__.py").read_text()
    assert "PolicyPack(name=PACK_NAME, policies=ALL)" in source
    assert PACK_NAME == "resellertenant"


def test_path_prints_the_pack_directory_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path"]) == 0
    assert capsys.readouterr().out == f"{pack_path()}\n"


def test_the_module_runs_as_documented_and_refuses_other_commands() -> None:
    command = [sys.executable, "-m", "pulumi_resellertenant.policy"]

    done = subprocess.run([*command, "path"], capture_output=True, text=True, check=True)  # noqa: S603
    refused = subprocess.run([*command, "where"], capture_output=True, text=True, check=False)  # noqa: S603

    assert done.stdout == f"{pack_path()}\n"
    assert refused.returncode == 2
    assert "invalid choice: 'where'" in refused.stderr


def test_the_sample_limits_name_only_real_policies_levels_and_knobs() -> None:
    sample = json.loads(SAMPLE_LIMITS.read_text())
    policies = {policy.name: policy for policy in ALL}
    levels = {level.value for level in EnforcementLevel}

    assert set(sample) == set(policies)  # every policy shown once
    for name, settings in sample.items():
        schema = policies[name].config_schema
        assert schema is not None
        knobs = {k: v for k, v in settings.items() if k != "enforcementLevel"}
        assert settings.get("enforcementLevel", "advisory") in levels
        assert set(knobs) == set(schema.properties), name
        for knob, value in knobs.items():
            expected = int if schema.properties[knob]["type"] == "integer" else str
            assert type(value) is expected, knob


def test_the_slug_patterns_default_is_the_slug_rule() -> None:
    # Written out in the pack (which loads no API code), declared in the API's models.
    assert slugs.PATTERN.default == f"^{ema_models.SLUG_REGEX}$"
