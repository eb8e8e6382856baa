"""A local emulator of the reseller APIs registered in app.py, one package each.

Run it with `python -m pulumi_resellertenant.emulator --help`; embed it with `create_app`.
Importing this package starts nothing and opens nothing.
"""

from .app import create_app
from .config import EmulatorConfig

__all__ = ["EmulatorConfig", "create_app"]
