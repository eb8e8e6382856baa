"""``pulumi-resellertenant reconcile``: arguments, the run, the exit code.

Exit codes: 0 everything matches; 1 something needs action; 2 the comparison could not be
made (usage, settings, the ``pulumi`` CLI, an API), with one line naming what and the fix.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from pulumi_resellertenant.core import PulumiCli, ResellerTenantError

from .compare import compare
from .gather import gather, stack_names
from .report import to_json, to_text

__all__ = ["EXIT_ACTION", "EXIT_ERROR", "EXIT_OK", "configure", "main", "run"]

EXIT_OK = 0
EXIT_ACTION = 1
EXIT_ERROR = 2

DESCRIPTION = (
    "Compare each reseller account's tenants (Mailbux, Easy Mail Archive) with the state of "
    "one or more stacks: list orphans, missing tenants and pending operations, each with the "
    "line or command to paste. Settings come from each stack's config, then the environment."
)


def configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.description = DESCRIPTION
    parser.add_argument(
        "--stack",
        action="append",
        dest="stacks",
        metavar="NAME",
        help="a stack to compare (repeat it for several); default: every stack of the project",
    )
    parser.add_argument(
        "--cwd",
        metavar="DIR",
        help="the Pulumi project directory (default: the current directory)",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    return parser


def run(
    args: argparse.Namespace,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    env = os.environ if environ is None else environ
    cwd: str | None = args.cwd
    if cwd is not None and not Path(cwd).is_dir():
        return _fail(
            f"--cwd {cwd} is not a directory: pass the Pulumi project's directory", args, out, err
        )
    cli = PulumiCli(None if cwd is None else Path(cwd), environ=env)
    try:
        stacks = args.stacks or stack_names(cli)
        if not stacks:
            return _fail(
                "the project has no stacks: pass --stack NAME (and --cwd DIR for another "
                "project directory)",
                args,
                out,
                err,
            )
        gathered = gather(cli, stacks, env)
    except ResellerTenantError as error:
        return _fail(str(error), args, out, err)
    if not gathered.accounts:
        return _fail(
            f"no account to compare: stack {', '.join(stacks)} holds no tenants and has no "
            "API key: run `pulumi config set --secret mailbux:apiKey <key>` (or "
            "easymailarchive:apiKey), or set MAILBUX_API_KEY / EASYMAILARCHIVE_API_KEY",
            args,
            out,
            err,
        )
    findings = compare(
        gathered.states, gathered.accounts, locks=gathered.locks, since=gathered.since, cwd=cwd
    )
    if args.json:
        out.write(json.dumps(to_json(findings), indent=2) + "\n")
    else:
        out.write(to_text(findings))
    return EXIT_ACTION if findings.needs_action else EXIT_OK


def _fail(message: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    line = " ".join(message.split())  # one line, whatever the error's text held
    err.write(f"reconcile: {line}\n")
    if args.json:
        out.write(json.dumps({"error": line}) + "\n")
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    parser = configure(argparse.ArgumentParser(prog="pulumi-resellertenant reconcile"))
    return run(parser.parse_args(argv))
