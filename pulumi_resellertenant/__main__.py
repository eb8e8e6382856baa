"""``python -m pulumi_resellertenant COMMAND`` (also the ``pulumi-resellertenant`` script).

Commands: ``reconcile`` (compare reseller accounts with stacks' state); ``--version``.

Started by the engine, it serves the provider plugin: that is how current engines run this
repository as a plugin (``PulumiPlugin.yaml``): they install it and run
``python -m pulumi.run.plugin pulumi-resellertenant [engine flags] <address>``, which runs this
module. Only an argument list that ends in an address (``127.0.0.1:40123``) serves the
plugin: anything else is a command line, so a mistyped command is refused in one line
instead of waiting for an engine that never comes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from . import __version__
from .reconcile import cli as reconcile_cli

__all__ = ["main", "started_by_the_engine"]

COMMANDS = ("reconcile",)

DESCRIPTION = (
    "Mailbux and Easy Mail Archive reseller tenants for Pulumi. The command here is "
    "`reconcile`: compare reseller accounts with stacks' state. Started by the Pulumi engine "
    "with its address, this program serves the resellertenant provider plugin instead."
)

_ENGINE_ADDRESS = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}")
"""How the engine names itself to a plugin: ``host:port`` (``[::1]:port`` for IPv6)."""


def started_by_the_engine(args: Sequence[str]) -> bool:
    """Whether these are the engine's plugin arguments: its flags (``--logtostderr``,
    ``-v=9``, ``--tracing URL``), then its address, last."""
    return (
        bool(args) and args[0] not in COMMANDS and _ENGINE_ADDRESS.fullmatch(args[-1]) is not None
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if started_by_the_engine(args):
        from .plugin import main as serve_plugin

        serve_plugin(args)
        return 0
    parser = argparse.ArgumentParser(prog="pulumi-resellertenant", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reconcile_cli.configure(
        commands.add_parser(
            "reconcile",
            help="compare reseller accounts with stacks' state",
            prog="pulumi-resellertenant reconcile",
        )
    )
    return reconcile_cli.run(parser.parse_args(args))


if __name__ == "__main__":
    sys.exit(main())
