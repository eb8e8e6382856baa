"""A stack's config for the code that is not the provider: the plain functions, ``reconcile``.

Inside a Pulumi program it is ``pulumi.Config``'s. Outside one ``pulumi.Config`` sees
nothing, so a named stack's config comes from the CLI: ``pulumi config --json --show-secrets
--stack NAME``, run in the project directory with the caller's environment (backend,
passphrase). The answer holds API keys: it is parsed here and never shown. An error quotes
the CLI's own ``error:`` line, never its standard output.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from pulumi_resellertenant.core.transport import (
    ApiSettings,
    ApiSpec,
    ConfigurationError,
    load_settings,
)

__all__ = [
    "PulumiCli",
    "PulumiCliError",
    "StackConfig",
    "parse_config_json",
]

CLI_TIMEOUT = 120.0
"""Seconds one ``pulumi`` command may take (a remote backend can be slow, never endless)."""


class PulumiCliError(ConfigurationError):
    """The ``pulumi`` CLI could not be run, or it failed; the message says which command."""


@dataclass(frozen=True)
class PulumiCli:
    """Runs ``pulumi`` non-interactively in a project directory (None: the current one)."""

    cwd: Path | None = None
    executable: str = "pulumi"
    environ: Mapping[str, str] | None = field(default=None, repr=False)
    timeout: float = CLI_TIMEOUT

    def run(self, *args: str) -> str:
        """The standard output of ``pulumi ARGS``; ``PulumiCliError`` if it fails."""
        command = ("--non-interactive", *args)
        shown = " ".join(("pulumi", *args))
        where = f" in {self.cwd}" if self.cwd is not None else ""
        try:
            done = subprocess.run(  # noqa: S603 (the user's own pulumi, with fixed arguments)
                [self.executable, *command],
                cwd=self.cwd,
                env=dict(os.environ if self.environ is None else self.environ),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError:
            raise PulumiCliError(
                f"the `{self.executable}` CLI was not found: install Pulumi "
                "(https://www.pulumi.com/docs/install/) or put `pulumi` on PATH"
            ) from None
        except NotADirectoryError:
            raise PulumiCliError(f"{self.cwd} is not a directory: pass a Pulumi project") from None
        except subprocess.TimeoutExpired:
            raise PulumiCliError(
                f"`{shown}`{where} did not finish within {self.timeout:g} s"
            ) from None
        if done.returncode != 0:
            raise PulumiCliError(f"`{shown}`{where} failed: {_error_line(done.stderr)}")
        return done.stdout


def _error_line(stderr: str) -> str:
    """The CLI's own ``error:`` line (its first), else its last line; short."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error:")]
    line = (errors or lines or ["no error text"])[0 if errors else -1]
    return line if len(line) <= 300 else line[:297] + "..."


@dataclass(frozen=True)
class StackConfig:
    """One stack's config values by full key (``mailbux:apiKey``), secrets in clear: the
    values stay out of the repr. ``values`` None: the running program's config, looked up
    through ``pulumi.Config`` (outside a program there is none, and the environment applies).

    The one way this package reads config outside the provider: ``StackConfig.of`` for the
    plain functions, ``StackConfig.read`` for ``reconcile``, then ``settings`` per API.
    """

    stack: str | None
    values: Mapping[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, stack: str | None = None, cwd: str | os.PathLike[str] | None = None) -> StackConfig:
        """The running program's config when neither ``stack`` nor ``cwd`` is given; else the
        config of ``stack`` (None: the selected stack) of the project in ``cwd``."""
        if stack is None and cwd is None:
            return cls(None)
        return cls.read(stack, cli=PulumiCli(None if cwd is None else Path(cwd)))

    @classmethod
    def read(cls, stack: str | None = None, *, cli: PulumiCli) -> StackConfig:
        """The config of ``stack`` (None: the selected stack) through ``cli``, secrets
        decrypted with the caller's passphrase or backend."""
        args = ["config", "--json", "--show-secrets"]
        if stack is not None:
            args += ["--stack", stack]
        return cls(stack, parse_config_json(cli.run(*args)))

    def get(self, key: str) -> Any:
        """The value of a full key, or None when the stack does not set it (a ``ConfigLookup``)."""
        if self.values is None:
            namespace, _, name = key.partition(":")
            return pulumi.Config(namespace).get(name)
        return self.values.get(key)

    def settings(self, spec: ApiSpec, environ: Mapping[str, str] | None = None) -> ApiSettings:
        """One API's settings: this config first, then the environment, then the defaults.
        A ``ConfigurationError`` names the stack when one was named."""
        env = os.environ if environ is None else environ
        try:
            return load_settings(spec, self.get, env)
        except ConfigurationError as error:
            if self.stack is None:
                raise
            raise ConfigurationError(f"stack {self.stack}: {error}") from None


def parse_config_json(text: str) -> dict[str, Any]:
    """``pulumi config --json`` output -> {full key: value}. Each entry is
    ``{"value": ..., "secret": bool}`` (``objectValue`` too for structured values)."""
    try:
        entries = json.loads(text)
    except json.JSONDecodeError:
        raise PulumiCliError("`pulumi config --json` printed something that is not JSON") from None
    if not isinstance(entries, dict):
        raise PulumiCliError("`pulumi config --json` printed no JSON object")
    values: dict[str, Any] = {}
    for key, entry in entries.items():
        if isinstance(entry, dict):
            value = entry.get("objectValue", entry.get("value"))
            if value is not None:
                values[str(key)] = value
    return values
