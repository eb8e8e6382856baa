"""``python -m pulumi_resellertenant COMMAND`` (also the ``pulumi-resellertenant`` script).

Commands: ``reconcile`` (compare reseller accounts with stacks' state).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .reconcile import cli as reconcile_cli

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pulumi-resellertenant")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reconcile_cli.configure(
        commands.add_parser(
            "reconcile",
            help="compare reseller accounts with stacks' state",
            prog="pulumi-resellertenant reconcile",
        )
    )
    args = parser.parse_args(argv)
    return reconcile_cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
