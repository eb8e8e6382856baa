"""``pulumi-resellertenant reconcile``: arguments, the run, the exit code.

Exit codes: 0 everything matches; 1 something needs action; 2 the comparison could not be
made (usage, settings, the ``pulumi`` CLI, an API), with one line naming what and the fix.
``--import-file FILE`` also writes the orphans as a ``pulumi import --file`` document
(``import_file``) for the one stack compared, and the report names the command to run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from pulumi_resellertenant.apis import APIS
from pulumi_resellertenant.core.faces import PulumiCli
from pulumi_resellertenant.core.transport import ResellerTenantError, env_var, shown

from .compare import Findings, compare
from .gather import Gathered, gather, stack_names
from .import_file import ImportDocument, import_document, report_json, report_text, write_document
from .lines import Commands
from .report import to_json, to_text

__all__ = ["EXIT_ACTION", "EXIT_ERROR", "EXIT_OK", "configure", "main", "run"]

EXIT_OK = 0
EXIT_ACTION = 1
EXIT_ERROR = 2

DESCRIPTION = (
    f"Compare each reseller account's tenants ({', '.join(api.display_name for api in APIS)}) "
    "with the state of one or more stacks: list orphans, missing tenants and pending "
    "operations, each with the line or command to paste. Settings come from each stack's "
    "config, then the environment."
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
    parser.add_argument(
        "--import-file",
        metavar="FILE",
        help="also write the orphans to FILE for `pulumi import --file FILE`, which adopts "
        "them all in one run under the provider plugin's types (needs exactly one stack)",
    )
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
        problem = _import_file_problem(args.import_file, stacks)
        if problem is not None:
            return _fail(problem, args, out, err)
        gathered = gather(cli, stacks, env)
    except ResellerTenantError as error:
        return _fail(str(error), args, out, err)
    if not gathered.accounts:
        return _fail(
            f"no account to compare: stack {', '.join(stacks)} holds no tenants and has no "
            f"API key: {_how_to_set_a_key()}",
            args,
            out,
            err,
        )
    findings = compare(
        gathered.states, gathered.accounts, locks=gathered.locks, since=gathered.since, cwd=cwd
    )
    written: WrittenFile | None = None
    if args.import_file is not None:
        try:
            written = _write_import_file(Path(args.import_file), stacks[0], cwd, findings, gathered)
        except OSError as error:
            why = error.strerror or str(error)
            return _fail(f"cannot write --import-file {args.import_file}: {why}", args, out, err)
    if args.json:
        report = to_json(findings)
        if written is not None:
            report["import_file"] = report_json(*written)
        out.write(json.dumps(report, indent=2) + "\n")
    else:
        out.write(to_text(findings) + ("" if written is None else "\n" + report_text(*written)))
    return EXIT_ACTION if findings.needs_action else EXIT_OK


WrittenFile = tuple[ImportDocument, str, str]
"""The document written, its path as shown, and the command that imports it."""


def _write_import_file(
    path: Path, stack: str, cwd: str | None, findings: Findings, gathered: Gathered
) -> WrittenFile:
    taken = {tenant.name for state in gathered.states for tenant in state.tenants}
    document = import_document(findings, taken=taken)
    write_document(document, path)
    # `pulumi --cwd DIR` reads a relative --file from DIR: name the file absolutely then.
    where = str(path if cwd is None else path.absolute())
    return document, where, Commands(stack, cwd).pulumi("import", "--file", where)


def _import_file_problem(import_file: str | None, stacks: Sequence[str]) -> str | None:
    """Why ``--import-file`` cannot be written, before anything is read; None when it can."""
    if import_file is None:
        return None
    if len(stacks) != 1:
        return (
            f"--import-file is for one stack, and {len(stacks)} are compared "
            f"({', '.join(stacks)}): pass --stack NAME once, naming the stack to import into"
        )
    directory = Path(import_file).parent
    if not directory.is_dir():
        return f"--import-file {import_file}: {directory} is not a directory"
    return None


def _fail(message: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # One line, whatever the error's text held: it may quote a server (escapes, line breaks).
    line = shown(" ".join(message.split()), limit=2000)
    err.write(f"reconcile: {line}\n")
    if args.json:
        out.write(json.dumps({"error": line}) + "\n")
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    parser = configure(argparse.ArgumentParser(prog="pulumi-resellertenant reconcile"))
    return run(parser.parse_args(argv))


def _how_to_set_a_key() -> str:
    """``run `pulumi config set --secret mailbux:apiKey <key>` (or easymailarchive:apiKey),
    or set MAILBUX_API_KEY / EASYMAILARCHIVE_API_KEY``, for the APIs of the registry."""
    first, *others = [api.config_key("apiKey") for api in APIS]
    alternatives = f" (or {', '.join(others)})" if others else ""
    variables = " / ".join(env_var(api.spec(), "apiKey") for api in APIS)
    return f"run `pulumi config set --secret {first} <key>`{alternatives}, or set {variables}"
