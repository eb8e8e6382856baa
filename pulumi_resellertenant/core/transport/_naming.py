"""How a face spells the names its messages show: a parameter of every message that names an
input, a setting, a function or a literal value, never a rewrite of finished text.

The dynamic resources speak Python (``quota_gb=5``, ``mailbux:apiKey``,
``mailbux.list_tenants()``, ``True``): that is ``PYTHON``, this base class. The provider plugin
subclasses it with its own spellings (camelCase properties, ``resellertenant:mailbuxApiKey``,
invoke tokens, ``true``) and hands its naming to the lifecycles and settings it builds.
"""

from __future__ import annotations

__all__ = ["PYTHON", "Naming"]


class Naming:
    """The Python spelling: the models' field names, the dynamic resources' stack config
    and functions."""

    def field(self, name: str) -> str:
        """An input or output, by the models' name: ``quota_gb``."""
        return name

    def setting(self, namespace: str, key: str) -> str:
        """An API's setting where the user sets it: ``mailbux:apiKey`` in stack config."""
        return f"{namespace}:{key}"

    def function(self, namespace: str, name: str) -> str:
        """One of an API's reads offered as a function: ``mailbux.list_tenants()``."""
        return f"{namespace}.{name}()"

    def flag(self, value: bool) -> str:
        """A boolean as the user writes it: ``True``."""
        return str(value)

    def assign(self, name: str, value: object) -> str:
        """An input set to a value as the user writes it: ``quota_gb=5``,
        ``adopt_existing=True``, ``deletion_policy="suspend"``."""
        if isinstance(value, bool):
            text = self.flag(value)
        elif isinstance(value, str):
            text = f'"{value}"'
        else:
            text = str(value)
        return f"{self.field(name)}={text}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


PYTHON = Naming()
