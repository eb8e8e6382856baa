"""Run the real `pulumi` CLI on a Pulumi project, as a user does, with a local backend.

Each `PulumiProject` is a copy of a program directory with its own stack; projects of one
test share a `file://` backend (so a `StackReference` finds the other project's stack) and a
`PULUMI_HOME`. Nothing needs an account or the network: update checks and plugin downloads
are off, and secrets are encrypted with a passphrase.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
ENGINE_BUILD = REPO_ROOT / "tools" / "engine" / "build"
PROGRAMS = REPO_ROOT / "tests" / "e2e" / "programs"
EXAMPLES = REPO_ROOT / "examples"
MAILBUX_TYPE = "pulumi-python:dynamic/mailbux:Tenant"
EMA_TYPE = "pulumi-python:dynamic/easymailarchive:Tenant"
ONE_TENANT_EACH = {
    "mailbux": {"mail": {"quota_gb": 5}},
    "easymailarchive": {"archive": {"slug": "acme-corp", "name": "Acme Corporation"}},
}
"""A `spec.json` for the `tenants` program: one tenant of each API."""
PASSPHRASE = "e2e-passphrase"
COMMAND_TIMEOUT = 300.0


class EngineUnavailableError(RuntimeError):
    """No Pulumi engine could be found or built: the e2e layer fails, it never skips."""


@dataclass(frozen=True)
class Engine:
    """One of the engines `tools/engine/build` makes, with what was measured of it."""

    name: str
    directory: Path
    logs_secret_outputs: bool
    """Its `-v=9` property log prints a provider's secret outputs (the password) in clear."""
    runs_plugin_packages: bool
    """Its Python host runs plugin packages (`pulumi package add`, `gen-sdk`, `RunPlugin`)."""


ENGINE_FACTS = {
    # CLI v3.220.0, Python host v3.79.0: what tools/demo builds for users without Pulumi.
    "pinned": {"logs_secret_outputs": True, "runs_plugin_packages": False},
    # CLI v3.277.0, Python host v3.259.0: the release users run today.
    "current": {"logs_secret_outputs": False, "runs_plugin_packages": True},
}
ENGINES = tuple(ENGINE_FACTS)


