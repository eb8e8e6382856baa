"""`python -m pulumi_resellertenant.policy path`: where the shipped policy pack is, for
`pulumi preview --policy-pack "$(python -m pulumi_resellertenant.policy path)"`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import pack_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_resellertenant.policy",
        description="The CrossGuard policy pack for Mailbux and Easy Mail Archive tenants.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("path", help="print the absolute directory of the pack (--policy-pack)")
    parser.parse_args(argv)
    # `path` is the only command: print it bare so "$(...)" can take it whole.
    print(pack_path())
    return 0


if __name__ == "__main__":
    sys.exit(main())
