"""CrossGuard policies for reseller tenants: quota limits, tenant counts, slug naming and
protection of production tenants, checked by `pulumi preview` and `pulumi up` before any
API call changes anything.

The validators live in small modules (`quota`, `counts`, `slugs`, `protection`), importable
and testable without starting a pack; `policies.ALL` lists them and `pack/` is the policy pack
directory that hands them to the engine. `python -m pulumi_resellertenant.policy path` prints
that directory for `--policy-pack`.

This module imports nothing from pulumi_policy, so `path` works before the `policy` extra is
installed.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PACK_NAME", "pack_path"]

PACK_NAME = "resellertenant"
"""The pack's name as the engine shows it (`resellertenant@v0.1.0`)."""


def pack_path() -> Path:
    """The absolute directory of the policy pack shipped inside the installed package."""
    return Path(__file__).resolve().parent / "pack"