def build_engine(name: str) -> Engine:
    """The engine `tools/engine/build NAME` provides (building it once per machine)."""
    try:
        result = subprocess.run(  # noqa: S603 (our own script)
            [str(ENGINE_BUILD), name], capture_output=True, text=True, timeout=1800, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise EngineUnavailableError(f"tools/engine/build could not run: {error}") from error
    if result.returncode != 0:
        raise EngineUnavailableError(
            f"tools/engine/build {name} failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return Engine(name, Path(result.stdout.strip()), **ENGINE_FACTS[name])


@dataclass(frozen=True)
class Run:
    """One finished pulumi command."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return (
            f"pulumi {' '.join(self.args)} exited {self.returncode}\n"
            f"--- stdout ---\n{self.stdout[-6000:]}\n--- stderr ---\n{self.stderr[-6000:]}"
        )


class PulumiCommandError(AssertionError):
    def __init__(self, run: Run) -> None:
        super().__init__(str(run))
        self.run = run


class PulumiWorkspace:
    """A backend and a PULUMI_HOME under `root`, shared by the projects of one test."""

    def __init__(self, engine: Path, root: Path) -> None:
        self.engine = engine
        self.root = root
        self.backend = root / "backend"
        self.home = root / "pulumi-home"
        self.backend.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        self.runs: list[Run] = []
        """Every command its projects ran, for checks over all of them (key hygiene)."""

    def leaks(self, secrets: Iterable[str]) -> list[str]:
        """The commands whose output shows one of ``secrets``, but for those that asked the
        engine to (``--show-secrets``)."""
        return [
            " ".join(run.args)
            for run in self.runs
            if "--show-secrets" not in run.args and any(secret in run.output for secret in secrets)
        ]

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        # Settings must come from stack config: drop any the developer's shell has.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MAILBUX_", "EASYMAILARCHIVE_", "PULUMI_"))
        }
        # The engine first, then this interpreter's environment: the language host runs the
        # program with the `python3` it finds on PATH, which must have this package.
        env["PATH"] = os.pathsep.join(
            [str(self.engine), str(Path(sys.executable).parent), env.get("PATH", "")]
        )
        env.update(
            PULUMI_HOME=str(self.home),
            PULUMI_BACKEND_URL=self.backend.as_uri(),
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            # The venv's bin holds the provider plugin too: Python programs must not start it
            # (an editable install hides pulumi-plugin.json, which says they need none).
            PULUMI_IGNORE_AMBIENT_PLUGINS="true",
            PULUMI_SKIP_CONFIRMATIONS="true",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra or {})
        return env

    def project(self, program: Path, name: str, stack: str = "dev") -> PulumiProject:
        """A copy of `program` under this workspace with a new stack `stack`."""
        workdir = self.root / name
        shutil.copytree(program, workdir, ignore=shutil.ignore_patterns("__pycache__"))
        project = PulumiProject(self, workdir, stack)
        project.pulumi("stack", "init", stack)
        return project


class PulumiProject:
    def __init__(self, workspace: PulumiWorkspace, workdir: Path, stack: str) -> None:
        self.workspace = workspace
        self.workdir = workdir
        self.stack = stack
        self.runs: list[Run] = []

    @property
    def project_name(self) -> str:
        for line in (self.workdir / "Pulumi.yaml").read_text().splitlines():
            if line.startswith("name:"):
                return line.partition(":")[2].strip()
        raise AssertionError(f"no name in {self.workdir / 'Pulumi.yaml'}")

    @property
    def stack_reference(self) -> str:
        """The name other projects' `StackReference` use for this stack (file backend)."""
        return f"organization/{self.project_name}/{self.stack}"

    def pulumi(
        self,
        *args: str,
        check: bool = True,
        env: Mapping[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> Run:
        """Run `pulumi ARGS` in the project; raises with the whole output if it fails and
        `check` is set."""
        full = ("--non-interactive", "--color", "never", *args)
        try:
            done = subprocess.run(  # noqa: S603 (the engine binary we built or found)
                [str(self.workspace.engine / "pulumi"), *full],
                cwd=self.workdir,
                env=self.workspace.env(env),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise AssertionError(f"pulumi {' '.join(args)} timed out after {timeout} s") from error
        run = Run(tuple(args), done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        self.workspace.runs.append(run)
        if check and run.returncode != 0:
            raise PulumiCommandError(run)
        return run

    # --- the commands tests use ------------------------------------------------------------

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        flags = ("--secret",) if secret else ("--plaintext",)
        self.pulumi("config", "set", "--stack", self.stack, *flags, key, value)

    def up(self, *flags: str, check: bool = True) -> Run:
        return self.pulumi(
            "up", "--yes", "--skip-preview", "--stack", self.stack, *flags, check=check
        )

    def preview(self, *flags: str, check: bool = True) -> Run:
        return self.pulumi("preview", "--stack", self.stack, *flags, check=check)

    def refresh(self, *flags: str, check: bool = True) -> Run:
        return self.pulumi(
            "refresh", "--yes", "--skip-preview", "--stack", self.stack, *flags, check=check
        )

    def destroy(self, *flags: str, check: bool = True) -> Run:
        return self.pulumi(
            "destroy", "--yes", "--skip-preview", "--stack", self.stack, *flags, check=check
        )

    def outputs(self, *, show_secrets: bool = False) -> dict[str, Any]:
        flags = ("--show-secrets",) if show_secrets else ()
        run = self.pulumi("stack", "output", "--json", "--stack", self.stack, *flags)
        return dict(json.loads(run.stdout))

    def export_text(self, *, show_secrets: bool = False) -> str:
        """`pulumi stack export`: the deployment as stored, secrets as ciphertext unless
        `show_secrets`."""
        flags = ("--show-secrets",) if show_secrets else ()
        return self.pulumi("stack", "export", "--stack", self.stack, *flags).stdout

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return dict(json.loads(self.export_text(show_secrets=show_secrets)))

    def resources(self, type_token: str, *, show_secrets: bool = False) -> list[dict[str, Any]]:
        """The state's resources of one type, as `stack export` holds them."""
        deployment = self.export(show_secrets=show_secrets)["deployment"]
        return [r for r in deployment.get("resources") or [] if r["type"] == type_token]

    def resource_named(self, type_token: str, name: str) -> dict[str, Any]:
        [resource] = [r for r in self.resources(type_token) if r["urn"].endswith(f"::{name}")]
        return resource

    def write_spec(self, spec: Mapping[str, Any]) -> None:
        """The program's `spec.json`: which tenants it declares (see tests/e2e/programs)."""
        (self.workdir / "spec.json").write_text(json.dumps(spec, indent=2))


ProjectFactory = Callable[..., PulumiProject]
"""The `new_project` fixture: `new_project(program="tenants", name=None)`."""
