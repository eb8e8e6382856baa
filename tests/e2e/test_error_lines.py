"""What a user sees when an input is wrong or the API refuses: one line, before any change
where possible, never a traceback or a key."""

from __future__ import annotations

import itertools

import httpx
import pytest

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import requests_made
from support.pulumi_cli import ProjectFactory, Run


def diagnostic(run: Run, resource_name: str) -> str:
    """The error the CLI's Diagnostics section gives for one resource, checked to be a
    single line, and the whole output checked free of tracebacks and keys."""
    assert run.returncode != 0, run
    assert "Traceback" not in run.output
    for key in (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY):
        assert key not in run.output
    _, found, diagnostics = run.stdout.partition("Diagnostics:\n")
    assert found, run
    lines = diagnostics.splitlines()
    [header] = [i for i, line in enumerate(lines) if line.endswith(f" ({resource_name}):")]
    message = list(itertools.takewhile(str.strip, lines[header + 1 :]))
    assert len(message) == 1, f"not one line: {message}"
    return message[0].strip()


@pytest.mark.parametrize(
    ("spec", "field", "fix"),
    [
        ({"mailbux": {"mail": {"quota_gb": 0}}}, "quota_gb", "quota_gb=5"),
        (
            {"easymailarchive": {"archive": {"slug": "Bad_Slug", "name": "Acme"}}},
            "slug",
            "lowercase",
        ),
    ],
    ids=["quota-zero", "bad-slug"],
)
def test_an_invalid_input_fails_preview_naming_the_field_with_no_request(
    new_project: ProjectFactory,
    e2e_emulator: EmulatorHandle,
    spec: dict[str, object],
    field: str,
    fix: str,
) -> None:
    project = new_project()
    project.write_spec(spec)
    e2e_emulator.reset_counters()

    preview = project.preview(check=False)

    line = diagnostic(preview, next(iter(*spec.values())))  # type: ignore[call-overload]
    # The engine frames the provider's check failure: "property F value {V} has a problem:".
    assert f"property {field} value" in line
    assert f"has a problem: {field} " in line
    assert fix in line
    assert requests_made(e2e_emulator) == {}


def test_quota_exceeded_from_the_api_is_one_line(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec({"mailbux": {"mail": {"quota_gb": 5}}})
    # The pool looked big enough at the pre-check; the API still refuses the create.
    e2e_emulator.add_fault(
        method="POST",
        path="/api/user/tenants",
        status=422,
        body={"success": False, "code": "QUOTA_EXCEEDED", "message": "Quota exceeded"},
    )

    up = project.up(check=False)

    line = diagnostic(up, "mail")
    assert line.startswith("error: Mailbux: cannot create tenant (quota_gb=5): 422 QUOTA_EXCEEDED")
    assert "requested quota_gb=5" in line
    assert "Lower quota_gb" in line


def test_a_taken_slug_is_one_line_naming_adopt_existing(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    httpx.post(
        f"{e2e_emulator.url}/api/reseller/tenants",
        headers=e2e_emulator.ema_headers(),
        json={"slug": "acme-corp", "name": "Made by hand"},
        timeout=10,
    ).raise_for_status()
    project = new_project()
    project.write_spec({"easymailarchive": {"archive": {"slug": "acme-corp", "name": "Acme"}}})

    up = project.up(check=False)

    line = diagnostic(up, "archive")
    assert line.startswith("error: Easy Mail Archive: cannot create tenant acme-corp: 409")
    assert "adopt_existing=True" in line
