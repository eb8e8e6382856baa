"""A local emulator of the Mailbux and Easy Mail Archive reseller APIs.

Run it with `python -m pulumi_resellertenant.emulator --help`; embed it with `create_app`.
Importing this package starts nothing and opens nothing.
"""

from .app import create_app
from .config import EmulatorConfig

__all__ = ["EmulatorConfig", "create_app"]
