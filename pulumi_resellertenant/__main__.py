"""``python -m pulumi_resellertenant COMMAND`` (also the ``pulumi-resellertenant`` script).

Commands: ``reconcile`` (compare reseller accounts with stacks' state).

Run with an engine address instead of a command, it serves the provider plugin: that is how
current engines run this repository as a plugin (``PulumiPlugin.yaml``): they install it and
run ``python -m pulumi.run.plugin pulumi-resellertenant <address>``, which runs this module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .reconcile import cli as reconcile_cli

__all__ = ["main"]


COMMANDS = ("reconcile",)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and not args[0].startswith("-"):
        from .plugin import main as serve_plugin  # the engine's address: serve the plugin

        serve_plugin(args)
        return 0
    parser = argparse.ArgumentParser(prog="pulumi-resellertenant")
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
