"""What every reseller API shares; it names no API. Four layers, each importing only those
below it: ``pacing``, ``transport`` (no Pulumi in either), ``lifecycle`` and ``faces``. This
module is their one import path for code outside the package, offering every name the
layers export (``tests/support/third_api.py``, a
third API): each name loads its layer on first use, so ``core.transport`` alone loads no
Pulumi. The package's own modules import the layer they use.

- Errors: ``ResellerTenantError`` and its tree (an API adds its own code classes).
- Talking to an API: ``ApiSpec``, ``ApiSettings`` (``load_settings``; ``StackConfig`` reads
  a program's or a stack's config), ``HttpClient`` (retries,
  deadline, pacing), ``ApiClient`` (the base of each API's client; ``.shared(settings)``).
- A tenant resource: ``TenantArgs`` and ``TenantState`` (the single declaration, with
  ``Input`` and ``Output`` on their fields), ``TenantLifecycle`` (create, read, update, delete
  on typed values), ``TenantProvider`` (its dynamic-provider face), ``TenantResource``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .faces import *  # noqa: F403
    from .lifecycle import *  # noqa: F403
    from .pacing import *  # noqa: F403
    from .transport import *  # noqa: F403

_LAYERS = ("pacing", "transport", "lifecycle", "faces")  # bottom up


def _layer(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def __getattr__(name: str) -> Any:
    if name == "__all__":  # each layer declares its own; loading them all is asked for here
        return [exported for layer in _LAYERS for exported in _layer(layer).__all__]
    for layer in _LAYERS:
        module = _layer(layer)
        if name in module.__all__:
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
